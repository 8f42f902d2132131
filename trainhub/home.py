"""The start page, each person's home, the administration index and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from trainhub import database
from trainhub.auth.permissions import public, role_required
from trainhub.auth.roles import MANAGERS
from trainhub.urls import safe_next

bp = Blueprint("home", __name__)


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return render_template("home/dashboard.html")
    return render_template("home/start.html")


@bp.get("/admin")
@role_required(*MANAGERS)
def admin() -> ResponseReturnValue:
    return render_template("home/admin.html")


@bp.get("/language/<code>")
@public
def language(code: str) -> ResponseReturnValue:
    """Switch the interface language, then go back to the page the visitor was on."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("home.index")))


@bp.get("/healthz")
@public
def health() -> ResponseReturnValue:
    """For load balancers and monitoring: the app's state and the database's, as JSON, in
    HEALTH_CHECK_TIMEOUT at most whatever the database does (it is asked on a thread of
    its own). 200 while pages can be served: "ok", or "degraded" while the database
    refuses writes (reading still works); 503 while it cannot be reached or does not
    answer in time."""
    state = database.database_state(current_app._get_current_object())  # type: ignore[attr-defined]
    if state == database.OK:
        return {"status": "ok", "database": state}, 200
    if state == database.READ_ONLY:
        return {"status": "degraded", "database": state}, 200
    return {"status": "unavailable", "database": state}, 503
