"""Staff accounts and their dashboard sessions. Passwords are kept only as argon2 hashes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.cases.models import StaffRole, StaffSession, StaffUser

MIN_PASSWORD_CHARS = 12
SESSION_MAX_AGE = timedelta(hours=12)
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    """Checked against when the username is unknown, so a wrong name takes as long as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account cannot be created as asked."""


@dataclass(frozen=True)
class StaffMember:
    """A logged-in person, as the dashboard needs them."""

    id: int
    username: str
    role: StaffRole


@dataclass(frozen=True)
class LoginSession:
    """A new session: the cookie token (given to the browser only) and its CSRF token."""

    token: str
    csrf_token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffDirectory:
    """Accounts and sessions in the case database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, username: str, password: str, role: StaffRole, now: datetime) -> StaffMember:
        """Create an account. There is no default account and no default password."""
        username = username.strip()
        if not username or len(username) > 80:
            raise AccountError("a username is 1 to 80 characters")
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"a password is at least {MIN_PASSWORD_CHARS} characters")
        with Session(self.engine, future=True) as session, session.begin():
            if session.scalars(select(StaffUser).where(StaffUser.username == username)).first():
                raise AccountError(f"there is already an account called {username}")
            user = StaffUser(username=username, password_hash=_hasher.hash(password), role=role.value, created_at=now)
            session.add(user)
            session.flush()
            return StaffMember(user.id, user.username, role)

    def authenticate(self, username: str, password: str) -> StaffMember | None:
        """The account when the password is right, otherwise None (in the same time either way)."""
        with Session(self.engine, future=True) as session:
            user = session.scalars(select(StaffUser).where(StaffUser.username == username.strip())).first()
        try:
            _hasher.verify(user.password_hash if user else _unknown_user_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return StaffMember(user.id, user.username, StaffRole(user.role)) if user else None

    def start_session(self, member: StaffMember, now: datetime) -> LoginSession:
        """A new session for a person who just logged in."""
        login = LoginSession(token=secrets.token_urlsafe(32), csrf_token=secrets.token_urlsafe(32))
        with Session(self.engine, future=True) as session, session.begin():
            session.add(StaffSession(token_hash=_token_hash(login.token), user_id=member.id,
                                     csrf_token=login.csrf_token, created_at=now, last_seen_at=now))
        return login

    def resume_session(self, token: str, idle: timedelta, now: datetime) -> tuple[StaffMember, str] | None:
        """The person and CSRF token of a live session, extending it; None (and the session deleted)
        when it is unknown, idle too long or older than SESSION_MAX_AGE."""
        with Session(self.engine, future=True) as session, session.begin():
            stored = session.get(StaffSession, _token_hash(token))
            if stored is None:
                return None
            if now - stored.last_seen_at > idle or now - stored.created_at > SESSION_MAX_AGE:
                session.delete(stored)
                return None
            stored.last_seen_at = now
            user = session.get(StaffUser, stored.user_id)
            return StaffMember(user.id, user.username, StaffRole(user.role)), stored.csrf_token

    def end_session(self, token: str) -> None:
        """Log out."""
        with Session(self.engine, future=True) as session, session.begin():
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
