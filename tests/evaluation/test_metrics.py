"""`make eval`'s figures, checked by hand on five messages."""

import pytest

from bot.evaluation.metrics import Labelled, Predicted, evaluate, scores

F = frozenset

# label                                                   | prediction
# 1 grooming, adult_involved, escalate                      | grooming, adult_involved, escalate       (all right)
# 2 grooming, no signals, escalate                          | bullying, meeting_planned, no escalation  (missed)
# 3 bullying, no signals, no escalation                     | bullying, nothing, no escalation          (right)
# 4 out_of_scope, no escalation                             | bullying (a harm topic), escalate         (false alarm)
# 5 self_harm, self_harm_intent, escalate                   | self_harm, self_harm_intent, escalate     (right)
LABELLED = [
    Labelled("a", "grooming", F({"adult_involved"}), True),
    Labelled("b", "grooming", F(), True),
    Labelled("c", "bullying", F(), False),
    Labelled("d", "out_of_scope", F(), False),
    Labelled("e", "self_harm", F({"self_harm_intent"}), True),
]
PREDICTED = [
    Predicted("grooming", "grooming", F({"adult_involved"}), True),
    Predicted("bullying", "bullying", F({"meeting_planned"}), False),
    Predicted("bullying", "bullying", F(), False),
    Predicted("bullying", "bullying", F(), True),
    Predicted("self_harm", "self_harm", F({"self_harm_intent"}), True),
]
SIGNALS = ["adult_involved", "meeting_planned", "self_harm_intent"]


def test_per_intent_scores_and_macro_f1() -> None:
    result = evaluate(LABELLED, PREDICTED, SIGNALS)
    # grooming: tp 1, fp 0, fn 1 -> P 1, R 0.5, F1 2/3
    assert result.intents["grooming"] == pytest.approx(scores(1, 0, 1))
    assert result.intents["grooming"].f1 == pytest.approx(2 / 3)
    # bullying: tp 1, fp 2 (messages b and d), fn 0 -> P 1/3, R 1, F1 0.5
    assert result.intents["bullying"].precision == pytest.approx(1 / 3)
    assert result.intents["bullying"].f1 == pytest.approx(0.5)
    # out_of_scope: never predicted -> F1 0; self_harm: perfect -> F1 1
    assert result.intents["out_of_scope"].f1 == 0.0
    assert result.intents["self_harm"].f1 == 1.0
    assert result.macro_f1 == pytest.approx((2 / 3 + 0.5 + 0.0 + 1.0) / 4)
    assert result.accuracy == pytest.approx(3 / 5)


def test_escalation_figures() -> None:
    result = evaluate(LABELLED, PREDICTED, SIGNALS)
    assert result.escalation_recall == pytest.approx(2 / 3)  # a and e of a, b, e
    assert result.false_escalation_rate == pytest.approx(1 / 2)  # d of c, d
    assert result.missed_escalations == ["b"]
    assert result.false_escalations == ["d"]
    assert result.must_escalate_missed == []


def test_signal_scores() -> None:
    result = evaluate(LABELLED, PREDICTED, SIGNALS)
    assert (result.signals["adult_involved"].precision, result.signals["adult_involved"].recall) == (1.0, 1.0)
    assert result.signals["meeting_planned"].precision == 0.0  # one false positive, nothing to find
    assert result.signals["meeting_planned"].support == 0
    assert result.signals["self_harm_intent"].f1 == 1.0


def test_out_of_scope_and_confusion() -> None:
    result = evaluate(LABELLED, PREDICTED, SIGNALS)
    assert result.out_of_scope_without_harm_topic == 0.0  # d was given the bullying topic
    assert result.confusion[("grooming", "bullying")] == 1
    assert result.confusion[("grooming", "grooming")] == 1
    assert result.wrong_intents == [("b", "grooming", "bullying"), ("d", "out_of_scope", "bullying")]


def test_counts_must_line_up() -> None:
    with pytest.raises(ValueError):
        evaluate(LABELLED, PREDICTED[:-1], SIGNALS)


def test_a_set_without_out_of_scope_messages_has_no_out_of_scope_rate() -> None:
    result = evaluate(LABELLED[:3], PREDICTED[:3], SIGNALS)
    assert result.out_of_scope_without_harm_topic is None
