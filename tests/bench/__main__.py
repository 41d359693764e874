"""`make bench`: speed and memory of the bot on this machine, beside a stock `rasa init` bot measured
in the same run, printed as a table and written to reports/bench.md.

Not part of `make test`: it takes about half an hour at the default durations (`--quick` for a
shorter run while developing; figures from a quick run are not the ones to report).
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.safeguarding.content import load_library
from bot.settings import REPO_ROOT, load_settings
from tests.bench.load import first_answer, run_load, run_rest_load
from tests.bench.scale import scale_out_throughput
from tests.bench.stack import peak_rss_mb, running_bot
from tests.bench.stats import Latency, LoadResult
from tests.e2e.harness import BOT_TOKEN

BASELINE_DIR = REPO_ROOT / "models" / "bench-baseline"  # a stock `rasa init` project, made once
REPORT = REPO_ROOT / "reports" / "bench.md"
PHASES = ((1, 60.0), (20, 120.0), (50, 300.0))  # (concurrent chats, seconds)
QUICK_PHASES = ((1, 15.0), (20, 20.0), (50, 30.0))
REST_PHASES = ((1, 30.0), (20, 30.0), (50, 30.0))  # the assistant alone, through Rasa's REST channel
QUICK_REST_PHASES = ((1, 10.0), (20, 10.0), (50, 10.0))
SCALE_OUT = (20, 60.0)  # conversations at once, seconds: one Rasa server against two (docs/scale-out.md)
QUICK_SCALE_OUT = (20, 15.0)
TARGETS = {"replies_per_second_50": 30.0, "p95_ms_50": 300.0, "turn_p50_ms_1": 60.0, "cold_start_s": 15.0,
           "rss_mb": 1536.0, "training_s": 180.0, "scale_out_speed_up": 1.6}


@dataclass
class BotFigures:
    """Everything measured for one model."""

    name: str
    ready_seconds: float = 0.0
    first_answer_seconds: float = 0.0
    phases: list[LoadResult] = field(default_factory=list)
    rest_phases: list[LoadResult] = field(default_factory=list)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    training_seconds: float | None = None


def _rasa(*arguments: str, cwd: Path = REPO_ROOT) -> float:
    """Run a rasa command to completion; its wall time in seconds."""
    started = time.monotonic()
    environment = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    subprocess.run([sys.executable, "-m", "rasa", *arguments], cwd=cwd, env=environment, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def training_seconds() -> float:
    """A full training of this bot from nothing (`--force` ignores Rasa's cache), into a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as scratch:
        return _rasa("train", "--force", "--out", scratch)


def baseline_model() -> tuple[Path, float | None]:
    """The stock `rasa init` model, and its training time when it had to be made now."""
    found = sorted(glob.glob(str(BASELINE_DIR / "models" / "*.tar.gz")))
    if found:
        return Path(found[-1]), None
    BASELINE_DIR.mkdir(parents=True, exist_ok=True)  # rasa init needs its folder to exist
    seconds = _rasa("init", "--no-prompt", "--init-dir", str(BASELINE_DIR))
    return Path(sorted(glob.glob(str(BASELINE_DIR / "models" / "*.tar.gz")))[-1]), seconds


def nlu_parse_latency(model: Path) -> Latency:
    """Parse latency in one process (tests/bench/nlu_latency.py, in a process of its own)."""
    output = subprocess.run([sys.executable, "-m", "tests.bench.nlu_latency", str(model)], cwd=REPO_ROOT, check=True,
                            capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}).stdout
    return Latency.of(json.loads(output.strip().splitlines()[-1]))


