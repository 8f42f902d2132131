"""Admin pages: the outbox, for checking what was sent and what is waiting."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from trainhub.auth.permissions import role_required
from trainhub.auth.roles import Role
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage
from trainhub.mail.queries import outbox_query

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")


@bp.get("/")
@role_required(Role.ADMIN)
def outbox() -> ResponseReturnValue:
    status = request.args.get("status", "")
    page = db.paginate(
        outbox_query(status), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("mail/outbox.html", page=page, status=status)


@bp.get("/<int:message_id>")
@role_required(Role.ADMIN)
def message_detail(message_id: int) -> ResponseReturnValue:
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "mail/message.html",
        message=message,
        show_body=current_app.config["OUTBOX_SHOW_BODIES"],
    )
