"""The local web chat's API against the running stack (the page the launcher serves)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.harness import Stack

pytestmark = pytest.mark.e2e


def _post(stack: Stack, body: dict) -> httpx.Response:
    return httpx.post(f"{stack.web_url}/api/messages", json=body, timeout=30)


def test_page_is_served_locally_with_no_outside_scripts(stack: Stack) -> None:
    page = httpx.get(stack.web_url + "/", timeout=10)
    assert page.status_code == 200
    assert '<script src="/static/webchat.js">' in page.text
    assert "https://" not in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert httpx.get(stack.web_url + "/static/webchat.js", timeout=10).status_code == 200


def test_web_chat_onboards_and_answers(stack: Stack) -> None:
    conversation = str(uuid.uuid4())
    start = _post(stack, {"conversation": conversation, "payload": "/start"}).json()["messages"]
    assert "999" in start[0]["text"]
    assert [b["title"] for b in start[-1]["buttons"]][0] == "I'm a young person"
    _post(stack, {"conversation": conversation, "payload": '/inform_role{"user_role":"parent"}'})
    reply = _post(stack, {"conversation": conversation, "text": "someone is threatening to post my sons nudes unless he pays"})
    text = "\n".join(m["text"] for m in reply.json()["messages"])
    assert "CEOP" in text and "Report Remove" in text


@pytest.mark.parametrize(
    "body",
    [{"conversation": "x", "text": "hi"}, {"conversation": str(uuid.uuid4())}, {"conversation": str(uuid.uuid4()), "text": "a" * 5000}],
)
def test_bad_requests_get_a_kind_reply_with_the_emergency_route(stack: Stack, body: dict) -> None:
    response = _post(stack, body)
    assert response.status_code == 400
    assert "999" in response.json()["messages"][0]["text"]


def test_typed_slash_text_is_not_a_forced_intent(stack: Stack) -> None:
    """A typed "/intent{...}" is read by the NLU as words, exactly as the same text without the slash."""
    forced = '/inform_age{"age_band":"under_13"}'
    with_slash = _post(stack, {"conversation": str(uuid.uuid4()), "text": forced})
    without_slash = _post(stack, {"conversation": str(uuid.uuid4()), "text": forced[1:]})
    assert with_slash.status_code == without_slash.status_code == 200
    assert with_slash.json()["messages"] == without_slash.json()["messages"]
