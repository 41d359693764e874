"""Operator commands for the data the service keeps.

    python -m bot.privacy retention                         delete what is due now (the front end also runs this daily)
    python -m bot.privacy export --channel telegram --id N  everything kept about one user, as JSON (an access request)

`export` needs the CONVERSATION_ID_SECRET the service runs with: conversations are stored under a
keyed HMAC of the chat id, never the chat id itself.
"""

from __future__ import annotations

import argparse
import sys

from bot.cases.database import DatabaseUnavailable, create_db_engine, migrate
from bot.cases.hours import utc_now
from bot.cases.retention import apply_retention
from bot.cases.rights import export_json
from bot.pseudonyms import Channel, Pseudonymiser
from bot.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot.privacy", description="Retention and access requests.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("retention", help="delete conversations and closed cases that are due")
    export = commands.add_parser("export", help="print everything kept about one user as JSON")
    export.add_argument("--channel", choices=[Channel.TELEGRAM, Channel.WEB], required=True)
    export.add_argument("--id", required=True, help="the Telegram chat id (or web chat session id)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        migrate(settings.database_url)
    except (SettingsError, DatabaseUnavailable) as error:
        print(f"Cannot run: {error}", file=sys.stderr)
        return 1
    engine = create_db_engine(settings.database_url)
    try:
        if args.command == "retention":
            report = apply_retention(engine, utc_now().replace(tzinfo=None), settings.conversation_retention_days,
                                     settings.case_retention_days)
            print(f"Deleted {report.conversations_deleted} conversations, {report.cases_deleted} closed cases and "
                  f"{report.delivery_rows_deleted} Telegram delivery rows.")
            return 0
        if not settings.conversation_id_secret:
            print("Set CONVERSATION_ID_SECRET to the value the service runs with: without it no stored "
                  "conversation can be found.", file=sys.stderr)
            return 1
        conversation = Pseudonymiser(settings.conversation_id_secret.encode()).conversation_id(args.channel, args.id)
        print(export_json(engine, conversation))
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
