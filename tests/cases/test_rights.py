"""A user's rights: /delete erases a conversation with no case at once and keeps a case's; the
operator's export holds everything kept about one user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from bot.cases.models import EntryKind
from bot.cases.rights import erase_conversation, export_conversation
from bot.cases.store import CaseStore
from bot.cases.transcript import append_event, rasa_events
from tests.databases import rows_mentioning

T0 = datetime(2026, 12, 1, 12, 0)


def test_delete_leaves_no_trace_of_a_conversation_without_a_case(engine: Engine) -> None:
    rasa_events.create(engine)
    for text in ("people keep laughing at my posts", "what can i do"):
        append_event(engine, "web-plain", {"event": "user", "text": text})
    append_event(engine, "web-other", {"event": "user", "text": "hello"})
    assert erase_conversation(engine, "web-plain")
    assert rows_mentioning(engine, "web-plain") == {}
    assert rows_mentioning(engine, "laughing at my posts") == {}
    assert rows_mentioning(engine, "web-other") == {"events": 1}


def test_delete_keeps_a_safeguarding_case_and_its_conversation(engine: Engine) -> None:
    rasa_events.create(engine)
    append_event(engine, "web-cased", {"event": "user", "text": "he wants to meet me"})
    CaseStore(engine).open_or_update("web-cased", "web", ["adult_involved"], [], "grooming", None, None, T0)
    assert not erase_conversation(engine, "web-cased")
    assert rows_mentioning(engine, "web-cased") == {"events": 1, "cases": 1}


def test_export_holds_the_transcript_and_every_case(engine: Engine) -> None:
    rasa_events.create(engine)
    append_event(engine, "web-asking", {"event": "user", "text": "he wants to meet me"})
    store = CaseStore(engine)
    case, _ = store.open_or_update("web-asking", "web", ["adult_involved"], ["meeting_planned"], "grooming", None, None, T0)
    store.add_entry(case.id, EntryKind.NOTE, "called her back", None, T0)
    exported = export_conversation(engine, "web-asking")
    assert [line["text"] for line in exported["transcript"]] == ["he wants to meet me"]
    assert exported["cases"][0]["signals"] == ["meeting_planned"]
    assert exported["cases"][0]["entries"][0]["body"] == "called her back"
    assert export_conversation(engine, "web-nobody") == {"conversation_id": "web-nobody", "transcript": [], "cases": []}
