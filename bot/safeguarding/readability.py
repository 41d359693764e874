"""How hard a reply is to read, and how hard it may be for each audience.

Flesch-Kincaid grade (textstat, offline): roughly the school year a reader needs to have reached.
"""

from __future__ import annotations

from collections.abc import Iterable

import textstat

from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ContentItem

# Under-13s read at primary level; 13-17s at lower-secondary level; parents and carers at the level
# of a broadsheet's plain pages. Professionals get precise terms, still kept to plain English.
GRADE_LIMITS: dict[Audience, float] = {
    Audience.UNDER_13: 5,
    Audience.AGE_13_15: 7,
    Audience.AGE_16_17: 7,
    Audience.PARENT: 9,
    Audience.PROFESSIONAL: 12,
}


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of a text."""
    return float(textstat.flesch_kincaid_grade(text))


def items_grade(items: Iterable[ContentItem]) -> float:
    """The Flesch-Kincaid grade of what a list of advice items says together (0 for none)."""
    text = " ".join(item.text for item in items)
    return reading_grade(text) if text else 0.0
