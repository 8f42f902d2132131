"""Signing in with the employer's account, against a real OpenID Connect provider
(``tests/oidc_provider.py``): the whole redirect flow through the Flask test client, the
provider's own authorization form submitted over HTTP, and every bad case refused with a
clear page and nothing made."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.factories import PASSWORD, make_organisation, make_user, turn_on_two_factor
from tests.helpers import count, field_error, login, page, page_html, sign_in_with_form
from tests.oidc_provider import (
    CLIENT_ID,
    Provider,
    closed_port_url,
    local_path,
    make_identity_provider,
)
from trainhub.audit import AuditEvent
from trainhub.auth.models import (
    ExternalIdentity,
    IdentityProvider,
    Organisation,
    User,
    UserRole,
)
from trainhub.auth.services import oidc, two_factor
from trainhub.auth.services.oidc import ProviderData, save_provider, unseal
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow

DOMAIN = "council.example"
_sub = iter(range(1, 10**6))


def new_sub() -> str:
    # Subjects are unique across the whole run: the provider lives for the session, and each
    # test runs on two databases.
    return f"person-{next(_sub)}-{id(object())}"


@pytest.fixture
def organisation(app: Flask) -> Organisation:
    return make_organisation("Cardiff Council")


@pytest.fixture
def provider(oidc_provider: Provider, organisation: Organisation) -> IdentityProvider:
    found = make_identity_provider(oidc_provider.issuer, organisation, DOMAIN)
    db.session.commit()
    return found


def start(client: FlaskClient, provider: IdentityProvider, **query: str) -> str:
    """Press "Sign in with …": the provider's authorization URL trainhub redirects to."""
    response = client.get(f"/sign-in/with/{provider.id}", query_string=query)
    assert response.status_code == 302, page(response)
    return str(response.headers["Location"])


def journey(
    client: FlaskClient, idp: Provider, provider: IdentityProvider, sub: str
) -> tuple[str, Any]:
    """The whole round trip: trainhub → provider's form → trainhub's callback."""
    back = idp.authorize(start(client, provider), sub)
    callback = local_path(back)
    return callback, client.get(callback)


def signed_in_as(client: FlaskClient) -> int | None:
    with client.session_transaction() as session:
        user_id = session.get("_user_id")
    return int(user_id.partition(":")[0]) if user_id else None


def audit_actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


# The flow that works ------------------------------------------------------------------------


def test_first_sign_in_creates_a_learner_in_the_providers_organisation(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"Ann.Jones@{DOMAIN}", email_verified=True, name="Ann Jones")
    authorization = start(client, provider)
    query = parse_qs(urlsplit(authorization).query)
    assert authorization.startswith(f"{oidc_provider.issuer}/")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["https://trainhub.example.org/sign-in/callback"]
    with client.session_transaction() as session:
        flow = session["_oidc_flow"]
    # The challenge is the S256 of the verifier kept in this browser's session only.
    assert query["code_challenge"] == [create_s256_code_challenge(flow["verifier"])]
    assert (query["state"], query["nonce"]) == ([flow["state"]], [flow["nonce"]])

    response = client.get(local_path(oidc_provider.authorize(authorization, sub)))

    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = db.session.execute(
        db.select(User).where(User.email == f"ann.jones@{DOMAIN}")
    ).scalar_one()
    assert signed_in_as(client) == user.id
    assert user.full_name == "Ann Jones"
    assert user.organisation_id == provider.organisation_id
    assert user.roles == {"learner"} and user.password_hash is None
    identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()
    assert (identity.subject, identity.user_id, identity.confirmed_how) == (
        sub,
        user.id,
        "automatic",
    )
    assert audit_actions() == ["oidc.account_created"]
    assert_audit_names_no_address(user)
    assert client.get("/account").status_code == 200  # a real sign-in, with its session row


