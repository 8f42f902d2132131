"""No open redirects: a ``next`` parameter only ever leads to a page of this site."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

from tests.factories import PASSWORD, make_user
from trainhub.extensions import db
from trainhub.urls import safe_next

HOST = "localhost"

#: What attackers send, and what browsers are known to read as another host.
HOSTILE = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/////evil.example/path",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "https://evil.example",
    "http://evil.example/",
    "https:evil.example",
    "http:/evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\uff0fevil.example",  # full-width solidus
    "\uff0f\uff0fevil.example",
    "/\u2215evil.example",  # division slash
    "/\u2044evil.example",  # fraction slash
    "/\u202e/evil.example",  # right-to-left override
    "/\u200b/evil.example",  # zero-width space
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "evil.example",
    "@evil.example",
    "ftp://evil.example",
    "//evil.example@trainhub.example.org",
    "/\u2216evil.example",  # set minus
]

SAFE = [
    "/",
    "/courses",
    "/courses?page=2",
    "/cohorts/12#book",
    "/courses?q=family support",
    "/account/training-record",
    "/%252F%252Fevil.example",  # a path here: decoded once it is still %2F
]


def browser_target(location: str) -> str:
    """The host a browser would go to for this Location, read as browsers read it."""
    cleaned = re.sub(r"[\t\n\r]", "", location).lstrip("\x00 \x01\x02\x03\x1f")
    cleaned = cleaned.replace("\\", "/")
    return urlsplit(urljoin(f"http://{HOST}/start", cleaned)).netloc


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_refuses_anything_that_leaves_the_site(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", SAFE)
def test_safe_next_keeps_paths_on_this_site(target):
    assert safe_next(target, "/home") == target


def test_the_table_is_long_enough():
    assert len(HOSTILE) >= 30


@pytest.mark.once
def test_language_switch_never_leaves_the_site(client):
    for target in HOSTILE:
        response = client.get(f"/language/cy?next={quote(target, safe='')}")
        assert response.status_code in (302, 400), target
        if response.status_code == 302:
            assert browser_target(response.headers["Location"]) == HOST, target
    response = client.get("/language/en?next=%2Fcourses%3Fpage%3D2")
    assert response.headers["Location"] == "/courses?page=2"


@pytest.mark.once
def test_sign_in_never_leaves_the_site(app, client):
    user = make_user(email="rhiannon@example.org")
    db.session.commit()
    for target in HOSTILE:
        client.post("/sign-out")
        response = client.post(
            f"/sign-in?next={quote(target, safe='')}",
            data={"email": user.email, "password": PASSWORD},
        )
        assert response.status_code in (302, 400), target
        if response.status_code == 302:
            assert browser_target(response.headers["Location"]) == HOST, target
    client.post("/sign-out")
    response = client.post(
        "/sign-in?next=%2Fcourses", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/courses"
