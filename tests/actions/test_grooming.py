"""Grooming: always escalated, CEOP named, never "confront" or "delete"."""

from actions.names import Slot
from bot.safeguarding.content import ContentLibrary
from tests.conftest import PlanFactory


def test_grooming_disclosure_is_escalated_with_ceop(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("grooming", "a man from roblox sends me robux and said keep it our secret",
                       "young_person", "age_13_15")
    assert "coercion_or_blackmail" in plan.slots[Slot.ESCALATION_REASONS]
    assert {"gifts_offered", "secrecy_requested"} <= set(plan.slots[Slot.RISK_SIGNALS])
    reply = "\n".join(plan.messages)
    assert "CEOP" in reply
    assert "confront" not in reply.lower()


def test_under_13_grooming_adds_the_under_13_criterion(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("grooming", "someone online asked me for pics", "young_person", "under_13")
    assert "under_13" in plan.slots[Slot.ESCALATION_REASONS]
