"""Throughput of the scale-out profile (docs/scale-out.md) with one Rasa server and action server, then
with two of each, through the same topology (tests/scale/topology.py): PostgreSQL, Redis, nginx, the
front end on a webhook and the Bot API emulator. A figure for `make bench`, not a test.

Two figures for each: conversations sent straight to the Rasa balancer (nginx) with no pause, which is
what more replicas add; and whole Telegram turns through the front end, which python-telegram-bot's
rate limiter holds to Telegram's 30 messages a second overall (about 13 turns a second of two or
three messages) however many replicas answer. How busy the machine's cores were during each run says
whether the cores, not the replicas, were the limit.

`python -m tests.bench.scale [chats] [seconds]` prints the figures on their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path

from bot.safeguarding.content import load_library
from bot.settings import load_settings
from tests.bench.load import run_load, run_rest_load
from tests.bench.stats import LoadResult
from tests.e2e.harness import BOT_TOKEN
from tests.scale.topology import scaled_bot


def cpu_times() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine so far, from /proc/stat."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


async def _measured(figures: dict[str, float], name: str, load: Callable[[], Awaitable[LoadResult]]) -> None:
    """Run one load; record its turns answered a second and how busy the cores were meanwhile."""
    busy_before, total_before = cpu_times()
    result = await load()
    busy_after, total_after = cpu_times()
    figures[f"{name}_replies_per_second"] = result.replies_per_second
    figures[f"{name}_unanswered"] = float(result.unanswered)
    figures[f"{name}_cpu_busy"] = (busy_after - busy_before) / max(1, total_after - total_before)


async def scale_out_throughput(chats: int, seconds: float) -> dict[str, float]:
    """Turns answered a second with 1 and with 2 Rasa servers and action servers, `chats` conversations
    at once for `seconds` each, straight to the Rasa balancer (`rasa_1_...`, `rasa_2_...`) and through
    Telegram (`telegram_1_...`, `telegram_2_...`), and the ratio of the two Rasa figures (`speed_up`).
    The front end may answer every chat at once (TELEGRAM_CHATS_AT_ONCE)."""
    holding_text = load_library(load_settings().content_dir).system_text("message_kept")
    figures: dict[str, float] = {"cpus": float(os.cpu_count() or 1)}
    for replicas in (1, 2):
        with tempfile.TemporaryDirectory(prefix=f"bench-scale-{replicas}-") as scratch, ExitStack() as stack:
            bot = await asyncio.to_thread(stack.enter_context, scaled_bot(replicas, Path(scratch), chats))
            await _measured(figures, f"rasa_{replicas}", lambda: run_rest_load(bot.rasa_url, chats, seconds))
            await _measured(figures, f"telegram_{replicas}",
                            lambda: run_load(bot.emulator_url, BOT_TOKEN, chats, seconds, holding_text))
            await asyncio.to_thread(stack.close)
    figures["speed_up"] = figures["rasa_2_replies_per_second"] / figures["rasa_1_replies_per_second"]
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(scale_out_throughput(int(sys.argv[1]) if len(sys.argv) > 1 else 20,
                                                      float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)), indent=1))
