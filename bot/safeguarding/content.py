"""The content library: advice, signposts, the law guide and system messages from data/content/*.yml.

Every item keeps its `source` so a reviewer can trace a reply back to a seed document, a service in
the signpost directory, or an official reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safeguarding.audience import Audience

SIGNPOSTS_FILE = "signposts.yml"
SYSTEM_FILE = "system.yml"
REFERENCES_FILE = "references.yml"
LAW_GUIDE_FILE = "law_guide.yml"
ESCALATION_TOPIC = "escalation"


class ContentError(ValueError):
    """A content file is missing something the bot relies on."""


class Register(str, Enum):
    """The two ways the law guide is written: for young people (read by under-13s too) and for adults."""

    YOUNG_PERSON = "young_person"
    ADULT = "adult"


YOUNG_AUDIENCES: frozenset[Audience] = frozenset({Audience.UNDER_13, Audience.AGE_13_15, Audience.AGE_16_17})


def register_for(audience: Audience) -> Register:
    """The law guide's register for an audience."""
    return Register.YOUNG_PERSON if audience in YOUNG_AUDIENCES else Register.ADULT


@dataclass(frozen=True)
class ContentItem:
    """One statement of advice (or of the law, when `legal`) and where it comes from."""

    text: str
    source: str
    legal: bool = False


@dataclass(frozen=True)
class Signpost:
    """A service a reply can point to, as listed in signposts.yml."""

    id: str
    name: str
    purpose: str
    ages: str
    source: str
    phone: str | None = None
    text_number: str | None = None
    url: str | None = None
    hours: str | None = None

    def render(self) -> str:
        """One line for a chat message: name, how to reach it, when."""
        ways = [part for part in (self.phone, self.text_number, self.url) if part]
        line = f"• {self.name}: {' · '.join(ways)}" if ways else f"• {self.name}"
        return f"{line} ({self.hours})" if self.hours else line


@dataclass(frozen=True)
class Reference:
    """An official page (not a service) that backs a statement the seed documents do not make."""

    id: str
    publisher: str
    title: str
    url: str


@dataclass(frozen=True)
class AudienceContent:
    """Advice for one audience on one topic: what to do now, what not to do, who can help."""

    do: tuple[ContentItem, ...]
    dont: tuple[ContentItem, ...]
    signposts: tuple[str, ...]

    @property
    def advice(self) -> tuple[ContentItem, ...]:
        """Everything said, in the order it is said."""
        return self.do + self.dont


@dataclass(frozen=True)
class SituationAdvice:
    """The advice one audience gets for a situation, said before the topic's general advice."""

    advice: tuple[ContentItem, ...]
    signposts: tuple[str, ...]


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _keyword_hits(text: str, keywords: tuple[str, ...]) -> int:
    lowered = text.lower()
    return sum(_has_phrase(lowered, keyword) for keyword in keywords)


@dataclass(frozen=True)
class Situation:
    """A more specific case of a topic (an AI fake, extremist content...) recognised by keywords."""

    name: str
    keywords: tuple[str, ...]
    audiences: dict[Audience, SituationAdvice]


@dataclass(frozen=True)
class TopicContent:
    """Everything the library holds for one topic."""

    topic: str
    reviewed: str
    audiences: dict[Audience, AudienceContent]
    situations: tuple[Situation, ...] = ()

    def situations_mentioned(self, text: str) -> list[Situation]:
        """The situations whose keywords appear as whole words in what the user wrote, in file order."""
        return [situation for situation in self.situations if _keyword_hits(text, situation.keywords)]


@dataclass(frozen=True)
class LawQuestion:
    """One question of the law guide, with its answer in both registers."""

    id: str
    title: str
    keywords: tuple[str, ...]
    answers: dict[Register, tuple[ContentItem, ...]]
    signposts: tuple[str, ...] = ()


@dataclass(frozen=True)
class LawGuide:
    """Answers to the questions people ask about the law, what is said after every answer, and who
    can help with any of them (after the questions' own services)."""

    reviewed: str
    questions: dict[str, LawQuestion]
    closing: dict[Register, ContentItem]
    signposts: dict[Register, tuple[str, ...]] = field(default_factory=dict)

    def questions_asked(self, text: str, limit: int = 2) -> list[LawQuestion]:
        """The questions whose keywords the text uses most, best first (ties keep the guide's order)."""
        hits = [(_keyword_hits(text, question.keywords), question) for question in self.questions.values()]
        ranked = sorted((pair for pair in hits if pair[0]), key=lambda pair: -pair[0])
        return [question for _, question in ranked[:limit]]


@dataclass(frozen=True)
class ContentLibrary:
    """All content, keyed by topic name, with the signpost directory, law guide and system messages."""

    topics: dict[str, TopicContent]
    signposts: dict[str, Signpost]
    law_guide: LawGuide
    references: dict[str, Reference] = field(default_factory=dict)
    system: dict[str, ContentItem] = field(default_factory=dict)

    def for_topic(self, topic: str, audience: Audience) -> AudienceContent:
        """The advice for a topic and audience; a missing one is a content error, not a silent gap."""
        try:
            return self.topics[topic].audiences[audience]
        except KeyError as error:
            raise ContentError(f"no content for topic {topic!r} and audience {audience.value!r}") from error

    def signpost_lines(self, ids: list[str] | tuple[str, ...]) -> list[str]:
        """Rendered lines for the given signpost ids, each once, in order."""
        return [self.signposts[signpost_id].render() for signpost_id in dict.fromkeys(ids)]

    def system_text(self, key: str) -> str:
        """A system message (for example the reply used when the assistant is unavailable)."""
        return self.system[key].text


