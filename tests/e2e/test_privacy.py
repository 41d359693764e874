"""What the running bot writes to its logs: never the bot token, what a user typed, or their chat id."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import BOT_TOKEN, Stack, TelegramUser

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
