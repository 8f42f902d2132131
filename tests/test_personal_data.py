"""R49: whose names a manager sees. One rule (``auth.permissions.can_view_training_record``
with ``people_visible_to``; on a cohort's pages ``courses.permissions.can_see_attendee``
with ``attendees_visible_to``), checked here as a permission matrix and then through every
export and page that names people.

The world: two organisations, A and B; a person of each and one of none, all IFST members
booked on one cohort running today, which a manager of B facilitates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, template_rendered
from sqlalchemy import select

from tests.accreditation.helpers import pdf
from tests.factories import make_booking, make_cohort, make_course, make_organisation, make_user
from tests.helpers import as_user, banners, count, follow, page, page_html
from trainhub.auth.models import User
from trainhub.auth.permissions import can_view_training_record, people_visible_to
from trainhub.courses.models import Attendance, Booking, Cohort, local_today
from trainhub.courses.permissions import attendees_visible_to, can_decide_request, can_see_attendee
from trainhub.courses.queries import pending_requests
from trainhub.courses.services.booking import decide_request
from trainhub.errors import PermissionDenied
from trainhub.extensions import db

ACTORS = ("manager_a", "manager_b", "lead", "admin", "trainer")
PEOPLE = ("person_a", "person_b", "person_none")
NAMES = {"person_a": "Alys Of-A", "person_b": "Bryn Of-B", "person_none": "Nel Of-None"}

#: ``can_view_training_record``: their own organisation's people for managers (the lead
#: is a manager of B), everyone for admins, nobody for a trainer; no manager sees a person
#: with no organisation.
ANYWHERE = {
    "manager_a": {"person_a"},
    "manager_b": {"person_b"},
    "lead": {"person_b"},
    "admin": set(PEOPLE),
    "trainer": set(),
}
#: ``can_see_attendee`` on the cohort the lead facilitates: the lead sees all its attendees.
ON_THE_COHORT = {**ANYWHERE, "lead": set(PEOPLE)}


@dataclass
class World:
    users: dict[str, User]
    cohort: Cohort
    bookings: dict[str, Booking]


@pytest.fixture
def world(app: Flask) -> World:
    a, b = make_organisation(), make_organisation()
    users = {
        "manager_a": make_user(roles=["manager"], organisation_id=a.id),
        "manager_b": make_user(roles=["manager"], organisation_id=b.id),
        # A manager of B who also facilitates the cohort.
        "lead": make_user(roles=["manager", "trainer"], organisation_id=b.id),
        # Administrators download named exports only as managers (R42).
        "admin": make_user(roles=["admin", "manager"]),
        "trainer": make_user(roles=["trainer"], organisation_id=a.id),
        "person_a": make_user(full_name=NAMES["person_a"], organisation_id=a.id, ifst_member=True),
        "person_b": make_user(full_name=NAMES["person_b"], organisation_id=b.id, ifst_member=True),
        "person_none": make_user(full_name=NAMES["person_none"], ifst_member=True),
    }
    cohort = make_cohort(
        make_course(), start=local_today(), facilitators=[users["lead"]], title="Spring cohort"
    )
    bookings = {who: make_booking(cohort, users[who]) for who in PEOPLE}
    db.session.commit()
    return World(users, cohort, bookings)


def _seen(world: World, rule: Any) -> set[str]:
    return {who for who in PEOPLE if rule(world.users[who])}


# -- The rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_the_predicate_matrix(world: World, actor: str) -> None:
    user = world.users[actor]

    anywhere = _seen(world, lambda person: can_view_training_record(user, person))
    on_cohort = _seen(world, lambda person: can_see_attendee(user, world.cohort, person))

    assert anywhere == ANYWHERE[actor]
    assert on_cohort == ON_THE_COHORT[actor]


@pytest.mark.parametrize("actor", ACTORS)
def test_the_sql_filters_say_what_the_predicates_say(world: World, actor: str) -> None:
    user = world.users[actor]
    ids = {world.users[who].id: who for who in PEOPLE}

    anywhere = db.session.execute(
        select(User.id).where(User.id.in_(ids), people_visible_to(user))
    ).scalars()
    on_cohort = db.session.execute(
        select(User.id)
        .join(Booking, Booking.user_id == User.id)
        .where(
            Booking.cohort_id == world.cohort.id,
            attendees_visible_to(user, Booking.cohort_id),
        )
    ).scalars()

    assert {ids[i] for i in anywhere} == ANYWHERE[actor]
    assert {ids[i] for i in on_cohort} == ON_THE_COHORT[actor]


def test_whoever_scheduled_a_cohort_sees_its_attendees(world: World) -> None:
    scheduler = make_user(roles=["manager"], organisation_id=make_organisation().id)
    world.cohort.created_by_id = scheduler.id
    db.session.flush()

    assert _seen(world, lambda p: can_see_attendee(scheduler, world.cohort, p)) == set(PEOPLE)
    assert _seen(world, lambda p: can_view_training_record(scheduler, p)) == set()


def test_a_person_is_seen_by_themselves_and_their_supervisor(world: World) -> None:
    person, boss = world.users["person_none"], make_user()
    person.supervisor_id = boss.id
    db.session.flush()

    assert can_view_training_record(person, person)
    assert can_view_training_record(boss, person)
    visible = select(User.id).where(User.id == person.id, people_visible_to(boss))
    assert db.session.execute(visible).scalar() == person.id


# -- The named exports --------------------------------------------------------------------


def _csv_names(text: str) -> set[str]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize("actor", ("manager_a", "manager_b", "lead", "admin"))
def test_the_attendees_export_names_whom_the_rule_lets_them_see(
    app: Flask, world: World, actor: str
) -> None:
    response = as_user(app, world.users[actor]).get("/reports/named/attendees.csv")

    assert response.status_code == 200
    names = _csv_names(response.get_data(as_text=True))
    assert names == {NAMES[who] for who in ON_THE_COHORT[actor]}


@pytest.mark.parametrize("actor", ("manager_a", "manager_b", "lead", "admin"))
def test_the_workforce_export_names_their_own_organisations_people(
    app: Flask, world: World, actor: str
) -> None:
    response = as_user(app, world.users[actor]).get("/reports/named/workforce.csv")

    assert response.status_code == 200
    names = _csv_names(response.get_data(as_text=True))
    # Facilitating a cohort gives no sight of its attendees' accreditation: that is no
    # cohort's business.
    assert names & {NAMES[p] for p in PEOPLE} == {NAMES[who] for who in ANYWHERE[actor]}


def test_a_trainer_gets_no_named_export(app: Flask, world: World) -> None:
    client = as_user(app, world.users["trainer"])

    assert client.get("/reports/named/attendees.csv").status_code == 403
    assert client.get("/reports/named/workforce.csv").status_code == 403


def test_the_exports_page_says_who_the_files_name(app: Flask, world: World) -> None:
    text = page(as_user(app, world.users["manager_a"]).get("/reports/exports"))

    assert "These files name only your own organisation's learners" in text


# -- Cohort pages ---------------------------------------------------------------------------


def _names_in(text: str) -> set[str]:
    return {who for who in PEOPLE if NAMES[who] in text}


@pytest.mark.parametrize("actor", ("manager_a", "manager_b", "lead", "admin"))
def test_the_bookings_page_names_whom_the_rule_lets_them_see(
    app: Flask, world: World, actor: str
) -> None:
    text = page(as_user(app, world.users[actor]).get(f"/cohorts/{world.cohort.id}/bookings"))

    assert _names_in(text) == ON_THE_COHORT[actor]
    hidden = len(PEOPLE) - len(ON_THE_COHORT[actor])
    if hidden:
        assert f"{hidden} people outside your organisation are not named here." in text
    else:
        assert "outside your organisation" not in text
    assert "3 of 20 places taken" in text


def test_the_waiting_list_keeps_its_positions_and_counts_the_others(
    app: Flask, world: World
) -> None:
    a = world.users["person_a"].organisation_id
    b = world.users["person_b"].organisation_id
    make_booking(world.cohort, make_user(organisation_id=b), "waitlisted", queue_rank=1)
    make_booking(
        world.cohort,
        make_user(full_name="Wyn Waiting", organisation_id=a),
        "waitlisted",
        queue_rank=2,
    )
    db.session.commit()

    html = page_html(
        as_user(app, world.users["manager_a"]).get(f"/cohorts/{world.cohort.id}/bookings")
    )

    waiting = html[html.index("Waiting list") : html.index(">Bookings<")]
    assert "Wyn Waiting" in waiting
    assert ">2</td>" in waiting  # Wyn is second, after someone of B
    assert "1 person outside your organisation is not named here." in waiting
    assert "3 of 20 places taken; 2 waiting" in page(
        as_user(app, world.users["manager_a"]).get(f"/cohorts/{world.cohort.id}/bookings")
    )


@pytest.mark.parametrize("actor", ("manager_a", "manager_b", "lead", "admin"))
def test_the_register_names_whom_the_rule_lets_them_see(
    app: Flask, world: World, actor: str
) -> None:
    url = f"/cohorts/{world.cohort.id}/days/1/register"
    response = as_user(app, world.users[actor]).get(url)
    text = page(response)

    assert _names_in(text) == ON_THE_COHORT[actor]
    assert page_html(response).count('name="minutes-') == len(ON_THE_COHORT[actor])
    hidden = len(PEOPLE) - len(ON_THE_COHORT[actor])
    if hidden:
        assert f"{hidden} people outside your organisation are not named here." in text


def test_a_manager_marks_only_the_people_they_see(app: Flask, world: World) -> None:
    client = as_user(app, world.users["manager_a"])
    url = f"/cohorts/{world.cohort.id}/days/1/register"
    csrf_free = {"save": "1"}

    refused = client.post(url, data={**csrf_free, f"status-{world.users['person_b'].id}": "absent"})
    everyone = client.post(url, data={"mark_all": "1"})

    assert refused.status_code == 400
    assert "Someone in the form is not on this register" in page(refused)
    assert everyone.status_code == 302
    marked = db.session.execute(select(Attendance.user_id)).scalars().all()
    assert marked == [world.users["person_a"].id]


@pytest.fixture
def rendered(app: Flask) -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    """The templates a request renders, with their context (Flask's own signal)."""
    seen: list[tuple[Any, dict[str, Any]]] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        seen.append((template, dict(context)))

    with template_rendered.connected_to(record, app):
        yield seen


@pytest.mark.parametrize("actor", ("manager_a", "lead"))
def test_the_sign_in_sheet_names_whom_the_rule_lets_them_see(
    app: Flask,
    world: World,
    actor: str,
    rendered: list[tuple[Any, dict[str, Any]]],
) -> None:
    url = f"/cohorts/{world.cohort.id}/days/1/sign-in-sheet.pdf"

    response = as_user(app, world.users[actor]).get(url)

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    [(template, context)] = [(t, c) for t, c in rendered if t.name.endswith("sign_in_sheet.html")]
    with app.test_request_context():
        html = template.render(context)
    assert _names_in(html) == ON_THE_COHORT[actor]
    hidden = len(PEOPLE) - len(ON_THE_COHORT[actor])
    blank_lines = html.count("<td>&nbsp;</td>")
    assert blank_lines == 3 + hidden
    if hidden:
        assert f"{hidden} people outside your organisation are not named here" in html


@pytest.mark.parametrize("actor", ACTORS[:4])
def test_a_booking_page_is_for_those_who_may_see_its_person(
    app: Flask, world: World, actor: str
) -> None:
    client = as_user(app, world.users[actor])

    for who in PEOPLE:
        booking = world.bookings[who]
        expected = 200 if who in ON_THE_COHORT[actor] else 403
        assert client.get(f"/bookings/{booking.id}").status_code == expected
        assert client.get(f"/bookings/{booking.id}/cancel").status_code == expected


def test_moving_someone_on_the_waiting_list_needs_sight_of_them(app: Flask, world: World) -> None:
    waiting = make_booking(
        world.cohort,
        make_user(organisation_id=world.users["person_b"].organisation_id),
        "waitlisted",
        queue_rank=1,
    )
    db.session.commit()

    assert (
        as_user(app, world.users["manager_a"]).get(f"/bookings/{waiting.id}/move").status_code
        == 403
    )
    assert (
        as_user(app, world.users["manager_b"]).get(f"/bookings/{waiting.id}/move").status_code
        == 200
    )
    placed = as_user(app, world.users["manager_a"]).post(f"/bookings/{waiting.id}/place")
    assert placed.status_code == 403
    assert db.session.get(Booking, waiting.id).status == "waitlisted"  # type: ignore[union-attr]


@pytest.mark.parametrize("actor", ("manager_a", "manager_b", "lead", "admin"))
def test_requests_are_decided_by_the_learners_own_managers(world: World, actor: str) -> None:
    """Running the cohort names its attendees to the lead (R49), but whether another
    employer's staff may go is that employer's managers' decision (or an administrator's)."""
    for booking in world.bookings.values():
        booking.status = "requested"
    db.session.flush()
    user = world.users[actor]

    listed = db.session.execute(pending_requests(user)).scalars().all()
    may_decide = _seen(world, lambda person: can_decide_request(user, person))

    assert {b.user.full_name for b in listed} == {NAMES[w] for w in ANYWHERE[actor]}
    assert may_decide == ANYWHERE[actor]
    if actor == "lead":
        with pytest.raises(PermissionDenied):
            decide_request(user, world.bookings["person_a"], approve=True)


def test_a_clash_names_only_people_the_editor_may_see(app: Flask, world: World) -> None:
    from trainhub.courses.services.scheduling import _refuse_learner_overlaps
    from trainhub.errors import ValidationFailed

    other = make_cohort(start=local_today(), title="Other cohort")
    for who in ("person_a", "person_b"):
        make_booking(other, world.users[who])
    db.session.flush()

    with pytest.raises(ValidationFailed) as caught:
        _refuse_learner_overlaps(world.users["manager_a"], world.cohort)
    with pytest.raises(ValidationFailed) as by_lead:
        _refuse_learner_overlaps(world.users["lead"], world.cohort)

    assert NAMES["person_a"] in caught.value.message
    assert NAMES["person_b"] not in caught.value.message
    assert "Someone outside your organisation is already booked on “Other cohort”" in (
        caught.value.message
    )
    assert NAMES["person_a"] in by_lead.value.message and NAMES["person_b"] in by_lead.value.message


# -- History ------------------------------------------------------------------------------


@pytest.mark.usefixtures("catalogue")
def test_a_history_record_names_its_person_only_by_the_rule(app: Flask, world: World) -> None:
    from datetime import date

    from trainhub.history.services import CompletionDraft, record_completions

    person = world.users["person_b"]
    outcome = record_completions(
        world.users["manager_a"],
        [CompletionDraft(person.email, person.full_name, "IFSS-CORE", date(2014, 5, 12))],
        evidence=pdf("register.pdf"),
    )
    db.session.commit()
    url = f"/history/records/{outcome.record_ids[0]}"

    other = page_html(as_user(app, world.users["manager_a"]).get(url))
    own = page_html(as_user(app, world.users["manager_b"]).get(url))
    hub = page(as_user(app, world.users["manager_a"]).get("/history"))

    assert person.full_name not in other and person.email not in other
    assert f"/people/{person.id}" not in other and f"/account/{person.id}" not in other
    assert "Someone outside your organisation" in other
    assert person.full_name in own and person.email in own
    assert person.full_name not in hub and "someone outside your organisation" in hub
    assert count(Booking) == 3


def test_booking_someone_by_address_does_not_tell_a_manager_their_name(
    app: Flask, world: World
) -> None:
    stranger = make_user(
        full_name="Gwen Of-B", organisation_id=world.users["person_b"].organisation_id
    )
    db.session.commit()
    client = as_user(app, world.users["manager_a"])

    response = client.post(f"/cohorts/{world.cohort.id}/bookings", data={"email": stranger.email})

    text = follow(client, response)
    assert banners(text) == [("success", f"{stranger.email} is booked.")]
    assert "Gwen Of-B" not in text
