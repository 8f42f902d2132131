"""What has no Welsh yet (Welsh Language Standards): one page for editors listing every text
of every kind of content (``trainhub.bilingual.register_kind``) that lacks its Welsh, and the
exchange with a translator working outside trainhub (``trainhub.site.welsh_exchange``):
download the texts, upload the translation, check what will change, import it."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from trainhub import bilingual
from trainhub.auth.permissions import allowed, role_required
from trainhub.auth.roles import STAFF
from trainhub.boundary import act
from trainhub.errors import ValidationFailed
from trainhub.forms import add_field_error, form_page
from trainhub.localtime import local_today
from trainhub.site import welsh_exchange
from trainhub.site.forms import WelshExportForm, WelshImportConfirmForm, WelshImportForm
from trainhub.site.permissions import can_exchange_welsh
from trainhub.site.views import bp
from trainhub.spreadsheets import csv_response

#: How long a checked file's "Import" button keeps working, in seconds.
CONFIRM_MAX_AGE = 3600
#: The largest signed set of translations the check page keeps (below the form's memory
#: limit); more is imported in parts.
CONFIRM_MAX_CHARS = 400_000


@bp.get("/admin/welsh")
@role_required(*STAFF)
def welsh_completeness() -> ResponseReturnValue:
    found = [(kind, kind.gaps(), kind.can_edit(current_user)) for kind in bilingual.kinds()]
    exchange = can_exchange_welsh(current_user)
    return render_template(
        "site/welsh_completeness.html",
        kinds=found,
        total=sum(len(gaps) for _kind, gaps, _edits in found),
        export_form=WelshExportForm(formdata=None) if exchange else None,
    )


def _export_units() -> list[tuple[bilingual.ContentKind, list[bilingual.TextUnit]]]:
    form = WelshExportForm(formdata=request.args)
    if not form.validate():
        abort(400)
    return welsh_exchange.export_units(current_user, only_missing=form.which.data != "all")


def _file_name() -> str:
    return f"trainhub-welsh-{local_today().isoformat()}"


@bp.get("/admin/welsh/export.xlf")
@allowed(can_exchange_welsh)
def welsh_export_xliff() -> ResponseReturnValue:
    return send_file(
        io.BytesIO(welsh_exchange.xliff_bytes(_export_units())),
        mimetype="application/x-xliff+xml",
        as_attachment=True,
        download_name=f"{_file_name()}.xlf",
        max_age=0,
    )


@bp.get("/admin/welsh/export.csv")
@allowed(can_exchange_welsh)
def welsh_export_csv() -> ResponseReturnValue:
    return csv_response(welsh_exchange.csv_content(_export_units()), f"{_file_name()}.csv")


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="welsh-import")


def _unsign(token: str) -> list[welsh_exchange.Row] | None:
    """The checked translations, if signed for this person within the hour."""
    try:
        payload = _signer().loads(token, max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("by") != current_user.id:
        return None
    rows = payload.get("rows")
    if not isinstance(rows, list):
        return None
    return [welsh_exchange.Row(*map(str, row)) for row in rows if len(row) == 3]


def _upload_page(form: WelshImportForm) -> ResponseReturnValue:
    return form_page("site/welsh_import.html", form)


@bp.route("/admin/welsh/import", methods=["GET", "POST"])
@allowed(can_exchange_welsh)
def welsh_import() -> ResponseReturnValue:
    form = WelshImportForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    data = form.file.data.read(welsh_exchange.MAX_FILE_BYTES + 1)
    # A check: the kinds' rules run, nothing they write is kept.
    checked = act(
        lambda: welsh_exchange.plan_import(current_user, welsh_exchange.read_file(data)),
        form,
        check_only=True,
    )
    if not checked:
        return _upload_page(form)
    plan = checked.result
    rows = [[c.unit.key, c.unit.english, c.welsh] for c in plan.changes]
    token = _signer().dumps({"by": current_user.id, "rows": rows})
    return render_template(
        "site/welsh_import_check.html",
        plan=plan,
        confirm=WelshImportConfirmForm(payload=token)
        if plan.changes and len(token) <= CONFIRM_MAX_CHARS
        else None,
        too_many=len(token) > CONFIRM_MAX_CHARS,
        filename=form.file.data.filename or "",
    )


@bp.post("/admin/welsh/import/confirm")
@allowed(can_exchange_welsh)
def welsh_import_confirm() -> ResponseReturnValue:
    confirm = WelshImportConfirmForm()
    rows = _unsign(confirm.payload.data or "") if confirm.validate_on_submit() else None
    form = WelshImportForm(formdata=None)
    if not rows:
        add_field_error(
            form,
            ValidationFailed(
                "file", _("That check has expired: choose the file again to import it")
            ),
        )
        return _upload_page(form)

    def imported(count: Any) -> str:
        return ngettext("%(num)d translation imported.", "%(num)d translations imported.", count)

    if act(lambda: welsh_exchange.import_welsh(current_user, rows), form, success=imported):
        return redirect(url_for("site.welsh_completeness"))
    return _upload_page(form)
