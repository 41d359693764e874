"""NLU parse latency inside one process: the model loaded once, then every message of the holdout set
parsed one after another, as the Rasa server parses each user message. Prints one JSON line of
latencies in seconds (run by tests/bench in its own process, so TensorFlow's memory stays there)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import yaml
from rasa.core.agent import Agent

from bot.settings import REPO_ROOT

MESSAGES = REPO_ROOT / "tests" / "eval" / "holdout_set.yml"
WARM_UP = 5  # the first parses build TensorFlow's graphs


async def parse_latencies(model: Path) -> list[float]:
    """Seconds per parse, for each holdout message."""
    agent = Agent.load(str(model))
    texts = [str(item["text"]) for item in yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["messages"]]
    for text in texts[:WARM_UP]:
        await agent.parse_message(text)
    latencies: list[float] = []
    for text in texts:
        started = time.perf_counter()
        await agent.parse_message(text)
        latencies.append(time.perf_counter() - started)
    return latencies


if __name__ == "__main__":
    print(json.dumps(asyncio.run(parse_latencies(Path(sys.argv[1])))))
