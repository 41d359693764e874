"""Escalation in the conversation: the safety advice first, then a case opened and the user told
honestly who will read it and when."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionGiveAdvice
from bot.cases.database import shared_engine
from bot.cases.models import RiskLevel
from bot.cases.store import CaseStore
from bot.safeguarding.content import ContentLibrary
from bot.safeguarding.replies import SIGNPOSTS_HEADING
from tests.conftest import TrackerFactory

TEEN = {"role": "young_person", "age_band": "age_13_15"}


def _texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["text"] for message in dispatcher.messages if message.get("text")]


def _store(url: str) -> CaseStore:
    return CaseStore(shared_engine(url))


async def test_self_harm_opens_a_case_and_says_when_a_person_will_read(
    make_tracker: TrackerFactory, library: ContentLibrary, case_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFFED_HOURS", "24/7")
    tracker = make_tracker("i want to kill myself tonight", "self_harm", TEEN)
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, tracker, {})
    texts = _texts(dispatcher)
    assert texts[0].startswith("• ") and "999" in texts[0]  # the emergency advice comes first
    notice = library.system_text("staff_will_read").format(hours="day and night, every day")
    assert texts[-2] == notice and texts[-1].startswith(SIGNPOSTS_HEADING)
    case = _store(case_database).active_case_for(tracker.sender_id)
    assert case is not None and case.risk_level is RiskLevel.URGENT
    assert "self_harm" in case.reasons and case.topic == "self_harm" and case.age_band == "age_13_15"
    assert case.channel == "test"


async def test_outside_staffed_hours_the_user_gets_the_24_7_routes(
    make_tracker: TrackerFactory, library: ContentLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFFED_HOURS", "Sun 00:00-00:01")  # practically never
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, make_tracker("he's 30 and wants to meet me, said keep it secret", "grooming", TEEN), {})
    notice = [text for text in _texts(dispatcher) if "trained person" in text]
    assert notice == [library.system_text("staff_away").format(hours="Sun, 00:00 to 00:01 UK time")]
    assert "0800 1111" in notice[0] and "85258" in notice[0]


async def test_the_user_is_told_once_and_later_reasons_join_the_case(
    make_tracker: TrackerFactory, case_database: str
) -> None:
    first = make_tracker("a man online keeps asking for pics", "grooming", TEEN)
    await ActionGiveAdvice().run(CollectingDispatcher(), first, {})
    later = make_tracker("he says he will send them to everyone unless i pay", "sextortion", TEEN)
    later.sender_id = first.sender_id
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, later, {})
    assert not [text for text in _texts(dispatcher) if "trained person" in text]
    case = _store(case_database).active_case_for(first.sender_id)
    assert case is not None and "coercion_or_blackmail" in case.reasons and "threat_to_share" in case.signals


async def test_plain_bullying_opens_no_case(make_tracker: TrackerFactory, case_database: str) -> None:
    tracker = make_tracker("people at school keep leaving me out of the group chat", "bullying", TEEN)
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, tracker, {})
    assert _store(case_database).active_case_for(tracker.sender_id) is None
    assert not [text for text in _texts(dispatcher) if "trained person" in text]


async def test_when_the_case_cannot_be_stored_nobody_is_promised(
    make_tracker: TrackerFactory, library: ContentLibrary, tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path_factory.mktemp('empty') / 'never-migrated.db'}")
    dispatcher = CollectingDispatcher()
    await ActionGiveAdvice().run(dispatcher, make_tracker("i want to kill myself", "self_harm", TEEN), {})
    texts = _texts(dispatcher)
    assert library.system_text("staff_not_told") in texts
    assert not [text for text in texts if "asked a trained person" in text]
