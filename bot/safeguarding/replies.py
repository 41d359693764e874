"""Turning an escalation decision into the chat messages a user reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ESCALATION_TOPIC, ContentItem, ContentLibrary, LawQuestion, register_for
from bot.safeguarding.escalation import EscalationDecision
from bot.safeguarding.topics import EMERGENCY_FIRST_TOPICS, Topic

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


@dataclass(frozen=True)
class Reply:
    """An advice reply: the items it says (services aside), its chat messages, and the law questions
    offered as buttons under the last message."""

    items: list[ContentItem]
    messages: list[str]
    law_questions_offered: list[LawQuestion] = field(default_factory=list)


def law_questions_asked(library: ContentLibrary, text: str, question_id: str | None) -> list[LawQuestion]:
    """The law guide's questions a message asks: the one its button chose, or those its words name."""
    guide = library.law_guide
    return [guide.questions[question_id]] if question_id in guide.questions else guide.questions_asked(text)


def law_answer(library: ContentLibrary, audience: Audience, questions: list[LawQuestion]) -> tuple[
    list[ContentItem], list[str]
]:
    """The answers to the questions in the audience's register, then the guide's closing, and the
    services for those questions; empty for no question."""
    if not questions:
        return [], []
    register = register_for(audience)
    items = [item for question in questions for item in question.answers[register]]
    signposts = [signpost for question in questions for signpost in question.signposts]
    return items + [library.law_guide.closing[register]], signposts + list(library.law_guide.signposts[register])


def advice_items(
    library: ContentLibrary,
    decision: EscalationDecision,
    audience: Audience,
    text: str,
    law_questions: list[LawQuestion] | None = None,
) -> tuple[list[ContentItem], list[str]]:
    """The advice items in the order they are said, and the signpost ids to list under them.

    Self-harm and immediate-danger content starts with 999 and Childline itself, so it always goes
    first; for other escalated topics the escalation advice leads. Situations named in the user's
    words (an AI fake, extremist content...) add their specific advice and route before the general
    advice; a law question the guide can answer gets that answer instead of the overview.
    """
    topic = library.topics[decision.topic.value]
    topic_content = library.for_topic(decision.topic.value, audience)
    items: list[ContentItem] = []
    signposts: list[str] = []
    if decision.escalate and decision.topic not in EMERGENCY_FIRST_TOPICS:
        escalation = library.for_topic(ESCALATION_TOPIC, audience)
        items.extend(escalation.advice)
        signposts.extend(escalation.signposts)
    for situation in topic.situations_mentioned(text):
        items.extend(situation.audiences[audience].advice)
        signposts.extend(situation.audiences[audience].signposts)
    answer, answer_signposts = law_answer(library, audience, law_questions or [])
    items.extend(answer or topic_content.advice)
    items = drop_repeats(items)
    if decision.topic in EMERGENCY_FIRST_TOPICS:
        signposts[:0] = topic_content.signposts
    else:
        signposts.extend(answer_signposts or topic_content.signposts)
    return items, list(dict.fromkeys(signposts))[:MAX_SIGNPOSTS]


def compose_advice(
    library: ContentLibrary, decision: EscalationDecision, audience: Audience, text: str, law_question_id: str | None = None
) -> Reply:
    """The chat messages for an advice reply: the advice, then the services that can help.

    A law question the guide has no answer for is followed by the guide's questions as buttons.
    """
    is_law_question = decision.topic is Topic.LAW_QUESTION
    asked = law_questions_asked(library, text, law_question_id) if is_law_question else []
    items, signpost_ids = advice_items(library, decision, audience, text, asked)
    messages = pack_messages([item.text for item in items])
    if signpost_ids:
        messages.append("\n".join([SIGNPOSTS_HEADING, *library.signpost_lines(signpost_ids)]))
    offered = list(library.law_guide.questions.values()) if is_law_question and not asked else []
    return Reply(items=items, messages=messages, law_questions_offered=offered)
