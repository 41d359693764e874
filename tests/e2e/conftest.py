"""Starts the emulator and the bot stack (through the real launcher) once for all end-to-end tests."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot.settings import load_settings
from tests.e2e.harness import (
    ACTION_SERVER_SECRET, BOT_TOKEN, CONVERSATION_ID_SECRET, STACK_START_SECONDS, STAFF, SUPERVISOR, Stack, TelegramUser, add_staff_account, free_port,
    start_emulator, start_launcher, stop, wait_until_ready,
)

# The machine has no network beyond package registries: keep Chromium from calling home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Emulator + action server + Rasa server + front end with Telegram on, all on loopback."""
    model = load_settings().model_path
    if not Path(model).exists():
        pytest.fail(f"no trained model at {model}: run the tests with `make test`, which trains it")
    logs = tmp_path_factory.mktemp("e2e-logs")
    emulator_port, rasa_port, action_port, web_port = (free_port() for _ in range(4))
    emulator_log, launcher_log = logs / "emulator.log", logs / "launcher.log"
    database_url = f"sqlite:///{tmp_path_factory.mktemp('e2e-data') / 'online-safety.db'}"
    with emulator_log.open("wb") as emulator_out, launcher_log.open("wb") as launcher_out:
        emulator = start_emulator(emulator_port, emulator_out)
        emulator_url = f"http://127.0.0.1:{emulator_port}"
        environment = {
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": emulator_url,
            "RASA_PORT": str(rasa_port),
            "ACTION_SERVER_PORT": str(action_port),
            "WEB_PORT": str(web_port),
            "RASA_MODEL": str(model),
            "DATABASE_URL": database_url,
            "CONVERSATION_ID_SECRET": CONVERSATION_ID_SECRET,  # so a test can find its own conversation's case
            "STAFFED_HOURS": "24/7",
            "ACTION_SERVER_SECRET": ACTION_SERVER_SECRET,  # so a fault test can start a Rasa server of its own
        }
        add_staff_account(environment, STAFF, "staff")
        add_staff_account(environment, SUPERVISOR, "supervisor")
        launcher = start_launcher(environment, launcher_out)
        try:
            deadline = time.monotonic() + STACK_START_SECONDS
            wait_until_ready(f"{emulator_url}/bot{BOT_TOKEN}/getMe", emulator, deadline, emulator_log)
            for url in (f"http://127.0.0.1:{action_port}/health", f"http://127.0.0.1:{rasa_port}/",
                        f"http://127.0.0.1:{web_port}/healthz"):
                wait_until_ready(url, launcher, deadline, launcher_log)
            yield Stack(emulator_url=emulator_url, web_url=f"http://127.0.0.1:{web_port}", launcher_log=launcher_log,
                        database_url=database_url, environment=environment)
        finally:
            stop(launcher)
            stop(emulator)
    errors = [line for line in launcher_log.read_text(errors="replace").splitlines() if " ERROR " in line]
    assert errors == [], "the bot logged errors during the end-to-end tests"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium (installed by scripts/install-test-deps), never a downloaded browser.

    Per module: Playwright's sync API runs an event loop on this thread while it is open, which the
    async tests of later modules could not share.
    """
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def user(stack: Stack) -> Iterator[TelegramUser]:
    """A new person in their own private chat."""
    person = TelegramUser(stack.emulator_url)
    yield person
    person.close()
