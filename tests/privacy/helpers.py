"""A person with something of every kind of record, for the data-protection tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from tests.accreditation.helpers import (
    assessor,
    complete,
    judge_all,
    level,
    pdf,
    pdf_bytes,
)
from tests.factories import make_booking, make_cohort, make_user
from trainhub import audit
from trainhub.accreditation.models import Application, Certificate, ExternalActivity
from trainhub.accreditation.services.applications import (
    start_application,
    submit_application,
    upload_workbook,
)
from trainhub.accreditation.services.assessment import claim_application, decide_application
from trainhub.accreditation.services.cpd import ActivityInput, log_activity
from trainhub.auth.models import User
from trainhub.courses.models import Attendance, BookingEvent, local_today
from trainhub.courses.services.attendance import refresh_attendees
from trainhub.courses.services.calendars import feed_token
from trainhub.extensions import db
from trainhub.feedback.services.responses import request_feedback
from trainhub.mail.services import queue_mail
from trainhub.storage import storage


@dataclass
class Person:
    user: User
    #: The awarded Level 2 application (decided) and its certificate's code.
    awarded: Application
    certificate_code: str
    #: The storage keys of their workbook and CPD evidence.
    keys: set[str]


def with_history(size: int = 1, *, email: str | None = None) -> Person:
    """A learner with a Level 2 award (workbook, judgements, certificate, CPD line),
    ``size`` bookings with their history and attendance, ``size`` CPD activities with
    evidence, ``size`` feedback requests, an audit entry, a calendar feed and a message."""
    overrides = {"email": email} if email else {}
    person = make_user(roles=["learner"], job_title="Family support worker", **overrides)
    by = assessor()
    awarded = start_application(person, level(2))
    upload_workbook(
        person, awarded, pdf("Level 2 workbook.pdf", pdf_bytes(f"wb {person.id}")), anonymised=True
    )
    submit_application(person, awarded)
    claim_application(by, awarded)
    judge_all(by, awarded)
    decide_application(by, awarded, True)
    for n in range(size):
        cohort = make_cohort(start=local_today() - dt.timedelta(days=40 + n), status="completed")
        booking = make_booking(cohort, person, status="attended")
        db.session.add(
            BookingEvent(booking=booking, action="booked", from_status=None, to_status="booked")
        )
        db.session.add(
            Attendance(cohort_day_id=cohort.days[0].id, user_id=person.id, status="present")
        )
        db.session.flush()
        refresh_attendees([cohort.id], [person.id])
        log_activity(
            person,
            ActivityInput(f"Reading group {n}", local_today(), Decimal(2)),
            pdf(f"evidence {n}.pdf", pdf_bytes(f"evidence {person.id} {n}")),
        )
        request_feedback(cohort, [person.id])
    complete(person, "IFSS-CORE", local_today() - dt.timedelta(days=30), announce=True)
    audit.record(person, "test.action", "something the person did")
    feed_token(person)
    queue_mail(person.email, "Your place", "You have a place.")
    db.session.flush()
    code = db.session.execute(
        select(Certificate.code).where(Certificate.application_id == awarded.id)
    ).scalar_one()
    keys = {wb.storage_key for wb in awarded.workbooks} | set(
        db.session.execute(
            select(ExternalActivity.evidence_key).where(ExternalActivity.user_id == person.id)
        ).scalars()
    )
    return Person(person, awarded, code, keys)


def make_admin() -> User:
    return make_user(roles=["admin"])


def stored(key: str) -> bool:
    """Whether the app's storage (local or S3) holds ``key``."""
    try:
        storage().load(key)
    except KeyError:
        return False
    return True
