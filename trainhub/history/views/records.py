"""Recording history by hand: the hub of what was recorded, a form per kind, a record's page,
its evidence file and withdrawing it. Managers and administrators only."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import audit, ratelimit
from trainhub.accreditation.services.files import refused_upload_status, upload_limit_mb
from trainhub.auth.models import User
from trainhub.auth.permissions import allowed, can_view_training_record
from trainhub.boundary import act, load
from trainhub.extensions import db
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.forms import form_page
from trainhub.history import queries, services
from trainhub.history.models import RECORD_KINDS, HistoryRecord
from trainhub.history.permissions import can_record_history
from trainhub.history.record_forms import (
    ChooseCohortForm,
    PastAwardForm,
    PastCohortForm,
    PastCompletionForm,
    WithdrawForm,
    paper_feedback_form,
)
from trainhub.history.services import WITHDRAWABLE, Outcome
from trainhub.history.views import bp
from trainhub.storage import download
from trainhub.uploads import upload_of

#: ``@record``: the history record of the URL's ``record_id`` (404 when there is none).
record = load("record", queries.record_for_page)


def kind_labels() -> dict[str, str]:
    return {
        "cohort": _("Cohort"),
        "completion": _("Completion"),
        "award": _("Award"),
        "feedback": _("Paper feedback"),
    }


def _problems_to_form(form: Any, outcome: Outcome, lined: Any = None) -> None:
    """A service's problems onto the form: a numbered line's onto ``lined`` (the textarea it
    came from), the rest to the top of the form."""
    lines = []
    for problem in outcome.problems:
        if problem.line is not None and lined is not None:
            lines.append(_("Line %(n)d: %(problem)s", n=problem.line, problem=problem.message))
        else:
            form.form_errors.append(_sentence(problem.message))
    if lines:
        # One message for the field (GOV.UK shows one), naming every line that is wrong.
        lined.errors = [*lined.errors, "; ".join(lines)]


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _recorded(outcome: Outcome, kind: str) -> str | tuple[str, str] | None:
    """The message after recording: what was added, or that it was there already."""
    if not outcome.ok:
        return None
    if outcome.record_ids:
        detail = "; ".join(outcome.added)
        return {
            "cohort": _("Cohort recorded: %(detail)s", detail=detail),
            "completion": _("Completion recorded: %(detail)s", detail=detail),
            "award": _("Award recorded: %(detail)s", detail=detail),
        }.get(kind) or _("Paper feedback form recorded: %(detail)s", detail=detail)
    return (_("Nothing was added: %(detail)s", detail="; ".join(outcome.skipped)), "info")


def _after(outcome: Outcome) -> ResponseReturnValue:
    if outcome.record_ids:
        return redirect(url_for("history.record_detail", record_id=outcome.record_ids[0]))
    return redirect(url_for("history.hub"))


@bp.context_processor
def _person_rule() -> dict[str, Any]:
    """``named(person)`` for the history pages: a record names its person only to those
    who may see that person's training record (R49); others read "someone outside your
    organisation", with no link."""

    def named(person: User | None) -> bool:
        return person is not None and can_view_training_record(current_user, person)

    return {"named": named}


@bp.get("/history")
@allowed(can_record_history)
def hub() -> ResponseReturnValue:
    kind = request.args.get("kind", "")
    if kind not in RECORD_KINDS:
        kind = ""
    page = db.paginate(
        queries.records_query(kind),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "history/hub.html",
        page=page,
        kind=kind,
        kind_labels=kind_labels(),
    )


@bp.route("/history/cohorts/new", methods=["GET", "POST"])
@allowed(can_record_history)
def cohort_new() -> ResponseReturnValue:
    """Choose a course (``?course=CODE``), then record a cohort of it as delivered."""
    code = request.args.get("course", "")
    course = queries.course_of_code(code) if code else None
    if course is None:
        return render_template(
            "history/cohort_choose_course.html",
            courses=queries.course_choices(),
            unknown=bool(code),
        )
    form = PastCohortForm()
    form.setup(course.duration_days, queries.organisation_choices())
    if form.validate_on_submit():
        draft = form.to_draft(course.code, queries.organisation_name(form.partner_id.data or 0))
        done = act(
            lambda: services.record_cohorts(
                current_user, [draft], certificates=bool(form.certificates.data)
            ),
            form,
            success=lambda outcome: _recorded(outcome, "cohort"),
        )
        if done and done.result.ok:
            return _after(done.result)
        if done:
            _problems_to_form(form, done.result, form.attendees)
    return form_page(
        "history/cohort_form.html", form, course=course, venue_names=queries.venue_names()
    )


