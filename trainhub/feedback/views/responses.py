"""Learners: the feedback they have been asked for, and the questionnaire itself."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.permissions import signed_in
from trainhub.boundary import act, load
from trainhub.feedback import permissions, queries
from trainhub.feedback.forms import feedback_form, impact_form
from trainhub.feedback.models import RATING, FeedbackRequest, ImpactRequest
from trainhub.feedback.reporting import min_members
from trainhub.feedback.services import impact
from trainhub.feedback.services import responses as services
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.views import bp
from trainhub.forms import form_page


@bp.get("/my/feedback")
@signed_in
def my_feedback() -> ResponseReturnValue:
    return render_template(
        "feedback/my_feedback.html",
        requests=queries.requests_of(current_user.id),
        surveys=impact.requests_of(current_user.id),
    )


@bp.route("/feedback/<int:request_id>", methods=["GET", "POST"])
@signed_in
@load("request", queries.request_for_page, can=permissions.can_give_feedback)
def give(request: FeedbackRequest) -> ResponseReturnValue:
    questionnaire = current_questionnaire()
    form = feedback_form(questionnaire, str(get_locale()))
    if request.responded and not form.is_submitted():
        return render_template("feedback/given.html", feedback_request=request)
    if form.validate_on_submit():
        answers = {
            item.key: (int(value) if item.kind == RATING and value else value)
            for item in questionnaire.items
            for value in [form[f"item_{item.key}"].data]
        }
        done = act(
            lambda: services.submit_response(
                current_user, request, questionnaire, answers, form.quote_consent.data
            ),
            form,
            success=_("Thank you: your feedback has been sent."),
            conflict="form",
        )
        if done:
            return redirect(url_for("feedback.my_feedback"))
        if done.conflict:
            assert done.error is not None
            return render_template(
                "feedback/given.html", feedback_request=request, message=done.error.message
            ), 409
    elif request.responded:
        # A second, incomplete go (the back button): there is nothing left to correct.
        return render_template("feedback/given.html", feedback_request=request), 409
    return form_page(
        "feedback/give.html",
        form,
        feedback_request=request,
        questionnaire=questionnaire,
        floor=min_members(),
    )


@bp.route("/feedback/impact/<int:request_id>", methods=["GET", "POST"])
@signed_in
@load("request", impact.request_for_page, can=permissions.can_answer_impact_survey)
def give_impact(request: ImpactRequest) -> ResponseReturnValue:
    form = impact_form()
    if request.responded and not form.is_submitted():
        return render_template("feedback/impact_given.html", survey=request)
    if form.validate_on_submit():
        answers = {q.key: form[f"q_{q.key}"].data for q in impact.QUESTIONS}
        answers.update({q.key: int(answers[q.key]) for q in impact.QUESTIONS if q.kind == RATING})
        done = act(
            lambda: impact.submit_impact_response(current_user, request, answers),
            form,
            success=_("Thank you: your answers have been sent."),
            conflict="form",
        )
        if done:
            return redirect(url_for("feedback.my_feedback"))
        if done.conflict:
            assert done.error is not None
            return render_template(
                "feedback/impact_given.html", survey=request, message=done.error.message
            ), 409
    elif request.responded:
        return render_template("feedback/impact_given.html", survey=request), 409
    return form_page(
        "feedback/impact_give.html",
        form,
        survey=request,
        questions=impact.QUESTIONS,
        floor=min_members(),
    )
