"""The assessor's side: the queue, claiming and assigning, judging outcomes, verifying."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from trainhub.accreditation import permissions, queries
from trainhub.accreditation.forms import (
    AssignForm,
    ConfirmForm,
    DecisionForm,
    VerifyForm,
    fill_judgements,
    judgement_form,
)
from trainhub.accreditation.models import Application
from trainhub.accreditation.services import assessment as services
from trainhub.accreditation.views import bp
from trainhub.auth.models import User
from trainhub.auth.permissions import role_required
from trainhub.auth.roles import Role
from trainhub.boundary import act, by_id, load
from trainhub.errors import ValidationFailed
from trainhub.extensions import db
from trainhub.forms import form_page


def _application(can: Callable[[User, Application], bool]) -> Any:
    """``@_application(can)``: the application of the URL's ``application_id`` if ``can``."""
    return load("application", queries.application_for_page, can=can)


@bp.get("/assessment")
@role_required(Role.ASSESSOR)
def assessment_queue() -> ResponseReturnValue:
    queue = request.args.get("queue", "waiting")
    if queue not in queries.QUEUES:
        queue = "waiting"
    level_id = request.args.get("level", type=int)
    page = db.paginate(
        queries.assessment_queue(current_user, queue, level_id),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "accreditation/assessment_queue.html",
        page=page,
        queue=queue,
        level_id=level_id,
        levels=queries.levels(),
        counts=queries.queue_counts(current_user),
    )


@bp.post("/applications/<int:application_id>/claim")
@role_required(Role.ASSESSOR)
@_application(permissions.can_judge_application)
def application_claim(application: Application) -> ResponseReturnValue:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not act(
        lambda: services.claim_application(current_user, application),
        success=_("The application is yours to assess."),
    ):
        return redirect(url_for(".assessment_queue"))
    return redirect(url_for(".application_assess", application_id=application.id))


@bp.route("/applications/<int:application_id>/assign", methods=["GET", "POST"])
@role_required(Role.ADMIN)
# Not the page loader: with ``assessor`` already loaded, the service's new assessor_id
# would not reach ``application.assessor`` and the notice would go to nobody.
@load("application", by_id(Application))
def application_assign(application: Application) -> ResponseReturnValue:
    form = AssignForm()
    form.assessor_id.choices = [
        (0, _("Choose an assessor")),
        *queries.assessor_choices(application.user_id),
    ]
    if request.method == "GET" and application.assessor_id:
        form.assessor_id.data = application.assessor_id
    if form.validate_on_submit():
        assessor = db.session.get(User, form.assessor_id.data or 0)

        def assign() -> User:
            if assessor is None:
                raise ValidationFailed("assessor_id", _("Choose an assessor"))
            services.assign_assessor(current_user, application, assessor)
            return assessor

        if act(
            assign,
            form,
            success=lambda chosen: _("%(name)s is now the assessor.", name=chosen.full_name),
        ):
            return redirect(url_for(".application_detail", application_id=application.id))
    return form_page("accreditation/application_assign.html", form, application=application)


@bp.route("/applications/<int:application_id>/assess", methods=["GET", "POST"])
@role_required(Role.ASSESSOR)
@_application(permissions.can_assess_application)
def application_assess(application: Application) -> ResponseReturnValue:
    outcomes = services.outcomes_to_judge(application)
    form = judgement_form(outcomes)
    if request.method == "GET":
        fill_judgements(form, services.latest_judgements(application))
    if form.validate_on_submit():
        judgements = {
            o.id: services.Judgement(
                met=form[f"met_{o.id}"].data == "met", comment=form[f"comment_{o.id}"].data or ""
            )
            for o in outcomes
        }
        if act(
            lambda: services.record_judgements(current_user, application, judgements),
            form,
            success=_("Judgements saved."),
        ):
            return redirect(url_for(".application_assess", application_id=application.id))
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return _assess_page(application, form, DecisionForm(formdata=None), status)


def _decision_message(application: Application) -> str:
    messages = {
        "achieved": _("Level %(n)d awarded.", n=application.level.number),
        "awaiting_verification": _("Sent to a second assessor to verify the award."),
        "resubmission_requested": _("The learner has been asked to resubmit."),
    }
    return messages.get(application.status, _("Decision recorded."))


def _assess_page(
    application: Application, judgements: FlaskForm, decision: DecisionForm, status: int
) -> ResponseReturnValue:
    """The assess page: the judgement form, and the decision the judgements allow."""
    unjudged, not_met = services.unmet_outcomes(application)
    page = render_template(
        "accreditation/assess.html",
        form=judgements,
        application=application,
        outcomes=services.outcomes_to_judge(application),
        decision_form=decision,
        can_award=not unjudged and not not_met,
        can_resubmit=not unjudged and bool(not_met),
    )
    return page, status


@bp.post("/applications/<int:application_id>/decide")
@role_required(Role.ASSESSOR)
@_application(permissions.can_assess_application)
def application_decide(application: Application) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit() and act(
        lambda: services.decide_application(
            current_user, application, form.decision.data == "achieved", form.note.data or ""
        ),
        form,
        success=lambda _none: _decision_message(application),
    ):
        return redirect(url_for(".application_detail", application_id=application.id))
    judgements = judgement_form(services.outcomes_to_judge(application), formdata=None)
    fill_judgements(judgements, services.latest_judgements(application))
    return _assess_page(application, judgements, form, 400)


@bp.route("/applications/<int:application_id>/verify", methods=["GET", "POST"])
@role_required(Role.ASSESSOR)
@_application(permissions.can_verify_application)
def application_verify(application: Application) -> ResponseReturnValue:
    form = VerifyForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.verify_application(
                current_user, application, form.decision.data == "confirm", form.note.data or ""
            ),
            form,
            success=lambda _none: (
                _("Award verified: Level %(n)d awarded.", n=application.level.number)
                if application.status == "achieved"
                else _("Sent back to the assessor.")
            ),
        )
        if done or done.conflict:
            return redirect(url_for(".assessment_queue", queue="verify"))
    return form_page(
        "accreditation/application_verify.html",
        form,
        application=application,
        latest=services.latest_judgements(application),
    )
