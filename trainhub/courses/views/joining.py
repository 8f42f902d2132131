"""Joining instructions (the text, the early reminder's days, files) and each booking's
calendar file, which the reminders link to."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import ratelimit
from trainhub.antivirus import ScannerUnavailable
from trainhub.auth.permissions import role_required, signed_in
from trainhub.auth.roles import STAFF
from trainhub.boundary import Outcome, act, load
from trainhub.courses import queries
from trainhub.courses.forms.cohorts import ActionForm
from trainhub.courses.forms.joining import JoiningFileForm, JoiningForm
from trainhub.courses.models import REGISTER_STATUSES, Booking, Cohort, JoiningFile
from trainhub.courses.services import calendars, joining
from trainhub.courses.views import bp
from trainhub.courses.views.booking import viewable_booking
from trainhub.courses.views.cohorts import managed_cohort
from trainhub.extensions import db
from trainhub.forms import form_page
from trainhub.storage import download
from trainhub.uploads import FileTooLarge, megabytes, upload_of

#: ``@joining_cohort``: the cohort, for those who run it or hold a place on it.
joining_cohort = load("cohort", queries.cohort_for_page, can=joining.may_open_files)


def _file_form() -> JoiningFileForm:
    form = JoiningFileForm()
    form.file.description = _(
        "A PDF, Word (DOCX), OpenDocument (ODT), PNG or JPEG file, up to %(mb)s MB. "
        "Only people with a place on this cohort and those who run it can open it.",
        mb=megabytes(int(current_app.config["UPLOAD_MAX_BYTES"])),
    )
    return form


def _page(cohort: Cohort, form: JoiningForm, file_form: JoiningFileForm) -> tuple[str, int]:
    """The page; ``form`` (for the error summary and title) is whichever came back wrong."""
    wrong = file_form if file_form.errors or file_form.form_errors else form
    return form_page(
        "courses/joining.html",
        wrong,
        text_form=form,
        file_form=file_form,
        cohort=cohort,
        joining=joining.joining_of(cohort.id),
        default_days=joining.default_reminder_days(),
        action_form=ActionForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/joining", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_cohort
def joining_edit(cohort: Cohort) -> ResponseReturnValue:
    form = JoiningForm()
    if not form.is_submitted():
        found = joining.joining_of(cohort.id)
        form.text.data = found.text
        form.reminder_days.data = found.own_reminder_days
    if form.validate_on_submit() and act(
        lambda: joining.save_instructions(
            current_user, cohort, form.text.data or "", form.reminder_days.data
        ),
        form,
        success=_("Joining instructions saved."),
        conflict="form",
    ):
        return redirect(url_for("courses.joining_edit", cohort_id=cohort.id))
    return _page(cohort, form, _file_form())


def _refused_status(done: Outcome[JoiningFile]) -> tuple[int, dict[str, str]]:
    """413 too large, 503 the scanner away (never stored unscanned), 409 a closed cohort,
    else 400."""
    if isinstance(done.error, FileTooLarge):
        return 413, {}
    if isinstance(done.error, ScannerUnavailable):
        return 503, {"Retry-After": str(done.error.retry_after)}
    if done.conflict:
        return 409, {}
    return 400, {}


@bp.post("/cohorts/<int:cohort_id>/joining/files")
@ratelimit.limit("RATELIMIT_UPLOAD")
@role_required(*STAFF)
@managed_cohort
def joining_file_add(cohort: Cohort) -> ResponseReturnValue:
    file_form = _file_form()
    if file_form.validate_on_submit():
        done = act(
            lambda: joining.add_file(current_user, cohort, upload_of(file_form.file.data)),
            file_form,
            success=lambda added: _("%(name)s added.", name=added.filename),
            conflict="form",
        )
        if done:
            return redirect(url_for("courses.joining_edit", cohort_id=cohort.id) + "#files")
        status, headers = _refused_status(done)
    else:
        status, headers = 400, {}
    form = JoiningForm(formdata=None)
    found = joining.joining_of(cohort.id)
    form.text.data, form.reminder_days.data = found.text, found.own_reminder_days
    page, _code = _page(cohort, form, file_form)
    return page, status, headers


@bp.post("/cohorts/<int:cohort_id>/joining/files/<int:file_id>/remove")
@role_required(*STAFF)
@managed_cohort
def joining_file_remove(cohort: Cohort, file_id: int) -> ResponseReturnValue:
    found = db.session.get(JoiningFile, file_id)
    if found is None or found.cohort_id != cohort.id:
        abort(404)
    if ActionForm().validate_on_submit():
        act(
            lambda: joining.remove_file(current_user, cohort, found),
            success=lambda name: _("%(name)s removed.", name=name),
        )
    return redirect(url_for("courses.joining_edit", cohort_id=cohort.id) + "#files")


@bp.get("/cohorts/<int:cohort_id>/joining/files/<int:file_id>")
@signed_in
@joining_cohort
def joining_file(cohort: Cohort, file_id: int) -> ResponseReturnValue:
    found = db.session.get(JoiningFile, file_id)
    if found is None or found.cohort_id != cohort.id:
        abort(404)
    return download(found.storage_key, found.content_type, found.filename)


@bp.get("/bookings/<int:booking_id>/calendar.ics")
@signed_in
@viewable_booking
def booking_calendar(booking: Booking) -> ResponseReturnValue:
    """The booking's days as a calendar file to open or import (the reminders link here)."""
    if booking.status not in REGISTER_STATUSES or booking.cohort.is_cancelled:
        abort(404)
    with force_locale(booking.user.preferred_language or "en"):
        attachment = calendars.invitation(booking.cohort, booking.user, booking.calendar_sequence)
    return Response(
        attachment.content,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"',
            "Cache-Control": "no-store",
        },
    )
