"""Front-end faults: a user always gets a reply with an emergency route, and dead processes are reported."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import yaml
from telegram.ext import AIORateLimiter

from bot.app import build_application
from bot.cases.database import create_db_engine
from bot.launcher import endpoints_file, telegram_summary
from bot.pseudonyms import Pseudonymiser
from bot.delivery.service import QUICK_EXIT, as_outgoing, backoff_seconds, split_for_telegram
from bot.rasa_client import BotMessage, Button, RasaClient, as_plain_text, parse_rest_messages
from bot.safeguarding.content import ContentLibrary
from bot.services import Services
from bot.settings import REPO_ROOT, SettingsError, load_settings
from tests.e2e.harness import free_port


async def test_rasa_down_still_gives_999_and_childline(library: ContentLibrary, case_database: str) -> None:
    settings = load_settings({"DATABASE_URL": case_database})
    services = Services(rasa=RasaClient(f"http://127.0.0.1:{free_port()}", 2), library=library,
                        pseudonyms=Pseudonymiser(b"k" * 32), engine=create_db_engine(settings.database_url),
                        settings=settings)
    try:
        replies = await services.reply("web", "web-test", "help")
    finally:
        await services.rasa.close()
        services.engine.dispose()
    assert len(replies) == 1
    assert "999" in replies[0].text and "0800 1111" in replies[0].text


def test_rest_messages_keep_text_and_buttons_and_drop_images() -> None:
    messages = parse_rest_messages([
        {"recipient_id": "x", "text": "Who are you?", "buttons": [{"title": "Parent", "payload": "/inform_role"}]},
        {"recipient_id": "x", "image": "https://example.org/a.png"},
    ])
    assert [(m.text, [b.title for b in m.buttons]) for m in messages] == [("Who are you?", ["Parent"])]


@pytest.mark.parametrize(("typed", "sent"), [("/greet", "greet"), ('/inform_role{"user_role":"parent"}', 'inform_role{"user_role":"parent"}'),
                                             ("hello", "hello"), ("/", "/")])
def test_typed_text_is_never_a_payload(typed: str, sent: str) -> None:
    assert as_plain_text(typed) == sent


def test_settings_defaults_and_clear_errors() -> None:
    settings = load_settings({})
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert load_settings({"TELEGRAM_API_BASE_URL": "http://127.0.0.1:9000/"}).telegram_api_base_url == "http://127.0.0.1:9000"
    with pytest.raises(SettingsError, match="WEB_PORT"):
        load_settings({"WEB_PORT": "eighty"})
    assert settings.telegram_chats_at_once == 4
    with pytest.raises(SettingsError, match="TELEGRAM_CHATS_AT_ONCE"):
        load_settings({"TELEGRAM_CHATS_AT_ONCE": "0"})


def test_launcher_reports_a_process_that_dies_and_stops_the_others(tmp_path: pytest.TempPathFactory) -> None:
    with socket.socket() as taken:  # the web chat's port is already in use, so the front end dies
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        web_port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot.launcher"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "WEB_PORT": str(web_port), "RASA_PORT": str(free_port()),
                 "ACTION_SERVER_PORT": str(free_port()), "TELEGRAM_BOT_TOKEN": ""},
        )
    assert result.returncode == 1
    assert "front end stopped unexpectedly" in result.stderr
    assert "Stopping..." in result.stdout


def test_launcher_without_a_model_says_how_to_get_one(tmp_path: pytest.TempPathFactory) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.launcher"], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "RASA_MODEL": str(tmp_path / "missing.tar.gz")})
    assert result.returncode == 2
    assert "make run" in result.stderr


def test_launcher_refuses_to_start_without_its_database() -> None:
    unreachable = f"postgresql://nobody@127.0.0.1:{free_port()}/cases"
    result = subprocess.run([sys.executable, "-m", "bot.launcher"], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "DATABASE_URL": unreachable})
    assert result.returncode == 2
    assert "Not starting: cannot use the database at postgresql://nobody@127.0.0.1" in result.stderr
    assert "Starting:" not in result.stdout  # no process was started to fall back on memory


def test_launcher_refuses_staffed_hours_it_cannot_read() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.launcher"], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "STAFFED_HOURS": "weekdays"})
    assert result.returncode != 0 and "STAFFED_HOURS" in result.stderr


def test_rasa_keeps_its_tracker_in_the_case_database(tmp_path: pytest.TempPathFactory) -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://bot:secret@db.internal:5433/cases"})
    endpoints = yaml.safe_load(endpoints_file(settings, "s", tmp_path).read_text())
    assert endpoints["tracker_store"] == {"type": "SQL", "dialect": "postgresql", "url": "db.internal", "port": 5433,
                                          "db": "cases", "username": "bot", "password": "secret"}
    default = yaml.safe_load(endpoints_file(load_settings({}), "s", tmp_path).read_text())["tracker_store"]
    assert default == {"type": "SQL", "dialect": "sqlite", "db": str(REPO_ROOT / "var" / "online-safety.db")}


async def test_with_the_database_gone_the_user_gets_the_emergency_routes_and_rasa_is_not_used(
    library: ContentLibrary,
) -> None:
    with socket.socket() as rasa:  # a real listener standing in for Rasa: any connection would show here
        rasa.bind(("127.0.0.1", 0))
        rasa.listen()
        rasa.setblocking(False)
        settings = load_settings({"DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/cases"})
        services = Services(rasa=RasaClient(f"http://127.0.0.1:{rasa.getsockname()[1]}", 2), library=library,
                            pseudonyms=Pseudonymiser(b"k" * 32), engine=create_db_engine(settings.database_url),
                            settings=settings)
        try:
            replies = await services.reply("telegram", 42, "someone is outside my house and I'm scared")
        finally:
            await services.rasa.close()
            services.engine.dispose()
        with pytest.raises(BlockingIOError):
            rasa.accept()
    assert [reply.text for reply in replies] == [library.system_text("service_unavailable")]


def test_long_messages_are_split_cleanly_within_telegrams_limit() -> None:
    lines = [f"line {n} " + "word " * 30 for n in range(60)]
    text = "\n".join(lines)
    pieces = split_for_telegram(text)
    assert len(pieces) > 1 and all(len(piece) <= 4096 for piece in pieces)
    assert "\n".join(pieces).split() == text.split()
    assert all(piece.rstrip().endswith("word") for piece in pieces)  # cut at line ends
    unbroken = "x" * 5000
    assert split_for_telegram(unbroken) == ["x" * 4096, "x" * 904]
    assert split_for_telegram("short") == ["short"]


def test_telegram_sends_go_through_the_rate_limiter(library: ContentLibrary) -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
                              "DATABASE_URL": "sqlite://"})
    services = Services(rasa=RasaClient("http://127.0.0.1:9", 1), library=library, pseudonyms=Pseudonymiser(b"k" * 32),
                        engine=create_db_engine(settings.database_url), settings=settings)
    application, _ = build_application(settings, services)
    assert isinstance(application.bot.rate_limiter, AIORateLimiter)
    assert "telegram" in services.senders


def test_webhook_mode_needs_an_address_and_a_strong_secret() -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_URL"):
        load_settings({"TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": "s" * 32})
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        load_settings({"TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
                       "TELEGRAM_WEBHOOK_SECRET": "short"})
    with pytest.raises(SettingsError, match="TELEGRAM_MODE"):
        load_settings({"TELEGRAM_MODE": "push"})
    settings = load_settings({"TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
                              "TELEGRAM_WEBHOOK_SECRET": "s" * 32, "TELEGRAM_BOT_TOKEN": "1:x"})
    assert "webhook" in telegram_summary(settings) and "https://bot.example.org/telegram/webhook" in telegram_summary(settings)
    assert "long polling" in telegram_summary(load_settings({}))


def test_replies_carry_the_exit_button_under_the_last_piece_and_quote_only_in_the_first() -> None:
    messages = [BotMessage(text="a" * 5000), BotMessage(text="Who can help:", buttons=(Button("Report", "/report"),))]
    pieces = as_outgoing(messages, ("Exit", QUICK_EXIT), reply_to=7)
    assert [len(piece.text) for piece in pieces] == [4096, 904, len("Who can help:")]
    assert [piece.reply_to for piece in pieces] == [7, None, None]
    assert [piece.buttons for piece in pieces] == [(), (), (("Report", "/report"), ("Exit", QUICK_EXIT))]
    assert backoff_seconds(0) == 1 and backoff_seconds(10) == 30
