"""The front ends' client for Rasa's REST channel, and the reply used when Rasa cannot answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx


logger = logging.getLogger(__name__)

REST_WEBHOOK_PATH = "/webhooks/rest/webhook"


@dataclass(frozen=True)
class Button:
    """A choice shown under a message; pressing it sends `payload` back to Rasa."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One message for the user. Rasa's image and attachment messages are never passed on."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time or answered with an error."""


def as_plain_text(text: str) -> str:
    """Typed text is never a Rasa intent: leading slashes ("/greet", "/intent{...}") are dropped."""
    return text.strip().lstrip("/").strip() or text


def parse_rest_messages(payload: Any) -> list[BotMessage]:
    """Messages from a REST channel response, keeping only text and buttons."""
    messages: list[BotMessage] = []
    for item in payload if isinstance(payload, list) else []:
        text = item.get("text") if isinstance(item, dict) else None
        if not text:
            continue
        buttons = tuple(
            Button(title=str(button["title"]), payload=str(button["payload"]))
            for button in item.get("buttons") or []
            if button.get("title") and button.get("payload")
        )
        messages.append(BotMessage(text=str(text), buttons=buttons))
    return messages


class RasaClient:
    """Sends a user's message to Rasa and returns the bot's messages. One client per process."""

    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds)

    async def send(self, sender_id: str, text: str) -> list[BotMessage]:
        """The bot's reply to `text` in the conversation `sender_id`."""
        try:
            response = await self._client.post(REST_WEBHOOK_PATH, json={"sender": sender_id, "message": text})
            response.raise_for_status()
            return parse_rest_messages(response.json())
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def ready(self, action_server_health_url: str) -> bool:
        """Rasa's root and the action server's health check both answer 200."""
        try:
            for url in (f"{self._client.base_url}".rstrip("/") + "/", action_server_health_url):
                if (await self._client.get(url)).status_code != 200:
                    return False
            return True
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        """Release the connection pool."""
        await self._client.aclose()
