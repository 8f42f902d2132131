"""The training calendar (page, iCalendar and CSV) and each person's private feed."""

from __future__ import annotations

import re

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import ratelimit
from trainhub.auth.permissions import public, signed_in
from trainhub.bilingual import ENGLISH
from trainhub.boundary import act
from trainhub.courses import queries
from trainhub.courses.forms.cohorts import ActionForm
from trainhub.courses.services import calendars
from trainhub.courses.views import bp
from trainhub.extensions import db
from trainhub.i18n import service_acronym
from trainhub.mail.services import external_url
from trainhub.spreadsheets import csv_response

ICS = "text/calendar; charset=utf-8"
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@bp.get("/calendar")
@public
def calendar() -> ResponseReturnValue:
    """Upcoming cohorts anyone can book, with the places left."""
    code = request.args.get("course", "")
    course = queries.course_by_code(code) if code else None
    page = db.paginate(
        queries.open_cohorts_query(course.id if course else None),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "courses/calendar.html",
        page=page,
        counts=queries.place_counts(c.id for c in page.items),
        course=course,
        courses=db.session.execute(queries.catalogue_query()).scalars().all(),
    )


@bp.get("/calendar.ics")
@public
def calendar_ics() -> ResponseReturnValue:
    """Every published open cohort as a subscribable calendar: the same for everyone, so
    shared caches may keep it a while (subscribers fetch it hourly: ``calendars.FEED_REFRESH``).
    So it is named, as its events are written, in English whoever asks."""
    with force_locale(ENGLISH):
        name = _("%(service)s training calendar", service=service_acronym())
    body = calendars.feed(calendars.public_days(), name, ENGLISH)
    return (
        body,
        200,
        {
            "Content-Type": ICS,
            "Content-Disposition": 'inline; filename="training.ics"',
            "Cache-Control": "public, max-age=900",
        },
    )


@bp.get("/calendar.csv")
@public
def calendar_csv() -> ResponseReturnValue:
    """The training calendar for spreadsheets: one row per cohort day (R16)."""
    return csv_response(calendars.calendar_csv(calendars.public_days()), "training-calendar.csv")


@bp.get("/calendar/feed/<token>.ics")
@public
@ratelimit.limit("RATELIMIT_CALENDAR_FEED")
def calendar_feed(token: str) -> ResponseReturnValue:
    """A private feed: the secret in the address is the only key, so a bad one is a 404."""
    # Secrets are URL-safe base64; anything else (a NUL byte breaks PostgreSQL) is no key.
    user = calendars.user_for_feed_token(token) if FEED_TOKEN.fullmatch(token) else None
    if user is None:
        abort(404)
    # Named, as its events are written, in its owner's language, not the calendar app's.
    language = user.preferred_language or ENGLISH
    with force_locale(language):
        name = _("My %(service)s training", service=service_acronym())
    body = calendars.feed(calendars.personal_days(user), name, language)
    return body, 200, {"Content-Type": ICS, "Cache-Control": "private, max-age=900"}


@bp.route("/calendar/subscribe", methods=["GET", "POST"])
@signed_in
def calendar_subscribe() -> ResponseReturnValue:
    form = ActionForm()
    if form.validate_on_submit():
        act(
            lambda: calendars.reset_feed_token(current_user),
            success=_("New calendar address made. The old one no longer works."),
        )
        return redirect(url_for("courses.calendar_subscribe"))
    token = calendars.feed_token(current_user)
    db.session.commit()
    # The address goes into calendar apps elsewhere: the public one, not this request's host.
    https = external_url("courses.calendar_feed", token=token)
    return render_template(
        "courses/calendar_subscribe.html",
        https=https,
        webcal="webcal://" + https.split("://", 1)[1],
        form=form,
    )
