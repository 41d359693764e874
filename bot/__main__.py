"""Runs the front ends in one process: the local web chat always, Telegram when a token is set.

Like python-telegram-bot's starlettebot example, the web server and the Telegram Application share
one event loop, and both use the same Rasa client and content library.
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.routing import Mount

from bot.app import build_application
from bot.cases.hours import utc_now
from bot.cases.retention import apply_retention
from bot.dashboard.app import create_dashboard
from bot.logging_setup import configure_logging
from bot.services import Services, open_services
from bot.settings import Settings, load_settings
from bot.webchat import create_web_app

logger = logging.getLogger("bot")
RETENTION_INTERVAL_SECONDS = 24 * 60 * 60


async def _serve_web(settings: Settings, services: Services) -> None:
    web = Starlette(routes=[Mount("/staff", create_dashboard(services)), Mount("/", create_web_app(services))])
    config = uvicorn.Config(
        web, host=settings.web_host, port=settings.web_port, log_level="warning",
        access_log=False, ws="none",  # no websockets: Rasa pins a websockets too old for uvicorn's
    )
    await uvicorn.Server(config).serve()


async def _retention_daily(services: Services) -> None:
    """Delete what is due now, then once a day (`python -m bot.privacy retention` does the same once)."""
    settings = services.settings
    while True:
        try:
            report = await asyncio.to_thread(apply_retention, services.engine, utc_now().replace(tzinfo=None),
                                             settings.conversation_retention_days, settings.case_retention_days)
            logger.info("Retention: deleted %d conversations and %d closed cases",
                        report.conversations_deleted, report.cases_deleted)
        except SQLAlchemyError as error:
            logger.error("Retention could not run (%s); it tries again tomorrow", type(error).__name__)
        await asyncio.sleep(RETENTION_INTERVAL_SECONDS)


async def serve(settings: Settings) -> None:
    """Serve until interrupted."""
    async with open_services(settings) as services:
        retention = asyncio.create_task(_retention_daily(services))
        try:
            await _serve_front_ends(settings, services)
        finally:
            retention.cancel()


async def _serve_front_ends(settings: Settings, services: Services) -> None:
    """The web server, with the Telegram Application beside it when a token is set."""
    logger.info("Web chat on http://%s:%s/ and the staff dashboard on http://%s:%s/staff/",
                settings.web_host, settings.web_port, settings.web_host, settings.web_port)
    if not settings.telegram_bot_token:
        logger.info("TELEGRAM_BOT_TOKEN is not set: Telegram is off")
        await _serve_web(settings, services)
        return
    application = build_application(settings, services)
    async with application:
        await application.start()
        await application.updater.start_polling(allowed_updates=["message", "callback_query"])
        logger.info("Telegram bot polling %s", settings.telegram_api_base_url)
        try:
            await _serve_web(settings, services)
        finally:
            await application.updater.stop()
            await application.stop()


def main() -> None:
    """Entry point for `python -m bot`."""
    configure_logging()
    try:
        asyncio.run(serve(load_settings()))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
