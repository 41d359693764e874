"""Immediate danger: 999 first, and escalated even when recognised only from the words."""

from actions.advice import plan_advice
from bot.safeguarding.assessment import assess
from bot.safeguarding.content import ContentLibrary


def test_immediate_danger_opens_with_999(library: ContentLibrary) -> None:
    plan = plan_advice(library, "immediate_danger", "hes outside my house right now", "young_person", "age_13_15", None)
    assert plan.messages[0].index("999") < 120
    assert "immediate_risk" in [reason.value for reason in plan.assessment.decision.reasons]


def test_danger_in_an_unrecognised_message_still_escalates() -> None:
    assert assess("nlu_fallback", "he is following me home help me now").decision.escalate
