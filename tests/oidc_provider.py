"""A real OpenID Connect provider for the tests: oidc-provider-mock (Authlib's server) serving
on a free local port in a thread, started once per test session and worker.

``oidc_provider`` issues ID tokens that last an hour; ``expired_oidc_provider`` is a second,
separate provider (its own signing key) whose ID tokens expired ten minutes before they were
issued. A test sets a person's claims with ``Provider.set_user`` and "signs in" at the
provider by submitting its own authorization form (``Provider.authorize``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from trainhub.auth.models import IdentityProvider, Organisation
from trainhub.auth.services.oidc import seal
from trainhub.extensions import db

CLIENT_ID = "trainhub-tests"
CLIENT_SECRET = "a client secret"  # the provider accepts any


@dataclass(frozen=True)
class Provider:
    """A running provider: its issuer URL, and what a test does at it."""

    issuer: str

    def set_user(self, sub: str, **claims: Any) -> None:
        """The claims the provider will give for ``sub`` (``email_verified`` among them)."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Submit the provider's authorization form as ``sub``; the URL it sends back to."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])


def local_path(url: str) -> str:
    """The path and query of a URL on trainhub's BASE_URL, for the Flask test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def closed_port_url() -> str:
    """An issuer URL where nothing listens (a provider that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_identity_provider(
    issuer: str,
    organisation: Organisation,
    domains: str = "council.example",
    **overrides: Any,
) -> IdentityProvider:
    """An enabled provider of ``organisation`` for ``domains`` (added and flushed)."""
    values: dict[str, Any] = {
        "display_name": organisation.name,
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret_sealed": seal(CLIENT_SECRET),
        "email_domains": domains,
        "enabled": True,
        "passwords_off": False,
        **overrides,
    }
    provider = IdentityProvider(organisation_id=organisation.id, **values)
    db.session.add(provider)
    db.session.flush()
    return provider


def _serve(**options: Any) -> Iterator[Provider]:
    # Imported only by the tests that start it (it imports Authlib's deprecated JOSE module).
    from oidc_provider_mock import run_server_in_thread

    # The provider (Authlib's server) refuses plain http unless told this is a test.
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    with run_server_in_thread(require_nonce=True, **options) as server:
        yield Provider(f"http://localhost:{server.server_port}")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    yield from _serve()


@pytest.fixture(scope="session")
def expired_oidc_provider() -> Iterator[Provider]:
    yield from _serve(access_token_max_age=timedelta(minutes=-10))
