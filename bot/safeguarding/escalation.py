"""The escalation decision: does this conversation meet a referral criterion from the source documents?

The criteria are the police referral criteria of the Pan-Dorset online safety procedure
(001_08e16c24f7897ee2.txt: "adults involvement; coercion or blackmail; extreme or violent; under 13 or at
immediate risk of harm", and "sexting, grooming, child sexual exploitation, serious threats made or
significant risk of harm to the victim, or where a person 18 or over is involved"), plus self-harm.

The decision is one function of the message's intent and risk signals, the user's age band and what the
conversation had already established, so a detail added later ("he's 25") changes the decision just as
it would have in the first message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.safeguarding.audience import AgeBand
from bot.safeguarding.signals import RiskSignal, reading_in_parse
from bot.safeguarding.topics import ADVICE_TOPICS, Topic, topic_for_intent


class ReferralCriterion(str, Enum):
    """A reason to bring a human in, worded as a safeguarding lead would record it."""

    ADULT_INVOLVED = "adult_involved"
    COERCION_OR_BLACKMAIL = "coercion_or_blackmail"
    EXTREME_OR_VIOLENT = "extreme_or_violent"
    UNDER_13 = "under_13"
    IMMEDIATE_RISK = "immediate_risk"
    SELF_HARM = "self_harm"

    @property
    def description(self) -> str:
        """The criterion in plain words for staff and logs."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: dict[ReferralCriterion, str] = {
    ReferralCriterion.ADULT_INVOLVED: "An adult (18 or over) is involved",
    ReferralCriterion.COERCION_OR_BLACKMAIL: "Coercion, blackmail or grooming",
    ReferralCriterion.EXTREME_OR_VIOLENT: "Extreme or violent material, or serious threats",
    ReferralCriterion.UNDER_13: "A child under 13 is involved in sexual imagery or contact",
    ReferralCriterion.IMMEDIATE_RISK: "A child may be at immediate risk of harm",
    ReferralCriterion.SELF_HARM: "Self-harm or suicidal feelings",
}

_SEXUAL_TOPICS = frozenset({Topic.NUDE_IMAGE_SHARING, Topic.SEXTORTION, Topic.GROOMING})
_SEXUAL_SIGNALS = frozenset(
    {RiskSignal.IMAGES_REQUESTED, RiskSignal.IMAGE_SHARED_WITHOUT_CONSENT, RiskSignal.THREAT_TO_SHARE}
)
# Signs that someone is building contact with a child: the grooming indicators of the source documents
# ("contacted by someone inappropriately", gifts, secrecy, moving to a private chat, arranging to meet).
_CONTACT_SIGNALS = frozenset(
    {RiskSignal.GIFTS_OFFERED, RiskSignal.SECRECY_REQUESTED, RiskSignal.MOVED_TO_PRIVATE_CHAT, RiskSignal.MEETING_PLANNED}
)
# With an adult or a child under 13, any of these (or a request for pictures) reads as grooming.
_GROOMING_SIGNS = _CONTACT_SIGNALS | {RiskSignal.IMAGES_REQUESTED}
_ADULT_OR_UNDER_13 = frozenset({RiskSignal.ADULT_INVOLVED, RiskSignal.AGE_UNDER_13})
_CRITERIA_ORDER = tuple(ReferralCriterion)


@dataclass(frozen=True)
class ConversationContext:
    """What earlier messages in the conversation established (kept in the tracker's slots)."""

    topic: Topic | None = None
    signals: frozenset[RiskSignal] = frozenset()
    reasons: frozenset[ReferralCriterion] = frozenset()


@dataclass(frozen=True)
class EscalationDecision:
    """What the message is about in context, every signal known so far, and the criteria met."""

    topic: Topic
    signals: frozenset[RiskSignal]
    reasons: tuple[ReferralCriterion, ...]
    new_reasons: tuple[ReferralCriterion, ...]

    @property
    def escalate(self) -> bool:
        """True when at least one referral criterion is met."""
        return bool(self.reasons)

    @property
    def explanation(self) -> list[str]:
        """The reasons in plain words."""
        return [reason.description for reason in self.reasons]

    @property
    def signal_names(self) -> list[str]:
        """The signals as sorted plain names, for slots and JSON."""
        return sorted(signal.value for signal in self.signals)

    @property
    def reason_names(self) -> list[str]:
        """The referral criteria as plain names, for slots and JSON."""
        return [reason.value for reason in self.reasons]


def urgent_topic(signals: frozenset[RiskSignal]) -> Topic | None:
    """The topic a message's own words demand even when the NLU could not tell what it was about."""
    if RiskSignal.IMMEDIATE_DANGER in signals:
        return Topic.IMMEDIATE_DANGER
    if RiskSignal.SELF_HARM_INTENT in signals:
        return Topic.SELF_HARM
    return None


_STAND_INS = ("follow_up", "nlu_fallback")  # intents that say how a message relates, not what it is about


def intent_in_context(parse: Mapping[str, Any], signals: frozenset[RiskSignal], context: ConversationContext) -> str | None:
    """The intent to decide on: the NLU's, unless it only says "follow-up" or "unsure".

    With no conversation before it, a follow-up, or a message the NLU was unsure of that states a risk
    signal, is read as its best-ranked real intent: "dont tell ur parents he said" as a first message
    is a grooming disclosure, and a risky message must get advice, not a request to rephrase. Within a
    conversation, `conversation_topic` reads both in the conversation's topic instead.
    """
    intent = (parse.get("intent") or {}).get("name")
    if context.topic is not None or intent not in _STAND_INS or (intent == "nlu_fallback" and not signals):
        return intent
    ranked = [entry.get("name") for entry in parse.get("intent_ranking") or []]
    return next((name for name in ranked if name not in _STAND_INS), intent)


