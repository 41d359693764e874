"""Nude image sharing: Report Remove for young people; referral criteria decide escalation."""

import pytest

from bot.safeguarding.audience import Audience
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


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("someone made a deepfake nude of me with an ai app", "ai_fake"),
        ("my nudes got posted in the year group chat", "shared_on"),
        ("a boy in my class keeps asking me for nudes", "asked_for"),
        ("i sent a nude to my boyfriend and now i regret it", "sent"),
    ],
)
def test_the_situation_in_the_users_words_is_answered_first(
    plan_for: PlanFactory, library: ContentLibrary, text: str, situation: str
) -> None:
    plan = plan_for("nude_image_sharing", text, "young_person", "age_13_15")
    [chosen] = [s for s in library.topics["nude_image_sharing"].situations if s.name == situation]
    assert chosen.audiences[Audience.AGE_13_15].advice[0].text in "\n".join(plan.messages)
