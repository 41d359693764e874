"""Throughput of the scale-out profile (docs/scale-out.md) with one Rasa server and action server, then
with two of each, under the same load through the same topology: PostgreSQL, Redis, nginx, the front
end on a webhook and the Bot API emulator (tests/scale/topology.py). A figure for `make bench`, not a
test: on a machine with fewer cores than processes the second replica mostly competes for the same CPU.

`python -m tests.bench.scale [chats] [seconds]` prints the figures on their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bot.safeguarding.content import load_library
from bot.settings import load_settings
from tests.bench.load import run_load
from tests.e2e.harness import BOT_TOKEN
from tests.scale.topology import scaled_bot

def cpu_times() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine so far, from /proc/stat."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


async def scale_out_throughput(chats: int, seconds: float) -> dict[str, float]:
    """Replies per second (whole turns answered) with 1 and with 2 Rasa servers and action servers,
    `chats` simulated chats for `seconds` each, and the ratio of the two. The front end may answer every
    chat at once (TELEGRAM_CHATS_AT_ONCE), so the Rasa servers are what limits it, unless the machine
    is: how busy its CPUs were during each run (1.0 = every core, whatever ran) says which."""
    holding_text = load_library(load_settings().content_dir).system_text("message_kept")
    figures: dict[str, float] = {}
    for replicas in (1, 2):
        with tempfile.TemporaryDirectory(prefix=f"bench-scale-{replicas}-") as scratch, ExitStack() as stack:
            bot = await asyncio.to_thread(stack.enter_context, scaled_bot(replicas, Path(scratch), chats))
            busy_before, total_before = cpu_times()
            result = await run_load(bot.emulator_url, BOT_TOKEN, chats, seconds, holding_text)
            busy_after, total_after = cpu_times()
            figures[f"replies_per_second_{replicas}"] = result.turns_answered / result.seconds
            figures[f"cpu_busy_{replicas}"] = (busy_after - busy_before) / max(1, total_after - total_before)
            figures[f"unanswered_{replicas}"] = float(result.unanswered)
            await asyncio.to_thread(stack.close)
    figures["speed_up"] = figures["replies_per_second_2"] / figures["replies_per_second_1"]
    figures["cpus"] = float(os.cpu_count() or 1)
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(scale_out_throughput(int(sys.argv[1]) if len(sys.argv) > 1 else 20,
                                                      float(sys.argv[2]) if len(sys.argv) > 2 else 60.0))))
