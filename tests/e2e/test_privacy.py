"""What the running bot keeps: never the bot token, what a user typed, or their chat id in its logs;
/privacy says what is kept; /delete leaves no trace of a conversation that led to no case."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.cases.database import create_db_engine
from bot.cases.models import InboxUpdate, OutboxMessage
from tests.databases import rows_mentioning
from tests.e2e.harness import BOT_TOKEN, Stack, TelegramUser, conversation_of, text_of

pytestmark = pytest.mark.e2e

TYPED = "my cousin zephyrine keeps getting creepy snapchats from an older man who wants to meet her"


def test_a_whole_conversation_leaves_no_token_text_or_chat_id_in_the_logs(stack: Stack) -> None:
    user = TelegramUser(stack.emulator_url)
    try:
        user.command("/start")
        user.replies(at_least=2)
        user.press('/inform_role{"user_role":"parent"}')
        user.replies()
        user.say(TYPED)
        assert "CEOP" in "\n".join(message.get("text", "") for message in user.replies(at_least=2))
    finally:
        user.close()
    logs = stack.launcher_log.read_text(errors="replace")
    assert "Rasa server is ready" in logs  # the scan reads every process's output
    assert BOT_TOKEN not in logs and BOT_TOKEN.split(":")[1] not in logs
    assert "zephyrine" not in logs.lower()
    assert not re.search(rf"(?<!\d){user.user_id}(?!\d)", logs), "a chat id reached the logs"


def test_privacy_says_what_is_kept_who_sees_it_and_for_how_long(user: TelegramUser) -> None:
    user.command("/privacy")
    said = text_of(user.replies(at_least=4))
    for part in ("What I keep", "Who can see it", "When we would tell someone else", "30 days", "/delete", "999"):
        assert part in said


def _rows_naming_chat(engine: Engine, chat_id: int) -> list[str]:
    """Inbox and outbox rows for the chat, once the reply just received has been marked sent."""
    deadline = time.monotonic() + 5
    while True:
        with engine.connect() as connection:
            found = [table.__tablename__ for table in (InboxUpdate, OutboxMessage)
                     if connection.execute(select(table).where(table.chat_id == chat_id)).first()]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_delete_leaves_no_trace_of_a_conversation_in_any_table(stack: Stack, user: TelegramUser) -> None:
    user.command("/start")
    user.replies(at_least=2)
    user.say("kids in my class keep leaving me out of the group chat")
    user.replies(at_least=1)
    engine = create_db_engine(stack.database_url)
    try:
        assert rows_mentioning(engine, conversation_of(user)), "the conversation was never stored"
        user.command("/delete")
        assert "deleted this chat" in text_of(user.replies(at_least=1))
        assert rows_mentioning(engine, conversation_of(user)) == {}
        assert rows_mentioning(engine, "leaving me out of the group chat") == {}
        assert _rows_naming_chat(engine, user.user_id) == [], "the Telegram chat id itself is in no inbox or outbox row"
    finally:
        engine.dispose()
