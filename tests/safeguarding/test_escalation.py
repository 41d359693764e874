"""The escalation decision implements the source documents' referral criteria."""

import pytest

from bot.safeguarding.assessment import assess
from bot.safeguarding.escalation import ReferralCriterion, decide_escalation
from bot.safeguarding.signals import RiskSignal
from bot.safeguarding.topics import Topic


@pytest.mark.parametrize(
    ("topic", "signals", "age_band", "criterion"),
    [
        (Topic.NUDE_IMAGE_SHARING, {RiskSignal.ADULT_INVOLVED}, None, ReferralCriterion.ADULT_INVOLVED),
        (Topic.SEXTORTION, set(), None, ReferralCriterion.COERCION_OR_BLACKMAIL),
        (Topic.GROOMING, set(), None, ReferralCriterion.COERCION_OR_BLACKMAIL),
        (Topic.HARMFUL_CONTENT, {RiskSignal.EXTREME_CONTENT}, None, ReferralCriterion.EXTREME_OR_VIOLENT),
        (Topic.BULLYING, {RiskSignal.VIOLENCE_THREATENED}, None, ReferralCriterion.EXTREME_OR_VIOLENT),
        (Topic.NUDE_IMAGE_SHARING, set(), "under_13", ReferralCriterion.UNDER_13),
        (Topic.NUDE_IMAGE_SHARING, {RiskSignal.AGE_UNDER_13}, None, ReferralCriterion.UNDER_13),
        (Topic.IMMEDIATE_DANGER, set(), None, ReferralCriterion.IMMEDIATE_RISK),
        (Topic.OTHER, {RiskSignal.IMMEDIATE_DANGER}, None, ReferralCriterion.IMMEDIATE_RISK),
        (Topic.SELF_HARM, set(), None, ReferralCriterion.SELF_HARM),
        (Topic.OTHER, {RiskSignal.SELF_HARM_INTENT}, None, ReferralCriterion.SELF_HARM),
    ],
)
def test_each_referral_criterion_escalates(
    topic: Topic, signals: set[RiskSignal], age_band: str | None, criterion: ReferralCriterion
) -> None:
    decision = decide_escalation(topic, frozenset(signals), age_band)
    assert decision.escalate
    assert criterion in decision.reasons
    assert criterion.description in decision.explanation


@pytest.mark.parametrize(
    ("topic", "signals", "age_band"),
    [
        (Topic.BULLYING, set(), None),
        (Topic.BULLYING, set(), "under_13"),
        (Topic.NUDE_IMAGE_SHARING, set(), "age_16_17"),
        (Topic.HARMFUL_CONTENT, set(), None),
        (Topic.LAW_QUESTION, set(), None),
        (Topic.OTHER, {RiskSignal.ADULT_INVOLVED}, None),
    ],
)
def test_no_criterion_no_escalation(topic: Topic, signals: set[RiskSignal], age_band: str | None) -> None:
    decision = decide_escalation(topic, frozenset(signals), age_band)
    assert not decision.escalate
    assert decision.explanation == []


def test_signals_from_earlier_in_the_conversation_still_count() -> None:
    first = assess("out_of_scope", "hes 25")
    later = assess("nude_image_sharing", "he wants pics", earlier_signals=first.signals)
    assert ReferralCriterion.ADULT_INVOLVED in later.decision.reasons
    assert {"adult_involved", "images_requested"} <= set(later.signal_names)
