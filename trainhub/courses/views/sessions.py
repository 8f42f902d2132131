"""Follow-up and booster sessions of a cohort (R14): adding one, and its register."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainhub.auth.permissions import role_required
from trainhub.auth.roles import STAFF
from trainhub.boundary import act, load
from trainhub.courses import permissions, queries
from trainhub.courses.forms.cohorts import ATTENDANCE_LABELS, ActionForm, FollowUpForm
from trainhub.courses.models import ATTENDANCE_STATUSES, Cohort, FollowUpSession, local_today
from trainhub.courses.services import follow_ups
from trainhub.courses.views import bp
from trainhub.courses.views.cohorts import managed_cohort
from trainhub.errors import ValidationFailed
from trainhub.forms import form_page

managed_follow_up = load(
    "session", follow_ups.session_for_page, can=permissions.can_manage_follow_up
)


@bp.route("/cohorts/<int:cohort_id>/follow-ups/new", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_cohort
def follow_up_new(cohort: Cohort) -> ResponseReturnValue:
    """Add a follow-up or booster session to a cohort; its learners are told by e-mail."""
    form = FollowUpForm()
    form.setup(queries.venue_choices(), [(t.id, t.full_name) for t in queries.trainers()])
    if request.method == "GET":
        form.title.data = _("%(title)s: follow-up session", title=cohort.title)
        form.facilitator_ids.data = [f.user_id for f in cohort.facilitators]
        if cohort.days:
            form.venue_id.data = cohort.days[0].venue_id
    if form.validate_on_submit() and act(
        lambda: follow_ups.add_follow_up(current_user, cohort, form.to_input()),
        form,
        success=_("Follow-up session added. The cohort's learners have been told."),
        conflict="form",
    ):
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id) + "#follow-ups")
    return form_page("courses/follow_up_form.html", form, cohort=cohort)


def _render(
    session: FollowUpSession, errors: dict[str, str], problems: list[str], status: int = 200
) -> ResponseReturnValue:
    rows = follow_ups.register(session)
    return (
        render_template(
            "courses/follow_up_register.html",
            session=session,
            cohort=session.cohort,
            rows=rows,
            named=permissions.named_attendees(current_user, session.cohort, (r.user for r in rows)),
            labels={value: str(label) for value, label in ATTENDANCE_LABELS.items()},
            errors=errors,
            problems=problems,
            sent=request.form if request.method == "POST" else {},
            form=ActionForm(),
            not_yet=session.date > local_today(),
        ),
        status,
    )


@bp.route("/follow-ups/<int:session_id>/register", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_follow_up
def follow_up_register(session: FollowUpSession) -> ResponseReturnValue:
    """The session's own register: never part of the cohort's completion (R14)."""
    if request.method == "GET":
        return _render(session, {}, [])
    if not ActionForm().validate_on_submit():
        abort(400)
    marks: dict[int, str] = {}
    errors: dict[str, str] = {}
    for key, value in request.form.items():
        prefix, _sep, user = key.partition("-")
        if prefix != "status" or not user.isdigit() or not value:
            continue
        if value not in ATTENDANCE_STATUSES:
            errors[key] = _("Choose present, late, left early or absent")
        else:
            marks[int(user)] = value
    status = 400
    problems: list[str] = []
    if not errors:
        done = act(
            lambda: follow_ups.record_attendance(current_user, session, marks),
            success=lambda changed: ngettext(
                "Register saved: %(num)d mark changed.",
                "Register saved: %(num)d marks changed.",
                changed,
            ),
            show_errors=False,
        )
        if done:
            return redirect(url_for("courses.follow_up_register", session_id=session.id))
        error = done.error
        assert error is not None
        if isinstance(error, ValidationFailed) and error.field.startswith("status-"):
            errors[error.field] = error.message
        else:
            problems.append(error.message)
        if done.conflict:
            status = 409
    return _render(session, errors, problems, status)
