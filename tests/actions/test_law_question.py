"""Law questions: the law guide's answer for the question asked, or its questions as buttons."""

from __future__ import annotations

import json

from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionGiveAdvice
from actions.names import Entity, Intent, Response, Slot
from bot.safeguarding.audience import Audience
from bot.safeguarding.content import ContentLibrary, Register
from tests.conftest import TrackerFactory

PARENT = {Slot.ROLE: "parent"}
YOUNG_PERSON = {Slot.ROLE: "young_person", Slot.AGE_BAND: "age_13_15"}


def _reply(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(message["text"] for message in dispatcher.messages if message.get("text"))


async def test_a_law_guide_button_gets_that_answer_and_the_closing(
    make_tracker: TrackerFactory, library: ContentLibrary
) -> None:
    question = next(iter(library.law_guide.questions.values()))
    entities = [{"entity": Entity.LAW_TOPIC, "value": question.id}]
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, make_tracker("", Intent.LAW_QUESTION, PARENT, entities), {})
    reply = _reply(dispatcher)
    assert all(item.text in reply for item in question.answers[Register.ADULT])
    assert library.law_guide.closing[Register.ADULT].text in reply
    assert not [m for m in dispatcher.messages if m.get("response") == Response.PICK_LAW_QUESTION]


async def test_a_question_in_words_gets_the_matching_answer_for_a_young_person(
    make_tracker: TrackerFactory, library: ContentLibrary
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("is it illegal to hack into my ex's instagram", Intent.LAW_QUESTION, YOUNG_PERSON)
    await ActionGiveAdvice().run(dispatcher, tracker, {})
    reply = _reply(dispatcher)
    assert library.law_guide.questions["hacking"].answers[Register.YOUNG_PERSON][0].text in reply
    assert "Computer Misuse Act 1990" in reply


async def test_a_question_the_guide_cannot_place_gets_the_overview_and_every_question_as_a_button(
    make_tracker: TrackerFactory, library: ContentLibrary
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, make_tracker("what does the law say", Intent.LAW_QUESTION, PARENT), {})
    assert library.for_topic("law_question", Audience.PARENT).do[0].text in _reply(dispatcher)
    [offer] = [m for m in dispatcher.messages if m.get("response") == Response.PICK_LAW_QUESTION]
    chosen = [json.loads(button["payload"].removeprefix(f"/{Intent.LAW_QUESTION}"))[Entity.LAW_TOPIC]
              for button in offer["buttons"]]
    assert chosen == list(library.law_guide.questions)
