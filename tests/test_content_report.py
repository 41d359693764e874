"""`make content-report`: every topic and audience, every law guide question, and the verdict."""

from __future__ import annotations

import pytest

from bot.content_report import main
from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ContentLibrary


def test_the_report_lists_every_topic_audience_and_question_and_passes(
    library: ContentLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    rows = {tuple(line.split()[:2]) for line in out.splitlines() if line.strip()}
    assert {(topic, audience.value) for topic in library.topics for audience in Audience} <= rows
    assert {(question, register) for question in library.law_guide.questions for register in ("young_person", "adult")} <= rows
    assert "0 harder to read than their audience's limit" in out
