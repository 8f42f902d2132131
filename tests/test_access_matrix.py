"""Route × role access matrix: every endpoint, every kind of user.

Each endpoint in ``app.url_map`` must be listed here with what anonymous
visitors, learners, trainers, assessors, managers, admins and supervisors get.
A new route that is not listed fails ``test_every_endpoint_is_in_the_matrix``.

Outcomes: ``ok`` 200 · ``login`` 302 to the sign-in page · ``deny`` 403 ·
``away`` a 302 somewhere other than sign-in.

The roles take their turns on one world, in the order of ``ROLES``; a route whose
request uses its object up (removing a presenter) asks the world for a fresh one
each turn, so every role meets the same situation. The world is built once per process
and backend, in a database of its own (``matrix_world``: ``tests.conftest.seeded_fixture``);
each test's requests are rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.accreditation.helpers import (
    assessor,
    claimed,
    complete,
    judge_all,
    level,
    pdf,
    submitted,
)
from tests.conftest import seeded_fixture
from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
    make_venue,
)
from tests.helpers import login
from tests.oidc_provider import make_identity_provider
from trainhub.accreditation.models import Certificate, CpdEntry
from trainhub.accreditation.services import LevelInput, save_level
from trainhub.accreditation.services.applications import (
    start_application,
    submit_application,
    upload_workbook,
)
from trainhub.accreditation.services.assessment import claim_application, decide_application
from trainhub.accreditation.services.badge_links import create_link
from trainhub.accreditation.services.cpd import ActivityInput, log_activity
from trainhub.accreditation.services.credential_keys import public_keys
from trainhub.auth.models import UserSession
from trainhub.auth.permissions import Access, access_of
from trainhub.auth.roles import Role
from trainhub.auth.services import make_reset_token
from trainhub.auth.sign_ins import start_session, token_hash
from trainhub.courses.models import Cohort, CohortPresenter, local_today
from trainhub.courses.services.calendars import feed_token
from trainhub.extensions import db, utcnow
from trainhub.feedback.models import TEXT, ImpactRequest, ReportSnapshot
from trainhub.feedback.services.budget import add_spend
from trainhub.feedback.services.impact import after_days, send_impact_surveys
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.services.responses import request_feedback, submit_response
from trainhub.financial_years import financial_year
from trainhub.mail.services import queue_mail
from trainhub.storage import storage

pytestmark = pytest.mark.once

ROLES = ("anonymous", "learner", "trainer", "assessor", "manager", "admin", "supervisor")


@dataclass
class World:
    """One of each kind of user, and an object of each kind to point routes at."""

    users: dict[str, Any]
    subject_id: int
    organisation_id: int
    venue_id: int
    level_id: int
    message_id: int
    reset_token: str
    #: The learner's link to create a password (as if their address were not confirmed).
    confirm_token: str
    #: A published open cohort the matrix's trainer facilitates.
    cohort_id: int
    #: A draft cohort the trainer facilitates.
    draft_id: int
    #: A published cohort closed to the learner's organisation, facilitated by the trainer.
    closed_id: int
    #: An earlier cohort of the open cohort's course (for make-up days).
    earlier_id: int
    #: A cohort of the same course running today, the trainer's (its register is open).
    today_id: int
    #: The learner's booking on the open cohort.
    booking_id: int
    #: Someone else waiting for a place on the open cohort.
    waitlisted_id: int
    #: Someone else's request for a place, for a manager to decide.
    requested_id: int
    #: An open offer of a place to the learner, on another cohort.
    offer_id: int
    #: The learner's private calendar feed.
    feed_token: str
    #: A learner with no booking on the open cohort, for staff to book.
    other_email: str
    #: The learner's Level 3 application: submitted with a workbook, no assessor yet.
    application_id: int
    #: The learner's Level 2 application, awarded by the matrix's assessor (workbook version 1).
    awarded_id: int
    #: Someone else's application the matrix's assessor has claimed and is assessing.
    assessed_id: int
    #: Someone else's award on a level that needs verifying, recommended by another assessor.
    verify_id: int
    #: The learner's certificate of the Level 2 award.
    certificate_code: str
    certificate_id: int
    #: A line of the learner's CPD record (the core course completed).
    entry_id: int
    #: Learning the learner did elsewhere, with evidence, waiting for approval.
    activity_id: int
    #: The learner asked for feedback on the open cohort (not answered yet).
    feedback_request_id: int
    #: A written comment on the open cohort whose author agreed to be quoted.
    quote_id: int
    #: A line of this financial year's training spend.
    spend_line_id: int
    #: The test session's OpenID Connect provider (tests/oidc_provider.py).
    oidc_issuer: str = ""
    #: The learner's public link to their Level 2 badge.
    badge_token: str = ""
    badge_link_id: int = 0
    #: The learner's follow-up impact survey on the core they completed (not answered yet).
    impact_request_id: int = 0
    #: A follow-up session of the cohort running today (R14), its register open.
    follow_up_id: int = 0

    def fresh_presenter(self) -> int:
        """A new external presenter on the open cohort."""
        presenter = CohortPresenter(
            cohort_id=self.cohort_id, day_number=1, module="Safety planning", name="Guest"
        )
        db.session.add(presenter)
        db.session.commit()
        return presenter.id

    def fresh_joining_file(self) -> int:
        """A new joining file on the open cohort (its trainer uploaded it)."""
        from trainhub.courses.models import JoiningFile

        key = storage().save(b"%PDF-1.4 joining instructions")
        found = JoiningFile(
            cohort_id=self.cohort_id,
            filename="map.pdf",
            content_type="application/pdf",
            size=29,
            storage_key=key,
        )
        db.session.add(found)
        db.session.commit()
        return found.id

    def fresh_sign_in(self) -> int:
        """A new sign-in of the learner's, on another browser."""
        token = start_session(self.users["learner"], "Another browser", "192.0.2.1")
        db.session.commit()
        query = db.select(UserSession.id).where(UserSession.token_hash == token_hash(token))
        return int(db.session.execute(query).scalar_one())

    def fresh_makeup_email(self) -> str:
        """Someone booked on the earlier cohort, so they may make up a day on the open one."""
        person = make_user(roles=["learner"])
        make_booking(db.session.get_one(Cohort, self.earlier_id), person)
        db.session.commit()
        return person.email

    def fresh_submitted(self) -> int:
        """Someone else's submitted application, waiting for an assessor to claim it."""
        application = submitted(3)
        db.session.commit()
        return application.id

    def published_year(self) -> int:
        """A past financial year whose figures were published (made once, when first asked)."""
        year = 2016
        if (
            db.session.execute(
                db.select(ReportSnapshot.id).where(ReportSnapshot.financial_year == year)
            ).first()
            is None
        ):
            key = storage().save(b"%PDF-1.4 published figures")
            db.session.add(ReportSnapshot(financial_year=year, data={}, pdf_key=key))
            db.session.commit()
        return year

    def history_record(self) -> int:
        """A past completion recorded with an evidence file (made once, when first asked)."""
        from trainhub.history.models import HistoryRecord
        from trainhub.history.services import CompletionDraft, record_completions

        found = db.session.execute(db.select(HistoryRecord.id)).scalar()
        if found is not None:
            return int(found)
        outcome = record_completions(
            self.users["manager"],
            [CompletionDraft("past.person@example.org", "Past Person", "IFSS-CORE", PAST)],
            evidence=pdf("register.pdf"),
        )
        db.session.commit()
        return outcome.record_ids[0]

    def fresh_judged(self) -> int:
        """Someone else's application the matrix's assessor has judged met throughout."""
        application, by = claimed(3, by=self.users["assessor"])
        judge_all(by, application)
        db.session.commit()
        return application.id

    def agreement(self) -> int:
        """A data-sharing agreement with the learner's organisation (made once, when asked)."""
        from trainhub.auth.models import DataSharingAgreement

        found = db.session.execute(db.select(DataSharingAgreement.id)).scalar()
        if found is not None:
            return int(found)
        agreement = DataSharingAgreement(
            organisation_id=self.organisation_id,
            reference="DSA-MATRIX",
            agreed_on=date(2025, 4, 1),
            review_on=date(2027, 4, 1),
        )
        db.session.add(agreement)
        db.session.commit()
        return agreement.id


