"""One assessment of a user message: topic, risk signals and the escalation decision.

The live bot (action_give_advice) and the triage CLI both call `assess`, so the CLI reports exactly
the decision the bot takes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.safeguarding.escalation import EscalationDecision, decide_escalation
from bot.safeguarding.signals import RiskSignal, detect_signals
from bot.safeguarding.topics import Topic, topic_for_intent


@dataclass(frozen=True)
class Assessment:
    """What the bot concluded about a message in the light of the conversation so far."""

    topic: Topic
    signals: frozenset[RiskSignal]
    decision: EscalationDecision

    @property
    def signal_names(self) -> list[str]:
        """The signals as sorted plain names, for slots and JSON."""
        return sorted(signal.value for signal in self.signals)


def assess(
    intent: str | None,
    text: str,
    age_band: str | None = None,
    earlier_signals: frozenset[RiskSignal] = frozenset(),
) -> Assessment:
    """Assess a message; signals found earlier in the conversation still count.

    A message the NLU could not place (fallback, out of scope) that speaks of danger now or of
    self-harm is answered as that topic: a missed disclosure must still get the emergency advice.
    """
    stated_now = detect_signals(text)
    signals = earlier_signals | stated_now
    topic = topic_for_intent(intent)
    if topic is Topic.OTHER:
        topic = urgent_topic(stated_now) or topic
    return Assessment(topic=topic, signals=signals, decision=decide_escalation(topic, signals, age_band))


def urgent_topic(signals: frozenset[RiskSignal]) -> Topic | None:
    """The topic a message's own words demand even when the NLU could not tell what it was about."""
    if RiskSignal.IMMEDIATE_DANGER in signals:
        return Topic.IMMEDIATE_DANGER
    if RiskSignal.SELF_HARM_INTENT in signals:
        return Topic.SELF_HARM
    return None


def signals_from_names(names: list[str] | None) -> frozenset[RiskSignal]:
    """Signals stored in a slot, skipping names this version does not know."""
    known = {signal.value for signal in RiskSignal}
    return frozenset(RiskSignal(name) for name in names or [] if name in known)
