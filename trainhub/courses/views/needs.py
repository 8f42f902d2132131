"""Access and dietary needs: the learner changes or removes theirs from the booking page;
the cohort's facilitators and administrators read them on a page of their own (audited)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.permissions import signed_in
from trainhub.boundary import act, load
from trainhub.courses import permissions, queries
from trainhub.courses.forms.needs import NEED_LABELS, NeedsForm, NeedsRemoveForm
from trainhub.courses.models import Booking, Cohort
from trainhub.courses.services import needs as services
from trainhub.courses.views import bp
from trainhub.forms import form_page

#: ``@own_booking``: the booking of the URL's ``booking_id``, for its learner only.
own_booking = load("booking", queries.booking_for_page, can=permissions.can_change_access_needs)
#: ``@needs_cohort``: the cohort of the URL, for its facilitators and administrators.
needs_cohort = load("cohort", queries.cohort_for_page, can=permissions.can_view_access_needs)


def retention_days() -> int:
    """How many days after the course the needs are kept (the privacy notice says it)."""
    return int(current_app.config.get("ACCESS_NEEDS_RETENTION_DAYS") or 0)


@bp.route("/bookings/<int:booking_id>/needs", methods=["GET", "POST"])
@signed_in
@own_booking
def booking_needs(booking: Booking) -> ResponseReturnValue:
    needs = queries.needs_of(booking.id)
    form = NeedsForm()
    if request.method == "GET" and needs is not None:
        form.categories.data = needs.category_list
        form.details.data = needs.details
    if form.validate_on_submit():
        done = act(
            lambda: services.save_needs(
                current_user, booking, form.categories.data or [], form.details.data or ""
            ),
            form,
            success=lambda kept: (
                _("Your access and dietary needs are saved.")
                if kept
                else _("You have not told us about any needs for this booking.")
            ),
            conflict="form",
        )
        if done:
            return redirect(url_for("courses.booking_detail", booking_id=booking.id))
    return form_page(
        "courses/booking_needs.html",
        form,
        booking=booking,
        cohort=booking.cohort,
        needs=needs,
        days=retention_days(),
    )


@bp.route("/bookings/<int:booking_id>/needs/remove", methods=["GET", "POST"])
@signed_in
@own_booking
def booking_needs_remove(booking: Booking) -> ResponseReturnValue:
    form = NeedsRemoveForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.remove_needs(current_user, booking),
            success=_("Your access and dietary needs are deleted."),
        )
        if done:
            return redirect(url_for("courses.booking_detail", booking_id=booking.id))
    return form_page(
        "courses/booking_needs_remove.html",
        form,
        booking=booking,
        cohort=booking.cohort,
        needs=queries.needs_of(booking.id),
    )


@bp.get("/cohorts/<int:cohort_id>/needs")
@signed_in
@needs_cohort
def cohort_needs(cohort: Cohort) -> ResponseReturnValue:
    """The details, for making arrangements; every reading is in the audit log."""
    done = act(lambda: services.read_cohort_needs(current_user, cohort))
    return render_template(
        "courses/cohort_needs.html",
        cohort=cohort,
        found=done.result if done else [],
        labels={key: str(label) for key, label in NEED_LABELS.items()},
        days=retention_days(),
    )