#: A date before trainhub, for recorded history.
PAST = date(2014, 5, 12)


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def only(allowed: tuple[str, ...], outcome: str = "ok") -> dict[str, str]:
    result = {role: "deny" for role in ROLES}
    result["anonymous"] = "login"
    for role in allowed:
        result[role] = outcome
    return result


SIGNED_IN = {**everyone("ok"), "anonymous": "login"}
GUEST_ONLY = {**everyone("away"), "anonymous": "ok"}
#: Trainers (for the cohorts they facilitate or scheduled), managers and admins.
STAFF = ("trainer", "manager", "admin")
#: A learner's booking: the learner, and the staff who run the cohort.
BOOKING = only(("learner", *STAFF))
#: Who reads a learner's record besides the learner: their supervisor, their own
#: organisation's managers and admins (R29, R49).
READERS = ("supervisor", "manager", "admin")
#: The statistics, exports, publication, quotes and budget: managers only (R42).
MANAGERS = only(("manager",))


@dataclass
class Route:
    url: Callable[[World], str]
    expect: dict[str, str]
    method: str = "GET"
    data: dict[str, str] | Callable[[World], dict[str, str]] | None = None


MATRIX: dict[str, Route] = {
    # Public pages
    "home.index": Route(lambda w: "/", everyone("ok")),
    "home.health": Route(lambda w: "/healthz", everyone("ok")),
    "home.language": Route(lambda w: "/language/cy?next=/courses", everyone("away")),
    "static": Route(lambda w: "/static/js/init.js", everyone("ok")),
    "assets.static": Route(lambda w: "/assets/govuk-frontend.min.js", everyone("ok")),
    "courses.catalogue": Route(lambda w: "/courses", everyone("ok")),
    "courses.course_detail": Route(lambda w: "/courses/IFSS-CORE", everyone("ok")),
    "accreditation.levels": Route(lambda w: "/accreditation", everyone("ok")),
    # Signing in and passwords
    "auth.login": Route(lambda w: "/sign-in", GUEST_ONLY),
    "auth.register": Route(lambda w: "/register", GUEST_ONLY),
    "auth.register_sent": Route(lambda w: "/register/sent", everyone("ok")),
    # The "Create your password" page: opening the link only shows the form.
    "auth.register_confirm": Route(
        lambda w: f"/register/confirm/{w.confirm_token}", everyone("ok")
    ),
    "auth.logout": Route(lambda w: "/sign-out", everyone("away"), method="POST"),
    "auth.password_forgotten": Route(lambda w: "/password/forgotten", everyone("ok")),
    "auth.password_sent": Route(lambda w: "/password/sent", everyone("ok")),
    "auth.password_reset": Route(lambda w: f"/password/reset/{w.reset_token}", everyone("ok")),
    # Your own account
    "home.admin": Route(lambda w: "/admin", only(("manager", "admin"))),
    "auth.account": Route(lambda w: "/account", SIGNED_IN),
    "auth.account_edit": Route(lambda w: "/account/edit", SIGNED_IN),
    "auth.password_change": Route(lambda w: "/account/password", SIGNED_IN),
    "auth.sessions": Route(lambda w: "/account/sessions", SIGNED_IN),
    # The timeout warning's question (its POST, "Stay signed in", writes apart from the
    # request: tests/auth/test_timeout_warning.py).
    "auth.session_time": Route(lambda w: "/account/session-time", SIGNED_IN),
    # Only one's own sessions: anyone else's is not found.
    "auth.session_end": Route(
        lambda w: f"/account/sessions/{w.fresh_sign_in()}/end",
        {**everyone("404"), "anonymous": "login", "learner": "away"},
        "POST",
    ),
    "auth.sessions_end_others": Route(
        lambda w: "/account/sessions/end-others", {**everyone("away"), "anonymous": "login"}, "POST"
    ),
    "auth.supervisees": Route(lambda w: "/supervisees", SIGNED_IN),
    # The learner's record: the learner, their supervisor, managers and admins.
    "auth.training_record": Route(
        lambda w: f"/people/{w.subject_id}", only(("learner", "supervisor", "manager", "admin"))
    ),
    # Account administration
    "auth.admin_users": Route(lambda w: "/admin/users", only(("admin",))),
    "auth.admin_user_new": Route(lambda w: "/admin/users/new", only(("admin",))),
    "auth.admin_user_edit": Route(lambda w: f"/admin/users/{w.subject_id}", only(("admin",))),
    "auth.admin_user_active": Route(
        lambda w: f"/admin/users/{w.subject_id}/active",
        only(("admin",), "away"),
        method="POST",
        data={"active": "yes"},
    ),
    "auth.admin_user_sign_out": Route(
        lambda w: f"/admin/users/{w.subject_id}/sign-out", only(("admin",), "away"), "POST"
    ),
    "auth.admin_user_send_reset": Route(
        lambda w: f"/admin/users/{w.subject_id}/send-reset", only(("admin",), "away"), "POST"
    ),
    "auth.admin_users_import": Route(lambda w: "/admin/users/import", only(("admin",))),
    "auth.admin_users_import_template": Route(
        lambda w: "/admin/users/import/template.csv", only(("admin",))
    ),
    "auth.admin_organisations": Route(lambda w: "/admin/organisations", only(("manager", "admin"))),
    "auth.admin_organisation_edit": Route(
        lambda w: f"/admin/organisations/{w.organisation_id}", only(("manager", "admin"))
    ),
    # Two-step verification. Nobody in the world has it on or half set up, so its pages
    # that need either send a signed-in person back to /account/two-step ("away"); the
    # second step of signing in, with no password just entered, says to sign in again.
    "auth.two_factor_sign_in": Route(lambda w: "/sign-in/two-step", GUEST_ONLY),
    "auth.two_factor": Route(lambda w: "/account/two-step", SIGNED_IN),
    "auth.two_factor_start": Route(
        lambda w: "/account/two-step/start", {**everyone("away"), "anonymous": "login"}, "POST"
    ),
    "auth.two_factor_setup": Route(
        lambda w: "/account/two-step/set-up", {**everyone("away"), "anonymous": "login"}
    ),
    "auth.two_factor_recovery_codes": Route(
        lambda w: "/account/two-step/recovery-codes", {**everyone("away"), "anonymous": "login"}
    ),
    "auth.two_factor_recovery_codes_download": Route(
        lambda w: "/account/two-step/recovery-codes.txt",
        {**everyone("away"), "anonymous": "login"},
    ),
    "auth.two_factor_recovery_codes_done": Route(
        lambda w: "/account/two-step/recovery-codes/done",
        {**everyone("away"), "anonymous": "login"},
        "POST",
    ),
    "auth.two_factor_regenerate": Route(
        lambda w: "/account/two-step/recovery-codes/new",
        {**everyone("away"), "anonymous": "login"},
    ),
    "auth.two_factor_turn_off": Route(
        lambda w: "/account/two-step/turn-off", {**everyone("away"), "anonymous": "login"}
    ),
    "auth.admin_user_two_factor_reset": Route(
        lambda w: f"/admin/users/{w.subject_id}/two-step/reset", only(("admin",), "away")
    ),
    # Catalogue and venues
    "courses.course_new": Route(lambda w: "/courses/new", only(("trainer", "admin"))),
    "courses.course_edit": Route(lambda w: "/courses/IFSS-CORE/edit", only(("trainer", "admin"))),
    "courses.venues": Route(lambda w: "/venues", only(("trainer", "admin"))),
    "courses.venue_edit": Route(lambda w: f"/venues/{w.venue_id}", only(("trainer", "admin"))),
    # Accreditation levels
    "accreditation.admin_levels": Route(lambda w: "/admin/levels", only(("admin",))),
    "accreditation.admin_level_edit": Route(
        lambda w: f"/admin/levels/{w.level_id}", only(("admin",))
    ),
    # Outbox
    "mail.outbox": Route(lambda w: "/admin/outbox/", only(("admin",))),
    "mail.message_detail": Route(lambda w: f"/admin/outbox/{w.message_id}", only(("admin",))),
    # The training calendar and feeds (the secret in a feed's address is its only key)
    "courses.calendar": Route(lambda w: "/calendar", everyone("ok")),
    "courses.calendar_ics": Route(lambda w: "/calendar.ics", everyone("ok")),
    "courses.calendar_csv": Route(lambda w: "/calendar.csv", everyone("ok")),
    "courses.calendar_feed": Route(lambda w: f"/calendar/feed/{w.feed_token}.ics", everyone("ok")),
    "courses.calendar_subscribe": Route(lambda w: "/calendar/subscribe", SIGNED_IN),
    # Booking, for anyone signed in
    "courses.cohort_detail": Route(lambda w: f"/cohorts/{w.cohort_id}", everyone("ok")),
    "courses.cohort_book": Route(
        lambda w: f"/cohorts/{w.cohort_id}/book", {**everyone("away"), "anonymous": "login"}, "POST"
    ),
    "courses.my_bookings": Route(lambda w: "/bookings", SIGNED_IN),
    "courses.booking_detail": Route(lambda w: f"/bookings/{w.booking_id}", BOOKING),
    "courses.booking_cancel": Route(lambda w: f"/bookings/{w.booking_id}/cancel", BOOKING),
    # The booking's days as a calendar file: the learner, and the staff who run the cohort.
    "courses.booking_calendar": Route(lambda w: f"/bookings/{w.booking_id}/calendar.ics", BOOKING),
    # Joining instructions: those who run the cohort write them (an upload without a file
    # comes back with an error on the field); files open for people with a place and staff.
    "courses.joining_edit": Route(lambda w: f"/cohorts/{w.cohort_id}/joining", only(STAFF)),
    "courses.joining_file_add": Route(
        lambda w: f"/cohorts/{w.cohort_id}/joining/files", only(STAFF, "400"), "POST"
    ),
    "courses.joining_file_remove": Route(
        lambda w: f"/cohorts/{w.cohort_id}/joining/files/{w.fresh_joining_file()}/remove",
        only(STAFF, "away"),
        "POST",
    ),
    "courses.joining_file": Route(
        lambda w: f"/cohorts/{w.cohort_id}/joining/files/{w.fresh_joining_file()}",
        only(("learner", *STAFF)),
    ),
    # Access and dietary needs (special category data): the learner changes their own; the
    # cohort's facilitators and admins read them (not managers, other trainers, assessors).
    "courses.booking_needs": Route(lambda w: f"/bookings/{w.booking_id}/needs", only(("learner",))),
    "courses.booking_needs_remove": Route(
        lambda w: f"/bookings/{w.booking_id}/needs/remove", only(("learner",))
    ),
    "courses.cohort_needs": Route(
        lambda w: f"/cohorts/{w.cohort_id}/needs", only(("trainer", "admin"))
    ),
    # An offer is its learner's alone.
    "courses.offer_respond": Route(lambda w: f"/bookings/{w.offer_id}/offer", only(("learner",))),
    # Running cohorts: staff; the matrix's trainer facilitates the cohorts used here.
    "courses.cohorts": Route(lambda w: "/cohorts", only(STAFF)),
    "courses.cohort_new": Route(lambda w: "/cohorts/new?course=IFSS-CORE", only(STAFF)),
    "courses.cohort_edit": Route(lambda w: f"/cohorts/{w.cohort_id}/edit", only(STAFF)),
    "courses.cohort_publish": Route(
        lambda w: f"/cohorts/{w.draft_id}/publish", only(STAFF, "away"), "POST"
    ),
    "courses.cohort_complete": Route(
        lambda w: f"/cohorts/{w.cohort_id}/complete", only(STAFF, "away"), "POST"
    ),
    "courses.cohort_cancel": Route(lambda w: f"/cohorts/{w.cohort_id}/cancel", only(STAFF)),
    "courses.lead_exception": Route(
        lambda w: f"/cohorts/{w.cohort_id}/lead-exception", only(("manager", "admin"))
    ),
    "courses.presenter_add": Route(
        lambda w: f"/cohorts/{w.cohort_id}/presenters",
        only(STAFF, "away"),
        "POST",
        {"name": "Guest", "day_number": "1", "module": "Core groups"},
    ),
    "courses.presenter_remove": Route(
        lambda w: f"/cohorts/{w.cohort_id}/presenters/{w.fresh_presenter()}/remove",
        only(STAFF, "away"),
        "POST",
    ),
    "courses.partner_learners": Route(
        lambda w: f"/cohorts/{w.closed_id}/partner-learners", only(STAFF)
    ),
    "courses.cohort_bookings": Route(lambda w: f"/cohorts/{w.cohort_id}/bookings", only(STAFF)),
    "courses.cohort_add_learner": Route(
        lambda w: f"/cohorts/{w.cohort_id}/bookings",
        only(STAFF, "away"),
        "POST",
        lambda w: {"email": w.other_email},
    ),
    "courses.waitlist_move": Route(lambda w: f"/bookings/{w.waitlisted_id}/move", only(STAFF)),
    "courses.waitlist_book": Route(
        lambda w: f"/bookings/{w.waitlisted_id}/place", only(STAFF, "away"), "POST"
    ),
    "courses.register": Route(lambda w: f"/cohorts/{w.cohort_id}/days/1/register", only(STAFF)),
    "courses.register_makeup": Route(
        lambda w: f"/cohorts/{w.today_id}/days/1/register/makeup",
        only(STAFF, "away"),
        "POST",
        lambda w: {"email": w.fresh_makeup_email()},
    ),
    "courses.sign_in_sheet": Route(
        lambda w: f"/cohorts/{w.cohort_id}/days/1/sign-in-sheet.pdf", only(STAFF)
    ),
    "courses.follow_up_new": Route(lambda w: f"/cohorts/{w.cohort_id}/follow-ups/new", only(STAFF)),
    "courses.follow_up_register": Route(
        lambda w: f"/follow-ups/{w.follow_up_id}/register", only(STAFF)
    ),
    # Managers' oversight
    "courses.approvals": Route(lambda w: "/approvals", only(("manager", "admin"))),
    "courses.approval_decide": Route(
        lambda w: f"/bookings/{w.requested_id}/decide",
        only(("manager", "admin"), "away"),
        "POST",
        {"approve": "y"},
    ),
    "courses.clash_overrides": Route(lambda w: "/cohorts/overrides", only(("manager", "admin"))),
    # Accreditation: the learner's side (their supervisor and managers read along).
    "accreditation.my_accreditation": Route(lambda w: "/my/accreditation", SIGNED_IN),
    "accreditation.apply": Route(lambda w: "/my/accreditation/apply", SIGNED_IN),
    "accreditation.application_detail": Route(
        lambda w: f"/applications/{w.application_id}", only(("learner", *READERS, "assessor"))
    ),
    "accreditation.workbook_upload": Route(
        lambda w: f"/applications/{w.application_id}/workbooks/new", only(("learner",))
    ),
    # Workbooks: the learner, the assigned assessor and admins (R48); nobody else.
    "accreditation.workbook_download": Route(
        lambda w: f"/applications/{w.awarded_id}/workbooks/1",
        only(("learner", "assessor", "admin")),
    ),
    "accreditation.application_submit": Route(
        lambda w: f"/applications/{w.application_id}/submit", only(("learner",))
    ),
    "accreditation.application_withdraw": Route(
        lambda w: f"/applications/{w.application_id}/withdraw", only(("learner", "admin"))
    ),
    # Assessment: assessors only, never their own (R26); admins assign.
    "accreditation.assessment_queue": Route(lambda w: "/assessment", only(("assessor",))),
    "accreditation.application_claim": Route(
        lambda w: f"/applications/{w.fresh_submitted()}/claim",
        only(("assessor",), "away"),
        "POST",
    ),
    "accreditation.application_assign": Route(
        lambda w: f"/applications/{w.application_id}/assign", only(("admin",))
    ),
    "accreditation.application_assess": Route(
        lambda w: f"/applications/{w.assessed_id}/assess", only(("assessor",))
    ),
    "accreditation.application_decide": Route(
        lambda w: f"/applications/{w.fresh_judged()}/decide",
        only(("assessor",), "away"),
        "POST",
        {"decision": "achieved"},
    ),
    "accreditation.application_verify": Route(
        lambda w: f"/applications/{w.verify_id}/verify", only(("assessor",))
    ),
    # The CPD record: the learner, their supervisor, their organisation's managers, admins.
    "accreditation.my_cpd": Route(lambda w: "/my/cpd", SIGNED_IN),
    "accreditation.cpd_statement_pdf": Route(
        lambda w: f"/people/{w.subject_id}/cpd/statement.pdf", only(("learner", *READERS))
    ),
    "accreditation.cpd_statement_csv": Route(
        lambda w: f"/people/{w.subject_id}/cpd/statement.csv", only(("learner", *READERS))
    ),
    "accreditation.activity_new": Route(lambda w: "/my/cpd/activities/new", SIGNED_IN),
    "accreditation.activity_evidence": Route(
        lambda w: f"/cpd/activities/{w.activity_id}/evidence", only(("learner", *READERS))
    ),
    "accreditation.cpd_approvals": Route(lambda w: "/cpd/approvals", only(READERS)),
    # Never the learner's own activity.
    "accreditation.activity_decide": Route(
        lambda w: f"/cpd/activities/{w.activity_id}/decide", only(READERS)
    ),
    "accreditation.cpd_entry_reverse": Route(
        lambda w: f"/cpd/entries/{w.entry_id}/reverse", only(("manager", "admin"))
    ),
    # Certificates: the learner's and those who read their record; checking one is public.
    "accreditation.my_certificates": Route(lambda w: "/my/certificates", SIGNED_IN),
    "accreditation.certificate_pdf": Route(
        lambda w: f"/certificates/{w.certificate_code}.pdf", only(("learner", *READERS))
    ),
    "accreditation.certificate_badge": Route(
        lambda w: f"/certificates/{w.certificate_code}/badge.json", only(("learner", *READERS))
    ),
    "accreditation.verify_lookup": Route(lambda w: "/verify", everyone("ok")),
    "accreditation.verify_certificate": Route(
        lambda w: f"/verify/{w.certificate_code}", everyone("ok")
    ),
    "accreditation.certificate_status": Route(
        lambda w: f"/certificates/{w.certificate_code}/status", everyone("ok")
    ),
    # Open Badges: signed downloads (the holder and who reads their record), what verifiers
    # fetch (public JSON), public badge links (their holder makes and withdraws them).
    "accreditation.certificate_badge_signed": Route(
        lambda w: f"/certificates/{w.certificate_code}/badge.jwt", only(("learner", *READERS))
    ),
    "accreditation.issuer_profile": Route(lambda w: "/issuer", everyone("ok")),
    "accreditation.issuer_jwks": Route(lambda w: "/issuer/jwks.json", everyone("ok")),
    "accreditation.issuer_key": Route(
        lambda w: f"/issuer/keys/{public_keys()[0].kid}", everyone("ok")
    ),
    "accreditation.achievement": Route(lambda w: "/achievements/level-2", everyone("ok")),
    "accreditation.achievement_image": Route(
        lambda w: "/achievements/level-2/image.svg", everyone("ok")
    ),
    "accreditation.status_list": Route(lambda w: "/credentials/status/0", everyone("ok")),
    # The learner's badge has its link already: making another is refused (back to the list).
    "accreditation.badge_link_create": Route(
        lambda w: f"/certificates/{w.certificate_code}/badge-link",
        only(("learner",), "away"),
        "POST",
    ),
    "accreditation.badge_link_withdraw": Route(
        lambda w: f"/badge-links/{w.badge_link_id}/withdraw", only(("learner",))
    ),
    "accreditation.badge_link": Route(lambda w: f"/badges/{w.badge_token}", everyone("ok")),
    "accreditation.badge_link_download": Route(
        lambda w: f"/badges/{w.badge_token}/badge.jwt", everyone("ok")
    ),
    "accreditation.verify_badge": Route(lambda w: "/verify/badge", everyone("ok")),
    "accreditation.admin_certificates": Route(lambda w: "/admin/certificates", only(("admin",))),
    "accreditation.certificate_revoke": Route(
        lambda w: f"/admin/certificates/{w.certificate_id}/revoke", only(("admin",))
    ),
    "accreditation.certificate_reissue": Route(
        lambda w: f"/admin/certificates/{w.certificate_id}/reissue", only(("admin",))
    ),
    # People's accreditation: read-only for their supervisor and their organisation's managers.
    "accreditation.person_record": Route(
        lambda w: f"/people/{w.subject_id}/accreditation", only(("learner", *READERS))
    ),
    "accreditation.accreditation_progress": Route(
        lambda w: "/accreditation/progress", only(("manager", "admin"))
    ),
    # Feedback: the learner answers their own request; everyone signed in sees theirs.
    "feedback.my_feedback": Route(lambda w: "/my/feedback", SIGNED_IN),
    "feedback.give": Route(lambda w: f"/feedback/{w.feedback_request_id}", only(("learner",))),
    "feedback.give_impact": Route(
        lambda w: f"/feedback/impact/{w.impact_request_id}", only(("learner",))
    ),
    # Results per cohort: its trainers (the matrix's trainer facilitates it), managers, admins.
    "feedback.cohorts": Route(lambda w: "/feedback/cohorts", only(STAFF)),
    "feedback.cohort_results": Route(lambda w: f"/feedback/cohorts/{w.cohort_id}", only(STAFF)),
    "feedback.cohort_remind": Route(
        lambda w: f"/feedback/cohorts/{w.cohort_id}/remind", only(STAFF, "away"), "POST"
    ),
    # The questionnaire: admins.
    "feedback.questionnaire": Route(lambda w: "/admin/feedback/questionnaire", only(("admin",))),
    "feedback.questionnaire_edit": Route(
        lambda w: "/admin/feedback/questionnaire/edit", only(("admin",))
    ),
    # Reports: managers only.
    "feedback.dashboard": Route(lambda w: "/reports", MANAGERS),
    "feedback.statistics_page": Route(lambda w: "/reports/statistics", MANAGERS),
    "feedback.exports_page": Route(lambda w: "/reports/exports", MANAGERS),
    "feedback.table_csv": Route(lambda w: "/reports/statistics/courses.csv", MANAGERS),
    "feedback.statistics_xlsx": Route(lambda w: "/reports/statistics.xlsx", MANAGERS),
    "feedback.report_pdf": Route(lambda w: "/reports/training-report.pdf", MANAGERS),
    "feedback.report_docx": Route(lambda w: "/reports/training-report.docx", MANAGERS),
    "feedback.narrative_edit": Route(lambda w: "/reports/narrative", MANAGERS),
    "feedback.named_export": Route(lambda w: "/reports/named/attendees.csv", MANAGERS),
    "feedback.publish": Route(lambda w: "/reports/publish", MANAGERS),
    "feedback.published_pdf": Route(
        lambda w: f"/reports/published/{w.published_year()}.pdf", MANAGERS
    ),
    "feedback.quotes_page": Route(lambda w: "/reports/quotes", MANAGERS),
    "feedback.quote_select": Route(
        lambda w: f"/reports/quotes/{w.quote_id}",
        only(("manager",), "away"),
        "POST",
        {"selected": "1"},
    ),
    "feedback.budget": Route(lambda w: "/reports/budget", MANAGERS),
    "feedback.budget_allocation": Route(
        lambda w: "/reports/budget/allocation",
        only(("manager",), "away"),
        "POST",
        {"allocation": "18000"},
    ),
    "feedback.budget_spend": Route(
        lambda w: "/reports/budget/spend",
        only(("manager",), "away"),
        "POST",
        {"quarter": "1", "category": "venue", "amount": "388.50"},
    ),
    "feedback.spend_delete": Route(
        lambda w: f"/reports/budget/spend/{w.spend_line_id}/delete", MANAGERS
    ),
    # History: managers and admins record what happened before trainhub, and withdraw it.
    "history.hub": Route(lambda w: "/history", only(("manager", "admin"))),
    "history.cohort_new": Route(
        lambda w: "/history/cohorts/new?course=IFSS-CORE", only(("manager", "admin"))
    ),
    "history.completion_new": Route(
        lambda w: "/history/completions/new", only(("manager", "admin"))
    ),
    "history.award_new": Route(lambda w: "/history/awards/new", only(("manager", "admin"))),
    "history.feedback_new": Route(lambda w: "/history/feedback/new", only(("manager", "admin"))),
    "history.record_detail": Route(
        lambda w: f"/history/records/{w.history_record()}", only(("manager", "admin"))
    ),
    "history.record_evidence": Route(
        lambda w: f"/history/records/{w.history_record()}/evidence", only(("manager", "admin"))
    ),
    "history.record_withdraw": Route(
        lambda w: f"/history/records/{w.history_record()}/withdraw", only(("manager", "admin"))
    ),
    # Named exports are audited; managers and admins read the log.
    "feedback.audit_log": Route(lambda w: "/reports/audit", only(("manager", "admin"))),
    # Bringing history in: managers and admins.
    "history.import_upload": Route(lambda w: "/admin/history/import", only(("manager", "admin"))),
    # Without a dry run's signed file: back to the upload page.
    "history.import_confirm": Route(
        lambda w: "/admin/history/import/confirm", only(("manager", "admin"), "away"), "POST"
    ),
    "history.import_template": Route(
        lambda w: "/admin/history/import/cohorts/template.csv", only(("manager", "admin"))
    ),
    # Signing in with the employer's account (OpenID Connect).
    "auth.oidc_discover": Route(lambda w: "/sign-in/work-account", GUEST_ONLY),
    # Off to the provider (a real one, on a local port); a signed-in person goes home.
    "auth.oidc_start": Route(
        lambda w: f"/sign-in/with/{an_identity_provider(w)}", everyone("away")
    ),
    # With no sign-in under way, the callback and the confirmation say so.
    "auth.oidc_callback": Route(lambda w: "/sign-in/callback?code=x&state=y", everyone("400")),
    "auth.oidc_confirm": Route(lambda w: "/sign-in/confirm-link", everyone("400")),
    "auth.oidc_providers": Route(
        lambda w: f"/admin/organisations/{w.organisation_id}/sign-in-services", only(("admin",))
    ),
    "auth.oidc_provider_new": Route(
        lambda w: f"/admin/organisations/{w.organisation_id}/sign-in-services/new",
        only(("admin",)),
    ),
    "auth.oidc_provider_edit": Route(
        lambda w: f"/admin/sign-in-services/{an_identity_provider(w)}", only(("admin",))
    ),
    "auth.oidc_link_confirm": Route(
        lambda w: f"/admin/users/{w.subject_id}/sign-in-links/{a_waiting_link(w)}/confirm",
        only(("admin",), "away"),
        "POST",
    ),
    "auth.oidc_link_remove": Route(
        lambda w: f"/admin/users/{w.subject_id}/sign-in-links/{a_waiting_link(w)}/remove",
        only(("admin",), "away"),
        "POST",
    ),
    "history.imports_list": Route(lambda w: "/admin/history/imports", only(("manager", "admin"))),
    "history.import_detail": Route(
        lambda w: f"/admin/history/imports/{a_history_import(w)}", only(("manager", "admin"))
    ),
    # The pages every public service has: everyone reads them; admins change them.
    "site.privacy": Route(lambda w: "/privacy", everyone("ok")),
    "site.accessibility": Route(lambda w: "/accessibility", everyone("ok")),
    "site.cookies": Route(lambda w: "/cookies", everyone("ok")),
    "site.help": Route(lambda w: "/help", everyone("ok")),
    "site.robots": Route(lambda w: "/robots.txt", everyone("ok")),
    "site.favicon": Route(lambda w: "/favicon.ico", everyone("away")),
    "site.admin_pages": Route(lambda w: "/admin/site-pages", only(("admin",))),
    "site.admin_page_edit": Route(lambda w: "/admin/site-pages/privacy", only(("admin",))),
    "site.admin_page_reset": Route(lambda w: "/admin/site-pages/privacy/reset", only(("admin",))),
    # Data-sharing agreements: admins record them (managers see them on the organisation).
    "auth.agreement_new": Route(
        lambda w: f"/admin/organisations/{w.organisation_id}/agreements/new", only(("admin",))
    ),
    "auth.agreement_edit": Route(lambda w: f"/admin/agreements/{w.agreement()}", only(("admin",))),
    "auth.agreement_end": Route(
        lambda w: f"/admin/agreements/{w.agreement()}/end", only(("admin",))
    ),
    # Data protection: a copy of one's own data for everyone; subject access for anyone,
    # erasure (the confirmation page; posting it erases) and the retention schedule: admins.
    "privacy.my_data": Route(lambda w: "/account/data", SIGNED_IN),
    "privacy.my_data_download": Route(lambda w: "/account/data.zip", SIGNED_IN),
    "privacy.person_data_download": Route(
        lambda w: f"/admin/users/{w.subject_id}/data.zip", only(("admin",))
    ),
    "privacy.person_erase": Route(lambda w: f"/admin/users/{w.subject_id}/erase", only(("admin",))),
    "privacy.retention_schedule": Route(lambda w: "/admin/retention", only(("admin",))),
    # Line managers (issue 21): one's own, on the account page; the requests sent to one's
    # account (deciding one: only the line manager it went to, the supervisor here); the
    # e-mailed link of a line manager without an account works for whoever holds it and
    # only shows the request (deciding is a POST, tested in tests/courses).
    "auth.line_manager": Route(lambda w: "/account/line-manager", SIGNED_IN),
    "auth.line_manager_remove": Route(
        lambda w: "/account/line-manager/remove",
        {**everyone("away"), "anonymous": "login"},
        "POST",
    ),
    "courses.line_manager_requests": Route(lambda w: "/line-manager/requests", SIGNED_IN),
    "courses.line_manager_decide": Route(
        lambda w: f"/line-manager/requests/{a_line_manager_request(w)}/decide",
        only(("supervisor",), "away"),
        "POST",
        data={"approve": "y"},
    ),
    "courses.line_manager_link": Route(
        lambda w: f"/line-manager/decide/{a_line_manager_link(w)}", everyone("ok")
    ),
    # Issue 21: moving a cancelled cohort's learners (those who manage it), interest in a
    # course (anyone signed in; an interest is its learner's alone), demand (staff).
    "courses.cohort_move": Route(lambda w: f"/cohorts/{a_cancelled_cohort(w)}/move", only(STAFF)),
    "courses.interest_register": Route(lambda w: "/courses/IFSS-CORE/interest", SIGNED_IN),
    "courses.my_interests": Route(lambda w: "/interests", SIGNED_IN),
    "courses.interest_withdraw": Route(
        lambda w: f"/interests/{an_interest(w)}/withdraw", only(("learner",), "away"), "POST"
    ),
    "courses.demand": Route(lambda w: "/demand", only(STAFF)),
    "courses.demand_csv": Route(lambda w: "/demand.csv", only(STAFF)),
    # Issue 20: the glossary of the framework's terms (R46): read by everyone, changed by
    # administrators.
    "site.glossary_page": Route(lambda w: "/glossary", everyone("ok")),
    "site.admin_glossary": Route(lambda w: "/admin/glossary", only(("admin",))),
    "site.admin_glossary_new": Route(lambda w: "/admin/glossary/new", only(("admin",))),
    "site.admin_glossary_edit": Route(
        lambda w: f"/admin/glossary/{a_glossary_term()}", only(("admin",))
    ),
    "site.admin_glossary_remove": Route(
        lambda w: f"/admin/glossary/{a_glossary_term()}/remove", only(("admin",))
    ),
    # Issue 20: content in Welsh: what lacks Welsh, for those who write the content.
    "site.welsh_completeness": Route(
        lambda w: "/admin/welsh", only(("trainer", "manager", "admin"))
    ),
    # Issue 20: Welsh to and from a translator, for those who write some kind of content.
    "site.welsh_export_xliff": Route(
        lambda w: "/admin/welsh/export.xlf", only(("trainer", "manager", "admin"))
    ),
    "site.welsh_export_csv": Route(
        lambda w: "/admin/welsh/export.csv", only(("trainer", "manager", "admin"))
    ),
    "site.welsh_import": Route(
        lambda w: "/admin/welsh/import", only(("trainer", "manager", "admin"))
    ),
    # Without a checked file's signed translations: the upload page, with its error (400).
    "site.welsh_import_confirm": Route(
        lambda w: "/admin/welsh/import/confirm",
        only(("trainer", "manager", "admin"), "400"),
        "POST",
    ),
}


