"""The action server (`python -m bot.action_server`): rasa-sdk's app on loopback, behind a shared secret.

rasa-sdk has no authentication of its own and `rasa run actions` listens on every interface, so anyone
who could reach it could run the actions with a made-up conversation. Here it listens on
ACTION_SERVER_HOST (loopback by default) and refuses every call but the health check that does not
carry ACTION_SERVER_SECRET in the header the Rasa server's endpoint config sends.
"""

from __future__ import annotations

import hmac
import logging
import sys

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import ACTION_SERVER_SECRET_HEADER, SettingsError, load_settings

ACTIONS_PACKAGE = "actions"
OPEN_PATHS = frozenset({"/health"})
# Longer than the Rasa server keeps an idle connection to us (bot.rasa_server.KEEPALIVE_SECONDS), so
# Rasa, not this server, closes it: a call never lands on a connection closed under it.
KEEPALIVE_SECONDS = 30

logger = logging.getLogger(__name__)


def create_action_app(secret: str) -> Sanic:
    """rasa-sdk's action app, refusing calls without the shared secret."""
    app = create_app(ACTIONS_PACKAGE, cors_origins=None)
    app.config.KEEP_ALIVE_TIMEOUT = KEEPALIVE_SECONDS

    @app.middleware("request")
    async def require_secret(request: Request) -> HTTPResponse | None:
        """Lets the health check and calls carrying the secret through; refuses the rest."""
        if request.path in OPEN_PATHS or hmac.compare_digest(request.headers.get(ACTION_SERVER_SECRET_HEADER, ""), secret):
            return None
        logger.warning("Refused an action server call without the shared secret")
        return response.json({"error": "forbidden"}, status=403)

    return app


def main() -> None:
    """Serve the actions until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
    except SettingsError as error:
        sys.exit(str(error))
    if not settings.action_server_secret:
        sys.exit("ACTION_SERVER_SECRET is not set: the action server will not run without it (make run sets one).")
    app = create_action_app(settings.action_server_secret)
    app.run(host=settings.action_server_host, port=settings.action_server_port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
