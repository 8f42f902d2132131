"""Secrets kept sealed at rest (``trainhub.sealing``): authenticator secrets and identity
providers' client secrets are unreadable in the database, survive a SECRET_KEY rotation with
a fallback, are sealed again by ``flask secrets reseal``, and a key lost without a fallback
leaves a clear way back in (a recovery code), never a crash."""

from __future__ import annotations

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tests.factories import make_user, turn_on_two_factor
from trainhub import sealing
from trainhub.auth.models import TOTP_SEALING, IdentityProvider, TwoFactorAuthenticator
from trainhub.auth.services import two_factor
from trainhub.auth.services.oidc import seal as seal_client_secret
from trainhub.auth.services.oidc import unseal as unseal_client_secret
from trainhub.errors import ValidationFailed
from trainhub.extensions import db, utcnow

OLD_KEY = "an-old-key-that-was-long-enough-0123456789"
NEW_KEY = "a-new-key-that-is-also-long-enough-9876543210"


def enrolled() -> tuple[int, str, list[str]]:
    user = make_user()
    secret, codes = turn_on_two_factor(user)
    db.session.commit()
    return user.id, secret, codes


def stored(user_id: int) -> str:
    query = sa.text("SELECT secret_sealed FROM two_factor_authenticators WHERE user_id = :u")
    return str(db.session.execute(query, {"u": user_id}).scalar_one())


@pytest.mark.usefixtures("app")
def test_a_purpose_opens_only_its_own_secrets(app: Flask):
    sealed = sealing.seal("JBSWY3DPEHPK3PXP", "one purpose")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert sealing.unseal(sealed, "one purpose") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(sealed, "another purpose")
    with pytest.raises(sealing.Unreadable):
        sealing.unseal("not a sealed value", "one purpose")


@pytest.mark.usefixtures("app")
def test_the_authenticator_secret_is_not_readable_in_the_database(app: Flask):
    user_id, secret, _codes = enrolled()
    kept = stored(user_id)
    assert secret not in kept and secret.lower() not in kept.lower()
    authenticator = db.session.get(TwoFactorAuthenticator, user_id)
    assert authenticator is not None and authenticator.secret == secret


def test_a_rotated_key_keeps_working_through_the_fallback_and_reseal_moves_to_the_new(
    app: Flask,
):
    app.config.update(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[])
    user_id, secret, _codes = enrolled()
    provider_secret = seal_client_secret("the-client-secret")
    app.config.update(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
    authenticator = db.session.get(TwoFactorAuthenticator, user_id)
    assert authenticator is not None and authenticator.secret == secret
    assert unseal_client_secret(provider_secret) == "the-client-secret"

    result = app.test_cli_runner().invoke(args=["secrets", "reseal"])
    assert result.exit_code == 0, result.output
    assert "1 authenticator(s)" in result.output
    db.session.expire_all()

    app.config.update(SECRET_KEY_FALLBACKS=[])  # the fallback removed: still readable
    authenticator = db.session.get(TwoFactorAuthenticator, user_id)
    assert authenticator is not None and authenticator.secret == secret


def test_reseal_reports_what_no_key_opens_and_fails(app: Flask):
    app.config.update(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[])
    user_id, _secret, _codes = enrolled()
    app.config.update(SECRET_KEY=NEW_KEY)
    result = app.test_cli_runner().invoke(args=["secrets", "reseal"])
    assert result.exit_code == 1
    assert f"authenticator of account {user_id}" in result.output
    assert "SECRET_KEY_FALLBACKS" in result.output


def test_a_key_lost_without_a_fallback_says_so_and_a_recovery_code_still_signs_in(app: Flask):
    app.config.update(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[])
    user_id, secret, codes = enrolled()
    app.config.update(SECRET_KEY=NEW_KEY)
    user = db.session.get(TwoFactorAuthenticator, user_id).user  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed) as refused:
        two_factor.complete_sign_in(user, pyotp.TOTP(secret).now())
    assert "recovery codes" in str(refused.value)
    assert user.failed_logins == 0  # nothing was checked: not counted against them
    assert two_factor.complete_sign_in(user, codes[0]).recovery_code_used


def test_a_client_secret_sealed_under_its_own_key_needs_that_key(app: Flask):
    app.config.update(OIDC_SECRET_KEY="an-oidc-key-of-its-own-0123456789abcdef")
    sealed = seal_client_secret("s3cret")
    assert unseal_client_secret(sealed) == "s3cret"
    app.config.update(OIDC_SECRET_KEY=None)
    with pytest.raises(Exception, match="not set up correctly"):
        unseal_client_secret(sealed)
    assert IdentityProvider  # the column it is kept in: client_secret_sealed


@pytest.mark.real_commits
def test_the_migration_seals_the_secrets_already_kept(app: Flask):
    """Upgrading from the readable column seals what is there: nobody sets up again."""
    db.session.remove()
    from flask_migrate import downgrade

    downgrade(revision="0018_badge_links")
    user_id = make_user().id
    db.session.commit()
    db.session.execute(
        sa.text(
            "INSERT INTO two_factor_authenticators (user_id, secret, created_at, confirmed_at)"
            " VALUES (:u, 'JBSWY3DPEHPK3PXP', :now, :now)"
        ),
        {"u": user_id, "now": utcnow()},
    )
    db.session.commit()
    db.session.remove()
    upgrade()
    kept = stored(user_id)
    assert "JBSWY3DPEHPK3PXP" not in kept
    assert sealing.unseal(kept, TOTP_SEALING) == "JBSWY3DPEHPK3PXP"
