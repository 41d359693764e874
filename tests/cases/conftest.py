"""Each case-store test gets a fresh, migrated database: a SQLite file, and a database on a real
PostgreSQL server started once for the run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

from bot.cases.database import create_db_engine, migrate
from tests.databases import running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of the server's first database; tests make their own beside it."""
    with running_postgres() as url:
        yield url


def _new_postgres_database(server_url: str) -> str:
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cases.db'}"
    else:
        url = _new_postgres_database(request.getfixturevalue("postgres_server"))
    migrate(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's database."""
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()
