"""Nude image sharing: Report Remove for young people; referral criteria decide escalation."""

from bot.safeguarding.content import ContentLibrary
from tests.conftest import PlanFactory


def test_young_person_is_pointed_to_report_remove(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("nude_image_sharing", "my ex posted my nudes on a group chat", "young_person",
                       "age_16_17")
    assert "Report Remove" in "\n".join(plan.messages)


def test_peer_sharing_between_16_year_olds_is_not_a_referral(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("nude_image_sharing", "me and my gf sent each other pics", "young_person",
                       "age_16_17")
    assert not plan.decision.escalate


def test_under_13_is_a_referral(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("nude_image_sharing", "i sent a pic of me to a boy in my class", "young_person",
                       "under_13")
    assert [reason.value for reason in plan.decision.reasons] == ["under_13"]
