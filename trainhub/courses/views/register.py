"""Registers: one per cohort day, made for a phone, and the printable sign-in sheet."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainhub.auth.permissions import role_required
from trainhub.auth.roles import STAFF
from trainhub.auth.services import find_user_by_email
from trainhub.boundary import act
from trainhub.courses import permissions, queries
from trainhub.courses.forms.cohorts import ATTENDANCE_LABELS, ActionForm, MakeupForm, parse_register
from trainhub.courses.models import Cohort, CohortDay, local_today
from trainhub.courses.services import attendance
from trainhub.courses.views import bp
from trainhub.courses.views.cohorts import managed_cohort
from trainhub.errors import ValidationFailed
from trainhub.pdf import render_pdf


def _with_needs(cohort: Cohort) -> set[int] | None:
    """Who on the cohort gave access or dietary needs (a marker, no details), for those who
    may read them; None for everyone else."""
    if not permissions.can_view_access_needs(current_user, cohort):
        return None
    return queries.people_with_needs(cohort.id)


def _day(cohort: Cohort, day_number: int) -> CohortDay:
    day = next((d for d in cohort.days if d.day_number == day_number), None)
    return day or abort(404)


def _render(
    cohort: Cohort,
    day: CohortDay,
    errors: dict[str, str],
    makeup_form: MakeupForm,
    form_errors: list[str],
    status: int = 200,
) -> ResponseReturnValue:
    rows = attendance.register(day)
    return (
        render_template(
            "courses/register.html",
            cohort=cohort,
            day=day,
            rows=rows,
            named=permissions.named_attendees(current_user, cohort, (r.user for r in rows)),
            with_needs=_with_needs(cohort),
            # Translated once here, not four hundred times (once per person) in the loop.
            labels={value: str(label) for value, label in ATTENDANCE_LABELS.items()},
            errors=errors,
            sent=request.form if request.method == "POST" else {},
            form=ActionForm(),
            makeup_form=makeup_form,
            form_errors=form_errors,
            not_yet=day.date > local_today(),
        ),
        status,
    )


@bp.route("/cohorts/<int:cohort_id>/days/<int:day_number>/register", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_cohort
def register(cohort: Cohort, day_number: int) -> ResponseReturnValue:
    """The day's register; ``errors`` maps a field (``status-<user id>``, ``minutes-<user
    id>``) to its message, ``problems`` are about the whole register."""
    day = _day(cohort, day_number)
    if request.method == "GET":
        return _render(cohort, day, {}, MakeupForm(formdata=None), [])
    if not ActionForm().validate_on_submit():
        abort(400)
    marks, errors = parse_register(request.form)
    problems: list[str] = []
    status = 400
    if not errors:

        def save() -> int:
            # Marks chosen on the page count first: "mark all" only fills in the rest.
            changed = attendance.record_attendance(current_user, day, marks)
            if "mark_all" in request.form:
                changed += attendance.mark_all_present(current_user, day)
            return changed

        done = act(
            save,
            success=lambda changed: ngettext(
                "Register saved: %(num)d mark changed.",
                "Register saved: %(num)d marks changed.",
                changed,
            ),
            show_errors=False,
        )
        if done:
            return redirect(
                url_for("courses.register", cohort_id=cohort.id, day_number=day.day_number)
            )
        error = done.error
        assert error is not None
        if isinstance(error, ValidationFailed) and error.field.startswith(("minutes-", "status-")):
            errors[error.field] = error.message
        else:
            problems.append(error.message)
        if done.conflict:
            status = 409
    return _render(cohort, day, errors, MakeupForm(formdata=None), problems, status)


@bp.post("/cohorts/<int:cohort_id>/days/<int:day_number>/register/makeup")
@role_required(*STAFF)
@managed_cohort
def register_makeup(cohort: Cohort, day_number: int) -> ResponseReturnValue:
    day = _day(cohort, day_number)
    form = MakeupForm()
    if form.validate_on_submit():
        learner = find_user_by_email(form.email.data or "")
        if learner is None:
            form.email.errors = [_("There is no account with this email address")]
        else:
            done = act(
                lambda: attendance.add_makeup_attendee(current_user, day, learner),
                success=_(
                    "%(name)s added to this register as present.",
                    name=learner.full_name
                    if permissions.can_see_attendee(current_user, cohort, learner)
                    else learner.email,
                ),
                show_errors=False,
            )
            if done:
                return redirect(
                    url_for("courses.register", cohort_id=cohort.id, day_number=day.day_number)
                )
            assert done.error is not None
            form.email.errors = [done.error.message]
    return _render(cohort, day, {}, form, [], 400)


@bp.get("/cohorts/<int:cohort_id>/days/<int:day_number>/sign-in-sheet.pdf")
@role_required(*STAFF)
@managed_cohort
def sign_in_sheet(cohort: Cohort, day_number: int) -> ResponseReturnValue:
    day = _day(cohort, day_number)
    rows = attendance.register(day)
    pdf = render_pdf(
        "courses/sign_in_sheet.html",
        cohort=cohort,
        day=day,
        rows=rows,
        named=permissions.named_attendees(current_user, cohort, (r.user for r in rows)),
        # No needs marker: the sheet goes round the room, and the learners were promised
        # that only the trainers would know (special category data).
    )
    filename = f"sign-in-cohort-{cohort.id}-day-{day.day_number}.pdf"
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="{filename}"',
        },
    )
