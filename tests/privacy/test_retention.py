"""The retention schedule, tested by moving the clock (``now``) past each period."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.accreditation.helpers import submitted
from tests.factories import make_user
from tests.helpers import QueryCounter, as_user, page
from tests.privacy.helpers import stored, with_history
from trainhub import audit
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.extensions import db, utcnow
from trainhub.mail.models import OutboxMessage
from trainhub.privacy.models import Erasure, FileDeletion
from trainhub.privacy.services import files
from trainhub.privacy.services.retention import Schedule, months_before, purge

SCHEDULE = Schedule(evidence_months=24, inactive_account_years=6, outbox_days=30, audit_years=7)


def test_months_before_keeps_the_day_or_the_months_last() -> None:
    moment = dt.datetime(2027, 3, 31, 9, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2027, 2, 28, 9, tzinfo=dt.UTC)
    assert months_before(moment, 24) == dt.datetime(2025, 3, 31, 9, tzinfo=dt.UTC)
    assert months_before(moment, -1) == dt.datetime(2027, 4, 30, 9, tzinfo=dt.UTC)


def test_evidence_goes_after_the_months_from_the_decision(app: Flask, catalogue: None) -> None:
    person = with_history(1)
    decided = person.awarded.closed_at
    assert decided is not None
    [workbook] = person.awarded.workbooks
    key = workbook.storage_key

    early = purge(SCHEDULE, decided + dt.timedelta(days=30 * 23))
    assert early.removed["evidence_files"] == 0
    report = purge(SCHEDULE, decided + dt.timedelta(days=30 * 25))
    # The decided workbook only: the CPD evidence waits for its activity's decision.
    assert report.removed["evidence_files"] == 1
    assert files.delete_pending() == 1
    assert not stored(key)
    assert all(stored(other) for other in person.keys - {key})
    assert workbook.storage_key == ""  # the record no longer holds the file
    # The record stays; the next run finds nothing more.
    assert purge(SCHEDULE, decided + dt.timedelta(days=30 * 26)).removed["evidence_files"] == 0


def test_inactive_accounts_are_erased_by_the_erasure_service(catalogue: None) -> None:
    now = utcnow()
    gone = make_user(last_login_at=now - dt.timedelta(days=365 * 6 + 10))
    never = make_user()
    never.created_at = now - dt.timedelta(days=365 * 7)
    recent = make_user(last_login_at=now - dt.timedelta(days=365 * 5))
    assessed = submitted(2).user
    assessed.last_login_at = now - dt.timedelta(days=365 * 8)
    db.session.flush()

    report = purge(SCHEDULE, now)
    assert report.removed["inactive_accounts"] == 2
    assert report.skipped_accounts == 1
    erased = set(db.session.execute(select(Erasure.user_id)).scalars())
    assert erased == {gone.id, never.id}
    db.session.expire_all()
    assert gone.full_name == f"Erased person {gone.id}" and not gone.active
    assert recent.active and not recent.full_name.startswith("Erased")
    erasure = db.session.execute(select(Erasure).where(Erasure.user_id == gone.id)).scalar_one()
    assert erasure.erased_by_id is None and "6 years" in erasure.reason


def test_sent_message_bodies_and_old_audit_entries_go(catalogue: None) -> None:
    now = utcnow()
    old = OutboxMessage(
        to_address="a@example.org",
        subject="Old",
        body="A reset link",
        status="sent",
        sent_at=now - dt.timedelta(days=31),
    )
    fresh = OutboxMessage(
        to_address="b@example.org",
        subject="New",
        body="Still here",
        status="sent",
        sent_at=now - dt.timedelta(days=29),
    )
    waiting = OutboxMessage(to_address="c@example.org", subject="Waiting", body="Unsent")
    db.session.add_all([old, fresh, waiting])
    ancient = audit.record(None, "test.old", "eight years ago")
    ancient.created_at = now - dt.timedelta(days=365 * 8)
    kept = audit.record(None, "test.new", "last year")
    kept.created_at = now - dt.timedelta(days=365)
    db.session.flush()

    report = purge(SCHEDULE, now)
    assert report.removed["outbox_bodies"] == 1
    assert report.removed["audit_entries"] == 1
    db.session.expire_all()
    assert (old.body, old.subject) == ("", "Old")
    assert (fresh.body, waiting.body) == ("Still here", "Unsent")
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert "test.old" not in actions and "test.new" in actions
    purged = select(AuditEvent.detail).where(AuditEvent.action == "privacy.retention_purge")
    [detail] = db.session.execute(purged).scalars()
    assert "1 outbox bodies" in detail and "1 audit entries" in detail


def test_a_dry_run_counts_the_same_and_writes_nothing(catalogue: None) -> None:
    person = with_history(1)
    decided = person.awarded.closed_at
    assert decided is not None
    later = decided + dt.timedelta(days=365 * 7 + 30)  # everything is due by then

    def state() -> tuple[int, ...]:
        return tuple(
            int(db.session.execute(statement).scalar() or 0)
            for statement in (
                select(func.count(Erasure.id)),
                select(func.count(FileDeletion.id)),
                select(func.count(AuditEvent.id)),
                select(func.count(User.id)).where(User.active.is_(True)),
            )
        )

    before = state()
    dry = purge(SCHEDULE, later, dry_run=True)
    db.session.flush()
    assert state() == before
    assert dry.removed["inactive_accounts"] > 0 and dry.removed["evidence_files"] == 1
    real = purge(SCHEDULE, later)
    assert real.removed == dry.removed


def test_a_period_of_zero_keeps_for_ever(catalogue: None) -> None:
    with_history(1)
    never = Schedule(0, 0, 0, 0)
    report = purge(never, utcnow() + dt.timedelta(days=365 * 50))
    assert set(report.removed.values()) == {0}


@pytest.mark.once
def test_the_command_reports_counts_per_kind(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["retention", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would remove (retention schedule):" in result.output
    for words in ("inactive account(s) erased", "sent message bodies cleared", "audit entries"):
        assert words in result.output


def test_the_admin_page_shows_the_schedule_and_what_falls_due(app: Flask, catalogue: None) -> None:
    admin = make_user(roles=["admin"])
    now = utcnow()
    for days in (40, 5):  # one due now, one in 25 days
        db.session.add(
            OutboxMessage(
                to_address=f"{days}@example.org",
                subject="Sent",
                body="Body",
                status="sent",
                sent_at=now - dt.timedelta(days=days),
            )
        )
    db.session.flush()
    response = as_user(app, admin).get("/admin/retention")
    assert response.status_code == 200
    text = " ".join(page(response).split())
    assert "30 days after sending" in text
    assert "24 months after the application or CPD activity was decided" in text
    assert "Learners' access and dietary needs" in text and "issue 21" not in text
    cells = [
        " ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", page(response), re.S)
    ]
    # Workbooks: none decided; accounts: none due; outbox: one due, the next in 25 days.
    assert cells[1:3] == ["0", "Nothing waiting"]
    assert cells[7] == "1" and cells[8] != "Nothing waiting"


def test_the_admin_page_costs_the_same_statements_however_much_is_due(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    counts = []
    for extra in (1, 6):
        now = utcnow()
        for n in range(extra):
            make_user(last_login_at=now - dt.timedelta(days=365 * 7 + n))
            db.session.add(
                OutboxMessage(
                    to_address=f"{n}@example.org",
                    subject="Sent",
                    body="Body",
                    status="sent",
                    sent_at=now - dt.timedelta(days=40 + n),
                )
            )
        db.session.commit()
        count_queries.statements.clear()
        assert client.get("/admin/retention").status_code == 200
        counts.append(count_queries.count)
    assert counts[0] == counts[1]
