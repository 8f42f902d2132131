"""Content in Welsh, second slice (issue 20): cohort titles, venue names and access notes,
organisation names, written side by side with the English, shown to learners in their
language with the fallback marked, named in a Welsh-preferring learner's e-mails and
calendars, listed on the page of what lacks Welsh, and exported and imported as units."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TypeVar

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from icalendar import Calendar
from sqlalchemy import select

from tests.courses.cohort_view_helpers import Day, cohort_form
from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
    make_venue,
)
from tests.helpers import QueryCounter, as_user, field_error, outbox, page, page_html
from trainhub import bilingual
from trainhub.auth import queries as auth_queries
from trainhub.auth.models import Organisation
from trainhub.auth.services.organisations import apply_organisation_welsh
from trainhub.courses import queries
from trainhub.courses.models import Cohort, Venue, local_today
from trainhub.courses.services import calendars
from trainhub.courses.services.booking import book_place
from trainhub.courses.services.catalogue import apply_venue_welsh
from trainhub.courses.services.scheduling import apply_cohort_welsh
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db

T = TypeVar("T")

#: The glossary's "No Welsh yet" tag.
MARKER = '<strong class="govuk-tag govuk-tag--yellow">'


def welsh(client: FlaskClient) -> FlaskClient:
    client.get("/language/cy")
    return client


def reread(model: type[T], row_id: int) -> T:
    """The row as the database has it now."""
    db.session.expire_all()
    return db.session.get_one(model, row_id)


# Writing side by side --------------------------------------------------------------------------


def test_an_admin_writes_a_venues_welsh_beside_the_english(app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    form = page_html(client.get("/venues/new"))
    assert 'id="name_cy"' in form and 'lang="cy"' in form
    assert form.index('id="name"') < form.index('id="name_cy"')
    response = client.post(
        "/venues/new",
        data={
            "name": "Cardiff City Hall",
            "name_cy": "  Neuadd y Ddinas,   Caerdydd ",
            "address": "Cathays Park\nCardiff",
            "capacity": "30",
            "accessibility_notes": "Step-free entrance on the east side.",
            "accessibility_notes_cy": "Mynedfa heb risiau.",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    venue = db.session.execute(select(Venue).where(Venue.name == "Cardiff City Hall")).scalar_one()
    assert venue.name_cy == "Neuadd y Ddinas, Caerdydd"
    assert venue.accessibility_notes_cy == "Mynedfa heb risiau."
    again = page_html(client.get(f"/venues/{venue.id}"))
    assert 'value="Neuadd y Ddinas, Caerdydd"' in again
    # Emptied, the Welsh is gone (None, not an empty string).
    client.post(
        f"/venues/{venue.id}",
        data={
            "name": "Cardiff City Hall",
            "name_cy": "",
            "address": "Cathays Park",
            "capacity": "30",
        },
    )
    assert reread(Venue, venue.id).name_cy is None


def test_a_welsh_venue_name_too_long_is_refused_on_its_field(app: Flask) -> None:
    venue = make_venue(name="Room A")
    client = as_user(app, make_user(roles=["trainer"]))
    response = client.post(
        f"/venues/{venue.id}",
        data={"name": "Room A", "name_cy": "x" * 201, "address": "Here", "capacity": "10"},
    )
    assert response.status_code == 400
    assert field_error(page_html(response), "name_cy")
    assert reread(Venue, venue.id).name_cy is None


def test_an_admin_writes_an_organisations_welsh_name(app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    response = client.post(
        "/admin/organisations/new",
        data={"name": "Cardiff Council", "name_cy": "Cyngor Caerdydd", "is_active": "y"},
    )
    assert response.status_code == 302
    organisation = db.session.execute(
        select(Organisation).where(Organisation.name == "Cardiff Council")
    ).scalar_one()
    assert organisation.name_cy == "Cyngor Caerdydd"
    form = page_html(client.get(f"/admin/organisations/{organisation.id}"))
    assert 'value="Cyngor Caerdydd"' in form and 'lang="cy"' in form
    refused = client.post(
        f"/admin/organisations/{organisation.id}",
        data={"name": "Cardiff Council", "name_cy": "y" * 201, "is_active": "y"},
    )
    assert refused.status_code == 400
    assert field_error(page_html(refused), "name_cy")
    assert reread(Organisation, organisation.id).name_cy == "Cyngor Caerdydd"


def test_a_trainer_writes_a_cohorts_welsh_title(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    venue = make_venue()
    cohort = make_cohort(facilitators=[trainer], status="draft", venue=venue)
    client = as_user(app, trainer)
    assert 'id="title_cy"' in page_html(client.get(f"/cohorts/{cohort.id}/edit"))
    days = [Day(d.date, venue_id=venue.id) for d in cohort.days]
    data = cohort_form(days, [trainer], title=cohort.title, title_cy="Carfan y gwanwyn")
    response = client.post(f"/cohorts/{cohort.id}/edit", data=data)
    assert response.status_code == 302, field_error(page_html(response), "title_cy")
    assert reread(Cohort, cohort.id).title_cy == "Carfan y gwanwyn"
    data = cohort_form(days, [trainer], title=cohort.title, title_cy="c" * 301)
    refused = client.post(f"/cohorts/{cohort.id}/edit", data=data)
    assert refused.status_code == 400
    assert field_error(page_html(refused), "title_cy")
    assert reread(Cohort, cohort.id).title_cy == "Carfan y gwanwyn"


def test_changing_only_a_published_cohorts_welsh_title_updates_calendars(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    venue = make_venue()
    cohort = make_cohort(facilitators=[trainer], venue=venue, title="Spring cohort")
    learner = make_user(roles=["learner"])
    make_booking(cohort, learner, calendar_sequence=1)
    db.session.commit()
    client = as_user(app, trainer)
    days = [Day(d.date, venue_id=venue.id) for d in cohort.days]
    # Saved once as the form has it, so that next only the Welsh title changes.
    assert (
        client.post(
            f"/cohorts/{cohort.id}/edit", data=cohort_form(days, [trainer], title="Spring cohort")
        ).status_code
        == 302
    )
    sequence, mailed = reread(Cohort, cohort.id).sequence, len(outbox(learner))
    data = cohort_form(days, [trainer], title="Spring cohort", title_cy="Carfan y gwanwyn")

    response = client.post(f"/cohorts/{cohort.id}/edit", data=data)

    assert response.status_code == 302, field_error(page_html(response), "title_cy")
    assert reread(Cohort, cohort.id).sequence == sequence + 1
    assert [m.subject for m in outbox(learner)[mailed:]] == ["Changed: Spring cohort"]


@pytest.mark.parametrize("status", ["published", "draft"])
def test_an_imported_welsh_title_updates_calendars_as_the_edit_form_does(
    app: Flask, status: str
) -> None:
    trainer = make_user(roles=["trainer"])
    cohort = make_cohort(facilitators=[trainer], status=status, start=local_today() + timedelta(9))
    learner = make_user(roles=["learner"])
    if status == "published":
        make_booking(cohort, learner, calendar_sequence=1)
    sequence = cohort.sequence

    assert apply_cohort_welsh({f"cohorts:{cohort.id}:title": "Carfan"}, trainer) == 1
    assert apply_cohort_welsh({f"cohorts:{cohort.id}:title": "Carfan"}, trainer) == 0

    announced = status == "published"
    assert reread(Cohort, cohort.id).sequence == sequence + announced
    assert len(outbox(learner)) == announced


@pytest.mark.parametrize("char", ["\x01", "\u202e"])
def test_a_welsh_name_with_a_control_character_is_refused_as_the_form_field(
    app: Flask, char: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        bilingual.fitted(f"Neuadd{char}", 200, field="name_cy")
    assert caught.value.field == "name_cy"
    with pytest.raises(ValidationFailed) as caught:
        bilingual.fitted(
            f"Lifft{char}\nGrisiau", key="venues:1:accessibility_notes", one_line=False
        )
    assert caught.value.field == "venues:1:accessibility_notes"
    assert bilingual.fitted("Lifft\r\n\tGrisiau ", one_line=False, key="k") == "Lifft\n\tGrisiau"


def test_a_new_cohort_starts_with_its_courses_welsh_title(app: Flask) -> None:
    course = make_course(code="CY-P1", title="Core", title_cy="Craidd")
    client = as_user(app, make_user(roles=["trainer"]))
    assert 'value="Craidd"' in page_html(client.get(f"/cohorts/new?course={course.code}"))


@pytest.mark.parametrize(
    ("title", "title_cy", "kept"),
    [
        ("Core", "Craidd", "Craidd"),  # as it was offered
        ("Core, spring", "Craidd", None),  # the English renamed, the Welsh left behind
        ("Core, spring", "Craidd, gwanwyn", "Craidd, gwanwyn"),  # both written
        ("Core, spring", "", None),
    ],
)
def test_a_new_cohorts_welsh_title_is_not_left_as_the_courses_when_renamed(
    app: Flask, title: str, title_cy: str, kept: str | None
) -> None:
    course = make_course(code="CY-P9", title="Core", title_cy="Craidd")
    trainer = make_user(roles=["trainer"])
    venue = make_venue()
    client = as_user(app, trainer)
    days = [Day(local_today() + timedelta(40), venue_id=venue.id)]
    data = cohort_form(days, [trainer], title=title, title_cy=title_cy)
    response = client.post(f"/cohorts/new?course={course.code}", data=data)
    assert response.status_code == 302, page_html(response)
    cohort = db.session.execute(select(Cohort).where(Cohort.course_id == course.id)).scalar_one()
    assert (cohort.title, cohort.title_cy) == (title, kept)


def test_renaming_a_cohort_drops_the_courses_welsh_title_it_still_had(app: Flask) -> None:
    course = make_course(code="CY-P10", title="Core", title_cy="Craidd")
    trainer = make_user(roles=["trainer"])
    venue = make_venue()
    cohort = make_cohort(
        course, title="Core", title_cy="Craidd", facilitators=[trainer], status="draft", venue=venue
    )
    client = as_user(app, trainer)
    days = [Day(d.date, venue_id=venue.id) for d in cohort.days]
    unchanged = cohort_form(days, [trainer], title="Core", title_cy="Craidd")
    assert client.post(f"/cohorts/{cohort.id}/edit", data=unchanged).status_code == 302
    assert reread(Cohort, cohort.id).title_cy == "Craidd"
    renamed = cohort_form(days, [trainer], title="Core, autumn", title_cy="Craidd")
    assert client.post(f"/cohorts/{cohort.id}/edit", data=renamed).status_code == 302
    assert reread(Cohort, cohort.id).title_cy is None


@pytest.mark.real_commits
def test_the_migration_gives_cohorts_named_after_their_course_its_welsh(app: Flask) -> None:
    """Cohorts scheduled before Welsh titles existed: one called by its course's English
    title takes the course's Welsh; one with a title of its own, or of a course without
    Welsh, waits for its own."""
    welsh_course = make_course(code="CY-M1", title="Core", title_cy="Craidd")
    blank_course = make_course(code="CY-M2", title="Blank", title_cy="  ")
    english_course = make_course(code="CY-M3", title="Only English")
    named = make_cohort(welsh_course, title="Core").id
    own_title = make_cohort(welsh_course, title="Core, spring").id
    blank = make_cohort(blank_course, title="Blank").id
    english = make_cohort(english_course, title="Only English").id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0030_welsh_content")
    upgrade()
    titles = dict(db.session.execute(sa.text("SELECT id, title_cy FROM cohorts")).all())
    assert titles[named] == "Craidd"
    assert titles[own_title] is None and titles[blank] is None and titles[english] is None


# Reading ----------------------------------------------------------------------------------------


def _cohort_with_places(title_cy: str | None, name_cy: str | None) -> Cohort:
    venue = make_venue(
        name="Cardiff City Hall",
        name_cy=name_cy,
        accessibility_notes="Step-free entrance.",
    )
    course = make_course(code="CY-P2", title="Core", title_cy="Craidd")
    return make_cohort(course, title="Spring cohort", title_cy=title_cy, venue=venue)


def test_a_welsh_learner_reads_the_cohort_and_venue_in_welsh(app: Flask) -> None:
    cohort = _cohort_with_places("Carfan y gwanwyn", "Neuadd y Ddinas, Caerdydd")
    learner = make_user(roles=["learner"])
    make_booking(cohort, learner)
    client = welsh(as_user(app, learner))
    text = page_html(client.get(f"/cohorts/{cohort.id}"))
    assert '<h1 class="govuk-heading-l">Carfan y gwanwyn' in text
    assert "<title>Carfan y gwanwyn" in text
    assert "Neuadd y Ddinas, Caerdydd" in text
    # The access notes have no Welsh: the English, marked as English, and no staff marker.
    assert '<span lang="en">Step-free entrance.</span>' in text
    assert MARKER not in text
    bookings = page_html(client.get("/bookings"))
    assert ">Carfan y gwanwyn</a>" in bookings
    assert ">Craidd</span>" in bookings


def test_without_welsh_the_english_is_marked_for_a_welsh_reader(app: Flask) -> None:
    cohort = _cohort_with_places(None, None)
    learner = make_user(roles=["learner"])
    make_booking(cohort, learner)
    client = welsh(as_user(app, learner))
    text = page_html(client.get(f"/cohorts/{cohort.id}"))
    assert '<h1 class="govuk-heading-l"><span lang="en">Spring cohort</span>' in text
    assert '<span lang="en">Cardiff City Hall</span>' in text
    assert MARKER not in text
    bookings = page_html(client.get("/bookings"))
    assert '<span lang="en">Spring cohort</span></a>' in bookings
    calendar = page_html(client.get("/calendar"))
    assert '<span lang="en">Spring cohort</span></a>' in calendar
    # In English nothing is marked.
    client.get("/language/en")
    english = page_html(client.get(f"/cohorts/{cohort.id}"))
    assert 'lang="en"' not in english.split("<main", 1)[1]


@pytest.mark.parametrize("role", ["trainer", "manager", "admin"])
def test_staff_see_no_welsh_yet_on_the_cohort_page(app: Flask, role: str) -> None:
    cohort = _cohort_with_places(None, "Neuadd y Ddinas, Caerdydd")
    text = page_html(welsh(as_user(app, make_user(roles=[role]))).get(f"/cohorts/{cohort.id}"))
    assert re.search(r'lang="en">Spring cohort</span> ' + re.escape(MARKER), text)
    # The venue's name has its Welsh; its access notes do not.
    assert re.search(r'lang="en">Step-free entrance.</span> ' + re.escape(MARKER), text)


def test_the_learners_account_names_their_organisation_in_their_language(app: Flask) -> None:
    learner = make_user(
        organisation=make_organisation(name="Cardiff Council", name_cy="Cyngor Caerdydd")
    )
    client = as_user(app, learner)
    assert "Cardiff Council" in page(client.get("/account"))
    assert "Cyngor Caerdydd" in page(welsh(client).get("/account"))
    other = make_user(organisation=make_organisation(name="Vale Partners"))
    text = page_html(welsh(as_user(app, other)).get("/account"))
    assert '<span lang="en">Vale Partners</span>' in text


def test_the_organisation_choices_read_in_the_visitors_language(app: Flask) -> None:
    make_organisation(name="Cardiff Council", name_cy="Cyngor Caerdydd")
    make_organisation(name="Barry Partners")
    db.session.commit()
    client = as_user(app, None)
    assert "Cyngor Caerdydd" in page(welsh(client).get("/register"))
    client.get("/language/en")
    assert "Cyngor Caerdydd" not in page(client.get("/register"))


# E-mails and calendars --------------------------------------------------------------------------


@pytest.mark.parametrize("has_welsh", [True, False])
def test_a_welsh_learners_booking_mail_names_the_course_in_welsh_when_it_has_it(
    app: Flask, has_welsh: bool
) -> None:
    course = make_course(code="CY-P3", title="Core", title_cy="Craidd" if has_welsh else None)
    venue = make_venue(name="Cardiff City Hall", name_cy="Neuadd y Ddinas, Caerdydd")
    cohort = make_cohort(course, title="Core", venue=venue, start=local_today() + timedelta(30))
    learner = make_user(preferred_language="cy")
    book_place(learner, cohort)
    [mail] = outbox(learner)
    first_line = next(line for line in mail.body.splitlines() if "Core" in line or "Craidd" in line)
    assert first_line == ("Craidd" if has_welsh else "Core")
    assert "Neuadd y Ddinas, Caerdydd" in mail.body
    assert "lang=" not in mail.body and "Dim Cymraeg eto" not in mail.body
    # An English reader's mail is all English.
    english = make_user(preferred_language="en")
    book_place(english, cohort)
    [mail] = outbox(english)
    assert "Craidd" not in mail.body and "Neuadd" not in mail.body


def test_a_personal_feed_is_in_its_owners_language_and_the_public_one_in_english(
    app: Flask,
) -> None:
    course = make_course(code="CY-P4", title="Core", title_cy="Craidd")
    cohort = make_cohort(
        course, title="Spring", title_cy="Gwanwyn", start=local_today() + timedelta(20)
    )
    learner = make_user(preferred_language="cy")
    make_booking(cohort, learner)
    mine = Calendar.from_ical(
        calendars.feed(calendars.personal_days(learner), "Mine", learner.preferred_language)
    )
    public = Calendar.from_ical(calendars.feed(calendars.public_days(), "All"))
    [event] = [c for c in mine.walk("VEVENT")]
    assert str(event["SUMMARY"]) == "Gwanwyn"
    assert str(event["DESCRIPTION"]).startswith("Craidd")
    summaries = {str(c["SUMMARY"]) for c in public.walk("VEVENT")}
    assert "Spring" in summaries and "Gwanwyn" not in summaries


# What lacks Welsh -------------------------------------------------------------------------------


def test_the_completeness_page_lists_cohorts_venues_and_organisations(app: Flask) -> None:
    make_cohort(title="Spring cohort", start=local_today() + timedelta(10))
    finished = make_cohort(title="Old cohort", start=local_today() - timedelta(40))
    finished.status = "completed"
    make_cohort(title="Welsh cohort", title_cy="Carfan", start=local_today() + timedelta(5))
    venue = make_venue(name="Room A", accessibility_notes="Lift")
    make_venue(name="Closed room", is_active=False)
    organisation = make_organisation(name="Cardiff Council")
    make_organisation(name="Gone partners", is_active=False)
    db.session.flush()
    text = page(as_user(app, make_user(roles=["admin"])).get("/admin/welsh"))
    cohorts = text.split('id="cohorts"', 1)[1].split("</table>", 1)[0]
    assert "Spring cohort" in cohorts and "Old cohort" not in cohorts
    assert "Welsh cohort" not in cohorts
    assert re.search(r'href="/cohorts/\d+/edit#title_cy"', cohorts)
    venues = text.split('id="venues"', 1)[1].split("</table>", 1)[0]
    assert f'href="/venues/{venue.id}#name_cy"' in venues
    assert f'href="/venues/{venue.id}#accessibility_notes_cy"' in venues
    assert "Closed room" not in venues
    organisations = text.split('id="organisations"', 1)[1].split("</table>", 1)[0]
    assert f'href="/admin/organisations/{organisation.id}#name_cy"' in organisations
    assert "Gone partners" not in organisations
    # A trainer reads the lists; links only where they may write.
    trainer = page(as_user(app, make_user(roles=["trainer"])).get("/admin/welsh"))
    venues = trainer.split('id="venues"', 1)[1].split("</table>", 1)[0]
    assert f'href="/venues/{venue.id}#name_cy"' in venues
    organisations = trainer.split('id="organisations"', 1)[1].split("</table>", 1)[0]
    assert "Cardiff Council" in organisations and "/admin/organisations/" not in organisations


def test_the_completeness_page_reads_places_in_a_fixed_number_of_queries(
    app: Flask, count_queries: QueryCounter
) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    make_cohort(start=local_today() + timedelta(3))
    make_venue()
    make_organisation()
    db.session.commit()
    client.get("/admin/welsh")
    before = count_queries.count
    client.get("/admin/welsh")
    few = count_queries.count - before
    for n in range(8):
        make_cohort(start=local_today() + timedelta(4 + n))
        make_venue(accessibility_notes="Lift")
        make_organisation()
    db.session.commit()
    before = count_queries.count
    assert client.get("/admin/welsh").status_code == 200
    assert count_queries.count - before == few


# Export and import: units and apply --------------------------------------------------------------


def _kind(key: str) -> bilingual.ContentKind:
    [kind] = [k for k in bilingual.kinds() if k.key == key]
    assert kind.units is not None and kind.apply is not None
    return kind


def test_each_new_kind_is_registered_with_units_and_apply(app: Flask) -> None:
    assert _kind("cohorts").apply is apply_cohort_welsh
    assert _kind("venues").units is queries.venue_units
    assert _kind("organisations").units is auth_queries.organisation_units


def test_venue_units_round_trip_through_apply(app: Flask) -> None:
    venue = make_venue(name="Room A", accessibility_notes="Lift to every floor")
    make_venue(name="Room B", name_cy="Ystafell B")
    units = [u for u in queries.venue_units() if u.item in ("Room A", "Room B")]
    assert [u.key for u in units] == [
        f"venues:{venue.id}:name",
        f"venues:{venue.id}:accessibility_notes",
        units[2].key,
    ]
    assert units[0] == bilingual.TextUnit(units[0].key, "Room A", "Name", "Room A", None)
    assert units[2].welsh == "Ystafell B"
    admin = make_user(roles=["admin"])
    changes = {units[0].key: "Ystafell A", units[1].key: "Lifft i bob llawr", units[2].key: ""}
    assert apply_venue_welsh(changes, admin) == 3
    assert apply_venue_welsh(changes, admin) == 0  # nothing new
    again = {u.key: u.welsh for u in queries.venue_units() if u.item in ("Room A", "Room B")}
    assert again == {
        units[0].key: "Ystafell A",
        units[1].key: "Lifft i bob llawr",
        units[2].key: None,
    }


def test_cohort_and_organisation_units_round_trip(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    cohort = make_cohort(
        title="Spring cohort", start=local_today() + timedelta(9), facilitators=[trainer]
    )
    organisation = make_organisation(name="Cardiff Council")
    [unit] = [u for u in queries.cohort_units() if u.item == "Spring cohort"]
    assert unit.key == f"cohorts:{cohort.id}:title" and unit.welsh is None
    assert apply_cohort_welsh({unit.key: " Carfan  y gwanwyn "}, trainer) == 1
    assert reread(Cohort, cohort.id).title_cy == "Carfan y gwanwyn"
    [unit] = [u for u in auth_queries.organisation_units() if u.item == "Cardiff Council"]
    assert unit.key == f"organisations:{organisation.id}:name"
    assert apply_organisation_welsh({unit.key: "Cyngor Caerdydd"}, make_user(roles=["manager"]))
    assert reread(Organisation, organisation.id).name_cy == "Cyngor Caerdydd"


@pytest.mark.parametrize(
    "bad",
    ["too long", "gone", "unknown field", "other kind", "not a key"],
)
def test_apply_checks_every_change_before_writing_any(app: Flask, bad: str) -> None:
    first = make_venue(name="Room A")
    second = make_venue(name="Room B")
    good = {f"venues:{first.id}:name": "Ystafell A"}
    key, value = {
        "too long": (f"venues:{second.id}:name", "x" * 201),
        "gone": ("venues:999999:name", "Ystafell"),
        "unknown field": (f"venues:{second.id}:address", "Heol"),
        "other kind": (f"cohorts:{second.id}:name", "Ystafell"),
        "not a key": ("Room B", "Ystafell"),
    }[bad]
    with pytest.raises(ValidationFailed) as caught:
        apply_venue_welsh({**good, key: value}, make_user(roles=["admin"]))
    assert key in caught.value.message and caught.value.field == key
    assert reread(Venue, first.id).name_cy is None


def test_apply_refuses_those_who_cannot_write_that_kind(app: Flask) -> None:
    venue = make_venue(name="Room A")
    cohort = make_cohort(start=local_today() + timedelta(9))
    organisation = make_organisation()
    learner = make_user(roles=["learner"])
    with pytest.raises(PermissionDenied):
        apply_venue_welsh({f"venues:{venue.id}:name": "Ystafell"}, learner)
    with pytest.raises(PermissionDenied):
        # A trainer who does not run this cohort.
        apply_cohort_welsh({f"cohorts:{cohort.id}:title": "Carfan"}, make_user(roles=["trainer"]))
    with pytest.raises(PermissionDenied):
        apply_organisation_welsh(
            {f"organisations:{organisation.id}:name": "Sefydliad"}, make_user(roles=["trainer"])
        )
    assert reread(Venue, venue.id).name_cy is None
    assert reread(Cohort, cohort.id).title_cy is None
    assert reread(Organisation, organisation.id).name_cy is None
