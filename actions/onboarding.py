"""Onboarding: the privacy notice, who the user is, and a young person's age band."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.names import ActionName, Entity, Intent, Response, Slot
from bot.safeguarding.audience import AgeBand, Role, age_band_for_age, parse_age


def welcome_responses(intent: str | None, role: str | None) -> list[str]:
    """The privacy notice and role question for a new (or restarted) conversation, else a short hello."""
    if intent == Intent.START or role is None:
        return [Response.PRIVACY_NOTICE, Response.ASK_ROLE]
    return [Response.WELCOME_BACK]


@dataclass
class ProfileUpdate:
    """Slot changes and the responses that follow a role or age answer."""

    slots: dict[str, Any] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)


def update_profile(
    role: str | None, age_band: str | None, entities: list[dict[str, Any]], text: str
) -> ProfileUpdate:
    """Work out role and age band from what the user just said (slot values already extracted).

    Only the age band is kept, never the exact age. A parent or professional has no age band.
    """
    update = ProfileUpdate()
    age_values = [entity.get("value") for entity in entities if entity.get("entity") == Entity.AGE]
    age = next((parsed for value in age_values if (parsed := parse_age(value)) is not None), None)
    if age is None and not age_values and role is None and age_band is None:
        age = parse_age(text) if text.strip().rstrip("!.?").isdigit() else None
    if age is not None:
        band = age_band_for_age(age)
        if band is None:
            update.slots[Slot.AGE_BAND] = None
            update.slots[Slot.ROLE] = None
            update.responses.append(Response.ADULT_USER)
            return update
        age_band = band.value
        update.slots[Slot.AGE_BAND] = age_band
        if role != Role.YOUNG_PERSON.value:
            role = Role.YOUNG_PERSON.value
            update.slots[Slot.ROLE] = role
    elif age_band is not None and role is None:
        role = Role.YOUNG_PERSON.value
        update.slots[Slot.ROLE] = role

    if role in {Role.PARENT.value, Role.PROFESSIONAL.value} and age_band is not None:
        update.slots[Slot.AGE_BAND] = None
        age_band = None
    if role == Role.YOUNG_PERSON.value and age_band not in {band.value for band in AgeBand}:
        update.responses.append(Response.ASK_AGE_BAND)
    elif role is None:
        update.responses.append(Response.ASK_ROLE)
    else:
        update.responses.append(Response.ASK_WHAT_HAPPENED)
    return update


class ActionWelcome(Action):
    """Greets the user; a new conversation gets the privacy notice and the role question."""

    def name(self) -> str:
        return ActionName.WELCOME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        for response in welcome_responses(intent, tracker.get_slot(Slot.ROLE)):
            dispatcher.utter_message(response=response)
        return []


class ActionSetProfile(Action):
    """Stores who the user is and asks for the age band when a young person has not given it."""

    def name(self) -> str:
        return ActionName.SET_PROFILE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        update = update_profile(
            role=tracker.get_slot(Slot.ROLE),
            age_band=tracker.get_slot(Slot.AGE_BAND),
            entities=tracker.latest_message.get("entities", []),
            text=tracker.latest_message.get("text") or "",
        )
        for response in update.responses:
            dispatcher.utter_message(response=response)
        return [SlotSet(name, value) for name, value in update.slots.items()]