def a_glossary_term() -> int:
    """The matrix's glossary term (added once)."""
    from trainhub.site.models import GlossaryTerm

    query = db.select(GlossaryTerm).where(GlossaryTerm.slug == "matrix-term")
    term = db.session.execute(query).scalar_one_or_none()
    if term is None:
        term = GlossaryTerm(slug="matrix-term", term_en="Matrix term", definition_en="A term.")
        db.session.add(term)
        db.session.commit()
    return term.id


def a_line_manager_request(world: World) -> int:
    """A new request for the supervisor's approval as someone's line manager."""
    from trainhub.auth.services import name_line_manager
    from trainhub.courses.services.booking import book_place
    from trainhub.courses.services.line_managers import pending_approval

    person = make_user(roles=["learner"])
    name_line_manager(person, world.users["supervisor"].email)
    booking = book_place(person, make_cohort(make_course(line_manager_approval=True))).booking
    approval = pending_approval(booking)
    assert approval is not None
    db.session.commit()
    return approval.id


def a_line_manager_link(world: World) -> str:
    """The token of a new request to a line manager without an account."""
    import re

    from trainhub.auth.services import name_line_manager
    from trainhub.courses.services.booking import book_place
    from trainhub.mail.models import OutboxMessage

    person = make_user(roles=["learner"])
    name_line_manager(person, "no.account.lm@example.org", "No Account")
    book_place(person, make_cohort(make_course(line_manager_approval=True)))
    db.session.commit()
    body = db.session.execute(
        db.select(OutboxMessage.body)
        .where(OutboxMessage.to_address == "no.account.lm@example.org")
        .order_by(OutboxMessage.id.desc())
    ).scalar()
    match = re.search(r"/line-manager/decide/([A-Za-z0-9_-]+)", body or "")
    assert match is not None
    return match.group(1)


