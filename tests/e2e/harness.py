"""Test harness: the Bot API emulator and the whole bot stack, started once per test session."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import IO, Any

import httpx

from bot.delivery.service import QUICK_EXIT
from bot.pseudonyms import Channel, Pseudonymiser
from bot.settings import REPO_ROOT

E2E_DIR = Path(__file__).resolve().parent
BOT_TOKEN = "123456789:e2e-test-token"
CONVERSATION_ID_SECRET = "e2e-conversation-id-secret"
ACTION_SERVER_SECRET = "e2e-action-server-secret"
STAFF_PASSWORD = "e2e staff passphrase"
STAFF, SUPERVISOR = "sam", "lee"
STACK_START_SECONDS = 240
REPLY_TIMEOUT_SECONDS = 30
REPLY_SETTLE_SECONDS = 1.5
HOLDING_REPLY = "I've kept your message"  # in the holding reply sent while the assistant is slow or down
_user_ids = itertools.count(1001)


def free_port() -> int:
    """A TCP port nothing on this machine is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> int:
    """The first of `count` consecutive free TCP ports (replicas listen on PORT, PORT+1...)."""
    while True:
        first = free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue


def child_pids(pid: int) -> list[int]:
    """The processes a process started (the launcher's services), from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def wait_until_ready(url: str, process: subprocess.Popen[bytes], deadline: float, log: Path) -> None:
    """Poll `url` until it answers 200, failing early (with the log) if the process dies."""
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"process exited ({process.returncode}) before {url} was ready:\n{log.read_text()[-4000:]}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
    raise TimeoutError(f"{url} not ready in time:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not stop within the launcher's own grace period."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Stack:
    """The running bot and emulator, with where to reach them."""

    emulator_url: str
    web_url: str
    launcher_log: Path
    database_url: str
    environment: dict[str, str]  # what the launcher was started with (Rasa's and the action server's ports)


def start_emulator(port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """node tests/e2e/emulator.js on the given port."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed; .ci/run installs it")
    return subprocess.Popen([node, str(E2E_DIR / "emulator.js"), str(port)], cwd=E2E_DIR, stdout=log, stderr=subprocess.STDOUT)


def add_staff_account(environment: dict[str, str], username: str, role: str) -> None:
    """`python -m bot.staff add-user`, the operator's command, with the password on standard input."""
    subprocess.run([sys.executable, "-m", "bot.staff", "add-user", username, "--role", role], cwd=REPO_ROOT,
                   env={**os.environ, **environment}, input=STAFF_PASSWORD.encode(), check=True, capture_output=True)


