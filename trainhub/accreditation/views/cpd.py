"""The CPD record: the ledger and yearly totals, statements, external activities, corrections."""

from __future__ import annotations

import io

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import ratelimit
from trainhub.accreditation import permissions, queries
from trainhub.accreditation.forms import ActivityDecisionForm, ActivityForm, ReasonForm
from trainhub.accreditation.models import CpdEntry, ExternalActivity
from trainhub.accreditation.services import cpd as services
from trainhub.accreditation.services.files import refused_upload_status, upload_limit_mb
from trainhub.accreditation.views import bp
from trainhub.auth.models import User
from trainhub.auth.permissions import allowed, can_view_training_record, role_required, signed_in
from trainhub.auth.roles import MANAGERS
from trainhub.bilingual import WELSH, current_language
from trainhub.boundary import act, by_id, load
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.financial_years import financial_year, financial_year_label
from trainhub.forms import form_page
from trainhub.pdf import render_pdf
from trainhub.spreadsheets import csv_response, csv_text
from trainhub.storage import download
from trainhub.uploads import upload_of


def source_label(source: str) -> str:
    return {
        "course": _("Course completed"),
        "level": _("Level awarded"),
        "external": _("External activity"),
        "reversal": _("Correction"),
    }.get(source, source)


#: ``@record_of``: the person of the URL's ``user_id``, for those who may read their record.
record_of = load("person", by_id(User), can=can_view_training_record, arg="user_id")


@bp.get("/my/cpd")
@signed_in
def my_cpd() -> ResponseReturnValue:
    entries = services.ledger(current_user)
    return render_template(
        "accreditation/my_cpd.html",
        person=current_user,
        entries=entries,
        totals=services.totals_by_year(entries),
        activities=queries.activities_of(current_user.id),
        source_label=source_label,
        financial_year_label=financial_year_label,
    )


def _statement_rows(person: User, year: int | None) -> list[CpdEntry]:
    entries = services.ledger(person)
    if year is not None:
        entries = [e for e in entries if financial_year(e.occurred_on) == year]
    return entries


def _year_arg() -> int | None:
    year = request.args.get("year", type=int)
    if year is not None and not 2000 <= year <= 2100:
        abort(400)
    return year


@bp.get("/people/<int:user_id>/cpd/statement.pdf")
@signed_in
@record_of
def cpd_statement_pdf(person: User) -> ResponseReturnValue:
    year = _year_arg()
    entries = _statement_rows(person, year)
    pdf = render_pdf(
        "accreditation/cpd_statement_pdf.html",
        today=local_today(),
        person=person,
        entries=entries,
        # Read in Welsh, courses and levels are named in Welsh where they have it.
        welsh_titles=services.welsh_titles(entries) if current_language() == WELSH else {},
        totals=services.totals_by_year(entries),
        year=year,
        source_label=source_label,
        financial_year_label=financial_year_label,
    )
    return send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"cpd-statement-{person.id}.pdf",
        max_age=0,
    )


@bp.get("/people/<int:user_id>/cpd/statement.csv")
@signed_in
@record_of
def cpd_statement_csv(person: User) -> ResponseReturnValue:
    year = _year_arg()
    header = [
        _("Date"),
        _("Financial year"),
        _("Source"),
        _("Activity"),
        _("Hours"),
        _("Credits"),
        _("Accrediting body"),
        _("Note"),
    ]
    rows = (
        [
            entry.occurred_on.isoformat(),
            financial_year_label(financial_year(entry.occurred_on)),
            source_label(entry.source),
            entry.title,
            entry.hours,
            entry.credits,
            entry.accrediting_body,
            entry.note,
        ]
        for entry in _statement_rows(person, year)
    )
    return csv_response(csv_text(header, rows), f"cpd-statement-{person.id}.csv")


@bp.route("/my/cpd/activities/new", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_UPLOAD", methods=["POST"])
@signed_in
def activity_new() -> ResponseReturnValue:
    form = ActivityForm()
    form.evidence.description = _(
        "A certificate or notes: PDF, DOCX, ODT, PNG or JPEG, up to %(mb)s MB.",
        mb=upload_limit_mb(),
    )
    if form.validate_on_submit():
        upload = upload_of(form.evidence.data)
        data = services.ActivityInput(
            title=form.title.data or "",
            occurred_on=form.occurred_on.data,
            hours=form.hours.data,
            credits=form.credits.data,
            provider=form.provider.data or "",
            accrediting_body=form.accrediting_body.data or "",
            description=form.description.data or "",
        )
        done = act(
            lambda: services.log_activity(current_user, data, upload),
            form,
            success=_("Your activity has been sent for approval."),
        )
        if done:
            return redirect(url_for(".my_cpd"))
        status, headers = refused_upload_status(done.error)
        page, _code = form_page("accreditation/activity_form.html", form)
        return page, status, headers
    return form_page("accreditation/activity_form.html", form)


@bp.get("/cpd/activities/<int:activity_id>/evidence")
@signed_in
@load("activity", by_id(ExternalActivity), can=permissions.can_view_activity)
def activity_evidence(activity: ExternalActivity) -> ResponseReturnValue:
    return download(
        activity.evidence_key, activity.evidence_content_type, activity.evidence_filename
    )


@bp.get("/cpd/approvals")
@allowed(permissions.can_approve_activities)
def cpd_approvals() -> ResponseReturnValue:
    page = db.paginate(
        queries.activities_to_decide(current_user),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("accreditation/cpd_approvals.html", page=page)


@bp.route("/cpd/activities/<int:activity_id>/decide", methods=["GET", "POST"])
@signed_in
@load("activity", by_id(ExternalActivity), can=permissions.can_decide_activity)
def activity_decide(activity: ExternalActivity) -> ResponseReturnValue:
    form = ActivityDecisionForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.decide_activity(
                current_user, activity, form.decision.data == "approve", form.note.data or ""
            ),
            form,
            success=_("Decision recorded."),
        )
        if done or done.conflict:
            return redirect(url_for(".cpd_approvals"))
    return form_page("accreditation/activity_decide.html", form, activity=activity)


@bp.route("/cpd/entries/<int:entry_id>/reverse", methods=["GET", "POST"])
@role_required(*MANAGERS)
@load("entry", by_id(CpdEntry), can=permissions.can_reverse_entry)
def cpd_entry_reverse(entry: CpdEntry) -> ResponseReturnValue:
    form = ReasonForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.reverse_entry(current_user, entry, form.reason.data or ""),
            form,
            success=_("The line has been reversed."),
        )
        if done or done.conflict:
            return redirect(url_for(".person_record", user_id=entry.user_id))
    return form_page("accreditation/cpd_reverse.html", form, entry=entry, source_label=source_label)