@bp.route("/history/completions/new", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_UPLOAD", methods=["POST"])
@allowed(can_record_history)
def completion_new() -> ResponseReturnValue:
    form = PastCompletionForm()
    form.course.choices = [("", _("Choose the course")), *queries.course_choices()]
    form.limit_organisations(current_user.is_admin, queries.organisation_names())
    form.evidence.description = _(
        "A certificate or a register: PDF, DOCX, ODT, PNG or JPEG, up to %(mb)s MB.",
        mb=upload_limit_mb(),
    )
    status, headers = 400, dict[str, str]()
    if form.validate_on_submit():
        upload = upload_of(form.evidence.data)
        if upload and not (upload.filename or upload.data or upload.unreadable):
            upload = None  # the file box left empty: the evidence is optional
        done = act(
            lambda: services.record_completions(
                current_user,
                [form.to_draft()],
                evidence=upload,
                certificates=bool(form.certificates.data),
            ),
            form,
            success=lambda outcome: _recorded(outcome, "completion"),
        )
        if done and done.result.ok:
            return _after(done.result)
        if done:
            _problems_to_form(form, done.result)
        status, headers = refused_upload_status(done.error)
    page, code = form_page("history/completion_form.html", form)
    return (page, status, headers) if code == 400 else (page, code)


@bp.route("/history/awards/new", methods=["GET", "POST"])
@allowed(can_record_history)
def award_new() -> ResponseReturnValue:
    form = PastAwardForm()
    form.limit_organisations(current_user.is_admin, queries.organisation_names())
    if form.validate_on_submit():
        done = act(
            lambda: services.record_awards(
                current_user, [form.to_draft()], certificates=bool(form.certificates.data)
            ),
            form,
            success=lambda outcome: _recorded(outcome, "award"),
        )
        if done and done.result.ok:
            return _after(done.result)
        if done:
            _problems_to_form(form, done.result)
    return form_page("history/award_form.html", form)


@bp.route("/history/feedback/new", methods=["GET", "POST"])
@allowed(can_record_history)
def feedback_new() -> ResponseReturnValue:
    """Choose a past cohort (``?cohort=ID``), then enter its paper forms one by one."""
    chosen = request.args.get("cohort", 0, type=int)
    cohort = queries.past_cohort(chosen) if chosen else None
    if cohort is None:
        choose = ChooseCohortForm(request.args)
        choose.cohort.choices = [
            (0, _("Choose a cohort")),
            *(
                (c.id, f"{c.course.code}, {c.first_day.isoformat()}: {c.title}")
                for c in queries.past_cohorts()
            ),
        ]
        if chosen:
            choose.cohort.errors = [_("Choose one of the cohorts in the list")]
        page = render_template("history/feedback_choose.html", form=choose)
        return page, 400 if chosen else 200
    form = paper_feedback_form(current_questionnaire(), str(get_locale()))
    if form.validate_on_submit():
        draft = form.to_draft(cohort.course.code, cohort.first_day)
        done = act(
            lambda: services.record_feedback(current_user, [draft]),
            form,
            success=lambda outcome: _recorded(outcome, "feedback"),
        )
        if done and done.result.ok:
            if form.another.data:
                return redirect(url_for("history.feedback_new", cohort=cohort.id))
            return _after(done.result)
        if done:
            _problems_to_form(form, done.result)
    return form_page("history/feedback_form.html", form, cohort=cohort)


@bp.get("/history/records/<int:record_id>")
@allowed(can_record_history)
@record
def record_detail(record: HistoryRecord) -> ResponseReturnValue:
    return render_template(
        "history/record.html",
        record=record,
        kind_labels=kind_labels(),
        withdrawable=record.kind in WITHDRAWABLE and not record.is_withdrawn,
    )


@bp.get("/history/records/<int:record_id>/evidence")
@allowed(can_record_history)
@record
def record_evidence(record: HistoryRecord) -> ResponseReturnValue:
    """The evidence file of a recorded completion; every download is audited."""
    if not record.evidence_key:
        abort(404)
    act(
        lambda: audit.record(
            current_user,
            "history.evidence_downloaded",
            _(
                "Downloaded the evidence %(file)s of history record %(id)d",
                file=record.evidence_filename,
                id=record.id,
            ),
        )
    )
    return download(record.evidence_key, record.evidence_content_type, record.evidence_filename)


def _refusal(record: HistoryRecord) -> str | None:
    """Why the record can't be withdrawn, or None."""
    if record.is_withdrawn:
        return _("This record was withdrawn already")
    if record.kind not in WITHDRAWABLE:
        return _("Paper feedback forms are anonymous and stay as recorded")
    return None


@bp.route("/history/records/<int:record_id>/withdraw", methods=["GET", "POST"])
@allowed(can_record_history)
@record
def record_withdraw(record: HistoryRecord) -> ResponseReturnValue:
    labels = kind_labels()
    refusal = _refusal(record)
    if refusal:
        page = render_template(
            "history/record_withdraw.html",
            record=record,
            form=None,
            refusal=refusal,
            kind_labels=labels,
        )
        return page, 409
    form = WithdrawForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.withdraw_record(current_user, record, form.reason.data or ""),
            form,
            success=_("The record has been withdrawn."),
            conflict="form",
        )
        if done:
            return redirect(url_for("history.record_detail", record_id=record.id))
        if done.conflict:
            page = render_template(
                "history/record_withdraw.html", record=record, form=form, kind_labels=labels
            )
            return page, 409
    return form_page("history/record_withdraw.html", form, record=record, kind_labels=labels)
