"""bot.rasa_server's fixes to Rasa: the same checks on the action server's answers, one connection
reused for many calls instead of one per call, and a model loaded without a training step that
parses exactly as Rasa's own loading does."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_server import apply_fixes
from bot.settings import REPO_ROOT, load_settings

GOOD_ANSWER = {
    "events": [{"event": "slot", "timestamp": None, "name": "topic", "value": "bullying"}],
    "responses": [{"text": "You are not in trouble.", "buttons": [{"title": "Exit", "payload": "/exit"}]}],
}
RASA_VALIDATION = RemoteAction._validate_action_result  # Rasa's own, before any test applies the fixes
BAD_ANSWERS = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"responses": [["not", "an", "object"]]},
]


@pytest.fixture
def fixed_rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rasa with the fixes applied, restored afterwards (other tests use Rasa in this process)."""
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    apply_fixes()
    yield


def _rasa_error(answer: dict[str, object]) -> str:
    """The message Rasa's own check gives for an answer (what the fix must give too)."""
    try:
        RASA_VALIDATION(RemoteAction("action_advice", None), answer)
    except jsonschema.ValidationError as error:
        return error.message
    return ""


def test_a_valid_answer_passes(fixed_rasa: None) -> None:
    assert RemoteAction("action_advice", None)._validate_action_result(dict(GOOD_ANSWER)) is True


@pytest.mark.parametrize("answer", BAD_ANSWERS)
def test_an_invalid_answer_raises_the_error_rasa_raises(answer: dict[str, object], fixed_rasa: None) -> None:
    expected = _rasa_error(answer)
    assert expected
    with pytest.raises(jsonschema.ValidationError) as raised:
        RemoteAction("action_advice", None)._validate_action_result(answer)
    assert raised.value.message == expected


async def _count_connections(calls: int) -> int:
    """Make `calls` calls through an EndpointConfig to a real HTTP listener; how many TCP connections it saw."""
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
            if not head:
                break
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", headers={"X-Action-Server-Secret": "s"})
    try:
        for _ in range(calls):
            assert await endpoint.request(json={"next_action": "action_advice"}, method="post") == {}
    finally:
        for session in vars(endpoint).get("_kept_sessions", {}).values():
            await session.close()
        server.close()
        await server.wait_closed()
    return connections


async def test_calls_to_the_action_server_reuse_one_connection(fixed_rasa: None) -> None:
    assert await _count_connections(5) == 1


async def test_without_the_fix_rasa_opens_a_connection_per_call() -> None:
    assert await _count_connections(3) == 3


PARSE_SCRIPT = """
import asyncio, json, sys
if sys.argv[1] == "fixed":
    from bot.rasa_server import apply_fixes
    apply_fixes()
from rasa.core.agent import load_agent
loop = asyncio.new_event_loop()
agent = loop.run_until_complete(load_agent(model_path=sys.argv[2]))
parses = [loop.run_until_complete(agent.parse_message(text)) for text in json.loads(sys.argv[3])]
print(json.dumps([[p["intent"]["name"], round(p["intent"]["confidence"], 5), sorted((e["entity"], str(e["value"])) for e in p["entities"]),
                   sorted(p["risk_signals"])] for p in parses]))
"""
MESSAGES = [
    "hi", "im 14", "someone in my class keeps sending me nasty messages on snapchat",
    "theres this older guy on roblox who keeps asking me to send him pics and says its our secret",
    "someone says they will post my nudes unless i pay them 200 pounds", "i want to kill myself tonight",
    "my daughter is 12 and a man she met on fortnite wants to meet her", "is it illegal to share a nude of someone",
    "this game is killing me lol", "can i talk to a real person", "how do i report a video on tiktok",
]


@pytest.mark.model
def test_the_model_loaded_for_serving_parses_exactly_as_rasa_loads_it() -> None:
    model = str(load_settings().model_path)
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
    runs = {mode: subprocess.Popen([sys.executable, "-c", PARSE_SCRIPT, mode, model, json.dumps(MESSAGES)], cwd=REPO_ROOT,
                                   env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for mode in ("rasa", "fixed")}
    outputs = {mode: run.communicate(timeout=300)[0] for mode, run in runs.items()}
    parses = {mode: json.loads(output.strip().splitlines()[-1]) for mode, output in outputs.items()}
    assert len(parses["fixed"]) == len(MESSAGES)
    assert parses["fixed"] == parses["rasa"]
