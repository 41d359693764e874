"""The local web chat: a page served from this machine (no CDN) and a JSON endpoint that relays to Rasa."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.cases.transcript import transcript
from bot.pseudonyms import Channel
from bot.rasa_client import BotMessage, as_plain_text
from bot.services import Services

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_TEXT_CHARS = 4096
CHANNEL = Channel.WEB
PRIVACY_COMMAND, DELETE_COMMAND = "/privacy", "/delete"  # typed as on Telegram
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_PAYLOAD = re.compile(r"^/[a-z_]+(\{.{0,200}\})?$")
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _as_json(messages: list[BotMessage]) -> dict[str, object]:
    return {
        "messages": [
            {"text": m.text, "buttons": [{"title": b.title, "payload": b.payload} for b in m.buttons]}
            for m in messages
        ]
    }


def _problem(services: Services, status_code: int) -> JSONResponse:
    """A kind reply to a request we cannot use, still carrying the emergency route."""
    return JSONResponse(_as_json([services.system_message("cannot_read")]), status_code=status_code,
                        headers=_SECURITY_HEADERS)


def create_web_app(services: Services) -> Starlette:
    """The web chat application bound to the shared services."""

    async def page(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "webchat.html", headers=_SECURITY_HEADERS)

    async def messages(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return _problem(services, 400)
        if not isinstance(body, dict):
            return _problem(services, 400)
        conversation = body.get("conversation")
        text, payload = body.get("text"), body.get("payload")
        if not isinstance(conversation, str) or not _CONVERSATION_ID.match(conversation):
            return _problem(services, 400)
        command = text.strip().lower() if isinstance(text, str) else None
        if command == PRIVACY_COMMAND:
            return JSONResponse(_as_json(services.privacy_messages()), headers=_SECURITY_HEADERS)
        if command == DELETE_COMMAND:
            _, reply = await services.erase(CHANNEL, conversation)
            return JSONResponse(_as_json([reply]), headers=_SECURITY_HEADERS)
        if isinstance(payload, str) and _PAYLOAD.match(payload):
            message = payload
        elif isinstance(text, str) and text.strip() and len(text) <= MAX_TEXT_CHARS:
            message = as_plain_text(text)
        else:
            return _problem(services, 400)
        replies = await services.reply(CHANNEL, conversation, message)
        return JSONResponse(_as_json(replies), headers=_SECURITY_HEADERS)

    async def pushed(request: Request) -> Response:
        """Messages sent to this chat outside a reply (a staff member's, the hand-back notice), newer
        than `after` (the timestamp of the last one the page has)."""
        conversation = request.query_params.get("conversation", "")
        try:
            after = float(request.query_params.get("after", "0"))
        except ValueError:
            after = 0.0
        if not _CONVERSATION_ID.match(conversation):
            return _problem(services, 400)
        lines = await run_in_threadpool(transcript, services.engine, services.conversation_id(CHANNEL, conversation), after)
        return JSONResponse({"messages": [line.as_json() for line in lines if line.pushed]}, headers=_SECURITY_HEADERS)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/", page),
            Route("/api/messages", messages, methods=["POST"]),
            Route("/api/messages", pushed, methods=["GET"]),
            Route("/healthz", health),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ]
    )
