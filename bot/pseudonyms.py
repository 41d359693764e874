"""Conversation ids that do not reveal who is talking: a keyed HMAC of the channel's own id.

Rasa, its logs and anything that stores a conversation see only the pseudonym. Nothing maps it back:
the front end computes it again from the chat it is answering, so the chat id is held only while a
message is being answered.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

ID_HEX_CHARS = 32  # 128 bits: not guessable, short enough to read in a log line


@dataclass(frozen=True)
class Pseudonymiser:
    """Turns a channel's id for a user (a Telegram chat id, a web chat session) into a conversation id."""

    secret: bytes

    def conversation_id(self, channel: str, raw_id: str | int) -> str:
        """`<channel>-<hmac>`: the same chat always gets the same id; the id does not give the chat away."""
        digest = hmac.new(self.secret, f"{channel}:{raw_id}".encode(), hashlib.sha256).hexdigest()
        return f"{channel}-{digest[:ID_HEX_CHARS]}"
