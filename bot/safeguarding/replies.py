"""Turning an escalation decision into the chat messages a user reads."""

from __future__ import annotations

import re

from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ESCALATION_TOPIC, ContentItem, ContentLibrary
from bot.safeguarding.escalation import EscalationDecision
from bot.safeguarding.topics import EMERGENCY_FIRST_TOPICS

MAX_MESSAGE_CHARS = 600  # long advice is split so each message stays short enough to read on a phone
MAX_SIGNPOSTS = 4
SIGNPOSTS_HEADING = "Who can help:"
BULLET = "• "


def pack_messages(points: list[str], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Group advice points, in order, into as few bulleted messages as fit within the limit.

    Points are joined by single newlines: Rasa's channels split a message at every blank line.
    """
    messages: list[str] = []
    for point in (f"{BULLET}{text}" for text in points):
        if messages and len(messages[-1]) + 1 + len(point) <= limit:
            messages[-1] = f"{messages[-1]}\n{point}"
        else:
            messages.append(point)
    return messages


def _sentences(text: str) -> list[str]:
    return [" ".join(part.lower().split()) for part in re.split(r"(?<=[.!?])\s+", text) if part.strip()]


def drop_repeats(items: list[ContentItem]) -> list[ContentItem]:
    """Items in order, leaving out any whose every sentence was already said by an earlier item.

    Escalation advice and topic advice are written separately and can say the same thing; a child
    should not read "tell an adult you trust today" twice in one reply.
    """
    said: set[str] = set()
    kept: list[ContentItem] = []
    for item in items:
        sentences = _sentences(item.text)
        if not set(sentences) <= said:
            kept.append(item)
            said.update(sentences)
    return kept


def advice_items(library: ContentLibrary, decision: EscalationDecision, audience: Audience, text: str) -> tuple[
    list[ContentItem], list[str]
]:
    """The advice items in the order they are said, and the signpost ids to list under them.

    Self-harm and immediate-danger content starts with 999 and Childline itself, so it always goes
    first; for other escalated topics the escalation advice leads. Harmful-content kinds named in
    the user's words (extremist, hate...) add their specific route before the general advice.
    """
    topic_content = library.for_topic(decision.topic.value, audience)
    items: list[ContentItem] = []
    signposts: list[str] = []
    if decision.escalate and decision.topic not in EMERGENCY_FIRST_TOPICS:
        escalation = library.for_topic(ESCALATION_TOPIC, audience)
        items.extend(escalation.advice)
        signposts.extend(escalation.signposts)
    for kind in library.topics[decision.topic.value].kinds_mentioned(text):
        items.extend(kind.advice)
        signposts.extend(kind.signposts)
    items.extend(topic_content.advice)
    items = drop_repeats(items)
    if decision.topic in EMERGENCY_FIRST_TOPICS:
        signposts[:0] = topic_content.signposts
    else:
        signposts.extend(topic_content.signposts)
    return items, list(dict.fromkeys(signposts))[:MAX_SIGNPOSTS]


def compose_advice(library: ContentLibrary, decision: EscalationDecision, audience: Audience, text: str) -> list[str]:
    """The chat messages for an advice reply: the advice, then the services that can help."""
    items, signpost_ids = advice_items(library, decision, audience, text)
    messages = pack_messages([item.text for item in items])
    if signpost_ids:
        messages.append("\n".join([SIGNPOSTS_HEADING, *library.signpost_lines(signpost_ids)]))
    return messages
