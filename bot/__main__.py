"""Runs the front ends in one process: the local web chat always, Telegram when a token is set.

Like python-telegram-bot's starlettebot example, the web server and the Telegram Application share
one event loop, and both use the same Rasa client and content library.
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from telegram.error import TelegramError
from telegram.ext import Application
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount

from bot.app import build_application
from bot.delivery.service import ALLOWED_UPDATES, Delivery
from bot.delivery.webhook import webhook_route
from bot.cases.hours import utc_now
from bot.cases.retention import apply_retention
from bot.dashboard.app import create_dashboard
from bot.logging_setup import configure_logging
from bot.services import Services, open_services
from bot.settings import Settings, load_settings
from bot.webchat import create_web_app

logger = logging.getLogger("bot")
RETENTION_INTERVAL_SECONDS = 24 * 60 * 60


async def _serve_web(settings: Settings, services: Services, extra: list[BaseRoute] | None = None) -> None:
    web = Starlette(routes=[*(extra or []), Mount("/staff", create_dashboard(services)), Mount("/", create_web_app(services))])
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
            logger.info("Retention: deleted %d conversations, %d closed cases and %d Telegram delivery rows",
                        report.conversations_deleted, report.cases_deleted, report.delivery_rows_deleted)
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


async def _connect_telegram(settings: Settings, application: Application, delivery: Delivery) -> list[BaseRoute]:
    """Point Telegram at the webhook, or make sure none is set for long polling; the webhook's route."""
    try:
        if settings.telegram_mode == "webhook" and settings.telegram_webhook_url and settings.telegram_webhook_secret:
            # One connection: Telegram then posts a bot's updates one at a time in order, so a chat's
            # messages reach the inbox in the order they were sent (with 40 they could cross).
            await application.bot.set_webhook(settings.telegram_webhook_url, allowed_updates=ALLOWED_UPDATES,
                                              secret_token=settings.telegram_webhook_secret, max_connections=1)
            logger.info("Telegram bot on a webhook: Telegram posts to %s", settings.telegram_webhook_url)
        else:
            await application.bot.delete_webhook()
            logger.info("Telegram bot polling %s", settings.telegram_api_base_url)
    except TelegramError as error:
        logger.error("Could not set up Telegram's %s (%s)", settings.telegram_mode, type(error).__name__)
    if settings.telegram_mode == "webhook" and settings.telegram_webhook_secret:
        return [webhook_route(delivery, settings.telegram_webhook_secret)]
    return []


async def _serve_front_ends(settings: Settings, services: Services) -> None:
    """The web server, with the Telegram Application beside it when a token is set."""
    logger.info("Web chat on http://%s:%s/ and the staff dashboard on http://%s:%s/staff/",
                settings.web_host, settings.web_port, settings.web_host, settings.web_port)
    if not settings.telegram_bot_token:
        logger.info("TELEGRAM_BOT_TOKEN is not set: Telegram is off")
        await _serve_web(settings, services)
        return
    application, delivery = build_application(settings, services)
    webhook = settings.telegram_mode == "webhook"
    async with application:
        await application.start()
        routes = await _connect_telegram(settings, application, delivery)
        delivery.start(polling=not webhook)
        try:
            await _serve_web(settings, services, routes)
        finally:
            await delivery.stop()
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
