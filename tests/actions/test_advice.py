"""action_give_advice for every topic and audience: right words, right services, safety rules."""

from __future__ import annotations

import re

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionGiveAdvice, plan_advice
from actions.names import Response, Slot
from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ContentLibrary
from bot.safeguarding.content import ContentItem
from bot.safeguarding.replies import BULLET, MAX_MESSAGE_CHARS, SIGNPOSTS_HEADING, drop_repeats, pack_messages
from bot.safeguarding.topics import INTENT_TOPICS, ADVICE_TOPICS
from bot.safeguarding.escalation import ConversationContext, ReferralCriterion
from bot.safeguarding.signals import signals_from_names
from tests.conftest import TrackerFactory, PlanFactory, parse_of

ADVICE_INTENTS = sorted(intent for intent, topic in INTENT_TOPICS.items() if topic in ADVICE_TOPICS)
PROFILES = {
    Audience.UNDER_13: {Slot.ROLE: "young_person", Slot.AGE_BAND: "under_13"},
    Audience.AGE_13_15: {Slot.ROLE: "young_person", Slot.AGE_BAND: "age_13_15"},
    Audience.AGE_16_17: {Slot.ROLE: "young_person", Slot.AGE_BAND: "age_16_17"},
    Audience.PARENT: {Slot.ROLE: "parent"},
    Audience.PROFESSIONAL: {Slot.ROLE: "professional"},
}


def _texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["text"] for message in dispatcher.messages if message.get("text")]


@pytest.mark.parametrize("intent", ADVICE_INTENTS)
@pytest.mark.parametrize("audience", list(PROFILES), ids=lambda a: a.value)
async def test_advice_fits_the_audience_and_ends_with_services(
    make_tracker: TrackerFactory, library: ContentLibrary, intent: str, audience: Audience
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionGiveAdvice().run(dispatcher, make_tracker("i need help", intent, PROFILES[audience]), {})
    texts = _texts(dispatcher)
    topic_advice = library.for_topic(INTENT_TOPICS[intent].value, audience).advice
    reply = "\n".join(texts)
    assert all(sentence in reply for sentence in re.split(r"(?<=[.!?])\s+", topic_advice[0].text))
    assert texts[-1].startswith(SIGNPOSTS_HEADING)
    assert all(len(text) <= MAX_MESSAGE_CHARS for text in texts)
    assert not [m for m in dispatcher.messages if m.get("response") == Response.ASK_ROLE_AFTER_ADVICE]
    assert any(isinstance(event, dict) and event.get("name") == Slot.ESCALATION_REASONS for event in events)


async def test_unknown_user_gets_young_person_advice_then_the_role_question(
    make_tracker: TrackerFactory, library: ContentLibrary
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, make_tracker("people keep posting about me", "bullying"), {})
    assert library.for_topic("bullying", Audience.AGE_13_15).advice[0].text in _texts(dispatcher)[0]
    assert dispatcher.messages[-1].get("response") == Response.ASK_ROLE_AFTER_ADVICE


async def test_a_parent_is_recognised_from_their_words(make_tracker: TrackerFactory, library: ContentLibrary) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionGiveAdvice().run(
        dispatcher, make_tracker("my son is getting horrible messages on xbox", "bullying"), {}
    )
    assert SlotSet(Slot.ROLE, "parent") in events
    assert library.for_topic("bullying", Audience.PARENT).advice[0].text in _texts(dispatcher)[0]


def test_escalated_conversation_leads_with_escalation_advice(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("nude_image_sharing", "a 30 year old man wants me to send pics", "young_person",
                       "age_13_15")
    assert plan.decision.escalate
    assert plan.slots[Slot.ESCALATION_REASONS] == ["adult_involved"]
    assert plan.messages[0].startswith(BULLET + library.for_topic("escalation", Audience.AGE_13_15).advice[0].text)


def test_plain_bullying_is_not_escalated(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("bullying", "people in my class leave me out of the group chat", "young_person",
                       "age_13_15")
    assert not plan.decision.escalate
    assert plan.slots[Slot.ESCALATION_REASONS] == []


def test_advice_is_packed_into_few_messages_without_blank_lines() -> None:
    """Rasa splits messages at blank lines, so points are joined by single newlines."""
    messages = pack_messages(["a" * 250, "b" * 250, "c" * 250])
    assert messages == [f"{BULLET}{'a' * 250}\n{BULLET}{'b' * 250}", f"{BULLET}{'c' * 250}"]
    assert all("\n\n" not in message for message in messages)


def test_a_child_who_says_their_age_gets_words_for_their_age(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("bullying", "im 11 and people keep calling me names online", None, None)
    assert plan.slots[Slot.ROLE] == "young_person" and plan.slots[Slot.AGE_BAND] == "under_13"
    assert library.for_topic("bullying", Audience.UNDER_13).advice[0].text in plan.messages[0]
    assert not plan.ask_role


def test_an_item_that_repeats_what_was_already_said_is_left_out() -> None:
    first = ContentItem("You are not in trouble for telling. Tell an adult you trust today.", "001_08e16c24f7897ee2.txt")
    same = ContentItem("Tell an adult you trust today.  You are not in trouble for telling.", "001_08e16c24f7897ee2.txt")
    new = ContentItem("Tell an adult you trust today. Report it to CEOP.", "ceop")
    assert drop_repeats([first, same, new]) == [first, new]


def test_escalated_grooming_reply_does_not_repeat_itself(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("grooming", "a man on roblox wants to meet me", "young_person", "under_13")
    points = [line for message in plan.messages[:-1] for line in message.splitlines()]
    assert len(points) == len(set(points))
    assert sum("You are not in trouble for telling" in point for point in points) == 1


async def test_a_message_with_nothing_to_advise_on_is_asked_to_rephrase(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionGiveAdvice().run(dispatcher, make_tracker("what is the weather", "out_of_scope"), {})
    assert [m.get("response") for m in dispatcher.messages] == [Response.PLEASE_REPHRASE]
    assert events == []


def test_a_risk_detail_before_any_topic_is_remembered_for_the_rest_of_the_disclosure(library: ContentLibrary) -> None:
    first = plan_advice(library, parse_of("hes 25", "follow_up"), "young_person", "age_13_15", ConversationContext())
    assert first is not None and first.messages == []
    assert first.slots[Slot.RISK_SIGNALS] == ["adult_involved"]
    context = ConversationContext(signals=signals_from_names(first.slots[Slot.RISK_SIGNALS]))
    second = plan_advice(library, parse_of("n wants pics", "nude_image_sharing"), "young_person", "age_13_15", context)
    assert second is not None and second.decision.escalate
    assert ReferralCriterion.ADULT_INVOLVED in second.decision.reasons
