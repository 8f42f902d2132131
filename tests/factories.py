"""Typed factories for test data. Each adds to the session and flushes; tests commit."""

from __future__ import annotations

import itertools
from typing import Any

from werkzeug.security import generate_password_hash

from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import Course, Venue
from trainhub.extensions import db

PASSWORD = "correct-horse-battery"
#: Hashed once: scrypt is slow on purpose, and most tests never sign in with a form.
PASSWORD_HASH = generate_password_hash(PASSWORD)
_counter = itertools.count(1)


def make_organisation(name: str | None = None, **overrides: Any) -> Organisation:
    organisation = Organisation(name=name or f"Organisation {next(_counter)}", **overrides)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(
    roles: tuple[str, ...] | set[str] | list[str] = ("learner",),
    password: str | None = PASSWORD,
    **overrides: Any,
) -> User:
    n = next(_counter)
    overrides.setdefault("email", f"person{n}@example.org")
    overrides.setdefault("full_name", f"Test Person {n}")
    user = User(**overrides)
    user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
    if password == PASSWORD:
        user.password_hash = PASSWORD_HASH
    elif password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_course(**overrides: Any) -> Course:
    n = next(_counter)
    values: dict[str, Any] = {
        "code": f"TEST-{n}",
        "title": f"Test course {n}",
        "duration_days": 1,
        "kind": "local",
        "audience": "open",
    }
    values.update(overrides)
    course = Course(**values)
    db.session.add(course)
    db.session.flush()
    return course


def make_venue(**overrides: Any) -> Venue:
    n = next(_counter)
    values: dict[str, Any] = {"name": f"Venue {n}", "address": "1 Example Street", "capacity": 20}
    values.update(overrides)
    venue = Venue(**values)
    db.session.add(venue)
    db.session.flush()
    return venue
