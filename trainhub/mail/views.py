"""Admin pages: the outbox, for checking what was sent and what is waiting."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from trainhub.auth.permissions import role_required
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")


@bp.get("/")
@role_required("admin")
def outbox() -> ResponseReturnValue:
    status = request.args.get("status", "")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in ("pending", "sent"):
        query = query.where(OutboxMessage.status == status)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("mail/outbox.html", page=page, status=status)


@bp.get("/<int:message_id>")
@role_required("admin")
def message_detail(message_id: int) -> ResponseReturnValue:
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "mail/message.html",
        message=message,
        show_body=current_app.config["OUTBOX_SHOW_BODIES"],
    )
