"""The clients the front ends and the staff dashboard share in one process: Rasa, the content
library, the case database, and the live conversations' reply addresses."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.cases.audit import AuditLog
from bot.cases.database import create_db_engine
from bot.cases.hours import utc_now
from bot.cases.models import CaseStatus, EntryKind
from bot.cases.rights import erase_conversation
from bot.cases.staff import StaffDirectory
from bot.cases.store import CaseStore
from bot.cases.transcript import append_event, pause_event, pushed_message_event, resume_event
from bot.pseudonyms import Channel, Pseudonymiser, channel_of
from bot.rasa_client import BotMessage, RasaClient, RasaUnavailable
from bot.safeguarding.content import ContentLibrary, load_library
from bot.settings import Settings

logger = logging.getLogger(__name__)

RESTART_PAYLOAD = "/restart"  # Rasa's default intent: action_restart ends the session
PRIVACY_MESSAGES = ("privacy_kept", "privacy_who", "privacy_tell", "privacy_how_long")
# Sends a text to one user of a channel, by the channel's own id for them.
Sender = Callable[[str, str], Awaitable[None]]


@dataclass
class Services:
    """What a front-end handler or a dashboard page needs.

    `addresses` maps a conversation id back to the channel's id for the user, so a staff reply can
    reach them. It lives only in this process's memory, for as long as the process runs: nothing
    stores a chat id. `locks` serialise everything written to one conversation's tracker.
    """

    rasa: RasaClient
    library: ContentLibrary
    pseudonyms: Pseudonymiser
    engine: Engine
    settings: Settings
    senders: dict[str, Sender] = field(default_factory=dict)
    addresses: dict[str, tuple[str, str]] = field(default_factory=dict)
    locks: defaultdict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))

    @property
    def cases(self) -> CaseStore:
        """The case store on the shared engine."""
        return CaseStore(self.engine)

    @property
    def audit(self) -> AuditLog:
        """The audit log on the shared engine."""
        return AuditLog(self.engine)

    @property
    def staff(self) -> StaffDirectory:
        """Staff accounts and sessions on the shared engine."""
        return StaffDirectory(self.engine)

    def conversation_id(self, channel: str, raw_id: str | int) -> str:
        """The pseudonymous conversation id of a channel's user."""
        return self.pseudonyms.conversation_id(channel, raw_id)

    async def _taken_over(self, conversation_id: str) -> bool:
        case = await asyncio.to_thread(self.cases.active_case_for, conversation_id)
        return case is not None and case.status is CaseStatus.TAKEN_OVER

    async def answer(self, channel: str, raw_id: str | int, text: str) -> list[BotMessage]:
        """The assistant's reply to a user of a channel, in the conversation named by their pseudonym.

        While a staff member has taken the conversation over, Rasa logs the message in the transcript
        (the tracker is paused) and the bot says nothing: the staff member answers.

        Raises RasaUnavailable when Rasa or the action server cannot answer (an empty reply counts),
        and SQLAlchemyError when the database cannot be read: the message then does not go to Rasa,
        which would quietly keep the conversation in memory only, where no case could be opened.
        """
        conversation = self.conversation_id(channel, raw_id)
        self.addresses[conversation] = (channel, str(raw_id))
        async with self.locks[conversation]:
            if await self._taken_over(conversation):
                await self.rasa.send(conversation, text)
                return []
            messages = await self.rasa.send(conversation, text)
        if not messages:
            raise RasaUnavailable("empty reply")
        return messages

    async def reply(self, channel: str, raw_id: str | int, text: str) -> list[BotMessage]:
        """`answer`, or the emergency routes when it cannot be had (the web chat, where the browser waits)."""
        try:
            return await self.answer(channel, raw_id, text)
        except RasaUnavailable as error:
            logger.warning("Rasa unavailable (%s); sent the emergency-route reply", error)
        except SQLAlchemyError as error:
            logger.error("The database is unreachable (%s); sent the emergency-route reply", type(error).__name__)
        return [self.system_message("service_unavailable")]

    async def assistant_ready(self) -> bool:
        """Whether the Rasa server and the action server both answer their health checks."""
        return await self.rasa.ready(self.settings.action_server_health_url)

    async def end_session(self, channel: str, raw_id: str | int) -> None:
        """Quick exit: restart the conversation in Rasa (the transcript stays), forget the reply
        address, and tell staff on the conversation's case that the user left in a hurry."""
        conversation = self.conversation_id(channel, raw_id)
        self.addresses.pop(conversation, None)
        try:
            async with self.locks[conversation]:
                await self.rasa.send(conversation, RESTART_PAYLOAD)
        except RasaUnavailable as error:
            logger.warning("Could not restart the conversation after quick exit (%s)", error)
        try:
            case = await asyncio.to_thread(self.cases.active_case_for, conversation)
            if case is not None:
                await asyncio.to_thread(self.cases.add_entry, case.id, EntryKind.NOTE,
                                        self.library.system_text("quick_exit_case_note"), None, utc_now().replace(tzinfo=None))
        except SQLAlchemyError as error:
            logger.error("Could not note the quick exit on the case (%s)", type(error).__name__)

    def system_message(self, key: str) -> BotMessage:
        """A fixed message from data/content/system.yml."""
        return BotMessage(text=self.library.system_text(key))

    def privacy_messages(self) -> list[BotMessage]:
        """The /privacy reply: what is kept, who can see it, when we would tell someone, for how long."""
        days = self.settings.conversation_retention_days
        return [BotMessage(text=self.library.system_text(key).format(days=days)) for key in PRIVACY_MESSAGES]

    async def erase(self, channel: str, raw_id: str | int) -> tuple[bool, BotMessage]:
        """/delete: erase the conversation now, unless it is part of a safeguarding case (then say so).
        True with the reply when it was erased."""
        conversation = self.conversation_id(channel, raw_id)
        async with self.locks[conversation]:
            deleted = await asyncio.to_thread(erase_conversation, self.engine, conversation)
        if deleted:
            self.addresses.pop(conversation, None)
        return deleted, self.system_message("deleted" if deleted else "kept_for_safeguarding")

    async def note_media(self, channel: str, raw_id: str | int) -> None:
        """Mark "[image removed unseen]" on the conversation's open case, if it has one."""
        conversation = self.conversation_id(channel, raw_id)
        try:
            case = await asyncio.to_thread(self.cases.active_case_for, conversation)
            if case is not None:
                await asyncio.to_thread(self.cases.add_entry, case.id, EntryKind.IMAGE_REMOVED, "", None,
                                        utc_now().replace(tzinfo=None))
        except SQLAlchemyError as error:
            logger.error("Could not mark removed media on a case (%s)", type(error).__name__)

    async def pause(self, conversation_id: str) -> None:
        """Stop the bot answering the conversation (Rasa's ConversationPaused)."""
        async with self.locks[conversation_id]:
            await asyncio.to_thread(append_event, self.engine, conversation_id, pause_event())

    async def resume(self, conversation_id: str) -> bool:
        """Let the bot answer again (Rasa's ConversationResumed) and tell the user; False if undelivered."""
        async with self.locks[conversation_id]:
            await asyncio.to_thread(append_event, self.engine, conversation_id, resume_event())
        return await self.push(conversation_id, self.library.system_text("handed_back"), staff_name=None)

    async def push(self, conversation_id: str, text: str, staff_name: str | None) -> bool:
        """Send a message to the user outside any reply (a staff member's words, or the hand-back
        notice), recorded in the transcript first. False when it could not be sent now: a Telegram user
        whose chat this process has not seen since it started (the web chat fetches its messages)."""
        async with self.locks[conversation_id]:
            await asyncio.to_thread(append_event, self.engine, conversation_id, pushed_message_event(text, staff_name))
        if channel_of(conversation_id) == Channel.WEB:
            return True
        address = self.addresses.get(conversation_id)
        sender = self.senders.get(address[0]) if address else None
        if address is None or sender is None:
            return False
        await sender(address[1], text)
        return True


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Open the shared clients for the life of the process and close them on the way out.

    Without CONVERSATION_ID_SECRET the pseudonym key is new each run, so a restart starts every
    conversation afresh.
    """
    secret = settings.conversation_id_secret.encode() if settings.conversation_id_secret else secrets.token_bytes(32)
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds)
    engine = create_db_engine(settings.database_url)
    try:
        yield Services(rasa=rasa, library=load_library(settings.content_dir), pseudonyms=Pseudonymiser(secret),
                       engine=engine, settings=settings)
    finally:
        await rasa.close()
        engine.dispose()
