"""The escalation decision: does this conversation meet a referral criterion from the source documents?

The criteria are the police referral criteria of the Pan-Dorset online safety procedure
(001_08e16c24f7897ee2.txt: "adults involvement; coercion or blackmail; extreme or violent; under 13 or at
immediate risk of harm", and "sexting, grooming, child sexual exploitation, serious threats made or
significant risk of harm to the victim, or where a person 18 or over is involved"), plus self-harm.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.safeguarding.audience import AgeBand
from bot.safeguarding.signals import RiskSignal
from bot.safeguarding.topics import ADVICE_TOPICS, Topic


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


@dataclass(frozen=True)
class EscalationDecision:
    """Whether to bring a human in, and the referral criteria that say so (empty when not)."""

    reasons: tuple[ReferralCriterion, ...]

    @property
    def escalate(self) -> bool:
        """True when at least one referral criterion is met."""
        return bool(self.reasons)

    @property
    def explanation(self) -> list[str]:
        """The reasons in plain words."""
        return [reason.description for reason in self.reasons]


def decide_escalation(
    topic: Topic, signals: frozenset[RiskSignal], age_band: str | None = None
) -> EscalationDecision:
    """Apply the referral criteria to what is known about the conversation so far."""
    reasons: list[ReferralCriterion] = []
    in_scope = topic in ADVICE_TOPICS  # a message about online harm, not chit-chat
    sexual = topic in _SEXUAL_TOPICS or bool(signals & _SEXUAL_SIGNALS)

    if topic is Topic.IMMEDIATE_DANGER or RiskSignal.IMMEDIATE_DANGER in signals:
        reasons.append(ReferralCriterion.IMMEDIATE_RISK)
    if topic is Topic.SELF_HARM or RiskSignal.SELF_HARM_INTENT in signals:
        reasons.append(ReferralCriterion.SELF_HARM)
    if in_scope and RiskSignal.ADULT_INVOLVED in signals:
        reasons.append(ReferralCriterion.ADULT_INVOLVED)
    coerced = topic in {Topic.GROOMING, Topic.SEXTORTION} or RiskSignal.THREAT_TO_SHARE in signals
    if coerced or (sexual and RiskSignal.MONEY_DEMANDED in signals):
        reasons.append(ReferralCriterion.COERCION_OR_BLACKMAIL)
    if in_scope and (signals & {RiskSignal.EXTREME_CONTENT, RiskSignal.VIOLENCE_THREATENED}):
        reasons.append(ReferralCriterion.EXTREME_OR_VIOLENT)
    if sexual and (RiskSignal.AGE_UNDER_13 in signals or age_band == AgeBand.UNDER_13.value):
        reasons.append(ReferralCriterion.UNDER_13)
    return EscalationDecision(reasons=tuple(reasons))
