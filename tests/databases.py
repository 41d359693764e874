"""Throwaway database servers for tests, on loopback: a real PostgreSQL and Redis (Debian's packages)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from sqlalchemy import String, Text, column, inspect, or_, select, table
from sqlalchemy.engine import Engine

from tests.e2e.harness import free_port

POSTGRES_USER = "osb"
REDIS_START_SECONDS = 20


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed; `make test` installs Debian's postgresql package")
    return Path(found[-1]).parent


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` account Debian's package creates."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def running_postgres() -> Iterator[str]:
    """A new PostgreSQL cluster with one empty database; yields its URL and removes it all afterwards."""
    binaries = _postgres_bin()
    directory = Path(tempfile.mkdtemp(prefix="osb-postgres-"))
    data, log = directory / "data", directory / "server.log"
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(directory, account.pw_uid, account.pw_gid)
    port = free_port()

    def run(*command: str) -> None:
        subprocess.run(_as_server_user(list(command)), check=True, capture_output=True, cwd=directory)

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", POSTGRES_USER, "--auth=trust", "-E", "UTF8")
        options = f"-p {port} -h 127.0.0.1 -k {directory} -c fsync=off -c full_page_writes=off"
        run(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
        try:
            run(str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", POSTGRES_USER, "cases")
            yield f"postgresql://{POSTGRES_USER}@127.0.0.1:{port}/cases"
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def running_redis() -> Iterator[str]:
    """A Redis server that keeps nothing on disk, for Rasa's lock store; yields its redis:// URL."""
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("Redis is not installed; `make test` installs Debian's redis-server package")
    directory = Path(tempfile.mkdtemp(prefix="osb-redis-"))
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(directory), "--logfile", str(directory / "redis.log")])
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
    try:
        deadline = time.monotonic() + REDIS_START_SECONDS
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start: {(directory / 'redis.log').read_text(errors='replace')}")
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.kill()
        process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def rows_mentioning(engine: Engine, needle: str) -> dict[str, int]:
    """How many rows of each table hold the text anywhere in a text column."""
    found: dict[str, int] = {}
    inspector = inspect(engine)
    with engine.connect() as connection:
        for name in inspector.get_table_names():
            columns = [c["name"] for c in inspector.get_columns(name) if isinstance(c["type"], (String, Text))]
            if not columns:
                continue
            subject = table(name, *(column(c) for c in columns))
            matches = connection.execute(select(subject).where(or_(*(subject.c[c].contains(needle) for c in columns)))).all()
            if matches:
                found[name] = len(matches)
    return found
