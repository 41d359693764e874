"""The law guide: the questions people ask, each answer naming its Act, in words for young people and adults."""

from __future__ import annotations

import pytest

from actions.advice import law_question_button
from bot.safeguarding.content import ContentLibrary, Register

# What the guide must answer, by the Act (or fact) an answer must name.
REQUIRED_ACTS = [
    "Protection of Children Act 1978",
    "Criminal Justice Act 1988",
    "Online Safety Act 2023",
    "Domestic Abuse Act 2021",
    "Serious Crime Act 2015",
    "Sexual Offences Act 2003",
    "Protection from Harassment Act 1997",
    "Malicious Communications Act 1988",
    "Communications Act 2003",
    "Public Order Act 1986",
    "Racial and Religious Hatred Act 2006",
    "Computer Misuse Act 1990",
    "Education and Inspections Act 2006",
]
REQUIRED_FACTS = ["Outcome 21", "16", "10"]
MAX_ID_CHARS, MAX_TITLE_CHARS, MAX_KEYWORDS = 20, 30, 16


def _answer_text(library: ContentLibrary, register: Register) -> str:
    return " ".join(item.text for q in library.law_guide.questions.values() for item in q.answers[register])


@pytest.mark.parametrize("register", list(Register), ids=lambda r: r.value)
def test_every_question_is_answered_in_both_registers(library: ContentLibrary, register: Register) -> None:
    for question in library.law_guide.questions.values():
        answer = question.answers.get(register)
        assert answer, f"{question.id}: no {register.value} answer"
        assert any(item.legal for item in answer), f"{question.id}/{register.value}: states no law"
    closing = library.law_guide.closing[register].text
    assert "Scotland" in closing and "Northern Ireland" in closing
    assert library.law_guide.signposts[register], f"no one to help after a {register.value} answer"
    named = [s for q in library.law_guide.questions.values() for s in q.signposts] + list(library.law_guide.signposts[register])
    assert set(named) <= set(library.signposts)


@pytest.mark.parametrize("act", REQUIRED_ACTS + REQUIRED_FACTS)
def test_the_guide_covers_the_questions_parents_ask(library: ContentLibrary, act: str) -> None:
    assert act in _answer_text(library, Register.ADULT)


def test_questions_fit_buttons(library: ContentLibrary) -> None:
    for question in library.law_guide.questions.values():
        assert len(question.id) <= MAX_ID_CHARS and len(question.title) <= MAX_TITLE_CHARS, question.id
        assert 0 < len(question.keywords) <= MAX_KEYWORDS, question.id
        assert len(law_question_button(question)["payload"].encode()) <= 64, question.id


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("can my son get in trouble for having nudes of his girlfriend", "nude_images"),
        ("will outcome 21 show up on a dbs check", "outcome_21"),
        ("my ex threatened to share my nudes is that illegal", "intimate_images"),
        ("is it illegal for a man to send sexual messages to my 14 year old", "sexual_messages"),
        ("is cyberflashing a crime now", "online_safety_act"),
        ("a girl keeps messaging me and won't leave me alone, is that harassment", "harassment"),
        ("can you be arrested for trolling someone", "offensive_messages"),
        ("is posting racist stuff online illegal", "hate"),
        ("is it illegal to hack into someones insta", "hacking"),
        ("can teachers search my phone", "school_powers"),
        ("whats the age of consent in the uk", "age_of_consent"),
        ("whats the age of criminal responsibility in england", "criminal_age"),
        ("is cyberbullying actually a crime", "bullying_crime"),
    ],
)
def test_a_question_in_everyday_words_finds_its_answer(library: ContentLibrary, question: str, answer: str) -> None:
    assert library.law_guide.questions_asked(question)[0].id == answer


def test_a_question_the_guide_does_not_cover_finds_nothing(library: ContentLibrary) -> None:
    assert library.law_guide.questions_asked("what does the law say") == []
