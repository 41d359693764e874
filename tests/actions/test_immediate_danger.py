"""Immediate danger: 999 first, and escalated even when recognised only from the words."""

from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionUnclearMessage
from actions.names import Response
from bot.safeguarding.escalation import decide_escalation
from bot.safeguarding.content import ContentLibrary
from bot.safeguarding.signals import detect_signals
from tests.conftest import TrackerFactory, PlanFactory


def test_immediate_danger_opens_with_999(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("immediate_danger", "hes outside my house right now", "young_person", "age_13_15")
    assert plan.messages[0].index("999") < 120
    assert "immediate_risk" in [reason.value for reason in plan.decision.reasons]


def test_danger_in_an_unrecognised_message_still_escalates() -> None:
    assert decide_escalation("nlu_fallback", detect_signals("he is following me home help me now")).escalate


async def test_an_unclear_message_that_shows_danger_gets_the_danger_advice(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("my girl has gone to meet him and hes outside the house", "nlu_fallback")
    await ActionUnclearMessage().run(dispatcher, tracker, {})
    first = dispatcher.messages[0]["text"]
    assert "999" in first[:120]


async def test_an_unclear_everyday_message_is_asked_to_rephrase(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionUnclearMessage().run(dispatcher, make_tracker("asdfgh", "nlu_fallback"), {})
    assert [m.get("response") for m in dispatcher.messages] == [Response.PLEASE_REPHRASE]
    assert events == []
