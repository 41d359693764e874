"""Advice: audience-fit advice and signposts for every topic, with the escalation decision."""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.names import ActionName, Entity, Intent, Response, Slot
from bot.cases.database import shared_engine
from bot.cases.hours import parse_staffed_hours, utc_now
from bot.cases.referral import refer_to_staff
from bot.cases.store import CaseStore
from bot.safeguarding.audience import Role, age_band_for_age, audience_for, infer_role, stated_own_age
from bot.safeguarding.content import ContentLibrary, LawQuestion, load_library
from bot.safeguarding.escalation import ConversationContext, EscalationDecision, ReferralCriterion, decide_on_parse
from bot.safeguarding.replies import SIGNPOSTS_HEADING, compose_advice
from bot.safeguarding.signals import signals_from_names
from bot.safeguarding.topics import ADVICE_TOPICS, Topic
from bot.settings import load_settings


@dataclass
class AdvicePlan:
    """What the bot says and remembers after a disclosure or question."""

    decision: EscalationDecision
    messages: list[str]
    slots: dict[str, Any] = field(default_factory=dict)
    ask_role: bool = False
    law_question_buttons: list[dict[str, str]] = field(default_factory=list)


def law_question_button(question: LawQuestion) -> dict[str, str]:
    """A button that asks the law guide's question by id, so no NLU guess stands between."""
    entities = json.dumps({Entity.LAW_TOPIC: question.id}, separators=(",", ":"))
    return {"title": question.title, "payload": f"/{Intent.LAW_QUESTION}{entities}"}


def entity_value(parse: dict[str, Any], entity: str) -> str | None:
    """The first value the parse found for an entity."""
    return next((str(e["value"]) for e in parse.get("entities") or [] if e.get("entity") == entity), None)


def plan_advice(
    library: ContentLibrary,
    parse: dict[str, Any],
    role: str | None,
    age_band: str | None,
    context: ConversationContext,
) -> AdvicePlan | None:
    """Decide on escalation for the message in its conversation, choose the audience, compose the reply.

    None when the message is about nothing the library advises on (an unclear message whose words
    show no danger); a plan with no messages, only slots, when it states a risk signal but no topic yet. When the user has not said who they are, the way they speak may tell us ("my
    son...", "im 12 and..."); if not, they get the young-person advice and are asked who they are
    afterwards, never before.
    """
    text = parse.get("text") or ""
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
    decision = decide_on_parse(parse, age_band, context)
    if decision.topic not in ADVICE_TOPICS:
        # Nothing to advise on yet, but a detail stated ("hes 25") counts when the rest of a split
        # disclosure arrives: the signals are remembered, and the user is asked what is happening.
        if not decision.signals - context.signals:
            return None
        return AdvicePlan(decision=decision, messages=[], slots={**slots, Slot.RISK_SIGNALS: decision.signal_names})
    slots[Slot.TOPIC] = decision.topic.value
    slots[Slot.RISK_SIGNALS] = decision.signal_names
    met = set(decision.reasons) | context.reasons
    slots[Slot.ESCALATION_REASONS] = [reason.value for reason in ReferralCriterion if reason in met]
    reply = compose_advice(library, decision, audience_for(role, age_band), text, entity_value(parse, Entity.LAW_TOPIC))
    return AdvicePlan(
        decision=decision,
        messages=reply.messages,
        slots=slots,
        ask_role=role is None,
        law_question_buttons=[law_question_button(question) for question in reply.law_questions_offered],
    )


def conversation_context(tracker: Tracker) -> ConversationContext:
    """What the conversation established before the latest message, from the tracker's slots."""
    topic = tracker.get_slot(Slot.TOPIC)
    known_reasons = {reason.value for reason in ReferralCriterion}
    return ConversationContext(
        topic=Topic(topic) if topic in {t.value for t in Topic} else None,
        signals=signals_from_names(tracker.get_slot(Slot.RISK_SIGNALS)),
        reasons=frozenset(
            ReferralCriterion(name) for name in tracker.get_slot(Slot.ESCALATION_REASONS) or [] if name in known_reasons
        ),
    )


async def advise(dispatcher: CollectingDispatcher, tracker: Tracker, otherwise: str) -> list[EventType]:
    """Send the advice for the latest message, or the `otherwise` response when there is none.

    When the conversation meets a referral criterion the safety advice goes first, then the case is
    opened (or updated) and the user is told who will read it and when.
    """
    settings = load_settings()
    library = load_library(settings.content_dir)
    plan = plan_advice(
        library=library,
        parse=tracker.latest_message,
        role=tracker.get_slot(Slot.ROLE),
        age_band=tracker.get_slot(Slot.AGE_BAND),
        context=conversation_context(tracker),
    )
    if plan is None or not plan.messages:
        dispatcher.utter_message(response=otherwise)
        return [SlotSet(name, value) for name, value in plan.slots.items()] if plan else []
    messages = list(plan.messages)
    if plan.decision.escalate:
        notice = await asyncio.to_thread(
            refer_to_staff, CaseStore(shared_engine(settings.database_url)),
            parse_staffed_hours(settings.staffed_hours, settings.staffed_timezone), library, tracker.sender_id,
            plan.decision, plan.slots.get(Slot.ROLE, tracker.get_slot(Slot.ROLE)),
            plan.slots.get(Slot.AGE_BAND, tracker.get_slot(Slot.AGE_BAND)), utc_now(),
        )
        if notice:  # before the services, so the reply still ends with who can help now
            messages.insert(len(messages) - 1 if messages[-1].startswith(SIGNPOSTS_HEADING) else len(messages), notice)
    for message in messages:
        dispatcher.utter_message(text=message)
    if plan.law_question_buttons:
        dispatcher.utter_message(response=Response.PICK_LAW_QUESTION, buttons=plan.law_question_buttons)
    if plan.ask_role:
        dispatcher.utter_message(response=Response.ASK_ROLE_AFTER_ADVICE)
    return [SlotSet(name, value) for name, value in plan.slots.items()]


class _AdviceAction(Action, ABC):
    """Runs `advise`; subclasses say what to send when there is no advice to give.

    Abstract, so rasa-sdk's package registration skips it and registers only the named actions.
    """

    otherwise: str = Response.PLEASE_REPHRASE

    @abstractmethod
    def name(self) -> str:
        """The action name in domain.yml."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await advise(dispatcher, tracker, otherwise=self.otherwise)


class ActionGiveAdvice(_AdviceAction):
    """Gives advice for the topic of the latest message (or of the conversation, for a follow-up)."""

    def name(self) -> str:
        return ActionName.GIVE_ADVICE


class ActionUnclearMessage(_AdviceAction):
    """Asks to rephrase a message the NLU could not place, unless its words show danger or self-harm.

    `decide_escalation` answers such a message as immediate danger or self-harm when its words say so,
    and as the conversation's topic when it adds a risk signal to it.
    """

    def name(self) -> str:
        return ActionName.UNCLEAR_MESSAGE


class ActionOutOfScope(_AdviceAction):
    """Says what the bot can help with, unless the words show danger, self-harm, or a risk detail in a
    conversation about online harm ("hes 25" taken for chit-chat)."""

    otherwise = Response.OUT_OF_SCOPE

    def name(self) -> str:
        return ActionName.OUT_OF_SCOPE
