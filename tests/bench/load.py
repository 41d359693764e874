"""Simulated chats: each speaks one conversation turn by turn through the Bot API emulator, waiting
for the bot's whole reply (the message carrying the Exit button) before its next turn, then gives
way to a new chat. Latencies come from the emulator's clock: user message in, reply sent to it."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from bot.delivery.service import QUICK_EXIT
from bot.rasa_client import REST_WEBHOOK_PATH
from tests.bench.stats import Latency, LoadResult

CONVERSATIONS = Path(__file__).with_name("conversations.yml")
TURN_TIMEOUT_SECONDS = 30.0
THINK_SECONDS = 1.0  # between seeing the reply and typing the next message
_chat_ids = itertools.count(500_001)


def conversations() -> list[list[str]]:
    """The scripted conversations (tests/bench/conversations.yml)."""
    return [list(map(str, turns)) for turns in yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]]


def ends_turn(message: dict[str, Any]) -> bool:
    """The bot's last message of a turn is the one with the Exit button under it."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return any(button.get("callback_data") == QUICK_EXIT for row in rows for button in row)


@dataclass
class Tally:
    """What the chats of one phase saw."""

    turn_seconds: list[float] = field(default_factory=list)
    first_reply_seconds: list[float] = field(default_factory=list)
    bot_messages: int = 0
    unanswered: int = 0
    holding_replies: int = 0


async def _turn(http: httpx.AsyncClient, token: str, chat_id: int, text: str, tally: Tally, holding_text: str) -> bool:
    """Say one message and wait for the whole reply; False if it did not come in time."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Bench"}
    chat = {"id": chat_id, "type": "private", "first_name": "Bench"}
    await http.post("/sendMessage", json={"botToken": token, "from": person, "chat": chat, "date": int(time.time()), "text": text})
    deadline = time.monotonic() + TURN_TIMEOUT_SECONDS
    first_sent: float | None = None
    while time.monotonic() < deadline:
        response = await http.post("/bench/wait", json={"token": token, "chatId": chat_id, "timeoutMs": 5000})
        body = response.json()
        for message in body["result"]:
            tally.bot_messages += 1
            tally.holding_replies += message.get("text", "").startswith(holding_text)
            sent_at = message["sentAt"] / 1000
            user_at = body["userMessageAt"] / 1000
            if first_sent is None:
                first_sent = sent_at
                tally.first_reply_seconds.append(sent_at - user_at)
            if ends_turn(message):
                tally.turn_seconds.append(sent_at - user_at)
                return True
    tally.unanswered += 1
    return False


async def _chat_loop(http: httpx.AsyncClient, token: str, scripts: list[list[str]], rng: random.Random,
                     until: float, tally: Tally, holding_text: str) -> None:
    """One simulated chat slot: conversation after conversation, each a new person, until time is up."""
    while time.monotonic() < until:
        chat_id = next(_chat_ids)
        for text in rng.choice(scripts):
            if time.monotonic() >= until or not await _turn(http, token, chat_id, text, tally, holding_text):
                break
            await asyncio.sleep(THINK_SECONDS)


async def first_answer(emulator_url: str, token: str, text: str, holding_text: str) -> bool:
    """One message from a new chat, waiting for the whole reply (for the cold-start figure)."""
    async with httpx.AsyncClient(base_url=emulator_url, timeout=TURN_TIMEOUT_SECONDS) as http:
        return await _turn(http, token, next(_chat_ids), text, Tally(), holding_text)


async def run_load(emulator_url: str, token: str, chats: int, seconds: float, holding_text: str, seed: int = 8) -> LoadResult:
    """`chats` simulated chats at once for `seconds` (turns under way then are finished)."""
    scripts = conversations()
    tally = Tally()
    limits = httpx.Limits(max_connections=chats * 2 + 4, max_keepalive_connections=chats * 2 + 4)
    async with httpx.AsyncClient(base_url=emulator_url, timeout=TURN_TIMEOUT_SECONDS, limits=limits) as http:
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(_chat_loop(http, token, scripts, random.Random(seed + slot), until, tally, holding_text)
                               for slot in range(chats)))
        elapsed = time.monotonic() - started
    return LoadResult(chats=chats, seconds=elapsed, turns_answered=len(tally.turn_seconds), bot_messages=tally.bot_messages,
                      unanswered=tally.unanswered, holding_replies=tally.holding_replies,
                      turn=Latency.of(tally.turn_seconds), first_reply=Latency.of(tally.first_reply_seconds))


async def _rest_chat_loop(http: httpx.AsyncClient, scripts: list[list[str]], rng: random.Random, until: float,
                          tally: Tally) -> None:
    """One simulated conversation slot straight to Rasa's REST channel, no pause between turns."""
    while time.monotonic() < until:
        sender = f"bench-{next(_chat_ids)}"
        for text in rng.choice(scripts):
            if time.monotonic() >= until:
                break
            started = time.monotonic()
            try:
                response = await http.post(REST_WEBHOOK_PATH, json={"sender": sender, "message": text})
                response.raise_for_status()
            except httpx.HTTPError:
                tally.unanswered += 1
                break
            elapsed = time.monotonic() - started
            tally.turn_seconds.append(elapsed)
            tally.first_reply_seconds.append(elapsed)
            tally.bot_messages += len(response.json())


async def run_rest_load(rasa_url: str, chats: int, seconds: float, seed: int = 8) -> LoadResult:
    """`chats` conversations at once straight to Rasa's REST channel for `seconds`: the assistant alone
    (Rasa, the action server, the tracker store), without Telegram's limit of 30 messages a second,
    as the issue's figures for a stock Rasa bot were measured."""
    scripts = conversations()
    tally = Tally()
    limits = httpx.Limits(max_connections=chats + 4, max_keepalive_connections=chats + 4)
    async with httpx.AsyncClient(base_url=rasa_url, timeout=TURN_TIMEOUT_SECONDS, limits=limits) as http:
        started = time.monotonic()
        await asyncio.gather(*(_rest_chat_loop(http, scripts, random.Random(seed + slot), started + seconds, tally)
                               for slot in range(chats)))
        elapsed = time.monotonic() - started
    return LoadResult(chats=chats, seconds=elapsed, turns_answered=len(tally.turn_seconds), bot_messages=tally.bot_messages,
                      unanswered=tally.unanswered, holding_replies=0, turn=Latency.of(tally.turn_seconds),
                      first_reply=Latency.of(tally.first_reply_seconds))
