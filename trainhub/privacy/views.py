"""The privacy blueprint: download my data, an administrator's subject-access export,
erasure and the retention schedule."""

from __future__ import annotations

import io

from flask import Blueprint, current_app, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.models import User
from trainhub.auth.permissions import role_required, signed_in
from trainhub.auth.roles import Role
from trainhub.boundary import act, by_id, load
from trainhub.extensions import db
from trainhub.forms import form_page
from trainhub.privacy import models as _models  # noqa: F401  (the tables, for migrations)
from trainhub.privacy import permissions, queries
from trainhub.privacy.forms import ErasureForm
from trainhub.privacy.services import export, files, retention
from trainhub.privacy.services.erasure import erase_person, plan_erasure

bp = Blueprint("privacy", __name__)


def _zip(made: export.Export) -> ResponseReturnValue:
    response = send_file(
        io.BytesIO(made.data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=made.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/data")
@signed_in
def my_data() -> ResponseReturnValue:
    return render_template("privacy/my_data.html", kinds=export.KINDS)


@bp.get("/account/data.zip")
@signed_in
def my_data_download() -> ResponseReturnValue:
    made = export.export_person(current_user, current_user, str(get_locale() or "en"))
    db.session.commit()  # the audit entry
    return _zip(made)


@bp.get("/admin/users/<int:user_id>/data.zip")
@role_required(Role.ADMIN)
@load("person", by_id(User), can=permissions.can_export_person_data, arg="user_id")
def person_data_download(person: User) -> ResponseReturnValue:
    made = export.export_person(current_user, person, str(get_locale() or "en"))
    db.session.commit()  # the audit entry
    return _zip(made)


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("person", by_id(User), can=permissions.can_erase_person, arg="user_id")
def person_erase(person: User) -> ResponseReturnValue:
    erasure = queries.erasure_of(person.id)
    form = ErasureForm()
    if erasure is None and form.validate_on_submit():
        name = person.full_name
        if act(
            lambda: erase_person(
                current_user, person, form.reason.data or "", force_reason=form.forced_reason()
            ),
            form,
            success=_("%(name)s has been erased.", name=name),
            conflict="form",
        ):
            # Only now that the erasure is committed do their files go (see services.files).
            files.delete_pending()
            db.session.commit()
            return redirect(url_for("auth.admin_user_edit", user_id=person.id))
    return form_page(
        "privacy/erase.html", form, person=person, erasure=erasure, plan=plan_erasure(person)
    )


@bp.get("/admin/retention")
@role_required(Role.ADMIN)
def retention_schedule() -> ResponseReturnValue:
    schedule = retention.Schedule.from_config(current_app.config)
    return render_template(
        "privacy/retention.html",
        schedule=schedule,
        overview=retention.due_overview(schedule),
        pending_files=len(queries.pending_deletions()),
    )
