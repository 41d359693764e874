"""The scale-out profile of docs/scale-out.md on this machine, all on loopback: a throwaway PostgreSQL
and Redis, nginx configured by `python -m bot.deploy nginx-config` (the operator's command), the Bot
API emulator posting to the webhook through nginx, and the launcher running N Rasa servers and N
action servers behind it with one front end. Used by the scale-out test and `tests/bench/scale.py`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.rasa_client import REST_WEBHOOK_PATH
from bot.settings import REPO_ROOT, load_settings
from tests.databases import running_postgres, running_redis
from tests.e2e.harness import (
    ACTION_SERVER_SECRET, BOT_TOKEN, CONVERSATION_ID_SECRET, STACK_START_SECONDS, child_pids, free_port, free_ports, start_emulator,
    start_launcher, stop, wait_until_ready,
)

WEBHOOK_SECRET = "scale-out-webhook-secret"


@dataclass
class ScaledBot:
    """The running topology: where to reach it and what it logs."""

    emulator_url: str
    rasa_url: str  # the nginx balancer in front of the Rasa servers
    rasa_ports: list[int]
    launcher_pid: int
    launcher_log: Path
    nginx_logs: Path

    def rasa_requests(self) -> Counter[tuple[str, int]]:
        """Messages nginx passed to the Rasa servers, by the server that answered last ("127.0.0.1:port")
        and the status it gave, from nginx's access log. A request nginx passed on after a refused
        connection names both servers."""
        served: Counter[tuple[str, int]] = Counter()
        log = self.nginx_logs / "osb-rasa.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            _, _, method, uri, status, upstreams = line.split(" ", 5)
            addresses = re.match(r"(?:\S+, )*\S+", upstreams)
            if method == "POST" and uri == REST_WEBHOOK_PATH and addresses:
                served[addresses.group(0).split(", ")[-1], int(status)] += 1
        return served

    def rasa_pid(self, port: int) -> int:
        """The process id of the Rasa server the launcher started on `port`."""
        for child in child_pids(self.launcher_pid):
            words = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"bot.rasa_server" in words and str(port).encode() in words:
                return child
        raise LookupError(f"no Rasa server on port {port}")


@contextmanager
def running_nginx(environment: dict[str, str], directory: Path, listen: str) -> Iterator[None]:
    """nginx in the foreground with the configuration `python -m bot.deploy nginx-config` makes for
    `environment`, inside the few lines Debian's /etc/nginx/nginx.conf would otherwise provide."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed; `make test` installs Debian's nginx package")
    site = subprocess.run([sys.executable, "-m", "bot.deploy", "nginx-config", "--listen", listen, "--log-dir", str(directory)],
                          cwd=REPO_ROOT, env={**os.environ, **environment}, check=True, capture_output=True, text=True).stdout
    (directory / "online-safety.conf").write_text(site)
    temp = "".join(f"    {kind}_temp_path {directory / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (directory / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'} warn;\n"
        f"events {{ worker_connections 1024; }}\nhttp {{\n{temp}    include {directory / 'online-safety.conf'};\n}}\n")
    process = subprocess.Popen([nginx, "-c", str(directory / "nginx.conf"), "-p", str(directory), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start:\n{(directory / 'error.log').read_text(errors='replace')}")
        yield
    finally:
        stop(process)


@contextmanager
def scaled_bot(replicas: int, directory: Path, chats_at_once: int) -> Iterator[ScaledBot]:
    """The whole topology with `replicas` Rasa servers and as many action servers, ready to talk to."""
    model = load_settings().model_path
    rasa_port, action_port = free_ports(replicas), free_ports(replicas)
    rasa_balancer, action_balancer, public, web, emulator_port = (free_port() for _ in range(5))
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    emulator_log, launcher_log = directory / "emulator.log", directory / "launcher.log"
    with running_postgres() as database_url, running_redis() as lock_store_url, \
            emulator_log.open("wb") as emulator_out, launcher_log.open("wb") as launcher_out:
        environment = {
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_BASE_URL": emulator_url, "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{public}/telegram/webhook", "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TELEGRAM_CHATS_AT_ONCE": str(chats_at_once),
            "RASA_PORT": str(rasa_port), "RASA_REPLICAS": str(replicas), "RASA_URL": f"http://127.0.0.1:{rasa_balancer}",
            "ACTION_SERVER_PORT": str(action_port), "ACTION_SERVER_REPLICAS": str(replicas),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_balancer}", "LOCK_STORE_URL": lock_store_url,
            "WEB_PORT": str(web), "RASA_MODEL": str(model), "DATABASE_URL": database_url,
            "CONVERSATION_ID_SECRET": CONVERSATION_ID_SECRET, "ACTION_SERVER_SECRET": ACTION_SERVER_SECRET,
            "STAFFED_HOURS": "24/7",
        }
        emulator = start_emulator(emulator_port, emulator_out)
        try:
            with running_nginx(environment, directory, f"127.0.0.1:{public}"):
                launcher = start_launcher(environment, launcher_out)
                try:
                    deadline = time.monotonic() + STACK_START_SECONDS
                    wait_until_ready(f"{emulator_url}/bot{BOT_TOKEN}/getMe", emulator, deadline, emulator_log)
                    ready = [f"http://127.0.0.1:{port}/" for port in range(rasa_port, rasa_port + replicas)]
                    ready += [f"http://127.0.0.1:{port}/health" for port in range(action_port, action_port + replicas)]
                    ready += [f"http://127.0.0.1:{web}/healthz", f"http://127.0.0.1:{rasa_balancer}/",
                              f"http://127.0.0.1:{action_balancer}/health", f"http://127.0.0.1:{public}/healthz"]
                    for url in ready:
                        wait_until_ready(url, launcher, deadline, launcher_log)
                    yield ScaledBot(emulator_url, environment["RASA_URL"], list(range(rasa_port, rasa_port + replicas)),
                                    launcher.pid, launcher_log, directory)
                finally:
                    stop(launcher)
        finally:
            stop(emulator)
