"""Signing in with the employer's account: OpenID Connect identity providers and their rules.

An administrator sets up an organisation's provider (issuer, client id and secret, the
e-mail domains it may sign in, whether passwords are off for them). Signing in is the
authorization code flow with PKCE (S256), ``state`` and ``nonce``; the ID token's signature
is checked against the keys the provider publishes (its JWKS), and ``iss``, ``aud``,
``exp`` and ``nonce`` against what was asked. The address is taken only when the provider
says it is verified and its domain is one the provider may sign in.

A first sign-in links the provider's ``sub`` to the account with that address, or makes a
learner account in the provider's organisation; a link to an account holding admin, manager
or assessor roles waits until its owner confirms with their password or an administrator
confirms it (and, when the account has two-step verification on, a current code). An
automatic link stops signing in once its account is given one of those roles: it waits for
confirmation like a new one. Only a confirmed link takes an account: a waiting one gives way
to the next ``sub`` that signs in with the address. Later sign-ins match on the provider and
``sub``, never on the address. Audit entries name accounts by id, never by address.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from trainhub import audit, sealing
from trainhub.auth.models import ExternalIdentity, IdentityProvider, Organisation, User
from trainhub.auth.roles import Role
from trainhub.auth.services import two_factor
from trainhub.auth.services.accounts import new_account
from trainhub.auth.services.authentication import authenticate
from trainhub.auth.services.emails import find_user_by_email, normalise_email
from trainhub.errors import NotFound, PermissionDenied, TrainhubError, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.text import has_control_characters, one_line

log = logging.getLogger(__name__)

for _action, _label in (
    ("oidc.provider_saved", _l("Sign-in service saved")),
    ("oidc.account_created", _l("Account made at a first sign-in with a work account")),
    ("oidc.linked", _l("Work account linked")),
    ("oidc.link_requested", _l("Work account link waiting for confirmation")),
    ("oidc.link_confirmed", _l("Work account link confirmed")),
    ("oidc.link_removed", _l("Work account link removed")),
    ("oidc.link_replaced", _l("Work account link waiting for confirmation replaced")),
):
    audit.describe(_action, _label)

#: Roles whose accounts are never linked to a provider without their owner's password or an
#: administrator's confirmation: whoever runs the provider must not gain them by an address.
PRIVILEGED = frozenset({Role.ADMIN, Role.MANAGER, Role.ASSESSOR})
#: What trainhub asks the provider for.
SCOPE = "openid email profile"
#: Signature algorithms accepted on ID tokens (never ``none``, never HMAC with the secret).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
#: Clock difference allowed between trainhub and the provider (seconds).
LEEWAY = 60
#: How long a provider's discovery document and keys are kept (seconds).
CACHE_SECONDS = 600
#: How long trainhub waits for a provider (seconds).
TIMEOUT = 10
#: How a link was confirmed (``ExternalIdentity.confirmed_how``).
AUTOMATIC, BY_PASSWORD, BY_ADMIN = "automatic", "password", "admin"

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


class SignInFailed(TrainhubError):
    """Signing in through a provider went wrong; ``status`` is the page's HTTP status."""

    status = 400


class ProviderUnavailable(SignInFailed):
    """The provider could not be reached or answered nonsense (502)."""

    status = 502


class TokenRejected(SignInFailed):
    """The provider's answer failed a check (signature, issuer, audience, expiry, nonce)."""

    status = 400


class AccessRefused(SignInFailed):
    """The person may not sign in this way (unverified address, other domain, deactivated)."""

    status = 403


# Setting providers up ------------------------------------------------------------------------


@dataclass
class ProviderData:
    """What an administrator enters for a provider. A blank ``client_secret`` keeps the one
    stored (required for a new provider)."""

    display_name: str
    issuer: str
    client_id: str
    client_secret: str
    email_domains: str
    enabled: bool
    passwords_off: bool


#: The client secrets' sealing purpose (``trainhub.sealing``), and the setting that may hold
#: a key of their own.
SEALING = ("trainhub oidc client secret", "OIDC_SECRET_KEY")


