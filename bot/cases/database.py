"""Connecting to the case database, migrating it, and pointing Rasa's tracker store at it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent / "alembic.ini"
SQLITE_BUSY_TIMEOUT_MS = 10_000  # three processes share one SQLite file; writers wait for each other


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used: the service must stop, not carry on without it."""


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for the URL; SQLite files get their folder, WAL journalling and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=5)


@lru_cache(maxsize=4)
def shared_engine(url: str) -> Engine:
    """One engine (and connection pool) per database per process, made on first use."""
    return create_db_engine(url)


def migrate(url: str) -> None:
    """Bring the database to the newest schema, failing loudly if it cannot be reached."""
    config = Config(str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        command.upgrade(config, "head")
    except SQLAlchemyError as error:
        raise DatabaseUnavailable(f"cannot use the database at {describe(url)}: {type(error).__name__}") from error
    finally:
        engine.dispose()


def describe(url: str) -> str:
    """The database URL without its password, fit for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def tracker_store_endpoint(url: str) -> dict[str, Any]:
    """The `tracker_store` section of Rasa's endpoints.yml for the same database."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": parsed.database}
    if backend != "postgresql":
        raise DatabaseUnavailable(f"DATABASE_URL must be a sqlite:// or postgresql:// URL, not {backend}")
    endpoint: dict[str, Any] = {"type": "SQL", "dialect": "postgresql", "url": parsed.host or "localhost",
                                "db": parsed.database}
    if parsed.port:
        endpoint["port"] = parsed.port
    if parsed.username:
        endpoint["username"] = parsed.username
    if parsed.password:
        endpoint["password"] = parsed.password
    return endpoint
