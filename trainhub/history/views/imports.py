"""Bringing history in from a spreadsheet: the upload page (problems by line, a dry run, then
the import), each kind's template, the files brought in and what each added."""

from __future__ import annotations

import base64
import zlib
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from trainhub.auth.permissions import allowed
from trainhub.boundary import by_id, load
from trainhub.extensions import db
from trainhub.history.forms import IMPORT_KIND_LABELS, HistoryImportConfirmForm, HistoryImportForm
from trainhub.history.models import IMPORT_KINDS, HistoryImport
from trainhub.history.permissions import can_record_history
from trainhub.history.services import imports, spreadsheets
from trainhub.history.services.outcome import Outcome
from trainhub.history.views import bp
from trainhub.spreadsheets import csv_response

#: How long a dry run's "Import these records" button keeps working, in seconds.
CONFIRM_MAX_AGE = 3600
#: The largest signed file kept in the dry run's page (the form's size limit is above it);
#: a larger file is chosen again instead.
CONFIRM_MAX_CHARS = 400_000


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="history-import")


def _sign(kind: str, filename: str, data: bytes, certificates: bool, invite: bool) -> str:
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    return _signer().dumps(
        {
            "by": current_user.id,
            "kind": kind,
            "filename": filename,
            "data": packed,
            "certificates": certificates,
            "invite": invite,
        }
    )


def _unsign(token: str) -> dict[str, Any] | None:
    """The dry run's file and choices, if signed for this person within the hour."""
    try:
        payload = _signer().loads(token, max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("by") != current_user.id:
        return None
    if payload.get("kind") not in IMPORT_KINDS:
        return None
    return payload


def _upload_page(form: HistoryImportForm, outcome: Outcome | None = None, status: int = 200) -> Any:
    columns = {kind: spreadsheets.columns(kind) for kind in IMPORT_KINDS}
    return render_template(
        "history/import.html",
        form=form,
        outcome=outcome,
        columns=columns,
        required=spreadsheets.REQUIRED,
        labels=IMPORT_KIND_LABELS,
    ), status


def _run(
    form: HistoryImportForm,
    kind: str,
    filename: str,
    data: bytes,
    *,
    dry_run: bool,
    certificates: bool,
    invite: bool,
) -> ResponseReturnValue:
    """Import (or check) the file, then answer: its problems (400), what a dry run would
    add (200), or the confirmation of what was added."""
    outcome = imports.import_history(
        current_user,
        kind,
        filename,
        data,
        dry_run=dry_run,
        certificates=certificates,
        invite=invite,
    )
    if outcome.problems:
        db.session.rollback()
        return _upload_page(form, outcome, 400)
    if dry_run:
        db.session.rollback()
        token = _sign(kind, filename, data, certificates, invite)
        confirm = HistoryImportConfirmForm(payload=token)
        return render_template(
            "history/import_check.html",
            outcome=outcome,
            filename=filename,
            kind=kind,
            labels=IMPORT_KIND_LABELS,
            certificates=certificates,
            invite=invite,
            confirm=confirm if outcome.added and len(token) <= CONFIRM_MAX_CHARS else None,
        )
    source = imports.source_of(outcome)
    db.session.commit()
    if source is None:
        flash(_("Nothing was added: everything in the file was recorded already."), "success")
        return redirect(url_for("history.import_upload"))
    return redirect(url_for("history.import_detail", import_id=source.id))


@bp.route("/admin/history/import", methods=["GET", "POST"])
@allowed(can_record_history)
def import_upload() -> ResponseReturnValue:
    form = HistoryImportForm()
    if not form.validate_on_submit():
        return _upload_page(form, status=400 if form.is_submitted() else 200)
    upload = form.file.data
    return _run(
        form,
        form.kind.data,
        upload.filename or "",
        upload.read(),
        dry_run=form.dry_run.data,
        certificates=form.certificates.data,
        invite=form.invite.data,
    )


@bp.post("/admin/history/import/confirm")
@allowed(can_record_history)
def import_confirm() -> ResponseReturnValue:
    form = HistoryImportConfirmForm()
    payload = _unsign(form.payload.data or "") if form.validate_on_submit() else None
    if payload is None:
        flash(_("That check has expired. Choose the file again."), "error")
        return redirect(url_for("history.import_upload"))
    return _run(
        HistoryImportForm(formdata=None, kind=payload["kind"]),
        payload["kind"],
        payload["filename"],
        zlib.decompress(base64.b64decode(payload["data"])),
        dry_run=False,
        certificates=bool(payload["certificates"]),
        invite=bool(payload["invite"]),
    )


@bp.get("/admin/history/import/<kind>/template.csv")
@allowed(can_record_history)
def import_template(kind: str) -> ResponseReturnValue:
    if kind not in IMPORT_KINDS:
        abort(404)
    return csv_response(spreadsheets.template_csv(kind), f"trainhub-history-{kind}.csv")


@bp.get("/admin/history/imports")
@allowed(can_record_history)
def imports_list() -> ResponseReturnValue:
    page = db.paginate(
        imports.imports_query(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("history/imports.html", page=page, labels=IMPORT_KIND_LABELS)


@bp.get("/admin/history/imports/<int:import_id>")
@allowed(can_record_history)
@load("source", by_id(HistoryImport), arg="import_id")
def import_detail(source: HistoryImport) -> ResponseReturnValue:
    return render_template(
        "history/import_done.html",
        source=source,
        records=imports.records_of(source),
        labels=IMPORT_KIND_LABELS,
    )
