"""Locked-down services: the action server wants its secret, Rasa's API needs a JWT, ids are pseudonyms."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
import yaml

from bot.launcher import endpoints_file, rasa_api_flags, services_for
from bot.pseudonyms import Pseudonymiser
from bot.settings import ACTION_SERVER_SECRET_HEADER as SECRET_HEADER
from bot.settings import REPO_ROOT, SettingsError, load_settings
from tests.e2e.harness import free_port, wait_until_ready

SECRET = "test-action-server-secret"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real action server process, as the launcher starts it, on a free loopback port."""
    port = free_port()
    env = {**os.environ, "ACTION_SERVER_SECRET": SECRET, "ACTION_SERVER_PORT": str(port)}
    log = tmp_path_factory.mktemp("action-server") / "action_server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot.action_server"], cwd=REPO_ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(f"{url}/health", process, time.monotonic() + 60, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}], ids=["no secret", "wrong secret"])
def test_an_action_server_call_without_the_secret_is_refused(action_server: str, headers: dict[str, str]) -> None:
    response = httpx.post(f"{action_server}/webhook", json={"next_action": "action_welcome"}, headers=headers)
    assert response.status_code == 403
    assert httpx.get(f"{action_server}/actions", headers=headers).status_code == 403


def test_an_action_server_call_with_the_secret_is_served(action_server: str) -> None:
    response = httpx.get(f"{action_server}/actions", headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    assert {"name": "action_give_advice"} in response.json()


def test_the_action_server_will_not_start_without_a_secret() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_SECRET"}
    result = subprocess.run([sys.executable, "-m", "bot.action_server"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "ACTION_SERVER_SECRET" in result.stderr


def test_rasa_sends_the_secret_to_the_action_server(tmp_path: pytest.TempPathFactory) -> None:
    endpoints = yaml.safe_load(endpoints_file(load_settings({}), SECRET, tmp_path).read_text())
    assert endpoints["action_endpoint"]["headers"] == {SECRET_HEADER: SECRET}
    assert endpoints["action_endpoint"]["url"].startswith("http://127.0.0.1:")


def test_services_listen_on_loopback_and_rasas_api_is_off_by_default(tmp_path: pytest.TempPathFactory) -> None:
    settings = load_settings({})
    assert settings.rasa_host == settings.action_server_host == "127.0.0.1"
    rasa = services_for(settings, tmp_path / "endpoints.yml")[1].command
    assert "--enable-api" not in rasa
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"


def test_startup_refuses_rasas_api_without_a_jwt_secret() -> None:
    with pytest.raises(SettingsError, match="RASA_JWT_SECRET"):
        load_settings({"RASA_ENABLE_API": "true"})
    flags = rasa_api_flags(load_settings({"RASA_ENABLE_API": "true", "RASA_JWT_SECRET": "s3cret"}))
    assert flags[:3] == ["--enable-api", "--jwt-secret", "s3cret"]


def test_conversation_ids_are_keyed_pseudonyms_not_chat_ids() -> None:
    chat_id = 987654321
    first, second = Pseudonymiser(b"key one"), Pseudonymiser(b"key two")
    conversation = first.conversation_id("telegram", chat_id)
    assert str(chat_id) not in conversation and conversation.startswith("telegram-")
    assert conversation == first.conversation_id("telegram", chat_id)
    assert conversation != second.conversation_id("telegram", chat_id)
    assert conversation != first.conversation_id("web", chat_id)