def start_launcher(environment: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """`python -m bot.launcher`, exactly what `make run` starts."""
    return subprocess.Popen([sys.executable, "-m", "bot.launcher"], cwd=REPO_ROOT, env={**os.environ, **environment},
                            stdout=log, stderr=subprocess.STDOUT)


def start_front_end(environment: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """`python -m bot`, the front end alone, beside the stack's Rasa server (for fault tests)."""
    return subprocess.Popen([sys.executable, "-m", "bot"], cwd=REPO_ROOT, env={**os.environ, **environment},
                            stdout=log, stderr=subprocess.STDOUT)


class TelegramUser:
    """A person in a private chat with the bot, speaking through the emulator's client HTTP API."""

    def __init__(self, emulator_url: str, bot_token: str = BOT_TOKEN) -> None:
        self.bot_token = bot_token
        self.user_id = next(_user_ids)
        self.first_arrival = 0.0  # time.monotonic() when the latest `replies` call saw its first message
        self._http = httpx.Client(base_url=emulator_url, timeout=10)
        self._person = {"id": self.user_id, "is_bot": False, "first_name": "Test", "username": f"user{self.user_id}"}
        self._chat = {"id": self.user_id, "type": "private", "first_name": "Test"}

    def _message(self, text: str, **extra: Any) -> dict[str, Any]:
        return {"botToken": self.bot_token, "from": self._person, "chat": self._chat, "date": int(time.time()), "text": text, **extra}

    def command(self, command: str) -> None:
        """Send a bot command such as /start."""
        entities = [{"offset": 0, "length": len(command.split()[0]), "type": "bot_command"}]
        self._http.post("/sendCommand", json=self._message(command, entities=entities)).raise_for_status()

    def say(self, text: str) -> None:
        """Type a message."""
        self._http.post("/sendMessage", json=self._message(text)).raise_for_status()

    def send_photo(self) -> None:
        """Send a photo (only its file ids travel; the bot must never fetch the file)."""
        photo = [{"file_id": "photo-file-id", "file_unique_id": "photo-unique", "width": 90, "height": 90}]
        message = self._message("", photo=photo)
        del message["text"]
        self._http.post("/sendMessage", json=message).raise_for_status()

    def press(self, payload: str) -> None:
        """Press an inline-keyboard button."""
        bot = {"id": 666, "is_bot": True, "first_name": "Online Safety Test Bot"}
        message = {"message_id": 1, "date": int(time.time()), "chat": self._chat, "from": bot, "text": "buttons"}
        body = {"botToken": self.bot_token, "from": self._person, "message": message, "data": payload}
        self._http.post("/sendCallback", json=body).raise_for_status()

    def poll(self) -> list[dict[str, Any]]:
        """The bot's messages to this chat that arrived since the last look, without waiting."""
        response = self._http.post("/getUpdates", json={"token": self.bot_token, "chatId": self.user_id})
        response.raise_for_status()
        return [update["message"] for update in response.json().get("result", [])]

    def replies(self, at_least: int = 1) -> list[dict[str, Any]]:
        """The bot's messages to this chat: waits for `at_least`, then until no more arrive for a moment."""
        received: list[dict[str, Any]] = []
        deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
        last_arrival = time.monotonic()
        while time.monotonic() < deadline:
            batch = self.poll()
            if batch:
                if not received:
                    self.first_arrival = time.monotonic()
                received.extend(batch)
                last_arrival = time.monotonic()
            elif len(received) >= at_least and time.monotonic() - last_arrival >= REPLY_SETTLE_SECONDS:
                break
            time.sleep(0.2)
        return received

    def chat_history(self) -> list[dict[str, Any]]:
        """Every message still in this chat, the user's and the bot's, as the emulator holds them."""
        response = self._http.post("/getUpdatesHistory", json={"token": self.bot_token})
        response.raise_for_status()
        updates = response.json().get("result", [])
        return [u for u in updates if (u.get("message") or {}).get("chat", {}).get("id") == self.user_id
                or str((u.get("message") or {}).get("chat_id")) == str(self.user_id)]

    def send_raw(self, message: dict[str, Any]) -> None:
        """Send a message body exactly as given (to see the bot survive one it cannot read)."""
        self._http.post("/sendMessage", json={"botToken": self.bot_token, **message}).raise_for_status()

    def fail_next(self, method: str, *statuses: int) -> None:
        """Make the emulator answer the bot's next calls of `method` for this chat with these errors."""
        body = {"method": method, "chatId": self.user_id, "statuses": list(statuses)}
        self._http.post("/faults", json=body).raise_for_status()

    def close(self) -> None:
        """Release the HTTP connection."""
        self._http.close()


def buttons_of(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, callback data) of a bot message's inline keyboard."""
    markup = message.get("reply_markup") or {}
    return [(button["text"], button["callback_data"]) for row in markup.get("inline_keyboard", []) for button in row]


def quoted(message: dict[str, Any]) -> int | None:
    """The id of the user's message a bot message answers (its reply parameters), if any."""
    parameters = message.get("reply_parameters")
    if isinstance(parameters, str):
        parameters = json.loads(parameters)
    return int(parameters["message_id"]) if isinstance(parameters, dict) else None


def text_of(messages: list[dict[str, Any]]) -> str:
    """The texts of the bot's messages, one a line."""
    return "\n".join(message.get("text", "") for message in messages)


def collect(user: TelegramUser, done: Callable[[list[dict[str, Any]]], bool], timeout: float) -> list[dict[str, Any]]:
    """The bot's messages to the user until `done(messages)` holds (or the time is up)."""
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done(received):
        received.extend(user.poll())
        time.sleep(0.1)
    return received


def errors_in(log: Path) -> list[str]:
    """The ERROR lines of a front end's log."""
    return [line for line in log.read_text(errors="replace").splitlines() if " ERROR " in line]


def user_message_ids(user: TelegramUser) -> list[int]:
    """The ids of the messages the user has sent, in the order sent."""
    return sorted(update["messageId"] for update in user.chat_history() if "from" in update["message"])


def answers_of(messages: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The bot's messages grouped into answers, holding replies left out: each answer ends with the
    message carrying the Exit button."""
    answers: list[list[dict[str, Any]]] = [[]]
    for message in messages:
        if HOLDING_REPLY in message.get("text", ""):
            continue
        answers[-1].append(message)
        if any(data == QUICK_EXIT for _, data in buttons_of(message)):
            answers.append([])
    return answers[:-1] if not answers[-1] else answers


def answer_problems(messages: list[dict[str, Any]], message_ids: list[int]) -> list[str]:
    """What is wrong with the bot's messages as the answers to the user's `message_ids`: each must be
    answered exactly once, in order. An answer quotes the message it answers whenever the user had
    written more by then, so the i-th answer may quote only the i-th message; that, and one answer per
    message, leaves no room for one lost, repeated or out of order."""
    answers = answers_of(messages)
    problems = [] if len(answers) == len(message_ids) else [f"{len(answers)} answers to {len(message_ids)} messages"]
    for index, (answer, message_id) in enumerate(zip(answers, message_ids)):
        quote = quoted(answer[0])
        if quote is not None and quote != message_id:
            problems.append(f"answer {index + 1} quotes message {quote}, not {message_id}")
    return problems


def conversation_of(user: TelegramUser) -> str:
    """The conversation id the running bot stores this user's chat under."""
    return Pseudonymiser(CONVERSATION_ID_SECRET.encode()).conversation_id(Channel.TELEGRAM, user.user_id)
