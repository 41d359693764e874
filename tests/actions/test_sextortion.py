"""Sextortion: escalated as blackmail; don't pay, keep evidence, CEOP and Report Remove."""

from actions.advice import plan_advice
from actions.names import Slot
from bot.safeguarding.content import ContentLibrary


def test_sextortion_reply_says_dont_pay_and_names_ceop_and_report_remove(library: ContentLibrary) -> None:
    plan = plan_advice(library, "sextortion", "he says pay £100 or he sends my nudes to everyone", "young_person",
                       "age_16_17", None)
    assert plan.assessment.decision.escalate
    assert {"threat_to_share", "money_demanded"} <= set(plan.slots[Slot.RISK_SIGNALS])
    reply = "\n".join(plan.messages)
    assert "CEOP" in reply and "Report Remove" in reply
    assert "don't pay" in reply.lower() or "do not pay" in reply.lower()
