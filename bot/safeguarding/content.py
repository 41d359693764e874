"""The content library: advice, signposts and system messages loaded from data/content/*.yml.

Every item keeps its `source` so a reviewer can trace a reply back to a seed document or service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safeguarding.audience import Audience

SIGNPOSTS_FILE = "signposts.yml"
SYSTEM_FILE = "system.yml"
ESCALATION_TOPIC = "escalation"


class ContentError(ValueError):
    """A content file is missing something the bot relies on."""


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
class AudienceContent:
    """Advice for one audience on one topic, most important first, and the services to name."""

    advice: tuple[ContentItem, ...]
    signposts: tuple[str, ...]


@dataclass(frozen=True)
class ContentKind:
    """A kind of harmful content (extremist, hate...) recognised by keywords, with its own route."""

    name: str
    keywords: tuple[str, ...]
    advice: tuple[ContentItem, ...]
    signposts: tuple[str, ...]


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


@dataclass(frozen=True)
class TopicContent:
    """Everything the library holds for one topic."""

    topic: str
    reviewed: str
    audiences: dict[Audience, AudienceContent]
    kinds: tuple[ContentKind, ...] = ()

    def kinds_mentioned(self, text: str) -> list[ContentKind]:
        """The kinds whose keywords appear as whole words in what the user wrote."""
        lowered = text.lower()
        return [kind for kind in self.kinds if any(_has_phrase(lowered, keyword) for keyword in kind.keywords)]


@dataclass(frozen=True)
class ContentLibrary:
    """All content, keyed by topic name, with the signpost directory and system messages."""

    topics: dict[str, TopicContent]
    signposts: dict[str, Signpost]
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
        if not entry.get("text") or not entry.get("source"):
            raise ContentError(f"{where}: every item needs `text` and `source`")
        items.append(ContentItem(text=" ".join(str(entry["text"]).split()), source=str(entry["source"]),
                                 legal=bool(entry.get("legal", False))))
    return tuple(items)


def _topic(path: Path, raw: dict[str, Any]) -> TopicContent:
    audiences: dict[Audience, AudienceContent] = {}
    for name, block in (raw.get("audiences") or {}).items():
        try:
            audience = Audience(name)
        except ValueError as error:
            raise ContentError(f"{path.name}: unknown audience {name!r}") from error
        audiences[audience] = AudienceContent(
            advice=_items(block.get("advice"), f"{path.name} {name}"),
            signposts=tuple(block.get("signposts") or ()),
        )
    kinds = tuple(
        ContentKind(
            name=name,
            keywords=tuple(str(keyword).lower() for keyword in block.get("keywords") or ()),
            advice=_items(block.get("advice"), f"{path.name} kind {name}"),
            signposts=tuple(block.get("signposts") or ()),
        )
        for name, block in (raw.get("kinds") or {}).items()
    )
    return TopicContent(topic=str(raw.get("topic") or path.stem), reviewed=str(raw.get("reviewed", "")),
                        audiences=audiences, kinds=kinds)


def _signposts(raw: dict[str, Any]) -> dict[str, Signpost]:
    return {
        signpost_id: Signpost(
            id=signpost_id,
            name=str(entry["name"]),
            purpose=str(entry.get("for", "")),
            source=str(entry["source"]),
            phone=entry.get("phone"),
            text_number=entry.get("text"),
            url=entry.get("url"),
            hours=entry.get("hours"),
        )
        for signpost_id, entry in (raw.get("signposts") or {}).items()
    }


@lru_cache(maxsize=4)
def load_library(directory: Path) -> ContentLibrary:
    """Read every content file once per process (the files do not change while it runs)."""
    topics: dict[str, TopicContent] = {}
    signposts: dict[str, Signpost] = {}
    system: dict[str, ContentItem] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if path.name == SIGNPOSTS_FILE:
            signposts = _signposts(raw)
        elif path.name == SYSTEM_FILE:
            messages = raw.get("messages") or {}
            system = {key: _items([entry], f"{path.name} {key}")[0] for key, entry in messages.items()}
        else:
            content = _topic(path, raw)
            topics[content.topic] = content
    if not signposts:
        raise ContentError(f"{directory}: {SIGNPOSTS_FILE} is missing or empty")
    return ContentLibrary(topics=topics, signposts=signposts, system=system)
