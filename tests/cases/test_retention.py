"""The retention job deletes exactly what is due (with a time-travelled clock), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.cases.models import Case, CaseEntry, EntryKind
from bot.cases.retention import apply_retention
from bot.cases.store import CaseStore
from bot.cases.transcript import append_event, rasa_events

T0 = datetime(2026, 10, 1, 12, 0)
NOW = T0 + timedelta(days=40)


def _say(engine: Engine, conversation: str, at: datetime) -> None:
    append_event(engine, conversation, {"event": "user", "text": "hello", "timestamp": at.replace(tzinfo=timezone.utc).timestamp()})


def _conversations(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(rasa_events.c.sender_id).distinct()).scalars())


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _world(engine: Engine) -> dict[str, int]:
    """Five conversations: old and recent without a case, one with an open case, two closed long ago and lately."""
    rasa_events.create(engine)
    store = CaseStore(engine)
    _say(engine, "web-old", T0)
    _say(engine, "web-recent", T0 + timedelta(days=20))
    ids = {}
    for conversation, closed_at in (("web-open", None), ("web-closed-long-ago", T0), ("web-closed-lately", T0 + timedelta(days=25))):
        _say(engine, conversation, T0)
        case, _ = store.open_or_update(conversation, "web", ["self_harm"], [], "self_harm", None, None, T0)
        store.add_entry(case.id, EntryKind.NOTE, "spoke to her", None, T0)
        if closed_at:
            store.close(case.id, "No further action", closed_at)
        ids[conversation] = case.id
    return ids


def test_idle_conversations_without_a_case_go_after_the_retention_period(engine: Engine) -> None:
    _world(engine)
    report = apply_retention(engine, NOW, conversation_days=30, case_days=None)
    assert report.conversations_deleted == 1 and report.cases_deleted == 0
    assert _conversations(engine) == {"web-recent", "web-open", "web-closed-long-ago", "web-closed-lately"}
    assert _count(engine, Case.__table__) == 3 and _count(engine, CaseEntry.__table__) == 3


def test_closed_cases_go_after_the_safeguarding_period_with_their_conversation(engine: Engine) -> None:
    ids = _world(engine)
    report = apply_retention(engine, NOW, conversation_days=30, case_days=30)
    assert report.conversations_deleted == 2 and report.cases_deleted == 1
    assert _conversations(engine) == {"web-recent", "web-open", "web-closed-lately"}
    store = CaseStore(engine)
    assert store.get(ids["web-closed-long-ago"]) is None and store.entries(ids["web-closed-long-ago"]) == []
    assert store.get(ids["web-open"]) is not None and store.get(ids["web-closed-lately"]) is not None


def test_nothing_is_due_before_its_time(engine: Engine) -> None:
    _world(engine)
    assert apply_retention(engine, T0 + timedelta(days=5), conversation_days=30, case_days=30).conversations_deleted == 0
    assert len(_conversations(engine)) == 5
