"""Public links to a badge: a learner shares one certificate's badge, and can withdraw it."""

from __future__ import annotations

import logging
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from trainhub import audit
from trainhub.accreditation.models import BadgeLink, Certificate
from trainhub.accreditation.services.badges import BADGE_LANGUAGES
from trainhub.auth.models import User
from trainhub.bilingual import ENGLISH
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow

log = logging.getLogger(__name__)

LINK_CREATED = audit.describe("accreditation.badge_link_created", _l("Public badge link made"))
LINK_WITHDRAWN = audit.describe(
    "accreditation.badge_link_withdrawn", _l("Public badge link withdrawn")
)


def active_link(certificate: Certificate) -> BadgeLink | None:
    return db.session.execute(
        select(BadgeLink).where(
            BadgeLink.certificate_id == certificate.id, BadgeLink.withdrawn_at.is_(None)
        )
    ).scalar_one_or_none()


def find_by_token(token: str) -> BadgeLink | None:
    """The link with this token, withdrawn or not; None for one that never existed."""
    if len(token) > 64:
        return None
    return db.session.execute(
        select(BadgeLink).where(BadgeLink.token == token)
    ).scalar_one_or_none()


def create_link(actor: User, certificate: Certificate, language: str = ENGLISH) -> BadgeLink:
    """A public link to the badge of ``actor``'s own, valid certificate, in ``language``.

    :raises PermissionDenied: when the certificate is someone else's.
    :raises ValidationFailed: on ``language`` when it is no badge language.
    :raises ConflictError: when it is revoked, or already has a link.
    """
    if certificate.user_id != actor.id:
        raise PermissionDenied(_("Only the certificate's holder can share its badge"))
    if language not in BADGE_LANGUAGES:
        raise ValidationFailed("language", _("Choose the language of your Open Badges"))
    if not certificate.is_valid:
        raise ConflictError(_("A revoked certificate's badge cannot be shared"))
    if active_link(certificate) is not None:
        raise ConflictError(_("This badge already has a public link"))
    link = BadgeLink(
        certificate_id=certificate.id, token=secrets.token_urlsafe(24), language=language
    )
    db.session.add(link)
    db.session.flush()
    audit.record(actor, LINK_CREATED, f"Certificate {certificate.code}, link {link.id}")
    return link


def withdraw_link(actor: User, link: BadgeLink) -> BadgeLink:
    """The link stops working at once; the badge itself stays valid.

    :raises PermissionDenied: when the link is to someone else's badge.
    :raises ConflictError: when it was already withdrawn.
    """
    if link.certificate.user_id != actor.id:
        raise PermissionDenied(_("Only the certificate's holder can withdraw its link"))
    if link.withdrawn_at is not None:
        raise ConflictError(_("This link has already been withdrawn"))
    link.withdrawn_at = utcnow()
    db.session.flush()
    audit.record(actor, LINK_WITHDRAWN, f"Certificate {link.certificate.code}, link {link.id}")
    log.info("Badge link %s withdrawn by %s", link.id, actor.id)
    return link
