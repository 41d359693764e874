"""Telegram update handlers: relay the user's words to the assistant and queue its reply.

Every handler answers through the Delivery (`bot.delivery.service`): the replies go to the outbox in
the same step that marks the update answered. A handler that cannot answer now raises, and the error
handler keeps the update for later (the assistant is down) or answers with the emergency routes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.delivery.service import Delivery
from bot.delivery.updates import MEDIA_REMOVED_KEY
from bot.pseudonyms import Channel
from bot.rasa_client import BotMessage, RasaUnavailable, as_plain_text
from bot.services import Services

logger = logging.getLogger(__name__)

SERVICES_KEY = "services"
DELIVERY_KEY = "delivery"
START_PAYLOAD = "/start"
CHANNEL = Channel.TELEGRAM


@dataclass(frozen=True)
class PushedMessage:
    """A custom update: a message for a chat from outside Telegram (a staff member's reply)."""

    chat_id: int
    text: str


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


def _delivery(context: ContextTypes.DEFAULT_TYPE) -> Delivery:
    return context.bot_data[DELIVERY_KEY]


def _chat_id(update: Update) -> int:
    if update.effective_chat is None:
        raise ValueError("the update has no chat")
    return update.effective_chat.id


async def _relay(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """The assistant's answer to `text` (the delivery sends the holding reply meanwhile if it is slow)."""
    messages = await _services(context).answer(CHANNEL, _chat_id(update), text)
    await _delivery(context).answer(update, messages)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Opens the conversation with the privacy notice and the role question."""
    await _relay(update, context, START_PAYLOAD)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what the bot does and, honestly, what /exit can and cannot remove."""
    services = _services(context)
    await _delivery(context).answer(update, [services.system_message("help"), services.system_message("help_exit")])


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what is kept, who can see it, when we would tell someone, and for how long."""
    await _delivery(context).answer(update, _services(context).privacy_messages())


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erases the conversation at once (and every row naming the chat), or says why a safeguarding
    record must be kept."""
    erased, reply = await _services(context).erase(CHANNEL, _chat_id(update))
    await _delivery(context).answer(update, [reply], erase_chat=erased)


async def quick_exit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/exit or the Exit button: removes the chat's recent messages from the phone and ends the session."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _services(context).end_session(CHANNEL, _chat_id(update))
    await _delivery(context).quick_exit(update)


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Passes what the user typed to the assistant as plain text (never as an intent)."""
    text = update.effective_message.text if update.effective_message is not None else None
    if text is None or not text.strip():
        await _delivery(context).answer(update, [_services(context).system_message("no_words")])
        return
    await _relay(update, context, as_plain_text(text))


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledges an inline-keyboard press and sends its payload on as the user's choice."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if query.data:
        await _relay(update, context, query.data)
    else:
        await _delivery(context).answer(update, [_services(context).system_message("cannot_read")])


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message that is not text: media (a photo, video, file, sticker, contact or location) is deleted
    from the chat unopened and answered kindly; any words written beside it are still read."""
    message = update.effective_message
    if message is None:
        return
    if not message.api_kwargs.get(MEDIA_REMOVED_KEY):
        await _delivery(context).answer(update, [_services(context).system_message("no_words")])
        return
    try:  # bots may delete incoming messages in private chats: the media leaves the chat as well
        await message.delete()
    except TelegramError as error:
        logger.warning("Could not delete an incoming media message: %s", type(error).__name__)
    services = _services(context)
    await services.note_media(CHANNEL, _chat_id(update))
    replies = [services.system_message("media_not_opened"), services.system_message("media_report_remove")]
    caption = message.api_kwargs.get("caption")
    if isinstance(caption, str) and caption.strip():
        replies += await services.answer(CHANNEL, _chat_id(update), as_plain_text(caption))
    await _delivery(context).answer(update, replies)


async def pushed_message(update: PushedMessage, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queues a staff member's message (from the dashboard) for the young person's chat."""
    await _delivery(context).send(update.chat_id, [BotMessage(text=update.text)])


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keeps an update the assistant could not answer for later; answers any other failure with the
    emergency routes. Logs the failure without the message's content."""
    if not isinstance(update, Update) or update.effective_chat is None:
        logger.error("Handling an update failed: %s", type(context.error).__name__, exc_info=context.error)
        return
    if isinstance(context.error, RasaUnavailable):
        logger.warning("The assistant could not answer (%s); the message is kept and tried again", context.error)
        await _delivery(context).hold(update)
        return
    if isinstance(context.error, SQLAlchemyError):
        logger.error("The database failed while answering (%s); the message is tried again", type(context.error).__name__)
        _delivery(context).failed(update)
        return
    logger.error("Handling a Telegram update failed: %s", type(context.error).__name__, exc_info=context.error)
    await _delivery(context).answer(update, [_services(context).system_message("service_unavailable")])
