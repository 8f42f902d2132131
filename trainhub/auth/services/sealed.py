"""Every secret trainhub keeps sealed (``trainhub.sealing``), sealed again under the current
key: run after a rotation (``flask secrets reseal``), before the old key is removed from
``SECRET_KEY_FALLBACKS``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from trainhub import sealing
from trainhub.auth.models import TOTP_SEALING, IdentityProvider, TwoFactorAuthenticator
from trainhub.auth.services.oidc import SEALING as CLIENT_SECRET_SEALING
from trainhub.extensions import db

log = logging.getLogger(__name__)


@dataclass
class Resealed:
    client_secrets: int = 0
    authenticators: int = 0
    #: What no configured key opens: described, never the secret.
    unreadable: list[str] = field(default_factory=list)


def reseal_all() -> Resealed:
    """Seal every client secret and authenticator secret again under the current key; what
    cannot be opened is left as it is and reported (the caller commits)."""
    done = Resealed()
    providers = select(IdentityProvider).where(IdentityProvider.client_secret_sealed != "")
    for provider in db.session.execute(providers).scalars():
        try:
            provider.client_secret_sealed = sealing.reseal(
                provider.client_secret_sealed, *CLIENT_SECRET_SEALING
            )
            done.client_secrets += 1
        except sealing.Unreadable:
            done.unreadable.append(f"client secret of sign-in service {provider.id}")
    for authenticator in db.session.execute(select(TwoFactorAuthenticator)).scalars():
        try:
            authenticator.secret_sealed = sealing.reseal(authenticator.secret_sealed, TOTP_SEALING)
            done.authenticators += 1
        except sealing.Unreadable:
            done.unreadable.append(f"authenticator of account {authenticator.user_id}")
    log.info(
        "Resealed %d client secrets and %d authenticators; %d unreadable",
        done.client_secrets,
        done.authenticators,
        len(done.unreadable),
    )
    return done
