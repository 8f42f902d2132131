"""Erasure: personal fields replaced, files gone (local and S3), sign-ins and calendar ended,
certificates withdrawn, totals unchanged; refused while assessed unless forced; audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.accreditation.helpers import pdf, pdf_bytes, submitted
from tests.factories import make_organisation, make_user
from tests.feedback.helpers import AFTER, FY, build_year, respond
from tests.helpers import as_user, page
from tests.privacy.helpers import make_admin, stored, with_history
from tests.test_storage_s3 import BUCKET, objects, s3  # noqa: F401  (the moto fixture)
from trainhub.accreditation.models import WITHDRAWN, Application, Certificate
from trainhub.accreditation.services.applications import start_application, upload_workbook
from trainhub.audit import AuditEvent
from trainhub.auth.models import (
    ExternalIdentity,
    IdentityProvider,
    RecoveryCode,
    TwoFactorAuthenticator,
    User,
    UserSession,
)
from trainhub.auth.services import two_factor
from trainhub.auth.sign_ins import start_session
from trainhub.courses.models import CalendarFeed, Course
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback.models import FeedbackAnswer, FeedbackResponse, ReportSnapshot
from trainhub.feedback.reporting import compute
from trainhub.financial_years import Period
from trainhub.mail.models import OutboxMessage
from trainhub.privacy.models import Erasure, FileDeletion
from trainhub.privacy.services import files
from trainhub.privacy.services.erasure import erase_person
from trainhub.storage import S3Storage


def test_erasure_replaces_fields_ends_access_and_deletes_files(catalogue: None) -> None:
    person = with_history(2)
    user, old_email = person.user, person.user.email
    start_session(user, "Firefox", "192.0.2.7")
    secret = two_factor.start_setup(user).secret
    two_factor.confirm_setup(user, pyotp.TOTP(secret).now())
    provider = IdentityProvider(
        organisation_id=make_organisation().id,
        display_name="Example Council",
        issuer="https://login.example.org",
        client_id="trainhub",
    )
    db.session.add(provider)
    db.session.flush()
    db.session.add(
        ExternalIdentity(provider_id=provider.id, subject="s-42", user_id=user.id, email=old_email)
    )
    admin = make_admin()
    assert all(stored(key) for key in person.keys)

    erase_person(admin, user, "Their request of 3 March (DPA-14)")
    db.session.flush()
    # Not yet: the bytes go only after the commit.
    assert all(stored(key) for key in person.keys)
    assert files.delete_pending() == len(person.keys) == 3
    assert not any(stored(key) for key in person.keys)

    db.session.expire_all()
    assert user.full_name == f"Erased person {user.id}"
    assert user.email == f"erased-{user.id}@erased.invalid"
    assert user.password_hash is None and not user.check_password("anything")
    assert user.job_title == "" and user.supervisor_id is None
    assert user.active is False
    sessions = db.session.execute(select(UserSession).where(UserSession.user_id == user.id))
    for sign_in in sessions.scalars():
        assert sign_in.ended_at is not None and sign_in.ip_address == ""
    assert db.session.get(CalendarFeed, user.id) is None
    assert db.session.get(TwoFactorAuthenticator, user.id) is None
    links = select(func.count(ExternalIdentity.id)).where(ExternalIdentity.user_id == user.id)
    assert db.session.execute(links).scalar() == 0
    codes = select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)
    assert db.session.execute(codes).scalar() == 0
    messages = select(func.count(OutboxMessage.id)).where(OutboxMessage.to_address == old_email)
    assert db.session.execute(messages).scalar() == 0
    certificates = db.session.execute(
        select(Certificate).where(Certificate.user_id == user.id)
    ).scalars()
    for certificate in certificates:
        assert certificate.status == "revoked"
        assert certificate.revoked_reason == "withdrawn at the holder's request"
        assert certificate.learner_name == ""
        assert certificate.withdrawn_by_holder
    [workbook] = person.awarded.workbooks
    assert workbook.filename == "erased"
    erasure = db.session.execute(select(Erasure).where(Erasure.user_id == user.id)).scalar_one()
    assert (erasure.erased_by_id, erasure.forced) == (admin.id, False)
    [entry] = db.session.execute(
        select(AuditEvent).where(
            AuditEvent.action == "privacy.erasure", AuditEvent.subject_id == user.id
        )
    ).scalars()
    assert entry.actor_id == admin.id and "DPA-14" in entry.detail
    # Bookings, attendance and completions stay, without the name.
    assert db.session.execute(select(Application).where(Application.user_id == user.id)).first()


def test_the_verify_page_then_says_only_that_it_was_withdrawn(app: Flask, catalogue: None) -> None:
    person = with_history(1)
    name = person.user.full_name
    erase_person(make_admin(), person.user, "Their request")
    db.session.flush()
    response = as_user(app, None).get(f"/verify/{person.certificate_code}")
    assert response.status_code == 200
    text = page(response)
    assert "This certificate was withdrawn at the holder's request." in text
    for absent in (name, "Erased person", "Awarded to", "Level 2", "Achievement"):
        assert absent not in text


def test_a_file_someone_else_also_uploaded_is_kept(catalogue: None) -> None:
    person = with_history(1)
    [workbook] = person.awarded.workbooks
    other = make_user(roles=["learner"])
    application = start_application(other, db.session.get_one(Application, person.awarded.id).level)
    same = upload_workbook(
        other, application, pdf("mine.pdf", pdf_bytes(f"wb {person.user.id}")), anonymised=True
    )
    shared = workbook.storage_key
    assert same.storage_key == shared
    erase_person(make_admin(), person.user, "Their request")
    files.delete_pending()
    assert stored(shared)
    assert not any(stored(key) for key in person.keys - {shared})
    # Their record no longer holds the file; the other person's still does.
    assert workbook.storage_key == "" and same.storage_key == shared


def test_a_rolled_back_erasure_loses_no_file(catalogue: None) -> None:
    person = with_history(1)
    user_id = person.user.id
    with pytest.raises(RuntimeError), db.session.begin_nested():
        erase_person(make_admin(), person.user, "Their request")
        raise RuntimeError("the commit failed")
    files.delete_pending()
    assert all(stored(key) for key in person.keys)
    assert db.session.execute(select(FileDeletion.id)).first() is None
    db.session.expire_all()
    assert db.session.get_one(User, user_id).full_name != f"Erased person {user_id}"


def test_files_in_s3_are_deleted_too(app: Flask, catalogue: None, s3: Any) -> None:  # noqa: F811
    app.extensions["trainhub.storage"] = S3Storage(s3, BUCKET)
    person = with_history(1)
    assert len(objects(s3)) == len(person.keys) == 2
    erase_person(make_admin(), person.user, "Their request")
    db.session.flush()
    assert files.delete_pending() == 2
    assert objects(s3) == []


def test_refused_while_being_assessed_unless_forced(catalogue: None) -> None:
    application = submitted(2)
    person, admin = application.user, make_admin()
    with pytest.raises(ValidationFailed) as refused:
        erase_person(admin, person, "Their request")
    assert refused.value.field == "force"
    assert db.session.execute(select(Erasure.id)).first() is None

    erase_person(admin, person, "Their request", force_reason="They insist; assessor told")
    db.session.flush()
    db.session.expire_all()
    assert application.status == WITHDRAWN
    erasure = db.session.execute(select(Erasure)).scalar_one()
    assert erasure.forced and erasure.force_reason == "They insist; assessor told"


def test_who_may_erase_and_what_is_refused(catalogue: None) -> None:
    person, admin = make_user(roles=["learner"]), make_admin()
    with pytest.raises(PermissionDenied):
        erase_person(make_user(roles=["manager"]), person, "Their request")
    with pytest.raises(ConflictError):
        erase_person(admin, admin, "Myself")
    with pytest.raises(ValidationFailed) as empty:
        erase_person(admin, person, "   ")
    assert empty.value.field == "reason"
    erase_person(admin, person, "Their request")
    with pytest.raises(ConflictError):
        erase_person(admin, person, "Again")


def test_totals_snapshots_and_anonymous_feedback_are_unchanged(catalogue: None) -> None:
    course = db.session.execute(select(Course).where(Course.code == "FFI-3DAY")).scalar_one()
    year = build_year(course)
    respond(year.cohorts[0], 6, today=AFTER)
    snapshot = ReportSnapshot(financial_year=FY, data=compute(Period(FY), today=AFTER), pdf_key="x")
    db.session.add(snapshot)
    db.session.flush()
    before = compute(Period(FY), today=AFTER)
    answers_before = db.session.execute(
        select(func.count(FeedbackAnswer.id), func.count(func.distinct(FeedbackResponse.id))).join(
            FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id
        )
    ).one()
    admin = make_admin()
    for attendee in year.attendees[:3]:
        erase_person(admin, attendee, "Their request")
    db.session.flush()
    db.session.expire_all()
    assert compute(Period(FY), today=AFTER) == before
    assert db.session.get_one(ReportSnapshot, snapshot.id).data == before
    answers_after = db.session.execute(
        select(func.count(FeedbackAnswer.id), func.count(func.distinct(FeedbackResponse.id))).join(
            FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id
        )
    ).one()
    assert answers_after == answers_before


def test_past_records_lose_the_address_in_their_key_and_their_evidence(
    catalogue: None,
) -> None:
    from trainhub.history.models import HistoryRecord
    from trainhub.history.services import CompletionDraft, record_completions

    manager = make_user(roles=["manager"])
    outcome = record_completions(
        manager,
        [CompletionDraft("past.person@example.org", "Past Person", "IFSS-CORE", PAST)],
        evidence=pdf("register.pdf", pdf_bytes("past register")),
    )
    record = db.session.get_one(HistoryRecord, outcome.record_ids[0])
    assert record.user is not None and "past.person@example.org" in record.natural_key
    key = record.evidence_key
    erase_person(make_admin(), record.user, "Their request")
    db.session.flush()
    files.delete_pending()
    db.session.expire_all()
    assert record.natural_key == f"erased:{record.id}"
    assert record.evidence_filename == ""
    assert not stored(key)


PAST = dt.date(2014, 5, 12)


def test_mail_to_other_people_no_longer_names_them(catalogue: None) -> None:
    from trainhub.mail.services import queue_mail

    person = make_user(full_name="Rhian Example-Jones", email="rhian@example.org")
    queue_mail(
        "boss@example.org",
        "A place to approve: Rhian Example-Jones",
        "Rhian Example-Jones (rhian@example.org) asks for a place. Rhian's team agrees.",
    )
    queue_mail("other@example.org", "Unrelated", "Nothing about them here.")
    erase_person(make_admin(), person, "Their request (DPA-15)")
    db.session.flush()
    db.session.expire_all()
    to_boss = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.to_address == "boss@example.org")
    ).scalar_one()
    assert to_boss.subject == f"A place to approve: Erased person {person.id}"
    assert to_boss.body == (
        f"Erased person {person.id} (erased-{person.id}@erased.invalid) asks for a place. "
        "Rhian's team agrees."
    )
    unrelated = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.to_address == "other@example.org")
    ).scalar_one()
    assert unrelated.body == "Nothing about them here."