def a_cancelled_cohort(world: World) -> int:
    """A cancelled cohort of the open cohort's course, the matrix's trainer's (made once)."""
    open_cohort = db.session.get_one(Cohort, world.cohort_id)
    found = db.session.execute(
        db.select(Cohort.id).where(
            Cohort.course_id == open_cohort.course_id, Cohort.status == "cancelled"
        )
    ).scalar()
    if found is not None:
        return int(found)
    trainer = world.users["trainer"]
    cohort = make_cohort(
        open_cohort.course, status="cancelled", facilitators=[trainer], created_by_id=trainer.id
    )
    db.session.commit()
    return cohort.id


def an_interest(world: World) -> int:
    """A new interest of the learner's in the open cohort's course (each turn uses one up)."""
    from trainhub.courses.models import CourseInterest

    open_cohort = db.session.get_one(Cohort, world.cohort_id)
    interest = CourseInterest(user_id=world.users["learner"].id, course_id=open_cohort.course_id)
    db.session.add(interest)
    db.session.commit()
    return interest.id


def an_identity_provider(world: World) -> int:
    """A sign-in service of the learner's organisation, at the session's real provider."""
    from trainhub.auth.models import IdentityProvider, Organisation

    found = db.session.execute(db.select(IdentityProvider.id)).scalar()
    if found is not None:
        return int(found)
    organisation = db.session.get_one(Organisation, world.organisation_id)
    provider = make_identity_provider(world.oidc_issuer, organisation, "matrix.example")
    db.session.commit()
    return provider.id


