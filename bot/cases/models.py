"""The case database's tables (SQLAlchemy 1.4). Alembic migrations in `migrations/` create them.

Rasa's tracker store keeps its `events` table in the same database: the transcript of a case is read
from there (see `transcript.py`), never copied.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class RiskLevel(str, Enum):
    """How soon a person must read the case, highest first."""

    URGENT = "urgent"  # a child may be in danger now
    HIGH = "high"
    MEDIUM = "medium"

    @property
    def rank(self) -> int:
        """0 for the most urgent, so queues sort by it ascending."""
        return list(RiskLevel).index(self)


class CaseStatus(str, Enum):
    """Where a case is: waiting for a person, with a person, or finished."""

    OPEN = "open"
    TAKEN_OVER = "taken_over"  # a staff member is talking to the young person; the bot is quiet
    CLOSED = "closed"


class StaffRole(str, Enum):
    """What a staff account may do: supervisors also read every case and the audit log."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"


class EntryKind(str, Enum):
    """What a case entry records."""

    NOTE = "note"
    DECISION = "decision"
    IMAGE_REMOVED = "image_removed"  # the young person sent media; it was never opened or kept


class Case(Base):
    """One safeguarding concern in one conversation."""

    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(80), nullable=False, index=True)
    channel = Column(String(20), nullable=False)
    status = Column(String(20), nullable=False, default=CaseStatus.OPEN.value)
    risk_level = Column(String(20), nullable=False)
    reasons = Column(Text, nullable=False)  # JSON list of ReferralCriterion values
    signals = Column(Text, nullable=False)  # JSON list of RiskSignal values
    topic = Column(String(40), nullable=False)
    role = Column(String(20))
    age_band = Column(String(20))
    owner_id = Column(Integer, ForeignKey("staff_users.id"))
    outcome = Column(Text)
    opened_at = Column(DateTime, nullable=False)
    first_viewed_at = Column(DateTime)
    taken_over_at = Column(DateTime)
    closed_at = Column(DateTime)


class CaseEntry(Base):
    """A note, a decision record, or a marker in the transcript, with who wrote it and when."""

    __tablename__ = "case_entries"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(20), nullable=False)
    author_id = Column(Integer, ForeignKey("staff_users.id"))
    body = Column(Text, nullable=False)  # plain text for a note, JSON for a decision
    created_at = Column(DateTime, nullable=False)


class StaffUser(Base):
    """A trained person who can log in to the dashboard. Passwords are argon2 hashes only."""

    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    password_hash = Column(String(200), nullable=False)
    role = Column(String(20), nullable=False)
    created_at = Column(DateTime, nullable=False)


class StaffSession(Base):
    """A logged-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "staff_sessions"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    last_seen_at = Column(DateTime, nullable=False)


class AuditRecord(Base):
    """Who did what to which case, and when. Append-only: the database refuses updates and deletes."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    actor = Column(String(80), nullable=False)
    action = Column(String(40), nullable=False)
    case_id = Column(Integer, index=True)
    detail = Column(Text, nullable=False, default="")
