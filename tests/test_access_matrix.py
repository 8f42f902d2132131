"""Route × role access matrix: every endpoint, every kind of user.

Each endpoint in ``app.url_map`` must be listed here with what anonymous
visitors, learners, trainers, assessors, managers, admins and supervisors get.
A new route that is not listed fails ``test_every_endpoint_is_in_the_matrix``.

Outcomes: ``ok`` 200 · ``login`` 302 to the sign-in page · ``deny`` 403 ·
``away`` a 302 somewhere other than sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from tests.conftest import login
from tests.factories import make_organisation, make_user, make_venue
from trainhub.auth.services import make_reset_token
from trainhub.extensions import db
from trainhub.mail.services import queue_mail

ROLES = ("anonymous", "learner", "trainer", "assessor", "manager", "admin", "supervisor")


@dataclass
class World:
    """One of each kind of user, and an object of each kind to point routes at."""

    users: dict[str, Any]
    subject_id: int
    organisation_id: int
    venue_id: int
    level_id: int
    message_id: int
    reset_token: str


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def only(allowed: tuple[str, ...], outcome: str = "ok") -> dict[str, str]:
    result = {role: "deny" for role in ROLES}
    result["anonymous"] = "login"
    for role in allowed:
        result[role] = outcome
    return result


SIGNED_IN = {**everyone("ok"), "anonymous": "login"}
GUEST_ONLY = {**everyone("away"), "anonymous": "ok"}


@dataclass
class Route:
    url: Callable[[World], str]
    expect: dict[str, str]
    method: str = "GET"
    data: dict[str, str] | None = None


MATRIX: dict[str, Route] = {
    # Public pages
    "home.index": Route(lambda w: "/", everyone("ok")),
    "home.health": Route(lambda w: "/healthz", everyone("ok")),
    "home.language": Route(lambda w: "/language/cy?next=/courses", everyone("away")),
    "static": Route(lambda w: "/static/js/init.mjs", everyone("ok")),
    "assets.static": Route(lambda w: "/assets/govuk-frontend.min.js", everyone("ok")),
    "courses.catalogue": Route(lambda w: "/courses", everyone("ok")),
    "courses.course_detail": Route(lambda w: "/courses/IFSS-CORE", everyone("ok")),
    "accreditation.levels": Route(lambda w: "/accreditation", everyone("ok")),
    # Signing in and passwords
    "auth.login": Route(lambda w: "/sign-in", GUEST_ONLY),
    "auth.register": Route(lambda w: "/register", GUEST_ONLY),
    "auth.logout": Route(lambda w: "/sign-out", everyone("away"), method="POST"),
    "auth.password_forgotten": Route(lambda w: "/password/forgotten", everyone("ok")),
    "auth.password_sent": Route(lambda w: "/password/sent", everyone("ok")),
    "auth.password_reset": Route(lambda w: f"/password/reset/{w.reset_token}", everyone("ok")),
    # Your own account
    "home.admin": Route(lambda w: "/admin", only(("manager", "admin"))),
    "auth.account": Route(lambda w: "/account", SIGNED_IN),
    "auth.account_edit": Route(lambda w: "/account/edit", SIGNED_IN),
    "auth.password_change": Route(lambda w: "/account/password", SIGNED_IN),
    "auth.supervisees": Route(lambda w: "/supervisees", SIGNED_IN),
    # The learner's record: the learner, their supervisor, managers and admins.
    "auth.training_record": Route(
        lambda w: f"/people/{w.subject_id}", only(("learner", "supervisor", "manager", "admin"))
    ),
    # Account administration
    "auth.admin_users": Route(lambda w: "/admin/users", only(("admin",))),
    "auth.admin_user_new": Route(lambda w: "/admin/users/new", only(("admin",))),
    "auth.admin_user_edit": Route(lambda w: f"/admin/users/{w.subject_id}", only(("admin",))),
    "auth.admin_user_active": Route(
        lambda w: f"/admin/users/{w.subject_id}/active",
        only(("admin",), "away"),
        method="POST",
        data={"active": "yes"},
    ),
    "auth.admin_user_send_reset": Route(
        lambda w: f"/admin/users/{w.subject_id}/send-reset", only(("admin",), "away"), "POST"
    ),
    "auth.admin_users_import": Route(lambda w: "/admin/users/import", only(("admin",))),
    "auth.admin_users_import_template": Route(
        lambda w: "/admin/users/import/template.csv", only(("admin",))
    ),
    "auth.admin_organisations": Route(lambda w: "/admin/organisations", only(("manager", "admin"))),
    "auth.admin_organisation_edit": Route(
        lambda w: f"/admin/organisations/{w.organisation_id}", only(("manager", "admin"))
    ),
    # Catalogue and venues
    "courses.course_new": Route(lambda w: "/courses/new", only(("trainer", "admin"))),
    "courses.course_edit": Route(lambda w: "/courses/IFSS-CORE/edit", only(("trainer", "admin"))),
    "courses.venues": Route(lambda w: "/venues", only(("trainer", "admin"))),
    "courses.venue_edit": Route(lambda w: f"/venues/{w.venue_id}", only(("trainer", "admin"))),
    # Accreditation levels
    "accreditation.admin_levels": Route(lambda w: "/admin/levels", only(("admin",))),
    "accreditation.admin_level_edit": Route(
        lambda w: f"/admin/levels/{w.level_id}", only(("admin",))
    ),
    # Outbox
    "mail.outbox": Route(lambda w: "/admin/outbox/", only(("admin",))),
    "mail.message_detail": Route(lambda w: f"/admin/outbox/{w.message_id}", only(("admin",))),
}


@pytest.fixture
def world(app: Flask, catalogue: None) -> World:
    from trainhub.accreditation.models import AccreditationLevel

    supervisor = make_user(roles=["learner"], full_name="Supervisor Person")
    organisation = make_organisation()
    users = {
        "learner": make_user(roles=["learner"], supervisor=supervisor, organisation=organisation),
        "trainer": make_user(roles=["trainer"]),
        "assessor": make_user(roles=["assessor"]),
        # The learner's own organisation's manager (R49).
        "manager": make_user(roles=["manager"], organisation=organisation),
        "admin": make_user(roles=["admin"]),
        "supervisor": supervisor,
    }
    level = db.session.execute(db.select(AccreditationLevel).limit(1)).scalar_one()
    message = queue_mail("someone@example.org", "Hello", "Body")
    world = World(
        users=users,
        subject_id=users["learner"].id,
        organisation_id=organisation.id,
        venue_id=make_venue().id,
        level_id=level.id,
        message_id=0,
        reset_token=make_reset_token(users["learner"]),
    )
    db.session.flush()
    world.message_id = message.id
    db.session.commit()
    return world


def test_every_endpoint_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)
    assert not missing, f"Add these endpoints to the access matrix: {missing}"
    assert not stale, f"These matrix entries have no route any more: {stale}"


def test_every_role_is_covered() -> None:
    for endpoint, route in MATRIX.items():
        assert set(route.expect) == set(ROLES), endpoint


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access(app: Flask, world: World, endpoint: str) -> None:
    route = MATRIX[endpoint]
    url = route.url(world)
    results = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login(client, world.users[role])
        response = client.open(url, method=route.method, data=route.data or {})
        location = response.headers.get("Location", "")
        if response.status_code == 200:
            got = "ok"
        elif response.status_code == 302 and "/sign-in" in location:
            got = "login"
        elif response.status_code == 302:
            got = "away"
        elif response.status_code == 403:
            got = "deny"
        else:
            got = str(response.status_code)
        results[role] = got
    assert results == route.expect
