"""Booking: book or join the waitlist, my bookings, offers, cancelling, the trainers'
waitlist controls and managers' approvals."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainhub.auth.permissions import role_required
from trainhub.auth.services import find_user_by_email
from trainhub.courses import permissions, queries
from trainhub.courses.forms.cohorts import (
    ActionForm,
    AddLearnerForm,
    BookingCancelForm,
    DecisionForm,
    OfferForm,
    WaitlistMoveForm,
)
from trainhub.courses.models import Booking
from trainhub.courses.services import booking as services
from trainhub.courses.views import bp
from trainhub.courses.views.cohorts import STAFF, _managed_cohort, bookings_page, viewable_cohort
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.forms import add_field_error, form_page


def _load_booking(booking_id: int) -> Booking:
    booking = queries.booking_for_page(booking_id) or abort(404)
    if not permissions.can_view_booking(current_user, booking):
        abort(403)
    return booking


def _flash_outcome(outcome: services.BookingOutcome) -> None:
    booking = outcome.booking
    if not outcome.created:
        flash(_("You already have this booking: here it is."), "info")
    elif booking.status == "requested":
        flash(_("Request sent. A manager will decide, and we will email you."), "success")
    elif booking.status == "waitlisted":
        flash(
            _(
                "The cohort is full, so you are on the waiting list, number %(position)d.",
                position=outcome.position or 0,
            ),
            "success",
        )
    else:
        flash(_("Booked. We have emailed you a calendar invitation."), "success")


@bp.post("/cohorts/<int:cohort_id>/book")
@login_required
def cohort_book(cohort_id: int) -> ResponseReturnValue:
    cohort, _own = viewable_cohort(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        outcome = services.book_place(current_user, cohort)
    except ConflictError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))
    db.session.commit()
    _flash_outcome(outcome)
    return redirect(url_for("courses.booking_detail", booking_id=outcome.booking.id))


@bp.get("/bookings")
@login_required
def my_bookings() -> ResponseReturnValue:
    page = db.paginate(
        queries.bookings_of(current_user.id),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("courses/my_bookings.html", page=page)


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking_detail(booking_id: int) -> ResponseReturnValue:
    booking = _load_booking(booking_id)
    return render_template(
        "courses/booking_detail.html",
        booking=booking,
        cohort=booking.cohort,
        position=services.waitlist_position(booking),
        inside_cutoff=services.inside_cutoff(booking.cohort),
        own=booking.user_id == current_user.id,
    )


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def booking_cancel(booking_id: int) -> ResponseReturnValue:
    booking = _load_booking(booking_id)
    form = BookingCancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_booking(current_user, booking, form.reason.data or "")
        except ConflictError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Booking cancelled."), "success")
            if booking.user_id == current_user.id:
                return redirect(url_for("courses.my_bookings"))
            return redirect(url_for("courses.cohort_bookings", cohort_id=booking.cohort_id))
    status = 409 if form.form_errors else None
    page, code = form_page(
        "courses/booking_cancel.html",
        form,
        booking=booking,
        cohort=booking.cohort,
        late=services.inside_cutoff(booking.cohort),
        own=booking.user_id == current_user.id,
    )
    return page, status or code


@bp.route("/bookings/<int:booking_id>/offer", methods=["GET", "POST"])
@login_required
def offer_respond(booking_id: int) -> ResponseReturnValue:
    """The link in an offer email: accept or decline, or be told the offer has gone."""
    booking = queries.booking_for_page(booking_id) or abort(404)
    if booking.user_id != current_user.id:
        abort(403)
    form = OfferForm()
    expired = False
    if form.validate_on_submit():
        try:
            services.respond_to_offer(current_user, booking, accept=bool(form.accept.data))
        except services.OfferExpired:
            db.session.commit()  # the expiry and the next person's offer stand
            expired = True
        except ConflictError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("courses.booking_detail", booking_id=booking.id))
        else:
            db.session.commit()
            if booking.status == "booked":
                flash(_("Place accepted. We have emailed you a calendar invitation."), "success")
            else:
                flash(
                    _("Place declined. It goes to the next person on the waiting list."), "success"
                )
            return redirect(url_for("courses.booking_detail", booking_id=booking.id))
    elif booking.status == "offered" and booking.offer_expires_at is not None:
        expired = booking.offer_expires_at <= utcnow()
    else:  # the sweep may have passed the place on before the learner came back
        expired = booking.status == "cancelled" and booking.cancel_reason == "offer_expired"
    gone = expired or booking.status != "offered"
    return (
        render_template(
            "courses/offer.html",
            booking=booking,
            cohort=booking.cohort,
            form=form,
            expired=expired,
            gone=gone,
        ),
        410 if gone else 200,
    )


@bp.post("/cohorts/<int:cohort_id>/bookings")
@role_required(*STAFF)
def cohort_add_learner(cohort_id: int) -> ResponseReturnValue:
    cohort = _managed_cohort(cohort_id)
    form = AddLearnerForm()
    if form.validate_on_submit():
        learner = find_user_by_email(form.email.data or "")
        if learner is None:
            form.email.errors = [_("There is no account with this email address")]
        else:
            try:
                outcome = services.add_learner(current_user, cohort, learner)
            except ConflictError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
            else:
                db.session.commit()
                if not outcome.created:
                    flash(_("%(name)s already has a booking.", name=learner.full_name), "info")
                elif outcome.position:
                    flash(
                        _(
                            "%(name)s is on the waiting list, number %(position)d.",
                            name=learner.full_name,
                            position=outcome.position,
                        ),
                        "success",
                    )
                else:
                    flash(_("%(name)s is booked.", name=learner.full_name), "success")
                return redirect(url_for("courses.cohort_bookings", cohort_id=cohort.id))
    return bookings_page(cohort, form)


@bp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
@role_required(*STAFF)
def waitlist_move(booking_id: int) -> ResponseReturnValue:
    booking = _load_booking(booking_id)
    if not permissions.can_manage_cohort(current_user, booking.cohort):
        abort(403)
    form = WaitlistMoveForm()
    if form.validate_on_submit():
        try:
            services.move_in_waitlist(
                current_user, booking, up=bool(form.up.data), reason=form.reason.data or ""
            )
        except ValidationFailed as error:
            db.session.rollback()
            add_field_error(form, error)
        except ConflictError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Waiting list changed."), "success")
            return redirect(url_for("courses.cohort_bookings", cohort_id=booking.cohort_id))
    return form_page(
        "courses/waitlist_move.html",
        form,
        booking=booking,
        cohort=booking.cohort,
        position=services.waitlist_position(booking),
    )


@bp.post("/bookings/<int:booking_id>/place")
@role_required(*STAFF)
def waitlist_book(booking_id: int) -> ResponseReturnValue:
    booking = _load_booking(booking_id)
    if not permissions.can_manage_cohort(current_user, booking.cohort):
        abort(403)
    if ActionForm().validate_on_submit():
        try:
            services.book_from_waitlist(current_user, booking)
        except ConflictError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s is booked.", name=booking.user.full_name), "success")
    return redirect(url_for("courses.cohort_bookings", cohort_id=booking.cohort_id))


@bp.get("/approvals")
@role_required("manager", "admin")
def approvals() -> ResponseReturnValue:
    page = db.paginate(
        queries.pending_requests(current_user),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("courses/approvals.html", page=page, form=DecisionForm())


@bp.post("/bookings/<int:booking_id>/decide")
@role_required("manager", "admin")
def approval_decide(booking_id: int) -> ResponseReturnValue:
    booking = queries.booking_for_page(booking_id) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_request(
                current_user,
                booking,
                approve=bool(form.approve.data),
                reason=form.reason.data or "",
            )
        except (ConflictError, PermissionDenied) as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if form.approve.data:
                flash(_("Request from %(name)s approved.", name=booking.user.full_name), "success")
            else:
                flash(_("Request from %(name)s declined.", name=booking.user.full_name), "success")
    return redirect(url_for("courses.approvals"))
