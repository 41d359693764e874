"""The scale-out profile's settings, the processes and endpoints the launcher makes from them, and the
nginx configuration `python -m bot.deploy nginx-config` prints (checked by Debian's nginx itself)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.launcher import endpoints_file, services_for
from bot.settings import REPO_ROOT, SettingsError, load_settings
from tests.e2e.harness import free_port

PROFILE = {
    "RASA_PORT": "5005", "RASA_REPLICAS": "2", "RASA_URL": "http://127.0.0.1:5000",
    "ACTION_SERVER_PORT": "5055", "ACTION_SERVER_REPLICAS": "3", "ACTION_SERVER_URL": "http://127.0.0.1:5050",
    "LOCK_STORE_URL": "redis://:lock-password@127.0.0.1:6380/2",
}


@pytest.mark.parametrize(("environment", "named"), [
    ({"RASA_REPLICAS": "2", "LOCK_STORE_URL": "redis://127.0.0.1:6379/0"}, "RASA_URL"),
    ({"RASA_REPLICAS": "2", "RASA_URL": "http://127.0.0.1:5000"}, "LOCK_STORE_URL"),
    ({"ACTION_SERVER_REPLICAS": "2"}, "ACTION_SERVER_URL"),
    ({"LOCK_STORE_URL": "memcached://127.0.0.1"}, "LOCK_STORE_URL"),
    ({"RASA_REPLICAS": "0"}, "RASA_REPLICAS"),
])
def test_replicas_are_refused_without_a_balancer_or_a_shared_lock_store(environment: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(environment)


def test_one_of_each_is_todays_bot(tmp_path: Path) -> None:
    settings = load_settings({})
    services = services_for(settings, tmp_path / "endpoints.yml")
    assert [service.name for service in services] == ["action server", "Rasa server", "front end"]
    assert not any(service.restart for service in services), "a dead process still stops everything"
    endpoints = yaml.safe_load(endpoints_file(settings, "s", tmp_path).read_text())
    assert "lock_store" not in endpoints and endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"
    assert services[1].environment["TF_INTRA_OP_PARALLELISM_THREADS"] == str(len(os.sched_getaffinity(0)))
    assert load_settings({"RASA_TENSORFLOW_THREADS": "3"}).rasa_tensorflow_threads == 3


def test_replicas_get_ports_of_their_own_and_share_the_balancers_and_the_redis_lock_store(tmp_path: Path) -> None:
    settings = load_settings(PROFILE)
    services = services_for(settings, tmp_path / "endpoints.yml")
    assert [(service.name, service.ready_url) for service in services] == [
        ("action server 1 (:5055)", "http://127.0.0.1:5055/health"),
        ("action server 2 (:5056)", "http://127.0.0.1:5056/health"),
        ("action server 3 (:5057)", "http://127.0.0.1:5057/health"),
        ("Rasa server 1 (:5005)", "http://127.0.0.1:5005/"),
        ("Rasa server 2 (:5006)", "http://127.0.0.1:5006/"),
        ("front end", "http://127.0.0.1:8080/healthz"),
    ]
    assert [service.restart for service in services] == [True] * 5 + [False], "the one front end dying stops everything"
    assert services[1].environment == {"ACTION_SERVER_PORT": "5056"}
    rasa = services[4]
    assert rasa.command[rasa.command.index("--port") + 1] == "5006"
    assert rasa.environment["TICKET_LOCK_LIFETIME"] == "10", "a dead replica's lock lapses when the front end gives up"
    threads = str(max(1, len(os.sched_getaffinity(0)) // 2))  # the cores shared out between the two Rasa servers
    assert rasa.environment["TF_INTRA_OP_PARALLELISM_THREADS"] == rasa.environment["TF_INTER_OP_PARALLELISM_THREADS"] == threads
    endpoints = yaml.safe_load(endpoints_file(settings, "s", tmp_path).read_text())
    assert endpoints["lock_store"] == {"type": "redis", "url": "127.0.0.1", "port": 6380, "db": 2, "password": "lock-password"}
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5050/webhook"
    assert settings.action_server_health_url == "http://127.0.0.1:5050/health"


def nginx_config(tmp_path: Path, environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot.deploy nginx-config`, as the operator runs it."""
    return subprocess.run([sys.executable, "-m", "bot.deploy", "nginx-config", "--log-dir", str(tmp_path), *arguments],
                          cwd=REPO_ROOT, env={**os.environ, **environment}, capture_output=True, text=True, timeout=60)


def test_the_nginx_configuration_balances_every_replica_and_nginx_accepts_it(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is not installed: run `make test`, which installs Debian's nginx")
    made = nginx_config(tmp_path, PROFILE, "--listen", "127.0.0.1:8443")
    assert made.returncode == 0, made.stderr
    site = made.stdout
    for port in (5005, 5006, 5055, 5056, 5057):
        assert f"server 127.0.0.1:{port} max_fails=1" in site
    assert "listen 127.0.0.1:5000;" in site and "listen 127.0.0.1:5050;" in site
    assert "non_idempotent" not in site, "a message already sent to a Rasa server is never run a second time"
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
                                         f"events {{}}\nhttp {{ include {tmp_path / 'site.conf'}; }}\n")
    checked = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)], capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_the_nginx_configuration_refuses_a_balancer_on_a_replicas_port(tmp_path: Path) -> None:
    made = nginx_config(tmp_path, {**PROFILE, "RASA_URL": "http://127.0.0.1:5006"}, "--listen", "443")
    assert made.returncode != 0 and "RASA_URL" in made.stderr


def test_a_replica_that_dies_before_it_was_ever_ready_stops_everything(tmp_path: Path) -> None:
    with socket.socket() as taken:  # the second action server's port is someone else's
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        second = taken.getsockname()[1]
        environment = {**PROFILE, "ACTION_SERVER_PORT": str(second - 1), "ACTION_SERVER_REPLICAS": "2",
                       "ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}", "RASA_REPLICAS": "1",
                       "RASA_PORT": str(free_port()), "WEB_PORT": str(free_port()), "LOCK_STORE_URL": "",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'cases.db'}"}
        result = subprocess.run([sys.executable, "-m", "bot.launcher"], cwd=REPO_ROOT, env={**os.environ, **environment},
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"action server 2 (:{second}) stopped unexpectedly" in result.stderr and "stopping the others" in result.stderr
    assert "starting it again" not in result.stderr, "a broken replica is never restarted in a loop"
