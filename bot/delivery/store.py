"""The inbox, the outbox and the recent message ids of the Telegram front end, in the case database.

Every method is one transaction, so a crash at any moment leaves each update either waiting or
answered (its replies in the outbox) and never half-done. Times are naive UTC, as elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import and_, delete, func, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.cases.models import ChatMessage, InboxUpdate, OutboxMessage
from bot.delivery.updates import chat_id_of, minimal_update

# Telegram keeps an unconfirmed update for 24 hours; a row kept twice as long recognises any redelivery.
ANSWERED_KEPT = timedelta(days=2)
# The Bot API lets a bot delete a message in a private chat for 48 hours after it was sent.
DELETABLE_FOR = timedelta(hours=48)


class OutboxKind(str, Enum):
    """What an outbox row asks Telegram to do."""

    SEND = "send"
    DELETE = "delete"


@dataclass(frozen=True)
class Outgoing:
    """A message for a chat: its text, its buttons as (title, callback data) rows, the message it answers."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    reply_to: int | None = None

    def as_json(self) -> str:
        """The outbox payload."""
        return json.dumps({"text": self.text, "buttons": [list(button) for button in self.buttons],
                           "reply_to": self.reply_to})


@dataclass(frozen=True)
class Pending:
    """An update waiting to be answered."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: datetime
    holding_reply_sent: bool


@dataclass(frozen=True)
class OutboxItem:
    """An outbox row: a message to send or a message id to delete."""

    id: int
    chat_id: int
    kind: OutboxKind
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: datetime

    @property
    def outgoing(self) -> Outgoing:
        """The message a SEND row carries."""
        return Outgoing(text=self.payload["text"], buttons=tuple(tuple(b) for b in self.payload.get("buttons") or []),
                        reply_to=self.payload.get("reply_to"))


@dataclass
class DeliveryStore:
    """One bot's rows (a bot is known by the number before the colon in its token)."""

    engine: Engine
    bot_id: int
    _insert: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    # --- the inbox

    def accept(self, updates: list[dict[str, Any]], now: datetime) -> list[int]:
        """Store new updates (stripped to `minimal_update`); an update already stored is left as it is.
        Returns the chats that received something new."""
        rows = [
            {"bot_id": self.bot_id, "update_id": raw["update_id"], "chat_id": chat_id_of(raw),
             "payload": json.dumps(minimal_update(raw)), "received_at": now, "attempts": 0,
             "next_attempt_at": now, "holding_reply_sent": False}
            for raw in updates
        ]
        if not rows:
            return []
        with self.engine.begin() as connection:
            known = set(connection.execute(
                select(InboxUpdate.update_id).where(InboxUpdate.bot_id == self.bot_id,
                                                    InboxUpdate.update_id.in_([row["update_id"] for row in rows]))
            ).scalars())
            fresh = [row for row in rows if row["update_id"] not in known]
            if fresh:
                connection.execute(self._insert(InboxUpdate).on_conflict_do_nothing(), fresh)
        return sorted({row["chat_id"] for row in fresh if row["chat_id"] is not None})

    def received_since(self, chat_id: int, since: datetime) -> int:
        """How many updates a chat sent since then (for flood control)."""
        with Session(self.engine) as session:
            return session.execute(select(func.count()).select_from(InboxUpdate).where(
                InboxUpdate.bot_id == self.bot_id, InboxUpdate.chat_id == chat_id, InboxUpdate.received_at >= since
            )).scalar_one()

    def chats_due(self, now: datetime) -> list[int | None]:
        """Chats whose oldest waiting update may be tried now."""
        heads = (
            select(InboxUpdate.chat_id, func.min(InboxUpdate.update_id).label("head"))
            .where(InboxUpdate.bot_id == self.bot_id, InboxUpdate.done_at.is_(None))
            .group_by(InboxUpdate.chat_id).subquery()
        )
        query = select(heads.c.chat_id).join(InboxUpdate, and_(
            InboxUpdate.bot_id == self.bot_id, InboxUpdate.update_id == heads.c.head
        )).where(InboxUpdate.next_attempt_at <= now)
        with Session(self.engine) as session:
            return list(session.execute(query).scalars())

    def head(self, chat_id: int | None) -> Pending | None:
        """The chat's oldest update not yet answered (chat None: updates from no chat)."""
        chat = InboxUpdate.chat_id.is_(None) if chat_id is None else InboxUpdate.chat_id == chat_id
        with Session(self.engine) as session:
            row = session.execute(
                select(InboxUpdate).where(InboxUpdate.bot_id == self.bot_id, chat, InboxUpdate.done_at.is_(None))
                .order_by(InboxUpdate.update_id).limit(1)
            ).scalar_one_or_none()
            if row is None:
                return None
            return Pending(update_id=row.update_id, chat_id=row.chat_id, payload=json.loads(row.payload),
                           attempts=row.attempts, next_attempt_at=row.next_attempt_at,
                           holding_reply_sent=row.holding_reply_sent)

    def waiting_after(self, chat_id: int, update_id: int) -> int:
        """How many of the chat's updates wait behind this one."""
        with Session(self.engine) as session:
            return session.execute(select(func.count()).select_from(InboxUpdate).where(
                InboxUpdate.bot_id == self.bot_id, InboxUpdate.chat_id == chat_id,
                InboxUpdate.done_at.is_(None), InboxUpdate.update_id > update_id,
            )).scalar_one()

    def answer(self, update_id: int | None, chat_id: int, messages: list[Outgoing], now: datetime,
               user_message_id: int | None = None, erase_chat: bool = False) -> None:
        """The update is answered: its replies go to the outbox and its stored text is emptied, at once.

        `erase_chat` (after /delete) also removes every row naming the chat, this update's included:
        only the reply waits in the outbox, until it is sent."""
        with self.engine.begin() as connection:
            if erase_chat:
                connection.execute(delete(InboxUpdate).where(InboxUpdate.bot_id == self.bot_id, InboxUpdate.chat_id == chat_id))
                connection.execute(delete(ChatMessage).where(ChatMessage.bot_id == self.bot_id, ChatMessage.chat_id == chat_id))
                user_message_id = None
            self._enqueue(connection, chat_id, OutboxKind.SEND, [m.as_json() for m in messages], now)
            if user_message_id is not None:
                self._remember(connection, chat_id, user_message_id, now)
            if update_id is not None:
                self._finish(connection, update_id, now)

    def hold(self, update_id: int, chat_id: int, holding: Outgoing | None, retry_at: datetime, now: datetime) -> None:
        """The update could not be answered now: try again at `retry_at`, sending the holding reply
        (if one is given and it was not sent yet) in the same step."""
        with self.engine.begin() as connection:
            if holding is not None:
                self._send_holding_reply(connection, update_id, chat_id, holding, now)
            connection.execute(update(InboxUpdate).where(
                InboxUpdate.bot_id == self.bot_id, InboxUpdate.update_id == update_id,
            ).values(attempts=InboxUpdate.attempts + 1, next_attempt_at=retry_at))

    def send_holding_reply(self, update_id: int, chat_id: int, holding: Outgoing, now: datetime) -> None:
        """Tell the user their message is kept (the assistant is slow): once per update, and never
        once it is answered (the answer already says more)."""
        with self.engine.begin() as connection:
            self._send_holding_reply(connection, update_id, chat_id, holding, now)

    def _send_holding_reply(self, connection: Any, update_id: int, chat_id: int, holding: Outgoing, now: datetime) -> None:
        marked = connection.execute(update(InboxUpdate).where(
            InboxUpdate.bot_id == self.bot_id, InboxUpdate.update_id == update_id, InboxUpdate.done_at.is_(None),
            InboxUpdate.holding_reply_sent.is_(False)).values(holding_reply_sent=True)).rowcount
        if marked:
            self._enqueue(connection, chat_id, OutboxKind.SEND, [holding.as_json()], now)

    def finish_unanswered(self, update_id: int, attempts: int, now: datetime) -> None:
        """An update no handler answered or held (nothing to say to it) is done."""
        with self.engine.begin() as connection:
            connection.execute(update(InboxUpdate).where(
                InboxUpdate.bot_id == self.bot_id, InboxUpdate.update_id == update_id,
                InboxUpdate.done_at.is_(None), InboxUpdate.attempts == attempts,
            ).values(done_at=now, payload=None))

    def quick_exit(self, update_id: int | None, chat_id: int, user_message_id: int | None, now: datetime) -> int:
        """/exit: cancel replies not yet sent and queue the deletion of every message of the chat the
        bot may still delete. Returns how many messages will be deleted."""
        with self.engine.begin() as connection:
            connection.execute(delete(OutboxMessage).where(
                OutboxMessage.bot_id == self.bot_id, OutboxMessage.chat_id == chat_id,
                OutboxMessage.kind == OutboxKind.SEND.value))
            ids = set(connection.execute(select(ChatMessage.message_id).where(
                ChatMessage.bot_id == self.bot_id, ChatMessage.chat_id == chat_id,
                ChatMessage.sent_at > now - DELETABLE_FOR)).scalars())
            if user_message_id is not None:
                ids.add(user_message_id)
            connection.execute(delete(ChatMessage).where(ChatMessage.bot_id == self.bot_id, ChatMessage.chat_id == chat_id))
            self._enqueue(connection, chat_id, OutboxKind.DELETE,
                          [json.dumps({"message_id": message_id}) for message_id in sorted(ids, reverse=True)], now)
            if update_id is not None:
                self._finish(connection, update_id, now)
        return len(ids)

    # --- the outbox

    def enqueue(self, chat_id: int, messages: list[Outgoing], now: datetime) -> None:
        """Queue messages that answer no update (a staff member's words, a notice)."""
        with self.engine.begin() as connection:
            self._enqueue(connection, chat_id, OutboxKind.SEND, [m.as_json() for m in messages], now)

    def outbox_chats_due(self, now: datetime) -> list[int]:
        """Chats whose first queued message may be sent now."""
        heads = (
            select(OutboxMessage.chat_id, func.min(OutboxMessage.id).label("head"))
            .where(OutboxMessage.bot_id == self.bot_id).group_by(OutboxMessage.chat_id).subquery()
        )
        query = select(heads.c.chat_id).join(OutboxMessage, OutboxMessage.id == heads.c.head).where(
            OutboxMessage.next_attempt_at <= now)
        with Session(self.engine) as session:
            return list(session.execute(query).scalars())

    def outbox_head(self, chat_id: int) -> OutboxItem | None:
        """The chat's first queued message."""
        with Session(self.engine) as session:
            row = session.execute(
                select(OutboxMessage).where(OutboxMessage.bot_id == self.bot_id, OutboxMessage.chat_id == chat_id)
                .order_by(OutboxMessage.id).limit(1)
            ).scalar_one_or_none()
            if row is None:
                return None
            return OutboxItem(id=row.id, chat_id=row.chat_id, kind=OutboxKind(row.kind), payload=json.loads(row.payload),
                              attempts=row.attempts, next_attempt_at=row.next_attempt_at)

    def delivered(self, item: OutboxItem, sent_message_id: int | None, now: datetime) -> None:
        """Telegram accepted it: forget the row, and remember the id of a message sent (for /exit)."""
        with self.engine.begin() as connection:
            connection.execute(delete(OutboxMessage).where(OutboxMessage.id == item.id))
            if sent_message_id is not None:
                self._remember(connection, item.chat_id, sent_message_id, now)

    def retry(self, item: OutboxItem, at: datetime) -> None:
        """Telegram could not take it now: try again at `at`."""
        with self.engine.begin() as connection:
            connection.execute(update(OutboxMessage).where(OutboxMessage.id == item.id).values(
                attempts=OutboxMessage.attempts + 1, next_attempt_at=at))

    def drop(self, item: OutboxItem) -> None:
        """Telegram refused it for good (the user blocked the bot, the message is gone)."""
        with self.engine.begin() as connection:
            connection.execute(delete(OutboxMessage).where(OutboxMessage.id == item.id))

    def _enqueue(self, connection: Any, chat_id: int, kind: OutboxKind, payloads: list[str], now: datetime) -> None:
        if payloads:
            connection.execute(OutboxMessage.__table__.insert(), [
                {"bot_id": self.bot_id, "chat_id": chat_id, "kind": kind.value, "payload": payload,
                 "created_at": now, "attempts": 0, "next_attempt_at": now}
                for payload in payloads
            ])

    def _remember(self, connection: Any, chat_id: int, message_id: int, now: datetime) -> None:
        connection.execute(self._insert(ChatMessage).on_conflict_do_nothing(),
                           {"bot_id": self.bot_id, "chat_id": chat_id, "message_id": message_id, "sent_at": now})

    def _finish(self, connection: Any, update_id: int, now: datetime) -> None:
        connection.execute(update(InboxUpdate).where(
            InboxUpdate.bot_id == self.bot_id, InboxUpdate.update_id == update_id).values(done_at=now, payload=None))


def prune_delivery(engine: Engine, now: datetime) -> int:
    """Forget answered updates after two days and message ids once Telegram would refuse to delete
    them (every bot's rows); returns how many rows went."""
    with engine.begin() as connection:
        if not inspect(connection).has_table(InboxUpdate.__tablename__):
            return 0
        answered = connection.execute(delete(InboxUpdate).where(InboxUpdate.done_at < now - ANSWERED_KEPT)).rowcount
        ids = connection.execute(delete(ChatMessage).where(ChatMessage.sent_at < now - DELETABLE_FOR)).rowcount
    return answered + ids