def test_first_sign_in_links_the_learner_with_that_address_and_later_matches_on_sub(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    learner = make_user(email=f"bob@{DOMAIN}")
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"bob@{DOMAIN}", email_verified=True)

    _callback, response = journey(client, oidc_provider, provider, sub)

    assert response.status_code == 302 and signed_in_as(client) == learner.id
    assert count(User) == 1 and audit_actions() == ["oidc.linked"]
    assert_audit_names_no_address(learner)

    # The provider now gives Bob another address: the link (provider, sub) still signs him in,
    # and an account that now has his old address is not who he is.
    oidc_provider.set_user(sub, email=f"robert@{DOMAIN}", email_verified=True)
    make_user(email=f"robert@{DOMAIN}")
    db.session.commit()
    again = db.session.get(IdentityProvider, provider.id)
    assert again is not None
    other = FlaskClient(app, app.response_class, use_cookies=True)
    _callback, response = journey(other, oidc_provider, again, sub)
    assert response.status_code == 302 and signed_in_as(other) == learner.id


def test_the_next_page_is_kept_through_the_round_trip(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)
    authorization = start(client, provider, next="/account")
    response = client.get(local_path(oidc_provider.authorize(authorization, sub)))
    assert response.headers["Location"] == "/account"


# Bad cases: a clear page, the right status, and nothing made --------------------------------


def assert_refused(
    response: Any, status: int, words: str, client: FlaskClient, users: int = 0
) -> None:
    """A clear page with ``status``, nobody signed in, no account or link made (beyond the
    ``users`` the test made, each linked)."""
    assert response.status_code == status
    text = page(response)
    assert "You have not been signed in" in text and words in text
    assert "No account has been created or changed." in text
    assert signed_in_as(client) is None
    assert count(User) == users and count(ExternalIdentity) == users


def test_a_wrong_or_missing_state_is_refused(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)
    back = oidc_provider.authorize(start(client, provider), sub)
    code = parse_qs(urlsplit(back).query)["code"][0]

    response = client.get("/sign-in/callback", query_string={"code": code, "state": "forged"})
    assert_refused(response, 400, "expired or was already used", client)

    # The flow was used up by that attempt: the right state no longer works either.
    assert_refused(client.get(local_path(back)), 400, "expired or was already used", client)

    # Nor does a callback with no sign-in started at all.
    fresh = FlaskClient(app, app.response_class, use_cookies=True)
    response = fresh.get("/sign-in/callback", query_string={"code": code})
    assert_refused(response, 400, "expired or was already used", fresh)


def test_a_callback_used_twice_signs_in_once(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)
    callback, response = journey(client, oidc_provider, provider, sub)
    assert response.status_code == 302
    client.post("/sign-out")

    replay = client.get(callback)

    assert replay.status_code == 400 and "expired or was already used" in page(replay)
    assert signed_in_as(client) is None
    assert count(User) == 1 and count(ExternalIdentity) == 1


