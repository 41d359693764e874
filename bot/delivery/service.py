"""The loops that move Telegram updates through the inbox and replies through the outbox.

- Intake (long polling, or the webhook) stores each update before Telegram is told it arrived: the
  next getUpdates call carries the offset past it, and the webhook answers 200 only after storing.
- The inbox worker answers each chat's updates one at a time in update_id order, through the
  Application's handlers. A handler's replies are written to the outbox in the same transaction that
  marks the update answered, so a crash leaves it either waiting or answered, never both.
- The outbox sender sends each chat's rows in order, honouring Telegram's retry_after on 429 and
  backing off on 5xx and network errors; a row is deleted only once Telegram has accepted it.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.constants import MessageLimit
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.cases.hours import utc_now
from bot.delivery.store import DeliveryStore, Outgoing, OutboxItem, OutboxKind, Pending, prune_delivery
from bot.delivery.updates import chat_id_of
from bot.rasa_client import BotMessage

logger = logging.getLogger(__name__)

T = TypeVar("T")

ALLOWED_UPDATES = ["message", "callback_query"]
LONG_POLL_SECONDS = 10
# Replies must start within 5 seconds: if the assistant has not answered by then, counted from when
# the update is taken up (waiting for a free slot included), the user is told their message is kept,
# with 999 and Childline.
HOLDING_REPLY_AFTER_SECONDS = 4.0
TICK_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
# Flood control: more than this many updates from one chat in the window gets the notice (at most once
# per interval); every message is still answered, in order.
FLOOD_LIMIT = 8
FLOOD_WINDOW = timedelta(seconds=30)
FLOOD_NOTICE_INTERVAL = timedelta(minutes=2)
PRUNE_INTERVAL = timedelta(hours=1)
DATABASE_RETRY_SECONDS = 5.0
GIVE_UP_AFTER_ATTEMPTS = 5
QUICK_EXIT = "quick-exit"  # the Exit button's callback data; never a Rasa payload (those start with "/")


def now_naive() -> datetime:
    """UTC now, naive, as the database keeps times."""
    return utc_now().replace(tzinfo=None)


def backoff_seconds(attempts: int) -> float:
    """1, 2, 4 ... seconds, at most MAX_BACKOFF_SECONDS."""
    return min(MAX_BACKOFF_SECONDS, 2.0 ** max(0, attempts))


def bot_id_of(token: str) -> int:
    """A bot's numeric id: the part of its token before the colon (not secret)."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


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


def as_outgoing(messages: list[BotMessage], exit_button: tuple[str, str] | None, reply_to: int | None) -> list[Outgoing]:
    """Messages as Telegram pieces: long texts split, buttons (and the Exit button) under the last piece,
    the first piece answering `reply_to`."""
    pieces: list[Outgoing] = []
    for index, message in enumerate(messages):
        buttons = [(button.title, button.payload) for button in message.buttons]
        if exit_button is not None and index == len(messages) - 1:
            buttons.append(exit_button)
        texts = split_for_telegram(message.text)
        for number, text in enumerate(texts):
            pieces.append(Outgoing(text=text, buttons=tuple(buttons) if number == len(texts) - 1 else (),
                                   reply_to=reply_to if not pieces else None))
    return pieces


