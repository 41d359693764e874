"""Onboarding: the privacy notice, who the user is, and a young person's age band."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.names import ActionName, Entity, Intent, Response, Slot
from bot.safeguarding.audience import Role, age_band_for_age, parse_age, stated_own_age


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


ADULT_ROLES = frozenset({Role.PARENT.value, Role.PROFESSIONAL.value})


def _age_said(entities: list[dict[str, Any]], text: str) -> int | None:
    """The age in the message: from an `age` entity, or the whole message when it is just a number."""
    for entity in entities:
        if entity.get("entity") == Entity.AGE and (age := parse_age(entity.get("value"))) is not None:
            return age
    return parse_age(text) if text.strip().rstrip("!.?").isdigit() else None


def _next_question(role: str | None, age_band: str | None) -> str:
    if role is None:
        return Response.ASK_ROLE
    if role == Role.YOUNG_PERSON.value and age_band is None:
        return Response.ASK_AGE_BAND
    return Response.ASK_WHAT_HAPPENED


def update_profile(
    role: str | None, age_band: str | None, entities: list[dict[str, Any]], text: str
) -> ProfileUpdate:
    """Work out role and age band from what the user just said (slot values already extracted).

    Only the age band is kept, never the exact age. A parent or professional has no age band, and an
    age they mention ("he's 14") is their child's, unless they say it of themselves ("actually im 14").
    """
    update = ProfileUpdate()
    age = _age_said(entities, text)
    speaks_of_self = role not in ADULT_ROLES or stated_own_age(text) is not None
    if age is not None and speaks_of_self:
        band = age_band_for_age(age)
        if band is None:
            update.slots.update({Slot.AGE_BAND: None, Slot.ROLE: None})
            update.responses.append(Response.ADULT_USER)
            return update
        role, age_band = Role.YOUNG_PERSON.value, band.value
        update.slots.update({Slot.ROLE: role, Slot.AGE_BAND: age_band})
    elif age_band is not None and role is None:
        role = update.slots[Slot.ROLE] = Role.YOUNG_PERSON.value
    if role in ADULT_ROLES and age_band is not None:
        age_band = update.slots[Slot.AGE_BAND] = None
    update.responses.append(_next_question(role, age_band))
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
