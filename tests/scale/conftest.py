"""Starts the scale-out topology (tests/scale/topology.py) once for the scale-out tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import load_settings
from tests.scale.topology import ScaledBot, scaled_bot

REPLICAS = 2
CHATS_AT_ONCE = 8  # enough chats answered at once for both Rasa servers to have work


@pytest.fixture(scope="session")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledBot]:
    """PostgreSQL, Redis, nginx, the emulator, two Rasa servers, two action servers and one front end."""
    if not Path(load_settings().model_path).exists():
        pytest.fail("no trained model: run the tests with `make test`, which trains it")
    with scaled_bot(REPLICAS, tmp_path_factory.mktemp("scale-out"), CHATS_AT_ONCE) as bot:
        yield bot