def keyboard(buttons: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard, one a row."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, callback_data=data)] for title, data in buttons]) if buttons else None


@dataclass
class Delivery:
    """The durable path between Telegram and the handlers, for one bot.

    `texts(key)` gives a system message; `assistant_ready()` says whether Rasa and the action server
    answer, and is asked before a held update is tried again (so an outage does not log the message
    in the transcript once per retry). `chats_at_once` chats are answered at the same time (one
    update each); the others wait their turn in the inbox.
    """

    application: Application
    store: DeliveryStore
    texts: Callable[[str], str]
    assistant_ready: Callable[[], Awaitable[bool]]
    chats_at_once: int
    _inbox_wake: asyncio.Event = field(default_factory=asyncio.Event)
    _outbox_wake: asyncio.Event = field(default_factory=asyncio.Event)
    _inbox_active: set[int | None] = field(default_factory=set)
    _outbox_active: set[int] = field(default_factory=set)
    _current: dict[int, Pending] = field(default_factory=dict)
    _failed: set[int] = field(default_factory=set)
    _flood_noticed: dict[int, datetime] = field(default_factory=dict)
    _emergency_sent: set[int] = field(default_factory=set)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _chat_limit: asyncio.Semaphore = field(init=False)
    _last_prune: datetime = datetime.min

    def __post_init__(self) -> None:
        self._chat_limit = asyncio.Semaphore(self.chats_at_once)

    @property
    def bot(self) -> Bot:
        """The Application's bot (its requests go through the rate limiter)."""
        return self.application.bot

    async def _db(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(function, *args)

    # --- intake

    async def intake(self, raw_updates: list[Any]) -> bool:
        """Store updates from Telegram. False if the database could not take them: they must not be
        acknowledged, and each chat has been sent the emergency routes once directly."""
        valid = [raw for raw in raw_updates if isinstance(raw, dict) and isinstance(raw.get("update_id"), int)]
        if len(valid) < len(raw_updates):
            logger.warning("Ignored %d updates without an update_id", len(raw_updates) - len(valid))
        now = now_naive()
        try:
            chats = await self._db(self.store.accept, valid, now)
        except SQLAlchemyError as error:
            logger.error("The database is unreachable (%s): updates left with Telegram", type(error).__name__)
            await self._emergency_replies(valid)
            return False
        for chat_id in chats:
            await self._flood_check(chat_id, now)
        self._inbox_wake.set()
        return True

    async def _emergency_replies(self, updates: list[dict[str, Any]]) -> None:
        for raw in updates:
            chat_id = chat_id_of(raw)
            if chat_id is None or raw["update_id"] in self._emergency_sent:
                continue
            self._emergency_sent.add(raw["update_id"])
            try:
                await self.bot.send_message(chat_id, self.texts("service_unavailable"))
            except TelegramError as error:
                logger.warning("Could not send the emergency-route reply (%s)", type(error).__name__)

    async def _flood_check(self, chat_id: int, now: datetime) -> None:
        noticed = self._flood_noticed.get(chat_id)
        if noticed is not None and now - noticed < FLOOD_NOTICE_INTERVAL:
            return
        if await self._db(self.store.received_since, chat_id, now - FLOOD_WINDOW) > FLOOD_LIMIT:
            self._flood_noticed[chat_id] = now
            await self._db(self.store.enqueue, chat_id, [Outgoing(self.texts("many_messages"))], now)
            self._outbox_wake.set()

    async def poll(self) -> None:
        """Long polling: each batch is stored before the next call confirms it to Telegram.

        getUpdates goes through `do_api_request`, which returns the raw JSON: `Bot.get_updates` would
        parse the whole batch, and one malformed update would then stop every update behind it."""
        warnings.filterwarnings("ignore", message=".*getUpdates.*", category=PTBUserWarning)
        offset: int | None = None
        failures = 0
        while True:
            try:
                kwargs: dict[str, Any] = {"timeout": LONG_POLL_SECONDS, "allowed_updates": ALLOWED_UPDATES}
                if offset is not None:
                    kwargs["offset"] = offset
                raw = await self.bot.do_api_request("getUpdates", api_kwargs=kwargs, read_timeout=LONG_POLL_SECONDS + 10)
                failures = 0
            except InvalidToken:
                logger.error("Telegram refused the bot token (TELEGRAM_BOT_TOKEN); trying again in a minute")
                await asyncio.sleep(60)
                continue
            except TelegramError as error:
                failures += 1
                logger.warning("getUpdates failed (%s); trying again", type(error).__name__)
                await asyncio.sleep(backoff_seconds(failures))
                continue
            updates = raw if isinstance(raw, list) else []
            if not updates:
                continue
            if await self.intake(updates):
                ids = [item["update_id"] for item in updates if isinstance(item, dict) and isinstance(item.get("update_id"), int)]
                offset = max(ids) + 1 if ids else offset
            else:
                await asyncio.sleep(DATABASE_RETRY_SECONDS)

    # --- the inbox worker

    async def work_inbox(self) -> None:
        """Start a worker for each chat with an update due, a few chats at a time."""
        await self._dispatch("inbox", self._inbox_wake, self._inbox_active, self._inbox_due, self._answer_head)

    def _inbox_due(self, now: datetime) -> list[int | None]:
        if now - self._last_prune > PRUNE_INTERVAL:
            prune_delivery(self.store.engine, now)
            self._last_prune = now
        return self.store.chats_due(now)

    async def _dispatch(self, what: str, wake: asyncio.Event, active: set[Any], due: Callable[[datetime], list[Any]],
                        step: Callable[[Any], Awaitable[bool]]) -> None:
        """Each tick (or when woken), start draining every chat with something due that no drain holds."""
        while True:
            wake.clear()
            try:
                chats = await self._db(due, now_naive())
            except SQLAlchemyError as error:
                logger.error("The %s could not be read (%s)", what, type(error).__name__)
                chats = []
            for chat_id in chats:
                if chat_id not in active:
                    active.add(chat_id)
                    self._spawn(self._drain(what, chat_id, active, step))
            try:
                await asyncio.wait_for(wake.wait(), TICK_SECONDS)
            except asyncio.TimeoutError:
                pass

    async def _drain(self, what: str, chat_id: Any, active: set[Any], step: Callable[[Any], Awaitable[bool]]) -> None:
        """Take one chat's rows in order until none is due; a failure leaves the rest for the next tick."""
        try:
            while await step(chat_id):
                pass
        except SQLAlchemyError as error:
            logger.error("The %s could not be worked (%s); it is tried again", what, type(error).__name__)
        except Exception:
            logger.exception("Working a chat's %s failed; it is tried again", what)
        finally:
            active.discard(chat_id)

    async def _supervised(self, name: str, loop: Callable[[], Awaitable[None]]) -> None:
        """Keep a loop running: a fault in one pass is logged and the loop starts again."""
        while True:
            try:
                await loop()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("The %s failed; starting it again", name)
                await asyncio.sleep(TICK_SECONDS)

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.append(task)
        task.add_done_callback(self._tasks.remove)

    async def _answer_head(self, chat_id: int | None) -> bool:
        """Answer the chat's oldest waiting update; False when there is nothing to do now."""
        pending = await self._db(self.store.head, chat_id)
        now = now_naive()
        if pending is None or pending.next_attempt_at > now:
            return False
        if pending.attempts and not await self.assistant_ready():
            await self._db(self.store.hold, pending.update_id, chat_id, None,
                           now + timedelta(seconds=backoff_seconds(pending.attempts)), now)
            return False
        try:
            update = Update.de_json(pending.payload, self.bot)
        except Exception as error:  # a malformed update must not stop the queue behind it
            logger.warning("Skipped an update that could not be read (%s)", type(error).__name__)
            if chat_id is not None:
                await self._db(self.store.answer, pending.update_id, chat_id, [Outgoing(self.texts("cannot_read"))], now)
                self._outbox_wake.set()
            else:
                await self._db(self.store.finish_unanswered, pending.update_id, pending.attempts, now)
            return True
        self._current[pending.update_id] = pending
        holding = None if pending.holding_reply_sent else asyncio.ensure_future(self._holding_reply_later(update))
        try:
            async with self._chat_limit:
                await self.application.process_update(update)
        finally:
            self._current.pop(pending.update_id, None)
            if holding is not None:
                holding.cancel()
        now = now_naive()
        if pending.update_id in self._failed:  # the database failed mid-way: try it again shortly
            self._failed.discard(pending.update_id)
            await self._db(self.store.hold, pending.update_id, chat_id, None,
                           now + timedelta(seconds=backoff_seconds(pending.attempts)), now)
            return False
        await self._db(self.store.finish_unanswered, pending.update_id, pending.attempts, now)
        return True

    # --- what the handlers call

    def _chat_and_message(self, update: Update) -> tuple[int, int | None]:
        chat, message = update.effective_chat, update.effective_message
        if chat is None:
            raise ValueError("the update has no chat to answer")
        return chat.id, message.message_id if message is not None and update.message is not None else None

    async def answer(self, update: Update, messages: list[BotMessage], with_exit: bool = True,
                     erase_chat: bool = False) -> None:
        """Queue the replies to an update and mark it answered, in one step. When the user has written
        more since, the reply quotes the message it answers. `erase_chat`: see DeliveryStore.answer."""
        chat_id, message_id = self._chat_and_message(update)
        waiting = await self._db(self.store.waiting_after, chat_id, update.update_id)
        exit_button = (self.texts("exit_button"), QUICK_EXIT) if with_exit else None
        pieces = as_outgoing(messages, exit_button, message_id if waiting else None)
        await self._db(self.store.answer, update.update_id, chat_id, pieces, now_naive(), message_id, erase_chat)
        self._outbox_wake.set()

    async def hold(self, update: Update) -> None:
        """The assistant could not answer: keep the update for later, sending the holding reply once.
        A message the assistant keeps failing on while it is up is answered with the emergency routes,
        so it cannot hold up the chat's later messages for ever."""
        chat_id, message_id = self._chat_and_message(update)
        pending = self._current.get(update.update_id)
        attempts = pending.attempts if pending else 0
        if attempts >= GIVE_UP_AFTER_ATTEMPTS and await self.assistant_ready():
            logger.warning("The assistant failed %d times on one message while up; answered with the emergency routes", attempts)
            await self.answer(update, [BotMessage(text=self.texts("service_unavailable"))], with_exit=False)
            return
        now = now_naive()
        await self._db(self.store.hold, update.update_id, chat_id, Outgoing(self.texts("message_kept"), reply_to=message_id),
                       now + timedelta(seconds=backoff_seconds(attempts)), now)
        self._outbox_wake.set()

    async def _holding_reply_later(self, update: Update) -> None:
        """Unless cancelled first (the update was answered), send the holding reply after a few seconds."""
        await asyncio.sleep(HOLDING_REPLY_AFTER_SECONDS)
        chat_id, message_id = self._chat_and_message(update)
        await self._db(self.store.send_holding_reply, update.update_id, chat_id,
                       Outgoing(self.texts("message_kept"), reply_to=message_id), now_naive())
        self._outbox_wake.set()

    def failed(self, update: Update) -> None:
        """A handler could not finish because the database failed: the update is tried again."""
        self._failed.add(update.update_id)

    async def send(self, chat_id: int, messages: list[BotMessage]) -> None:
        """Queue messages that answer no update (a staff member's reply)."""
        await self._db(self.store.enqueue, chat_id, as_outgoing(messages, None, None), now_naive())
        self._outbox_wake.set()

    async def quick_exit(self, update: Update) -> int:
        """Queue the deletion of the chat's recent messages (and this one) and drop unsent replies."""
        chat_id, message_id = self._chat_and_message(update)
        if message_id is None and update.callback_query is not None and update.callback_query.message is not None:
            message_id = update.callback_query.message.message_id
        count = await self._db(self.store.quick_exit, update.update_id, chat_id, message_id, now_naive())
        self._outbox_wake.set()
        return count

    # --- the outbox sender

    async def work_outbox(self) -> None:
        """Start a sender for each chat with a message due."""
        await self._dispatch("outbox", self._outbox_wake, self._outbox_active, self.store.outbox_chats_due,
                             self._send_head)

    async def _send_head(self, chat_id: int) -> bool:
        """Send the chat's first queued row if it is due; False when the chat must wait."""
        item = await self._db(self.store.outbox_head, chat_id)
        if item is None or item.next_attempt_at > now_naive():
            return False
        return await self._send_one(item)

    async def _send_one(self, item: OutboxItem) -> bool:
        """Send (or delete) one row; False when the chat must wait before the next."""
        try:
            sent_id = await self._perform(item)
        except RetryAfter as error:
            wait = error.retry_after.total_seconds() if isinstance(error.retry_after, timedelta) else float(error.retry_after)
            logger.info("Telegram asked to wait %.0f s before sending more", wait)
            await self._db(self.store.retry, item, now_naive() + timedelta(seconds=wait))
            return False
        except (BadRequest, Forbidden, ChatMigrated) as error:
            log = logger.info if item.kind is OutboxKind.DELETE else logger.warning
            log("Telegram refused a %s for good (%s)", item.kind.value, type(error).__name__)
            await self._db(self.store.drop, item)
            return True
        except (TelegramError, httpx.HTTPError, KeyError, ValueError) as error:  # KeyError, ValueError: a malformed answer
            logger.warning("Sending failed (%s); trying again in %.0f s", type(error).__name__, backoff_seconds(item.attempts))
            await self._db(self.store.retry, item, now_naive() + timedelta(seconds=backoff_seconds(item.attempts)))
            return False
        await self._db(self.store.delivered, item, sent_id, now_naive())
        return True

    async def _perform(self, item: OutboxItem) -> int | None:
        if item.kind is OutboxKind.DELETE:
            await self.bot.delete_message(item.chat_id, item.payload["message_id"])
            return None
        outgoing = item.outgoing
        reply = ReplyParameters(outgoing.reply_to, allow_sending_without_reply=True) if outgoing.reply_to else None
        message = await self.bot.send_message(item.chat_id, outgoing.text, reply_markup=keyboard(outgoing.buttons),
                                              reply_parameters=reply)
        return message.message_id

    # --- life cycle

    def start(self, polling: bool) -> None:
        """Run the inbox worker and the outbox sender, and long polling unless a webhook feeds intake."""
        self._spawn(self._supervised("inbox worker", self.work_inbox))
        self._spawn(self._supervised("outbox sender", self.work_outbox))
        if polling:
            self._spawn(self._supervised("Telegram poller", self.poll))

    async def stop(self) -> None:
        """Cancel the loops; whatever was not finished is still in the inbox or outbox."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
