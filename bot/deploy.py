"""`python -m bot.deploy nginx-config`: the nginx configuration of the scale-out profile
(docs/scale-out.md), made from the same settings the launcher runs with, so the balancer and the
processes behind it cannot disagree about ports.

It prints the http-level part (upstreams and servers) for /etc/nginx/conf.d/: a balancer for the Rasa
servers (where RASA_URL points), one for the action servers (where ACTION_SERVER_URL points), and the
public server that passes the Telegram webhook, the web chat and the staff dashboard to the front end.
"""

from __future__ import annotations

import argparse
import sys
from math import ceil
from urllib.parse import urlsplit

from bot.settings import Settings, SettingsError, load_settings

# nginx drops an idle connection to an action server before the action server does
# (bot.action_server.KEEPALIVE_SECONDS is 30), so a request never lands on a connection the server
# has just closed.
UPSTREAM_KEEPALIVE_SECONDS = 20
# A replica that refused a connection or timed out is skipped for this long (one request then tries it).
FAIL_TIMEOUT_SECONDS = 5
LOG_FORMAT = "osb_upstream"


def _listen_address(url: str, name: str) -> str:
    """host:port nginx listens on for a balancer URL."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or not parts.port:
        raise SettingsError(f"{name} must be http://host:port of the load balancer, not {url!r}")
    return f"{parts.hostname}:{parts.port}"


def _upstream(name: str, host: str, first_port: int, count: int) -> list[str]:
    servers = [f"    server {host}:{port} max_fails=1 fail_timeout={FAIL_TIMEOUT_SECONDS}s;"
               for port in range(first_port, first_port + count)]
    return [f"upstream {name} {{", *servers, "    keepalive 32;",
            f"    keepalive_timeout {UPSTREAM_KEEPALIVE_SECONDS}s;", "}", ""]


def _balancer(listen: str, upstream: str, read_timeout: int, log_dir: str, log_name: str) -> list[str]:
    """An internal balancer. POST is not passed to a second replica once sent to one (nginx's default,
    no `non_idempotent`): a message or an action is never run twice by the balancer; a request that
    failed mid-way comes back as 502 and the front end's inbox tries the message again.

    Bodies and answers are passed through, never buffered: a call to an action server carries the
    whole conversation, which must not land in nginx's temporary files on disk."""
    return [
        "server {",
        f"    listen {listen};",
        f"    access_log {log_dir}/{log_name} {LOG_FORMAT};",
        "    client_max_body_size 0;  # a long conversation's tracker is large; only Rasa and the front end call here",
        "    proxy_request_buffering off;",
        "    proxy_buffering off;",
        "    location / {",
        f"        proxy_pass http://{upstream};",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_next_upstream error timeout http_502 http_503;",
        "        proxy_connect_timeout 2s;",
        f"        proxy_read_timeout {read_timeout}s;",
        "    }",
        "}",
        "",
    ]


def nginx_config(settings: Settings, listen: str, log_dir: str, tls_certificate: str | None = None,
                 tls_key: str | None = None) -> str:
    """The upstreams and servers for the settings' replicas, the public server listening on `listen`."""
    rasa_listen = _listen_address(settings.rasa_url, "RASA_URL")
    action_listen = _listen_address(settings.action_server_url, "ACTION_SERVER_URL")
    replicas = {f"127.0.0.1:{port}" for port in range(settings.rasa_port, settings.rasa_port + settings.rasa_replicas)}
    replicas |= {f"127.0.0.1:{port}" for port in
                 range(settings.action_server_port, settings.action_server_port + settings.action_server_replicas)}
    for name, address in (("RASA_URL", rasa_listen), ("ACTION_SERVER_URL", action_listen)):
        if address.replace("localhost", "127.0.0.1") in replicas:
            raise SettingsError(f"{name} ({address}) is a replica's own port; the balancer needs a port of its own")
    if (tls_certificate is None) != (tls_key is None):
        raise SettingsError("--tls-certificate and --tls-key go together")
    read_timeout = ceil(settings.rasa_timeout_seconds) * 2  # past the front end's own wait: it gives up first
    public = [f"    listen {listen} ssl;", f"    ssl_certificate {tls_certificate};", f"    ssl_certificate_key {tls_key};"] \
        if tls_certificate else [f"    listen {listen};  # plain HTTP: put TLS in front (Telegram posts only to https://)"]
    return "\n".join([
        "# Made by `python -m bot.deploy nginx-config` from the bot's settings (docs/scale-out.md).",
        f"log_format {LOG_FORMAT} '$time_iso8601 $server_port $request_method $uri $status $upstream_addr "
        "$upstream_status $upstream_response_time';",
        "",
        *_upstream("osb_rasa", settings.rasa_host, settings.rasa_port, settings.rasa_replicas),
        *_upstream("osb_actions", settings.action_server_host, settings.action_server_port, settings.action_server_replicas),
        "upstream osb_front_end {",
        f"    server {settings.web_host}:{settings.web_port};",
        "    keepalive 16;",
        "}",
        "",
        *_balancer(rasa_listen, "osb_rasa", read_timeout, log_dir, "osb-rasa.log"),
        *_balancer(action_listen, "osb_actions", read_timeout, log_dir, "osb-actions.log"),
        "server {",
        *public,
        "    access_log off;  # no user's address is kept",
        "    client_max_body_size 1m;",
        "    client_body_buffer_size 1m;  # what users send stays in memory, never in a temporary file",
        "    proxy_max_temp_file_size 0;  # nor what is sent back to them (a transcript export)",
        "    location / {",
        "        proxy_pass http://osb_front_end;",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Forwarded-For $remote_addr;  # the dashboard's login throttle counts per address",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "        proxy_next_upstream off;",
        "    }",
        "}",
        "",
    ])


def main(argv: list[str] | None = None) -> None:
    """Entry point for `python -m bot.deploy`."""
    parser = argparse.ArgumentParser(prog="python -m bot.deploy", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("nginx-config", help="print the nginx configuration for these settings")
    config.add_argument("--listen", required=True, help="where the public server listens, e.g. 443 or 127.0.0.1:8443")
    config.add_argument("--tls-certificate", help="certificate chain for HTTPS on --listen")
    config.add_argument("--tls-key", help="its private key")
    config.add_argument("--log-dir", default="/var/log/nginx", help="where the balancers log which replica answered")
    arguments = parser.parse_args(argv)
    try:
        print(nginx_config(load_settings(), arguments.listen, arguments.log_dir, arguments.tls_certificate,
                           arguments.tls_key), end="")
    except SettingsError as error:
        sys.exit(f"Configuration error: {error}")


if __name__ == "__main__":
    main()
