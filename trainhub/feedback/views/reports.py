"""Managers: the dashboard, statistics by year and quarter, exports, the annual-report PDF,
publication, quotes, the training budget and the audit log."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Response,
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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, joinedload

from trainhub import audit
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.auth.permissions import allowed, people_visible_to, role_required
from trainhub.auth.roles import Role
from trainhub.boundary import act, by_id, load
from trainhub.courses.models import Cohort, local_today
from trainhub.errors import ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import permissions, queries, reporting
from trainhub.feedback.forms import (
    WHOLE_YEAR,
    AllocationForm,
    ConfirmForm,
    NarrativeForm,
    PeriodForm,
    SpendForm,
    quarter_choices,
)
from trainhub.feedback.models import (
    NARRATIVE_SECTIONS,
    FeedbackAnswer,
    ReportSnapshot,
    SpendLine,
)
from trainhub.feedback.services import budget as budget_services
from trainhub.feedback.services import cache, charts, exports, narrative, quotes, report, word
from trainhub.feedback.views import bp
from trainhub.financial_years import Period, financial_year, financial_year_label
from trainhub.forms import add_field_error
from trainhub.spreadsheets import csv_response
from trainhub.storage import download

MANAGER = Role.MANAGER


class BadPeriod(Exception):
    """The year or quarter asked for does not exist (yet): the page says why, with a 400."""

    def __init__(self, form: PeriodForm) -> None:
        super().__init__("bad period")
        self.form = form


#: Where the form on the "choose a financial year" page leads, and whether it asks for a
#: quarter: back to the page that was asked for (downloads lead to the statistics page).
_PERIOD_FORMS: dict[str, tuple[str, bool]] = {
    "feedback.exports_page": ("feedback.exports_page", False),
    "feedback.quotes_page": ("feedback.quotes_page", True),
    "feedback.publish": ("feedback.publish", True),
    "feedback.narrative_edit": ("feedback.narrative_edit", True),
    "feedback.budget": ("feedback.budget", True),
    "feedback.budget_allocation": ("feedback.budget", True),
    "feedback.budget_spend": ("feedback.budget", True),
}


@bp.errorhandler(BadPeriod)
def bad_period(error: BadPeriod) -> ResponseReturnValue:
    endpoint, whole_year = _PERIOD_FORMS.get(
        request.endpoint or "", ("feedback.statistics_page", False)
    )
    return render_template(
        "feedback/period_invalid.html", form=error.form, endpoint=endpoint, whole_year=whole_year
    ), 400


def _years() -> list[int]:
    """Every financial year from the first cohort's to this one, newest first."""
    first_day = db.session.execute(select(func.min(Cohort.first_day))).scalar_one_or_none()
    now = financial_year(local_today())
    first = min(financial_year(first_day), now) if first_day else now
    return list(range(now, first - 1, -1))


def _period(whole_year: bool = False) -> tuple[Period, PeriodForm]:
    """The period in the query string (default: this financial year)."""
    form = PeriodForm(formdata=None)
    form.fy.choices = [(financial_year_label(y), financial_year_label(y)) for y in _years()]
    form.quarter.choices = quarter_choices(_l("The whole year"))
    fy = request.args.get("fy") or financial_year_label(financial_year(local_today()))
    quarter = None if whole_year else request.args.get("quarter")
    form.fy.data, form.quarter.data = fy, quarter or ""
    try:
        period = reporting.parse_period(fy, quarter)
    except ValidationFailed as error:
        add_field_error(form, error)
        raise BadPeriod(form) from error
    return period, form


def _args(period: Period) -> dict[str, Any]:
    return {"fy": period.fy, **({"quarter": period.quarter} if period.quarter else {})}


def _filename(period: Period, name: str, extension: str) -> str:
    quarter = f"-q{period.quarter}" if period.quarter else ""
    return f"training-{period.fy}{quarter}-{name}.{extension}"


