"""The case database's tables (SQLAlchemy 1.4). Alembic migrations in `migrations/` create them.

Rasa's tracker store keeps its `events` table in the same database: the transcript of a case is read
from there (see `transcript.py`), never copied.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, String, Text
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


class InboxUpdate(Base):
    """A Telegram update, stored before Telegram is told it arrived, until it has been answered.

    `payload` is the update stripped to what answering needs (no names, no media, no contact or
    location: see `bot.delivery.minimal_update`) and is emptied once the update is answered; the row
    itself stays for two days so a redelivered update is recognised and not answered twice.
    """

    __tablename__ = "telegram_inbox"

    bot_id = Column(BigInteger, primary_key=True, autoincrement=False)
    update_id = Column(BigInteger, primary_key=True, autoincrement=False)
    chat_id = Column(BigInteger, index=True)
    payload = Column(Text)
    received_at = Column(DateTime, nullable=False)
    done_at = Column(DateTime, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False)
    # The holding reply ("I've kept your message", with 999 and Childline) has been sent for it.
    holding_reply_sent = Column(Boolean, nullable=False, default=False)


class OutboxMessage(Base):
    """A message to send to a Telegram chat, or one of the chat's messages to delete, until Telegram
    has accepted it. Sent in `id` order per chat."""

    __tablename__ = "telegram_outbox"

    id = Column(Integer, primary_key=True)
    bot_id = Column(BigInteger, nullable=False)
    chat_id = Column(BigInteger, nullable=False, index=True)
    kind = Column(String(10), nullable=False)  # OutboxKind
    payload = Column(Text, nullable=False)  # JSON: text, buttons, the message it answers; or a message id
    created_at = Column(DateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False)


class ChatMessage(Base):
    """The id (never the text) of a message in a Telegram chat, the user's or the bot's, kept for 48
    hours: the Bot API lets a bot delete a message only for that long, and /exit deletes them."""

    __tablename__ = "telegram_chat_messages"

    bot_id = Column(BigInteger, primary_key=True, autoincrement=False)
    chat_id = Column(BigInteger, primary_key=True, autoincrement=False)
    message_id = Column(BigInteger, primary_key=True, autoincrement=False)
    sent_at = Column(DateTime, nullable=False, index=True)
