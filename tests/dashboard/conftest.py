"""The staff dashboard served in-process (Starlette's TestClient) over a real, migrated SQLite database."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.cases.database import create_db_engine, migrate
from bot.cases.models import StaffRole
from bot.cases.store import CaseView
from bot.cases.transcript import rasa_events
from bot.dashboard.app import create_dashboard
from bot.pseudonyms import Pseudonymiser
from bot.rasa_client import RasaClient
from bot.safeguarding.content import load_library
from bot.services import Services
from bot.settings import load_settings

PASSWORD = "a long enough passphrase"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Dashboard:
    """The app, its services, and the messages its Telegram sender was asked to deliver."""

    services: Services
    delivered: list[tuple[str, str]] = field(default_factory=list)

    def client(self) -> TestClient:
        """A new browser (its own cookies)."""
        app = Starlette(routes=[Mount("/staff", create_dashboard(self.services))])
        return TestClient(app, follow_redirects=False)

    def add_staff(self, name: str, role: StaffRole = StaffRole.STAFF) -> None:
        """Create an account."""
        self.services.staff.add(name, PASSWORD, role, datetime(2026, 12, 1))

    def open_case(self, conversation: str = "telegram-0123", reasons: tuple[str, ...] = ("self_harm",)) -> CaseView:
        """A case as the advice action opens it."""
        case, _ = self.services.cases.open_or_update(conversation, "telegram", list(reasons), ["self_harm_intent"],
                                                     "self_harm", "young_person", "age_13_15", datetime(2026, 12, 2, 9))
        return case

    def staff_on_case(self, conversation: str = "telegram-0123") -> tuple[TestClient, CaseView, str]:
        """Staff member "sam", logged in, on a new case's page: their browser, the case, the page's CSRF token."""
        self.add_staff("sam")
        case = self.open_case(conversation)
        client = self.client()
        log_in(client, "sam")
        return client, case, csrf_of(client.get(f"/staff/cases/{case.id}").text)


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> int:
    """Log in through the form; the status of the form's POST."""
    token = csrf_of(client.get("/staff/login").text)
    return client.post("/staff/login", data={"username": name, "password": password, "csrf_token": token}).status_code


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    """A dashboard on a fresh database, whose Telegram sender records instead of sending."""
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    migrate(url)
    settings = load_settings({"DATABASE_URL": url})
    engine = create_db_engine(url)
    rasa_events.create(engine)  # as Rasa's SQL tracker store does when it starts (tests/cases/test_transcript.py)
    services = Services(rasa=RasaClient("http://127.0.0.1:9", 1.0), library=load_library(settings.content_dir),
                        pseudonyms=Pseudonymiser(b"k" * 32), engine=engine, settings=settings)
    board = Dashboard(services)

    async def send(chat_id: str, text: str) -> None:
        board.delivered.append((chat_id, text))

    services.senders["telegram"] = send
    yield board
    engine.dispose()


LogIn = Callable[[TestClient, str], int]
