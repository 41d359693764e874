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
from bot.safeguarding.content import ContentItem, ContentLibrary, SituationAdvice, load_library, register_for
from bot.safeguarding.escalation import EscalationDecision, ReferralCriterion
from bot.safeguarding.readability import GRADE_LIMITS, items_grade
from bot.safeguarding.replies import Reply, compose_advice
from bot.safeguarding.topics import ADVICE_TOPICS, EMERGENCY_FIRST_TOPICS, Topic
from bot.settings import load_settings

# A criterion that makes a reply escalated; which one does not change the words said.
_ANY_CRITERION = next(iter(ReferralCriterion))


@dataclass(frozen=True)
class SampleReply:
    """One reply the library composes, for one topic and audience."""

    label: str
    topic: Topic
    audience: Audience
    reply: Reply

    @property
    def items(self) -> list[ContentItem]:
        """What the reply says, the services aside."""
        return self.reply.items

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade of what the reply says."""
        return items_grade(self.items)


def _decision(topic: Topic, escalated: bool) -> EscalationDecision:
    reasons = (_ANY_CRITERION,) if escalated else ()
    return EscalationDecision(topic=topic, signals=frozenset(), reasons=reasons, new_reasons=reasons)


def _sample(library: ContentLibrary, label: str, topic: Topic, audience: Audience, escalated: bool, text: str,
            law_question_id: str | None = None) -> SampleReply:
    reply = compose_advice(library, _decision(topic, escalated), audience, text, law_question_id)
    return SampleReply(label=label, topic=topic, audience=audience, reply=reply)


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


def _sources(items: list[ContentItem] | tuple[ContentItem, ...]) -> str:
    counts = Counter(item.source.removesuffix(".txt") for item in items)
    return ", ".join(f"{source} x{count}" for source, count in counts.most_common())


def report(library: ContentLibrary, every_reply: bool = False) -> tuple[list[str], int]:
    """The report's lines, and how many composed replies are harder to read than their audience's limit.

    Per topic and audience: the entries (do, don't, situation items), the grade of the general advice
    and of the hardest reply composed from it, and the sources; then the law guide per question and
    register; then every reply over its limit (every reply with `every_reply`).
    """
    samples = list(sample_replies(library))
    hardest: dict[tuple[str, Audience], float] = {}
    for sample in samples:
        key = (sample.topic.value, sample.audience)
        hardest[key] = max(hardest.get(key, 0.0), sample.grade)
    lines = [f"{'topic':20} {'audience':13} {'do':>3} {'dont':>4} {'sit.':>4} {'grade':>5} {'worst':>5} {'limit':>5}  sources"]
    for name, topic in sorted(library.topics.items()):
        for audience in Audience:
            content = topic.audiences.get(audience)
            if content is None:
                lines.append(f"{name:20} {audience.value:13} MISSING")
                continue
            situation_items = [i for s in topic.situations for i in s.audiences.get(audience, SituationAdvice((), ())).advice]
            worst = hardest.get((name, audience), items_grade(content.advice))
            lines.append(
                f"{name:20} {audience.value:13} {len(content.do):3} {len(content.dont):4} {len(situation_items):4} "
                f"{items_grade(content.advice):5.1f} {worst:5.1f} {GRADE_LIMITS[audience]:5.0f}  "
                f"{_sources(content.advice + tuple(situation_items))}"
            )
    lines += ["", f"{'law guide question':20} {'register':13} {'items':>5} {'grade':>5} {'limit':>5}  sources"]
    for question in library.law_guide.questions.values():
        for register, answer in question.answers.items():
            limit = min(GRADE_LIMITS[a] for a in Audience if register_for(a) is register)
            lines.append(f"{question.id:20} {register.value:13} {len(answer):5} {items_grade(answer):5.1f} {limit:5.0f}  "
                         f"{_sources(answer)}")
    too_hard = [sample for sample in samples if sample.grade > GRADE_LIMITS[sample.audience]]
    shown = samples if every_reply else too_hard
    if shown:
        lines += ["", f"{'reply':44} {'audience':13} {'items':>5} {'grade':>5} {'limit':>5}"]
        lines += [f"{r.label:44} {r.audience.value:13} {len(r.items):5} {r.grade:5.1f} {GRADE_LIMITS[r.audience]:5.0f}"
                  f"{'  << too hard' if r in too_hard else ''}" for r in shown]
    lines += ["", f"{'file':20} reviewed"]
    lines += [f"{topic.topic:20} {topic.reviewed}" for topic in sorted(library.topics.values(), key=lambda t: t.topic)]
    lines.append(f"{'law_guide':20} {library.law_guide.reviewed}")
    lines.append(f"\n{len(samples)} replies composed; {len(too_hard)} harder to read than their audience's limit")
    return lines, len(too_hard)


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 1 when a reply is too hard for its reader."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every-reply", action="store_true", help="list every composed reply, not only those too hard")
    args = parser.parse_args(argv)
    lines, too_hard = report(load_library(load_settings().content_dir), every_reply=args.every_reply)
    print("\n".join(lines))
    return 1 if too_hard else 0


if __name__ == "__main__":
    sys.exit(main())
