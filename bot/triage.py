"""Triage CLI: `python -m bot.triage` reads one message per line and prints one JSON object per line.

Each object has `text`, `intent`, `confidence`, `topic`, `escalate`, `signals` (and `reasons`, the
referral criteria behind `escalate`). It is the decision the live bot takes when the message opens a
conversation: the same model (whose risk-signal component supplies `signals`), the same text handling
and the same `decide_on_parse` function.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from typing import Any, TextIO

from bot.rasa_client import as_plain_text
from bot.safeguarding.escalation import decide_on_parse
from bot.settings import load_settings

QUIET_ENVIRONMENT = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def triage_record(text: str, parse: dict[str, Any]) -> dict[str, Any]:
    """The JSON record for one message, from Rasa's parse of it."""
    intent = (parse.get("intent") or {}).get("name")
    decision = decide_on_parse(parse)
    return {
        "text": text,
        "intent": intent,
        "confidence": round(float((parse.get("intent") or {}).get("confidence") or 0.0), 4),
        "topic": decision.topic.value,
        "escalate": decision.escalate,
        "signals": decision.signal_names,
        "reasons": decision.reason_names,
    }


async def triage_message(agent: Any, text: str) -> dict[str, Any]:
    """The record for one message; a blank line gives a record with no intent."""
    parse = await agent.parse_message(as_plain_text(text)) if text.strip() else {}
    return triage_record(text, parse)


def load_agent(model_path: str) -> Any:
    """The trained model, loaded quietly: stdout stays free for results."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    import structlog  # Rasa's structured logs would print each message's text to stdout at DEBUG

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )
    with contextlib.redirect_stdout(sys.stderr):  # Rasa prints banners; stdout is for JSON only
        from rasa.core.agent import Agent

        return Agent.load(model_path)


def run(model_path: str, source: TextIO, sink: TextIO) -> None:
    """Load the model once, then triage every line of `source` into `sink`."""
    agent = load_agent(model_path)

    async def _run() -> None:
        for line in source:
            record = await triage_message(agent, line.rstrip("\n"))
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            sink.flush()

    asyncio.run(_run())


def main() -> None:
    """Entry point for `python -m bot.triage`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(load_settings().model_path), help="trained model (.tar.gz)")
    args = parser.parse_args()
    run(args.model, sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
