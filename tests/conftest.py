"""Shared fixtures: the real content library and rasa-sdk trackers built with keyword arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker

from bot.safeguarding.content import ContentLibrary, load_library
from bot.settings import load_settings

TrackerFactory = Callable[..., Tracker]


@pytest.fixture(scope="session")
def library() -> ContentLibrary:
    """The content library as the bot loads it."""
    return load_library(load_settings().content_dir)


@pytest.fixture
def make_tracker() -> TrackerFactory:
    """Builds a fresh Tracker for the user's latest message; no tracker is shared between tests."""

    def build(
        text: str, intent: str, slots: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None
    ) -> Tracker:
        return Tracker(
            sender_id="test-conversation",
            slots=dict(slots or {}),
            latest_message={"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []},
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return build
