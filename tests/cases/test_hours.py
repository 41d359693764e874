"""Staffed hours: the bot says a person will read soon only when someone is there."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.cases.hours import parse_staffed_hours
from bot.settings import SettingsError


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_weekday_office_hours_in_uk_time() -> None:
    hours = parse_staffed_hours("Mon-Fri 09:00-17:00", "Europe/London")
    assert hours.is_staffed(_utc(2026, 12, 2, 9, 0))  # Wednesday, GMT
    assert not hours.is_staffed(_utc(2026, 12, 2, 17, 0))
    assert not hours.is_staffed(_utc(2026, 12, 5, 12, 0))  # Saturday
    assert hours.is_staffed(_utc(2026, 7, 1, 8, 30))  # 09:30 BST
    assert not hours.is_staffed(_utc(2026, 7, 1, 16, 30))  # 17:30 BST
    assert hours.text == "Mon to Fri, 09:00 to 17:00 UK time"


def test_all_day_and_single_days() -> None:
    always = parse_staffed_hours("24/7", "Europe/London")
    assert always.is_staffed(_utc(2026, 12, 6, 3, 0)) and always.text == "day and night, every day"
    saturday = parse_staffed_hours("Sat 10:00-24:00", "Europe/London")
    assert saturday.is_staffed(_utc(2026, 12, 5, 23, 59)) and not saturday.is_staffed(_utc(2026, 12, 6, 0, 1))


@pytest.mark.parametrize("text", ["weekdays", "Fri-Mon 09:00-17:00", "Mon-Fri 17:00-09:00", "Mon 25:00-26:00", "Xyz 09:00-10:00"])
def test_hours_that_cannot_be_read_are_refused(text: str) -> None:
    with pytest.raises(SettingsError):
        parse_staffed_hours(text, "Europe/London")


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(SettingsError):
        parse_staffed_hours("24/7", "Mars/Olympus")
