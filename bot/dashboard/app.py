"""The staff dashboard's pages and JSON API (Starlette), mounted at /staff in the front-end process.

Every page and API needs a session; every POST needs the session's CSRF token; every view of a case
and every action is written to the audit log. Staff read cases nobody owns yet and their own;
supervisors read every case and the audit log.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.cases.audit import AuditAction
from bot.cases.models import CaseStatus, EntryKind, StaffRole
from bot.cases.staff import StaffMember
from bot.cases.store import CaseView, iso_utc, may_read
from bot.cases.transcript import IMAGE_REMOVED, Speaker, transcript
from bot.dashboard.security import (
    COOKIE_PATH, CSRF_FIELD, CSRF_HEADER, LOGIN_CSRF_COOKIE, SECURITY_HEADERS, SESSION_COOKIE, LoginThrottle,
    tokens_match,
)
from bot.services import Services

HERE = Path(__file__).resolve().parent
MAX_FORM_BYTES = 20_000
MAX_REPLY_CHARS = 4096
REFERRAL_OPTIONS = {
    "police": "Police",
    "childrens_social_care": "Children's social care",
    "ceop": "CEOP",
    "school_dsl": "School designated safeguarding lead",
    "none": "No referral",
}
OUTCOMES = {
    "referred": "Referred to another service",
    "advice_given": "Advice and support given, no referral needed",
    "no_further_action": "No further action",
    "contact_lost": "Young person stopped replying",
}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Visitor:
    """A logged-in staff member on this request, with their session's CSRF token."""

    member: StaffMember
    csrf_token: str


Handler = Callable[[Request, Visitor], Awaitable[Response]]


async def _form(request: Request) -> dict[str, list[str]]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def _field(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0].strip()


