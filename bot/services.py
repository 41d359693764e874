"""The clients both front ends share: one Rasa client and the content library, per process."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.pseudonyms import Pseudonymiser
from bot.rasa_client import BotMessage, RasaClient, reply_to
from bot.safeguarding.content import ContentLibrary, load_library
from bot.settings import Settings


@dataclass(frozen=True)
class Services:
    """What a front-end handler needs to answer a user."""

    rasa: RasaClient
    library: ContentLibrary
    pseudonyms: Pseudonymiser

    async def reply(self, channel: str, raw_id: str | int, text: str) -> list[BotMessage]:
        """The assistant's reply to a user of a channel, in the conversation named by their pseudonym,
        with the emergency-route fallback when it cannot answer."""
        return await reply_to(self.rasa, self.library, self.pseudonyms.conversation_id(channel, raw_id), text)

    def system_message(self, key: str) -> BotMessage:
        """A fixed message from data/content/system.yml."""
        return BotMessage(text=self.library.system_text(key))


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Open the shared clients for the life of the process and close them on the way out.

    Without CONVERSATION_ID_SECRET the pseudonym key is new each run: conversations are kept in Rasa's
    memory only, so they end with a restart anyway.
    """
    secret = settings.conversation_id_secret.encode() if settings.conversation_id_secret else secrets.token_bytes(32)
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds)
    try:
        yield Services(rasa=rasa, library=load_library(settings.content_dir), pseudonyms=Pseudonymiser(secret))
    finally:
        await rasa.close()