@bp.get("/reports")
@role_required(MANAGER)
def dashboard() -> ResponseReturnValue:
    today = local_today()
    period = Period(financial_year(today))
    return render_template(
        "feedback/dashboard.html",
        period=period,
        figures=reporting.delivery(period)["totals"],
        feedback=reporting.feedback(reporting.period_cohorts(period)),
        report_years=report.report_years(today),
        years=_years(),
        published=report.published_years(),
        financial_year_label=financial_year_label,
    )


@bp.get("/reports/statistics")
@role_required(MANAGER)
def statistics_page() -> ResponseReturnValue:
    period, form = _period()
    snapshot = _snapshot(period)
    context = _report_context(period, snapshot)
    # What a snapshot froze: the period's figures (the five-year view is not frozen).
    changes = (
        reporting.differences(
            reporting.build(reporting.stored(snapshot.data)), reporting.build(context["data"])
        )
        if snapshot
        else []
    )
    return render_template(
        "feedback/statistics.html",
        form=form,
        published=snapshot,
        changes=changes,
        args=_args(period),
        **(context | {"snapshot": None}),
    )


@bp.get("/reports/exports")
@role_required(MANAGER)
def exports_page() -> ResponseReturnValue:
    period, form = _period()
    return render_template(
        "feedback/exports.html",
        form=form,
        period=period,
        args=_args(period),
        tables=reporting.build(*cache.statistics(period)),
        snapshot=report.snapshot_of(period.year),
        named=permissions.can_download_named_exports(current_user),
    )


@bp.get("/reports/statistics/<name>.csv")
@role_required(MANAGER)
def table_csv(name: str) -> ResponseReturnValue:
    period, _form = _period()
    table = next((t for t in reporting.build(*cache.statistics(period)) if t.key == name), None)
    if table is None:
        abort(404)
    return csv_response(exports.table_csv(table), _filename(period, name, "csv"))


@bp.get("/reports/statistics.xlsx")
@role_required(MANAGER)
def statistics_xlsx() -> ResponseReturnValue:
    period, _form = _period()
    data, years = cache.statistics(period)
    label = _("Training statistics %(fy)s", fy=period.fy)
    content = exports.workbook(
        reporting.build(data, years), label, data["quotes"], reporting.headlines(data)
    )
    return _attachment(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _filename(period, "statistics", "xlsx"),
    )


@bp.get("/reports/training-report.pdf")
@role_required(MANAGER)
def report_pdf() -> ResponseReturnValue:
    period, _form = _period()
    context = _report_context(period, _snapshot(period))
    return _attachment(
        exports.annual_report_pdf(context), "application/pdf", _filename(period, "report", "pdf")
    )


@bp.get("/reports/training-report.docx")
@role_required(MANAGER)
def report_docx() -> ResponseReturnValue:
    period, _form = _period()
    return _attachment(
        word.training_section(_report_context(period, _snapshot(period))),
        word.MIMETYPE,
        _filename(period, "report", "docx"),
    )


def _snapshot(period: Period) -> ReportSnapshot | None:
    """The published snapshot of a whole year (None for a quarter)."""
    return report.snapshot_of(period.year) if period.quarter is None else None


def _report_context(period: Period, snapshot: ReportSnapshot | None) -> dict[str, Any]:
    """The statistics page's, the PDF's and the Word file's context: a whole year's adds
    its narrative (as published once ``snapshot`` is) and the five-year view (with the
    organisation by course by year pivot)."""
    data, years = cache.statistics(period)
    if years is None:
        return report.context(data)
    return report.context(data, words=narrative.narrative_of(period.year, snapshot), years=years)


@bp.get("/reports/named/<kind>.csv")
@allowed(permissions.can_download_named_exports)
def named_export(kind: str) -> ResponseReturnValue:
    if kind not in ("attendees", "workforce"):
        abort(404)
    period, _form = _period()
    if kind == "attendees":
        content = exports.attendees_csv(current_user, period)
    else:
        content = exports.workforce_csv(current_user, period, local_today())
    db.session.commit()  # the audit entry
    return csv_response(content, _filename(period, f"{kind}-named", "csv"))


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0
    )