def _items(raw: list[dict[str, Any]] | None, where: str) -> tuple[ContentItem, ...]:
    items = []
    for entry in raw or []:
        if not isinstance(entry, dict) or not entry.get("text") or not entry.get("source"):
            raise ContentError(f"{where}: every item needs `text` and `source`")
        items.append(ContentItem(text=" ".join(str(entry["text"]).split()), source=str(entry["source"]),
                                 legal=bool(entry.get("legal", False))))
    return tuple(items)


def _audience(name: str, where: str) -> Audience:
    try:
        return Audience(name)
    except ValueError as error:
        raise ContentError(f"{where}: unknown audience {name!r}") from error


def _keywords(raw: dict[str, Any]) -> tuple[str, ...]:
    """An entry's keywords, lower-cased as the matching expects."""
    return tuple(str(keyword).lower() for keyword in raw.get("keywords") or ())


def _situation(path: Path, name: str, raw: dict[str, Any]) -> Situation:
    return Situation(
        name=name,
        keywords=_keywords(raw),
        audiences={
            _audience(audience, f"{path.name} situation {name}"): SituationAdvice(
                advice=_items(block.get("advice"), f"{path.name} situation {name} {audience}"),
                signposts=tuple(block.get("signposts") or ()),
            )
            for audience, block in (raw.get("audiences") or {}).items()
        },
    )


def _topic(path: Path, raw: dict[str, Any]) -> TopicContent:
    audiences = {
        _audience(name, path.name): AudienceContent(
            do=_items(block.get("do"), f"{path.name} {name} do"),
            dont=_items(block.get("dont"), f"{path.name} {name} dont"),
            signposts=tuple(block.get("signposts") or ()),
        )
        for name, block in (raw.get("audiences") or {}).items()
    }
    situations = tuple(_situation(path, name, block) for name, block in (raw.get("situations") or {}).items())
    return TopicContent(topic=str(raw.get("topic") or path.stem), reviewed=str(raw.get("reviewed", "")),
                        audiences=audiences, situations=situations)


def _signposts(raw: dict[str, Any]) -> dict[str, Signpost]:
    return {
        signpost_id: Signpost(
            id=signpost_id,
            name=str(entry["name"]),
            purpose=str(entry["for"]),
            ages=str(entry["ages"]),
            source=str(entry["source"]),
            phone=entry.get("phone"),
            text_number=entry.get("text"),
            url=entry.get("url"),
            hours=entry.get("hours"),
        )
        for signpost_id, entry in (raw.get("signposts") or {}).items()
    }


def _references(raw: dict[str, Any]) -> dict[str, Reference]:
    return {
        reference_id: Reference(id=reference_id, publisher=str(entry["publisher"]), title=str(entry["title"]),
                                url=str(entry["url"]))
        for reference_id, entry in (raw.get("references") or {}).items()
    }


def _law_guide(raw: dict[str, Any]) -> LawGuide:
    where = LAW_GUIDE_FILE
    questions = {
        question_id: LawQuestion(
            id=question_id,
            title=str(entry["title"]),
            keywords=_keywords(entry),
            answers={Register(register): _items(items, f"{where} {question_id} {register}")
                     for register, items in (entry.get("answers") or {}).items()},
            signposts=tuple(entry.get("signposts") or ()),
        )
        for question_id, entry in (raw.get("questions") or {}).items()
    }
    closing = {Register(register): _items([entry], f"{where} closing {register}")[0]
               for register, entry in (raw.get("closing") or {}).items()}
    signposts = {Register(register): tuple(ids or ()) for register, ids in (raw.get("signposts") or {}).items()}
    return LawGuide(reviewed=str(raw.get("reviewed", "")), questions=questions, closing=closing, signposts=signposts)


@lru_cache(maxsize=4)
def load_library(directory: Path) -> ContentLibrary:
    """Read every content file once per process (the files do not change while it runs)."""
    topics: dict[str, TopicContent] = {}
    special: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if path.name in {SIGNPOSTS_FILE, SYSTEM_FILE, REFERENCES_FILE, LAW_GUIDE_FILE}:
            special[path.name] = raw
        else:
            content = _topic(path, raw)
            topics[content.topic] = content
    signposts = _signposts(special.get(SIGNPOSTS_FILE, {}))
    if not signposts:
        raise ContentError(f"{directory}: {SIGNPOSTS_FILE} is missing or empty")
    messages = special.get(SYSTEM_FILE, {}).get("messages") or {}
    return ContentLibrary(
        topics=topics,
        signposts=signposts,
        law_guide=_law_guide(special.get(LAW_GUIDE_FILE, {})),
        references=_references(special.get(REFERENCES_FILE, {})),
        system={key: _items([entry], f"{SYSTEM_FILE} {key}")[0] for key, entry in messages.items()},
    )
