"""Wires the Telegram Application: handlers, Bot API address, shared services, durable delivery."""

from __future__ import annotations

from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot import telegram_handlers as handlers
from bot.delivery.service import QUICK_EXIT, Delivery, bot_id_of
from bot.delivery.store import DeliveryStore
from bot.services import Services
from bot.settings import Settings

MAX_SEND_RETRIES = 3


def build_application(settings: Settings, services: Services) -> tuple[Application, Delivery]:
    """An Application fed by the Delivery's inbox (no Updater: intake is durable, see bot.delivery)."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(f"{settings.telegram_api_base_url}/bot")
        .base_file_url(f"{settings.telegram_api_base_url}/file/bot")
        .updater(None)
        # Keeps sends within Telegram's limits (30 a second overall, 1 a second per chat, bursts
        # allowed) and, on a 429, waits the retry_after Telegram gives and tries again.
        .rate_limiter(AIORateLimiter(max_retries=MAX_SEND_RETRIES))
        .build()
    )
    delivery = Delivery(
        application=application,
        store=DeliveryStore(services.engine, bot_id_of(settings.telegram_bot_token)),
        texts=services.library.system_text,
        assistant_ready=services.assistant_ready,
        chats_at_once=settings.telegram_chats_at_once,
    )
    application.bot_data[handlers.SERVICES_KEY] = services
    application.bot_data[handlers.DELIVERY_KEY] = delivery
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("privacy", handlers.privacy))
    application.add_handler(CommandHandler("delete", handlers.delete))
    application.add_handler(CommandHandler("exit", handlers.quick_exit))
    application.add_handler(CallbackQueryHandler(handlers.quick_exit, pattern=f"^{QUICK_EXIT}$"))
    application.add_handler(CallbackQueryHandler(handlers.button_pressed))
    application.add_handler(MessageHandler(filters.TEXT, handlers.text_message))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, handlers.other_message))
    application.add_handler(TypeHandler(handlers.PushedMessage, handlers.pushed_message))
    application.add_error_handler(handlers.on_error)

    async def push(chat_id: str, text: str) -> None:
        await application.update_queue.put(handlers.PushedMessage(int(chat_id), text))

    services.senders[handlers.CHANNEL] = push
    return application, delivery
