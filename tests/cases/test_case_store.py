"""The case store, staff accounts, sessions and the audit log, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.cases.audit import AuditAction, AuditLog
from bot.cases.models import CaseStatus, EntryKind, RiskLevel, StaffRole
from bot.cases.staff import AccountError, StaffDirectory
from bot.cases.store import CaseStore, may_read, risk_level_for

T0 = datetime(2026, 12, 2, 10, 0, 0)
PASSWORD = "a long enough passphrase"


def _open(store: CaseStore, conversation: str, reasons: list[str], at: datetime = T0, signals: list[str] | None = None):
    return store.open_or_update(conversation, "telegram", reasons, signals or [], "grooming", "young_person",
                                "age_13_15", at)


def test_risk_level_follows_the_most_urgent_criterion() -> None:
    assert risk_level_for(["extreme_or_violent"]) is RiskLevel.MEDIUM
    assert risk_level_for(["extreme_or_violent", "adult_involved"]) is RiskLevel.HIGH
    assert risk_level_for(["under_13", "self_harm"]) is RiskLevel.URGENT
    assert risk_level_for(["immediate_risk"]) is RiskLevel.URGENT


def test_a_second_escalation_adds_to_the_open_case(engine: Engine) -> None:
    store = CaseStore(engine)
    case, opened = _open(store, "telegram-a", ["adult_involved"], signals=["adult_involved"])
    again, opened_again = _open(store, "telegram-a", ["coercion_or_blackmail", "immediate_risk"], T0 + timedelta(minutes=1),
                                signals=["threat_to_share"])
    assert opened and not opened_again and again.id == case.id
    assert again.reasons == ["adult_involved", "coercion_or_blackmail", "immediate_risk"]
    assert again.signals == ["adult_involved", "threat_to_share"]
    assert again.risk_level is RiskLevel.URGENT and again.opened_at == T0


def test_queue_is_most_urgent_first_then_longest_waiting(engine: Engine) -> None:
    store = CaseStore(engine)
    medium, _ = _open(store, "telegram-m", ["extreme_or_violent"], T0)
    high_late, _ = _open(store, "telegram-h2", ["adult_involved"], T0 + timedelta(minutes=5))
    high_early, _ = _open(store, "telegram-h1", ["under_13"], T0 + timedelta(minutes=1))
    assert high_early.risk_level is RiskLevel.HIGH
    urgent, _ = _open(store, "telegram-u", ["immediate_risk"], T0 + timedelta(minutes=9))
    closed, _ = _open(store, "telegram-c", ["immediate_risk"], T0)
    store.close(closed.id, "No further action", T0 + timedelta(minutes=2))
    assert [case.id for case in store.queue()] == [urgent.id, high_early.id, high_late.id, medium.id]


def test_takeover_hand_back_and_close_keep_first_times(engine: Engine) -> None:
    store = CaseStore(engine)
    staff = StaffDirectory(engine).add("sam", PASSWORD, StaffRole.STAFF, T0)
    case, _ = _open(store, "telegram-t", ["self_harm"])
    store.mark_viewed(case.id, T0 + timedelta(minutes=1))
    store.mark_viewed(case.id, T0 + timedelta(minutes=2))
    taken = store.take_over(case.id, staff.id, T0 + timedelta(minutes=3))
    assert taken.status is CaseStatus.TAKEN_OVER and taken.owner == "sam"
    assert store.active_case_for("telegram-t").status is CaseStatus.TAKEN_OVER
    back = store.hand_back(case.id)
    assert back.status is CaseStatus.OPEN and back.owner == "sam"
    store.take_over(case.id, staff.id, T0 + timedelta(minutes=4))
    closed = store.close(case.id, "Referred to another service", T0 + timedelta(minutes=5))
    assert closed.first_viewed_at == T0 + timedelta(minutes=1)
    assert closed.taken_over_at == T0 + timedelta(minutes=3)
    assert closed.closed_at == T0 + timedelta(minutes=5) and closed.outcome == "Referred to another service"
    assert store.active_case_for("telegram-t") is None
    reopened, opened = _open(store, "telegram-t", ["self_harm"], T0 + timedelta(hours=1))
    assert opened and reopened.id != case.id


def test_notes_and_decisions_are_kept_with_their_author(engine: Engine) -> None:
    store = CaseStore(engine)
    staff = StaffDirectory(engine).add("sam", PASSWORD, StaffRole.STAFF, T0)
    case, _ = _open(store, "telegram-n", ["adult_involved"])
    store.add_entry(case.id, EntryKind.NOTE, "Spoke to her; she is safe at home", staff.id, T0)
    store.add_entry(case.id, EntryKind.DECISION, '{"decision": "Refer to CEOP", "referred_to": ["CEOP"]}', staff.id, T0)
    store.add_entry(case.id, EntryKind.IMAGE_REMOVED, "", None, T0)
    entries = store.entries(case.id)
    assert [(e.kind, e.author) for e in entries] == [
        (EntryKind.NOTE, "sam"), (EntryKind.DECISION, "sam"), (EntryKind.IMAGE_REMOVED, None)]
    assert entries[1].decision["referred_to"] == ["CEOP"]


def test_staff_read_unowned_and_own_cases_supervisors_all(engine: Engine) -> None:
    store = CaseStore(engine)
    directory = StaffDirectory(engine)
    sam, kim = (directory.add(name, PASSWORD, StaffRole.STAFF, T0) for name in ("sam", "kim"))
    case, _ = _open(store, "telegram-r", ["self_harm"])
    assert may_read(case, "kim", StaffRole.STAFF)
    owned = store.take_over(case.id, sam.id, T0)
    assert may_read(owned, "sam", StaffRole.STAFF)
    assert not may_read(owned, "kim", StaffRole.STAFF)
    assert may_read(owned, "lee", StaffRole.SUPERVISOR)


def test_accounts_need_a_real_password_and_a_new_name(engine: Engine) -> None:
    directory = StaffDirectory(engine)
    with pytest.raises(AccountError):
        directory.add("sam", "short", StaffRole.STAFF, T0)
    directory.add("sam", PASSWORD, StaffRole.STAFF, T0)
    with pytest.raises(AccountError):
        directory.add("sam", PASSWORD, StaffRole.SUPERVISOR, T0)
    assert directory.authenticate("sam", PASSWORD).role is StaffRole.STAFF
    assert directory.authenticate("sam", PASSWORD + "x") is None
    assert directory.authenticate("nobody", PASSWORD) is None


def test_sessions_expire_when_idle_and_at_their_age_limit(engine: Engine) -> None:
    directory = StaffDirectory(engine)
    member = directory.add("sam", PASSWORD, StaffRole.STAFF, T0)
    idle = timedelta(minutes=30)
    login = directory.start_session(member, T0)
    assert directory.resume_session(login.token, idle, T0 + timedelta(minutes=29)) == (member, login.csrf_token)
    assert directory.resume_session(login.token, idle, T0 + timedelta(minutes=58)) is not None  # extended
    assert directory.resume_session(login.token, idle, T0 + timedelta(minutes=89)) is None
    assert directory.resume_session(login.token, idle, T0 + timedelta(minutes=90)) is None  # deleted
    busy = directory.start_session(member, T0)
    for minutes in range(20, 12 * 60, 20):
        assert directory.resume_session(busy.token, idle, T0 + timedelta(minutes=minutes)) is not None
    assert directory.resume_session(busy.token, idle, T0 + timedelta(hours=12, minutes=1)) is None
    ended = directory.start_session(member, T0)
    directory.end_session(ended.token)
    assert directory.resume_session(ended.token, idle, T0) is None
    assert directory.resume_session("made-up", idle, T0) is None


def test_audit_log_is_append_only_and_filtered(engine: Engine) -> None:
    log = AuditLog(engine)
    log.record("sam", AuditAction.VIEW, T0, case_id=1)
    log.record("kim", AuditAction.TAKE_OVER, T0 + timedelta(seconds=1), case_id=1)
    log.record("sam", AuditAction.NOTE, T0 + timedelta(seconds=2), case_id=2)
    assert [e.action for e in log.read()] == [AuditAction.NOTE, AuditAction.TAKE_OVER, AuditAction.VIEW]
    assert [e.action for e in log.read(actor="sam")] == [AuditAction.NOTE, AuditAction.VIEW]
    assert [e.actor for e in log.read(case_id=1, action=AuditAction.TAKE_OVER)] == ["kim"]
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.exec_driver_sql(statement)
    assert len(log.read()) == 3
