"""Settings, read from environment variables in one place."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The header in which the Rasa server sends ACTION_SERVER_SECRET to the action server.
ACTION_SERVER_SECRET_HEADER = "X-Action-Server-Secret"
# A SQLite file beside the code (git ignores var/); PostgreSQL through DATABASE_URL in production.
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'online-safety.db'}"


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the processes need to know about their surroundings."""

    telegram_bot_token: str | None
    telegram_api_base_url: str
    # "polling" (the default) or "webhook" (behind HTTPS: Telegram posts updates to the web server).
    telegram_mode: str
    # The public HTTPS address Telegram posts to, ending in WEBHOOK_PATH; webhook mode only.
    telegram_webhook_url: str | None
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token; an update without it is refused.
    telegram_webhook_secret: str | None
    rasa_url: str
    rasa_timeout_seconds: float
    web_host: str
    web_port: int
    rasa_port: int
    action_server_port: int
    # How many Telegram chats the front end answers at the same time (one message each); the others
    # wait their turn in the inbox, where nothing is lost.
    telegram_chats_at_once: int
    # Loopback by default: only the web front end is meant to face a network (behind HTTPS).
    rasa_host: str
    action_server_host: str
    # Shared secret the Rasa server sends to the action server; the launcher makes one per run if unset.
    action_server_secret: str | None
    # Rasa's HTTP API stays off unless asked for, and then only with a JWT secret.
    rasa_enable_api: bool
    rasa_jwt_secret: str | None
    # Key for the HMAC that turns a Telegram chat id into a conversation id; random per process if unset.
    conversation_id_secret: str | None
    content_dir: Path
    risk_lexicon: Path
    model_path: Path
    # Cases, staff accounts, the audit log and Rasa's tracker store, all in one database.
    database_url: str
    # When a trained person reads escalated conversations, e.g. "Mon-Fri 09:00-17:00" or "24/7".
    staffed_hours: str
    staffed_timezone: str
    # Dashboard sessions end after this long without a request, and after 12 hours in any case.
    dashboard_session_idle_minutes: int
    # Send the dashboard's cookies only over HTTPS (set it in production, behind TLS).
    dashboard_secure_cookies: bool
    # Conversations that never led to a case are deleted this many days after their last message.
    conversation_retention_days: int
    # Closed cases (and their conversations) are deleted this many days after closing; None keeps
    # them until the operator sets the safeguarding retention period their policy requires.
    case_retention_days: int | None
    # Scale-out (docs/scale-out.md): the launcher runs this many Rasa servers (on RASA_PORT,
    # RASA_PORT+1...) and action servers (on ACTION_SERVER_PORT, +1...) behind a load balancer.
    rasa_replicas: int
    # TensorFlow's thread pools in each Rasa server (TF_INTRA_/TF_INTER_OP_PARALLELISM_THREADS). By
    # default the cores shared out between the Rasa servers, so together they use each core once:
    # two servers on two cores with one thread each answered 1.79 times what one did, 1.41 times with
    # TensorFlow's own pools the size of the machine in each (docs/performance.md).
    rasa_tensorflow_threads: int
    action_server_replicas: int
    # Where Rasa calls the action servers (a load balancer in front of several); the action server
    # itself by default.
    action_server_url: str
    # redis://host:port/db of the lock store the Rasa servers share, so two never answer one
    # conversation at once; None keeps Rasa's in-memory lock store (one Rasa server only).
    lock_store_url: str | None

    @property
    def action_server_health_url(self) -> str:
        """Where the front end checks that the action server is back after an outage."""
        return f"{self.action_server_url}/health"


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from error
    if not 0 < value < 65536 and name.endswith("PORT"):
        raise SettingsError(f"{name} must be a port number between 1 and 65535, not {value}")
    return value


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from error
    if value <= 0:
        raise SettingsError(f"{name} must be more than 0 seconds, not {value}")
    return value


def _bool(environ: Mapping[str, str], name: str) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _at_least_one(environ: Mapping[str, str], name: str, default: int) -> int:
    """A count that must be 1 or more."""
    count = _int(environ, name, default)
    if count < 1:
        raise SettingsError(f"{name} must be 1 or more, not {count}")
    return count


def _replicas(environ: Mapping[str, str], name: str, balancer: str) -> int:
    """How many processes of one kind to run; more than one needs the load balancer's address."""
    count = _at_least_one(environ, name, 1)
    if count > 1 and not environ.get(balancer, "").strip():
        raise SettingsError(f"{name}={count} needs {balancer}, the load balancer in front of them (docs/scale-out.md)")
    return count


