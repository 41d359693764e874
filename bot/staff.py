"""`python -m bot.staff add-user NAME --role staff|supervisor`: make a dashboard account.

The password is asked for twice at the terminal, or read from standard input when it is not a
terminal (one line). There is no default account and no default password.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.cases.database import DatabaseUnavailable, create_db_engine, migrate
from bot.cases.hours import utc_now
from bot.cases.models import StaffRole
from bot.cases.staff import AccountError, StaffDirectory
from bot.settings import SettingsError, load_settings


def read_password() -> str:
    """The new password, typed twice at a terminal or piped in."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password for the new account: ")
    if getpass.getpass("The same password again: ") != password:
        raise AccountError("the two passwords are different")
    return password


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-user", help="create a staff or supervisor account")
    add.add_argument("username")
    add.add_argument("--role", choices=[role.value for role in StaffRole], default=StaffRole.STAFF.value)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        migrate(settings.database_url)
        engine = create_db_engine(settings.database_url)
        try:
            member = StaffDirectory(engine).add(args.username, read_password(), StaffRole(args.role),
                                                utc_now().replace(tzinfo=None))
        finally:
            engine.dispose()
    except (AccountError, SettingsError, DatabaseUnavailable) as error:
        print(f"Could not create the account: {error}", file=sys.stderr)
        return 1
    print(f"Created {member.role.value} account {member.username}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
