"""The scale-out profile under load (docs/scale-out.md): two Rasa servers and two action servers behind
nginx, Redis as Rasa's lock store, PostgreSQL for everything kept, one front end on a webhook. Twenty
chats each send a whole conversation in a burst; every message must be answered exactly once and in
order, with both Rasa servers answering, and the same holds when one is killed in the middle."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.bench.load import conversations
from tests.e2e.harness import (
    REPLY_SETTLE_SECONDS, TelegramUser, answer_problems, answers_of, errors_in, quoted, user_message_ids,
)
from tests.scale.topology import ScaledBot

pytestmark = pytest.mark.e2e

CHATS = 20
ANSWER_TIMEOUT_SECONDS = 150
KILL_AFTER_SHARE = 0.25  # of the burst's answers arrived


def send_bursts(bot: ScaledBot) -> dict[TelegramUser, list[int]]:
    """Twenty new chats, each sending one scripted conversation as fast as it can type; the ids of
    what each sent."""
    scripts = conversations()
    sent: dict[TelegramUser, list[int]] = {}
    for number in range(CHATS):
        user = TelegramUser(bot.emulator_url)
        for text in scripts[number % len(scripts)]:
            user.say(text)
        sent[user] = user_message_ids(user)
    return sent


def gather(sent: dict[TelegramUser, list[int]], on_answers: Callable[[int], None] = lambda count: None) -> dict[TelegramUser, list[dict[str, Any]]]:
    """Every chat's messages from the bot until each has as many answers as it sent messages (or the
    time is up), then a moment more for anything sent twice; `on_answers` sees the running total."""
    received: dict[TelegramUser, list[dict[str, Any]]] = {user: [] for user in sent}
    deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        waiting = [user for user, ids in sent.items() if len(answers_of(received[user])) < len(ids)]
        if not waiting:
            break
        for user in waiting:
            received[user] += user.poll()
        on_answers(sum(len(answers_of(messages)) for messages in received.values()))
        time.sleep(0.3)
    time.sleep(REPLY_SETTLE_SECONDS)
    for user in sent:
        received[user] += user.poll()
        user.close()
    return received


def check_every_message_answered_once_in_order(sent: dict[TelegramUser, list[int]],
                                               received: dict[TelegramUser, list[dict[str, Any]]]) -> None:
    problems = {user.user_id: answer_problems(received[user], ids) for user, ids in sent.items()}
    assert {chat: found for chat, found in problems.items() if found} == {}
    quoting = sum(1 for messages in received.values() for answer in answers_of(messages) if quoted(answer[0]) is not None)
    messages_with_more_behind = sum(len(ids) - 1 for ids in sent.values())
    assert quoting >= messages_with_more_behind / 2, "most answers name the message they answer, so the order is checked"


def test_twenty_chats_bursting_are_answered_once_each_in_order_by_both_rasa_servers(scaled: ScaledBot) -> None:
    sent = send_bursts(scaled)
    received = gather(sent)
    check_every_message_answered_once_in_order(sent, received)
    answered = scaled.rasa_requests()
    for port in scaled.rasa_ports:
        assert answered[f"127.0.0.1:{port}", 200] > 0, f"the Rasa server on {port} answered messages: {answered}"


def test_a_rasa_server_killed_in_the_middle_of_a_burst_loses_no_message_and_breaks_no_order(scaled: ScaledBot) -> None:
    killed, survivor = scaled.rasa_ports
    pid = scaled.rasa_pid(killed)
    before = scaled.rasa_requests()
    sent = send_bursts(scaled)
    total = sum(len(ids) for ids in sent.values())
    answered_at_kill: list[int] = []

    def kill_once_a_share_is_answered(count: int) -> None:
        if not answered_at_kill and count >= total * KILL_AFTER_SHARE:
            os.kill(pid, signal.SIGKILL)
            answered_at_kill.append(count)

    received = gather(sent, kill_once_a_share_is_answered)
    assert answered_at_kill and answered_at_kill[0] < total, "the kill came in the middle of the burst"
    check_every_message_answered_once_in_order(sent, received)
    after = scaled.rasa_requests()
    assert after[f"127.0.0.1:{survivor}", 200] > before[f"127.0.0.1:{survivor}", 200], "the survivor took over"
    assert "starting it again" in scaled.launcher_log.read_text(errors="replace"), "the launcher restarts the replica"
    assert [line for line in errors_in(scaled.launcher_log) if " ERROR bot" in line] == [], "the front end saw no fault"