def a_waiting_link(world: World) -> int:
    """A new link of the learner's to a new provider, waiting for an administrator."""
    from trainhub.auth.models import ExternalIdentity

    organisation = make_organisation()
    provider = make_identity_provider(
        world.oidc_issuer, organisation, f"o{organisation.id}.example"
    )
    identity = ExternalIdentity(provider_id=provider.id, subject="sub", user_id=world.subject_id)
    db.session.add(identity)
    db.session.commit()
    return identity.id


def a_history_import(world: World) -> int:
    """A spreadsheet brought in by the matrix's manager."""
    from trainhub.history.models import HistoryImport

    source = HistoryImport(
        kind="completions",
        filename="history.csv",
        sha256="0" * 64,
        rows=1,
        added=0,
        recorded_by_id=world.users["manager"].id,
    )
    db.session.add(source)
    db.session.commit()
    return source.id


#: The world: built once per process and backend, in a database of its own (and a folder for
#: its uploads), its rows loaded in each test's session. Its tokens and "today" are those of
#: the moment it was built, which a run outlives by minutes (a password-reset link lasts an
#: hour).
matrix_world = seeded_fixture(
    "matrix_world", lambda request: build_world(request.getfixturevalue("oidc_provider").issuer)
)


def build_world(oidc_issuer: str) -> World:
    """The people and records each route needs, committed; the catalogue must be there."""
    from trainhub.accreditation.models import AccreditationLevel

    supervisor = make_user(roles=["learner"], full_name="Supervisor Person")
    organisation = make_organisation()
    users = {
        "learner": make_user(roles=["learner"], supervisor=supervisor, organisation=organisation),
        "trainer": make_user(roles=["trainer"]),
        "assessor": make_user(roles=["assessor"]),
        # The learner's own organisation's manager (R49).
        "manager": make_user(roles=["manager"], organisation=organisation),
        "admin": make_user(roles=["admin"]),
        "supervisor": supervisor,
    }
    level = db.session.execute(db.select(AccreditationLevel).limit(1)).scalar_one()
    message = queue_mail("someone@example.org", "Hello", "Body")
    trainer = [users["trainer"]]
    course = make_course(duration_days=1)
    cohort = make_cohort(course, facilitators=trainer, created_by_id=users["trainer"].id)
    earlier = make_cohort(course, start=local_today() - timedelta(days=30), status="completed")
    draft = make_cohort(facilitators=trainer, status="draft")
    closed = make_cohort(facilitators=trainer, partner_organisation_id=organisation.id)
    offered = make_booking(
        make_cohort(),
        users["learner"],
        "offered",
        offer_expires_at=utcnow() + timedelta(hours=48),
    )
    world = World(
        users=users,
        subject_id=users["learner"].id,
        organisation_id=organisation.id,
        venue_id=make_venue().id,
        level_id=level.id,
        message_id=0,
        reset_token=make_reset_token(users["learner"]),
        confirm_token=make_reset_token(users["learner"], "confirm"),
        cohort_id=cohort.id,
        draft_id=draft.id,
        closed_id=closed.id,
        earlier_id=earlier.id,
        today_id=make_cohort(
            course, facilitators=trainer, start=local_today(), created_by_id=users["trainer"].id
        ).id,
        booking_id=make_booking(cohort, users["learner"]).id,
        # Of the manager's organisation: managers move only people they may see (R49).
        waitlisted_id=make_booking(
            cohort, make_user(organisation=organisation), status="waitlisted", queue_rank=1
        ).id,
        requested_id=make_booking(cohort, status="requested").id,
        offer_id=offered.id,
        feed_token=feed_token(users["learner"]),
        other_email=make_user(roles=["learner"]).email,
        **accreditation_objects(users),
        **feedback_objects(users, cohort),
    )
    db.session.flush()
    world.message_id = message.id
    world.oidc_issuer = oidc_issuer
    world.follow_up_id = follow_up(world.today_id, users["trainer"])
    db.session.commit()
    return world