async def measure_bot(name: str, model: Path, phases: tuple[tuple[int, float], ...],
                      rest_phases: tuple[tuple[int, float], ...], logs: Path, holding_text: str) -> BotFigures:
    """Start the bot on `model`, time its first answer, then run each load phase through Telegram and
    then each straight to Rasa's REST channel."""
    figures = BotFigures(name)
    with running_bot(model, logs) as bot:
        figures.ready_seconds = bot.ready_seconds
        if not await first_answer(bot.emulator_url, BOT_TOKEN, "hi", holding_text):
            raise RuntimeError(f"{name}: no answer to the first message (logs in {logs})")
        figures.first_answer_seconds = time.monotonic() - bot.started
        for chats, seconds in phases:
            result = await run_load(bot.emulator_url, BOT_TOKEN, chats, seconds, holding_text)
            figures.phases.append(result)
            print(f"  {name}: {chats} chats: {result.replies_per_second:.1f} replies/s, turn p95 {result.turn.p95_ms:.0f} ms",
                  flush=True)
        for chats, seconds in rest_phases:
            result = await run_rest_load(bot.rasa_url, chats, seconds)
            figures.rest_phases.append(result)
            print(f"  {name}: REST, {chats} conversations: {result.replies_per_second:.1f} replies/s, "
                  f"p95 {result.turn.p95_ms:.0f} ms", flush=True)
        figures.peak_rss_mb = peak_rss_mb(bot)
    return figures


def _ms(value: float) -> str:
    return f"{value:.0f}"


def report(ours: BotFigures, baseline: BotFigures | None, parse: Latency, scale: dict[str, float] | None, quick: bool) -> str:
    """The markdown report (also printed)."""
    bots = [ours, *([baseline] if baseline else [])]
    header = "| figure | target | " + " | ".join(b.name for b in bots) + " |"
    lines = [
        "# Benchmark (`make bench`)", "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}" + (" -- QUICK RUN, short phases: not figures to report" if quick else "") + ".",
        "Whole turns go through the real front end (long polling), Rasa, the action server and SQLite to the Bot API "
        "emulator; latencies are by the emulator's clock, from the user's message arriving to the bot's last message "
        "of the turn (the one carrying the Exit button). Each simulated chat waits for the whole reply, then 1 s, "
        "before its next message, and starts over as a new person after its conversation. Every bot message goes "
        "through python-telegram-bot's AIORateLimiter, which keeps the bot within Telegram's limit of about 30 "
        "messages a second overall, as it must in production: once the chats ask for more, turns queue for it.",
        "The REST rows send the same conversations straight to Rasa's REST channel, with no pause between turns: "
        "the assistant alone (Rasa, the action server, the tracker store), as the issue's figures for a stock Rasa "
        "bot were measured.", "",
        f"NLU parse inside one process ({parse.count} holdout messages, one at a time): p50 {parse.p50_ms:.1f} ms, "
        f"p95 {parse.p95_ms:.1f} ms, p99 {parse.p99_ms:.1f} ms.", "",
        header, "|---|---|" + "---|" * len(bots),
    ]

    def row(label: str, target: str, values: list[str]) -> None:
        lines.append(f"| {label} | {target} | " + " | ".join(values) + " |")

    row("cold start: launcher start to all ready (s)", "", [f"{b.ready_seconds:.1f}" for b in bots])
    row("cold start: to first answer (s)", f"<= {TARGETS['cold_start_s']:.0f}", [f"{b.first_answer_seconds:.1f}" for b in bots])
    for index, measured in enumerate(ours.phases):
        chats, phase = measured.chats, [b.phases[index] for b in bots]
        target_rate = f">= {TARGETS['replies_per_second_50']:.0f}" if chats == 50 else ""
        target_p95 = f"<= {TARGETS['p95_ms_50']:.0f}" if chats == 50 else ""
        target_p50 = f"<= {TARGETS['turn_p50_ms_1']:.0f}" if chats == 1 else ""
        row(f"{chats} chats: replies/s (turns answered / s)", "", [f"{p.replies_per_second:.1f}" for p in phase])
        row(f"{chats} chats: bot messages/s (Telegram allows about 30)", target_rate, [f"{p.messages_per_second:.1f}" for p in phase])
        row(f"{chats} chats: turn p50 / p95 / p99 (ms)", " / ".join(filter(None, [target_p50, target_p95])),
            [f"{_ms(p.turn.p50_ms)} / {_ms(p.turn.p95_ms)} / {_ms(p.turn.p99_ms)}" for p in phase])
        row(f"{chats} chats: first reply p50 / p95 (ms)", "", [f"{_ms(p.first_reply.p50_ms)} / {_ms(p.first_reply.p95_ms)}" for p in phase])
        row(f"{chats} chats: turns, bot messages, unanswered, holding replies, seconds", "",
            [f"{p.turns_answered}, {p.bot_messages}, {p.unanswered}, {p.holding_replies}, {p.seconds:.0f}" for p in phase])
    for index, measured in enumerate(ours.rest_phases):
        phase = [b.rest_phases[index] for b in bots]
        row(f"REST, {measured.chats} conversations: replies/s", "", [f"{p.replies_per_second:.1f}" for p in phase])
        row(f"REST, {measured.chats} conversations: p50 / p95 / p99 (ms)", "",
            [f"{_ms(p.turn.p50_ms)} / {_ms(p.turn.p95_ms)} / {_ms(p.turn.p99_ms)}" for p in phase])
    names = sorted({name for b in bots for name in b.peak_rss_mb})
    for name in names:
        row(f"peak RSS: {name} (MB)", "", [f"{b.peak_rss_mb.get(name, 0):.0f}" for b in bots])
    bot_only = [sum(mb for name, mb in b.peak_rss_mb.items() if name != "Bot API emulator") for b in bots]
    row("peak RSS: the bot's processes together (MB)", f"<= {TARGETS['rss_mb']:.0f}", [f"{mb:.0f}" for mb in bot_only])
    row("full training (s)", f"<= {TARGETS['training_s']:.0f}",
        ["not measured" if b.training_seconds is None else f"{b.training_seconds:.0f}" for b in bots])
    if scale:
        lines += ["", "Scale-out profile (PostgreSQL, Redis, nginx; docs/scale-out.md), this bot, one Rasa server and "
                  "action server against two, each run with the cores this busy:", "",
                  "| figure | target | 1 + 1 | 2 + 2 |", "|---|---|---|---|"]
        for name, label in (("rasa", "replies/s straight to the Rasa balancer"), ("telegram", "replies/s through Telegram")):
            lines.append(f"| {label} | | {scale[f'{name}_1_replies_per_second']:.1f} (CPU {scale[f'{name}_1_cpu_busy']:.0%}) "
                         f"| {scale[f'{name}_2_replies_per_second']:.1f} (CPU {scale[f'{name}_2_cpu_busy']:.0%}) |")
        lines.append(f"| two against one, straight to Rasa | >= {TARGETS['scale_out_speed_up']} | | {scale['speed_up']:.2f} |")
    return "\n".join(lines) + "\n"


