"""Cases: opened by the advice action when the escalation decision says so, worked by staff."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.cases.models import Case, CaseEntry, CaseStatus, EntryKind, RiskLevel, StaffRole, StaffUser
from bot.safeguarding.escalation import ReferralCriterion

# Danger now and self-harm are the two the bot answers with 999 and Childline first; they come first here too.
_RISK_OF_CRITERION = {
    ReferralCriterion.IMMEDIATE_RISK: RiskLevel.URGENT,
    ReferralCriterion.SELF_HARM: RiskLevel.URGENT,
    ReferralCriterion.UNDER_13: RiskLevel.HIGH,
    ReferralCriterion.COERCION_OR_BLACKMAIL: RiskLevel.HIGH,
    ReferralCriterion.ADULT_INVOLVED: RiskLevel.HIGH,
    ReferralCriterion.EXTREME_OR_VIOLENT: RiskLevel.MEDIUM,
}


def iso_utc(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with its Z, for JSON."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def risk_level_for(reasons: Iterable[str]) -> RiskLevel:
    """The most urgent level any of the referral criteria calls for."""
    levels = [_RISK_OF_CRITERION[ReferralCriterion(reason)] for reason in reasons]
    return min(levels, key=lambda level: level.rank, default=RiskLevel.MEDIUM)


@dataclass(frozen=True)
class CaseView:
    """A case as the dashboard shows it."""

    id: int
    conversation_id: str
    channel: str
    status: CaseStatus
    risk_level: RiskLevel
    reasons: list[str]
    signals: list[str]
    topic: str
    role: str | None
    age_band: str | None
    owner: str | None
    outcome: str | None
    opened_at: datetime
    first_viewed_at: datetime | None
    taken_over_at: datetime | None
    closed_at: datetime | None

    @property
    def reason_descriptions(self) -> list[str]:
        """The referral criteria in the words a safeguarding lead records them."""
        return [ReferralCriterion(reason).description for reason in self.reasons]

    def as_json(self) -> dict[str, Any]:
        """Plain values for the dashboard's JSON API."""
        return {
            "id": self.id, "status": self.status.value, "risk_level": self.risk_level.value,
            "reasons": self.reason_descriptions, "topic": self.topic, "role": self.role, "age_band": self.age_band,
            "owner": self.owner, "opened_at": iso_utc(self.opened_at),
        }

    def as_record(self) -> dict[str, Any]:
        """Every field, for an export."""
        return {**self.as_json(), "signals": self.signals, "outcome": self.outcome,
                "first_viewed_at": iso_utc(self.first_viewed_at), "taken_over_at": iso_utc(self.taken_over_at),
                "closed_at": iso_utc(self.closed_at)}


@dataclass(frozen=True)
class EntryView:
    """A note, decision or transcript marker on a case."""

    id: int
    kind: EntryKind
    author: str | None
    body: str
    created_at: datetime

    @property
    def decision(self) -> dict[str, Any]:
        """A decision record's fields (empty for other entries)."""
        return json.loads(self.body) if self.kind is EntryKind.DECISION else {}

    def as_record(self) -> dict[str, Any]:
        """The entry for an export."""
        return {"kind": self.kind.value, "author": self.author, "at": iso_utc(self.created_at),
                "body": self.decision or self.body}


