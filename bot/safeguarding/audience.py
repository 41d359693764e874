"""Who the bot is talking to: role, age band, and the audience whose words a reply is written in."""

from __future__ import annotations

import re
from enum import Enum


class Role(str, Enum):
    """Who the user says they are (the `role` slot)."""

    YOUNG_PERSON = "young_person"
    PARENT = "parent"
    PROFESSIONAL = "professional"


class AgeBand(str, Enum):
    """A young person's age band (the `age_band` slot). The exact age is never stored."""

    UNDER_13 = "under_13"
    AGE_13_15 = "age_13_15"
    AGE_16_17 = "age_16_17"


class Audience(str, Enum):
    """The reader a piece of content is written for (keys of `audiences:` in data/content/)."""

    UNDER_13 = "under_13"
    AGE_13_15 = "age_13_15"
    AGE_16_17 = "age_16_17"
    PARENT = "parent"
    PROFESSIONAL = "professional"


# When we know nothing about the user we assume a young person in the middle band: the words stay
# simple, and a child who discloses before answering "who are you?" still gets advice meant for them.
DEFAULT_AUDIENCE = Audience.AGE_13_15

ADULT_AGE = 18

_PARENT_WORDS = re.compile(
    r"\bmy\s+(?:\d{1,2}\s*(?:yo|y/o|yr|year)s?[\s-]*old\s+)?"
    r"(?:son|daughter|child|children|kid|kids|boy|girl|stepson|stepdaughter|teen|teenager|grandson|granddaughter)\b",
    re.IGNORECASE,
)
_PROFESSIONAL_WORDS = re.compile(
    r"\b(?:a|one of my|my)\s+(?:pupil|pupils|student|students|learner|young person i (?:work with|support)|"
    r"child in my class|foster child)\b|\bi'?m\s+(?:a|an|the)\s+(?:teacher|dsl|social worker|youth worker|"
    r"safeguarding lead|designated safeguarding lead)\b",
    re.IGNORECASE,
)


_OWN_AGE = re.compile(r"\b(?:i'?m|im|i am|am)\s+(?:only\s+|just\s+)?(\d{1,2})\b(?!\s*(?:am|pm|%|:|\.\d|mins?|minutes|hours|days|weeks|months|times|quid|pounds))",
                      re.IGNORECASE)


def stated_own_age(text: str) -> int | None:
    """The user's own age when they state it ("im 12 and..."), else None."""
    match = _OWN_AGE.search(text.replace("’", "'"))
    return parse_age(match.group(1)) if match else None


def age_band_for_age(age: int) -> AgeBand | None:
    """The age band for a young person's age, or None for an adult or an impossible age."""
    if age < 0 or age >= ADULT_AGE:
        return None
    if age < 13:
        return AgeBand.UNDER_13
    if age < 16:
        return AgeBand.AGE_13_15
    return AgeBand.AGE_16_17


def parse_age(value: object) -> int | None:
    """An age from an entity value ("12", 12, "12yo"), or None if it holds no sensible age."""
    match = re.search(r"\d{1,3}", str(value))
    if match is None:
        return None
    age = int(match.group())
    return age if 4 <= age <= 120 else None


def infer_role(text: str) -> Role | None:
    """A role implied by how the user speaks ("my son..." is a parent), when they have not said it."""
    if _PROFESSIONAL_WORDS.search(text):
        return Role.PROFESSIONAL
    if _PARENT_WORDS.search(text):
        return Role.PARENT
    return None


def audience_for(role: str | None, age_band: str | None) -> Audience:
    """The audience a reply is written for, from the `role` and `age_band` slots."""
    if role == Role.PARENT.value:
        return Audience.PARENT
    if role == Role.PROFESSIONAL.value:
        return Audience.PROFESSIONAL
    if age_band in {band.value for band in AgeBand}:
        return Audience(age_band)
    return DEFAULT_AUDIENCE
