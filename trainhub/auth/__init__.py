"""Accounts, sign-in, roles and organisations."""

# Routes in modules of their own, on the same blueprint: data-sharing agreements, two-step
# verification, sign-in with the employer's account (OpenID Connect).
from flask_babel import lazy_gettext as _l

from trainhub import bilingual
from trainhub.auth import (
    agreement_views,  # noqa: F401
    oidc_views,  # noqa: F401
    queries,
    two_factor_views,  # noqa: F401
)
from trainhub.auth.roles import Role
from trainhub.auth.services import organisations as _organisations
from trainhub.auth.views import bp

# Organisations' names are listed on the page of what lacks Welsh, and exported with it.
bilingual.register_kind(
    "organisations",
    _l("Organisations"),
    queries.organisation_welsh_gaps,
    lambda actor: bool(actor.is_authenticated and actor.has_role(Role.ADMIN, Role.MANAGER)),
    units=queries.organisation_units,
    apply=_organisations.apply_organisation_welsh,
)

__all__ = ["bp"]
