"""Shared fixtures: the real content library and rasa-sdk trackers built with keyword arguments."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.advice import AdvicePlan, plan_advice
from bot.safeguarding.content import ContentLibrary, load_library
from bot.safeguarding.escalation import ConversationContext
from bot.safeguarding.signals import PARSE_KEY, QUESTION_KEY, read_signals
from bot.cases.database import migrate
from bot.settings import load_settings

TrackerFactory = Callable[..., Tracker]
PlanFactory = Callable[..., "AdvicePlan | None"]


@pytest.fixture(scope="session", autouse=True)
def case_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated SQLite case database for the whole run, so no test writes to the operator's var/."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cases') / 'cases.db'}"
    migrate(url)
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    yield url
    if previous is None:
        del os.environ["DATABASE_URL"]
    else:
        os.environ["DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def library() -> ContentLibrary:
    """The content library as the bot loads it."""
    return load_library(load_settings().content_dir)


def parse_of(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A Rasa parse result for the message, with the risk signals the NLU component would add."""
    reading = read_signals(text)
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        PARSE_KEY: sorted(signal.value for signal in reading.signals),
        QUESTION_KEY: reading.asked_in_general,
    }


@pytest.fixture
def make_tracker() -> TrackerFactory:
    """Builds a fresh Tracker for the user's latest message; no tracker is shared between tests."""

    def build(
        text: str, intent: str, slots: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None
    ) -> Tracker:
        return Tracker(
            sender_id=f"test-{uuid.uuid4().hex}",  # each tracker its own conversation, and its own case
            slots=dict(slots or {}),
            latest_message=parse_of(text, intent, entities),
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return build


@pytest.fixture
def plan_for(library: ContentLibrary) -> PlanFactory:
    """Plans the advice for a message, with the risk signals the NLU pipeline would find in it."""

    def build(
        intent: str,
        text: str,
        role: str | None = None,
        age_band: str | None = None,
        context: ConversationContext = ConversationContext(),
    ) -> AdvicePlan | None:
        return plan_advice(library, parse_of(text, intent), role, age_band, context)

    return build
