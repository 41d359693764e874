"""Retention: conversations and closed cases are deleted when they are due, for real (rows gone).

- A conversation that never led to a case: CONVERSATION_RETENTION_DAYS (30) after its last message.
- A closed case, its entries and its conversation: CASE_RETENTION_DAYS after it closed, once the
  operator has set that safeguarding retention period; until then they are kept.
- A conversation with an open case is never deleted.
- Telegram's inbox rows: the text once answered, the ids two days later; message ids after 48 hours
  (`bot.delivery.store.prune_delivery`, also run hourly by the front end).
The audit log is kept: it names staff, actions and case numbers, never what anybody said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Connection, Engine

from bot.cases.models import Case, CaseEntry, CaseStatus
from bot.cases.transcript import rasa_events
from bot.delivery.store import prune_delivery

_cases = Case.__table__
_entries = CaseEntry.__table__


@dataclass(frozen=True)
class RetentionReport:
    """How much one run deleted."""

    conversations_deleted: int
    cases_deleted: int
    delivery_rows_deleted: int = 0


def _unix(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def delete_conversation_events(connection: Connection, conversation_ids: list[str]) -> None:
    """Remove conversations from Rasa's tracker store."""
    if conversation_ids and inspect(connection).has_table(rasa_events.name):
        connection.execute(delete(rasa_events).where(rasa_events.c.sender_id.in_(conversation_ids)))


def apply_retention(engine: Engine, now: datetime, conversation_days: int, case_days: int | None) -> RetentionReport:
    """Delete everything that is due at `now` (naive UTC), and nothing else."""
    with engine.begin() as connection:
        with_cases = select(_cases.c.conversation_id)
        idle: list[str] = []
        if inspect(connection).has_table(rasa_events.name):
            last_message = (
                select(rasa_events.c.sender_id)
                .where(rasa_events.c.sender_id.not_in(with_cases))
                .group_by(rasa_events.c.sender_id)
                .having(func.max(rasa_events.c.timestamp) < _unix(now - timedelta(days=conversation_days)))
            )
            idle = list(connection.execute(last_message).scalars())
        due_cases: list[tuple[int, str]] = []
        if case_days is not None:
            due = select(_cases.c.id, _cases.c.conversation_id).where(
                _cases.c.status == CaseStatus.CLOSED.value, _cases.c.closed_at < now - timedelta(days=case_days))
            due_cases = [(row.id, row.conversation_id) for row in connection.execute(due)]
        case_ids = [case_id for case_id, _ in due_cases]
        if case_ids:
            connection.execute(delete(_entries).where(_entries.c.case_id.in_(case_ids)))
            connection.execute(delete(_cases).where(_cases.c.id.in_(case_ids)))
        still_cased = set(connection.execute(with_cases).scalars())
        finished = sorted({conversation for _, conversation in due_cases} - still_cased)
        delete_conversation_events(connection, idle + finished)
    return RetentionReport(conversations_deleted=len(idle) + len(finished), cases_deleted=len(case_ids),
                           delivery_rows_deleted=prune_delivery(engine, now))
