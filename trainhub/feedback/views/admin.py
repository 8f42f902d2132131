"""Admins: the feedback questionnaire and its versions."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.permissions import allowed
from trainhub.boundary import act
from trainhub.extensions import db
from trainhub.feedback import permissions
from trainhub.feedback.forms import QuestionnaireForm
from trainhub.feedback.services import questionnaire as services
from trainhub.feedback.views import bp
from trainhub.forms import form_page


@bp.get("/admin/feedback/questionnaire")
@allowed(permissions.can_edit_questionnaire)
def questionnaire() -> ResponseReturnValue:
    current = services.current_questionnaire()
    db.session.commit()  # the standard questionnaire, the first time anyone looks
    return render_template(
        "feedback/questionnaire.html",
        questionnaire=current,
        versions=services.versions(),
        shown_note=services.shown_note,
    )


@bp.route("/admin/feedback/questionnaire/edit", methods=["GET", "POST"])
@allowed(permissions.can_edit_questionnaire)
def questionnaire_edit() -> ResponseReturnValue:
    current = services.current_questionnaire()
    form = QuestionnaireForm()
    if not form.is_submitted():
        for item in current.items:
            form.items.append_entry(
                {"key": item.key, "kind": item.kind, "text": item.text, "text_cy": item.text_cy}
            )
        form.items.entries.pop(0)  # the blank entry min_entries made
        form.items.append_entry({"kind": "rating"})  # room for a new question
    if form.validate_on_submit():
        drafts = [
            services.ItemDraft(
                key=entry.form.key.data or "",
                kind=entry.form.kind.data,
                text=entry.form.text.data or "",
                text_cy=entry.form.text_cy.data or "",
            )
            for entry in form.items.entries
            if not entry.form.remove.data
        ]
        if act(
            lambda: services.save_version(current_user, drafts, form.note.data),
            form,
            success=_("The questionnaire is saved as a new version."),
        ):
            return redirect(url_for("feedback.questionnaire"))
    return form_page("feedback/questionnaire_edit.html", form, questionnaire=current)
