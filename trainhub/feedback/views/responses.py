"""Learners: the feedback they have been asked for, and the questionnaire itself."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

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


def _answered_once(
    asked: FeedbackRequest | ImpactRequest,
    form: Any,
    *,
    answered: Callable[..., str],
    submit: Callable[[], object],
    success: str,
    blank: Callable[[], ResponseReturnValue],
) -> ResponseReturnValue:
    """A questionnaire each person answers once (the cohort's feedback, the impact survey).

    Answered already: the ``answered`` page (409 when it comes back submitted, with the
    service's reason when the answer lost a race). Sent: to *My feedback*. Otherwise the
    ``blank`` form page, its errors marked.
    """
    if asked.responded and not form.is_submitted():
        return answered()
    if form.validate_on_submit():
        done = act(submit, form, success=success, conflict="form")
        if done:
            return redirect(url_for("feedback.my_feedback"))
        if done.conflict:
            assert done.error is not None
            return answered(message=done.error.message), 409
    elif asked.responded:
        # A second, incomplete go (the back button): there is nothing left to correct.
        return answered(), 409
    return blank()


@bp.route("/feedback/<int:request_id>", methods=["GET", "POST"])
@signed_in
@load("request", queries.request_for_page, can=permissions.can_give_feedback)
def give(request: FeedbackRequest) -> ResponseReturnValue:
    questionnaire = current_questionnaire()
    form = feedback_form(questionnaire, str(get_locale()))

    def submit() -> object:
        answers = {
            item.key: (int(value) if item.kind == RATING and value else value)
            for item in questionnaire.items
            for value in [form[f"item_{item.key}"].data]
        }
        return services.submit_response(
            current_user, request, questionnaire, answers, form.quote_consent.data
        )

    return _answered_once(
        request,
        form,
        answered=partial(render_template, "feedback/given.html", feedback_request=request),
        submit=submit,
        success=_("Thank you: your feedback has been sent."),
        blank=lambda: form_page(
            "feedback/give.html",
            form,
            feedback_request=request,
            questionnaire=questionnaire,
            floor=min_members(),
        ),
    )


@bp.route("/feedback/impact/<int:request_id>", methods=["GET", "POST"])
@signed_in
@load("request", impact.request_for_page, can=permissions.can_answer_impact_survey)
def give_impact(request: ImpactRequest) -> ResponseReturnValue:
    form = impact_form()

    def submit() -> object:
        answers = {q.key: form[f"q_{q.key}"].data for q in impact.QUESTIONS}
        answers.update({q.key: int(answers[q.key]) for q in impact.QUESTIONS if q.kind == RATING})
        return impact.submit_impact_response(current_user, request, answers)

    return _answered_once(
        request,
        form,
        answered=partial(render_template, "feedback/impact_given.html", survey=request),
        submit=submit,
        success=_("Thank you: your answers have been sent."),
        blank=lambda: form_page(
            "feedback/impact_give.html",
            form,
            survey=request,
            questions=impact.QUESTIONS,
            floor=min_members(),
        ),
    )
