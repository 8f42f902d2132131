"""Data-sharing agreements on the organisation's page: administrators record, change and end
them (routes of the ``auth`` blueprint)."""

from __future__ import annotations

from flask import redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.forms import AgreementEndForm, AgreementForm
from trainhub.auth.models import DataSharingAgreement, Organisation
from trainhub.auth.permissions import can_change_agreement, role_required
from trainhub.auth.roles import Role
from trainhub.auth.services import agreements
from trainhub.auth.views import bp
from trainhub.boundary import act, by_id, form_page, load


def _data(form: AgreementForm) -> agreements.AgreementData:
    return agreements.AgreementData(
        reference=form.reference.data or "",
        agreed_on=form.agreed_on.data,
        review_on=form.review_on.data,
        partner_contact=form.partner_contact.data or "",
        notes=form.notes.data or "",
    )


def _back_to(organisation_id: int) -> ResponseReturnValue:
    return redirect(
        url_for(
            "auth.admin_organisation_edit", organisation_id=organisation_id, _anchor="agreements"
        )
    )


@bp.route("/admin/organisations/<int:organisation_id>/agreements/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("organisation", by_id(Organisation))
def agreement_new(organisation: Organisation) -> ResponseReturnValue:
    form = AgreementForm()
    if form.validate_on_submit() and act(
        lambda: agreements.save_agreement(current_user, organisation, None, _data(form)),
        form,
        success=_("Data-sharing agreement recorded."),
    ):
        return _back_to(organisation.id)
    return form_page("auth/agreement_form.html", form, organisation=organisation, agreement=None)


@bp.route("/admin/agreements/<int:agreement_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("agreement", by_id(DataSharingAgreement), can=can_change_agreement)
def agreement_edit(agreement: DataSharingAgreement) -> ResponseReturnValue:
    form = AgreementForm(obj=agreement)
    organisation = agreement.organisation
    if form.validate_on_submit() and act(
        lambda: agreements.save_agreement(current_user, organisation, agreement, _data(form)),
        form,
        success=_("Data-sharing agreement saved."),
        conflict="form",
    ):
        return _back_to(organisation.id)
    return form_page(
        "auth/agreement_form.html", form, organisation=organisation, agreement=agreement
    )


@bp.route("/admin/agreements/<int:agreement_id>/end", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("agreement", by_id(DataSharingAgreement), can=can_change_agreement)
def agreement_end(agreement: DataSharingAgreement) -> ResponseReturnValue:
    form = AgreementEndForm()
    if form.validate_on_submit() and act(
        lambda: agreements.end_agreement(
            current_user, agreement, form.ended_on.data, form.end_reason.data or ""
        ),
        form,
        success=_("Data-sharing agreement ended."),
        conflict="form",
    ):
        return _back_to(agreement.organisation_id)
    return form_page("auth/agreement_end.html", form, agreement=agreement)
