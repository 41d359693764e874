"""The append-only audit log: every view of a case and every staff action, with who and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.cases.models import AuditRecord

AUDIT_PAGE_SIZE = 500


class AuditAction(str, Enum):
    """What was done."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    VIEW = "view"
    TAKE_OVER = "take_over"
    REPLY = "reply"
    HAND_BACK = "hand_back"
    NOTE = "note"
    DECISION = "decision"
    CLOSE = "close"
    EXPORT = "export"
    READ_AUDIT = "read_audit"
    REFUSED = "refused"  # a request for a case the person's role does not allow


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: datetime
    actor: str
    action: AuditAction
    case_id: int | None
    detail: str


class AuditLog:
    """Writes (never changes) and reads the audit log."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, actor: str, action: AuditAction, now: datetime, case_id: int | None = None, detail: str = "") -> None:
        """Append one entry."""
        with Session(self.engine, future=True) as session, session.begin():
            session.add(AuditRecord(at=now, actor=actor, action=action.value, case_id=case_id, detail=detail))

    def read(self, actor: str | None = None, action: AuditAction | None = None, case_id: int | None = None) -> list[AuditEntry]:
        """The newest entries first, filtered by who, what and which case."""
        query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(AUDIT_PAGE_SIZE)
        if actor:
            query = query.where(AuditRecord.actor == actor)
        if action:
            query = query.where(AuditRecord.action == action.value)
        if case_id is not None:
            query = query.where(AuditRecord.case_id == case_id)
        with Session(self.engine, future=True) as session:
            return [AuditEntry(r.at, r.actor, AuditAction(r.action), r.case_id, r.detail) for r in session.scalars(query)]