def _lock_store_url(environ: Mapping[str, str], rasa_replicas: int) -> str | None:
    """LOCK_STORE_URL; required with more than one Rasa server, which must share their locks."""
    url = environ.get("LOCK_STORE_URL", "").strip() or None
    if url is not None and not url.startswith("redis://"):
        raise SettingsError(f"LOCK_STORE_URL must be a redis:// URL, not {url!r}")
    if url is None and rasa_replicas > 1:
        raise SettingsError("RASA_REPLICAS above 1 needs LOCK_STORE_URL (Redis): without a shared lock two Rasa servers "
                            "could answer one conversation at once")
    return url


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment (or the mapping given), with safe local defaults."""
    env = os.environ if environ is None else environ
    rasa_port = _int(env, "RASA_PORT", 5005)
    rasa_enable_api = _bool(env, "RASA_ENABLE_API")
    rasa_jwt_secret = env.get("RASA_JWT_SECRET", "").strip() or None
    if rasa_enable_api and not rasa_jwt_secret:
        raise SettingsError("RASA_ENABLE_API needs RASA_JWT_SECRET: Rasa's HTTP API must never run without authentication")
    telegram_mode = env.get("TELEGRAM_MODE", "").strip().lower() or "polling"
    webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
    webhook_secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
    if telegram_mode not in ("polling", "webhook"):
        raise SettingsError(f"TELEGRAM_MODE must be polling or webhook, not {telegram_mode!r}")
    if telegram_mode == "webhook":
        if not webhook_url or not webhook_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise SettingsError("TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL, an https:// address")
        if not webhook_secret or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret):
            raise SettingsError("TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET: 16 to 256 letters, digits, _ or -")
    rasa_replicas = _replicas(env, "RASA_REPLICAS", "RASA_URL")
    action_server_port = _int(env, "ACTION_SERVER_PORT", 5055)
    return Settings(
        telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
        telegram_api_base_url=(env.get("TELEGRAM_API_BASE_URL", "").strip() or "https://api.telegram.org").rstrip("/"),
        telegram_mode=telegram_mode,
        telegram_webhook_url=webhook_url,
        telegram_webhook_secret=webhook_secret,
        rasa_url=(env.get("RASA_URL", "").strip() or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        rasa_timeout_seconds=_float(env, "RASA_TIMEOUT_SECONDS", 10.0),
        web_host=env.get("WEB_HOST", "").strip() or "127.0.0.1",
        web_port=_int(env, "WEB_PORT", 8080),
        telegram_chats_at_once=_at_least_one(env, "TELEGRAM_CHATS_AT_ONCE", 4),
        rasa_port=rasa_port,
        action_server_port=action_server_port,
        rasa_host=env.get("RASA_HOST", "").strip() or "127.0.0.1",
        action_server_host=env.get("ACTION_SERVER_HOST", "").strip() or "127.0.0.1",
        action_server_secret=env.get("ACTION_SERVER_SECRET", "").strip() or None,
        rasa_enable_api=rasa_enable_api,
        rasa_jwt_secret=rasa_jwt_secret,
        conversation_id_secret=env.get("CONVERSATION_ID_SECRET", "").strip() or None,
        content_dir=Path(env.get("CONTENT_DIR", "").strip() or REPO_ROOT / "data" / "content"),
        risk_lexicon=Path(env.get("RISK_LEXICON", "").strip() or REPO_ROOT / "data" / "lexicon" / "risk_signals.yml"),
        model_path=Path(env.get("RASA_MODEL", "").strip() or REPO_ROOT / "models" / "current.tar.gz"),
        database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        staffed_hours=env.get("STAFFED_HOURS", "").strip() or "Mon-Fri 09:00-17:00",
        staffed_timezone=env.get("STAFFED_TIMEZONE", "").strip() or "Europe/London",
        dashboard_session_idle_minutes=_int(env, "DASHBOARD_SESSION_IDLE_MINUTES", 30),
        dashboard_secure_cookies=_bool(env, "DASHBOARD_SECURE_COOKIES"),
        conversation_retention_days=_int(env, "CONVERSATION_RETENTION_DAYS", 30),
        case_retention_days=_int(env, "CASE_RETENTION_DAYS", 0) or None,
        rasa_replicas=rasa_replicas,
        rasa_tensorflow_threads=_int(env, "RASA_TENSORFLOW_THREADS", max(1, len(os.sched_getaffinity(0)) // rasa_replicas)),
        action_server_replicas=_replicas(env, "ACTION_SERVER_REPLICAS", "ACTION_SERVER_URL"),
        action_server_url=(env.get("ACTION_SERVER_URL", "").strip() or f"http://127.0.0.1:{action_server_port}").rstrip("/"),
        lock_store_url=_lock_store_url(env, rasa_replicas),
    )
