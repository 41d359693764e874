"""Conversation ids that do not reveal who is talking: a keyed HMAC of the channel's own id.

Rasa, its logs and anything that stores a conversation see only the pseudonym. Nothing stored maps it
back: the front end computes it again from the chat it is answering, and keeps the way back to a chat
in memory only, for the life of the process, so a staff member's reply can reach it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

class Channel:
    """The channels a conversation can come from; the first part of its conversation id."""

    TELEGRAM = "telegram"
    WEB = "web"


ID_HEX_CHARS = 32  # 128 bits: not guessable, short enough to read in a log line


@dataclass(frozen=True)
class Pseudonymiser:
    """Turns a channel's id for a user (a Telegram chat id, a web chat session) into a conversation id."""

    secret: bytes

    def conversation_id(self, channel: str, raw_id: str | int) -> str:
        """`<channel>-<hmac>`: the same chat always gets the same id; the id does not give the chat away."""
        digest = hmac.new(self.secret, f"{channel}:{raw_id}".encode(), hashlib.sha256).hexdigest()
        return f"{channel}-{digest[:ID_HEX_CHARS]}"


def channel_of(conversation_id: str) -> str:
    """The channel a conversation id belongs to ("telegram-<hmac>" -> "telegram")."""
    return conversation_id.split("-", 1)[0] if "-" in conversation_id else "unknown"
