"""Per-IP rate limits: the pages used to guess answer 429 past their limit, per address.

The limits are rules of the app, not of a database: these tests run once. Each counts
afresh: ``limited`` gives the test's app small limits and the limiter new storage (the
limits are read at each request; storage and ``RATELIMIT_ENABLED`` when the limiter is
set up), and ``make_app`` builds another app where a setting only takes effect in
``create_app`` (a proxy in front). That app sees only what is committed, so the tests
that use it sign in as nobody and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import IsolatedClient, base_config
from tests.factories import PASSWORD, make_user
from tests.helpers import page
from trainhub import create_app, ratelimit
from trainhub.auth.models import User
from trainhub.extensions import db

pytestmark = pytest.mark.once

SMALL_LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_SIGN_IN": "3 per minute",
    "RATELIMIT_REGISTER": "1 per minute",
    "RATELIMIT_PASSWORD_FORGOTTEN": "1 per minute",
    "RATELIMIT_PASSWORD_RESET": "1 per minute",
    "RATELIMIT_CERTIFICATE_VERIFY": "4 per minute",
    "RATELIMIT_CALENDAR_FEED": "2 per minute",
}
HOME = {"REMOTE_ADDR": "198.51.100.7"}
NEIGHBOUR = {"REMOTE_ADDR": "198.51.100.8"}
PROXY = {"REMOTE_ADDR": "10.0.0.2"}


@pytest.fixture
def make_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """``make_app(**config)``: another app with SMALL_LIMITS on the test's database."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = create_app(
            {
                **base_config(database_url),
                "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                **SMALL_LIMITS,
                **config,
            }
        )
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def limited(app: Flask) -> FlaskClient:
    """A client of the test's app with SMALL_LIMITS, counting from nothing."""
    app.config.update(SMALL_LIMITS)
    ratelimit.limiter.init_app(app)
    return app.test_client()


def sign_in(
    client: FlaskClient, email: str, password: str, environ: dict[str, str], **kwargs: Any
) -> TestResponse:
    data = {"email": email, "password": password}
    return client.post("/sign-in", data=data, environ_base=environ, **kwargs)


def assert_too_many(response: TestResponse) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many attempts from your network" in page(response)
    assert "Wait 1 minute and try again." in page(response)
    assert 'class="govuk-footer"' in page(response)  # the site's own layout


def test_sign_ins_past_the_limit_get_a_429_page_and_change_nothing(limited):
    user = make_user(email="target@example.org")
    db.session.commit()
    for _ in range(3):
        assert sign_in(limited, "target@example.org", "a-wrong-guess", HOME).status_code == 400
    assert db.session.get(User, user.id).failed_logins == 3

    response = sign_in(limited, "target@example.org", "another-wrong-guess", HOME)

    assert_too_many(response)
    assert db.session.get(User, user.id).failed_logins == 3  # the view never ran
    # The right password is refused too while the address waits, and writes nothing.
    assert sign_in(limited, "target@example.org", PASSWORD, HOME).status_code == 429
    refused = db.session.get(User, user.id)
    assert refused.last_login_at is None and refused.failed_logins == 3
    assert limited.get("/account", environ_base=HOME).status_code == 302  # not signed in


def test_another_address_is_not_held_back(limited):
    make_user(email="neighbour@example.org")
    db.session.commit()
    for _ in range(4):
        sign_in(limited, "neighbour@example.org", "a-wrong-guess", HOME)
    assert sign_in(limited, "neighbour@example.org", "a-wrong-guess", HOME).status_code == 429

    assert sign_in(limited, "neighbour@example.org", PASSWORD, NEIGHBOUR).status_code == 302


def test_the_sign_in_page_itself_is_not_limited(limited):
    for _ in range(4):
        sign_in(limited, "nobody@example.org", "a-wrong-guess", HOME)

    for _ in range(5):
        assert limited.get("/sign-in", environ_base=HOME).status_code == 200


