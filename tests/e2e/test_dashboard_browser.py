"""A real escalation worked by staff in a real browser: a Telegram conversation (through the Bot API
emulator) opens a case; a staff member logs in, takes over, replies (the reply arrives at the
emulator's client), records a decision, hands back and closes; a supervisor reads each step in the
audit log."""

from __future__ import annotations

import time
import pytest
from playwright.sync_api import Browser, Page, expect

from bot.cases.database import create_db_engine
from bot.cases.store import CaseStore
from tests.e2e.harness import STAFF, STAFF_PASSWORD, SUPERVISOR, Stack, TelegramUser, conversation_of, text_of

pytestmark = pytest.mark.e2e
WAIT_MS = 30_000


def _log_in(browser: Browser, stack: Stack, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(stack.web_url + "/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Open cases")).to_be_visible(timeout=WAIT_MS)
    return page


def _case_id(stack: Stack, user: TelegramUser) -> int:
    engine = create_db_engine(stack.database_url)
    try:
        case = CaseStore(engine).active_case_for(conversation_of(user))
    finally:
        engine.dispose()
    assert case is not None, "the escalation opened no case"
    return case.id


def test_staff_take_over_reply_decide_hand_back_and_close(stack: Stack, browser: Browser, user: TelegramUser) -> None:
    user.command("/start")
    user.replies(at_least=2)
    user.say("im 14 and a man i met online keeps asking for nudes and said not to tell anyone")
    escalated = text_of(user.replies(at_least=3))
    assert "CEOP" in escalated and "trained person" in escalated and "day and night" in escalated
    case_id = _case_id(stack, user)

    staff = _log_in(browser, stack, STAFF)
    row = staff.locator("#queue tbody tr").filter(has=staff.get_by_role("link", name=f"Case {case_id}", exact=True))
    expect(row).to_contain_text("Coercion, blackmail or grooming", timeout=WAIT_MS)
    expect(row).to_contain_text("young person, 13-15")
    row.get_by_role("link", name=f"Case {case_id}").click()
    transcript = staff.locator("#transcript")
    expect(transcript).to_contain_text("keeps asking for nudes", timeout=WAIT_MS)

    staff.get_by_role("button", name="Take over the conversation").click()
    expect(staff.locator("#status")).to_have_text("taken over", timeout=WAIT_MS)
    user.say("are you a real person")
    expect(transcript).to_contain_text("are you a real person", timeout=WAIT_MS)
    assert user.replies(at_least=0) == [], "the bot answered while a person had the conversation"

    sent_at = time.monotonic()
    staff.get_by_label("Reply to the young person").fill("Hi, I'm Sam from the team. Are you safe right now?")
    staff.get_by_role("button", name="Send").click()
    reply = user.replies(at_least=1)
    assert [message["text"] for message in reply] == ["Hi, I'm Sam from the team. Are you safe right now?"]
    print(f"staff reply reached the emulator's client {user.first_arrival - sent_at:.2f} s after it was typed in")
    expect(transcript).to_contain_text("Staff (sam)", timeout=WAIT_MS)

    staff.get_by_label("What was decided").fill("Refer to CEOP and the school DSL")
    staff.get_by_label("Why", exact=True).fill("Adult asking a 14-year-old for images, secrecy requested")
    staff.get_by_label("CEOP").check()
    staff.get_by_label("School designated safeguarding lead").check()
    staff.get_by_label("Why (or why not)").fill("Parent to be told by the DSL today")
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.locator("#decisions")).to_contain_text("referred to: CEOP, School designated safeguarding lead",
                                                        timeout=WAIT_MS)

    staff.get_by_role("button", name="Hand back to the bot").click()
    expect(staff.locator("#status")).to_have_text("open", timeout=WAIT_MS)
    assert "talking to the chatbot again" in text_of(user.replies(at_least=1))
    user.say("thanks")
    assert user.replies(at_least=1), "the bot did not answer after the hand-back"

    staff.get_by_label("Outcome").select_option("referred")
    staff.get_by_role("button", name="Close the case").click()
    expect(staff.locator("#status")).to_have_text("closed", timeout=WAIT_MS)

    supervisor = _log_in(browser, stack, SUPERVISOR)
    supervisor.goto(f"{stack.web_url}/staff/audit?case={case_id}")
    audit = supervisor.locator("#audit tbody")
    for step in ("view", "take over", "reply", "decision", "hand back", "close"):
        expect(audit.locator("td", has_text=step).first).to_be_visible(timeout=WAIT_MS)
    expect(audit).to_contain_text(STAFF)
