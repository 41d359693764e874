"""The transcript of a conversation, read from Rasa's tracker-store `events` table in the same database,
and the events the staff dashboard adds to it (takeover, hand-back, staff replies).

Rasa creates and owns the table; this module mirrors only the columns it needs. Events are appended
by the front-end process while it holds the conversation's lock, so they never interleave with a
message Rasa is handling for the same conversation.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, inspect, select
from sqlalchemy.engine import Engine

PUSHED_KEY = "pushed"  # metadata of a message the dashboard sent, outside any reply to the user
STAFF_NAME_KEY = "staff_name"
BUTTON_PRESSED = "[tapped a button]"
IMAGE_REMOVED = "[image removed unseen]"

rasa_metadata = MetaData()
rasa_events = Table(
    "events",
    rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


class Speaker:
    """Who said a transcript line."""

    YOUNG_PERSON = "user"
    BOT = "bot"
    STAFF = "staff"


@dataclass(frozen=True)
class TranscriptLine:
    """One message in a conversation, as staff read it."""

    timestamp: float  # Unix time, as Rasa stores it
    speaker: str
    text: str
    staff_name: str | None = None
    pushed: bool = False  # sent by the dashboard rather than in reply to the user

    @property
    def at(self) -> datetime:
        """When it was said (UTC, naive like the case timestamps)."""
        return datetime.fromtimestamp(self.timestamp, tz=timezone.utc).replace(tzinfo=None)

    def as_json(self) -> dict[str, Any]:
        """Plain values for the JSON APIs."""
        return {"timestamp": self.timestamp, "speaker": self.speaker, "text": self.text, "staff_name": self.staff_name}


def _line(row: Any) -> TranscriptLine | None:
    data = json.loads(row.data or "{}")
    timestamp = float(row.timestamp or 0)
    text = str(data.get("text") or "")
    if row.type_name == "user":
        return TranscriptLine(timestamp, Speaker.YOUNG_PERSON, BUTTON_PRESSED if text.startswith("/") else text)
    if row.type_name == "bot" and text:
        metadata = data.get("metadata") or {}
        staff_name = metadata.get(STAFF_NAME_KEY)
        speaker = Speaker.STAFF if staff_name else Speaker.BOT
        return TranscriptLine(timestamp, speaker, text, staff_name, bool(metadata.get(PUSHED_KEY)))
    return None


def transcript(engine: Engine, conversation_id: str, after: float = 0.0) -> list[TranscriptLine]:
    """Every user, bot and staff message of the conversation (later than `after`, a Unix time), in order.

    Empty before Rasa has created its table.
    """
    if not inspect(engine).has_table(rasa_events.name):
        return []
    query = (
        select(rasa_events.c.type_name, rasa_events.c.timestamp, rasa_events.c.data)
        .where(rasa_events.c.sender_id == conversation_id, rasa_events.c.type_name.in_(("user", "bot")))
        .where(rasa_events.c.timestamp > after)
        .order_by(rasa_events.c.id)
    )
    with engine.connect() as connection:
        lines = (_line(row) for row in connection.execute(query))
        return [line for line in lines if line is not None]


def append_event(engine: Engine, conversation_id: str, event: dict[str, Any]) -> None:
    """Append one Rasa event (in Rasa's JSON form) to the conversation's tracker."""
    event = {"timestamp": time.time(), **event}
    with engine.begin() as connection:
        connection.execute(
            rasa_events.insert().values(
                sender_id=conversation_id, type_name=event["event"], timestamp=event["timestamp"], data=json.dumps(event)
            )
        )


def pause_event() -> dict[str, Any]:
    """Rasa's ConversationPaused: Rasa keeps logging the user's messages but stops answering them."""
    return {"event": "pause"}


def resume_event() -> dict[str, Any]:
    """Rasa's ConversationResumed: the bot answers again."""
    return {"event": "resume"}


def pushed_message_event(text: str, staff_name: str | None) -> dict[str, Any]:
    """A BotUttered the dashboard sent: a staff member's reply (naming them) or the hand-back notice."""
    return {"event": "bot", "text": text, "data": {}, "metadata": {PUSHED_KEY: True, STAFF_NAME_KEY: staff_name}}
