"""End to end through Telegram: emulator -> front end -> Rasa server -> action server and back."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Stack, TelegramUser, buttons_of, text_of

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
