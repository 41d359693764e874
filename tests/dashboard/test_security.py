"""Dashboard security: sessions on every page and API, CSRF on every POST, throttled logins, roles."""

from __future__ import annotations

import pytest

from bot.cases.audit import AuditAction
from bot.cases.models import StaffRole
from bot.dashboard.security import MAX_LOGIN_FAILURES
from tests.dashboard.conftest import PASSWORD, Dashboard, csrf_of, log_in


@pytest.mark.parametrize("method,path", [
    ("GET", "/staff/api/queue"), ("GET", "/staff/api/cases/1/transcript"), ("POST", "/staff/cases/1/take-over"),
    ("POST", "/staff/cases/1/reply"), ("POST", "/staff/cases/1/close"), ("POST", "/staff/logout"),
])
def test_apis_and_actions_refuse_requests_without_a_session(dashboard: Dashboard, method: str, path: str) -> None:
    dashboard.open_case()
    assert dashboard.client().request(method, path).status_code == 401


@pytest.mark.parametrize("path", ["/staff/", "/staff/cases/1", "/staff/cases/1/export", "/staff/audit"])
def test_pages_send_a_visitor_without_a_session_to_log_in(dashboard: Dashboard, path: str) -> None:
    dashboard.open_case()
    response = dashboard.client().get(path)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"


def test_session_cookie_is_httponly_strict_and_scoped(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    client = dashboard.client()
    token = csrf_of(client.get("/staff/login").text)
    response = client.post("/staff/login", data={"username": "sam", "password": PASSWORD, "csrf_token": token})
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith("staff_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
    assert response.status_code == 303 and response.headers["location"] == "/staff/"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_posts_without_the_csrf_token_are_refused(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    case = dashboard.open_case()
    client = dashboard.client()
    assert log_in(client, "sam") == 303
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    assert client.post(f"/staff/cases/{case.id}/notes", data={"note": "no token"}).status_code == 403
    assert client.post(f"/staff/cases/{case.id}/notes", data={"note": "wrong", "csrf_token": "x" * 43}).status_code == 403
    assert client.post(f"/staff/cases/{case.id}/notes", data={"note": "right", "csrf_token": token}).status_code == 303
    assert [entry.body for entry in dashboard.services.cases.entries(case.id)] == ["right"]


def test_the_login_form_needs_its_own_csrf_token(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    response = dashboard.client().post("/staff/login", data={"username": "sam", "password": PASSWORD})
    assert response.status_code == 403


def test_wrong_passwords_are_rate_limited(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    client = dashboard.client()
    for _ in range(MAX_LOGIN_FAILURES):
        assert log_in(client, "sam", "not the password") == 401
    token = csrf_of(client.get("/staff/login").text)
    response = client.post("/staff/login", data={"username": "sam", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "Too many wrong passwords" in response.text
    failed = dashboard.services.audit.read(action=AuditAction.LOGIN_FAILED)
    assert len(failed) == MAX_LOGIN_FAILURES and {entry.actor for entry in failed} == {"sam"}


def test_staff_are_refused_the_audit_log_and_supervisors_read_it(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    dashboard.add_staff("lee", StaffRole.SUPERVISOR)
    staff, supervisor = dashboard.client(), dashboard.client()
    log_in(staff, "sam")
    log_in(supervisor, "lee")
    assert staff.get("/staff/audit").status_code == 403
    page = supervisor.get("/staff/audit?actor=sam")
    assert page.status_code == 200 and "refused" in page.text and "login" in page.text
    assert "lee" not in page.text.split("<tbody>")[1]  # filtered to sam's entries


def test_staff_cannot_read_another_members_case_by_its_id(dashboard: Dashboard) -> None:
    dashboard.add_staff("sam")
    dashboard.add_staff("kim")
    case = dashboard.open_case()
    sam, kim = dashboard.client(), dashboard.client()
    log_in(sam, "sam")
    log_in(kim, "kim")
    assert kim.get(f"/staff/cases/{case.id}").status_code == 200  # nobody owns it yet
    token = csrf_of(sam.get(f"/staff/cases/{case.id}").text)
    assert sam.post(f"/staff/cases/{case.id}/take-over", data={"csrf_token": token}).status_code == 303
    for path in (f"/staff/cases/{case.id}", f"/staff/api/cases/{case.id}/transcript", f"/staff/cases/{case.id}/export"):
        assert kim.get(path).status_code == 403, path
    assert [c["id"] for c in kim.get("/staff/api/queue").json()["cases"]] == []
    assert [c["id"] for c in sam.get("/staff/api/queue").json()["cases"]] == [case.id]
    refused = dashboard.services.audit.read(actor="kim", action=AuditAction.REFUSED)
    assert len(refused) == 3 and all(entry.case_id == case.id for entry in refused)
    assert kim.get("/staff/cases/9999").status_code == 404
