"""Topics: what a message is about, as a safeguarding reader would file it."""

from __future__ import annotations

from enum import Enum


class Topic(str, Enum):
    """The topics the triage CLI reports and the content library is organised by."""

    BULLYING = "bullying"
    NUDE_IMAGE_SHARING = "nude_image_sharing"
    SEXTORTION = "sextortion"
    GROOMING = "grooming"
    HARMFUL_CONTENT = "harmful_content"
    SELF_HARM = "self_harm"
    IMMEDIATE_DANGER = "immediate_danger"
    LAW_QUESTION = "law_question"
    REPORTING = "reporting"
    HUMAN_REQUEST = "human_request"
    GREETING = "greeting"
    FOLLOW_UP = "follow_up"
    OTHER = "other"


# Intent names are Rasa's; topics are ours. Intents not listed here (fallback, profile answers) are OTHER.
# FOLLOW_UP is a message that adds to the conversation's topic (see escalation.conversation_topic).
INTENT_TOPICS: dict[str, Topic] = {
    "bullying": Topic.BULLYING,
    "nude_image_sharing": Topic.NUDE_IMAGE_SHARING,
    "sextortion": Topic.SEXTORTION,
    "grooming": Topic.GROOMING,
    "harmful_content": Topic.HARMFUL_CONTENT,
    "self_harm": Topic.SELF_HARM,
    "immediate_danger": Topic.IMMEDIATE_DANGER,
    "law_question": Topic.LAW_QUESTION,
    "how_to_report": Topic.REPORTING,
    "ask_human": Topic.HUMAN_REQUEST,
    "greet": Topic.GREETING,
    "start": Topic.GREETING,
    "goodbye": Topic.GREETING,
    "thanks": Topic.GREETING,
    "follow_up": Topic.FOLLOW_UP,
}

# Topics that get advice from the content library (a file per topic in data/content/).
ADVICE_TOPICS: frozenset[Topic] = frozenset(
    {
        Topic.BULLYING,
        Topic.NUDE_IMAGE_SHARING,
        Topic.SEXTORTION,
        Topic.GROOMING,
        Topic.HARMFUL_CONTENT,
        Topic.SELF_HARM,
        Topic.IMMEDIATE_DANGER,
        Topic.LAW_QUESTION,
        Topic.REPORTING,
        Topic.HUMAN_REQUEST,
    }
)

# Replies on these topics must open with 999 and Childline (DEVELOPERS.md safety rule 3).
EMERGENCY_FIRST_TOPICS: frozenset[Topic] = frozenset({Topic.SELF_HARM, Topic.IMMEDIATE_DANGER})


def topic_for_intent(intent: str | None) -> Topic:
    """The topic of an intent name; unknown or missing intents are OTHER."""
    return INTENT_TOPICS.get(intent or "", Topic.OTHER)
