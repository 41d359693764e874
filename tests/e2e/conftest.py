"""Starts the emulator and the bot stack (through the real launcher) once for all end-to-end tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import load_settings
from tests.e2e.harness import BOT_TOKEN, STACK_START_SECONDS, Stack, free_port, start_emulator, start_launcher, stop, wait_until_ready


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Emulator + action server + Rasa server + front end with Telegram on, all on loopback."""
    model = load_settings().model_path
    if not Path(model).exists():
        pytest.fail(f"no trained model at {model}: run the tests with `make test`, which trains it")
    logs = tmp_path_factory.mktemp("e2e-logs")
    emulator_port, rasa_port, action_port, web_port = (free_port() for _ in range(4))
    emulator_log, launcher_log = logs / "emulator.log", logs / "launcher.log"
    with emulator_log.open("wb") as emulator_out, launcher_log.open("wb") as launcher_out:
        emulator = start_emulator(emulator_port, emulator_out)
        emulator_url = f"http://127.0.0.1:{emulator_port}"
        launcher = start_launcher(
            {
                "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
                "TELEGRAM_API_BASE_URL": emulator_url,
                "RASA_PORT": str(rasa_port),
                "ACTION_SERVER_PORT": str(action_port),
                "WEB_PORT": str(web_port),
                "RASA_MODEL": str(model),
            },
            launcher_out,
        )
        try:
            deadline = time.monotonic() + STACK_START_SECONDS
            wait_until_ready(f"{emulator_url}/bot{BOT_TOKEN}/getMe", emulator, deadline, emulator_log)
            for url in (f"http://127.0.0.1:{action_port}/health", f"http://127.0.0.1:{rasa_port}/",
                        f"http://127.0.0.1:{web_port}/healthz"):
                wait_until_ready(url, launcher, deadline, launcher_log)
            yield Stack(emulator_url=emulator_url, web_url=f"http://127.0.0.1:{web_port}", launcher_log=launcher_log)
        finally:
            stop(launcher)
            stop(emulator)
    errors = [line for line in launcher_log.read_text(errors="replace").splitlines() if " ERROR " in line]
    assert errors == [], "the bot logged errors during the end-to-end tests"