def create_dashboard(services: Services) -> Starlette:
    """The dashboard application bound to the shared services."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    throttle = LoginThrottle()
    settings = services.settings
    idle = timedelta(minutes=settings.dashboard_session_idle_minutes)

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, {"request": request, **context}, status_code=status_code,
                                          headers=SECURITY_HEADERS)

    def set_cookie(response: Response, name: str, value: str) -> None:
        response.set_cookie(name, value, httponly=True, samesite="strict", secure=settings.dashboard_secure_cookies,
                            path=COOKIE_PATH)

    def audit(visitor: Visitor | str, action: AuditAction, case_id: int | None = None, detail: str = "") -> Awaitable[None]:
        actor = visitor if isinstance(visitor, str) else visitor.member.username
        return run_in_threadpool(services.audit.record, actor, action, _now(), case_id, detail)

    async def visitor_of(request: Request) -> Visitor | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        found = await run_in_threadpool(services.staff.resume_session, token, idle, _now())
        return Visitor(*found) if found else None

    def signed_in(handler: Handler, api: bool = False, supervisors_only: bool = False) -> Callable[[Request], Awaitable[Response]]:
        """Refuse the request without a live session, a CSRF token on a POST, or the role it needs."""

        async def endpoint(request: Request) -> Response:
            visitor = await visitor_of(request)
            if visitor is None:
                if api or request.method != "GET":
                    return JSONResponse({"error": "not logged in"}, status_code=401, headers=SECURITY_HEADERS)
                return RedirectResponse("/staff/login", status_code=303, headers=SECURITY_HEADERS)
            if request.method == "POST":
                form = await _form(request)
                request.state.form = form
                given = request.headers.get(CSRF_HEADER) or _field(form, CSRF_FIELD)
                if not tokens_match(visitor.csrf_token, given):
                    return PlainTextResponse("This form has expired. Go back, reload the page and try again.",
                                             status_code=403, headers=SECURITY_HEADERS)
            if supervisors_only and visitor.member.role is not StaffRole.SUPERVISOR:
                await audit(visitor, AuditAction.REFUSED, detail=request.url.path)
                return PlainTextResponse("Only supervisors can see this page.", status_code=403, headers=SECURITY_HEADERS)
            return await handler(request, visitor)

        return endpoint

    async def readable_case(request: Request, visitor: Visitor) -> CaseView | Response:
        try:
            case_id = int(request.path_params["case_id"])
        except ValueError:
            return PlainTextResponse("No such case.", status_code=404, headers=SECURITY_HEADERS)
        case = await run_in_threadpool(services.cases.get, case_id)
        if case is None:
            return PlainTextResponse("No such case.", status_code=404, headers=SECURITY_HEADERS)
        if not may_read(case, visitor.member.username, visitor.member.role):
            await audit(visitor, AuditAction.REFUSED, case_id)
            return PlainTextResponse("This case belongs to another member of staff.", status_code=403,
                                     headers=SECURITY_HEADERS)
        return case

    def on_case(handler: Callable[[Request, Visitor, CaseView], Awaitable[Response]], api: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def with_case(request: Request, visitor: Visitor) -> Response:
            case = await readable_case(request, visitor)
            return case if isinstance(case, Response) else await handler(request, visitor, case)

        return signed_in(with_case, api=api)

    def back_to(case: CaseView) -> Response:
        return RedirectResponse(f"/staff/cases/{case.id}", status_code=303, headers=SECURITY_HEADERS)

    # Logging in and out

    async def login_form(request: Request) -> Response:
        token = secrets.token_urlsafe(32)
        response = page(request, "login.html", csrf_token=token, error=None)
        set_cookie(response, LOGIN_CSRF_COOKIE, token)
        return response

    async def login(request: Request) -> Response:
        form = await _form(request)
        if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), _field(form, CSRF_FIELD)):
            return PlainTextResponse("This form has expired. Reload the page and try again.", status_code=403,
                                     headers=SECURITY_HEADERS)
        username, password = _field(form, "username"), (form.get("password") or [""])[0]
        address = request.client.host if request.client else "unknown"
        wait = throttle.retry_after(username, address)
        if wait:
            response = page(request, "login.html", 429, csrf_token=_field(form, CSRF_FIELD),
                            error=f"Too many wrong passwords. Try again in {wait // 60 + 1} minutes.")
            response.headers["Retry-After"] = str(wait)
            return response
        member = await run_in_threadpool(services.staff.authenticate, username, password)
        if member is None:
            throttle.failed(username, address)
            await audit(username[:80] or "(blank)", AuditAction.LOGIN_FAILED)
            return page(request, "login.html", 401, csrf_token=_field(form, CSRF_FIELD),
                        error="That username and password do not match an account.")
        throttle.succeeded(username)
        session = await run_in_threadpool(services.staff.start_session, member, _now())
        await audit(member.username, AuditAction.LOGIN)
        response = RedirectResponse("/staff/", status_code=303, headers=SECURITY_HEADERS)
        set_cookie(response, SESSION_COOKIE, session.token)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
        return response

    async def logout(request: Request, visitor: Visitor) -> Response:
        await run_in_threadpool(services.staff.end_session, request.cookies.get(SESSION_COOKIE, ""))
        await audit(visitor, AuditAction.LOGOUT)
        response = RedirectResponse("/staff/login", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
        return response

    # The queue

    async def queue_page(request: Request, visitor: Visitor) -> Response:
        return page(request, "queue.html", visitor=visitor)

    async def queue_api(request: Request, visitor: Visitor) -> Response:
        cases = await run_in_threadpool(services.cases.queue)
        visible = [case.as_json() for case in cases if may_read(case, visitor.member.username, visitor.member.role)]
        return JSONResponse({"cases": visible, "now": iso_utc(_now())},
                            headers=SECURITY_HEADERS)

    # A case

    async def case_page(request: Request, visitor: Visitor, case: CaseView) -> Response:
        case = await run_in_threadpool(services.cases.mark_viewed, case.id, _now())
        await audit(visitor, AuditAction.VIEW, case.id)
        entries = await run_in_threadpool(services.cases.entries, case.id)
        return page(request, "case.html", visitor=visitor, case=case, referral_options=REFERRAL_OPTIONS,
                    outcomes=OUTCOMES, notes=[e for e in entries if e.kind is EntryKind.NOTE],
                    decisions=[e for e in entries if e.kind is EntryKind.DECISION],
                    mine=case.owner == visitor.member.username, CaseStatus=CaseStatus)

    async def transcript_api(request: Request, visitor: Visitor, case: CaseView) -> Response:
        lines = await run_in_threadpool(transcript, services.engine, case.conversation_id)
        entries = await run_in_threadpool(services.cases.entries, case.id)
        shown = [line.as_json() for line in lines] + [
            {"timestamp": entry.created_at.replace(tzinfo=timezone.utc).timestamp(), "speaker": Speaker.YOUNG_PERSON,
             "text": IMAGE_REMOVED, "staff_name": None}
            for entry in entries if entry.kind is EntryKind.IMAGE_REMOVED
        ]
        return JSONResponse({"lines": sorted(shown, key=lambda line: line["timestamp"]), "status": case.status.value},
                            headers=SECURITY_HEADERS)

    async def take_over(request: Request, visitor: Visitor, case: CaseView) -> Response:
        if case.status is not CaseStatus.CLOSED:
            await services.pause(case.conversation_id)
            await run_in_threadpool(services.cases.take_over, case.id, visitor.member.id, _now())
            await audit(visitor, AuditAction.TAKE_OVER, case.id)
        return back_to(case)

    async def reply(request: Request, visitor: Visitor, case: CaseView) -> Response:
        text = _field(request.state.form, "text")[:MAX_REPLY_CHARS]
        if not text or case.status is not CaseStatus.TAKEN_OVER or case.owner != visitor.member.username:
            return PlainTextResponse("Take the conversation over before replying.", status_code=409,
                                     headers=SECURITY_HEADERS)
        delivered = await services.push(case.conversation_id, text, staff_name=visitor.member.username)
        await audit(visitor, AuditAction.REPLY, case.id, "delivered" if delivered else "not delivered")
        if request.headers.get(CSRF_HEADER):  # sent by the page's script
            return JSONResponse({"delivered": delivered}, headers=SECURITY_HEADERS)
        return back_to(case)

    async def hand_back(request: Request, visitor: Visitor, case: CaseView) -> Response:
        if case.status is CaseStatus.TAKEN_OVER:
            await run_in_threadpool(services.cases.hand_back, case.id)
            await services.resume(case.conversation_id)
            await audit(visitor, AuditAction.HAND_BACK, case.id)
        return back_to(case)

    async def add_note(request: Request, visitor: Visitor, case: CaseView) -> Response:
        text = _field(request.state.form, "note")[:MAX_REPLY_CHARS]
        if text:
            await run_in_threadpool(services.cases.add_entry, case.id, EntryKind.NOTE, text, visitor.member.id, _now())
            await audit(visitor, AuditAction.NOTE, case.id)
        return back_to(case)

    async def add_decision(request: Request, visitor: Visitor, case: CaseView) -> Response:
        form = request.state.form
        record = {
            "decision": _field(form, "decision")[:2000],
            "reason": _field(form, "reason")[:2000],
            "referred_to": [REFERRAL_OPTIONS[o] for o in form.get("referred_to", []) if o in REFERRAL_OPTIONS],
            "parent_informed": _field(form, "parent_informed") == "yes",
            "parent_reason": _field(form, "parent_reason")[:2000],
        }
        if not record["decision"] or not record["reason"]:
            return PlainTextResponse("A decision needs what was decided and why.", status_code=400,
                                     headers=SECURITY_HEADERS)
        await run_in_threadpool(services.cases.add_entry, case.id, EntryKind.DECISION, json.dumps(record),
                                visitor.member.id, _now())
        await audit(visitor, AuditAction.DECISION, case.id, ", ".join(record["referred_to"]))
        return back_to(case)

    async def close(request: Request, visitor: Visitor, case: CaseView) -> Response:
        outcome = _field(request.state.form, "outcome")
        if outcome not in OUTCOMES:
            return PlainTextResponse("Choose an outcome to close the case.", status_code=400, headers=SECURITY_HEADERS)
        if case.status is CaseStatus.TAKEN_OVER:
            await services.resume(case.conversation_id)
        await run_in_threadpool(services.cases.close, case.id, OUTCOMES[outcome], _now())
        await audit(visitor, AuditAction.CLOSE, case.id, OUTCOMES[outcome])
        return back_to(case)

    async def export(request: Request, visitor: Visitor, case: CaseView) -> Response:
        lines = await run_in_threadpool(transcript, services.engine, case.conversation_id)
        entries = await run_in_threadpool(services.cases.entries, case.id)
        await audit(visitor, AuditAction.EXPORT, case.id)
        record = {"case": case.as_record(), "transcript": [line.as_json() for line in lines],
                  "entries": [entry.as_record() for entry in entries]}
        return JSONResponse(record, headers={**SECURITY_HEADERS,
                                             "Content-Disposition": f'attachment; filename="case-{case.id}.json"'})

    # The audit log

    async def audit_page(request: Request, visitor: Visitor) -> Response:
        params = request.query_params
        action = params.get("action") or None
        case_text = params.get("case", "")
        entries = await run_in_threadpool(
            services.audit.read, params.get("actor") or None,
            AuditAction(action) if action in {a.value for a in AuditAction} else None,
            int(case_text) if case_text.isdigit() else None,
        )
        await audit(visitor, AuditAction.READ_AUDIT)
        return page(request, "audit.html", visitor=visitor, entries=entries, actions=list(AuditAction),
                    filters={"actor": params.get("actor", ""), "action": action or "", "case": case_text})

    return Starlette(routes=[
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", signed_in(logout), methods=["POST"]),
        Route("/", signed_in(queue_page)),
        Route("/api/queue", signed_in(queue_api, api=True)),
        Route("/cases/{case_id}", on_case(case_page)),
        Route("/api/cases/{case_id}/transcript", on_case(transcript_api, api=True)),
        Route("/cases/{case_id}/take-over", on_case(take_over), methods=["POST"]),
        Route("/cases/{case_id}/reply", on_case(reply), methods=["POST"]),
        Route("/cases/{case_id}/hand-back", on_case(hand_back), methods=["POST"]),
        Route("/cases/{case_id}/notes", on_case(add_note), methods=["POST"]),
        Route("/cases/{case_id}/decisions", on_case(add_decision), methods=["POST"]),
        Route("/cases/{case_id}/close", on_case(close), methods=["POST"]),
        Route("/cases/{case_id}/export", on_case(export)),
        Route("/audit", signed_in(audit_page, supervisors_only=True)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ])