def follow_up(cohort_id: int, trainer: Any) -> int:
    """A follow-up session today of the cohort ``cohort_id`` (R14), led by ``trainer``."""
    from trainhub.courses.models import Cohort, FollowUpFacilitator, FollowUpSession

    cohort = db.session.get(Cohort, cohort_id)
    assert cohort is not None
    session = FollowUpSession(
        cohort_id=cohort_id,
        title="Booster",
        date=local_today(),
        start_time=cohort.days[0].start_time,
        end_time=cohort.days[0].end_time,
        venue_id=cohort.days[0].venue_id,
        facilitators=[FollowUpFacilitator(user_id=trainer.id)],
    )
    db.session.add(session)
    db.session.flush()
    return session.id


def accreditation_objects(users: dict[str, Any]) -> dict[str, Any]:
    """The learner's applications, certificate, CPD line and activity; others' to assess."""
    person, matrix_assessor = users["learner"], users["assessor"]
    # Level 2 (no course needed), awarded by the matrix's assessor: a certificate, a CPD line.
    awarded = start_application(person, level(2))
    upload_workbook(person, awarded, pdf("level-2.pdf"), anonymised=True)
    submit_application(person, awarded)
    claim_application(matrix_assessor, awarded)
    judge_all(matrix_assessor, awarded)
    decide_application(matrix_assessor, awarded, True)
    certificate = db.session.execute(
        db.select(Certificate).where(Certificate.application_id == awarded.id)
    ).scalar_one()
    # The core completed (a course certificate and a CPD line), then Level 3 submitted.
    complete(person, "IFSS-CORE", local_today() - timedelta(days=30), announce=True)
    entry_id = db.session.execute(
        db.select(CpdEntry.id).where(CpdEntry.user_id == person.id, CpdEntry.source == "course")
    ).scalar_one()
    current = submitted(3, person)
    assessed, _by = claimed(3, by=matrix_assessor)
    # A level whose awards a second assessor verifies: recommended by someone else.
    verified_level = save_level(
        users["admin"],
        None,
        LevelInput(5, "Verified level", ["One", "Two"], requires_verification=True),
    )
    to_verify, other_assessor = claimed(verified_level.number, by=assessor())
    judge_all(other_assessor, to_verify)
    decide_application(other_assessor, to_verify, True)
    activity = log_activity(
        person,
        ActivityInput("Motivational interviewing", local_today(), Decimal(3), provider="Elsewhere"),
        pdf("attendance.pdf"),
    )
    link = create_link(person, certificate)
    return {
        "badge_token": link.token,
        "badge_link_id": link.id,
        "application_id": current.id,
        "awarded_id": awarded.id,
        "assessed_id": assessed.id,
        "verify_id": to_verify.id,
        "certificate_code": certificate.code,
        "certificate_id": certificate.id,
        "entry_id": entry_id,
        "activity_id": activity.id,
    }


