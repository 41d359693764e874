"""The web chat page in a real browser (Debian chromium driven by Playwright), against the running stack."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.harness import Stack

pytestmark = pytest.mark.e2e

# The machine has no network beyond package registries: keep Chromium from calling home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium (installed by scripts/install-test-deps), never a downloaded browser."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
