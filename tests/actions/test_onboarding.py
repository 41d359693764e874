"""Onboarding actions: privacy notice, role and age band, run with real Trackers and dispatchers."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.names import Entity, Response, Slot
from actions.onboarding import ActionSetProfile, ActionWelcome
from tests.conftest import TrackerFactory


def _responses(dispatcher: CollectingDispatcher) -> list[str | None]:
    return [message.get("response") for message in dispatcher.messages]


async def test_start_shows_privacy_notice_then_role_question(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionWelcome().run(dispatcher, make_tracker("/start", "start", {Slot.ROLE: "parent"}), {})
    assert _responses(dispatcher) == [Response.PRIVACY_NOTICE, Response.ASK_ROLE]
    assert events == []


async def test_greeting_a_known_user_skips_the_notice(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    await ActionWelcome().run(dispatcher, make_tracker("hiya", "greet", {Slot.ROLE: "young_person"}), {})
    assert _responses(dispatcher) == [Response.WELCOME_BACK]


async def test_greeting_a_new_user_shows_the_notice(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    await ActionWelcome().run(dispatcher, make_tracker("hi", "greet"), {})
    assert _responses(dispatcher) == [Response.PRIVACY_NOTICE, Response.ASK_ROLE]


async def test_young_person_is_asked_for_age_band(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/inform_role", "inform_role", {Slot.ROLE: "young_person"})
    events = await ActionSetProfile().run(dispatcher, tracker, {})
    assert _responses(dispatcher) == [Response.ASK_AGE_BAND]
    assert events == []


async def test_typed_age_sets_band_and_role_but_never_the_age(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("im 12", "inform_age", entities=[{"entity": Entity.AGE, "value": "12"}])
    events = await ActionSetProfile().run(dispatcher, tracker, {})
    assert SlotSet(Slot.AGE_BAND, "under_13") in events
    assert SlotSet(Slot.ROLE, "young_person") in events
    assert all(event["value"] != "12" for event in events)
    assert _responses(dispatcher) == [Response.ASK_WHAT_HAPPENED]


async def test_age_band_button_completes_onboarding(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/inform_age", "inform_age", {Slot.ROLE: "young_person", Slot.AGE_BAND: "age_16_17"})
    events = await ActionSetProfile().run(dispatcher, tracker, {})
    assert events == []
    assert _responses(dispatcher) == [Response.ASK_WHAT_HAPPENED]


async def test_changing_to_parent_clears_the_age_band(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("actually im a parent", "inform_role", {Slot.ROLE: "parent", Slot.AGE_BAND: "age_13_15"})
    events = await ActionSetProfile().run(dispatcher, tracker, {})
    assert events == [SlotSet(Slot.AGE_BAND, None)]
    assert _responses(dispatcher) == [Response.ASK_WHAT_HAPPENED]


@pytest.mark.parametrize("age", ["18", "35"])
async def test_adults_are_told_who_the_service_is_for(make_tracker: TrackerFactory, age: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(f"im {age}", "inform_age", entities=[{"entity": Entity.AGE, "value": age}])
    events = await ActionSetProfile().run(dispatcher, tracker, {})
    assert _responses(dispatcher) == [Response.ADULT_USER]
    assert SlotSet(Slot.AGE_BAND, None) in events


async def test_a_parent_giving_their_childs_age_stays_a_parent(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("hes 14", "inform_age", {Slot.ROLE: "parent"}, [{"entity": Entity.AGE, "value": "14"}])
    events = await ActionSetProfile().run(dispatcher, tracker, {})
    assert events == []
    assert _responses(dispatcher) == [Response.ASK_WHAT_HAPPENED]


async def test_someone_who_chose_parent_by_mistake_can_say_their_own_age(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("actually im 14", "inform_age", {Slot.ROLE: "parent"}, [{"entity": Entity.AGE, "value": "14"}])
    events = await ActionSetProfile().run(dispatcher, tracker, {})
    assert SlotSet(Slot.ROLE, "young_person") in events and SlotSet(Slot.AGE_BAND, "age_13_15") in events


async def test_a_bare_number_is_taken_as_the_age(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSetProfile().run(dispatcher, make_tracker("15", "inform_age"), {})
    assert SlotSet(Slot.AGE_BAND, "age_13_15") in events