class CaseStore:
    """Reads and writes cases. Every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _view(self, session: Session, case: Case) -> CaseView:
        owner = session.get(StaffUser, case.owner_id) if case.owner_id else None
        return CaseView(
            id=case.id, conversation_id=case.conversation_id, channel=case.channel, status=CaseStatus(case.status),
            risk_level=RiskLevel(case.risk_level), reasons=json.loads(case.reasons), signals=json.loads(case.signals),
            topic=case.topic, role=case.role, age_band=case.age_band, owner=owner.username if owner else None,
            outcome=case.outcome, opened_at=case.opened_at, first_viewed_at=case.first_viewed_at,
            taken_over_at=case.taken_over_at, closed_at=case.closed_at,
        )

    @staticmethod
    def _active(session: Session, conversation_id: str) -> Case | None:
        query = select(Case).where(Case.conversation_id == conversation_id, Case.status != CaseStatus.CLOSED.value)
        return session.scalars(query.order_by(Case.id.desc())).first()

    def open_or_update(
        self, conversation_id: str, channel: str, reasons: list[str], signals: list[str], topic: str,
        role: str | None, age_band: str | None, now: datetime,
    ) -> tuple[CaseView, bool]:
        """Open a case for the conversation, or add the new reasons to the one still open.

        Returns the case and whether it was opened now (so the user is told once, not per message).
        """
        with Session(self.engine, future=True) as session, session.begin():
            case = self._active(session, conversation_id)
            opened = case is None
            if case is None:
                case = Case(conversation_id=conversation_id, channel=channel, status=CaseStatus.OPEN.value,
                            reasons="[]", signals="[]", topic=topic, opened_at=now)
                session.add(case)
            merged_reasons = [r.value for r in ReferralCriterion if r.value in set(json.loads(case.reasons)) | set(reasons)]
            case.reasons = json.dumps(merged_reasons)
            case.signals = json.dumps(sorted(set(json.loads(case.signals)) | set(signals)))
            case.risk_level = risk_level_for(merged_reasons).value
            case.role, case.age_band = role or case.role, age_band or case.age_band
            session.flush()
            return self._view(session, case), opened

    def queue(self) -> list[CaseView]:
        """Cases not yet closed, the most urgent first, then those waiting longest."""
        with Session(self.engine, future=True) as session:
            cases = session.scalars(select(Case).where(Case.status != CaseStatus.CLOSED.value)).all()
            views = [self._view(session, case) for case in cases]
        return sorted(views, key=lambda view: (view.risk_level.rank, view.opened_at, view.id))

    def get(self, case_id: int) -> CaseView | None:
        """One case, or None."""
        with Session(self.engine, future=True) as session:
            case = session.get(Case, case_id)
            return self._view(session, case) if case else None

    def active_case_for(self, conversation_id: str) -> CaseView | None:
        """The conversation's case that is not closed, if any."""
        with Session(self.engine, future=True) as session:
            case = self._active(session, conversation_id)
            return self._view(session, case) if case else None

    def _update(self, case_id: int, **changes: Any) -> CaseView:
        with Session(self.engine, future=True) as session, session.begin():
            case = session.get(Case, case_id)
            if case is None:
                raise KeyError(case_id)
            for name, value in changes.items():
                if not name.endswith("_at") or getattr(case, name) is None:  # first times are never overwritten
                    setattr(case, name, value)
            session.flush()
            return self._view(session, case)

    def mark_viewed(self, case_id: int, now: datetime) -> CaseView:
        """Record the first time a person looked at the case."""
        return self._update(case_id, first_viewed_at=now)

    def take_over(self, case_id: int, staff_id: int, now: datetime) -> CaseView:
        """A staff member is now talking to the young person."""
        return self._update(case_id, status=CaseStatus.TAKEN_OVER.value, owner_id=staff_id, taken_over_at=now)

    def hand_back(self, case_id: int) -> CaseView:
        """The bot answers again; the case stays open with its owner."""
        return self._update(case_id, status=CaseStatus.OPEN.value)

    def close(self, case_id: int, outcome: str, now: datetime) -> CaseView:
        """The case is finished, with its outcome."""
        return self._update(case_id, status=CaseStatus.CLOSED.value, outcome=outcome, closed_at=now)

    def add_entry(self, case_id: int, kind: EntryKind, body: str, author_id: int | None, now: datetime) -> None:
        """Add a note, a decision record (JSON) or a transcript marker."""
        with Session(self.engine, future=True) as session, session.begin():
            session.add(CaseEntry(case_id=case_id, kind=kind.value, body=body, author_id=author_id, created_at=now))

    def entries(self, case_id: int) -> list[EntryView]:
        """The case's entries, oldest first."""
        with Session(self.engine, future=True) as session:
            rows = session.execute(
                select(CaseEntry, StaffUser.username)
                .outerjoin(StaffUser, StaffUser.id == CaseEntry.author_id)
                .where(CaseEntry.case_id == case_id)
                .order_by(CaseEntry.id)
            ).all()
            return [EntryView(e.id, EntryKind(e.kind), name, e.body, e.created_at) for e, name in rows]


def may_read(case: CaseView, username: str, role: StaffRole) -> bool:
    """Supervisors read every case; staff read cases nobody owns yet and their own."""
    return role is StaffRole.SUPERVISOR or case.owner in (None, username)
