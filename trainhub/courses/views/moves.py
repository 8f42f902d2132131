"""Moving a cancelled cohort's learners to another cohort, and registering interest in a
course without dates (with the demand it adds up to)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.permissions import role_required, signed_in
from trainhub.auth.roles import STAFF
from trainhub.boundary import act, by_id, form_page, load
from trainhub.courses import permissions, queries
from trainhub.courses.forms.moves import CohortMoveForm, InterestRegisterForm
from trainhub.courses.models import Cohort, CourseInterest
from trainhub.courses.services import interest, moves
from trainhub.courses.views import bp
from trainhub.courses.views.cohorts import managed_cohort
from trainhub.extensions import db
from trainhub.spreadsheets import csv_response, csv_text


def _moved(plan: moves.MovePlan) -> str:
    message = ngettext(
        "%(num)d person moved to “%(title)s”.",
        "%(num)d people moved to “%(title)s”.",
        len(plan.moving),
        title=plan.target.title,
    )
    refused = len(plan.with_outcome("refused"))
    if refused:
        message += " " + ngettext(
            "%(num)d person could not be moved: book them by hand once the clash is resolved.",
            "%(num)d people could not be moved: book them by hand once their clashes are resolved.",
            refused,
        )
    return message


@bp.route("/cohorts/<int:cohort_id>/move", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_cohort
def cohort_move(cohort: Cohort) -> ResponseReturnValue:
    """Choose a cohort and how (the form), check what will happen (the confirmation page,
    the same form sent back with ``confirm``), then move everyone in one transaction."""
    if not cohort.is_cancelled:
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))
    targets = moves.move_targets(current_user, cohort)
    held = {c_id: n.held for c_id, n in queries.place_counts(c.id for c in targets).items()}
    form = CohortMoveForm()
    form.target.choices = [
        (
            c.id,
            _(
                "%(title)s, from %(date)s (%(free)s)",
                title=c.title,
                date=format_date(c.first_day, "d MMMM yyyy"),
                free=ngettext(
                    "%(num)d place left", "%(num)d places left", c.places_left(held.get(c.id, 0))
                ),
            ),
        )
        for c in targets
    ]
    if form.validate_on_submit():
        target = next((c for c in targets if c.id == form.target.data), None)
        mode = form.mode.data or ""
        if request.form.get("confirm"):
            done = act(
                lambda: moves.move_learners(current_user, cohort, target, mode),
                form,
                success=_moved,
                conflict="form",
            )
            if done:
                return redirect(url_for("courses.cohort_bookings", cohort_id=done.result.target.id))
        else:
            plan = act(lambda: moves.plan_move(current_user, cohort, target, mode), form)
            if plan:
                return render_template(
                    "courses/cohort_move_confirm.html",
                    form=form,
                    cohort=cohort,
                    plan=plan.result,
                    # R49: others' people are counted, never named (nor where they are booked).
                    named=permissions.named_attendees(
                        current_user, cohort, (line.learner for line in plan.result.lines)
                    ),
                )
    return form_page(
        "courses/cohort_move.html",
        form,
        cohort=cohort,
        targets=targets,
        waiting=moves.movable_bookings(cohort),
    )


@bp.route("/courses/<code>/interest", methods=["GET", "POST"])
@signed_in
def interest_register(code: str) -> ResponseReturnValue:
    course = queries.course_by_code(code)
    if course is None or not course.published:
        abort(404)
    existing = interest.open_interest(current_user, course)
    form = InterestRegisterForm()
    if request.method == "GET" and existing is not None:
        form.local_authority.data = existing.local_authority or ""
        form.language.data = existing.language or ""
    if form.validate_on_submit() and act(
        lambda: interest.register_interest(
            current_user, course, form.local_authority.data, form.language.data
        ),
        form,
        success=_("We will e-mail you when “%(title)s” has dates.", title=course.title),
        conflict="form",
    ):
        return redirect(url_for("courses.my_interests"))
    return form_page("courses/interest_form.html", form, course=course, existing=existing)


@bp.get("/interests")
@signed_in
def my_interests() -> ResponseReturnValue:
    rows = db.session.execute(interest.interests_of(current_user)).scalars().all()
    return render_template("courses/my_interests.html", interests=rows)


@bp.post("/interests/<int:interest_id>/withdraw")
@signed_in
@load("interest", by_id(CourseInterest), can=permissions.can_withdraw_interest)
def interest_withdraw(interest: CourseInterest) -> ResponseReturnValue:
    title = interest.course.title
    act(
        lambda: _withdraw(interest),
        success=_("Removed: you will not be told about “%(title)s”.", title=title),
    )
    return redirect(url_for("courses.my_interests"))


def _withdraw(item: CourseInterest) -> None:
    interest.withdraw_interest(current_user, item)


@bp.get("/demand")
@role_required(*STAFF)
def demand() -> ResponseReturnValue:
    return render_template("courses/demand.html", rows=interest.demand(current_user))


@bp.get("/demand.csv")
@role_required(*STAFF)
def demand_csv() -> ResponseReturnValue:
    """The counts only: names stay on the page, for those who may see them."""
    header = [
        _("Course code"),
        _("Course"),
        _("Area"),
        _("Interested"),
        _("English"),
        _("Welsh"),
        _("English or Welsh"),
    ]
    rows = [
        (r.course.code, r.course.title, r.area_label, r.total, r.english, r.welsh, r.either)
        for r in interest.demand(current_user)
    ]
    return csv_response(csv_text(header, rows), "trainhub-course-demand.csv")
