"""Follow-ups are read in the conversation's topic and update the escalation decision."""

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionGiveAdvice, ActionOutOfScope
from actions.names import Response, Slot
from tests.conftest import TrackerFactory

GROOMING_SO_FAR = {
    Slot.ROLE: "young_person",
    Slot.AGE_BAND: "age_13_15",
    Slot.TOPIC: "grooming",
    Slot.RISK_SIGNALS: ["gifts_offered"],
    Slot.ESCALATION_REASONS: ["coercion_or_blackmail"],
}


async def test_the_age_of_the_other_person_adds_a_referral_criterion(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionGiveAdvice().run(dispatcher, make_tracker("he's 25", "follow_up", GROOMING_SO_FAR), {})
    assert SlotSet(Slot.ESCALATION_REASONS, ["adult_involved", "coercion_or_blackmail"]) in events
    assert SlotSet(Slot.RISK_SIGNALS, ["adult_involved", "gifts_offered"]) in events
    assert "CEOP" in "\n".join(m["text"] for m in dispatcher.messages if m.get("text"))


async def test_a_question_about_the_same_thing_gets_that_topics_advice(make_tracker: TrackerFactory) -> None:
    slots = {Slot.ROLE: "young_person", Slot.AGE_BAND: "age_16_17", Slot.TOPIC: "nude_image_sharing"}
    dispatcher = CollectingDispatcher()
    events = await ActionGiveAdvice().run(
        dispatcher, make_tracker("what if he already has them?", "follow_up", slots), {}
    )
    assert SlotSet(Slot.TOPIC, "nude_image_sharing") in events
    assert "Report Remove" in "\n".join(m["text"] for m in dispatcher.messages if m.get("text"))


async def test_a_follow_up_with_nothing_before_it_asks_what_happened(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, make_tracker("it's on snapchat", "follow_up"), {})
    assert [m.get("response") for m in dispatcher.messages] == [Response.PLEASE_REPHRASE]


async def test_a_risk_detail_read_as_chit_chat_still_counts_in_context(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionOutOfScope().run(dispatcher, make_tracker("hes like 30", "out_of_scope", GROOMING_SO_FAR), {})
    assert SlotSet(Slot.ESCALATION_REASONS, ["adult_involved", "coercion_or_blackmail"]) in events


async def test_plain_chit_chat_is_answered_as_out_of_scope(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionOutOfScope().run(dispatcher, make_tracker("who won the football", "out_of_scope", GROOMING_SO_FAR), {})
    assert [m.get("response") for m in dispatcher.messages] == [Response.OUT_OF_SCOPE]
    assert events == []
