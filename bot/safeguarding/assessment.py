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
    """Assess a message; signals found earlier in the conversation still count."""
    topic = topic_for_intent(intent)
    signals = earlier_signals | detect_signals(text)
    return Assessment(topic=topic, signals=signals, decision=decide_escalation(topic, signals, age_band))


def signals_from_names(names: list[str] | None) -> frozenset[RiskSignal]:
    """Signals stored in a slot, skipping names this version does not know."""
    known = {signal.value for signal in RiskSignal}
    return frozenset(RiskSignal(name) for name in names or [] if name in known)
