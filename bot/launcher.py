"""`make run`: starts the action server, the Rasa server and the front ends, and watches them.

A process that dies is reported and the others are stopped (a half-running safeguarding bot is worse
than a stopped one, because a user could be left without replies). Ctrl-C stops everything cleanly.

With RASA_REPLICAS or ACTION_SERVER_REPLICAS above 1 (docs/scale-out.md) a load balancer sends each
request to a replica that is up, so one replica dying leaves the service answering: that replica is
started again rather than everything stopped. One that dies before it was ever ready is a
configuration fault and still stops everything, so a broken replica is never restarted in a loop.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from math import ceil
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import httpx
import yaml

from bot.cases.database import DatabaseUnavailable, describe, migrate, tracker_store_endpoint
from bot.cases.hours import parse_staffed_hours
from bot.settings import ACTION_SERVER_SECRET_HEADER, REPO_ROOT, Settings, SettingsError, load_settings

STOP_GRACE_SECONDS = 15
POLL_SECONDS = 0.5
CHILD_ENVIRONMENT = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONUNBUFFERED": "1",
}


@dataclass
class Service:
    """A child process and the URL that answers once it is ready."""

    name: str
    command: list[str]
    ready_url: str
    environment: dict[str, str] = field(default_factory=dict)  # this process's own variables
    restart: bool = False  # one of several replicas behind a load balancer: started again if it dies
    process: subprocess.Popen[bytes] | None = None
    ready: bool = False


def endpoints_file(settings: Settings, secret: str, directory: Path) -> Path:
    """endpoints.yml with the action server's URL on the configured port and the secret it requires,
    and Rasa's tracker store in the case database, so the transcript has one home.

    Written to a private temporary folder, so the secret and any database password are never in the
    repository.
    """
    endpoints = yaml.safe_load((REPO_ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    endpoints["action_endpoint"] = {
        "url": f"{settings.action_server_url}/webhook",
        "headers": {ACTION_SERVER_SECRET_HEADER: secret},
        # No action reads the domain: Rasa need not serialise and send all of it with every call.
        "enable_selective_domain": True,
    }
    endpoints["tracker_store"] = tracker_store_endpoint(settings.database_url)
    if settings.lock_store_url:
        endpoints["lock_store"] = lock_store_endpoint(settings.lock_store_url)
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def lock_store_endpoint(url: str) -> dict[str, str | int]:
    """The `lock_store` section for LOCK_STORE_URL (redis://[:password@]host[:port][/db]): Rasa's
    RedisLockStore, shared by every Rasa server so that two never answer one conversation at once."""
    parts = urlsplit(url)
    endpoint: dict[str, str | int] = {"type": "redis", "url": parts.hostname or "127.0.0.1", "port": parts.port or 6379,
                                      "db": int(parts.path.strip("/") or 0)}
    if parts.password:
        endpoint["password"] = parts.password
    return endpoint


def lock_environment(settings: Settings) -> dict[str, str]:
    """With a shared lock store, a conversation's lock lapses once the front end has stopped waiting
    for its answer (RASA_TIMEOUT_SECONDS), not after Rasa's 60 seconds: a lock held by a replica that
    was killed then holds the conversation up only until the front end tries the message again."""
    return {"TICKET_LOCK_LIFETIME": str(ceil(settings.rasa_timeout_seconds))} if settings.lock_store_url else {}


def tensorflow_environment(settings: Settings) -> dict[str, str]:
    """Rasa's variables for the size of TensorFlow's thread pools in each Rasa server."""
    threads = str(settings.rasa_tensorflow_threads)
    return {"TF_INTRA_OP_PARALLELISM_THREADS": threads, "TF_INTER_OP_PARALLELISM_THREADS": threads}


def rasa_api_flags(settings: Settings) -> list[str]:
    """Rasa's HTTP API is off unless asked for; when on, every call needs a JWT (load_settings refuses
    RASA_ENABLE_API without RASA_JWT_SECRET)."""
    if not settings.rasa_enable_api or not settings.rasa_jwt_secret:
        return []
    return ["--enable-api", "--jwt-secret", settings.rasa_jwt_secret, "--jwt-method", "HS256"]


def replica_name(kind: str, index: int, count: int, port: int) -> str:
    """"Rasa server" alone; "Rasa server 2 (:5006)" among replicas."""
    return kind if count == 1 else f"{kind} {index + 1} (:{port})"


def action_server_service(settings: Settings, index: int) -> Service:
    """The `index`-th action server, on ACTION_SERVER_PORT + index."""
    port = settings.action_server_port + index
    return Service(replica_name("action server", index, settings.action_server_replicas, port),
                   [sys.executable, "-m", "bot.action_server"], f"http://127.0.0.1:{port}/health",
                   {"ACTION_SERVER_PORT": str(port)}, restart=settings.action_server_replicas > 1)


def rasa_service(settings: Settings, endpoints: Path, index: int) -> Service:
    """The `index`-th Rasa server, on RASA_PORT + index."""
    port = settings.rasa_port + index
    return Service(
        replica_name("Rasa server", index, settings.rasa_replicas, port),
        [sys.executable, "-m", "bot.rasa_server", "run", "--model", str(settings.model_path), "--credentials",
         str(REPO_ROOT / "credentials.yml"), "--endpoints", str(endpoints), "--interface", settings.rasa_host,
         "--port", str(port), *rasa_api_flags(settings)],
        f"http://127.0.0.1:{port}/", {**lock_environment(settings), **tensorflow_environment(settings)},
        restart=settings.rasa_replicas > 1,
    )


def front_end_service(settings: Settings) -> Service:
    """The front end: web chat, staff dashboard and Telegram (one per deployment: docs/scale-out.md)."""
    return Service("front end", [sys.executable, "-m", "bot"], f"http://{settings.web_host}:{settings.web_port}/healthz")


def services_for(settings: Settings, endpoints: Path) -> list[Service]:
    """Every process of a running bot, in start order: the action servers, the Rasa servers, the front end."""
    return [*(action_server_service(settings, index) for index in range(settings.action_server_replicas)),
            *(rasa_service(settings, endpoints, index) for index in range(settings.rasa_replicas)),
            front_end_service(settings)]


def port_range(first: int, count: int) -> str:
    """":5005" or ":5005-5006", for the start-up line."""
    return f":{first}" if count == 1 else f":{first}-{first + count - 1}"


def telegram_summary(settings: Settings) -> str:
    """How the Telegram bot reaches Telegram, for the start-up line."""
    if settings.telegram_mode == "webhook":
        return (f" and the Telegram bot on a webhook (Telegram posts to {settings.telegram_webhook_url}, served at "
                f"http://{settings.web_host}:{settings.web_port}/telegram/webhook)")
    return f" and the Telegram bot, long polling {settings.telegram_api_base_url}"


def _is_ready(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def start(service: Service, environment: dict[str, str]) -> None:
    """Start a service's process in a session of its own (Ctrl-C reaches the launcher only)."""
    service.ready = False
    service.process = subprocess.Popen(service.command, cwd=REPO_ROOT, env={**environment, **service.environment},
                                       start_new_session=True)


