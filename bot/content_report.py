"""`make content-report`: per topic and audience, the entries, their readability and their sources.

Every reply the library can compose is listed (each topic, each situation, escalated or not, each
law guide question), so a gap or a reply too hard for its reader shows before a child sees it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ContentItem, ContentLibrary, load_library
from bot.safeguarding.escalation import EscalationDecision, ReferralCriterion
from bot.safeguarding.readability import GRADE_LIMITS, reading_grade
from bot.safeguarding.replies import Reply, advice_items, compose_advice, law_questions_asked
from bot.safeguarding.topics import ADVICE_TOPICS, EMERGENCY_FIRST_TOPICS, Topic
from bot.settings import load_settings

# A criterion that makes a reply escalated; which one does not change the words said.
_ANY_CRITERION = next(iter(ReferralCriterion))


@dataclass(frozen=True)
class SampleReply:
    """One reply the library composes, with the items it says (signposts aside)."""

    label: str
    topic: Topic
    audience: Audience
    items: list[ContentItem]
    reply: Reply

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade of what the reply says."""
        return reading_grade(" ".join(item.text for item in self.items))


def _decision(topic: Topic, escalated: bool) -> EscalationDecision:
    reasons = (_ANY_CRITERION,) if escalated else ()
    return EscalationDecision(topic=topic, signals=frozenset(), reasons=reasons, new_reasons=reasons)


def _sample(library: ContentLibrary, label: str, topic: Topic, audience: Audience, escalated: bool, text: str,
            law_question_id: str | None = None) -> SampleReply:
    decision = _decision(topic, escalated)
    asked = law_questions_asked(library, text, law_question_id) if topic is Topic.LAW_QUESTION else []
    items, _ = advice_items(library, decision, audience, text, asked)
    return SampleReply(label=label, topic=topic, audience=audience, items=items,
                       reply=compose_advice(library, decision, audience, text, law_question_id))


def sample_replies(library: ContentLibrary) -> Iterator[SampleReply]:
    """Every reply the library can compose, for every audience.

    Self-harm and immediate danger are always escalated; other topics are composed both ways.
    A situation is reached by its first keyword, a law guide question by its button.
    """
    for topic in sorted(ADVICE_TOPICS, key=lambda t: t.value):
        ways = (True,) if topic in EMERGENCY_FIRST_TOPICS else (False, True)
        situations = library.topics[topic.value].situations
        for audience in Audience:
            for escalated in ways:
                suffix = " escalated" if escalated else ""
                yield _sample(library, f"{topic.value}{suffix}", topic, audience, escalated, "")
                for situation in situations:
                    yield _sample(library, f"{topic.value}/{situation.name}{suffix}", topic, audience, escalated,
                                  situation.keywords[0])
            if topic is Topic.LAW_QUESTION:
                for question in library.law_guide.questions.values():
                    yield _sample(library, f"law/{question.id}", topic, audience, False, "", question.id)


def _sources(items: list[ContentItem]) -> str:
    counts = Counter(item.source.removesuffix(".txt") for item in items)
    return ", ".join(f"{source} x{count}" for source, count in counts.most_common())


def report(library: ContentLibrary) -> tuple[list[str], int]:
    """The report's lines, and how many replies are harder to read than their audience's limit."""
    lines = [f"{'reply':44} {'audience':13} {'items':>5} {'grade':>5} {'limit':>5}  sources"]
    too_hard = 0
    for sample in sample_replies(library):
        limit = GRADE_LIMITS[sample.audience]
        grade = sample.grade
        flag = "" if grade <= limit else "  << too hard"
        too_hard += grade > limit
        lines.append(f"{sample.label:44} {sample.audience.value:13} {len(sample.items):5} {grade:5.1f} {limit:5.0f}  "
                     f"{_sources(sample.items)}{flag}")
    lines.append("")
    lines.append(f"{'file':24} reviewed")
    for topic in sorted(library.topics.values(), key=lambda t: t.topic):
        lines.append(f"{topic.topic:24} {topic.reviewed}")
    lines.append(f"{'law_guide':24} {library.law_guide.reviewed}")
    return lines, too_hard


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 1 when a reply is too hard for its reader."""
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    lines, too_hard = report(load_library(load_settings().content_dir))
    print("\n".join(lines))
    print(f"\n{too_hard} replies harder to read than their audience's limit")
    return 1 if too_hard else 0


if __name__ == "__main__":
    sys.exit(main())