def seal(secret: str) -> str:
    """The client secret sealed (``trainhub.sealing``) under ``OIDC_SECRET_KEY``, else
    ``SECRET_KEY``: the application must send the secret itself, so it cannot be hashed, but
    a copy of the database or a backup alone is not enough to pose as trainhub to the
    provider."""
    return sealing.seal(secret, *SEALING)


def unseal(sealed: str) -> str:
    """The client secret, or a ``ProviderUnavailable`` when the key has changed since."""
    try:
        return sealing.unseal(sealed, *SEALING)
    except sealing.Unreadable as error:
        log.error("The client secret of an identity provider cannot be decrypted")
        raise ProviderUnavailable(
            _("This sign-in service is not set up correctly. Ask a trainhub administrator.")
        ) from error


def normalise_issuer(issuer: str) -> str:
    return issuer.strip().rstrip("/")


def parse_domains(text: str) -> list[str]:
    """The domains of a free-text list (lines, commas or spaces; a leading ``@`` dropped).

    :raises ValidationFailed: on ``email_domains`` when one is not a domain, or none given.
    """
    found: list[str] = []
    for word in re.split(r"[\s,;]+", text.strip().lower()):
        domain = word.lstrip("@")
        if not domain:
            continue
        if not _DOMAIN.match(domain):
            raise ValidationFailed(
                "email_domains",
                _("%(domain)s is not an email domain, like council.gov.wales", domain=word),
            )
        if domain not in found:
            found.append(domain)
    if not found:
        raise ValidationFailed(
            "email_domains",
            _("Enter the email domains this service signs in, like council.gov.wales"),
        )
    return found


def _check_issuer(issuer: str) -> str:
    issuer = normalise_issuer(issuer)
    parts = urlsplit(issuer)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)
    if not parts.netloc or not secure or parts.query or parts.fragment:
        raise ValidationFailed(
            "issuer",
            _(
                "Enter the issuer URL, starting https://, like https://login.microsoftonline.com/<tenant>/v2.0"
            ),
        )
    return issuer