async def main() -> None:
    """Entry point for `python -m tests.bench`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short load phases, for trying the benchmark out")
    parser.add_argument("--no-training", action="store_true", help="skip the full-training measurement")
    parser.add_argument("--no-baseline", action="store_true", help="skip the stock rasa init bot")
    parser.add_argument("--no-scale-out", action="store_true", help="skip one Rasa server against two")
    arguments = parser.parse_args()
    phases = QUICK_PHASES if arguments.quick else PHASES
    rest_phases = QUICK_REST_PHASES if arguments.quick else REST_PHASES
    model = load_settings().model_path
    holding_text = load_library(load_settings().content_dir).system_text("message_kept")
    logs = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    print(f"Benchmark: logs in {logs}", flush=True)
    parse = nlu_parse_latency(model)
    ours = await measure_bot("this bot", model, phases, rest_phases, logs / "ours", holding_text)
    baseline = None
    if not arguments.no_baseline:
        stock_model, stock_training = baseline_model()
        baseline = await measure_bot("stock rasa init", stock_model, phases, rest_phases, logs / "baseline", holding_text)
        baseline.training_seconds = stock_training
    scale = None
    if not arguments.no_scale_out:
        scale = await scale_out_throughput(*(QUICK_SCALE_OUT if arguments.quick else SCALE_OUT))
    if not arguments.no_training:
        ours.training_seconds = training_seconds()
    text = report(ours, baseline, parse, scale, arguments.quick)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    print(f"Written to {REPORT.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