def feedback_objects(users: dict[str, Any], cohort: Cohort) -> dict[str, Any]:
    """The learner's feedback request, someone's quotable comment, a line of spending."""
    request = request_feedback(cohort, [users["learner"].id])[0]
    quoted_by = make_user(roles=["learner"])
    questionnaire = current_questionnaire()
    answers: dict[str, int | str | None] = {
        item.key: "Practical and kind." if item.kind == TEXT else 4 for item in questionnaire.items
    }
    [quoted_request] = request_feedback(cohort, [quoted_by.id])
    response = submit_response(quoted_by, quoted_request, questionnaire, answers, True)
    quote = next(a for a in response.answers if a.text)
    line = add_spend(users["manager"], financial_year(local_today()), 1, "venue", "", Decimal(90))
    # The learner's impact survey on the core they completed 30 days ago.
    send_impact_surveys(today=local_today() + timedelta(days=after_days() - 30))
    impact_request = db.session.execute(
        db.select(ImpactRequest).where(ImpactRequest.user_id == users["learner"].id)
    ).scalar_one()
    return {
        "impact_request_id": impact_request.id,
        "feedback_request_id": request.id,
        "quote_id": quote.id,
        "spend_line_id": line.id,
    }


def test_every_endpoint_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)
    assert not missing, f"Add these endpoints to the access matrix: {missing}"
    assert not stale, f"These matrix entries have no route any more: {stale}"