def conversation_topic(intent: str | None, signals: frozenset[RiskSignal], context: ConversationContext) -> Topic:
    """The topic of a message read in its conversation.

    A follow-up ("it's on snapchat", "what if he already has them?") belongs to the conversation's topic.
    A message the NLU could not place is answered as danger or self-harm when its words say so (a missed
    disclosure must still get the emergency advice), as the conversation's topic when it states a risk
    signal there (a detail such as "hes 25"), as harmful content when its words name extreme material, as
    bullying when they state a threat of violence, and as grooming when they show an adult or a child
    under 13 together with a sign of grooming ("some old guy sends me £20 every time we talk").
    """
    topic = topic_for_intent(intent)
    if topic not in (Topic.FOLLOW_UP, Topic.OTHER):
        return topic
    urgent = urgent_topic(signals)
    if urgent is not None:
        return urgent
    if context.topic in ADVICE_TOPICS and (topic is Topic.FOLLOW_UP or signals):
        return context.topic
    if topic is Topic.OTHER:
        if RiskSignal.EXTREME_CONTENT in signals:
            return Topic.HARMFUL_CONTENT
        if RiskSignal.VIOLENCE_THREATENED in signals:
            return Topic.BULLYING
        if signals & _GROOMING_SIGNS and signals & _ADULT_OR_UNDER_13:
            return Topic.GROOMING
    return topic


def _criteria_met(
    topic: Topic, signals: frozenset[RiskSignal], age_band: str | None, asked_in_general: bool
) -> set[ReferralCriterion]:
    met: set[ReferralCriterion] = set()
    in_scope = topic in ADVICE_TOPICS  # a message about online harm, not chit-chat
    sexual = topic in _SEXUAL_TOPICS or bool(signals & _SEXUAL_SIGNALS)
    # A question about danger in general ("what should I do if someone follows me") is answered with the
    # danger advice (999 first) but is not a referral; self-harm always is.
    if (topic is Topic.IMMEDIATE_DANGER and not asked_in_general) or RiskSignal.IMMEDIATE_DANGER in signals:
        met.add(ReferralCriterion.IMMEDIATE_RISK)
    if topic is Topic.SELF_HARM or RiskSignal.SELF_HARM_INTENT in signals:
        met.add(ReferralCriterion.SELF_HARM)
    if in_scope and RiskSignal.ADULT_INVOLVED in signals:
        met.add(ReferralCriterion.ADULT_INVOLVED)
    # A grooming or blackmail disclosure is coercion; a question about it in general is not. Being told to
    # keep it secret is a sign of grooming whatever the topic.
    coerced = (
        (topic in {Topic.GROOMING, Topic.SEXTORTION} and not asked_in_general)
        or RiskSignal.THREAT_TO_SHARE in signals
        or (in_scope and RiskSignal.SECRECY_REQUESTED in signals)
    )
    if coerced or (sexual and RiskSignal.MONEY_DEMANDED in signals):
        met.add(ReferralCriterion.COERCION_OR_BLACKMAIL)
    if in_scope and signals & {RiskSignal.EXTREME_CONTENT, RiskSignal.VIOLENCE_THREATENED}:
        met.add(ReferralCriterion.EXTREME_OR_VIOLENT)
    contact = sexual or (in_scope and bool(signals & _CONTACT_SIGNALS))
    if contact and (RiskSignal.AGE_UNDER_13 in signals or age_band == AgeBand.UNDER_13.value):
        met.add(ReferralCriterion.UNDER_13)
    return met


def decide_escalation(
    intent: str | None,
    signals: frozenset[RiskSignal],
    age_band: str | None = None,
    context: ConversationContext = ConversationContext(),
    asked_in_general: bool = False,
) -> EscalationDecision:
    """Apply the referral criteria to this message in the light of the conversation so far.

    Signals stated earlier in the conversation still count; `new_reasons` are the criteria this message
    meets that the conversation had not met before. `asked_in_general` (from the risk-signal component)
    marks a message that asks about grooming, blackmail or danger without disclosing any.
    """
    topic = conversation_topic(intent, signals, context)
    known = signals | context.signals
    met = _criteria_met(topic, known, age_band, asked_in_general and not context.signals)
    reasons = tuple(criterion for criterion in _CRITERIA_ORDER if criterion in met)
    return EscalationDecision(
        topic=topic,
        signals=known,
        reasons=reasons,
        new_reasons=tuple(reason for reason in reasons if reason not in context.reasons),
    )


def decide_on_parse(
    parse: Mapping[str, Any], age_band: str | None = None, context: ConversationContext = ConversationContext()
) -> EscalationDecision:
    """The decision for a Rasa parse result: its intent read in context, and its risk-signal reading.

    The advice action, the triage CLI and `make eval` all decide through this one function.
    """
    reading = reading_in_parse(parse)
    intent = intent_in_context(parse, reading.signals, context)
    return decide_escalation(intent, reading.signals, age_band, context, reading.asked_in_general)
