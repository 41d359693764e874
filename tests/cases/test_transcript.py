"""Rasa's own SQL tracker store in the case database: the transcript is read from its events, and the
dashboard's takeover, staff replies and hand-back are events Rasa reads back."""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

from bot.cases.database import tracker_store_endpoint
from bot.cases.transcript import (
    BUTTON_PRESSED, Speaker, append_event, pause_event, pushed_message_event, resume_event, transcript,
)

CONVERSATION = "telegram-0123456789abcdef0123456789abcdef"


def _rasa_store(database_url: str) -> TrackerStore:
    """The tracker store Rasa builds from the endpoints.yml section the launcher writes."""
    config: dict[str, Any] = tracker_store_endpoint(database_url)
    store = TrackerStore.create(EndpointConfig.from_dict(config), Domain.empty())
    assert isinstance(getattr(store, "_tracker_store", store), SQLTrackerStore)  # not Rasa's in-memory fallback
    return store


async def test_transcript_is_read_from_rasas_events(database_url: str, engine: Engine) -> None:
    store = _rasa_store(database_url)
    tracker = DialogueStateTracker.from_events(CONVERSATION, [
        ActionExecuted("action_listen"),
        UserUttered("/start", {"name": "start"}),
        BotUttered("Hi, I'm a chatbot"),
        ActionExecuted("action_listen"),
        UserUttered("he says he'll share my pics", {"name": "sextortion"}),
        BotUttered("Don't pay. Keep the evidence."),
    ])
    await store.save(tracker)
    lines = transcript(engine, CONVERSATION)
    assert [(line.speaker, line.text) for line in lines] == [
        (Speaker.YOUNG_PERSON, BUTTON_PRESSED),
        (Speaker.BOT, "Hi, I'm a chatbot"),
        (Speaker.YOUNG_PERSON, "he says he'll share my pics"),
        (Speaker.BOT, "Don't pay. Keep the evidence."),
    ]
    assert transcript(engine, "telegram-someone-else") == []


async def test_takeover_events_are_rasa_events(database_url: str, engine: Engine) -> None:
    store = _rasa_store(database_url)
    await store.save(DialogueStateTracker.from_events(CONVERSATION, [UserUttered("help", {"name": "self_harm"})]))
    append_event(engine, CONVERSATION, pause_event())
    append_event(engine, CONVERSATION, pushed_message_event("Hi, I'm Sam from the team.", staff_name="sam"))
    paused = await store.retrieve(CONVERSATION)
    assert paused is not None and paused.is_paused()

    paused.update(UserUttered("thank you", {"name": "thanks"}))
    await store.save(paused)  # Rasa appends after the dashboard's events, losing none
    append_event(engine, CONVERSATION, resume_event())
    resumed = await store.retrieve(CONVERSATION)
    assert resumed is not None and not resumed.is_paused()

    lines = transcript(engine, CONVERSATION)
    assert [(line.speaker, line.text, line.staff_name, line.pushed) for line in lines] == [
        (Speaker.YOUNG_PERSON, "help", None, False),
        (Speaker.STAFF, "Hi, I'm Sam from the team.", "sam", True),
        (Speaker.YOUNG_PERSON, "thank you", None, False),
    ]
    assert [line.text for line in transcript(engine, CONVERSATION, after=lines[0].timestamp)][-1] == "thank you"