@bp.route("/reports/publish", methods=["GET", "POST"])
@role_required(MANAGER)
def publish() -> ResponseReturnValue:
    period, _form = _period(whole_year=True)
    snapshot = report.snapshot_of(period.year)
    form = ConfirmForm()
    if (
        snapshot is None
        and form.validate_on_submit()
        and act(
            lambda: report.publish(current_user, period.year),
            form,
            success=_("The %(fy)s figures are published.", fy=period.fy),
            conflict="form",
        )
    ):
        return redirect(url_for("feedback.statistics_page", fy=period.fy))
    status = 409 if form.form_errors or (snapshot and form.is_submitted()) else 200
    return render_template(
        "feedback/publish.html",
        form=form,
        period=period,
        snapshot=snapshot,
        year_over=local_today() > period.end,
    ), status


#: The narrative form's fields: each section in English and in Welsh.
_NARRATIVE_FIELDS = (*NARRATIVE_SECTIONS, *(f"{section}_cy" for section in NARRATIVE_SECTIONS))


def _narrative_data(year: int) -> dict[str, str]:
    words = narrative.words_of(year)
    return words.english | {f"{key}_cy": text for key, text in words.welsh.items()}


@bp.route("/reports/narrative", methods=["GET", "POST"])
@role_required(MANAGER)
def narrative_edit() -> ResponseReturnValue:
    """The report's own words for a year: frozen once the year is published."""
    period, _form = _period(whole_year=True)
    snapshot = report.snapshot_of(period.year)
    # A section missing from a POST is emptied, not kept.
    form = NarrativeForm(data=_narrative_data(period.year) if request.method == "GET" else {})
    if (
        snapshot is None
        and form.validate_on_submit()
        and act(
            lambda: narrative.save_narrative(
                current_user,
                period.year,
                {name: form[name].data for name in _NARRATIVE_FIELDS},
            ),
            form,
            success=_("The report's text for %(fy)s is saved.", fy=period.fy),
            conflict="form",
        )
    ):
        return redirect(url_for("feedback.statistics_page", fy=period.fy) + "#narrative")
    status = 200
    if form.is_submitted():
        status = 409 if snapshot or form.form_errors else 400
    return render_template(
        "feedback/narrative.html",
        form=form,
        period=period,
        snapshot=snapshot,
        frozen=narrative.sections(narrative.narrative_of(period.year, snapshot)),
    ), status


@bp.get("/reports/published/<int:year>.pdf")
@role_required(MANAGER)
def published_pdf(year: int) -> ResponseReturnValue:
    snapshot = report.snapshot_of(year)
    if snapshot is None:
        abort(404)
    return download(
        snapshot.pdf_key, "application/pdf", f"training-{financial_year_label(year)}-published.pdf"
    )


@bp.get("/reports/quotes")
@role_required(MANAGER)
def quotes_page() -> ResponseReturnValue:
    period, form = _period(whole_year=True)
    page = db.paginate(
        quotes.consented(period),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "feedback/quotes.html", form=form, period=period, page=page, confirm=ConfirmForm()
    )


@bp.post("/reports/quotes/<int:answer_id>")
@role_required(MANAGER)
@load("answer", queries.answer_for_quote)
def quote_select(answer: FeedbackAnswer) -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    selected = request.form.get("selected") == "1"
    act(
        lambda: quotes.set_selected(current_user, answer, selected),
        success=_("Quote chosen for the annual report.")
        if selected
        else _("Quote taken out of the annual report."),
    )
    return redirect(
        url_for(
            "feedback.quotes_page",
            fy=request.form.get("fy", ""),
            page=request.form.get("page", 1, type=int),
        )
        + f"#quote-{answer.id}"
    )


