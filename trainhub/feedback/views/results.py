"""Trainers, managers and admins: what attendees said about a cohort, behind the anonymity
floor (fewer than ``FEEDBACK_MIN_RESPONSES`` responses shows counts only)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from trainhub.auth.permissions import role_required
from trainhub.courses.models import Cohort
from trainhub.errors import ConflictError
from trainhub.extensions import db
from trainhub.feedback import permissions, queries
from trainhub.feedback.forms import ConfirmForm
from trainhub.feedback.reporting import cohort_feedback, item_text, min_members, trainer_feedback
from trainhub.feedback.services import responses as services
from trainhub.feedback.views import bp

STAFF = ("trainer", "manager", "admin")


@bp.get("/feedback/cohorts")
@role_required(*STAFF)
def cohorts() -> ResponseReturnValue:
    page = db.paginate(
        queries.cohorts_with_feedback(current_user),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    mine = queries.facilitated_cohorts(current_user.id)
    overall = trainer_feedback(mine) if current_user.has_role("trainer") else None
    return render_template(
        "feedback/cohorts.html",
        page=page,
        counts=queries.counts_by_cohort([c.id for c in page.items]),
        overall=overall,
        floor=min_members(),
        item_text=item_text,
    )


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.get_or_404(Cohort, cohort_id)
    if not permissions.can_view_cohort_feedback(current_user, cohort):
        abort(403)
    return cohort


@bp.get("/feedback/cohorts/<int:cohort_id>")
@role_required(*STAFF)
def cohort_results(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    asked, answered = queries.cohort_counts(cohort.id)
    results = cohort_feedback(select(Cohort.id).where(Cohort.id == cohort.id))
    return render_template(
        "feedback/cohort_results.html",
        cohort=cohort,
        asked=asked,
        answered=answered,
        results=results,
        item_text=item_text,
        form=ConfirmForm(),
    )


@bp.post("/feedback/cohorts/<int:cohort_id>/remind")
@role_required(*STAFF)
def cohort_remind(cohort_id: int) -> ResponseReturnValue:
    cohort = _cohort(cohort_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        sent = services.remind_cohort(current_user, cohort)
    except ConflictError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            ngettext("Reminder sent to %(num)d person.", "Reminders sent to %(num)d people.", sent),
            "success",
        )
    return redirect(url_for("feedback.cohort_results", cohort_id=cohort.id))
