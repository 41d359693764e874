"""Every reply the library composes: readable for its reader, short messages, only listed services, kind words.

The replies are those `make content-report` lists: each topic, situation and law guide question, for
every audience, escalated or not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.content_report import SampleReply, sample_replies
from bot.safeguarding.audience import Audience
from bot.safeguarding.content import YOUNG_AUDIENCES, ContentLibrary
from bot.safeguarding.readability import GRADE_LIMITS, reading_grade
from bot.safeguarding.replies import MAX_MESSAGE_CHARS
from bot.safeguarding.topics import Topic
from bot.settings import REPO_ROOT

# Phone and text numbers: UK numbers starting 0, three-digit lines (999, 101, 111, 116 123) and
# five-digit text numbers (85258). Years ("2023") and ages ("under 18") are not numbers to call.
PHONE = re.compile(r"(?<![\w.])(0\d{3} ?\d{3} ?\d{4}|0\d{2,4} ?\d{3,4}|1\d\d ?\d{3}|\d{5}|999|101|111)(?![\w])")
URL = re.compile(r"(?<![\w@])((?:https?://)?(?:[a-z0-9-]+\.)+(?:uk|com|org|net)(?:/[\w\-/.]*\w)?)", re.IGNORECASE)
# Services a reader might expect but the directory does not list: naming one needs a directory entry.
UNLISTED_SERVICES = [
    "Papyrus", "Kooth", "YoungMinds", "Young Minds", "Mind", "Victim Support", "Childnet", "Action Fraud",
    "Crimestoppers", "The Mix", "Beat", "Stop It Now", "Revenge Porn Helpline", "Professionals Online Safety Helpline",
    "UK Safer Internet Centre", "Ofcom", "NHS 111", "Refuge",
]
UNLISTED = re.compile(rf"\b({'|'.join(map(re.escape, UNLISTED_SERVICES))})\b")
NOT_TO_BLAME = re.compile(r"\b(not your fault|not in trouble|done nothing wrong|did nothing wrong)\b", re.IGNORECASE)
BLAME = re.compile(
    r"\b(you shouldn'?t have|you should not have|why did you|you asked for it|your own fault|you were (stupid|silly))\b"
    r"|(?<!not )(?<!n't )(?<!n’t )\byour fault\b",
    re.IGNORECASE,
)
JARGON_FOR_YOUNG_PEOPLE = re.compile(
    r"\b(perpetrators?|youth[- ]produced|indecent|disclos\w*|safeguarding|DSL|CSAM|CSE|pseudo-photographs?|"
    r"statutory|non-consensual)\b",
    re.IGNORECASE,
)
US_SPELLINGS = re.compile(
    r"\b(colors?|behaviors?|favorites?|honors?|organiz\w+|realiz\w+|recogniz\w+|apologiz\w+|centers?|"
    r"moms?|offenses?|defenses?|neighbors?|traveled|analyz\w+|catalogs?)\b",
    re.IGNORECASE,
)
HARM_TOPICS = {Topic.BULLYING, Topic.NUDE_IMAGE_SHARING, Topic.SEXTORTION, Topic.GROOMING, Topic.HARMFUL_CONTENT}


@pytest.fixture(scope="module")
def replies(library: ContentLibrary) -> list[SampleReply]:
    """Every reply the library composes."""
    return list(sample_replies(library))


def _domain_texts() -> list[str]:
    domain = yaml.safe_load(Path(REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [" ".join(variant["text"].split()) for variants in domain["responses"].values() for variant in variants]


def _reply_texts(replies: list[SampleReply], library: ContentLibrary) -> list[tuple[str, str]]:
    texts = [(f"{r.label}/{r.audience.value}", message) for r in replies for message in r.reply.messages]
    texts += [(f"system/{key}", item.text) for key, item in library.system.items()]
    return texts + [("domain.yml", text) for text in _domain_texts()]


def _normalised(url: str) -> str:
    return re.sub(r"^(https?://)?(www\.)?", "", url.lower()).rstrip("/")


def test_every_topic_situation_and_law_question_is_composed(replies: list[SampleReply], library: ContentLibrary) -> None:
    labels = {r.label for r in replies}
    assert {f"law/{question}" for question in library.law_guide.questions} <= labels
    assert {f"nude_image_sharing/{name}" for name in ("sent", "received", "asked_for", "shared_on", "ai_fake")} <= labels
    assert {r.audience for r in replies} == set(Audience)


def test_replies_are_readable_for_their_reader(replies: list[SampleReply]) -> None:
    too_hard = [
        f"{r.label}/{r.audience.value}: grade {r.grade:.1f} > {GRADE_LIMITS[r.audience]}"
        for r in replies
        if r.grade > GRADE_LIMITS[r.audience]
    ]
    assert too_hard == []


def test_messages_said_to_everyone_are_readable_by_an_under_13(library: ContentLibrary) -> None:
    texts = _domain_texts() + [item.text for item in library.system.values()]
    prose = [text for text in texts if len(text.split()) >= 3]  # a button label ("Exit") has no reading grade
    assert [text for text in prose if reading_grade(text) > GRADE_LIMITS[Audience.UNDER_13]] == []


def test_every_chat_message_fits_on_a_phone_screen(replies: list[SampleReply], library: ContentLibrary) -> None:
    too_long = [f"{where}: {len(text)}" for where, text in _reply_texts(replies, library) if len(text) > MAX_MESSAGE_CHARS]
    assert too_long == []


def test_replies_name_only_services_numbers_and_urls_in_the_directory(
    replies: list[SampleReply], library: ContentLibrary
) -> None:
    numbers = {re.sub(r"\D", "", n) for s in library.signposts.values() for n in (s.phone, s.text_number) if n}
    urls = {_normalised(s.url) for s in library.signposts.values() if s.url}
    hosts = {url.split("/")[0] for url in urls}
    for where, text in _reply_texts(replies, library):
        for number in PHONE.findall(text):
            assert re.sub(r"\D", "", number) in numbers, f"{where}: {number!r} is not in the signpost directory"
        for url in URL.findall(text):
            found = _normalised(url)
            assert found in urls or found in hosts, f"{where}: {url!r} is not in the signpost directory"
        assert not UNLISTED.search(text), f"{where}: names a service the directory does not list"


def test_the_directory_check_catches_an_unlisted_service(library: ContentLibrary) -> None:
    assert PHONE.findall("Call Papyrus on 0800 068 4141 or NHS 111") == ["0800 068 4141", "111"]
    assert URL.findall("see www.papyrus-uk.org/help or childline.org.uk.") == ["www.papyrus-uk.org/help", "childline.org.uk"]
    assert PHONE.findall("Under the Online Safety Act 2023, anyone under 18") == []


def test_young_people_are_never_blamed_and_told_it_is_not_their_fault(replies: list[SampleReply]) -> None:
    for r in replies:
        text = " ".join(item.text for item in r.items)
        assert not BLAME.search(text), f"{r.label}/{r.audience.value}: blaming words"
        if r.audience in YOUNG_AUDIENCES and r.topic in HARM_TOPICS:
            assert NOT_TO_BLAME.search(text), f"{r.label}/{r.audience.value}: say it is not their fault"


def test_young_peoples_replies_have_no_jargon_and_all_content_uses_uk_spelling(
    replies: list[SampleReply], library: ContentLibrary
) -> None:
    for r in replies:
        text = " ".join(item.text for item in r.items)
        if r.audience in YOUNG_AUDIENCES:
            assert not JARGON_FOR_YOUNG_PEOPLE.search(text), f"{r.label}/{r.audience.value}: jargon"
    for where, text in _reply_texts(replies, library):
        assert not US_SPELLINGS.search(text), f"{where}: US spelling {US_SPELLINGS.search(text).group()!r}"
