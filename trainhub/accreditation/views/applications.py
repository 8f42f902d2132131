"""The learner's side: my accreditation, applying, workbooks, submitting, withdrawing."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import ratelimit
from trainhub.accreditation import permissions, queries
from trainhub.accreditation.forms import ApplyForm, ConfirmForm, ReasonForm, WorkbookUploadForm
from trainhub.accreditation.models import (
    EDITABLE_STATUSES,
    AccreditationLevel,
    Application,
)
from trainhub.accreditation.services import applications as services
from trainhub.accreditation.services.assessment import latest_judgements
from trainhub.accreditation.services.files import refused_upload_status, upload_limit_mb
from trainhub.accreditation.views import bp
from trainhub.auth.permissions import signed_in
from trainhub.boundary import act, by_id, load
from trainhub.extensions import db
from trainhub.forms import form_page
from trainhub.storage import download
from trainhub.uploads import upload_of

#: ``@viewable_application``: the application of the URL's ``application_id``, for those
#: who may see it.
viewable_application = load(
    "application", queries.application_for_page, can=permissions.can_view_application
)


@bp.get("/my/accreditation")
@signed_in
def my_accreditation() -> ResponseReturnValue:
    levels = queries.active_levels_with_entry()
    completed = services.completions_of(current_user)
    checks = [services.eligibility(current_user, level, completed) for level in levels]
    applications = queries.applications_of(current_user.id)
    achieved = {a.level_id for a in applications if a.status == "achieved"}
    clocks = {
        check.level.id: services.level_clock(
            check.level, check.entry_completed_on, achieved=check.level.id in achieved
        )
        for check in checks
    }
    return render_template(
        "accreditation/my_accreditation.html",
        checks=checks,
        recommended=services.recommended_level(current_user, levels),
        applications=applications,
        completions=queries.completions_with_courses(current_user.id),
        current=next((a for a in applications if a.is_open), None),
        achieved=achieved,
        clocks=clocks,
    )


@bp.route("/my/accreditation/apply", methods=["GET", "POST"])
@signed_in
def apply() -> ResponseReturnValue:
    levels = queries.active_levels_with_entry()
    recommended = services.recommended_level(current_user, levels)
    form = ApplyForm()
    form.level_id.choices = [
        (
            level.id,
            _("Level %(n)d: %(title)s", n=level.number, title=level.title)
            + (_(" (recommended for you)") if level is recommended else ""),
        )
        for level in levels
    ]
    if request.method == "GET":
        chosen = request.args.get("level", type=int)
        form.level_id.data = chosen or (recommended.id if recommended else None)
    if form.validate_on_submit():
        level = db.get_or_404(AccreditationLevel, form.level_id.data)
        done = act(
            lambda: services.start_application(current_user, level),
            form,
            success=lambda _started: _(
                "Your application for Level %(n)d has started.", n=level.number
            ),
        )
        if done:
            return redirect(url_for(".application_detail", application_id=done.result.id))
    completed = services.completions_of(current_user)
    return form_page(
        "accreditation/apply.html",
        form,
        checks=[services.eligibility(current_user, level, completed) for level in levels],
    )


@bp.get("/applications/<int:application_id>")
@signed_in
@viewable_application
def application_detail(application: Application) -> ResponseReturnValue:
    own = application.user_id == current_user.id
    # The learner reads the assessors' judgements once they have decided.
    show_judgements = not own or application.status not in ("submitted", "awaiting_verification")
    return render_template(
        "accreditation/application_detail.html",
        application=application,
        own=own,
        latest=latest_judgements(application) if show_judgements else {},
        can_download=permissions.can_download_workbook(current_user, application),
        can_edit=own and application.status in EDITABLE_STATUSES,
        can_claim=permissions.can_claim_application(current_user, application),
        can_assess=permissions.can_assess_application(current_user, application),
        can_verify=permissions.can_verify_application(current_user, application),
        can_assign=permissions.can_assign_assessor(current_user, application),
        can_withdraw=application.is_open
        and permissions.can_withdraw_application(current_user, application),
        clock=services.level_clock(
            application.level,
            application.clock_started_on,
            achieved=application.status == "achieved",
        ),
    )


@bp.route("/applications/<int:application_id>/workbooks/new", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_UPLOAD", methods=["POST"])
@signed_in
@load("application", queries.application_for_page, can=permissions.can_work_on_application)
def workbook_upload(application: Application) -> ResponseReturnValue:
    form = WorkbookUploadForm()
    form.file.description = _(
        "A PDF, Word (DOCX) or OpenDocument (ODT) file, up to %(mb)s MB.", mb=upload_limit_mb()
    )
    if form.validate_on_submit():
        done = act(
            lambda: services.upload_workbook(
                current_user, application, upload_of(form.file.data), bool(form.anonymised.data)
            ),
            form,
            success=lambda workbook: _(
                "Version %(v)d of your workbook is uploaded.", v=workbook.version
            ),
        )
        if done:
            return redirect(url_for(".application_detail", application_id=application.id))
        status, headers = refused_upload_status(done.error)
        page, _code = form_page("accreditation/workbook_upload.html", form, application=application)
        return page, status, headers
    return form_page("accreditation/workbook_upload.html", form, application=application)


@bp.get("/applications/<int:application_id>/workbooks/<int:version>")
@signed_in
@load("application", by_id(Application), can=permissions.can_download_workbook)
def workbook_download(application: Application, version: int) -> ResponseReturnValue:
    workbook = queries.workbook(application.id, version)
    if workbook is None:
        abort(404)
    return download(workbook.storage_key, workbook.content_type, workbook.filename)


@bp.route("/applications/<int:application_id>/submit", methods=["GET", "POST"])
@signed_in
@load("application", queries.application_for_page, can=permissions.can_work_on_application)
def application_submit(application: Application) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit() and act(
        lambda: services.submit_application(current_user, application),
        form,
        success=_("Your workbook has been sent to the assessors."),
    ):
        return redirect(url_for(".application_detail", application_id=application.id))
    return form_page("accreditation/application_submit.html", form, application=application)


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@signed_in
@load("application", queries.application_for_page, can=permissions.can_withdraw_application)
def application_withdraw(application: Application) -> ResponseReturnValue:
    form = ReasonForm()
    if form.validate_on_submit() and act(
        lambda: services.withdraw_application(current_user, application, form.reason.data or ""),
        form,
        success=_("The application has been withdrawn."),
    ):
        return redirect(url_for(".application_detail", application_id=application.id))
    return form_page("accreditation/application_withdraw.html", form, application=application)
