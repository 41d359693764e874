"""Working a case from the dashboard: take over, reply, decide, hand back, close, all audited."""

from __future__ import annotations

import json

from sqlalchemy import select
from starlette.testclient import TestClient

from bot.cases.audit import AuditAction
from bot.cases.models import CaseStatus, EntryKind, StaffRole
from bot.cases.transcript import IMAGE_REMOVED, rasa_events
from bot.webchat import create_web_app
from tests.dashboard.conftest import Dashboard, csrf_of, log_in

CONVERSATION = "telegram-0123"


def _rasa_event_types(dashboard: Dashboard) -> list[str]:
    with dashboard.services.engine.connect() as connection:
        return list(connection.execute(select(rasa_events.c.type_name).order_by(rasa_events.c.id)).scalars())


def test_a_case_worked_from_start_to_finish(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    dashboard.add_staff("lee", StaffRole.SUPERVISOR)
    case = dashboard.open_case(CONVERSATION)
    dashboard.services.addresses[CONVERSATION] = ("telegram", "4242")  # the chat wrote in since the process started
    client = dashboard.client()
    log_in(client, "sam")

    page = client.get(f"/staff/cases/{case.id}")
    assert "Self-harm or suicidal feelings" in page.text
    token = csrf_of(page.text)
    client.post(f"/staff/cases/{case.id}/take-over", data={"csrf_token": token})
    assert dashboard.services.cases.get(case.id).status is CaseStatus.TAKEN_OVER
    assert _rasa_event_types(dashboard) == ["pause"]

    sent = client.post(f"/staff/cases/{case.id}/reply", data={"text": "Hi, I'm Sam. Are you safe right now?"},
                       headers={"X-CSRF-Token": token})
    assert sent.json() == {"delivered": True}
    assert dashboard.delivered == [("4242", "Hi, I'm Sam. Are you safe right now?")]
    lines = client.get(f"/staff/api/cases/{case.id}/transcript").json()["lines"]
    assert [(line["speaker"], line["staff_name"]) for line in lines] == [("staff", "sam")]

    decision = {"decision": "Refer to children's social care", "reason": "Ongoing self-harm, parent unaware",
                "referred_to": ["childrens_social_care", "made_up"], "parent_informed": "no",
                "parent_reason": "She asked us not to yet; social care to advise", "csrf_token": token}
    assert client.post(f"/staff/cases/{case.id}/decisions", data=decision).status_code == 303
    client.post(f"/staff/cases/{case.id}/notes", data={"note": "Agreed she will call Childline tonight", "csrf_token": token})
    client.post(f"/staff/cases/{case.id}/hand-back", data={"csrf_token": token})
    assert dashboard.services.cases.get(case.id).status is CaseStatus.OPEN
    assert _rasa_event_types(dashboard) == ["pause", "bot", "resume", "bot"]
    assert dashboard.delivered[-1] == ("4242", dashboard.services.library.system_text("handed_back"))

    assert client.post(f"/staff/cases/{case.id}/close", data={"outcome": "", "csrf_token": token}).status_code == 400
    client.post(f"/staff/cases/{case.id}/close", data={"outcome": "referred", "csrf_token": token})
    closed = dashboard.services.cases.get(case.id)
    assert closed.status is CaseStatus.CLOSED and closed.outcome == "Referred to another service"
    recorded = [entry for entry in dashboard.services.cases.entries(case.id) if entry.kind is EntryKind.DECISION]
    assert recorded[0].decision["referred_to"] == ["Children's social care"]
    assert recorded[0].decision["parent_informed"] is False

    exported = client.get(f"/staff/cases/{case.id}/export")
    record = json.loads(exported.text)
    assert record["case"]["closed_at"] and record["entries"][0]["body"]["decision"] == decision["decision"]
    assert [a.action for a in reversed(dashboard.services.audit.read(actor="sam"))] == [
        AuditAction.LOGIN, AuditAction.VIEW, AuditAction.TAKE_OVER, AuditAction.REPLY, AuditAction.DECISION,
        AuditAction.NOTE, AuditAction.HAND_BACK, AuditAction.CLOSE, AuditAction.EXPORT]


def test_a_reply_needs_the_conversation_taken_over_by_the_sender(dashboard: Dashboard) -> None:
    client, case, token = dashboard.staff_on_case(CONVERSATION)
    response = client.post(f"/staff/cases/{case.id}/reply", data={"text": "hello", "csrf_token": token})
    assert response.status_code == 409 and dashboard.delivered == []


def test_a_reply_to_a_chat_not_seen_since_restart_is_kept_and_reported(dashboard: Dashboard) -> None:
    client, case, token = dashboard.staff_on_case(CONVERSATION)
    client.post(f"/staff/cases/{case.id}/take-over", data={"csrf_token": token})
    sent = client.post(f"/staff/cases/{case.id}/reply", data={"text": "Are you there?"}, headers={"X-CSRF-Token": token})
    assert sent.json() == {"delivered": False}
    assert [line["text"] for line in client.get(f"/staff/api/cases/{case.id}/transcript").json()["lines"]] == ["Are you there?"]


def test_queue_shows_reasons_in_plain_words_most_urgent_first(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    medium = dashboard.open_case("telegram-1", ("extreme_or_violent",))
    urgent = dashboard.open_case("telegram-2", ("immediate_risk",))
    client = dashboard.client()
    log_in(client, "sam")
    cases = client.get("/staff/api/queue").json()["cases"]
    assert [c["id"] for c in cases] == [urgent.id, medium.id]
    assert cases[0]["reasons"] == ["A child may be at immediate risk of harm"]


async def test_media_shows_only_as_removed_unseen(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    case = dashboard.open_case(dashboard.services.conversation_id("telegram", 77))
    await dashboard.services.note_media("telegram", 77)
    client = dashboard.client()
    log_in(client, "sam")
    lines = client.get(f"/staff/api/cases/{case.id}/transcript").json()["lines"]
    assert [(line["speaker"], line["text"]) for line in lines] == [("user", IMAGE_REMOVED)]


async def test_a_staff_reply_reaches_the_web_chat(dashboard: Dashboard) -> None:
    services = dashboard.services
    conversation = services.conversation_id("web", "tab-1234567890")
    services.addresses[conversation] = ("web", "tab-1234567890")
    assert await services.push(conversation, "Hi, I'm Sam from the team.", staff_name="sam")
    web = TestClient(create_web_app(services))
    pushed = web.get("/api/messages", params={"conversation": "tab-1234567890", "after": "0"}).json()["messages"]
    assert [(m["text"], m["staff_name"]) for m in pushed] == [("Hi, I'm Sam from the team.", "sam")]
    later = web.get("/api/messages", params={"conversation": "tab-1234567890", "after": str(pushed[0]["timestamp"])})
    assert later.json()["messages"] == []
    other = web.get("/api/messages", params={"conversation": "another-tab-000", "after": "0"}).json()["messages"]
    assert other == []
