"""Dashboard security: session cookies, CSRF tokens and login throttling."""

from __future__ import annotations

import hmac
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
COOKIE_PATH = "/staff"
MAX_LOGIN_FAILURES = 5
LOGIN_WINDOW_SECONDS = 15 * 60
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token; a missing token never matches."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


@dataclass
class LoginThrottle:
    """Refuses logins for a username, or from an address, after too many recent failures.

    Kept in memory: a restart forgives, which is acceptable because the hashes stay slow to guess.
    """

    max_failures: int = MAX_LOGIN_FAILURES
    window_seconds: float = LOGIN_WINDOW_SECONDS
    _failures: defaultdict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window_seconds:
            failures.popleft()
        return failures

    def retry_after(self, username: str, address: str, now: float | None = None) -> int:
        """Seconds until another attempt is allowed (0 when it is allowed now)."""
        now = time.monotonic() if now is None else now
        waits = [
            int(self.window_seconds - (now - failures[0])) + 1
            for failures in (self._recent(f"user:{username.lower()}", now), self._recent(f"addr:{address}", now))
            if len(failures) >= self.max_failures
        ]
        return max(waits, default=0)

    def failed(self, username: str, address: str, now: float | None = None) -> None:
        """Count a wrong password against the username and the address."""
        now = time.monotonic() if now is None else now
        self._failures[f"user:{username.lower()}"].append(now)
        self._failures[f"addr:{address}"].append(now)

    def succeeded(self, username: str) -> None:
        """A right password clears the username's failures."""
        self._failures.pop(f"user:{username.lower()}", None)