def intercept_tokens(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Pass the real provider's token responses through ``change``; returns what it saw."""
    real = oidc.fetch_token
    seen: list[dict[str, Any]] = []

    def through(*args: Any, **kwargs: Any) -> dict[str, Any]:
        token = real(*args, **kwargs)
        seen.append(dict(token))
        return change(token)

    monkeypatch.setattr(oidc, "fetch_token", through)
    return seen


def test_a_replayed_id_token_fails_its_nonce(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An ID token the provider really signed for an earlier sign-in (its nonce) is refused
    when it comes back in a later one."""
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)
    earlier: dict[str, Any] = {}

    def keep(token: dict[str, Any]) -> dict[str, Any]:
        earlier.update(token)
        return token

    intercept_tokens(monkeypatch, keep)
    journey(FlaskClient(app, app.response_class, use_cookies=True), oidc_provider, provider, sub)
    monkeypatch.undo()
    assert earlier["id_token"]

    intercept_tokens(monkeypatch, lambda token: {**token, "id_token": earlier["id_token"]})
    _callback, response = journey(client, oidc_provider, provider, sub)

    assert_refused(response, 400, "could not be trusted", client, users=1)


def test_an_expired_id_token_is_refused(
    app: Flask, client: FlaskClient, expired_oidc_provider: Provider, organisation: Organisation
) -> None:
    provider = make_identity_provider(expired_oidc_provider.issuer, organisation, DOMAIN)
    db.session.commit()
    sub = new_sub()
    expired_oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)

    _callback, response = journey(client, expired_oidc_provider, provider, sub)

    assert_refused(response, 400, "could not be trusted", client)


def _payload(id_token: str) -> dict[str, Any]:
    part = id_token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def _header(id_token: str) -> dict[str, Any]:
    part = id_token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


@pytest.mark.parametrize("same_kid", [True, False])
def test_an_id_token_signed_with_another_key_is_refused(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    monkeypatch: pytest.MonkeyPatch,
    same_kid: bool,
) -> None:
    """The provider's real token, its claims untouched, signed again with a key the test
    holds (naming the provider's key, or a key of its own): the provider's published keys
    say no."""
    other_key = RSAKey.generate_key(2048)

    def resign(token: dict[str, Any]) -> dict[str, Any]:
        kid = _header(token["id_token"]).get("kid") if same_kid else "not-the-providers"
        header = {"alg": "RS256", **({"kid": kid} if kid else {})}
        return {**token, "id_token": jwt.encode(header, _payload(token["id_token"]), other_key)}

    intercept_tokens(monkeypatch, resign)
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)

    _callback, response = journey(client, oidc_provider, provider, sub)

    assert_refused(response, 400, "could not be trusted", client)


def test_a_token_for_another_client_is_refused(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    organisation: Organisation,
) -> None:
    """The provider's token names its audience: one issued to another client is refused."""
    provider = make_identity_provider(oidc_provider.issuer, organisation, DOMAIN)
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)
    authorization = start(client, provider)
    provider.client_id = "someone-else"  # the token is asked for (and issued) to another
    db.session.commit()
    response = client.get(local_path(oidc_provider.authorize(authorization, sub)))
    assert_refused(response, 400, "could not be trusted", client)


@pytest.mark.parametrize(("edov", "signs_in"), [(True, True), (False, False), ("true", False)])
def test_entra_ids_domain_owner_verified_claim_counts_as_verified(
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    edov: Any,
    signs_in: bool,
) -> None:
    """Microsoft Entra ID sends no ``email_verified`` for work accounts; its optional
    ``xms_edov`` says the address's domain is verified by the tenant's owner."""
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", xms_edov=edov)

    _callback, response = journey(client, oidc_provider, provider, sub)

    if signs_in:
        assert signed_in_as(client) is not None
    else:
        assert response.status_code == 403
        assert signed_in_as(client) is None
        assert count(ExternalIdentity) == 0


@pytest.mark.parametrize("verified", [False, None, "true"])
def test_an_unverified_address_is_refused(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    verified: Any,
) -> None:
    make_user(email=f"carol@{DOMAIN}")  # even when an account has that address
    db.session.commit()
    sub = new_sub()
    claims: dict[str, Any] = {"email": f"carol@{DOMAIN}"}
    if verified is not None:
        claims["email_verified"] = verified
    oidc_provider.set_user(sub, **claims)

    _callback, response = journey(client, oidc_provider, provider, sub)

    assert response.status_code == 403
    assert "did not say that your email address is verified" in page(response)
    assert signed_in_as(client) is None
    assert count(User) == 1 and count(ExternalIdentity) == 0


def test_a_domain_the_provider_may_not_sign_in_is_refused(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@elsewhere.example", email_verified=True)

    _callback, response = journey(client, oidc_provider, provider, sub)

    assert_refused(response, 403, "cannot sign in addresses like", client)


def test_a_provider_that_is_down_gives_a_clear_page(
    app: Flask, client: FlaskClient, organisation: Organisation
) -> None:
    provider = make_identity_provider(closed_port_url(), organisation, DOMAIN)
    db.session.commit()

    response = client.get(f"/sign-in/with/{provider.id}")

    assert response.status_code == 502
    assert "We could not reach Cardiff Council" in page(response)
    assert count(User) == 0


def test_a_provider_that_goes_down_before_the_callback_gives_a_clear_page(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"{sub}@{DOMAIN}", email_verified=True)
    back = oidc_provider.authorize(start(client, provider), sub)
    # Its token endpoint moves to a port where nothing listens.
    metadata = dict(oidc.provider_metadata(provider))
    metadata["token_endpoint"] = closed_port_url() + "/oauth2/token"
    monkeypatch.setattr(oidc, "provider_metadata", lambda provider: metadata)

    response = client.get(local_path(back))

    assert_refused(response, 502, "We could not reach", client)


def test_the_provider_refusing_gives_a_clear_page(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    import requests

    authorization = start(client, provider)
    denied = requests.post(
        authorization, data={"action": "deny"}, allow_redirects=False, timeout=10
    )
    response = client.get(local_path(denied.headers["Location"]))
    assert_refused(response, 400, "You did not finish signing in", client)


# Accounts that need more than an address ------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "manager", "assessor"])
def test_a_privileged_account_is_linked_only_with_its_password(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    role: str,
) -> None:
    person = make_user(roles=[role], email=f"dai@{DOMAIN}")
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"dai@{DOMAIN}", email_verified=True)

    _callback, response = journey(client, oidc_provider, provider, sub)

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/confirm-link"
    assert signed_in_as(client) is None
    identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()
    assert identity.confirmed_at is None and identity.user_id == person.id

    # Signing in again through the provider still waits: nobody is signed in.
    other = FlaskClient(app, app.response_class, use_cookies=True)
    _callback, again = journey(other, oidc_provider, provider, sub)
    assert again.headers["Location"] == "/sign-in/confirm-link" and signed_in_as(other) is None

    wrong = client.post("/sign-in/confirm-link", data={"password": "not my password"})
    assert wrong.status_code == 400
    assert field_error(page(wrong), "password") == "Enter your correct trainhub password"
    db.session.expire_all()
    assert signed_in_as(client) is None and identity.confirmed_at is None
    assert person.failed_logins == 1  # counted towards the lock, as at sign-in

    from tests.factories import PASSWORD

    right = client.post("/sign-in/confirm-link", data={"password": PASSWORD})
    assert right.status_code == 302 and signed_in_as(client) == person.id
    db.session.expire_all()
    assert identity.confirmed_how == "password"
    assert audit_actions() == ["oidc.link_requested", "oidc.link_confirmed"]
    assert_audit_names_no_address(person)


def assert_audit_names_no_address(person: User) -> None:
    """Managers read the audit log: its entries name the account, never an address, and
    are tied to the person they are about."""
    events = list(db.session.execute(db.select(AuditEvent)).scalars())
    assert events
    for event in events:
        assert "@" not in event.detail and f"account {person.id}" in event.detail.lower()
        assert event.subject_id == person.id, event.action


def enrol(user: User, now: datetime | None = None) -> str:
    """Two-step verification on for ``user`` (the code 30 seconds before ``now`` took it):
    the secret."""
    secret, _codes = turn_on_two_factor(user, now)
    db.session.commit()
    return secret


def test_a_link_to_an_account_with_two_step_verification_needs_a_code_too(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The codes' clock stands still: a slow machine crossing a 30-second step between the
    # set-up and the replay below would otherwise turn "used" into "next".
    now = utcnow()
    monkeypatch.setattr(two_factor, "utcnow", lambda: now)
    app.config.update(LOGIN_MAX_FAILURES=5)
    person = make_user(roles=["admin"], email=f"nia@{DOMAIN}")
    secret = enrol(person, now)
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"nia@{DOMAIN}", email_verified=True)
    _callback, response = journey(client, oidc_provider, provider, sub)
    assert response.headers["Location"] == "/sign-in/confirm-link"
    assert 'name="code"' in page_html(client.get("/sign-in/confirm-link"))

    # The password alone is not enough.
    alone = client.post("/sign-in/confirm-link", data={"password": PASSWORD})
    assert alone.status_code == 400
    assert field_error(page(alone), "code") == "Enter the code from your authenticator app"
    # A wrong code counts towards the lock, like the second step of signing in.
    wrong = client.post("/sign-in/confirm-link", data={"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 400
    assert field_error(page(wrong), "code") == (
        "The code is not right. Enter the code your app shows now"
    )
    db.session.expire_all()
    identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()
    assert signed_in_as(client) is None and identity.confirmed_at is None
    assert person.failed_logins == 1
    # The code already used (to turn it on) is refused: never twice.
    used = pyotp.TOTP(secret).at(now.timestamp() - 30)
    replayed = client.post("/sign-in/confirm-link", data={"password": PASSWORD, "code": used})
    assert "already been used" in (field_error(page(replayed), "code") or "")

    code = pyotp.TOTP(secret).at(now)
    right = client.post("/sign-in/confirm-link", data={"password": PASSWORD, "code": code})
    assert right.status_code == 302 and signed_in_as(client) == person.id
    db.session.expire_all()
    assert identity.confirmed_how == "password" and person.failed_logins == 0


def test_a_link_without_two_step_verification_does_not_ask_for_a_code(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    make_user(roles=["assessor"], email=f"osian@{DOMAIN}")
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"osian@{DOMAIN}", email_verified=True)
    journey(client, oidc_provider, provider, sub)
    assert 'name="code"' not in page_html(client.get("/sign-in/confirm-link"))


def test_a_learner_given_a_staff_role_confirms_the_automatic_link_again(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    person = make_user(email=f"rhys@{DOMAIN}")
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"rhys@{DOMAIN}", email_verified=True)
    journey(client, oidc_provider, provider, sub)
    assert signed_in_as(client) == person.id
    client.post("/sign-out")

    person.role_rows.append(UserRole(role="admin"))  # given the role since
    db.session.commit()

    other = FlaskClient(app, app.response_class, use_cookies=True)
    _callback, again = journey(other, oidc_provider, provider, sub)
    assert again.headers["Location"] == "/sign-in/confirm-link" and signed_in_as(other) is None
    db.session.expire_all()
    identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()
    assert identity.confirmed_at is None and identity.confirmed_how is None
    assert audit_actions()[-1] == "oidc.link_requested"
    confirmed = other.post("/sign-in/confirm-link", data={"password": PASSWORD})
    assert confirmed.status_code == 302 and signed_in_as(other) == person.id


def test_a_waiting_link_gives_way_to_the_next_sub_with_the_address(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    person = make_user(roles=["admin"], email=f"sian@{DOMAIN}")
    db.session.commit()
    squatter, owner = new_sub(), new_sub()
    oidc_provider.set_user(squatter, email=f"sian@{DOMAIN}", email_verified=True)
    journey(
        FlaskClient(app, app.response_class, use_cookies=True), oidc_provider, provider, squatter
    )

    oidc_provider.set_user(owner, email=f"sian@{DOMAIN}", email_verified=True)
    _callback, response = journey(client, oidc_provider, provider, owner)

    assert response.headers["Location"] == "/sign-in/confirm-link"
    identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()
    assert (identity.subject, identity.user_id, identity.confirmed_at) == (owner, person.id, None)
    assert audit_actions() == ["oidc.link_requested", "oidc.link_replaced", "oidc.link_requested"]
    assert_audit_names_no_address(person)
    assert client.post("/sign-in/confirm-link", data={"password": PASSWORD}).status_code == 302
    assert signed_in_as(client) == person.id

    # A confirmed link does keep the account: another sub is refused.
    intruder = new_sub()
    oidc_provider.set_user(intruder, email=f"sian@{DOMAIN}", email_verified=True)
    stranger = FlaskClient(app, app.response_class, use_cookies=True)
    _callback, refused = journey(stranger, oidc_provider, provider, intruder)
    assert refused.status_code == 403 and "already linked" in page(refused)
    assert count(ExternalIdentity) == 1


def test_a_work_account_sign_in_is_not_held_to_set_up_two_step_verification(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = "admin"
    person = make_user(roles=["admin"], email=f"tomos@{DOMAIN}")
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"tomos@{DOMAIN}", email_verified=True)
    journey(client, oidc_provider, provider, sub)
    client.post("/sign-in/confirm-link", data={"password": PASSWORD})
    assert signed_in_as(client) == person.id
    assert client.get("/admin/users").status_code == 200


def test_an_admin_confirms_a_waiting_link(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
) -> None:
    person = make_user(roles=["manager"], email=f"eve@{DOMAIN}", password=None)
    admin = make_user(roles=["admin"])
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"eve@{DOMAIN}", email_verified=True)
    _callback, response = journey(client, oidc_provider, provider, sub)
    waiting = client.get("/sign-in/confirm-link")
    assert "a trainhub administrator must confirm the link" in page(waiting)
    identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()

    admin_client = login(FlaskClient(app, app.response_class, use_cookies=True), admin)
    shown = page(admin_client.get(f"/admin/users/{person.id}"))
    assert "Waiting for confirmation." in shown
    confirmed = admin_client.post(
        f"/admin/users/{person.id}/sign-in-links/{identity.id}/confirm", follow_redirects=True
    )
    assert "The link to Cardiff Council is confirmed." in page(confirmed)
    db.session.expire_all()
    assert identity.confirmed_how == "admin"
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "oidc.link_confirmed")
    ).scalar_one()
    assert event.actor_id == admin.id and "by an administrator" in event.detail
    assert_audit_names_no_address(person)

    _callback, response = journey(client, oidc_provider, provider, sub)
    assert response.status_code == 302 and signed_in_as(client) == person.id


def test_an_admin_removes_a_link(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    person = make_user(email=f"fay@{DOMAIN}")
    admin = make_user(roles=["admin"])
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"fay@{DOMAIN}", email_verified=True)
    journey(client, oidc_provider, provider, sub)
    identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()
    admin_client = login(FlaskClient(app, app.response_class, use_cookies=True), admin)
    removed = admin_client.post(
        f"/admin/users/{person.id}/sign-in-links/{identity.id}/remove", follow_redirects=True
    )
    assert "The link to Cardiff Council has been removed." in page(removed)
    assert count(ExternalIdentity) == 0
    assert "oidc.link_removed" in audit_actions()
    assert_audit_names_no_address(person)


@pytest.mark.parametrize("role", ["learner", "admin"])
def test_a_deactivated_account_cannot_sign_in_either_way(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    provider: IdentityProvider,
    role: str,
) -> None:
    person = make_user(roles=[role], email=f"gwen@{DOMAIN}", active=False)
    db.session.commit()
    sub = new_sub()
    oidc_provider.set_user(sub, email=f"gwen@{DOMAIN}", email_verified=True)

    _callback, response = journey(client, oidc_provider, provider, sub)

    assert response.status_code == 403 and "has been deactivated" in page(response)
    assert signed_in_as(client) is None and count(ExternalIdentity) == 0
    assert sign_in_with_form(client, person.email).status_code == 400

    # Linked before, deactivated since: the link signs nobody in.
    person.active = True
    db.session.commit()
    journey(FlaskClient(app, app.response_class, use_cookies=True), oidc_provider, provider, sub)
    if role == "admin":
        identity = db.session.execute(db.select(ExternalIdentity)).scalar_one()
        identity.confirmed_at = identity.created_at
    person.active = False
    db.session.commit()
    _callback, response = journey(client, oidc_provider, provider, sub)
    assert response.status_code == 403 and signed_in_as(client) is None


# Passwords off, and domain discovery ----------------------------------------------------------


def test_passwords_off_refuses_the_password_and_points_to_the_provider(
    app: Flask, client: FlaskClient, oidc_provider: Provider, organisation: Organisation
) -> None:
    make_identity_provider(oidc_provider.issuer, organisation, DOMAIN, passwords_off=True)
    person = make_user(email=f"huw@{DOMAIN}")
    outsider = make_user(email="iolo@example.org")
    db.session.commit()

    response = sign_in_with_form(client, f"HUW@{DOMAIN}")

    assert response.status_code == 400 and signed_in_as(client) is None
    text = page(response)
    assert "Your organisation has turned passwords off: sign in with Cardiff Council" in (
        field_error(text, "email") or ""
    )
    assert "Sign in with Cardiff Council" in text
    db.session.expire_all()
    assert person.failed_logins == 0 and person.last_login_at is None
    # Other domains keep their passwords.
    assert sign_in_with_form(client, outsider.email).status_code == 302


def test_the_sign_in_page_offers_each_enabled_provider(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    make_identity_provider(
        oidc_provider.issuer, make_organisation("Old Board"), "old.example", enabled=False
    )
    db.session.commit()
    text = page(client.get("/sign-in"))
    assert "Sign in with Cardiff Council" in text and "Old Board" not in text


def test_a_work_address_finds_its_provider(
    app: Flask, client: FlaskClient, oidc_provider: Provider, provider: IdentityProvider
) -> None:
    response = client.post(
        "/sign-in/work-account?next=/account", data={"work-email": f"Jo@{DOMAIN.upper()}"}
    )
    assert response.status_code == 200
    text = page(response)
    assert "Sign in with Cardiff Council" in text and "Continue to Cardiff Council" in text
    start_url = re.search(r'href="(/sign-in/with/[^"]+)"', page_html(response))
    assert start_url is not None and "next=/account" in start_url.group(1)
    authorization = client.get(html.unescape(start_url.group(1))).headers["Location"]
    assert parse_qs(urlsplit(authorization).query)["login_hint"] == [f"Jo@{DOMAIN.upper()}"]

    unknown = client.post("/sign-in/work-account", data={"work-email": "jo@elsewhere.example"})
    assert unknown.status_code == 400
    assert "No organisation signs in elsewhere.example addresses" in (
        field_error(page(unknown), "work-email") or ""
    )
    empty = client.post("/sign-in/work-account", data={"work-email": ""})
    assert field_error(page(empty), "work-email") == "Enter your work email address"


def test_a_disabled_provider_cannot_be_used(
    app: Flask, client: FlaskClient, provider: IdentityProvider
) -> None:
    provider.enabled = False
    db.session.commit()
    assert client.get(f"/sign-in/with/{provider.id}").status_code == 404
    assert (
        client.post("/sign-in/work-account", data={"work-email": f"a@{DOMAIN}"}).status_code == 400
    )


# Setting providers up -------------------------------------------------------------------------


def _data(**changes: Any) -> ProviderData:
    values: dict[str, Any] = {
        "display_name": "Cardiff Council",
        "issuer": "https://login.microsoftonline.com/tenant/v2.0/",
        "client_id": "abc",
        "client_secret": "s3cret",
        "email_domains": "@Cardiff.gov.uk\ncardiff.gov.uk, cardiffcouncil.example",
        "enabled": True,
        "passwords_off": False,
        **changes,
    }
    return ProviderData(**values)


@pytest.mark.once
def test_saving_a_provider_checks_its_fields_and_seals_the_secret(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    organisation = make_organisation()
    saved = save_provider(admin, organisation, None, _data())
    assert saved.issuer == "https://login.microsoftonline.com/tenant/v2.0"
    assert saved.domains == ["cardiff.gov.uk", "cardiffcouncil.example"]
    assert "s3cret" not in saved.client_secret_sealed and unseal(saved.client_secret_sealed) == (
        "s3cret"
    )
    sealed = saved.client_secret_sealed
    save_provider(admin, organisation, saved, _data(client_secret=""))
    assert saved.client_secret_sealed == sealed  # blank keeps the secret

    for field, changes in [
        ("issuer", {"issuer": "http://idp.example.org"}),
        ("issuer", {"issuer": "not a url"}),
        ("email_domains", {"email_domains": "not a domain!"}),
        ("email_domains", {"email_domains": "  "}),
        ("client_secret", {"client_secret": ""}),
        ("display_name", {"display_name": " "}),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            save_provider(admin, organisation, None, _data(**changes))
        assert refused.value.field == field
    with pytest.raises(ValidationFailed, match="already signs in with Cardiff Council"):
        save_provider(admin, make_organisation(), None, _data(email_domains="cardiff.gov.uk"))
    with pytest.raises(PermissionDenied):
        save_provider(make_user(roles=["manager"]), organisation, None, _data())


def test_an_admin_adds_and_edits_a_provider_from_the_organisation_page(
    app: Flask, organisation: Organisation
) -> None:
    admin = make_user(roles=["admin"])
    db.session.commit()
    client = login(app.test_client(), admin)
    shown = page(client.get(f"/admin/organisations/{organisation.id}"))
    assert "Sign-in services (OpenID Connect)" in shown
    listing = page(client.get(f"/admin/organisations/{organisation.id}/sign-in-services"))
    assert "This organisation has no sign-in service yet" in listing
    assert "https://trainhub.example.org/sign-in/callback" in listing

    url = f"/admin/organisations/{organisation.id}/sign-in-services/new"
    bad = client.post(url, data={**_form(), "issuer": "ftp://x"})
    assert bad.status_code == 400 and field_error(page(bad), "issuer")
    assert count(IdentityProvider) == 0

    added = client.post(url, data=_form(), follow_redirects=True)
    assert "Sign-in service saved." in page(added) and "cardiff.gov.uk" in page(added)
    provider = db.session.execute(db.select(IdentityProvider)).scalar_one()
    edit = client.get(f"/admin/sign-in-services/{provider.id}")
    assert "s3cret" not in page(edit)
    saved = client.post(
        f"/admin/sign-in-services/{provider.id}",
        data={**_form(), "client_secret": "", "passwords_off": "y"},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert provider.passwords_off and unseal(provider.client_secret_sealed) == "s3cret"
    assert audit_actions() == ["oidc.provider_saved", "oidc.provider_saved"]


def _form() -> dict[str, str]:
    return {
        "display_name": "Cardiff Council",
        "issuer": "https://login.microsoftonline.com/tenant/v2.0",
        "client_id": "abc",
        "client_secret": "s3cret",
        "email_domains": "cardiff.gov.uk",
        "enabled": "y",
    }


def test_the_provider_pages_are_for_admins_only(app: Flask, organisation: Organisation) -> None:
    manager = make_user(roles=["manager"], organisation=organisation)
    db.session.commit()
    client = login(app.test_client(), manager)
    assert "Sign-in services" not in page(client.get(f"/admin/organisations/{organisation.id}"))
    assert client.get(f"/admin/organisations/{organisation.id}/sign-in-services").status_code == 403


def test_the_lists_of_providers_and_links_take_a_fixed_number_of_queries(
    app: Flask, oidc_provider: Provider, organisation: Organisation, count_queries: Any
) -> None:
    admin = make_user(roles=["admin"])
    person = make_user()
    db.session.commit()
    client = login(app.test_client(), admin)
    pages = (
        f"/admin/organisations/{organisation.id}/sign-in-services",
        "/sign-in",
        f"/admin/users/{person.id}",
    )

    def add(n: int) -> None:
        for _ in range(n):
            other = make_organisation()
            provider = make_identity_provider(
                oidc_provider.issuer, organisation, f"o{other.id}.example"
            )
            db.session.add(
                ExternalIdentity(provider_id=provider.id, subject=new_sub(), user_id=person.id)
            )
        db.session.commit()

    def counts() -> list[int]:
        found = []
        for url in pages:
            visitor = client if url != "/sign-in" else app.test_client()
            count_queries.statements.clear()
            assert visitor.get(url).status_code == 200
            found.append(count_queries.count)
        return found

    add(1)
    few = counts()
    add(4)
    assert counts() == few
