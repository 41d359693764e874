"""A user's rights over their data: erase a conversation that led to no case, export everything kept."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.cases.models import Case
from bot.cases.retention import delete_conversation_events
from bot.cases.store import CaseStore
from bot.cases.transcript import transcript


def erase_conversation(engine: Engine, conversation_id: str) -> bool:
    """Delete the conversation at once, unless it led to a case; True when it was deleted.

    A case's conversation is part of its safeguarding record and follows the case's retention period.
    """
    with engine.begin() as connection:
        if connection.execute(select(Case.id).where(Case.conversation_id == conversation_id)).first():
            return False
        delete_conversation_events(connection, [conversation_id])
    return True


def export_conversation(engine: Engine, conversation_id: str) -> dict[str, Any]:
    """Everything kept about one conversation, for a subject access request."""
    store = CaseStore(engine)
    with engine.connect() as connection:
        case_ids = list(connection.execute(select(Case.id).where(Case.conversation_id == conversation_id)).scalars())
    cases = [
        {**case.as_record(), "entries": [entry.as_record() for entry in store.entries(case.id)]}
        for case in (store.get(case_id) for case_id in case_ids) if case is not None
    ]
    return {
        "conversation_id": conversation_id,
        "transcript": [line.as_json() for line in transcript(engine, conversation_id)],
        "cases": cases,
    }


def export_json(engine: Engine, conversation_id: str) -> str:
    """The export as indented JSON."""
    return json.dumps(export_conversation(engine, conversation_id), indent=2, ensure_ascii=False)
