"""Catalogue and course pages, and adding and editing courses through the forms."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.courses.helpers import (
    admin,
    agenda_texts,
    count,
    course,
    full_form,
    html,
    local_course,
    notes_form,
    simple_agenda,
    simple_units,
    snapshot,
    trainer,
)
from tests.helpers import QueryCounter, login, page_html
from trainhub.courses.models import Course
from trainhub.courses.services.catalogue import update_course
from trainhub.extensions import db

CORE = "IFSS Family Focussed Intervention \u2013 Core training 4-day Training Programme"
CONSULTATION = "Consultation in the IFSS Family Focussed Intervention 1-day Training Programme"
SUPERVISION = "Supervising in the IFSS Family Focussed Intervention 2-day Training Programme"
TRAIN_THE_TRAINER = (
    "Training the IFSS Trainer in Supporting the Workforce Development Modules "
    "2-day Training Programme"
)
FFI = "Family Focused Interventions 3-day Training Module"
LOCAL_TITLES = [
    FFI,
    "Enhancing Motivation, Lowering Resistance and Goal Setting 1-day Training Course",
    "IFST Safety Planning Training",
    "Chairing Core Group Meetings Training",
]


def listed_titles(text: str) -> list[str]:
    """The course titles a catalogue page links to, in page order."""
    return re.findall(r'<a class="govuk-link" href="/courses/[^"]+">([^<]+)</a></h2>', text)


def signed_in(client: FlaskClient, *roles: str) -> FlaskClient:
    from tests.factories import make_user

    user = make_user(roles=list(roles))
    db.session.commit()
    return login(client, user)


def unpublish(code: str) -> None:
    course(code).published = False
    db.session.commit()


# The catalogue ------------------------------------------------------------------


def test_catalogue_lists_framework_and_local_courses(catalogue: None, client: FlaskClient) -> None:
    response = client.get("/courses")

    assert response.status_code == 200
    titles = listed_titles(page_html(response))
    # The framework's programmes first, the core (which the others require) first of all.
    assert titles[:4] == [
        html(t) for t in [CORE, *sorted([CONSULTATION, SUPERVISION, TRAIN_THE_TRAINER])]
    ]
    assert sorted(titles[4:]) == sorted(html(t) for t in LOCAL_TITLES)
    assert "8 courses" in page_html(response)


def test_catalogue_filters_by_audience(catalogue: None, client: FlaskClient) -> None:
    response = client.get("/courses?audience=ifst_only")

    assert sorted(listed_titles(page_html(response))) == sorted(
        [CONSULTATION, SUPERVISION, TRAIN_THE_TRAINER]
    )
    assert '<option value="ifst_only" selected>' in page_html(response)


def test_catalogue_filters_by_kind(catalogue: None, client: FlaskClient) -> None:
    local = listed_titles(page_html(client.get("/courses?kind=local")))
    framework = listed_titles(page_html(client.get("/courses?kind=framework")))

    assert sorted(local) == sorted(html(t) for t in LOCAL_TITLES)
    assert len(framework) == 4
    assert html(CORE) in framework


def test_catalogue_combines_filters(catalogue: None, client: FlaskClient) -> None:
    text = page_html(client.get("/courses?audience=wider_workforce&kind=framework"))

    assert listed_titles(text) == [html(CORE)]


def test_catalogue_with_no_match_says_how_to_see_everything(
    catalogue: None, client: FlaskClient
) -> None:
    text = page_html(client.get("/courses?audience=ifst_only&kind=local"))

    assert listed_titles(text) == []
    assert "No courses match" in text


@pytest.mark.parametrize(
    "query",
    ["audience=everyone", "kind=national", "audience=%27%3B--&kind=<b>", "audience=&kind="],
)
def test_catalogue_ignores_unknown_filter_values(
    catalogue: None, client: FlaskClient, query: str
) -> None:
    response = client.get(f"/courses?{query}")

    assert response.status_code == 200
    assert len(listed_titles(page_html(response))) == 8


def test_unpublished_course_is_hidden_from_the_public(catalogue: None, client: FlaskClient) -> None:
    unpublish("SAFETY-PLAN")

    assert "IFST Safety Planning Training" not in page_html(client.get("/courses"))
    assert client.get("/courses/SAFETY-PLAN").status_code == 404


def test_unpublished_course_is_hidden_from_learners(catalogue: None, client: FlaskClient) -> None:
    unpublish("SAFETY-PLAN")
    signed_in(client, "learner")

    assert "IFST Safety Planning Training" not in page_html(client.get("/courses"))
    assert client.get("/courses/SAFETY-PLAN").status_code == 404


def test_unpublished_course_is_shown_to_trainers_marked_as_such(
    catalogue: None, client: FlaskClient
) -> None:
    unpublish("SAFETY-PLAN")
    signed_in(client, "trainer")

    listing = page_html(client.get("/courses"))
    detail = client.get("/courses/SAFETY-PLAN")

    assert "IFST Safety Planning Training" in listing
    assert "Not in the catalogue" in listing
    assert detail.status_code == 200
    assert "This course is not shown in the catalogue." in page_html(detail)


def test_add_course_button_only_for_editors(catalogue: None, client: FlaskClient) -> None:
    assert "Add a course" not in page_html(client.get("/courses"))
    signed_in(client, "trainer")
    assert "Add a course" in page_html(client.get("/courses"))


# The course page ------------------------------------------------------------------


def test_course_page_shows_the_agenda_day_by_day(catalogue: None, client: FlaskClient) -> None:
    text = page_html(client.get("/courses/IFSS-CORE"))

    positions = [text.index(f"Day {n}</h3>") for n in (1, 2, 3, 4)]
    assert positions == sorted(positions)
    assert text.index("Core Skills: Motivational Interviewing") > positions[1]
    assert text.index(html("Endings & Family files")) > positions[3]
    assert html(CORE) in text
    assert "4 days" in text


def test_course_page_shows_aims_with_their_introduction(
    catalogue: None, client: FlaskClient
) -> None:
    text = page_html(client.get("/courses/IFSS-CONSULT"))

    assert "At the end of the course staff will be able to:" in text
    assert "Aims</h2>" in text
    assert "<li>" + html("listen effectively and maximise the practitioner's opportunity") in text


def test_course_page_shows_units_and_their_outcomes(catalogue: None, client: FlaskClient) -> None:
    text = page_html(client.get("/courses/IFSS-SUPERVISE"))

    assert "Learning outcomes</h2>" in text
    assert "Unit 4: Core skills</h3>" in text
    assert "<li>Problem solve ethical issues</li>" in text


def test_course_page_links_its_prerequisites(catalogue: None, client: FlaskClient) -> None:
    text = page_html(client.get("/courses/IFSS-TTT"))

    assert "Complete these courses first" in text
    assert f'<a class="govuk-link" href="/courses/IFSS-CORE">{html(CORE)}</a>' in text


def test_core_page_shows_the_level_outcomes_it_teaches(
    catalogue: None, client: FlaskClient
) -> None:
    text = page_html(client.get("/courses/IFSS-CORE"))

    assert "This course teaches the learning outcomes of these accreditation levels:" in text
    assert html("Level 2: Underpinning Knowledge & Skills for IFSS") in text
    assert "Level 3: Implementing IFSS" in text
    assert "Level 6: Managing the Delivery of Family Focussed Interventions" in text
    assert "<li>Implement family focussed interventions</li>" in text


def test_other_course_pages_have_no_level_section(catalogue: None, client: FlaskClient) -> None:
    text = page_html(client.get("/courses/IFSS-SUPERVISE"))

    assert "accreditation levels:" not in text


def test_course_page_shows_themes_and_context(catalogue: None, client: FlaskClient) -> None:
    text = page_html(client.get("/courses/FFI-3DAY"))

    assert "<li>Lowering Resistance to behaviour change</li>" in text
    assert "Social Care (Wales) Act 2016" in text


def test_course_text_is_escaped_on_the_page(app: Flask, client: FlaskClient) -> None:
    local_course(
        code="ESCAPE-1",
        title="<b>Bold</b> course",
        duration_days=1,
        agenda=[{"topics": [{"title": "<script>alert(1)</script>", "items": ["<i>x</i>"]}]}],
        units=[{"title": "Unit <1>", "outcomes": ["a & b"]}],
    )
    db.session.commit()

    text = page_html(client.get("/courses/ESCAPE-1"))

    assert "<script>alert(1)</script>" not in text
    assert "<b>Bold</b>" not in text
    assert html("<script>alert(1)</script>") in text
    assert html("<i>x</i>") in text
    assert html("Unit <1>") in text


def test_course_code_in_the_address_is_case_insensitive(
    catalogue: None, client: FlaskClient
) -> None:
    assert client.get("/courses/ifss-core").status_code == 200


def test_unknown_course_is_a_404_page(catalogue: None, client: FlaskClient) -> None:
    response = client.get("/courses/NO-SUCH-COURSE")

    assert response.status_code == 404
    assert "Page not found" in page_html(response)
    assert "Browse the courses" in page_html(response)


def test_delivery_notes_are_only_for_trainers(catalogue: None, client: FlaskClient) -> None:
    update_course(admin(), course("IFSS-CORE"), {"delivery_notes": "Bring the role-play cards"})
    db.session.commit()

    assert "Bring the role-play cards" not in page_html(client.get("/courses/IFSS-CORE"))
    signed_in(client, "learner")
    assert "Bring the role-play cards" not in page_html(client.get("/courses/IFSS-CORE"))

    trainer_client = signed_in(client.application.test_client(), "trainer")
    assert "Bring the role-play cards" in page_html(trainer_client.get("/courses/IFSS-CORE"))


def test_anonymous_visitor_is_invited_to_sign_in_to_book(
    catalogue: None, client: FlaskClient
) -> None:
    text = page_html(client.get("/courses/FFI-3DAY"))

    assert "Sign in to book" in text
    assert "Edit this course" not in text


# Query counts -------------------------------------------------------------------------


def add_courses(n: int) -> None:
    """``n`` more local courses, each with an agenda, units and a prerequisite."""
    actor = admin()
    first = local_course(actor, code="EXTRA-0")
    for i in range(1, n):
        local_course(
            actor,
            code=f"EXTRA-{i}",
            duration_days=3,
            agenda=simple_agenda(3, topics=3, items=3),
            units=simple_units(3, 3),
            prerequisite_ids={first.id},
        )
    db.session.commit()


def queries_for(client: FlaskClient, url: str, counter: QueryCounter) -> int:
    start = counter.count
    response = client.get(url)
    assert response.status_code == 200
    return counter.count - start


@pytest.mark.parametrize("role", [None, "learner", "trainer"])
def test_catalogue_runs_a_constant_number_of_queries(
    catalogue: None, client: FlaskClient, count_queries: QueryCounter, role: str | None
) -> None:
    if role:
        signed_in(client, role)
    queries_for(client, "/courses", count_queries)  # warm up
    small = queries_for(client, "/courses", count_queries)

    add_courses(30)
    large = queries_for(client, "/courses", count_queries)

    assert len(listed_titles(page_html(client.get("/courses")))) == 38
    assert large == small


@pytest.mark.parametrize("role", [None, "trainer"])
def test_course_page_runs_a_constant_number_of_queries(
    catalogue: None, client: FlaskClient, count_queries: QueryCounter, role: str | None
) -> None:
    if role:
        signed_in(client, role)
    queries_for(client, "/courses/IFSS-CORE", count_queries)  # warm up
    small = queries_for(client, "/courses/IFSS-CORE", count_queries)

    add_courses(30)
    large = queries_for(client, "/courses/IFSS-CORE", count_queries)

    assert large == small


def test_course_page_queries_do_not_grow_with_the_size_of_the_course(
    app: Flask, client: FlaskClient, count_queries: QueryCounter
) -> None:
    actor = admin()
    prerequisite = local_course(actor, code="PRE-1")
    other = local_course(actor, code="PRE-2")
    local_course(
        actor,
        code="SMALL",
        duration_days=1,
        agenda=simple_agenda(1),
        units=simple_units(1, 1),
        prerequisite_ids={prerequisite.id},
    )
    local_course(
        actor,
        code="LARGE",
        duration_days=5,
        agenda=simple_agenda(5, topics=6, items=6),
        units=simple_units(6, 8),
        prerequisite_ids={prerequisite.id, other.id},
    )
    db.session.commit()
    queries_for(client, "/courses/SMALL", count_queries)  # warm up

    small = queries_for(client, "/courses/SMALL", count_queries)
    large = queries_for(client, "/courses/LARGE", count_queries)

    assert large == small


# The edit forms -------------------------------------------------------------------------


def test_trainer_gets_the_notes_only_form_on_a_fidelity_course(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "trainer")

    response = client.get("/courses/IFSS-CORE/edit")

    text = page_html(response)
    assert response.status_code == 200
    assert "This is a fidelity-controlled framework course." in text
    assert 'name="agenda"' not in text
    assert 'name="title"' not in text
    assert 'name="units"' not in text
    assert 'name="delivery_notes"' in text
    assert 'name="summary"' in text


def test_trainer_gets_the_full_form_on_a_local_course(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")

    text = page_html(client.get("/courses/FFI-3DAY/edit"))

    assert 'name="agenda"' in text
    assert 'name="title"' in text
    assert "fidelity-controlled framework course" not in text
    assert 'name="fidelity_controlled"' not in text


def test_admin_gets_the_full_form_with_the_current_agenda(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "admin")

    text = page_html(client.get("/courses/IFSS-CORE/edit"))

    assert 'name="agenda"' in text
    assert 'name="fidelity_controlled"' in text
    assert (
        html("Day 4\nBeyond the Intensive Intervention: Maintaining Change\n- Introducing") in text
    )


def test_bad_agenda_text_is_refused_naming_the_line(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")
    before = snapshot()
    data = full_form(course("FFI-3DAY"), agenda="Day 1\nTopic A\nDay 3\nTopic B\nDay 2\nTopic C")

    response = client.post("/courses/FFI-3DAY/edit", data=data)

    assert response.status_code == 400
    assert 'href="#agenda"' in page_html(response)
    assert "Line 3: expected \u201cDay 2\u201d" in page_html(response)
    assert snapshot() == before


def test_agenda_with_the_wrong_number_of_days_is_refused(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "trainer")
    before = snapshot()
    data = full_form(course("FFI-3DAY"), agenda="Day 1\nTopic A\nDay 2\nTopic B")

    response = client.post("/courses/FFI-3DAY/edit", data=data)

    assert response.status_code == 400
    assert "The agenda has 2 days but the course lasts 3" in page_html(response)
    assert snapshot() == before


def test_units_with_an_orphan_outcome_are_refused(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")
    before = snapshot()

    response = client.post(
        "/courses/FFI-3DAY/edit", data=full_form(course("FFI-3DAY"), units="- Orphan\nUnit 1")
    )

    assert response.status_code == 400
    assert 'href="#units"' in page_html(response)
    assert "Line 1: an outcome" in page_html(response)
    assert snapshot() == before


def test_valid_edit_saves_and_returns_to_the_course_page(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "trainer")
    agenda = "Day 1\nMotivation\n- Change talk\nDay 2\nResistance\nDay 3\nSafety Planning"
    data = full_form(course("FFI-3DAY"), title="FFI three-day module", agenda=agenda)

    response = client.post("/courses/FFI-3DAY/edit", data=data)

    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/FFI-3DAY"
    saved = course("FFI-3DAY")
    assert saved.title == "FFI three-day module"
    assert agenda_texts("FFI-3DAY") == [
        [("Motivation", ["Change talk"])],
        [("Resistance", [])],
        [("Safety Planning", [])],
    ]
    assert "Course saved." in page_html(client.get("/courses/FFI-3DAY"))


def test_edit_form_round_trips_a_course_unchanged(catalogue: None, client: FlaskClient) -> None:
    """Saving the admin form as it was filled in changes no content."""
    signed_in(client, "admin")
    before = (
        agenda_texts("IFSS-SUPERVISE"),
        [(u.title, [o.text for o in u.outcomes]) for u in course("IFSS-SUPERVISE").units],
    )

    response = client.post("/courses/IFSS-SUPERVISE/edit", data=full_form(course("IFSS-SUPERVISE")))

    assert response.status_code == 302
    after = (
        agenda_texts("IFSS-SUPERVISE"),
        [(u.title, [o.text for o in u.outcomes]) for u in course("IFSS-SUPERVISE").units],
    )
    assert after == before


def test_trainer_saves_notes_on_a_fidelity_course(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")
    seeded = course("IFSS-CORE").cpd_hours
    data = notes_form(
        course("IFSS-CORE"), delivery_notes="Room 2, bring flipcharts", cpd_hours="99"
    )

    response = client.post("/courses/IFSS-CORE/edit", data=data)

    assert response.status_code == 302
    assert course("IFSS-CORE").delivery_notes == "Room 2, bring flipcharts"
    assert course("IFSS-CORE").cpd_hours == seeded  # not on a trainer's form here


def test_trainer_posting_an_agenda_to_a_fidelity_course_does_not_change_it(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "trainer")
    agenda_before = agenda_texts("IFSS-CORE")
    title_before = course("IFSS-CORE").title
    data = full_form(
        course("IFSS-CORE"),
        title="Hijacked",
        agenda="Day 1\nA\nDay 2\nB\nDay 3\nC\nDay 4\nD",
        units="Unit 1\n- Made up",
    )

    response = client.post("/courses/IFSS-CORE/edit", data=data)

    assert response.status_code == 302  # the notes in the post are saved; the rest ignored
    assert agenda_texts("IFSS-CORE") == agenda_before
    assert course("IFSS-CORE").title == title_before
    assert course("IFSS-CORE").units == []


def test_admin_changes_the_core_agenda_through_the_form(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "admin")
    data = full_form(course("IFSS-CORE"))
    data["agenda"] = data["agenda"].replace("\n- Endings & Family files", "")

    response = client.post("/courses/IFSS-CORE/edit", data=data)

    assert response.status_code == 302
    assert "Endings & Family files" not in agenda_texts("IFSS-CORE")[3][0][1]


def test_edit_form_refuses_a_code_another_course_uses(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")
    before = snapshot()

    response = client.post(
        "/courses/FFI-3DAY/edit", data=full_form(course("FFI-3DAY"), code="safety-plan")
    )

    assert response.status_code == 400
    assert 'href="#code"' in page_html(response)
    assert "Another course already uses this code" in page_html(response)
    assert snapshot() == before


def test_edit_form_refuses_a_circle_of_prerequisites(app: Flask, client: FlaskClient) -> None:
    actor = trainer()
    first = local_course(actor, duration_days=1)
    second = local_course(actor, duration_days=1, prerequisite_ids={first.id})
    db.session.commit()
    login(client, actor)
    before = snapshot()

    response = client.post(
        f"/courses/{first.code}/edit", data=full_form(first, prerequisite_ids=[str(second.id)])
    )

    assert response.status_code == 400
    assert 'href="#prerequisite_ids"' in page_html(response)
    assert "That would make a circle" in page_html(response)
    assert snapshot() == before


def test_edit_form_does_not_offer_a_course_as_its_own_prerequisite(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "trainer")
    own_id = course("FFI-3DAY").id

    text = page_html(client.get("/courses/FFI-3DAY/edit"))
    response = client.post(
        "/courses/FFI-3DAY/edit", data=full_form(course("FFI-3DAY"), prerequisite_ids=[str(own_id)])
    )

    assert f'value="{own_id}"' not in text
    assert response.status_code == 400
    assert course("FFI-3DAY").prerequisites == []


def test_trainer_cannot_promote_a_local_course_to_framework_through_the_form(
    app: Flask, client: FlaskClient
) -> None:
    actor = trainer()
    local = local_course(actor, duration_days=1)
    db.session.commit()
    login(client, actor)

    client.post(f"/courses/{local.code}/edit", data=full_form(local, kind="framework"))

    assert course(local.code).kind == "local"


def test_edit_of_an_unknown_course_is_404(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")

    assert client.get("/courses/NOPE/edit").status_code == 404


def test_learner_cannot_open_the_edit_form(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "learner")
    before = snapshot()

    assert client.get("/courses/FFI-3DAY/edit").status_code == 403
    response = client.post("/courses/FFI-3DAY/edit", data=full_form(course("FFI-3DAY"), title="X"))

    assert response.status_code == 403
    assert snapshot() == before


# Adding a course ---------------------------------------------------------------------


def new_course_form(**overrides: str) -> dict[str, object]:
    values: dict[str, object] = {
        "code": "craft-staff",
        "title": "CRAFT for IFST members",
        "duration_days": "2",
        "kind": "local",
        "audience": "ifst_only",
        "themes": "Community Reinforcement\nWhole family approach",
        "agenda": "Day 1\nCRAFT principles\n- Working with partners\nDay 2\nPractice",
        "units": "",
        "published": "y",
    }
    values.update(overrides)
    return values


def test_trainer_adds_a_course_and_sees_it_confirmed(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")

    response = client.post("/courses/new", data=new_course_form())

    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/CRAFT-STAFF"
    shown = page_html(client.get("/courses/CRAFT-STAFF"))
    assert "Course added to the catalogue." in shown
    assert "CRAFT for IFST members" in shown
    assert agenda_texts("CRAFT-STAFF") == [
        [("CRAFT principles", ["Working with partners"])],
        [("Practice", [])],
    ]
    assert course("CRAFT-STAFF").theme_list == ["Community Reinforcement", "Whole family approach"]


def test_new_course_with_prerequisites(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")
    core_id = course("IFSS-CORE").id

    response = client.post("/courses/new", data=new_course_form(prerequisite_ids=str(core_id)))

    assert response.status_code == 302
    assert [p.code for p in course("CRAFT-STAFF").prerequisites] == ["IFSS-CORE"]


def test_add_course_form_offers_published_by_default(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")

    text = page_html(client.get("/courses/new"))

    assert re.search(r'name="published"[^>]*checked', text)


@pytest.mark.parametrize(
    "overrides",
    [{"kind": "framework"}, {"fidelity_controlled": "y"}],
    ids=["framework", "fidelity"],
)
def test_trainer_cannot_add_a_framework_course_through_the_form(
    catalogue: None, client: FlaskClient, overrides: dict[str, str]
) -> None:
    signed_in(client, "trainer")

    response = client.post("/courses/new", data=new_course_form(**overrides))

    # The choice is not on a trainer's form, and what is posted anyway is ignored.
    assert response.status_code == 302
    assert count(Course) == 9
    added = db.session.execute(select(Course).order_by(Course.id.desc()).limit(1)).scalar_one()
    assert (added.kind, added.fidelity_controlled) == ("local", False)


def test_new_course_with_bad_agenda_names_the_line(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "trainer")

    response = client.post("/courses/new", data=new_course_form(agenda="Practice\nDay 1\nX"))

    assert response.status_code == 400
    assert "Line 1: start the agenda with \u201cDay 1\u201d" in page_html(response)
    assert count(Course) == 8


def test_new_course_with_a_taken_code_is_refused_on_the_code_field(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "trainer")

    response = client.post("/courses/new", data=new_course_form(code="Ifss-Core"))

    assert response.status_code == 400
    assert 'href="#code"' in page_html(response)
    assert "Another course already uses this code" in page_html(response)
    assert count(Course) == 8


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter the course title"),
        ({"code": ""}, "Enter a course code"),
        ({"duration_days": "0"}, "A course lasts between 1 and 30 days"),
    ],
)
def test_new_course_form_checks_its_fields(
    catalogue: None, client: FlaskClient, overrides: dict[str, str], message: str
) -> None:
    signed_in(client, "trainer")

    response = client.post("/courses/new", data=new_course_form(**overrides))

    assert response.status_code == 400
    assert message in page_html(response)
    assert count(Course) == 8


def test_duration_that_is_not_a_number_gets_a_plain_message(
    catalogue: None, client: FlaskClient
) -> None:
    signed_in(client, "trainer")

    response = client.post("/courses/new", data=new_course_form(duration_days="three"))

    assert response.status_code == 400
    assert "Not a valid integer value." not in page_html(response)


def test_learner_cannot_add_a_course(catalogue: None, client: FlaskClient) -> None:
    signed_in(client, "learner")

    response = client.post("/courses/new", data=new_course_form())

    assert response.status_code == 403
    assert count(Course) == 8


def test_anonymous_visitor_is_sent_to_sign_in_to_add_a_course(
    catalogue: None, client: FlaskClient
) -> None:
    response = client.get("/courses/new")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_trainers_local_course_edit_keeps_it_local(app: Flask, client: FlaskClient) -> None:
    """The trainer's form has no fidelity checkbox, so saving it never switches control on."""
    actor = trainer()
    local = local_course(actor, duration_days=1)
    db.session.commit()
    login(client, actor)

    response = client.post(f"/courses/{local.code}/edit", data=full_form(local, summary="New"))

    assert response.status_code == 302
    assert not course(local.code).fidelity_controlled
    assert course(local.code).summary == "New"
