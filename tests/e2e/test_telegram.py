"""End to end through Telegram: emulator -> front end -> Rasa server -> action server and back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cases.database import create_db_engine
from bot.cases.store import CaseStore, CaseView
from bot.cases.transcript import Speaker, transcript
from tests.databases import rows_mentioning
from tests.e2e.harness import REPLY_TIMEOUT_SECONDS, Stack, TelegramUser, buttons_of, conversation_of, text_of

pytestmark = pytest.mark.e2e


def _start_as_parent(user: TelegramUser) -> None:
    user.command("/start")
    user.replies(at_least=2)
    user.press('/inform_role{"user_role":"parent"}')
    user.replies()


def test_young_person_onboards_and_gets_grooming_advice_with_ceop(user: TelegramUser) -> None:
    user.command("/start")
    welcome = user.replies(at_least=2)
    assert "999" in text_of(welcome) and "0800 1111" in text_of(welcome)
    role_buttons = buttons_of(welcome[-1])
    assert ("I'm a young person", '/inform_role{"user_role":"young_person"}') in role_buttons

    user.press('/inform_role{"user_role":"young_person"}')
    age_question = user.replies()
    assert any(title == "13 to 15" for title, _ in buttons_of(age_question[-1]))

    user.press('/inform_age{"age_band":"age_13_15"}')
    user.replies()

    user.say("theres this older guy on roblox who keeps asking me to send him pics and says its our secret")
    advice = text_of(user.replies(at_least=2))
    assert "CEOP" in advice
    assert "ceop.police.uk" in advice
    assert "0800 1111" in advice


def test_parent_asks_about_bullying_and_gets_adult_signposts(user: TelegramUser) -> None:
    _start_as_parent(user)
    user.say("my daughter keeps getting nasty messages in a group chat from girls in her year")
    advice = text_of(user.replies(at_least=2))
    assert "Who can help:" in advice
    assert "NSPCC" in advice or "Report Harmful Content" in advice


def test_self_harm_reply_opens_with_999_and_childline(user: TelegramUser) -> None:
    user.say("i want to kill myself")
    first = user.replies(at_least=2)[0]["text"]
    assert "999" in first[:200] and "0800 1111" in first[:200]


def test_a_photo_is_deleted_from_the_chat_answered_kindly_and_never_fetched(user: TelegramUser, stack: Stack) -> None:
    user.send_photo()
    reply = text_of(user.replies())
    assert "don't open or keep photos" in reply
    assert "Report Remove" in reply
    left = [update["message"] for update in user.chat_history()]
    assert not [message for message in left if "photo" in message], "the photo is still in the chat"
    assert any("Report Remove" in message.get("text", "") for message in left)


def test_parent_picks_a_law_question_from_the_buttons_and_gets_its_act(user: TelegramUser) -> None:
    _start_as_parent(user)
    user.say("what does the law say about things kids do online")
    overview = user.replies(at_least=2)
    questions = dict(buttons_of(overview[-1]))
    assert "England and Wales" in text_of(overview)
    user.press(questions["Harassment"])
    answer = text_of(user.replies(at_least=2))
    assert "Protection from Harassment Act 1997" in answer
    assert "Scotland and Northern Ireland" in answer


# One conversation per topic the bot advises on: what a young person (13-15) types, and the service
# its reply must name.
TOPIC_CONVERSATIONS = [
    ("nude_image_sharing", "someone shared a nude pic of me around school", "Report Remove"),
    ("sextortion", "a guy says he will send my nudes to everyone unless i pay him", "CEOP"),
    ("harmful_content", "i keep seeing videos of people hurting themselves on tiktok", "Childline"),
    ("extremist", "someone in my discord keeps posting terrorist propaganda videos", "gov.uk/report-terrorism"),
    ("hate", "people keep posting racist abuse about me online", "True Vision"),
    ("immediate_danger", "a man i met online is outside my house right now", "999"),
    ("reporting", "how do i report a fake account pretending to be me", "Childline"),
]


@pytest.mark.parametrize(("topic", "message", "service"), TOPIC_CONVERSATIONS, ids=[t[0] for t in TOPIC_CONVERSATIONS])
def test_a_conversation_per_topic_names_the_right_service(user: TelegramUser, topic: str, message: str, service: str) -> None:
    _start_as_young_person(user)
    user.say(message)
    reply = text_of(user.replies(at_least=2))
    assert service in reply, f"{topic}: {reply[:400]}"
    assert "0800 1111" in reply or "999" in reply


def _start_as_young_person(user: TelegramUser) -> None:
    user.command("/start")
    user.replies(at_least=2)
    user.press('/inform_role{"user_role":"young_person"}')
    user.replies()
    user.press('/inform_age{"age_band":"age_13_15"}')
    user.replies()


def _case_of(stack: Stack, user: TelegramUser) -> CaseView | None:
    engine = create_db_engine(stack.database_url)
    try:
        return CaseStore(engine).active_case_for(conversation_of(user))
    finally:
        engine.dispose()


def test_media_is_never_written_to_the_database_or_the_data_directory(user: TelegramUser, stack: Stack) -> None:
    user.send_photo()
    user.replies()
    engine = create_db_engine(stack.database_url)
    try:
        assert rows_mentioning(engine, "photo-file-id") == {} and rows_mentioning(engine, "photo-unique") == {}
    finally:
        engine.dispose()
    data_directory = Path(stack.database_url.removeprefix("sqlite:///")).parent
    assert {path.name for path in data_directory.iterdir()} <= {"online-safety.db", "online-safety.db-wal", "online-safety.db-shm"}


def test_exit_removes_the_chat_from_the_phone_and_help_says_what_it_cannot(user: TelegramUser) -> None:
    user.command("/help")
    assert "48 hours" in text_of(user.replies())
    user.say("someone in my class keeps sending me nasty messages")
    advice = user.replies(at_least=2)
    assert ("Exit", "quick-exit") in buttons_of(advice[-1])
    assert len(user.chat_history()) > len(advice)
    user.command("/exit")
    deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
    while user.chat_history() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert user.chat_history() == [], "every message of the chat was deleted, the user's and the bot's"
    assert user.replies(at_least=0) == [], "nothing new appears after the exit"


def test_the_exit_button_removes_the_chat_too(user: TelegramUser) -> None:
    user.say("my friend shared a video of me without asking")
    user.replies(at_least=2)
    user.press("quick-exit")
    deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
    while user.chat_history() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert user.chat_history() == []


def test_a_disclosure_split_over_short_messages_is_escalated_once_with_all_of_it(user: TelegramUser, stack: Stack) -> None:
    _start_as_young_person(user)
    replies = []
    for part in ("hes 25", "n wants pics", "said not to tell"):
        user.say(part)
        replies += user.replies(at_least=1)
    notices = [m for m in replies if "trained person" in m.get("text", "")]
    assert len(notices) == 1, "the user is told once that a person will read the chat"
    case = _case_of(stack, user)
    assert case is not None
    assert "adult_involved" in case.reasons
    assert {"adult_involved", "images_requested", "secrecy_requested"} <= set(case.signals), "every part counted"
    engine = create_db_engine(stack.database_url)
    try:
        said = [line.text for line in transcript(engine, case.conversation_id) if line.speaker == Speaker.YOUNG_PERSON]
    finally:
        engine.dispose()
    assert said[-3:] == ["hes 25", "n wants pics", "said not to tell"], "staff see the whole disclosure"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(
    st.text(max_size=300),
    st.just(""),
    st.just("x" * 4096),
    st.text(alphabet="😀🙃💔🏳️‍🌈👀 ", min_size=1, max_size=50),
    st.text(alphabet="مرحبا שלום ", min_size=1, max_size=80),
    st.text(alphabet=st.characters(whitelist_categories=("Cc",)), min_size=1, max_size=20),
))
def test_any_text_gets_an_answer_and_nothing_crashes(stack: Stack, text: str) -> None:
    person = TelegramUser(stack.emulator_url)
    try:
        person.say(text)
        assert person.replies(at_least=1), f"no answer to {text[:40]!r}"
    finally:
        person.close()
