"""Harmful content: the kind named in the user's words brings its own reporting route."""

import pytest

from bot.safeguarding.content import ContentLibrary
from tests.conftest import PlanFactory


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("someone keeps posting terrorist propaganda videos", "gov.uk/report-terrorism"),
        ("there's loads of racist hate posts about muslims", "report-it.org.uk"),
        ("i found a video of a child being abused", "iwf.org.uk"),
        ("my feed is full of pro ana stuff", "0800 1111"),
    ],
)
def test_kind_specific_signpost(plan_for: PlanFactory, library: ContentLibrary, text: str, service: str) -> None:
    plan = plan_for("harmful_content", text, "young_person", "age_13_15")
    assert service in plan.messages[-1]


def test_general_harmful_content_points_to_report_harmful_content(plan_for: PlanFactory, library: ContentLibrary) -> None:
    plan = plan_for("harmful_content", "i saw something horrible online", "parent", None)
    assert "reportharmfulcontent.com" in plan.messages[-1]
