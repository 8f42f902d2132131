"""The managed list of organisations people belong to."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub import bilingual
from trainhub.auth.models import Organisation, User
from trainhub.auth.roles import Role
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db

log = logging.getLogger(__name__)

#: The longest organisation name, in either language (the columns' length).
MAX_NAME = 200


def save_organisation(
    actor: User,
    organisation: Organisation | None,
    name: str,
    sector: str | None,
    active: bool,
    copy_line_managers: bool | None = None,
    name_cy: str | None = None,
) -> Organisation:
    """Create (``organisation`` None) or change an organisation in the managed list.
    ``copy_line_managers`` None leaves that setting as it is; so does ``name_cy`` None
    (the name in Welsh, ``trainhub.bilingual``: "" is no Welsh yet).

    :raises PermissionDenied: when ``actor`` is neither an administrator nor a manager, or
        a manager changes whether line managers are copied (administrators only).
    :raises ValidationFailed: on ``name`` when another organisation has it (any case).
    """
    if not actor.has_role(Role.ADMIN, Role.MANAGER):
        raise PermissionDenied(_("Only an administrator or manager can change organisations"))
    if copy_line_managers is not None and not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change who is copied on bookings"))
    name = " ".join(name.split())
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if organisation is not None:
        query = query.where(Organisation.id != organisation.id)
    if db.session.execute(query).first() is not None:
        raise ValidationFailed("name", _("There is already an organisation with this name"))
    if name_cy is not None:
        name_cy = bilingual.fitted(name_cy, MAX_NAME, field="name_cy")
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
    organisation.name = name
    organisation.sector = sector or None
    organisation.is_active = active
    if copy_line_managers is not None:
        organisation.copy_line_managers = copy_line_managers
    if name_cy is not None:
        organisation.name_cy = name_cy or None
    db.session.flush()
    return organisation


def apply_organisation_welsh(changes: dict[str, str], actor: User) -> int:
    """Write imported Welsh names (``{"organisations:<id>:name": Welsh}``, "" clears one) for
    ``actor``: every change is checked before any is written; returns how many changed.

    :raises PermissionDenied: when ``actor`` is neither an administrator nor a manager.
    :raises ValidationFailed: naming the first key that is unknown, whose organisation is
        gone or whose Welsh does not fit.
    """
    if not actor.has_role(Role.ADMIN, Role.MANAGER):
        raise PermissionDenied(_("Only an administrator or manager can change organisations"))
    return bilingual.apply_columns(Organisation, "organisations", {"name": MAX_NAME}, changes)


def seed_organisations(entries: Iterable[tuple[str, str]] | None = None) -> list[Organisation]:
    """Add the partner organisations that are missing (case-insensitive). Idempotent."""
    from trainhub.auth.seed_data import ORGANISATIONS

    known = {name.lower() for name in db.session.execute(select(Organisation.name)).scalars()}
    added = []
    for name, sector in entries if entries is not None else ORGANISATIONS:
        if name.lower() not in known:
            organisation = Organisation(name=name, sector=sector)
            db.session.add(organisation)
            added.append(organisation)
            known.add(name.lower())
    db.session.flush()
    return added
