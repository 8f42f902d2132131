"""Booking: book or join the waitlist, my bookings, offers, cancelling, the trainers'
waitlist controls and managers' approvals."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.models import User
from trainhub.auth.permissions import checks, role_required, signed_in
from trainhub.auth.roles import MANAGERS, STAFF
from trainhub.auth.services import find_user_by_email
from trainhub.boundary import act, flash_invalid, load
from trainhub.courses import permissions, queries
from trainhub.courses.forms.cohorts import (
    ActionForm,
    AddLearnerForm,
    BookingCancelForm,
    DecisionForm,
    OfferForm,
    WaitlistMoveForm,
)
from trainhub.courses.forms.needs import NEED_LABELS, BookingForm
from trainhub.courses.models import PLACE_STATUSES, Booking, Cohort
from trainhub.courses.services import booking as services
from trainhub.courses.services import joining, line_managers
from trainhub.courses.views import bp
from trainhub.courses.views.cohorts import bookings_page, managed_cohort, viewable_cohort
from trainhub.extensions import db, utcnow
from trainhub.forms import form_page

#: ``@viewable_booking``: the booking of the URL's ``booking_id``, for its learner and staff.
viewable_booking = load("booking", queries.booking_for_page, can=permissions.can_view_booking)


def _outcome_message(outcome: services.BookingOutcome) -> tuple[str, str]:
    booking = outcome.booking
    if not outcome.created:
        return _("You already have this booking: here it is."), "info"
    if booking.status == "requested" and booking.cohort.course.line_manager_approval:
        return (
            _("Request sent to your line manager. We will email you when they decide."),
            "success",
        )
    if booking.status == "requested":
        return _("Request sent. A manager will decide, and we will email you."), "success"
    if booking.status == "waitlisted":
        return (
            _(
                "The cohort is full, so you are on the waiting list, number %(position)d.",
                position=outcome.position or 0,
            ),
            "success",
        )
    return _("Booked. We have emailed you a calendar invitation."), "success"


@bp.post("/cohorts/<int:cohort_id>/book")
@signed_in
@checks(permissions.can_view_cohort)  # by viewable_cohort
def cohort_book(cohort_id: int) -> ResponseReturnValue:
    cohort, _own = viewable_cohort(cohort_id)
    form = BookingForm()
    if not form.validate_on_submit():
        if set(form.errors) - {"categories", "details"}:
            abort(400)
        # Needs too long or not from the list: the same form again, on a page of its own.
        return form_page("courses/book.html", form, cohort=cohort)
    done = act(
        lambda: services.book_with_needs(
            current_user, cohort, form.categories.data or [], form.details.data or ""
        ),
        form,
        success=_outcome_message,
    )
    if done.invalid:
        return form_page("courses/book.html", form, cohort=cohort)
    if not done:
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))
    return redirect(url_for("courses.booking_detail", booking_id=done.result.booking.id))


@bp.get("/bookings")
@signed_in
def my_bookings() -> ResponseReturnValue:
    page = db.paginate(
        queries.bookings_of(current_user.id),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("courses/my_bookings.html", page=page)


@bp.get("/bookings/<int:booking_id>")
@signed_in
@viewable_booking
def booking_detail(booking: Booking) -> ResponseReturnValue:
    return render_template(
        "courses/booking_detail.html",
        booking=booking,
        cohort=booking.cohort,
        position=queries.waitlist_position(booking),
        inside_cutoff=services.inside_cutoff(booking.cohort),
        own=booking.user_id == current_user.id,
        line_manager_approval=(
            line_managers.pending_approval(booking) if booking.is_request else None
        ),
        joining=joining.joining_of(booking.cohort_id)
        if booking.status in PLACE_STATUSES and not booking.cohort.is_cancelled
        else None,
        links=permissions.meeting_links(
            current_user,
            booking.cohort,
            booking if booking.user_id == current_user.id else None,
            utcnow(),
        ),
        # Special category data: on this page for the learner alone.
        needs=queries.needs_of(booking.id) if booking.user_id == current_user.id else None,
        need_labels=NEED_LABELS,
    )


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@signed_in
@viewable_booking
def booking_cancel(booking: Booking) -> ResponseReturnValue:
    form = BookingCancelForm()
    status = None
    if form.validate_on_submit():
        done = act(
            lambda: services.cancel_booking(current_user, booking, form.reason.data or ""),
            form,
            success=_("Booking cancelled."),
            conflict="form",
        )
        if done and booking.user_id == current_user.id:
            return redirect(url_for("courses.my_bookings"))
        if done:
            return redirect(url_for("courses.cohort_bookings", cohort_id=booking.cohort_id))
        if done.conflict:
            status = 409
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
@signed_in
@load("booking", queries.booking_for_page, can=permissions.can_answer_offer)
def offer_respond(booking: Booking) -> ResponseReturnValue:
    """The link in an offer email: accept or decline, or be told the offer has gone."""
    form = OfferForm()
    expired = False
    if form.validate_on_submit():

        def respond() -> bool:
            """Whether the learner answered in time; an expiry and the next person's
            offer stand (committed) either way."""
            try:
                services.respond_to_offer(current_user, booking, accept=bool(form.accept.data))
            except services.OfferExpired:
                return False
            return True

        done = act(respond, success=lambda answered: _answer_message(booking) if answered else None)
        if not done or done.result:
            return redirect(url_for("courses.booking_detail", booking_id=booking.id))
        expired = True
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


def _answer_message(booking: Booking) -> str:
    if booking.status == "booked":
        return _("Place accepted. We have emailed you a calendar invitation.")
    return _("Place declined. It goes to the next person on the waiting list.")


@bp.post("/cohorts/<int:cohort_id>/bookings")
@role_required(*STAFF)
@managed_cohort
def cohort_add_learner(cohort: Cohort) -> ResponseReturnValue:
    form = AddLearnerForm()
    if form.validate_on_submit():
        learner = find_user_by_email(form.email.data or "")
        if learner is None:
            form.email.errors = [_("There is no account with this email address")]
        elif act(
            lambda: services.add_learner(current_user, cohort, learner),
            form,
            success=lambda outcome: _added_message(outcome, _shown_name(cohort, learner)),
            conflict="form",
        ):
            return redirect(url_for("courses.cohort_bookings", cohort_id=cohort.id))
    return bookings_page(cohort, form)


def _shown_name(cohort: Cohort, learner: User) -> str:
    """The learner's name, or the address typed in when the name is not the reader's to
    see (R49: ``permissions.can_see_attendee``)."""
    if permissions.can_see_attendee(current_user, cohort, learner):
        return learner.full_name
    return learner.email


def _added_message(outcome: services.BookingOutcome, name: str) -> tuple[str, str]:
    if not outcome.created:
        return _("%(name)s already has a booking.", name=name), "info"
    if outcome.position:
        return (
            _(
                "%(name)s is on the waiting list, number %(position)d.",
                name=name,
                position=outcome.position,
            ),
            "success",
        )
    return _("%(name)s is booked.", name=name), "success"


@bp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
@role_required(*STAFF)
@load("booking", queries.booking_for_page, can=permissions.can_manage_booking)
def waitlist_move(booking: Booking) -> ResponseReturnValue:
    form = WaitlistMoveForm()
    if form.validate_on_submit() and act(
        lambda: services.move_in_waitlist(
            current_user, booking, up=bool(form.up.data), reason=form.reason.data or ""
        ),
        form,
        success=_("Waiting list changed."),
        conflict="form",
    ):
        return redirect(url_for("courses.cohort_bookings", cohort_id=booking.cohort_id))
    return form_page(
        "courses/waitlist_move.html",
        form,
        booking=booking,
        cohort=booking.cohort,
        position=queries.waitlist_position(booking),
    )


@bp.post("/bookings/<int:booking_id>/place")
@role_required(*STAFF)
@load("booking", queries.booking_for_page, can=permissions.can_manage_booking)
def waitlist_book(booking: Booking) -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        act(
            lambda: services.book_from_waitlist(current_user, booking),
            success=lambda _none: _("%(name)s is booked.", name=booking.user.full_name),
        )
    return redirect(url_for("courses.cohort_bookings", cohort_id=booking.cohort_id))


@bp.get("/approvals")
@role_required(*MANAGERS)
def approvals() -> ResponseReturnValue:
    page = db.paginate(
        queries.pending_requests(current_user),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("courses/approvals.html", page=page, form=DecisionForm())


@bp.post("/bookings/<int:booking_id>/decide")
@role_required(*MANAGERS)
@load("booking", queries.booking_for_page)
def approval_decide(booking: Booking) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit():
        name = booking.user.full_name
        act(
            lambda: services.decide_request(
                current_user,
                booking,
                approve=bool(form.approve.data),
                reason=form.reason.data or "",
            ),
            success=_("Request from %(name)s approved.", name=name)
            if form.approve.data
            else _("Request from %(name)s declined.", name=name),
        )
    else:
        flash_invalid(form)
    return redirect(url_for("courses.approvals"))
