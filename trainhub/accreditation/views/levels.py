"""Accreditation levels: the public list and their administration."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.accreditation import queries, services
from trainhub.accreditation.forms import LevelForm
from trainhub.accreditation.models import AccreditationLevel
from trainhub.accreditation.views import bp
from trainhub.auth.permissions import public, role_required
from trainhub.auth.roles import Role
from trainhub.boundary import act
from trainhub.courses.queries import prerequisite_choices
from trainhub.extensions import db
from trainhub.forms import form_page


@bp.get("/accreditation")
@public
def levels() -> ResponseReturnValue:
    shown = [level for level in queries.levels() if level.is_active]
    return render_template("accreditation/levels.html", levels=shown)


@bp.get("/admin/levels")
@role_required(Role.ADMIN)
def admin_levels() -> ResponseReturnValue:
    return render_template("accreditation/admin_levels.html", levels=queries.levels())


@bp.route("/admin/levels/new", methods=["GET", "POST"], defaults={"level_id": None})
@bp.route("/admin/levels/<int:level_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_level_edit(level_id: int | None) -> ResponseReturnValue:
    level = db.get_or_404(AccreditationLevel, level_id) if level_id else None
    form = LevelForm()
    # Never an event (nobody completes one), but any the level names already.
    form.course_ids.choices = prerequisite_choices(
        chosen=[c.id for c in (level.courses + level.entry_courses)] if level else ()
    )
    form.entry_course_ids.choices = form.course_ids.choices
    if request.method == "GET" and level is not None:
        form.process(obj=level)
        form.outcomes.data = "\n".join(o.text for o in level.outcomes)
        form.title_cy.data = level.title_cy or ""
        form.description_cy.data = level.description_cy or ""
        form.outcomes_cy.data = "\n".join(o.text_cy or "" for o in level.outcomes).rstrip("\n")
        form.course_ids.data = [c.id for c in level.courses]
        form.entry_course_ids.data = [c.id for c in level.entry_courses]
    if form.validate_on_submit():
        data = services.LevelInput(
            number=form.number.data,
            title=form.title.data,
            outcomes=(form.outcomes.data or "").splitlines(),
            description=form.description.data or "",
            accrediting_body=form.accrediting_body.data or "",
            credit_value=form.credit_value.data,
            is_active=form.is_active.data,
            course_ids=set(form.course_ids.data or []),
            entry_course_ids=set(form.entry_course_ids.data or []),
            cpd_hours=form.cpd_hours.data,
            requires_verification=form.requires_verification.data,
            due_after_months=form.due_after_months.data,
            overdue_after_months=form.overdue_after_months.data,
            title_cy=form.title_cy.data or "",
            outcomes_cy=(form.outcomes_cy.data or "").splitlines(),
            description_cy=form.description_cy.data or "",
        )
        if act(
            lambda: services.save_level(current_user, level, data),
            form,
            success=_("Level %(n)d saved.", n=data.number),
        ):
            return redirect(url_for("accreditation.admin_levels"))
    return form_page("accreditation/admin_level_form.html", form, level=level)
