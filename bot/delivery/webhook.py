"""Webhook mode: Telegram posts each update to the web server, which stores it before answering 200
(so Telegram redelivers anything the bot did not take) and refuses a request without the secret."""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.delivery.service import Delivery

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000


def webhook_route(delivery: Delivery, secret: str) -> Route:
    """POST WEBHOOK_PATH: 403 without the secret, 400 for a body that is not an update, 503 when the
    database cannot store it (Telegram tries again later), 200 once it is stored."""

    async def receive(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            logger.warning("Refused a webhook request without the secret token")
            return Response(status_code=403)
        body = await request.body()
        try:
            update = json.loads(body) if len(body) <= MAX_UPDATE_BYTES else None
        except ValueError:
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            logger.warning("Refused a webhook request that was not an update")
            return Response(status_code=400)
        return Response(status_code=200 if await delivery.intake([update]) else 503)

    return Route(WEBHOOK_PATH, receive, methods=["POST"])