def stop_all(services: list[Service]) -> None:
    """Ask every process to stop, then kill any still running after the grace period."""
    running = [s.process for s in services if s.process is not None and s.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def supervise(settings: Settings) -> int:
    """Start everything, report readiness, and return an exit code when something stops."""
    if not settings.model_path.exists():
        print(f"No trained model at {settings.model_path}. `make run` trains one first.", file=sys.stderr)
        return 2
    try:
        migrate(settings.database_url)
    except DatabaseUnavailable as error:
        print(f"Not starting: {error}. The bot keeps conversations and cases there and will not run "
              "without it. Check DATABASE_URL and that the database server is running.", file=sys.stderr)
        return 2
    print(f"Database: {describe(settings.database_url)}", flush=True)
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    secret = settings.action_server_secret or secrets.token_urlsafe(32)
    environment = {**os.environ, **CHILD_ENVIRONMENT, "ACTION_SERVER_SECRET": secret}
    with tempfile.TemporaryDirectory(prefix="online-safety-bot-") as scratch:
        services = services_for(settings, endpoints_file(settings, secret, Path(scratch)))
        for service in services:
            start(service, environment)
        print(f"Starting: action server {port_range(settings.action_server_port, settings.action_server_replicas)}, "
              f"Rasa server {port_range(settings.rasa_port, settings.rasa_replicas)}, "
              f"web chat http://{settings.web_host}:{settings.web_port}/, "
              f"staff dashboard http://{settings.web_host}:{settings.web_port}/staff/"
              + (telegram_summary(settings) if settings.telegram_bot_token else " (Telegram off: TELEGRAM_BOT_TOKEN not set)"),
              flush=True)
        exit_code = 0
        announced = False  # "Ready." once, not again when a restarted replica is back
        with httpx.Client(timeout=2) as client:
            while not stopping:
                dead = [s for s in services if s.process is not None and s.process.poll() is not None]
                fatal = [s for s in dead if not (s.restart and s.ready)]
                for service in [s for s in dead if s not in fatal]:
                    print(f"{service.name} stopped unexpectedly (exit code {service.process.returncode}); starting it "
                          "again (the load balancer sends its share to the others meanwhile).", file=sys.stderr, flush=True)
                    start(service, environment)
                if fatal:
                    for service in fatal:
                        print(f"{service.name} stopped unexpectedly (exit code {service.process.returncode}); "
                              "stopping the others.", file=sys.stderr, flush=True)
                    exit_code = 1
                    break
                for service in services:
                    if not service.ready and _is_ready(client, service.ready_url):
                        service.ready = True
                        print(f"{service.name} is ready", flush=True)
                        if all(s.ready for s in services) and not announced:
                            announced = True
                            print(f"Ready. Open http://{settings.web_host}:{settings.web_port}/ to chat, "
                                  f"http://{settings.web_host}:{settings.web_port}/staff/ for the staff dashboard "
                                  "(make an account with `python -m bot.staff add-user NAME`). "
                                  "Ctrl-C stops everything.", flush=True)
                time.sleep(POLL_SECONDS)
        print("Stopping...", flush=True)
        stop_all(services)
    return exit_code


def main() -> None:
    """Entry point for `python -m bot.launcher`."""
    try:
        settings = load_settings()
        parse_staffed_hours(settings.staffed_hours, settings.staffed_timezone)  # read by every escalation
    except SettingsError as error:
        sys.exit(f"Configuration error: {error}")
    sys.exit(supervise(settings))


if __name__ == "__main__":
    main()
