"""The start page, each person's home, the administration index and the language switch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from trainhub import database
from trainhub.accreditation import queries as accreditation_queries
from trainhub.accreditation.models import AccreditationLevel, Application
from trainhub.accreditation.services.applications import Clock, level_clock
from trainhub.auth import queries as auth_queries
from trainhub.auth.models import User
from trainhub.auth.permissions import public, role_required
from trainhub.auth.roles import MANAGERS, STAFF, Role
from trainhub.courses import queries as courses_queries
from trainhub.courses.models import Booking, Cohort, CohortDay
from trainhub.extensions import utcnow
from trainhub.feedback import queries as feedback_queries
from trainhub.feedback.models import FeedbackRequest, ImpactRequest
from trainhub.feedback.services.report import ReportYear, report_years
from trainhub.localtime import local_today
from trainhub.urls import safe_next

bp = Blueprint("home", __name__)


#: Clock states that ask something of the person (or their supervisor).
_CLOCK_ACTIONS = ("due", "overdue")


@dataclass
class NextActions:
    """What a signed-in person needs to do next, by the part they play; each fact read by
    its own area's query (this page only puts them together), in a fixed number of SQL
    statements whatever the data."""

    # Their own training (everyone signed in may book and learn).
    feedback: list[FeedbackRequest] = field(default_factory=list)
    impact: list[ImpactRequest] = field(default_factory=list)
    offers: list[Booking] = field(default_factory=list)
    resubmissions: list[Application] = field(default_factory=list)
    clocks: list[tuple[AccreditationLevel, Clock]] = field(default_factory=list)
    #: Their next day of training and its booking: shown beside the actions, not one.
    next_day: tuple[Booking, CohortDay] | None = None
    # The cohorts they facilitate.
    registers: list[CohortDay] = field(default_factory=list)
    short_of_cofacilitator: list[Cohort] = field(default_factory=list)
    waitlists: list[courses_queries.WaitlistToOffer] = field(default_factory=list)
    # Assessing: queue name → how many ("waiting", "mine", "verify").
    queues: dict[str, int] = field(default_factory=dict)
    # Deciding: requests for places and CPD activities (managers, admins, supervisors).
    requests: int = 0
    activities: int = 0
    #: Requests for places waiting for them as someone's line manager.
    line_requests: int = 0
    #: The annual report written about first, with what it still needs (managers).
    report: ReportYear | None = None
    narrative_missing: bool = False
    #: Some of that year's narrative has English but no Welsh yet.
    narrative_welsh_missing: bool = False
    # Supervising: supervisees due or overdue on a level's clock.
    supervisee_clocks: list[tuple[User, AccreditationLevel, Clock]] = field(default_factory=list)

    @property
    def report_todo(self) -> list[str]:
        if self.report is None:
            return []
        return [check["text"] for check in self.report.checks if not check["done"]]

    @property
    def empty(self) -> bool:
        """Nothing needs the person now (their next course is not something to do)."""
        return not (
            self.feedback
            or self.impact
            or self.offers
            or self.resubmissions
            or self.clocks
            or self.registers
            or self.short_of_cofacilitator
            or self.waitlists
            or any(self.queues.values())
            or self.requests
            or self.activities
            or self.line_requests
            or self.report_todo
            or self.narrative_missing
            or self.narrative_welsh_missing
            or self.supervisee_clocks
        )


def _clocks(people: list[User], today: dt.date) -> list[tuple[User, AccreditationLevel, Clock]]:
    """Each of ``people``'s level clocks that is due or overdue (accreditation's rules)."""
    found = []
    for person, level, started in accreditation_queries.clock_starts(people):
        clock = level_clock(level, started, today=today)
        if clock is not None and clock.state in _CLOCK_ACTIONS:
            found.append((person, level, clock))
    return found


def next_actions(user: User, today: dt.date, now: dt.datetime) -> NextActions:
    """What ``user`` needs to do next, for every part they play."""
    actions = NextActions(
        feedback=feedback_queries.feedback_owed(user.id),
        impact=feedback_queries.impact_owed(user.id),
        offers=courses_queries.offers_to(user.id, now),
        resubmissions=accreditation_queries.resubmissions_of(user.id),
        clocks=[(level, clock) for _user, level, clock in _clocks([user], today)],
        next_day=courses_queries.next_course_day(user.id, today),
    )
    if user.has_role(*STAFF):
        actions.registers = courses_queries.registers_due(user.id, today)
        actions.short_of_cofacilitator = courses_queries.cohorts_short_of_cofacilitator(
            user.id, today
        )
        actions.waitlists = courses_queries.waitlists_to_offer(user.id, today)
    if user.has_role(Role.ASSESSOR):
        actions.queues = accreditation_queries.queue_counts(user)
    if user.has_role(*MANAGERS):
        actions.requests = courses_queries.pending_request_count(user)
    if user.has_line_reports():
        actions.line_requests = courses_queries.line_manager_request_count(user.id)
    supervising = user.has_supervisees()
    if supervising or user.has_role(*MANAGERS):
        actions.activities = accreditation_queries.activities_to_decide_count(user)
    if user.has_role(Role.MANAGER):
        actions.report = report_years(today)[0]
        year = actions.report.period.year
        actions.narrative_missing = year not in feedback_queries.years_with_narrative([year])
        actions.narrative_welsh_missing = bool(
            feedback_queries.years_lacking_welsh_narrative([year])
        )
    if supervising:
        actions.supervisee_clocks = _clocks(auth_queries.supervisees_of(user), today)
    return actions


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return render_template(
            "home/dashboard.html",
            actions=next_actions(current_user, local_today(), utcnow()),
        )
    return render_template("home/start.html")


@bp.get("/admin")
@role_required(*MANAGERS)
def admin() -> ResponseReturnValue:
    return render_template("home/admin.html")


@bp.get("/language/<code>")
@public
def language(code: str) -> ResponseReturnValue:
    """Switch the interface language, then go back to the page the visitor was on."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("home.index")))


@bp.get("/healthz")
@public
def health() -> ResponseReturnValue:
    """For load balancers and monitoring: the app's state and the database's, as JSON, in
    HEALTH_CHECK_TIMEOUT at most whatever the database does (it is asked on a thread of
    its own). 200 while pages can be served: "ok", or "degraded" while the database
    refuses writes (reading still works); 503 while it cannot be reached or does not
    answer in time."""
    state = database.database_state(current_app._get_current_object())  # type: ignore[attr-defined]
    if state == database.OK:
        return {"status": "ok", "database": state}, 200
    if state == database.READ_ONLY:
        return {"status": "degraded", "database": state}, 200
    return {"status": "unavailable", "database": state}, 503
