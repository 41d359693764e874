"""What is kept of an incoming Telegram update while it waits to be answered: the least that answering
needs. Names, usernames, media file ids, contacts and locations are dropped before anything is stored."""

from __future__ import annotations

from typing import Any

# Set on a message that carried media (or a contact or location), which is dropped unread: the
# handler deletes the message from the chat and explains why nothing was opened.
MEDIA_REMOVED_KEY = "media_removed"
MEDIA_KINDS = frozenset({
    "photo", "video", "document", "voice", "audio", "sticker", "animation", "video_note", "contact",
    "location", "venue", "poll", "dice", "story", "paid_media",
})


def _chat(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        return None
    return {"id": raw["id"], "type": str(raw.get("type") or "private")}


def _person(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        return None
    return {"id": raw["id"], "is_bot": bool(raw.get("is_bot")), "first_name": ""}


def _message(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    kept: dict[str, Any] = {key: raw[key] for key in ("message_id", "date") if key in raw}
    kept["chat"] = _chat(raw.get("chat"))
    if raw.get("from") is not None:
        kept["from"] = _person(raw.get("from"))
    media = sorted(MEDIA_KINDS & raw.keys())
    if media:
        kept[MEDIA_REMOVED_KEY] = media[0]
        if isinstance(raw.get("caption"), str) and raw["caption"]:
            kept["caption"] = raw["caption"]  # the user's own words beside the media are still read
    elif isinstance(raw.get("text"), str):
        kept["text"] = raw["text"]
        if isinstance(raw.get("entities"), list):
            kept["entities"] = raw["entities"]
    return kept


def minimal_update(raw: dict[str, Any]) -> dict[str, Any]:
    """The update with only what the handlers read: ids, dates, the text or the button pressed."""
    kept: dict[str, Any] = {"update_id": raw["update_id"]}
    if "message" in raw:
        kept["message"] = _message(raw["message"])
    query = raw.get("callback_query")
    if isinstance(query, dict):
        kept["callback_query"] = {
            "id": query.get("id"), "from": _person(query.get("from")), "chat_instance": query.get("chat_instance", ""),
            "data": query.get("data"), "message": _message(query.get("message")),
        }
    return kept


def chat_id_of(raw: dict[str, Any]) -> int | None:
    """The private chat an update came from, if it says."""
    message = raw.get("message") or (raw.get("callback_query") or {}).get("message") or {}
    chat = message.get("chat") if isinstance(message, dict) else None
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    return chat_id if isinstance(chat_id, int) else None