def test_x_forwarded_for_is_ignored_without_a_proxy_setting(limited):
    for n in range(3):
        forged = {"X-Forwarded-For": f"203.0.113.{n}"}
        response = sign_in(limited, "nobody@example.org", "guess", PROXY, headers=forged)
        assert response.status_code == 400

    forged = {"X-Forwarded-For": "203.0.113.99"}
    response = sign_in(limited, "nobody@example.org", "guess", PROXY, headers=forged)

    assert response.status_code == 429


def test_behind_one_proxy_each_client_address_has_its_own_count(make_app):
    client = make_app(PROXY_FIX_X_FOR=1).test_client()
    first = {"X-Forwarded-For": "203.0.113.1"}
    for _ in range(3):
        sign_in(client, "nobody@example.org", "guess", PROXY, headers=first)
    assert sign_in(client, "nobody@example.org", "guess", PROXY, headers=first).status_code == 429

    # Only the address the proxy appended counts: one a client sends before it is not trusted.
    second = {"X-Forwarded-For": "203.0.113.1, 203.0.113.2"}
    response = sign_in(client, "nobody@example.org", "guess", PROXY, headers=second)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/register", "/password/forgotten", "/password/reset/not-a-token"],
)
def test_each_form_that_can_be_abused_is_limited_on_post_only(limited, path):
    assert limited.post(path, data={}, environ_base=HOME).status_code in (400, 404)

    assert_too_many(limited.post(path, data={}, environ_base=HOME))
    assert limited.get(path, environ_base=HOME).status_code in (200, 404)


def test_certificate_look_ups_share_one_limit(limited):
    assert limited.get("/verify", environ_base=HOME).status_code == 200
    assert limited.get("/verify?code=7KQ2-M9XH-3TVA", environ_base=HOME).status_code == 302
    assert limited.get("/verify/7KQ2M9XH3TVA", environ_base=HOME).status_code == 404
    assert limited.get("/certificates/7KQ2M9XH3TVA/status", environ_base=HOME).status_code == 404

    assert_too_many(limited.get("/verify/7KQ2M9XH3TVB", environ_base=HOME))
    assert limited.get("/verify/7KQ2M9XH3TVB", environ_base=NEIGHBOUR).status_code == 404


def test_calendar_feed_tokens_cannot_be_tried_quickly(limited):
    for _ in range(2):
        assert limited.get("/calendar/feed/guess.ics", environ_base=HOME).status_code == 404

    assert_too_many(limited.get("/calendar/feed/guess.ics", environ_base=HOME))


@pytest.mark.parametrize(
    "config", [{"RATELIMIT_ENABLED": False}, {"RATELIMIT_SIGN_IN": ""}], ids=["all", "one"]
)
def test_the_limits_can_be_turned_off(make_app, config):
    client = make_app(**config).test_client()
    for _ in range(6):
        response = sign_in(client, "nobody@example.org", "guess", HOME)
        assert response.status_code == 400


def test_the_page_is_in_welsh_for_a_welsh_visitor(limited):
    welsh = {"Accept-Language": "cy"}
    for _ in range(3):
        sign_in(limited, "nobody@example.org", "guess", HOME, headers=welsh)

    response = sign_in(limited, "nobody@example.org", "guess", HOME, headers=welsh)

    assert response.status_code == 429
    shown = page(response)
    assert '<html lang="cy"' in shown
    assert "Gormod o ymdrechion o'ch rhwydwaith" in shown
    assert "Arhoswch 1 munud a rhowch gynnig arall arni." in shown
    assert "Too many attempts" not in shown


def test_a_limit_that_is_not_a_rate_stops_the_app_starting():
    with pytest.raises(RuntimeError, match="TRAINHUB_RATELIMIT_SIGN_IN"):
        create_app({**base_config("sqlite://"), "RATELIMIT_SIGN_IN": "lots"})
