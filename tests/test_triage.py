"""The triage CLI contract: one JSON object per input line, from the real trained model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.settings import REPO_ROOT

pytestmark = pytest.mark.model

MESSAGES: list[tuple[str, str, bool]] = [
    ("people in my year keep sending me horrible messages on snapchat", "bullying", False),
    ("my sons mates are ganging up on him in a gaming group chat every night", "bullying", False),
    ("my bf shared my nudes with his mates", "nude_image_sharing", False),
    ("someone says theyll send my nudes to my family unless i pay them", "sextortion", True),
    ("a man i met on a game keeps sending me gifts and says not to tell my mum", "grooming", True),
    ("i saw a video of someone getting beheaded on twitter", "harmful_content", True),
    ("i keep cutting myself and i dont want to be here anymore", "self_harm", True),
    ("hes outside my house right now and i'm scared", "immediate_danger", True),
    ("is it illegal for my 15 year old to have nudes on her phone", "law_question", False),
    ("how do i report a fake account on instagram", "reporting", False),
    ("can i talk to a real person please", "human_request", False),
    ("hello", "greeting", False),
    ("what's the weather like tomorrow", "other", False),
]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """Run the CLI once over all the messages (one model load), plus a blank line."""
    lines = [text for text, _, _ in MESSAGES] + [""]
    result = subprocess.run(
        [sys.executable, "-m", "bot.triage"], cwd=REPO_ROOT, input="\n".join(lines) + "\n", capture_output=True,
        text=True, timeout=600, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_one_record_per_line_with_the_contract_keys(records: list[dict]) -> None:
    assert len(records) == len(MESSAGES) + 1
    for record in records:
        assert {"text", "intent", "confidence", "topic", "escalate", "signals"} <= set(record)
        assert isinstance(record["signals"], list) and isinstance(record["escalate"], bool)
    assert records[-1]["text"] == "" and records[-1]["intent"] is None and records[-1]["topic"] == "other"


@pytest.mark.parametrize(("index", "expected"), [(i, (topic, escalate)) for i, (_, topic, escalate) in enumerate(MESSAGES)],
                         ids=[text[:40] for text, _, _ in MESSAGES])
def test_topic_and_escalation(records: list[dict], index: int, expected: tuple[str, bool]) -> None:
    record = records[index]
    assert (record["topic"], record["escalate"]) == expected, record
