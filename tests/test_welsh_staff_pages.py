"""Content in Welsh on staff pages (issue 20): the cohorts list, the register and sign-in
sheet, a cohort's bookings and needs, the venues and organisations lists and the requests for
places name cohorts, courses, venues and organisations in the visitor's language, the English
standing in marked ``lang="en"``, and no "No Welsh yet" tags in their tables."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
    make_venue,
)
from tests.helpers import as_user, page_html
from tests.pdf_text import pdf_text
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, local_today
from trainhub.extensions import db

#: The glossary's "No Welsh yet" tag, as a Welsh reader sees it.
MARKER = "Dim Cymraeg eto"


def welsh(client: FlaskClient) -> FlaskClient:
    client.get("/language/cy")
    return client


def two_cohorts(trainer: User) -> tuple[Cohort, Cohort]:
    """One cohort with Welsh everywhere, one with none, both run by ``trainer`` and each
    with a learner from an organisation that has (or lacks) a Welsh name."""
    course = make_course(title="Core practice", title_cy="Ymarfer craidd")
    venue = make_venue(name="Cardiff City Hall", name_cy="Neuadd y Ddinas, Caerdydd")
    partner = make_organisation(name="Cardiff Council", name_cy="Cyngor Caerdydd")
    named = make_cohort(
        course,
        title="Spring cohort",
        title_cy="Carfan y gwanwyn",
        venue=venue,
        facilitators=[trainer],
        partner_organisation_id=partner.id,
    )
    plain = make_cohort(
        make_course(title="Engaging families"),
        title="Autumn cohort",
        venue=make_venue(name="Barry Library"),
        facilitators=[trainer],
    )
    make_booking(named, make_user(full_name="Amy Jones", organisation_id=partner.id))
    other = make_organisation(name="Vale Partners")
    make_booking(plain, make_user(full_name="Bryn Evans", organisation_id=other.id))
    db.session.commit()
    return named, plain


@pytest.mark.parametrize("scope", ["mine", "all"])
def test_the_cohorts_list_reads_in_welsh(app: Flask, scope: str) -> None:
    trainer = make_user(roles=["trainer", "manager"])
    two_cohorts(trainer)
    client = welsh(as_user(app, trainer))
    text = page_html(client.get(f"/cohorts?scope={scope}"))
    assert ">Carfan y gwanwyn</a>" in text
    assert '<span lang="en">Autumn cohort</span></a>' in text
    assert "Cyngor Caerdydd" in text
    # The course choices: Welsh where written, the English marked where not.
    assert ">Ymarfer craidd</option>" in text
    assert 'lang="en">Engaging families</option>' in text
    assert MARKER not in text
    client.get("/language/en")
    english = page_html(client.get(f"/cohorts?scope={scope}"))
    assert ">Spring cohort</a>" in english and "Carfan" not in english


def test_the_register_and_sign_in_sheet_read_in_welsh(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    named, plain = two_cohorts(trainer)
    client = welsh(as_user(app, trainer))
    text = page_html(client.get(f"/cohorts/{named.id}/days/1/register"))
    assert '<span class="govuk-caption-l">Carfan y gwanwyn</span>' in text
    assert "Neuadd y Ddinas, Caerdydd" in text
    assert "<title>" in text and "Carfan y gwanwyn" in text.split("</title>", 1)[0]
    other = page_html(client.get(f"/cohorts/{plain.id}/days/1/register"))
    assert '<span class="govuk-caption-l"><span lang="en">Autumn cohort</span></span>' in other
    assert '<span lang="en">Barry Library</span>' in other
    assert MARKER not in text + other

    sheet = client.get(f"/cohorts/{named.id}/days/1/sign-in-sheet.pdf")
    assert sheet.status_code == 200
    words = pdf_text(bytes(sheet.get_data()))
    assert "Carfan y gwanwyn" in words and "Neuadd y Ddinas, Caerdydd" in words
    assert "Cyngor Caerdydd" in words
    assert "Spring cohort" not in words


def test_the_bookings_list_and_needs_page_read_in_welsh(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    named, plain = two_cohorts(trainer)
    client = welsh(as_user(app, trainer))
    text = page_html(client.get(f"/cohorts/{named.id}/bookings"))
    assert '<span class="govuk-caption-l">Carfan y gwanwyn</span>' in text
    assert "Carfan y gwanwyn" in text.split("</title>", 1)[0]
    assert '<td class="govuk-table__cell">Cyngor Caerdydd</td>' in text
    other = page_html(client.get(f"/cohorts/{plain.id}/bookings"))
    assert '<span class="govuk-caption-l"><span lang="en">Autumn cohort</span></span>' in other
    assert '<td class="govuk-table__cell"><span lang="en">Vale Partners</span></td>' in other
    assert MARKER not in text + other

    needs = page_html(client.get(f"/cohorts/{named.id}/needs"))
    assert '<span class="govuk-caption-l">Carfan y gwanwyn</span>' in needs
    needs = page_html(client.get(f"/cohorts/{plain.id}/needs"))
    assert '<span class="govuk-caption-l"><span lang="en">Autumn cohort</span></span>' in needs


def test_the_venues_and_organisations_lists_read_in_welsh(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    two_cohorts(make_user(roles=["trainer"]))
    client = welsh(as_user(app, admin))
    venues = page_html(client.get("/venues"))
    assert ">Neuadd y Ddinas, Caerdydd</a>" in venues
    assert '<span lang="en">Barry Library</span></a>' in venues
    organisations = page_html(client.get("/admin/organisations"))
    assert ">Cyngor Caerdydd</a>" in organisations
    assert '<span lang="en">Vale Partners</span></a>' in organisations
    assert MARKER not in venues + organisations
    client.get("/language/en")
    assert ">Cardiff City Hall</a>" in page_html(client.get("/venues"))
    assert ">Cardiff Council</a>" in page_html(client.get("/admin/organisations"))


def test_requests_for_places_read_in_welsh(app: Flask) -> None:
    team = make_organisation(name="Team", name_cy="Tîm")
    venue = make_venue()
    course = make_course(audience="ifst_only")
    named = make_cohort(course, title="Spring cohort", title_cy="Carfan y gwanwyn", venue=venue)
    plain = make_cohort(course, title="Autumn cohort", venue=venue)
    make_booking(named, make_user(organisation_id=team.id), "requested")
    make_booking(plain, make_user(organisation_id=team.id), "requested")
    db.session.commit()
    text = page_html(welsh(as_user(app, make_user(roles=["admin"]))).get("/approvals"))
    assert ">Carfan y gwanwyn</a>" in text
    assert '<span lang="en">Autumn cohort</span></a>' in text
    assert ">Tîm</dd>" in text
    assert MARKER not in text


def test_staff_pages_about_one_cohort_venue_or_organisation_name_it_in_welsh(app: Flask) -> None:
    manager = make_user(roles=["manager", "admin"])
    named, plain = two_cohorts(manager)
    venue_id = named.days[0].venue_id
    partner_id = named.partner_organisation_id
    client = welsh(as_user(app, manager))
    cancel = page_html(client.get(f"/cohorts/{named.id}/cancel"))
    assert '<span class="govuk-caption-l">Carfan y gwanwyn</span>' in cancel
    assert "Carfan y gwanwyn" in cancel.split("</title>", 1)[0]
    cancel = page_html(client.get(f"/cohorts/{plain.id}/cancel"))
    assert '<span class="govuk-caption-l"><span lang="en">Autumn cohort</span></span>' in cancel
    venue = page_html(client.get(f"/venues/{venue_id}"))
    assert '<h1 class="govuk-heading-l">Neuadd y Ddinas, Caerdydd</h1>' in venue
    organisation = page_html(client.get(f"/admin/organisations/{partner_id}"))
    assert '<h1 class="govuk-heading-l">Cyngor Caerdydd</h1>' in organisation


@pytest.mark.usefixtures("catalogue")
def test_a_history_record_names_its_cohort_in_the_visitors_language(app: Flask) -> None:
    from tests.history.test_record_views import manager, recorded_cohort

    actor = manager()
    record = recorded_cohort(actor)
    client = welsh(as_user(app, actor))
    text = page_html(client.get(f"/history/records/{record.id}"))
    assert f'/cohorts/{record.cohort_id}"><span lang="en">FFI May 2016</span></a>' in text
    # Its name: the English standing in marked in the heading, plain in the page's title.
    assert '“<span lang="en">FFI May 2016</span>”</h1>' in text
    assert "“FFI May 2016”" in text.split("</title>")[0]
    assert record.cohort is not None
    record.cohort.title_cy = "FFI Mai 2016"
    db.session.commit()
    text = page_html(client.get(f"/history/records/{record.id}"))
    assert f'/cohorts/{record.cohort_id}">FFI Mai 2016</a>' in text
    # The link is a link (it was once escaped into visible markup).
    assert "&lt;a" not in text
    # The record's own name (the heading, the page's title, the hub's list) too.
    assert "“FFI Mai 2016”</h1>" in text
    assert "“FFI Mai 2016”" in text.split("</title>")[0]
    assert "“FFI Mai 2016”" in page_html(client.get("/history"))


def test_a_trainers_home_names_their_cohorts_in_welsh(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    make_cohort(
        start=local_today(),
        facilitators=[trainer, make_user(roles=["trainer"])],
        title="Today's cohort",
        title_cy="Carfan heddiw",
    )
    make_cohort(facilitators=[trainer], title="Solo cohort")
    db.session.commit()
    text = page_html(welsh(as_user(app, trainer)).get("/"))
    assert "Carfan heddiw" in text and "Today's cohort" not in text
    assert '<span lang="en">Solo cohort</span>' in text
    assert MARKER not in text


def test_a_learner_reads_their_feedback_and_interest_pages_in_welsh(app: Flask) -> None:
    from trainhub.feedback.models import FeedbackRequest

    learner = make_user(roles=["learner"])
    course = make_course(title="Core practice", title_cy="Ymarfer craidd")
    named = make_cohort(
        course,
        title="Spring cohort",
        title_cy="Carfan y gwanwyn",
        start=local_today() - timedelta(days=20),
        status="completed",
    )
    plain = make_cohort(
        make_course(title="Engaging families"),
        title="Autumn cohort",
        start=local_today() - timedelta(days=20),
        status="completed",
    )
    asked = {}
    for cohort in (named, plain):
        request = FeedbackRequest(cohort=cohort, user=learner)
        db.session.add(request)
        db.session.flush()
        asked[cohort.title] = request.id
    db.session.commit()
    client = welsh(as_user(app, learner))

    home = page_html(client.get("/"))
    assert ">Carfan y gwanwyn</a>" in home or "Carfan y gwanwyn</" in home
    assert '<span lang="en">Autumn cohort</span>' in home
    give = page_html(client.get(f"/feedback/{asked['Spring cohort']}"))
    assert "Carfan y gwanwyn" in give and "Spring cohort" not in give
    give = page_html(client.get(f"/feedback/{asked['Autumn cohort']}"))
    assert '<span lang="en">Autumn cohort</span>' in give
    interest = page_html(client.get(f"/courses/{course.code}/interest"))
    assert ">Ymarfer craidd</span>" in interest
    assert MARKER not in home + give + interest
