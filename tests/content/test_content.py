"""The content library is complete, traceable and keeps the safety rules (DEVELOPERS.md)."""

from __future__ import annotations

import re
from datetime import date
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
# The Act's own name, without the words before it ("Under the ...", "It is in the ...").
ACT_NAME = re.compile(r"\b((?:[A-Z][a-z]+ )(?:(?:[A-Z][a-z]+|and|of|from) )*?Act \d{4})\b")
DONT = re.compile(r"^(Don't|Do not|Never|Try not to)\b")
REQUIRED_SITUATIONS = {
    Topic.NUDE_IMAGE_SHARING.value: ["sent", "received", "asked_for", "shared_on", "ai_fake"],
    Topic.HARMFUL_CONTENT.value: [
        "self_harm_suicide", "pro_ana", "violent", "extremist", "hate", "porn", "dangerous_challenge",
    ],
}
IMAGE_REQUEST = re.compile(
    r"\b(send|show|upload|share)\b[^.]{0,30}\b(me|us|here|this chat|the bot)\b[^.]{0,30}\b(photo|picture|pic|image|video|screenshot)",
    re.IGNORECASE,
)
UNSAFE_IN_GROOMING = re.compile(r"\b(confront\w*|pay\w*|delete\w*|block and delete)\b", re.IGNORECASE)
NEGATED = re.compile(r"\b(don'?t|do not|never|not|no|nothing|no need to|without)\b[^.]{0,40}$", re.IGNORECASE)

ALL_AUDIENCES = list(Audience)
ADVICE_TOPIC_NAMES = sorted(topic.value for topic in ADVICE_TOPICS)


def _all_items(library: ContentLibrary) -> list[tuple[str, ContentItem]]:
    """Every item of the library, named by where it is: topics, situations, law guide, system messages."""
    items = []
    for name, topic in library.topics.items():
        for audience, content in topic.audiences.items():
            items.extend((f"{name}/{audience.value}", item) for item in content.advice)
        for situation in topic.situations:
            for audience, advice in situation.audiences.items():
                items.extend((f"{name}/{situation.name}/{audience.value}", item) for item in advice.advice)
    for question in library.law_guide.questions.values():
        for register, answer in question.answers.items():
            items.extend((f"law_guide/{question.id}/{register.value}", item) for item in answer)
    items.extend((f"law_guide/closing/{register.value}", item) for register, item in library.law_guide.closing.items())
    items.extend((f"system/{key}", item) for key, item in library.system.items())
    return items


@pytest.mark.parametrize("topic", [*ADVICE_TOPIC_NAMES, ESCALATION_TOPIC])
@pytest.mark.parametrize("audience", ALL_AUDIENCES, ids=lambda a: a.value)
def test_every_topic_has_content_for_every_audience(library: ContentLibrary, topic: str, audience: Audience) -> None:
    content = library.for_topic(topic, audience)
    assert content.do, f"{topic}/{audience.value} says nothing to do now"
    assert content.signposts, f"{topic}/{audience.value} names no service"
    if topic != ESCALATION_TOPIC:
        assert content.dont, f"{topic}/{audience.value} says nothing about what not to do"
        assert all(DONT.match(item.text) for item in content.dont), f"{topic}/{audience.value}: a dont item must say so"


@pytest.mark.parametrize(("topic", "situations"), list(REQUIRED_SITUATIONS.items()))
def test_topics_cover_their_situations_for_every_audience(library: ContentLibrary, topic: str, situations: list[str]) -> None:
    found = {situation.name: situation for situation in library.topics[topic].situations}
    assert set(situations) <= set(found)
    for situation in found.values():
        assert situation.keywords, f"{topic}/{situation.name} has no keywords"
        assert set(situation.audiences) == set(Audience), f"{topic}/{situation.name} misses an audience"
        assert all(advice.advice for advice in situation.audiences.values()), f"{topic}/{situation.name}: empty advice"


