"""The bot as `make run` starts it (the launcher and its three processes) beside the Bot API emulator,
for the benchmark: how long it takes to answer its first message, and how much memory each process
has used at most."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.harness import (
    BOT_TOKEN, STACK_START_SECONDS, child_pids, free_port, start_emulator, start_launcher, stop, wait_until_ready,
)


@dataclass
class RunningBot:
    """A started bot with its emulator: where to reach them and which processes make them up."""

    emulator_url: str
    rasa_url: str
    launcher_pid: int
    emulator_pid: int
    started: float  # time.monotonic() when the launcher was started
    ready_seconds: float  # launcher start until Rasa, the action server and the front end all answer


def _command_name(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = [word.decode(errors="replace") for word in words if word]
    for marker, name in (("bot.action_server", "action server"), ("rasa", "Rasa server"), ("bot.launcher", "launcher"),
                         ("emulator.js", "Bot API emulator")):
        if any(marker in word for word in text):
            return name
    return "front end" if text[-2:] == ["-m", "bot"] else " ".join(text)[:40]


def peak_rss_mb(bot: RunningBot) -> dict[str, float]:
    """Peak resident memory (VmHWM) of each process of the bot and of the emulator, in MB."""
    pids = [bot.launcher_pid, *child_pids(bot.launcher_pid), bot.emulator_pid]
    peaks: dict[str, float] = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kilobytes = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
        name = _command_name(pid)
        peaks[name] = peaks.get(name, 0.0) + kilobytes / 1024
    return peaks


@contextmanager
def running_bot(model: Path, logs: Path) -> Iterator[RunningBot]:
    """The launcher with Telegram on (long polling the emulator), a fresh SQLite database and `model`."""
    logs.mkdir(parents=True, exist_ok=True)
    emulator_port, rasa_port, action_port, web_port = (free_port() for _ in range(4))
    environment = {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{emulator_port}",
        "RASA_PORT": str(rasa_port), "ACTION_SERVER_PORT": str(action_port), "WEB_PORT": str(web_port),
        "RASA_MODEL": str(model), "DATABASE_URL": f"sqlite:///{logs / 'bench.db'}", "STAFFED_HOURS": "24/7",
    }
    with (logs / "emulator.log").open("wb") as emulator_out, (logs / "launcher.log").open("wb") as launcher_out:
        emulator = start_emulator(emulator_port, emulator_out)
        emulator_url = f"http://127.0.0.1:{emulator_port}"
        started = time.monotonic()
        launcher = start_launcher(environment, launcher_out)
        try:
            deadline = started + STACK_START_SECONDS
            wait_until_ready(f"{emulator_url}/bot{BOT_TOKEN}/getMe", emulator, deadline, logs / "emulator.log")
            for url in (f"http://127.0.0.1:{action_port}/health", f"http://127.0.0.1:{rasa_port}/",
                        f"http://127.0.0.1:{web_port}/healthz"):
                wait_until_ready(url, launcher, deadline, logs / "launcher.log")  # polls every 0.5 s
            yield RunningBot(emulator_url, f"http://127.0.0.1:{rasa_port}", launcher.pid, emulator.pid, started, time.monotonic() - started)
        finally:
            stop(launcher)
            stop(emulator)