#: Endpoints Flask itself adds (the app's and the GOV.UK assets blueprint's static files):
#: public, and not ours to decorate.
FLASK_PUBLIC = frozenset({"static", "assets.static"})
#: The roles each kind of user in the world holds (``world`` makes them so).
HELD: dict[str, frozenset[str]] = {
    "learner": frozenset({Role.LEARNER}),
    "trainer": frozenset({Role.TRAINER}),
    "assessor": frozenset({Role.ASSESSOR}),
    "manager": frozenset({Role.MANAGER}),
    "admin": frozenset({Role.ADMIN}),
    "supervisor": frozenset({Role.LEARNER}),
}


def _declared(app: Flask) -> dict[str, Access | None]:
    return {
        rule.endpoint: access_of(app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in FLASK_PUBLIC
    }


def test_every_endpoint_declares_its_access(app: Flask) -> None:
    """Each route wears ``public``, ``signed_in``, ``role_required`` or ``allowed``: a new
    route that says nothing about who may reach it fails here."""
    undeclared = sorted(endpoint for endpoint, access in _declared(app).items() if access is None)
    assert not undeclared, f"Declare who may reach these endpoints: {undeclared}"


def test_declared_access_agrees_with_the_matrix(app: Flask) -> None:
    """What a route declares is what the matrix sees: visitors are sent to sign in exactly
    where the route is not public, and a declared role list refuses everyone outside it."""
    for endpoint, access in _declared(app).items():
        assert access is not None
        expect = MATRIX[endpoint].expect
        if access.public:
            assert expect["anonymous"] != "login", endpoint
        else:
            assert expect["anonymous"] == "login", endpoint
        if access.roles:
            for kind, roles in HELD.items():
                if roles.isdisjoint(access.roles):
                    assert expect[kind] == "deny", (endpoint, kind)


def test_object_checks_are_declared(app: Flask) -> None:
    """The routes that load an object for a person name the predicate that guards it."""
    declared = _declared(app)
    assert "can_manage_cohort" in declared["courses.cohort_edit"].checks  # type: ignore[union-attr]
    assert "can_view_booking" in declared["courses.booking_detail"].checks  # type: ignore[union-attr]
    assert "can_view_training_record" in declared["auth.training_record"].checks  # type: ignore[union-attr]
    assert declared["feedback.audit_log"].checks == ("can_view_audit_log",)  # type: ignore[union-attr]
    for endpoint in ("courses.cohort_detail", "courses.cohort_book"):
        assert declared[endpoint].checks == ("can_view_cohort",)  # type: ignore[union-attr]


def test_every_role_is_covered() -> None:
    for endpoint, route in MATRIX.items():
        assert set(route.expect) == set(ROLES), endpoint


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access(app: Flask, matrix_world: World, endpoint: str) -> None:
    world = matrix_world
    route = MATRIX[endpoint]
    results = {}
    for role in ROLES:
        url = route.url(world)
        data = route.data(world) if callable(route.data) else route.data
        client = app.test_client()
        if role != "anonymous":
            login(client, world.users[role])
        response = client.open(url, method=route.method, data=data or {})
        location = response.headers.get("Location", "")
        if response.status_code == 200:
            got = "ok"
        elif response.status_code == 302 and "/sign-in" in location:
            got = "login"
        elif response.status_code == 302:
            got = "away"
        elif response.status_code == 403:
            got = "deny"
        else:
            got = str(response.status_code)
        results[role] = got
    assert results == route.expect
