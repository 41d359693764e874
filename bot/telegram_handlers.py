"""Telegram update handlers: relay the user's words to the assistant and send its reply."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.pseudonyms import Channel
from bot.rasa_client import BotMessage, as_plain_text
from bot.services import Services

logger = logging.getLogger(__name__)

SERVICES_KEY = "services"
CALLBACK_DATA_LIMIT = 64  # bytes, set by the Bot API
START_PAYLOAD = "/start"
CHANNEL = Channel.TELEGRAM


@dataclass(frozen=True)
class PushedMessage:
    """A custom update: a message for a chat from outside Telegram (a staff member's reply)."""

    chat_id: int
    text: str


def split_for_telegram(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """A text in pieces Telegram accepts, cut at a line break, else a space, else where it must be."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text or not pieces else pieces


async def send_text(bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Send a text of any length; the buttons go under its last piece."""
    pieces = split_for_telegram(text)
    for index, piece in enumerate(pieces):
        await bot.send_message(chat_id, piece, reply_markup=reply_markup if index == len(pieces) - 1 else None)


def keyboard_for(message: BotMessage) -> InlineKeyboardMarkup | None:
    """Rasa buttons as an inline keyboard, one button a row."""
    rows = [
        [InlineKeyboardButton(button.title, callback_data=button.payload)]
        for button in message.buttons
        if len(button.payload.encode()) <= CALLBACK_DATA_LIMIT
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


async def _relay(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    for message in await _services(context).reply(CHANNEL, chat.id, text):
        await send_text(context.bot, chat.id, message.text, keyboard_for(message))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Opens the conversation with the privacy notice and the role question."""
    await _relay(update, context, START_PAYLOAD)


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what is kept, who can see it, when we would tell someone, and for how long."""
    if update.effective_chat is not None:
        for message in _services(context).privacy_messages():
            await send_text(context.bot, update.effective_chat.id, message.text)


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erases the conversation at once, or says why a safeguarding record must be kept."""
    if update.effective_chat is not None:
        message = await _services(context).erase(CHANNEL, update.effective_chat.id)
        await send_text(context.bot, update.effective_chat.id, message.text)


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Passes what the user typed to the assistant as plain text."""
    if update.effective_message and update.effective_message.text:
        await _relay(update, context, as_plain_text(update.effective_message.text))


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledges an inline-keyboard press and sends its payload on as the user's choice."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if query.data:
        await _relay(update, context, query.data)


async def media_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deletes a photo, video, file, sticker, contact or location from the chat without downloading
    it, and answers kindly."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None:
        return
    if message is not None:
        try:  # bots may delete incoming messages in private chats: the image leaves the chat as well
            await message.delete()
        except TelegramError as error:
            logger.warning("Could not delete an incoming media message: %s", type(error).__name__)
    await _services(context).note_media(CHANNEL, chat.id)
    await send_text(context.bot, chat.id, _services(context).system_message("media_not_opened").text)


async def pushed_message(update: PushedMessage, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a staff member's message (queued by the dashboard) to the young person's chat."""
    await send_text(context.bot, update.chat_id, update.text)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs a failed update without its content and tells the user how to get help now."""
    logger.error("Handling a Telegram update failed: %s", type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id, _services(context).system_message("service_unavailable").text
            )
        except Exception:  # the Bot API itself may be what failed; nothing more can be sent
            logger.exception("Could not send the emergency-route reply")
