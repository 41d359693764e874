"""Audience: who the user is decides the words of the reply."""

import pytest

from bot.safeguarding.audience import (
    DEFAULT_AUDIENCE,
    AgeBand,
    Audience,
    Role,
    age_band_for_age,
    audience_for,
    infer_role,
    parse_age,
    stated_own_age,
)


@pytest.mark.parametrize(
    ("age", "band"),
    [(8, AgeBand.UNDER_13), (12, AgeBand.UNDER_13), (13, AgeBand.AGE_13_15), (15, AgeBand.AGE_13_15),
     (16, AgeBand.AGE_16_17), (17, AgeBand.AGE_16_17), (18, None), (40, None)],
)
def test_age_bands(age: int, band: AgeBand | None) -> None:
    assert age_band_for_age(age) is band


@pytest.mark.parametrize(("value", "age"), [("12", 12), (14, 14), ("15yo", 15), ("two", None), ("999", None)])
def test_parse_age(value: object, age: int | None) -> None:
    assert parse_age(value) == age


@pytest.mark.parametrize(
    ("role", "age_band", "audience"),
    [
        ("parent", None, Audience.PARENT),
        ("parent", "age_13_15", Audience.PARENT),
        ("professional", None, Audience.PROFESSIONAL),
        ("young_person", "under_13", Audience.UNDER_13),
        ("young_person", "age_16_17", Audience.AGE_16_17),
        ("young_person", None, DEFAULT_AUDIENCE),
        (None, None, DEFAULT_AUDIENCE),
    ],
)
def test_audience_for(role: str | None, age_band: str | None, audience: Audience) -> None:
    assert audience_for(role, age_band) is audience


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("my son is being bullied on xbox", Role.PARENT),
        ("my 14 year old daughter got sent a nude", Role.PARENT),
        ("a pupil told me someone is threatening her", Role.PROFESSIONAL),
        ("i'm a teacher and a student shared a video", Role.PROFESSIONAL),
        ("someone is being horrible to me", None),
        ("my mate got sent a pic", None),
    ],
)
def test_infer_role(text: str, role: Role | None) -> None:
    assert infer_role(text) is role


@pytest.mark.parametrize(
    ("text", "age"),
    [("im 12 and someone asked for pics", 12), ("I'm only 15", 15), ("i am 9", 9), ("im 5 mins away", None),
     ("my son is 12", None), ("im fine", None)],
)
def test_stated_own_age(text: str, age: int | None) -> None:
    assert stated_own_age(text) == age
