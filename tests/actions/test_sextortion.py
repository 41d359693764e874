"""Sextortion: escalated as blackmail; don't pay, keep evidence, CEOP and Report Remove."""

from actions.names import Slot
from bot.safeguarding.content import ContentLibrary
from tests.conftest import PlanFactory


def test_sextortion_reply_says_dont_pay_and_names_ceop_and_report_remove(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("sextortion", "he says pay £100 or he sends my nudes to everyone", "young_person",
                       "age_16_17")
    assert plan.decision.escalate
    assert {"threat_to_share", "money_demanded"} <= set(plan.slots[Slot.RISK_SIGNALS])
    reply = "\n".join(plan.messages)
    assert "CEOP" in reply and "Report Remove" in reply
    assert "don't pay" in reply.lower() or "do not pay" in reply.lower()
