"""Line managers' decisions on their people's bookings: a page listing the requests for
those with an account, and a single-use page behind an e-mailed link for those without.
Neither link nor page ever signs anyone in."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.permissions import public, signed_in
from trainhub.boundary import act, by_id, flash_invalid, load
from trainhub.courses import permissions
from trainhub.courses.forms.cohorts import DecisionForm, LineManagerLinkForm
from trainhub.courses.models import LineManagerApproval
from trainhub.courses.services import line_managers as services
from trainhub.courses.views import bp
from trainhub.extensions import csrf, db


@bp.get("/line-manager/requests")
@signed_in
def line_manager_requests() -> ResponseReturnValue:
    page = db.paginate(
        services.requests_for(current_user),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("courses/line_manager_requests.html", page=page, form=DecisionForm())


@bp.post("/line-manager/requests/<int:approval_id>/decide")
@signed_in
@load("approval", by_id(LineManagerApproval), can=permissions.can_decide_as_line_manager)
def line_manager_decide(approval: LineManagerApproval) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit():
        name = approval.booking.user.full_name
        approve = bool(form.approve.data)
        act(
            lambda: services.decide_as_line_manager(
                current_user, approval, approve=approve, reason=form.reason.data or ""
            ),
            success=_("You approved the request from %(name)s.", name=name)
            if approve
            else _("You declined the request from %(name)s.", name=name),
        )
    else:
        flash_invalid(form)
    return redirect(url_for("courses.line_manager_requests"))


@bp.route("/line-manager/decide/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def line_manager_link(token: str) -> ResponseReturnValue:
    """Opening the link only shows the request; deciding is a POST to the same address,
    which then shows the decision (no flash: that would need a session)."""
    approval = services.approval_for_token(token)
    if approval is None:
        return render_template("courses/line_manager_link_invalid.html"), 404
    form = LineManagerLinkForm()
    status, error = 200, None
    if request.method == "POST":
        if not form.validate():
            status = 400
        else:
            done = act(
                lambda: services.decide_by_link(
                    token, approve=bool(form.approve.data), reason=form.reason.data or ""
                ),
                show_errors=False,
            )
            if done:
                return redirect(url_for("courses.line_manager_link", token=token))
            error = done.error
            status = 400 if done.invalid else 409
    return (
        render_template(
            "courses/line_manager_link.html",
            approval=approval,
            booking=approval.booking,
            cohort=approval.booking.cohort,
            learner=approval.booking.user,
            state=services.link_state(approval),
            form=form,
            error=error,
        ),
        status,
    )
