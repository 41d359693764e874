"""The web chat page in a real browser (Debian chromium driven by Playwright), against the running stack."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.harness import Stack

pytestmark = pytest.mark.e2e


def test_a_parent_chats_in_the_browser(stack: Stack, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(stack.web_url + "/")
    bot_messages = page.locator("#log .msg.bot")
    expect(bot_messages.first).to_contain_text("999", timeout=30_000)

    page.get_by_role("button", name="I'm a parent or carer").click()
    expect(bot_messages.last).to_contain_text("in your own words", timeout=30_000)

    page.get_by_label("Your message").fill("my son is being picked on in a group chat by boys in his class")
    page.get_by_role("button", name="Send").click()
    expect(bot_messages.last).to_contain_text("Who can help", timeout=30_000)
    page.screenshot(path=str(tmp_path / "webchat.png"), full_page=True)
    page.close()