def save_provider(
    actor: User, organisation: Organisation, provider: IdentityProvider | None, data: ProviderData
) -> IdentityProvider:
    """Add or change an organisation's provider (administrators only; audited).

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on the field at fault (issuer, client id, secret, domains,
        display name), including a domain another provider already signs in.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change sign-in services"))
    name = one_line(data.display_name)
    if not name:
        raise ValidationFailed("display_name", _("Enter the name shown on the sign-in button"))
    issuer = _check_issuer(data.issuer)
    client_id = data.client_id.strip()
    if not client_id or has_control_characters(client_id):
        raise ValidationFailed("client_id", _("Enter the client ID the provider gave trainhub"))
    secret = data.client_secret.strip()
    if provider is None and not secret:
        raise ValidationFailed(
            "client_secret", _("Enter the client secret the provider gave trainhub")
        )
    domains = parse_domains(data.email_domains)
    for other in db.session.execute(select(IdentityProvider)).scalars():
        if other is provider:
            continue
        shared = sorted(set(other.domains) & set(domains))
        if shared:
            raise ValidationFailed(
                "email_domains",
                _(
                    "%(domain)s already signs in with %(provider)s",
                    domain=shared[0],
                    provider=other.display_name,
                ),
            )
    if provider is None:
        provider = IdentityProvider(organisation_id=organisation.id)
        db.session.add(provider)
    provider.display_name = name
    provider.issuer = issuer
    provider.client_id = client_id
    if secret:
        provider.client_secret_sealed = seal(secret)
    provider.email_domains = "\n".join(domains)
    provider.enabled = data.enabled
    provider.passwords_off = data.passwords_off
    db.session.flush()
    audit.record(
        actor,
        "oidc.provider_saved",
        f"{name} ({issuer}) for {organisation.name}: domains {', '.join(domains)}; "
        f"{'enabled' if data.enabled else 'disabled'}; "
        f"passwords {'off' if data.passwords_off else 'allowed'}"
        f"{'; new client secret' if secret else ''}",
    )
    return provider


def enabled_providers() -> list[IdentityProvider]:
    """The providers people may sign in with, by name (the sign-in page's buttons)."""
    query = (
        select(IdentityProvider)
        .where(IdentityProvider.enabled.is_(True))
        .order_by(IdentityProvider.display_name)
    )
    return list(db.session.execute(query).scalars())


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider that signs in addresses of this e-mail's domain, if any."""
    domain = normalise_email(email).rpartition("@")[2]
    if not domain:
        return None
    return next((p for p in enabled_providers() if domain in p.domains), None)


def password_refused_for(email: str) -> IdentityProvider | None:
    """The provider to use instead, when passwords are off for this address's domain."""
    provider = provider_for_email(email)
    return provider if provider is not None and provider.passwords_off else None


# The protocol ---------------------------------------------------------------------------------

_metadata: dict[str, tuple[float, dict[str, Any]]] = {}
_keys: dict[str, tuple[float, dict[str, Any]]] = {}


def _unreachable(provider: IdentityProvider) -> ProviderUnavailable:
    return ProviderUnavailable(
        _(
            "We could not reach %(provider)s's sign-in service. Try again in a few minutes, "
            "or sign in with your password if you have one.",
            provider=provider.display_name,
        )
    )


def _get_json(provider: IdentityProvider, url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError) as error:
        log.warning("Identity provider %s: could not read %s: %s", provider.id, url, error)
        raise _unreachable(provider) from error
    if not isinstance(found, dict):
        raise _unreachable(provider)
    return found


def provider_metadata(provider: IdentityProvider) -> dict[str, Any]:
    """The provider's discovery document (kept for ``CACHE_SECONDS``), checked to be its own.

    :raises ProviderUnavailable: when it cannot be read or names another issuer.
    """
    issuer = normalise_issuer(provider.issuer)
    kept = _metadata.get(issuer)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    found = _get_json(provider, f"{issuer}/.well-known/openid-configuration")
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if any(not isinstance(found.get(key), str) for key in needed) or (
        normalise_issuer(found["issuer"]) != issuer
    ):
        log.warning("Identity provider %s: its discovery document does not match", provider.id)
        raise _unreachable(provider)
    _metadata[issuer] = (time.monotonic() + CACHE_SECONDS, found)
    return found


def _key_set(provider: IdentityProvider, jwks_uri: str, *, fresh: bool = False) -> KeySet:
    kept = _keys.get(jwks_uri)
    if fresh or kept is None or kept[0] <= time.monotonic():
        kept = (time.monotonic() + CACHE_SECONDS, _get_json(provider, jwks_uri))
        _keys[jwks_uri] = kept
    try:
        return KeySet.import_key_set(kept[1])  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _unreachable(provider) from error


def forget_cached(issuer: str | None = None) -> None:
    """Drop kept discovery documents and keys (all, or one issuer's)."""
    if issuer is None:
        _metadata.clear()
        _keys.clear()
    else:
        found = _metadata.pop(normalise_issuer(issuer), None)
        if found is not None:
            _keys.pop(found[1]["jwks_uri"], None)


def _client(provider: IdentityProvider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=unseal(provider.client_secret_sealed),
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method's name)
    )


def start_flow(
    provider: IdentityProvider, redirect_uri: str, login_hint: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The provider's authorization URL, and what to keep in the browser's session until
    it comes back (the provider, ``state``, ``nonce`` and the PKCE verifier).

    :raises ProviderUnavailable: when the provider cannot be reached.
    """
    metadata = provider_metadata(provider)
    flow = {
        "provider_id": provider.id,
        "state": generate_token(32),
        "nonce": generate_token(32),
        "verifier": generate_token(64),
    }
    extra = {"login_hint": login_hint} if login_hint else {}
    with _client(provider, redirect_uri) as client:
        url, _state = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=flow["state"],
            code_verifier=flow["verifier"],
            nonce=flow["nonce"],
            **extra,
        )
    return str(url), flow


def fetch_token(
    provider: IdentityProvider,
    metadata: dict[str, Any],
    redirect_uri: str,
    code: str,
    verifier: str,
) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) at the provider's token endpoint.

    :raises ProviderUnavailable: when the provider cannot be reached.
    :raises TokenRejected: when it refuses the code.
    """
    try:
        with _client(provider, redirect_uri) as client:
            token = client.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=verifier, timeout=TIMEOUT
            )
    except requests.RequestException as error:
        log.warning("Identity provider %s: token request failed: %s", provider.id, error)
        raise _unreachable(provider) from error
    except AuthlibBaseError as error:
        log.warning("Identity provider %s refused the code: %s", provider.id, error)
        raise _rejected(provider) from error
    return dict(token)


def _rejected(provider: IdentityProvider) -> TokenRejected:
    return TokenRejected(
        _(
            "The answer from %(provider)s could not be trusted, so you have not been signed in. "
            "Start again from the sign-in page.",
            provider=provider.display_name,
        )
    )


def verify_id_token(
    provider: IdentityProvider, metadata: dict[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims, once its signature (against the provider's published keys,
    fetched again once for a key not seen before), issuer, audience, expiry and nonce check.

    :raises TokenRejected: when any check fails.
    :raises ProviderUnavailable: when the keys cannot be read.
    """
    allowed = [
        alg
        for alg in metadata.get("id_token_signing_alg_values_supported", ["RS256"])
        if alg in ALGORITHMS
    ] or ["RS256"]
    token = None
    for fresh in (False, True):
        keys = _key_set(provider, metadata["jwks_uri"], fresh=fresh)
        try:
            token = jwt.decode(id_token, keys, algorithms=allowed)
            break
        except (JoseError, ValueError) as error:
            log.info("Identity provider %s: ID token not verified (%s)", provider.id, error)
    if token is None:
        log.warning("Identity provider %s: an ID token's signature failed", provider.id)
        raise _rejected(provider)
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(token.claims)
    except JoseError as error:
        log.warning("Identity provider %s: an ID token failed a check: %s", provider.id, error)
        raise _rejected(provider) from error
    return dict(token.claims)


def finish_flow(
    provider: IdentityProvider, flow: dict[str, Any], redirect_uri: str, code: str
) -> dict[str, Any]:
    """The verified claims of the person the provider sent back with ``code``.

    :raises ProviderUnavailable: when the provider cannot be reached.
    :raises TokenRejected: when the code or the ID token is refused.
    """
    metadata = provider_metadata(provider)
    token = fetch_token(provider, metadata, redirect_uri, code, str(flow["verifier"]))
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise _rejected(provider)
    return verify_id_token(provider, metadata, id_token, str(flow["nonce"]))


# Accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Who to sign in now, or the link that waits for its owner's password."""

    user: User | None = None
    waiting: ExternalIdentity | None = None


def _verified(claims: dict[str, Any]) -> bool:
    """Whether the provider says the address is verified: the standard ``email_verified``,
    or Microsoft Entra ID's ``xms_edov`` (the address's domain is verified by the tenant's
    owner: Entra sends no ``email_verified`` for work accounts, and Microsoft's answer to
    address spoofing across tenants is this claim, added as an optional claim)."""
    return claims.get("email_verified") is True or claims.get("xms_edov") is True


def _checked_email(provider: IdentityProvider, claims: dict[str, Any]) -> str:
    email = claims.get("email")
    if not _verified(claims) or not isinstance(email, str) or "@" not in email:
        raise AccessRefused(
            _(
                "%(provider)s did not say that your email address is verified, so trainhub "
                "cannot use it to sign you in. Ask your IT service desk to check how "
                "%(provider)s is set up for trainhub, or sign in with your password.",
                provider=provider.display_name,
            )
        )
    email = normalise_email(email)
    if email.rpartition("@")[2] not in provider.domains:
        raise AccessRefused(
            _(
                "%(provider)s cannot sign in addresses like %(email)s to trainhub. "
                "Sign in with the account your organisation gave you for trainhub.",
                provider=provider.display_name,
                email=email,
            )
        )
    return email


def _deactivated() -> AccessRefused:
    return AccessRefused(
        _(
            "Your trainhub account has been deactivated. "
            "Ask a trainhub administrator if you need it again."
        )
    )


def _full_name(claims: dict[str, Any], email: str) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not one_line(name):
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part for part in parts if isinstance(part, str))
    return one_line(name)[:200] or email.partition("@")[0][:200]


def sign_in_with(provider: IdentityProvider, claims: dict[str, Any]) -> Outcome:
    """Who the verified ``claims`` sign in: the account linked to (provider, ``sub``), unless
    that link was made automatically and the account has admin, manager or assessor roles
    now (it waits for confirmation again); else the account with the verified address,
    linked now (or waiting for confirmation, for those roles, or when it replaces another
    sub's link that was still waiting); else a new learner account in the provider's
    organisation. Links and new accounts are audited.

    :raises AccessRefused: unverified address, a domain the provider may not sign in, a
        deactivated account, or an account whose confirmed link is to another person at the
        provider.
    """
    email = _checked_email(provider, claims)
    subject = str(claims["sub"])
    now = utcnow()
    identity = db.session.execute(
        select(ExternalIdentity).where(
            ExternalIdentity.provider_id == provider.id, ExternalIdentity.subject == subject
        )
    ).scalar_one_or_none()
    if identity is not None:
        user = identity.user
        if not user.active:
            raise _deactivated()
        if identity.confirmed_at is None:
            return Outcome(waiting=identity)
        if identity.confirmed_how == AUTOMATIC and user.has_role(*PRIVILEGED):
            # Linked by address alone while a learner: a role given since needs confirming.
            identity.confirmed_at = None
            identity.confirmed_how = None
            audit.record(
                None,
                "oidc.link_requested",
                f"{provider.display_name} (sub {subject}) to account {user.id}: linked "
                "automatically before the account was given its role; waits for confirmation",
                subject=user,
            )
            return Outcome(waiting=identity)
        identity.last_used_at = now
        user.last_login_at = now
        log.info("User %s signed in with identity provider %s", user.id, provider.id)
        return Outcome(user=user)
    found = find_user_by_email(email)
    if found is None:
        user = new_account(email, _full_name(claims, email), {Role.LEARNER})
        user.organisation_id = provider.organisation_id
        db.session.flush()
        _link(provider, user, subject, email, AUTOMATIC, now)
        audit.record(
            user,
            "oidc.account_created",
            f"Account {user.id} by {provider.display_name} (sub {subject})",
            subject=user,
        )
        user.last_login_at = now
        return Outcome(user=user)
    user = found
    if not user.active:
        raise _deactivated()
    taken = db.session.execute(
        select(ExternalIdentity).where(
            ExternalIdentity.provider_id == provider.id, ExternalIdentity.user_id == user.id
        )
    ).scalar_one_or_none()
    replaced = taken is not None and taken.confirmed_at is None
    if taken is not None and replaced:
        # Nobody has confirmed that sub is this account's owner: it does not keep the real
        # owner out. The new one waits for confirmation in its place.
        audit.record(
            None,
            "oidc.link_replaced",
            f"{provider.display_name} (sub {taken.subject}) to account {user.id}, waiting for "
            f"confirmation, replaced by sub {subject}",
            subject=user,
        )
        db.session.delete(taken)
        db.session.flush()
    elif taken is not None:
        raise AccessRefused(
            _(
                "Your trainhub account is already linked to another %(provider)s account. "
                "Ask a trainhub administrator to remove that link.",
                provider=provider.display_name,
            )
        )
    if user.has_role(*PRIVILEGED) or replaced:
        identity = _link(provider, user, subject, email, None, now)
        audit.record(
            None,
            "oidc.link_requested",
            f"{provider.display_name} (sub {subject}) to account {user.id}: waits for confirmation",
            subject=user,
        )
        return Outcome(waiting=identity)
    _link(provider, user, subject, email, AUTOMATIC, now)
    # The provider has proved the address: a self-registration never confirmed is now.
    user.email_confirmed = True
    user.last_login_at = now
    audit.record(
        user,
        "oidc.linked",
        f"{provider.display_name} (sub {subject}) to account {user.id}",
        subject=user,
    )
    return Outcome(user=user)


def _link(
    provider: IdentityProvider,
    user: User,
    subject: str,
    email: str,
    how: str | None,
    now: Any,
) -> ExternalIdentity:
    identity = ExternalIdentity(
        provider_id=provider.id,
        subject=subject,
        user_id=user.id,
        email=email,
        created_at=now,
        confirmed_at=now if how else None,
        confirmed_how=how,
        last_used_at=now if how else None,
    )
    db.session.add(identity)
    db.session.flush()
    return identity


@dataclass(frozen=True)
class Confirmed:
    """A link its owner has confirmed: who to sign in, and how many recovery codes they have
    left when one was used for it (else None)."""

    user: User
    recovery_codes_left: int | None = None


def confirm_with_password(identity: ExternalIdentity, password: str, code: str = "") -> Confirmed:
    """The owner confirms a waiting link with their trainhub password and, when their account
    has two-step verification on, a current code or a recovery code (checked as at the second
    step of signing in: never twice). The account, now linked (audited). Wrong passwords and
    codes count towards the lock, as at sign-in: the caller commits either way.

    :raises AccessRefused: when the account has been deactivated meanwhile.
    :raises ValidationFailed: on ``password`` when it is wrong; on ``code`` when it is
        missing, wrong or already used.
    :raises PermissionDenied: when the account is locked (now or by this wrong code).
    """
    owner = identity.user
    if not owner.active:
        raise _deactivated()
    user = authenticate(owner.email, password)
    if user is None or user.id != owner.id:
        raise ValidationFailed("password", _("Enter your correct trainhub password"))
    left = None
    if two_factor.is_enabled(user):
        step = two_factor.complete_sign_in(user, code or "")
        left = step.recovery_codes_left if step.recovery_code_used else None
    identity.confirmed_at = identity.last_used_at = utcnow()
    identity.confirmed_how = BY_PASSWORD
    audit.record(
        user,
        "oidc.link_confirmed",
        f"{identity.provider.display_name} (sub {identity.subject}) to account {user.id}, "
        "by the owner's password",
        subject=user,
    )
    return Confirmed(user, left)


def confirm_by_admin(actor: User, identity: ExternalIdentity) -> None:
    """An administrator confirms a waiting link (audited).

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises NotFound: when the link is already confirmed.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    if identity.confirmed_at is not None:
        raise NotFound()
    identity.confirmed_at = utcnow()
    identity.confirmed_how = BY_ADMIN
    audit.record(
        actor,
        "oidc.link_confirmed",
        f"{identity.provider.display_name} (sub {identity.subject}) to account "
        f"{identity.user_id}, by an administrator",
        subject=identity.user,
    )


def remove_link(actor: User, identity: ExternalIdentity) -> None:
    """An administrator removes a link (audited): the next sign-in links again by address.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    audit.record(
        actor,
        "oidc.link_removed",
        f"{identity.provider.display_name} (sub {identity.subject}) from account "
        f"{identity.user_id}",
        subject=identity.user,
    )
    db.session.delete(identity)
    db.session.flush()


def identities_of(user: User) -> list[ExternalIdentity]:
    """The links of an account, with their providers (the admin's account page)."""
    query = (
        select(ExternalIdentity)
        .options(joinedload(ExternalIdentity.provider))
        .where(ExternalIdentity.user_id == user.id)
        .order_by(ExternalIdentity.created_at)
    )
    return list(db.session.execute(query).scalars())
