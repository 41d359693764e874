"""The content library is complete, traceable and keeps the safety rules (DEVELOPERS.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ESCALATION_TOPIC, ContentItem, ContentLibrary
from bot.safeguarding.topics import ADVICE_TOPICS, EMERGENCY_FIRST_TOPICS, Topic
from bot.settings import REPO_ROOT

SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
SEED_FILES = {
    "000_2136c6b7c827f324.txt",
    "001_08e16c24f7897ee2.txt",
    "002_708d7823b3586f57.txt",
    "003_74b62b14d7ac5b82.txt",
    "004_11a01580ddfa5a24.txt",
}
MAX_ITEM_CHARS = 300
ACT = re.compile(r"\b[A-Z][A-Za-z ]+ Act \d{4}\b")
IMAGE_REQUEST = re.compile(
    r"\b(send|show|upload|share)\b[^.]{0,30}\b(me|us|here|this chat|the bot)\b[^.]{0,30}\b(photo|picture|pic|image|video|screenshot)",
    re.IGNORECASE,
)
UNSAFE_IN_GROOMING = re.compile(r"\b(confront\w*|pay\w*|delete\w*|block and delete)\b", re.IGNORECASE)
NEGATED = re.compile(r"\b(don'?t|do not|never|not|no|nothing|no need to|without)\b[^.]{0,40}$", re.IGNORECASE)

ALL_AUDIENCES = list(Audience)
ADVICE_TOPIC_NAMES = sorted(topic.value for topic in ADVICE_TOPICS)


def _all_items(library: ContentLibrary) -> list[tuple[str, ContentItem]]:
    items = []
    for name, topic in library.topics.items():
        for audience, content in topic.audiences.items():
            items.extend((f"{name}/{audience.value}", item) for item in content.advice)
        for kind in topic.kinds:
            items.extend((f"{name}/kind:{kind.name}", item) for item in kind.advice)
    items.extend((f"system/{key}", item) for key, item in library.system.items())
    return items


@pytest.mark.parametrize("topic", [*ADVICE_TOPIC_NAMES, ESCALATION_TOPIC])
@pytest.mark.parametrize("audience", ALL_AUDIENCES, ids=lambda a: a.value)
def test_every_topic_has_content_for_every_audience(library: ContentLibrary, topic: str, audience: Audience) -> None:
    content = library.for_topic(topic, audience)
    assert content.advice, f"{topic}/{audience.value} has no advice"
    assert content.signposts, f"{topic}/{audience.value} names no service"


def test_every_item_is_traceable_short_and_signposts_exist(library: ContentLibrary) -> None:
    for where, item in _all_items(library):
        assert item.source in SEED_FILES or item.source in library.signposts, f"{where}: unknown source {item.source}"
        assert len(item.text) <= MAX_ITEM_CHARS, f"{where}: {len(item.text)} characters"
    for topic in library.topics.values():
        listed = [s for c in topic.audiences.values() for s in c.signposts] + [s for k in topic.kinds for s in k.signposts]
        assert set(listed) <= set(library.signposts), f"{topic.topic}: unknown signposts"


def test_seed_files_named_as_sources_exist() -> None:
    if not SEEDS_DIR.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    assert SEED_FILES <= {path.name for path in SEEDS_DIR.iterdir()}


def test_legal_statements_name_their_act_and_jurisdiction(library: ContentLibrary) -> None:
    for where, item in _all_items(library):
        if item.legal:
            assert ACT.search(item.text), f"{where}: a legal statement must name its Act"
            assert "England and Wales" in item.text, f"{where}: must say it is the law in England and Wales"
        else:
            assert not ACT.search(item.text), f"{where}: names an Act but is not marked legal: true"


def test_no_content_asks_for_an_image(library: ContentLibrary) -> None:
    for where, item in _all_items(library):
        assert not IMAGE_REQUEST.search(item.text), f"{where}: must never invite an image"


@pytest.mark.parametrize("topic", [Topic.GROOMING.value, Topic.SEXTORTION.value])
def test_grooming_and_sextortion_never_advise_confronting_paying_or_deleting(library: ContentLibrary, topic: str) -> None:
    for audience in ALL_AUDIENCES:
        for item in library.for_topic(topic, audience).advice:
            for match in UNSAFE_IN_GROOMING.finditer(item.text):
                before = item.text[: match.start()]
                assert NEGATED.search(before), f"{topic}/{audience.value}: unsafe advice {match.group()!r}: {item.text}"


@pytest.mark.parametrize("topic", [Topic.GROOMING.value, Topic.SEXTORTION.value])
@pytest.mark.parametrize("audience", ALL_AUDIENCES, ids=lambda a: a.value)
def test_grooming_and_sextortion_point_to_ceop_and_evidence(library: ContentLibrary, topic: str, audience: Audience) -> None:
    content = library.for_topic(topic, audience)
    text = " ".join(item.text for item in content.advice).lower()
    assert "ceop" in content.signposts
    assert "evidence" in text or "screenshot" in text
    assert "tell" in text or "adult" in text


@pytest.mark.parametrize("topic", sorted(t.value for t in EMERGENCY_FIRST_TOPICS))
@pytest.mark.parametrize("audience", ALL_AUDIENCES, ids=lambda a: a.value)
def test_emergency_topics_open_with_999_and_childline(library: ContentLibrary, topic: str, audience: Audience) -> None:
    first = library.for_topic(topic, audience).advice[0].text
    assert "999" in first and "0800 1111" in first


def test_system_messages_carry_an_emergency_route(library: ContentLibrary) -> None:
    for key in ("service_unavailable", "cannot_read"):
        assert "999" in library.system_text(key) and "0800 1111" in library.system_text(key)


def test_button_payloads_fit_telegram_callback_data() -> None:
    domain = yaml.safe_load(Path(REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    payloads = [b["payload"] for variants in domain["responses"].values() for v in variants for b in v.get("buttons", [])]
    sent = [payload.replace("{{", "{").replace("}}", "}") for payload in payloads]  # as Rasa sends them
    assert sent
    assert all(len(payload.encode()) <= 64 for payload in sent)

