"""Staffed hours: when a trained person reads escalated conversations, so the bot can say so honestly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.settings import SettingsError

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_PATTERN = re.compile(r"^(?P<first>[A-Z][a-z]{2})(?:-(?P<last>[A-Z][a-z]{2}))? (?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$")
ALWAYS = "24/7"


@dataclass(frozen=True)
class StaffedHours:
    """Days of the week (0 = Monday) and a daily time range, in a time zone."""

    days: frozenset[int]
    start: time
    end: time | None  # None means until midnight
    zone: ZoneInfo
    text: str

    def is_staffed(self, now: datetime) -> bool:
        """True when `now` (timezone-aware) falls in the staffed hours."""
        local = now.astimezone(self.zone)
        clock = local.time()
        return local.weekday() in self.days and self.start <= clock and (self.end is None or clock < self.end)


def _clock(text: str) -> time | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return None
    if hours > 23 or minutes > 59:
        raise SettingsError(f"STAFFED_HOURS has an impossible time: {text}")
    return time(hours, minutes)


def parse_staffed_hours(text: str, zone_name: str) -> StaffedHours:
    """Read STAFFED_HOURS, such as "Mon-Fri 09:00-17:00", "Sat 10:00-14:00" or "24/7"."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SettingsError(f"STAFFED_TIMEZONE is not a time zone: {zone_name!r}") from error
    if text == ALWAYS:
        return StaffedHours(frozenset(range(7)), time(0, 0), None, zone, "day and night, every day")
    match = _PATTERN.match(text)
    if not match or match["first"] not in _DAYS or (match["last"] or match["first"]) not in _DAYS:
        raise SettingsError(f'STAFFED_HOURS must look like "Mon-Fri 09:00-17:00" or "24/7", not {text!r}')
    first, last = _DAYS.index(match["first"]), _DAYS.index(match["last"] or match["first"])
    start = _clock(match["start"]) or time(0, 0)
    end = _clock(match["end"])
    if first > last or (end is not None and end <= start):
        raise SettingsError(f"STAFFED_HOURS runs backwards: {text!r}")
    days = f"{match['first']} to {match['last']}" if match["last"] else match["first"]
    return StaffedHours(frozenset(range(first, last + 1)), start, end, zone,
                        f"{days}, {match['start']} to {match['end']} UK time")


def utc_now() -> datetime:
    """Now, timezone-aware, for staffed-hours checks."""
    return datetime.now(timezone.utc)
