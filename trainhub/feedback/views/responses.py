"""Learners: the feedback they have been asked for, and the questionnaire itself."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainhub.errors import ConflictError, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import permissions, queries
from trainhub.feedback.forms import feedback_form
from trainhub.feedback.models import RATING
from trainhub.feedback.services import responses as services
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.views import bp
from trainhub.forms import add_field_error, form_page


@bp.get("/my/feedback")
@login_required
def my_feedback() -> ResponseReturnValue:
    return render_template(
        "feedback/my_feedback.html", requests=queries.requests_of(current_user.id)
    )


@bp.route("/feedback/<int:request_id>", methods=["GET", "POST"])
@login_required
def give(request_id: int) -> ResponseReturnValue:
    request = queries.request_for_page(request_id)
    if request is None:
        abort(404)
    if not permissions.can_give_feedback(current_user, request):
        abort(403)
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
        try:
            services.submit_response(
                current_user, request, questionnaire, answers, form.quote_consent.data
            )
        except ConflictError as error:
            db.session.rollback()
            return render_template(
                "feedback/given.html", feedback_request=request, message=error.message
            ), 409
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Thank you: your feedback has been sent."), "success")
            return redirect(url_for("feedback.my_feedback"))
    elif request.responded:
        # A second, incomplete go (the back button): there is nothing left to correct.
        return render_template("feedback/given.html", feedback_request=request), 409
    return form_page(
        "feedback/give.html", form, feedback_request=request, questionnaire=questionnaire
    )
