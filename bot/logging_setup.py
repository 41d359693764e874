"""Logging for the front-end processes: our own messages at INFO, HTTP client chatter off.

httpx logs every request URL at INFO, and Bot API URLs contain the bot token, so it is kept at
WARNING. Handlers never log message text.
"""

from __future__ import annotations

import logging
import os


def configure_logging() -> None:
    """Set up plain, timestamped logging at LOG_LEVEL (default INFO)."""
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
