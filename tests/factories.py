"""Typed factories for test data. Each adds to the session and flushes; tests commit."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from werkzeug.security import generate_password_hash

from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import (
    Booking,
    Cohort,
    CohortDay,
    CohortFacilitator,
    Course,
    Venue,
    local_today,
)
from trainhub.extensions import db, utcnow

PASSWORD = "correct-horse-battery"
#: How the tests' own accounts' passwords are hashed: PBKDF2 with few rounds. The app
#: hashes with scrypt (``User.set_password``), slow on purpose (about 0.1 s a check), and
#: hundreds of tests and journeys sign in through the form. The check is the app's own
#: either way: werkzeug reads the method from the stored hash.
TEST_HASH_METHOD = "pbkdf2:sha256:1000"
PASSWORD_HASH = generate_password_hash(PASSWORD, method=TEST_HASH_METHOD)
_counter = itertools.count(1)


def set_test_password(user: User, password: str) -> None:
    """Give a test's account ``password``, hashed the tests' quick way (``TEST_HASH_METHOD``)."""
    user.password_hash = generate_password_hash(password, method=TEST_HASH_METHOD)


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
        set_test_password(user, password)
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


def make_cohort(
    course: Course | None = None,
    *,
    days: int | None = None,
    start: date | None = None,
    gap_days: int = 1,
    status: str = "published",
    capacity: int = 20,
    venue: Venue | None = None,
    facilitators: list[User] | None = None,
    **overrides: Any,
) -> Cohort:
    """A cohort of ``course`` (a new 1-day course by default), days ``gap_days`` apart from
    ``start`` (30 days ahead by default), 09:30–16:30, published unless told otherwise.
    Written directly, without the scheduling service's checks."""
    course = course or make_course(duration_days=days or 1)
    count = days or course.duration_days
    start = start or local_today() + timedelta(days=30)
    venue = venue or make_venue(capacity=max(capacity, 20))
    if facilitators is None:
        facilitators = [make_user(roles=("trainer",))]
    cohort = Cohort(
        course=course,
        title=overrides.pop("title", f"{course.title} cohort {next(_counter)}"),
        status=status,
        capacity=capacity,
        first_day=start,
        last_day=start + timedelta(days=gap_days * (count - 1)),
        **overrides,
    )
    cohort.days = [
        CohortDay(
            day_number=n + 1,
            date=start + timedelta(days=gap_days * n),
            start_time=time(9, 30),
            end_time=time(16, 30),
            venue_id=venue.id,
        )
        for n in range(count)
    ]
    cohort.facilitators = [
        CohortFacilitator(user_id=u.id, role="lead" if i == 0 else "co", position=i)
        for i, u in enumerate(facilitators)
    ]
    db.session.add(cohort)
    db.session.flush()
    return cohort


def make_booking(
    cohort: Cohort, user: User | None = None, status: str = "booked", **overrides: Any
) -> Booking:
    """A booking written directly (no rules, no mail)."""
    booking = Booking(cohort=cohort, user=user or make_user(), status=status, **overrides)
    db.session.add(booking)
    db.session.flush()
    return booking


def turn_on_two_factor(user: User, now: datetime | None = None) -> tuple[str, list[str]]:
    """Two-step verification on for ``user``, confirmed with the code of the step before
    ``now`` (so now's code is still unused): its secret and recovery codes. The code is
    checked as at ``now`` too: on a busy machine the clock could otherwise pass into the next
    step in between, leaving that code two steps old."""
    import pyotp

    from trainhub.auth.services import two_factor

    at = now or utcnow()
    authenticator = two_factor.start_setup(user)
    secret = authenticator.secret
    with mock.patch.object(two_factor, "utcnow", lambda: at):
        codes = two_factor.confirm_setup(user, pyotp.TOTP(secret).at(at - timedelta(seconds=30)))
    return secret, codes
