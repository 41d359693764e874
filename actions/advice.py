"""Advice: audience-fit advice and signposts for every topic, with the escalation decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.names import ActionName, Response, Slot
from bot.safeguarding.assessment import Assessment, assess, signals_from_names
from bot.safeguarding.audience import Role, age_band_for_age, audience_for, infer_role, stated_own_age
from bot.safeguarding.content import ContentLibrary, load_library
from bot.safeguarding.replies import compose_advice
from bot.safeguarding.topics import ADVICE_TOPICS
from bot.settings import load_settings


@dataclass
class AdvicePlan:
    """What the bot says and remembers after a disclosure or question."""

    assessment: Assessment
    messages: list[str]
    slots: dict[str, Any] = field(default_factory=dict)
    ask_role: bool = False


def plan_advice(
    library: ContentLibrary,
    intent: str | None,
    text: str,
    role: str | None,
    age_band: str | None,
    earlier_signals: list[str] | None,
) -> AdvicePlan | None:
    """Assess the message in context, choose the audience, and compose the reply.

    None when the message is about nothing the library advises on (an unclear message whose words
    show no danger). When the user has not said who they are, the way they speak may tell us ("my
    son...", "im 12 and..."); if not, they get the young-person advice and are asked who they are
    afterwards, never before.
    """
    slots: dict[str, Any] = {}
    if role is None:
        inferred = infer_role(text)
        own_age = stated_own_age(text) if inferred is None else None
        own_band = age_band_for_age(own_age) if own_age is not None else None
        if own_band is not None:
            inferred, age_band = Role.YOUNG_PERSON, own_band.value
            slots[Slot.AGE_BAND] = age_band
        if inferred is not None:
            role = slots[Slot.ROLE] = inferred.value
    assessment = assess(intent, text, age_band, signals_from_names(earlier_signals))
    if assessment.topic not in ADVICE_TOPICS:
        return None
    slots[Slot.RISK_SIGNALS] = assessment.signal_names
    slots[Slot.ESCALATION_REASONS] = [reason.value for reason in assessment.decision.reasons]
    return AdvicePlan(
        assessment=assessment,
        messages=compose_advice(library, assessment, audience_for(role, age_band), text),
        slots=slots,
        ask_role=role is None,
    )


async def advise(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Send the advice for the latest message, or ask the user to say it another way."""
    plan = plan_advice(
        library=load_library(load_settings().content_dir),
        intent=tracker.latest_message.get("intent", {}).get("name"),
        text=tracker.latest_message.get("text") or "",
        role=tracker.get_slot(Slot.ROLE),
        age_band=tracker.get_slot(Slot.AGE_BAND),
        earlier_signals=tracker.get_slot(Slot.RISK_SIGNALS),
    )
    if plan is None:
        dispatcher.utter_message(response=Response.PLEASE_REPHRASE)
        return []
    for message in plan.messages:
        dispatcher.utter_message(text=message)
    if plan.ask_role:
        dispatcher.utter_message(response=Response.ASK_ROLE_AFTER_ADVICE)
    return [SlotSet(name, value) for name, value in plan.slots.items()]


class ActionGiveAdvice(Action):
    """Gives advice for the topic of the latest message, in words fit for the user."""

    def name(self) -> str:
        return ActionName.GIVE_ADVICE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await advise(dispatcher, tracker)


class ActionUnclearMessage(Action):
    """Asks to rephrase a message the NLU could not place, unless its words show danger or self-harm.

    `assess` answers such a message as immediate danger or self-harm when its words say so.
    """

    def name(self) -> str:
        return ActionName.UNCLEAR_MESSAGE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await advise(dispatcher, tracker)