def _budget_page(
    period: Period,
    form: PeriodForm,
    allocation_form: AllocationForm | None = None,
    spend_form: SpendForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    current = budget_services.allocation_of(period.year)
    if allocation_form is None:
        allocation_form = AllocationForm(formdata=None)
        allocation_form.allocation.data = current.allocation if current else None
        allocation_form.show_remaining.data = current.show_remaining if current else True
    # Only the budget's figures: the rest of the year's statistics are not on this page.
    figures = reporting.budget(period)
    return render_template(
        "feedback/budget.html",
        form=form,
        period=period,
        allocation_form=allocation_form,
        spend_form=spend_form or SpendForm(formdata=None),
        lines=budget_services.spend_lines(period.year),
        budget_tables=reporting.budget_tables(figures, None),
        chart=charts.budget_chart(figures),
        spend_labels=reporting.SPEND_LABELS,
        quarter_label=reporting.quarter_label,
        display=reporting.display,
    ), status


@bp.get("/reports/budget")
@role_required(MANAGER)
def budget() -> ResponseReturnValue:
    period, form = _period(whole_year=True)
    return _budget_page(period, form)


@bp.post("/reports/budget/allocation")
@role_required(MANAGER)
def budget_allocation() -> ResponseReturnValue:
    period, form = _period(whole_year=True)
    allocation_form = AllocationForm()
    if allocation_form.validate_on_submit() and act(
        lambda: budget_services.set_allocation(
            current_user,
            period.year,
            allocation_form.allocation.data,
            bool(allocation_form.show_remaining.data),
        ),
        allocation_form,
        success=_("Allocation for %(fy)s saved.", fy=period.fy),
    ):
        return redirect(url_for("feedback.budget", fy=period.fy))
    return _budget_page(period, form, allocation_form=allocation_form, status=400)


@bp.post("/reports/budget/spend")
@role_required(MANAGER)
def budget_spend() -> ResponseReturnValue:
    period, form = _period(whole_year=True)
    spend_form = SpendForm()
    if spend_form.validate_on_submit() and act(
        lambda: budget_services.add_spend(
            current_user,
            period.year,
            None if spend_form.quarter.data == WHOLE_YEAR else int(spend_form.quarter.data),
            spend_form.category.data,
            spend_form.description.data or "",
            spend_form.amount.data,
        ),
        spend_form,
        success=_("Spending added."),
    ):
        return redirect(url_for("feedback.budget", fy=period.fy))
    return _budget_page(period, form, spend_form=spend_form, status=400)


@bp.route("/reports/budget/spend/<int:line_id>/delete", methods=["GET", "POST"])
@role_required(MANAGER)
@load("line", by_id(SpendLine))
def spend_delete(line: SpendLine) -> ResponseReturnValue:
    form = ConfirmForm()
    fy = financial_year_label(line.financial_year)
    if form.validate_on_submit():
        act(
            lambda: budget_services.remove_spend(current_user, line),
            success=_("Spending line removed."),
        )
        return redirect(url_for("feedback.budget", fy=fy))
    return render_template(
        "feedback/spend_delete.html",
        form=form,
        line=line,
        fy=fy,
        spend_labels=reporting.SPEND_LABELS,
        quarter_label=reporting.quarter_label,
    )


@bp.get("/reports/audit")
@allowed(permissions.can_view_audit_log)
def audit_log() -> ResponseReturnValue:
    events = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if not current_user.is_admin:
        # R49: a manager sees entries about no one, or about a person they may see.
        subject = aliased(User)
        events = events.outerjoin(subject, subject.id == AuditEvent.subject_id).where(
            or_(AuditEvent.subject_id.is_(None), people_visible_to(current_user, subject))
        )
    page = db.paginate(
        events.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    filtered = not current_user.is_admin
    return render_template(
        "feedback/audit.html", page=page, audit_label=audit.label, filtered=filtered
    )
