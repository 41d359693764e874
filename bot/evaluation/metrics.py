"""The figures `make eval` reports, computed from labelled messages and the bot's decisions on them.

Plain functions over plain records so that a tiny hand-checked example can prove them right
(tests/evaluation/test_metrics.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.safeguarding.topics import ADVICE_TOPICS, Topic

# Topics that mean "this message is about an online harm"; out-of-scope messages must not land here.
HARM_TOPICS: frozenset[str] = frozenset(
    topic.value for topic in ADVICE_TOPICS - {Topic.LAW_QUESTION, Topic.REPORTING, Topic.HUMAN_REQUEST}
)
MUST_ESCALATE_INTENTS = ("immediate_danger", "self_harm")
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Labelled:
    """One dev-set message: what a safeguarding reader says it is."""

    text: str
    intent: str
    signals: frozenset[str]
    escalate: bool


@dataclass(frozen=True)
class Predicted:
    """What the bot made of the same message."""

    intent: str
    topic: str
    signals: frozenset[str]
    escalate: bool


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 for one class, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    support: int


def scores(true_positives: int, false_positives: int, false_negatives: int) -> Scores:
    """Precision, recall and F1 from counts (0.0 where a ratio has nothing to divide by)."""
    precision = true_positives / (true_positives + false_positives) if true_positives + false_positives else 0.0
    recall = true_positives / (true_positives + false_negatives) if true_positives + false_negatives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, true_positives + false_negatives)


@dataclass
class Evaluation:
    """Every figure `make eval` prints, and the misses a reviewer should read."""

    intents: dict[str, Scores]
    macro_f1: float
    accuracy: float
    escalation_recall: float
    false_escalation_rate: float
    must_escalate_missed: list[str]
    signals: dict[str, Scores]
    out_of_scope_without_harm_topic: float | None  # None when the set has no out-of-scope messages
    confusion: dict[tuple[str, str], int]
    missed_escalations: list[str] = field(default_factory=list)
    false_escalations: list[str] = field(default_factory=list)
    wrong_intents: list[tuple[str, str, str]] = field(default_factory=list)


def _rate(count: int, total: int) -> float:
    return count / total if total else 0.0


def intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Scores]:
    """Per-intent scores for every intent in the gold labels (a prediction outside them is just wrong)."""
    return {
        intent: scores(
            sum(g == intent and p == intent for g, p in zip(gold, predicted)),
            sum(g != intent and p == intent for g, p in zip(gold, predicted)),
            sum(g == intent and p != intent for g, p in zip(gold, predicted)),
        )
        for intent in sorted(set(gold))
    }


def signal_scores(gold: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]], names: Iterable[str]) -> dict[
    str, Scores
]:
    """Per-signal scores over messages: a message either states the signal or does not."""
    return {
        name: scores(
            sum(name in g and name in p for g, p in zip(gold, predicted)),
            sum(name not in g and name in p for g, p in zip(gold, predicted)),
            sum(name in g and name not in p for g, p in zip(gold, predicted)),
        )
        for name in names
    }


def evaluate(labelled: Sequence[Labelled], predicted: Sequence[Predicted], signal_names: Iterable[str]) -> Evaluation:
    """All figures for one run over the dev set (`labelled[i]` and `predicted[i]` are the same message)."""
    if len(labelled) != len(predicted):
        raise ValueError("every labelled message needs exactly one prediction")
    pairs = list(zip(labelled, predicted))
    gold_intents = [item.intent for item in labelled]
    predicted_intents = [prediction.intent for prediction in predicted]
    per_intent = intent_scores(gold_intents, predicted_intents)
    confusion: dict[tuple[str, str], int] = {}
    for gold, prediction in pairs:
        key = (gold.intent, prediction.intent)
        confusion[key] = confusion.get(key, 0) + 1
    should = [(g, p) for g, p in pairs if g.escalate]
    should_not = [(g, p) for g, p in pairs if not g.escalate]
    out_of_scope = [p for g, p in pairs if g.intent == OUT_OF_SCOPE]
    return Evaluation(
        intents=per_intent,
        macro_f1=sum(s.f1 for s in per_intent.values()) / len(per_intent) if per_intent else 0.0,
        accuracy=_rate(sum(g == p for g, p in zip(gold_intents, predicted_intents)), len(pairs)),
        escalation_recall=_rate(sum(p.escalate for _, p in should), len(should)),
        false_escalation_rate=_rate(sum(p.escalate for _, p in should_not), len(should_not)),
        must_escalate_missed=[
            g.text for g, p in should if g.intent in MUST_ESCALATE_INTENTS and not p.escalate
        ],
        signals=signal_scores([g.signals for g in labelled], [p.signals for p in predicted], signal_names),
        out_of_scope_without_harm_topic=(
            _rate(sum(p.topic not in HARM_TOPICS for p in out_of_scope), len(out_of_scope)) if out_of_scope else None
        ),
        confusion=confusion,
        missed_escalations=[g.text for g, p in should if not p.escalate],
        false_escalations=[g.text for g, p in should_not if p.escalate],
        wrong_intents=[(g.text, g.intent, p.intent) for g, p in pairs if g.intent != p.intent],
    )