def test_every_file_says_when_it_was_reviewed(library: ContentLibrary) -> None:
    reviewed = {topic.topic: topic.reviewed for topic in library.topics.values()}
    reviewed["law_guide"] = library.law_guide.reviewed
    for name, day in reviewed.items():
        assert date.fromisoformat(day) <= date.today(), f"{name}: reviewed date {day!r}"


def test_every_item_is_traceable_short_and_signposts_exist(library: ContentLibrary) -> None:
    known = SEED_FILES | set(library.signposts) | set(library.references)
    for where, item in _all_items(library):
        assert item.source in known, f"{where}: unknown source {item.source}"
        assert len(item.text) <= MAX_ITEM_CHARS, f"{where}: {len(item.text)} characters"
    assert not set(library.signposts) & set(library.references), "a reference id must not be a signpost id"
    for topic in library.topics.values():
        listed = [s for c in topic.audiences.values() for s in c.signposts]
        listed += [s for situation in topic.situations for a in situation.audiences.values() for s in a.signposts]
        assert set(listed) <= set(library.signposts), f"{topic.topic}: unknown signposts"


def test_signpost_directory_says_what_who_and_how(library: ContentLibrary) -> None:
    for signpost in library.signposts.values():
        assert signpost.name and signpost.purpose and signpost.ages, signpost.id
        assert signpost.phone or signpost.text_number or signpost.url, f"{signpost.id}: no way to reach it"
        assert signpost.source in SEED_FILES or signpost.source.endswith((".org.uk", ".org", ".uk")), signpost.id


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


def test_each_act_named_is_named_in_the_seed_it_cites(library: ContentLibrary) -> None:
    if not SEEDS_DIR.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    seeds = {name: " ".join((SEEDS_DIR / name).read_text(encoding="utf-8").split()) for name in SEED_FILES}
    for where, item in _all_items(library):
        if item.legal and item.source in seeds:
            for act in (name.removeprefix("The ") for name in ACT_NAME.findall(item.text)):
                assert act in seeds[item.source], f"{where}: {act!r} is not named in {item.source}"


def test_no_content_asks_for_an_image(library: ContentLibrary) -> None:
    for where, item in _all_items(library):
        assert not IMAGE_REQUEST.search(item.text), f"{where}: must never invite an image"


# The /privacy and /delete replies say the service erases its own copy of the chat; they never tell
# the user to delete anything (the command is named /delete, as users expect).
ABOUT_THE_SERVICE_ERASING = {"system/privacy_how_long", "system/deleted", "system/help"}  # the /delete command


def test_no_content_advises_confronting_paying_or_deleting(library: ContentLibrary) -> None:
    """Checked over the whole library, not only grooming and sextortion: situations, law answers and
    escalation advice reach the same children."""
    for where, item in _all_items(library):
        if where in ABOUT_THE_SERVICE_ERASING:
            assert "delete it now" not in item.text and "delete the" not in item.text.lower(), where
            continue
        for match in UNSAFE_IN_GROOMING.finditer(item.text):
            before = item.text[: match.start()]
            assert NEGATED.search(before), f"{where}: unsafe advice {match.group()!r}: {item.text}"


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



def test_the_privacy_explanation_reads_at_primary_level_and_ends_with_help(library: ContentLibrary) -> None:
    from bot.safeguarding.readability import GRADE_LIMITS, reading_grade
    from bot.services import PRIVACY_MESSAGES

    texts = [library.system_text(key) for key in PRIVACY_MESSAGES]
    assert reading_grade(" ".join(texts)) <= GRADE_LIMITS[Audience.UNDER_13]
    assert "999" in texts[-1] and "0800 1111" in texts[-1] and "/delete" in texts[-1]
    for key in ("deleted", "kept_for_safeguarding"):
        assert "999" in library.system_text(key) and "0800 1111" in library.system_text(key)
