"""Self-harm: 999 and Childline come first in every reply (DEVELOPERS.md safety rule 3)."""

import pytest

from bot.safeguarding.content import ContentLibrary
from tests.conftest import PlanFactory


@pytest.mark.parametrize(("role", "age_band"), [("young_person", "under_13"), ("young_person", "age_16_17"),
                                                ("parent", None), ("professional", None), (None, None)])
def test_first_message_opens_with_999_and_childline(plan_for: PlanFactory, library: ContentLibrary, role: str | None, age_band: str | None) -> None:
    plan = plan_for("self_harm", "i dont want to be here anymore", role, age_band)
    opening = plan.messages[0][:200]
    assert "999" in opening and "0800 1111" in opening
    assert plan.decision.escalate


def test_self_harm_signposts_include_shout_and_samaritans(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("self_harm", "i keep hurting myself", "young_person", "age_13_15")
    services = plan.messages[-1]
    assert "85258" in services and "116 123" in services
