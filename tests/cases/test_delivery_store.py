"""The Telegram inbox and outbox on SQLite and PostgreSQL: idempotent by update_id, ordered per chat,
answered in one step, nothing personal kept beyond what answering needs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.cases.models import ChatMessage, InboxUpdate, OutboxMessage
from bot.cases.retention import apply_retention
from bot.delivery.store import DeliveryStore, Outgoing, OutboxKind
from bot.delivery.updates import MEDIA_REMOVED_KEY, minimal_update
from tests.databases import rows_mentioning

NOW = datetime(2026, 12, 2, 10, 0, 0)
CHAT = 4242


def _text_update(update_id: int, text: str, chat_id: int = CHAT) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id * 10, "date": 1764669600, "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Alex", "username": "alex_k"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Alex", "last_name": "K", "username": "alex_k"},
    }}


def test_an_update_delivered_twice_is_stored_once(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    assert store.accept([_text_update(1, "hello"), _text_update(2, "are you there")], NOW) == [CHAT]
    store.answer(1, CHAT, [Outgoing("hi")], NOW)
    assert store.accept([_text_update(1, "hello"), _text_update(2, "are you there")], NOW) == []
    head = store.head(CHAT)
    assert head is not None and head.update_id == 2, "the answered update is not answered again"


def test_each_chat_is_answered_in_update_order_and_only_its_head_is_due(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(5, "b"), _text_update(3, "a"), _text_update(4, "x", chat_id=7)], NOW)
    assert sorted(store.chats_due(NOW)) == [7, CHAT]
    assert store.head(CHAT).update_id == 3
    assert store.waiting_after(CHAT, 3) == 1
    store.hold(3, CHAT, None, NOW + timedelta(seconds=30), NOW)
    assert store.chats_due(NOW) == [7], "a held head holds its chat back: order is kept"
    assert sorted(store.chats_due(NOW + timedelta(seconds=31))) == [7, CHAT]


def test_answering_queues_the_replies_and_forgets_the_text_in_one_step(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(1, "he keeps asking for pics")], NOW)
    store.answer(1, CHAT, [Outgoing("first", reply_to=10), Outgoing("second", buttons=(("Exit", "quick-exit"),))], NOW, 10)
    first = store.outbox_head(CHAT)
    assert first is not None and first.kind is OutboxKind.SEND and first.outgoing == Outgoing("first", reply_to=10)
    store.delivered(first, 11, NOW)
    assert store.outbox_head(CHAT).outgoing.buttons == (("Exit", "quick-exit"),)
    assert rows_mentioning(engine, "he keeps asking for pics") == {}
    assert store.head(CHAT) is None


def test_the_holding_reply_is_queued_once_per_update(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(1, "hello")], NOW)
    store.send_holding_reply(1, CHAT, Outgoing("kept"), NOW)
    store.send_holding_reply(1, CHAT, Outgoing("kept"), NOW)
    item = store.outbox_head(CHAT)
    store.delivered(item, None, NOW)
    assert store.outbox_head(CHAT) is None
    assert store.head(CHAT).holding_reply_sent


def test_holding_the_update_after_the_holding_reply_does_not_send_it_again(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(1, "hello")], NOW)
    store.send_holding_reply(1, CHAT, Outgoing("kept"), NOW)
    store.hold(1, CHAT, Outgoing("kept"), NOW + timedelta(seconds=2), NOW)
    store.delivered(store.outbox_head(CHAT), None, NOW)
    assert store.outbox_head(CHAT) is None
    assert store.head(CHAT).attempts == 1


def test_no_holding_reply_once_the_update_is_answered(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(1, "hello")], NOW)
    store.answer(1, CHAT, [Outgoing("the answer")], NOW)
    store.send_holding_reply(1, CHAT, Outgoing("kept"), NOW)
    store.delivered(store.outbox_head(CHAT), None, NOW)
    assert store.outbox_head(CHAT) is None


def test_a_retry_waits_and_a_refused_message_is_dropped(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.enqueue(CHAT, [Outgoing("one"), Outgoing("two")], NOW)
    store.retry(store.outbox_head(CHAT), NOW + timedelta(seconds=5))
    assert store.outbox_chats_due(NOW) == []
    assert store.outbox_chats_due(NOW + timedelta(seconds=5)) == [CHAT]
    store.drop(store.outbox_head(CHAT))
    assert store.outbox_head(CHAT).outgoing.text == "two"


def test_quick_exit_deletes_recent_messages_and_cancels_unsent_replies(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(1, "hello"), _text_update(2, "/exit")], NOW)
    store.answer(1, CHAT, [Outgoing("reply")], NOW - timedelta(hours=49), user_message_id=5)  # too old to delete
    store.delivered(store.outbox_head(CHAT), 6, NOW)
    store.enqueue(CHAT, [Outgoing("not sent yet")], NOW)
    assert store.quick_exit(2, CHAT, 20, NOW) == 2
    deletions = []
    while (item := store.outbox_head(CHAT)) is not None:
        deletions.append((item.kind, item.payload))
        store.delivered(item, None, NOW)
    assert deletions == [(OutboxKind.DELETE, {"message_id": 20}), (OutboxKind.DELETE, {"message_id": 6})]
    assert store.head(CHAT) is None


def test_retention_forgets_answered_updates_after_two_days_and_message_ids_after_48_hours(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(1, "hello"), _text_update(2, "later")], NOW)
    store.answer(1, CHAT, [], NOW, user_message_id=10)
    assert apply_retention(engine, NOW + timedelta(hours=47), 30, None).delivery_rows_deleted == 0
    report = apply_retention(engine, NOW + timedelta(days=2, minutes=1), 30, None)
    assert report.delivery_rows_deleted == 2  # the answered update and the message id
    with engine.connect() as connection:
        assert list(connection.execute(select(InboxUpdate.update_id)).scalars()) == [2], "a waiting update is kept"
        assert list(connection.execute(select(ChatMessage.message_id)).scalars()) == []


def test_after_delete_only_the_confirmations_id_is_kept_so_exit_can_still_remove_it(engine: Engine) -> None:
    store = DeliveryStore(engine, bot_id=1)
    store.accept([_text_update(1, "hello"), _text_update(2, "/delete")], NOW)
    store.answer(1, CHAT, [Outgoing("hi")], NOW, user_message_id=10)
    store.delivered(store.outbox_head(CHAT), 11, NOW)
    store.answer(2, CHAT, [Outgoing("Done. I've deleted this chat")], NOW, user_message_id=20, erase_chat=True)
    store.delivered(store.outbox_head(CHAT), 21, NOW)
    with engine.connect() as connection:
        for table in (InboxUpdate, OutboxMessage):
            assert connection.execute(select(table).where(table.chat_id == CHAT)).all() == [], table.__tablename__
        assert list(connection.execute(select(ChatMessage.message_id)).scalars()) == [21]


def test_two_bots_on_one_database_keep_their_own_rows(engine: Engine) -> None:
    first, second = DeliveryStore(engine, bot_id=1), DeliveryStore(engine, bot_id=2)
    first.accept([_text_update(1, "to the first bot")], NOW)
    second.accept([_text_update(1, "to the second bot")], NOW)
    assert first.head(CHAT).payload["message"]["text"] == "to the first bot"
    assert second.head(CHAT).payload["message"]["text"] == "to the second bot"


def test_names_media_contacts_and_locations_are_never_stored() -> None:
    kept = minimal_update(_text_update(1, "hi"))
    assert "Alex" not in json.dumps(kept) and "alex_k" not in json.dumps(kept)
    photo = minimal_update({"update_id": 2, "message": {
        "message_id": 3, "date": 1, "chat": {"id": CHAT, "type": "private"}, "caption": "he sent me this",
        "photo": [{"file_id": "AgACAgQAAxkBAAIB", "file_unique_id": "AQAD", "width": 90, "height": 90}],
    }})
    assert photo["message"][MEDIA_REMOVED_KEY] == "photo" and photo["message"]["caption"] == "he sent me this"
    assert "AgACAgQAAxkBAAIB" not in json.dumps(photo)
    contact = minimal_update({"update_id": 3, "message": {
        "message_id": 4, "date": 1, "chat": {"id": CHAT, "type": "private"},
        "contact": {"phone_number": "+447700900123", "first_name": "Sam"},
        "location": {"latitude": 51.5, "longitude": -0.12},
    }})
    assert "+447700900123" not in json.dumps(contact) and "51.5" not in json.dumps(contact)
