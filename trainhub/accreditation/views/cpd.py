"""The CPD record: the ledger and yearly totals, statements, external activities, corrections."""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainhub import ratelimit
from trainhub.accreditation import permissions, queries
from trainhub.accreditation.forms import ActivityDecisionForm, ActivityForm, ReasonForm
from trainhub.accreditation.models import CpdEntry, ExternalActivity
from trainhub.accreditation.services import cpd as services
from trainhub.accreditation.views import bp
from trainhub.accreditation.views.applications import refused_upload_status, upload_limit_mb
from trainhub.auth.models import User
from trainhub.auth.permissions import can_view_training_record, role_required
from trainhub.courses.models import local_today
from trainhub.errors import ConflictError, ValidationFailed
from trainhub.extensions import db
from trainhub.financial_years import financial_year, financial_year_label
from trainhub.forms import add_field_error
from trainhub.pdf import render_pdf
from trainhub.spreadsheets import csv_text
from trainhub.storage import download
from trainhub.uploads import upload_of


def source_label(source: str) -> str:
    return {
        "course": _("Course completed"),
        "level": _("Level awarded"),
        "external": _("External activity"),
        "reversal": _("Correction"),
    }.get(source, source)


def _person(user_id: int) -> User:
    person = db.get_or_404(User, user_id)
    if not can_view_training_record(current_user, person):
        abort(403)
    return person


@bp.get("/my/cpd")
@login_required
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
@login_required
def cpd_statement_pdf(user_id: int) -> ResponseReturnValue:
    person = _person(user_id)
    year = _year_arg()
    entries = _statement_rows(person, year)
    pdf = render_pdf(
        "accreditation/cpd_statement_pdf.html",
        today=local_today(),
        person=person,
        entries=entries,
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
@login_required
def cpd_statement_csv(user_id: int) -> ResponseReturnValue:
    person = _person(user_id)
    year = _year_arg()
    header = [
        "date",
        "financial_year",
        "source",
        "activity",
        "hours",
        "credits",
        "accrediting_body",
        "note",
    ]
    rows = (
        [
            entry.occurred_on.isoformat(),
            financial_year_label(financial_year(entry.occurred_on)),
            entry.source,
            entry.title,
            entry.hours,
            entry.credits,
            entry.accrediting_body,
            entry.note,
        ]
        for entry in _statement_rows(person, year)
    )
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="cpd-statement-{person.id}.csv"'},
    )


@bp.route("/my/cpd/activities/new", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_UPLOAD", methods=["POST"])
@login_required
def activity_new() -> ResponseReturnValue:
    form = ActivityForm()
    form.evidence.description = _(
        "A certificate or notes: PDF, DOCX, ODT, PNG or JPEG, up to %(mb)s MB.",
        mb=upload_limit_mb(),
    )
    status = 200
    headers: dict[str, str] = {}
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
        try:
            services.log_activity(current_user, data, upload)
        except ValidationFailed as error:
            db.session.rollback()
            add_field_error(form, error)
            status, headers = refused_upload_status(error)
        else:
            db.session.commit()
            flash(_("Your activity has been sent for approval."), "success")
            return redirect(url_for(".my_cpd"))
    elif form.is_submitted():
        status = 400
    return render_template("accreditation/activity_form.html", form=form), status, headers


@bp.get("/cpd/activities/<int:activity_id>/evidence")
@login_required
def activity_evidence(activity_id: int) -> ResponseReturnValue:
    activity = db.get_or_404(ExternalActivity, activity_id)
    if not permissions.can_view_activity(current_user, activity):
        abort(403)
    return download(
        activity.evidence_key, activity.evidence_content_type, activity.evidence_filename
    )


@bp.get("/cpd/approvals")
@login_required
def cpd_approvals() -> ResponseReturnValue:
    if not (
        current_user.has_role("manager") or current_user.is_admin or current_user.has_supervisees()
    ):
        abort(403)
    page = db.paginate(
        queries.activities_to_decide(current_user),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("accreditation/cpd_approvals.html", page=page)


@bp.route("/cpd/activities/<int:activity_id>/decide", methods=["GET", "POST"])
@login_required
def activity_decide(activity_id: int) -> ResponseReturnValue:
    activity = db.get_or_404(ExternalActivity, activity_id)
    if not permissions.can_decide_activity(current_user, activity):
        abort(403)
    form = ActivityDecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_activity(
                current_user, activity, form.decision.data == "approve", form.note.data or ""
            )
        except ValidationFailed as error:
            db.session.rollback()
            add_field_error(form, error)
        except ConflictError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".cpd_approvals"))
        else:
            db.session.commit()
            flash(_("Decision recorded."), "success")
            return redirect(url_for(".cpd_approvals"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "accreditation/activity_decide.html", form=form, activity=activity
    ), status


@bp.route("/cpd/entries/<int:entry_id>/reverse", methods=["GET", "POST"])
@role_required("manager", "admin")
def cpd_entry_reverse(entry_id: int) -> ResponseReturnValue:
    entry = db.get_or_404(CpdEntry, entry_id)
    if not can_view_training_record(current_user, entry.user):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.reverse_entry(current_user, entry, form.reason.data or "")
        except ValidationFailed as error:
            db.session.rollback()
            add_field_error(form, error)
        except ConflictError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".person_record", user_id=entry.user_id))
        else:
            db.session.commit()
            flash(_("The line has been reversed."), "success")
            return redirect(url_for(".person_record", user_id=entry.user_id))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "accreditation/cpd_reverse.html",
        form=form,
        entry=entry,
        source_label=source_label,
    ), status
