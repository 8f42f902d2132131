"""Content in Welsh (Welsh Language Standards, issue 20): courses carry Welsh beside their
English; pages show the visitor's language and fall back to the other marked with ``lang``
(so screen readers pronounce it), staff see "No Welsh yet"; editors write both side by side;
one page lists what still lacks Welsh."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from tests.courses.helpers import course, full_form, notes_form, snapshot
from tests.factories import make_cohort, make_course, make_user
from tests.helpers import QueryCounter, as_user, field_error, follow, page, page_html
from trainhub import bilingual
from trainhub.accreditation.models import AccreditationLevel, LevelOutcome
from trainhub.accreditation.queries import level_welsh_units
from trainhub.accreditation.services.certificates import level_achievement, level_achievement_cy
from trainhub.accreditation.services.levels import write_level_welsh
from trainhub.courses.models import WELSH_FIELDS, Course
from trainhub.errors import ValidationFailed
from trainhub.extensions import db

#: The glossary's "No Welsh yet" tag (in Welsh pages "Dim Cymraeg eto").
MARKER = '<strong class="govuk-tag govuk-tag--yellow">'


def welsh(client: FlaskClient) -> FlaskClient:
    client.get("/language/cy")
    return client


# The mechanism (pure logic) ----------------------------------------------------------------------


def test_each_language_falls_back_to_the_other_marked_with_its_code() -> None:
    assert bilingual.pick("Core", "Craidd", "cy") == bilingual.Shown("Craidd", None, False)
    assert bilingual.pick("Core", "Craidd", "en") == bilingual.Shown("Core", None, False)
    assert bilingual.pick("Core", None, "cy") == bilingual.Shown("Core", "en", True)
    assert bilingual.pick("Core", "  ", "cy") == bilingual.Shown("Core", "en", True)
    assert bilingual.pick("Core", "", "en") == bilingual.Shown("Core", None, True)
    assert bilingual.pick("", "Craidd", "en") == bilingual.Shown("Craidd", "cy", False)
    # Nothing written in either language is no gap and no text.
    assert bilingual.pick("", None, "cy") == bilingual.Shown("", None, False)
    assert not bilingual.pick(None, None, "en")
    assert bilingual.pick("One\n\nTwo\n", None, "en").lines == ["One", "Two"]


# Reading ------------------------------------------------------------------------------------------


def test_a_welsh_reader_gets_the_welsh_and_the_english_marked_as_english(app: Flask) -> None:
    make_course(
        code="CY-1",
        title="Working with families",
        title_cy="Gweithio gyda theuluoedd",
        summary="Two days on the model.",
        aims="Listen\nPlan",
        aims_cy="Gwrando\nCynllunio",
        themes="Safety",
    )
    client = welsh(as_user(app, None))
    text = page_html(client.get("/courses/CY-1"))
    assert '<h1 class="govuk-heading-l">Gweithio gyda theuluoedd</h1>' in text
    assert "<title>Gweithio gyda theuluoedd" in text
    assert '<p class="govuk-body-l" lang="en">Two days on the model.</p>' in text
    assert "<li>Gwrando</li><li>Cynllunio</li>" in text
    assert re.search(r'<ul class="govuk-list govuk-list--bullet" lang="en"><li>Safety</li>', text)
    assert MARKER not in text
    # The catalogue card too.
    listing = page_html(client.get("/courses"))
    assert ">Gweithio gyda theuluoedd</a>" in listing
    assert '<p class="govuk-body" lang="en">Two days on the model.</p>' in listing
    # In English nothing is marked as foreign.
    client.get("/language/en")
    english = page_html(client.get("/courses/CY-1"))
    assert '<h1 class="govuk-heading-l">Working with families</h1>' in english
    assert 'lang="en"' not in english.split("<main", 1)[1]


def test_the_cohort_page_names_the_course_in_the_readers_language(app: Flask) -> None:
    cohort = make_cohort(course=make_course(title="Core", title_cy="Craidd"))
    client = welsh(as_user(app, make_user(roles=["learner"])))
    assert ">Craidd</a></span>" in page_html(client.get(f"/cohorts/{cohort.id}"))


@pytest.mark.parametrize("role", ["trainer", "assessor", "manager", "admin"])
def test_staff_see_no_welsh_yet_and_learners_do_not(app: Flask, role: str) -> None:
    make_course(code="CY-2", title="Core", summary="About it.", summary_cy="Amdano.")
    staff = page_html(welsh(as_user(app, make_user(roles=[role]))).get("/courses/CY-2"))
    assert re.search(
        r'lang="en">Core</h1> <strong class="govuk-tag govuk-tag--yellow">Dim Cymraeg eto', staff
    )
    assert staff.count(MARKER) == 1  # the summary has its Welsh
    for reader in (None, make_user(roles=["learner"])):
        assert MARKER not in page_html(welsh(as_user(app, reader)).get("/courses/CY-2"))


def _visible(course: Course, name: str) -> bool:
    """Whether the course page shows this text at all (aims' introduction only with aims)."""
    english = getattr(course, name)
    if name == "aims_intro":
        return bool(bilingual.own(english)) and bool(course.aim_list)
    return bool(bilingual.own(english))


def test_every_seeded_text_without_welsh_is_marked_for_editors(catalogue: None, app: Flask) -> None:
    """Walks the seeded catalogue: each text of each course, read in Welsh by an editor, is
    either in Welsh or is the English marked as English and followed by "No Welsh yet"."""
    client = welsh(as_user(app, make_user(roles=["admin"])))
    courses = db.session.execute(select(Course).order_by(Course.code)).scalars().all()
    assert courses
    for each in courses:
        text = page_html(client.get(f"/courses/{each.code}"))
        for name in WELSH_FIELDS:
            if not _visible(each, name):
                continue
            own_welsh = bilingual.own(getattr(each, f"{name}_cy"))
            first = str(escape(getattr(each, name).strip().splitlines()[0].strip()))
            if own_welsh:
                assert str(escape(own_welsh.splitlines()[0])) in text, (each.code, name)
                continue
            start = text.find(f'lang="en">{first}')
            if start < 0:
                start = text.find(f'lang="en"><li>{first}')
            assert start >= 0, f"{each.code} {name}: English not marked as English"
            after = text.find(MARKER, start)
            nearest_text_end = start + len(str(escape(getattr(each, name)))) + 600
            assert 0 <= after < nearest_text_end, f"{each.code} {name}: no “No Welsh yet”"
        # The agenda and the units: each line marked as English, the tag by their heading.
        outlines = [each.agenda_lacks_welsh and each.days, each.units_lack_welsh and each.units]
        headed = re.findall(r'<h2 class="govuk-heading-m">[^<]+ ' + re.escape(MARKER), text)
        assert len(headed) >= sum(bool(part) for part in outlines), each.code
        if each.days:
            topic = str(escape(each.days[0].topics[0].title))
            assert f'<li><span lang="en">{topic}</span>' in text, each.code
        if each.units:
            unit = str(escape(each.units[0].title))
            assert f'lang="en">{unit}</h3>' in text, each.code


def test_a_course_with_all_its_welsh_shows_no_marker(catalogue: None, app: Flask) -> None:
    core = course("IFSS-CORE")
    for name in WELSH_FIELDS:
        if getattr(core, name):
            setattr(core, f"{name}_cy", f"Cymraeg {name}")
    for prerequisite in core.prerequisites:
        prerequisite.title_cy = "Rhagofyniad"
    for day in core.days:
        for topic in day.topics:
            topic.title_cy = "Pwnc"
            for item in topic.items:
                item.text_cy = "Eitem"
    for unit in core.units:
        unit.title_cy = "Uned"
        for outcome in unit.outcomes:
            outcome.text_cy = "Deilliant"
    # The levels the course teaches are shown on its page too.
    for level in db.session.execute(select(AccreditationLevel)).scalars():
        level.title_cy = "Lefel"
        for outcome in level.all_outcomes:
            outcome.text_cy = "Canlyniad"
    text = page_html(welsh(as_user(app, make_user(roles=["admin"]))).get("/courses/IFSS-CORE"))
    assert MARKER not in text
    assert "Cymraeg title" in text


# Editing side by side -----------------------------------------------------------------------------


def test_the_edit_form_puts_each_text_beside_its_welsh(catalogue: None, app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    text = page_html(client.get("/courses/FFI-3DAY/edit"))
    for name in WELSH_FIELDS:
        pair = re.search(
            rf'<div class="govuk-grid-row trainhub-bilingual-pair">\s*'
            rf'<div class="govuk-grid-column-one-half">.*?name="{name}".*?</div>\s*'
            rf'<div class="govuk-grid-column-one-half">.*?name="{name}_cy"[^>]*lang="cy"',
            text,
            re.S,
        ) or re.search(
            rf'<div class="govuk-grid-column-one-half">.*?name="{name}".*?'
            rf'<div class="govuk-grid-column-one-half">.*?id="{name}_cy"[^>]*',
            text,
            re.S,
        )
        assert pair, name
        assert f'id="{name}_cy"' in text and 'lang="cy"' in text


def test_an_editor_writes_the_welsh_and_readers_get_it(catalogue: None, app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    data = full_form(
        course("FFI-3DAY"),
        title_cy="  Ymyrraeth   deuluol  ",
        summary_cy="Tri diwrnod.",
        aims_cy="Gwrando\n\n  Cynllunio  ",
    )
    response = client.post("/courses/FFI-3DAY/edit", data=data)
    assert response.status_code == 302, field_error(page_html(response), "title_cy")
    saved = course("FFI-3DAY")
    assert saved.title_cy == "Ymyrraeth deuluol"
    assert saved.summary_cy == "Tri diwrnod."
    assert saved.aims_cy == "Gwrando\nCynllunio"
    assert saved.description_cy is None  # left empty: no Welsh, never ""
    text = page(welsh(as_user(app, None)).get("/courses/FFI-3DAY"))
    assert "Ymyrraeth deuluol" in text and "Tri diwrnod." in text
    # Emptying the Welsh takes it away.
    follow(client, client.post("/courses/FFI-3DAY/edit", data=full_form(saved, title_cy="")))
    assert course("FFI-3DAY").title_cy is None


def test_a_welsh_title_too_long_is_refused_on_its_field(catalogue: None, app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    before = snapshot()
    response = client.post(
        "/courses/FFI-3DAY/edit", data=full_form(course("FFI-3DAY"), title_cy="T" * 301)
    )
    assert response.status_code == 400
    assert field_error(page_html(response), "title_cy")
    assert 'href="#title_cy"' in page_html(response)
    assert snapshot() == before


def test_a_trainer_writes_the_welsh_summary_of_a_fidelity_course_not_its_title(
    catalogue: None, app: Flask
) -> None:
    client = as_user(app, make_user(roles=["trainer"]))
    form = page_html(client.get("/courses/IFSS-CORE/edit"))
    assert 'name="summary_cy"' in form and 'name="title_cy"' not in form
    data = notes_form(course("IFSS-CORE"), summary_cy="Crynodeb.", title_cy="Ceisio")
    assert client.post("/courses/IFSS-CORE/edit", data=data).status_code == 302
    saved = course("IFSS-CORE")
    assert saved.summary_cy == "Crynodeb." and saved.title_cy is None


# What lacks Welsh ---------------------------------------------------------------------------------


def test_the_completeness_page_lists_what_lacks_welsh_with_links(app: Flask) -> None:
    make_course(code="CY-3", title="Core", summary="About.", summary_cy="Amdano.", themes="A")
    client = as_user(app, make_user(roles=["trainer"]))
    text = page(client.get("/admin/welsh"))
    courses = text.split('id="courses"', 1)[1].split("</table>", 1)[0]
    assert "Core" in courses and "Title" in courses and "Themes" in courses
    assert "Summary" not in courses
    assert 'href="/courses/CY-3/edit#title_cy"' in courses
    assert 'href="/courses/CY-3/edit#themes_cy"' in courses
    assert "2 texts without Welsh" in text


def test_the_completeness_page_says_when_everything_has_welsh(app: Flask) -> None:
    make_course(code="CY-4", title="Core", title_cy="Craidd")
    text = page(as_user(app, make_user(roles=["admin"])).get("/admin/welsh"))
    assert "Everything has Welsh" in text and "<table" not in text


def test_the_completeness_page_reads_in_a_fixed_number_of_queries(
    app: Flask, count_queries: QueryCounter
) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    make_course(title="One")
    db.session.commit()
    client.get("/admin/welsh")
    before = count_queries.count
    client.get("/admin/welsh")
    few = count_queries.count - before
    for n in range(15):
        make_course(title=f"More {n}", summary="Text", aims="A\nB")
    db.session.commit()
    before = count_queries.count
    response = client.get("/admin/welsh")
    assert response.status_code == 200 and "More 14" in page(response)
    assert count_queries.count - before == few


# Accreditation levels -----------------------------------------------------------------------------


def add_level(number: int = 5, **welsh: str | None) -> AccreditationLevel:
    level = AccreditationLevel(
        number=number,
        title="Supervising practice",
        title_cy=welsh.get("title_cy"),
        all_outcomes=[
            LevelOutcome(position=1, text="Plan supervision", text_cy=welsh.get("first_cy")),
            LevelOutcome(position=2, text="Reflect with the worker"),
        ],
    )
    db.session.add(level)
    db.session.flush()
    return level


def level_form(**overrides: str) -> dict[str, str]:
    values = {
        "number": "5",
        "title": "Supervising practice",
        "outcomes": "Plan supervision\nReflect with the worker",
        "is_active": "y",
    }
    values.update(overrides)
    return values


def test_the_levels_page_reads_in_welsh_with_english_marked(app: Flask) -> None:
    add_level(title_cy="Goruchwylio ymarfer", first_cy="Cynllunio goruchwyliaeth")
    text = page_html(welsh(as_user(app, None)).get("/accreditation"))
    assert "Lefel 5: Goruchwylio ymarfer</h2>" in text
    assert "<li>Cynllunio goruchwyliaeth</li>" in text
    assert '<li><span lang="en">Reflect with the worker</span></li>' in text
    assert MARKER not in text
    staff = page_html(welsh(as_user(app, make_user(roles=["assessor"]))).get("/accreditation"))
    assert staff.count(MARKER) == 1


def test_an_admin_writes_a_levels_welsh_side_by_side(app: Flask) -> None:
    level = add_level()
    client = as_user(app, make_user(roles=["admin"]))
    form = page_html(client.get(f"/admin/levels/{level.id}"))
    assert 'class="govuk-grid-column-one-half"' in form and 'name="outcomes_cy"' in form
    data = level_form(title_cy="Goruchwylio ymarfer", outcomes_cy="\nMyfyrio gyda'r gweithiwr")
    assert client.post(f"/admin/levels/{level.id}", data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(AccreditationLevel, level.id)
    assert saved is not None and saved.title_cy == "Goruchwylio ymarfer"
    assert [o.text_cy for o in saved.outcomes] == [None, "Myfyrio gyda'r gweithiwr"]
    again = page(client.get(f"/admin/levels/{level.id}"))
    assert "\nMyfyrio gyda'r gweithiwr</textarea>" in again


def test_who_a_level_is_for_is_written_and_read_in_welsh(app: Flask) -> None:
    level = add_level()
    level.description = "Practice supervisors and team managers."
    admin = as_user(app, make_user(roles=["admin"]))
    form = page_html(admin.get(f"/admin/levels/{level.id}"))
    assert 'name="description_cy"' in form and 'lang="cy"' in form
    # Not yet in Welsh: the English stands in, marked, and the checklist lists it.
    text = page_html(welsh(as_user(app, None)).get("/accreditation"))
    assert '<span lang="en">Practice supervisors and team managers.</span>' in text
    checklist = page(admin.get("/admin/welsh")).split('id="levels"', 1)[1].split("</table>")[0]
    assert "Who it is for" in checklist
    assert f'href="/admin/levels/{level.id}#description_cy"' in checklist

    data = level_form(
        description="Practice supervisors and team managers.",
        description_cy="Goruchwylwyr ymarfer a rheolwyr timau.\r\n",
    )
    assert admin.post(f"/admin/levels/{level.id}", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get_one(AccreditationLevel, level.id).description_cy == (
        "Goruchwylwyr ymarfer a rheolwyr timau."
    )
    text = page_html(welsh(as_user(app, None)).get("/accreditation"))
    assert '<p class="govuk-body">Goruchwylwyr ymarfer a rheolwyr timau.</p>' in text
    assert "Goruchwylwyr ymarfer" in page(admin.get(f"/admin/levels/{level.id}"))
    checklist = page(admin.get("/admin/welsh")).split('id="levels"', 1)[1].split("</table>")[0]
    assert "Who it is for" not in checklist


def test_a_translator_writes_who_a_level_is_for(app: Flask) -> None:
    level = add_level()
    level.description = "Practice supervisors."
    admin = make_user(roles=["admin"])
    key = f"levels:{level.id}:description"
    units = {unit.key: unit for unit in level_welsh_units()}
    assert units[key].english == "Practice supervisors." and units[key].welsh is None

    assert write_level_welsh(admin, {key: "Goruchwylwyr ymarfer.\nA rheolwyr."}) == 1
    assert level.description_cy == "Goruchwylwyr ymarfer.\nA rheolwyr."
    with pytest.raises(ValidationFailed) as refused:
        write_level_welsh(admin, {key: "Cudd\u202e"})
    assert refused.value.field == key
    assert write_level_welsh(admin, {key: ""}) == 1
    assert level.description_cy is None


def test_more_welsh_outcomes_than_english_ones_are_refused_on_the_field(app: Flask) -> None:
    level = add_level()
    client = as_user(app, make_user(roles=["admin"]))
    response = client.post(f"/admin/levels/{level.id}", data=level_form(outcomes_cy="Un\nDau\nTri"))
    assert response.status_code == 400
    assert "more Welsh lines than learning outcomes" in (
        field_error(page_html(response), "outcomes_cy") or ""
    )
    db.session.expire_all()
    assert all(o.text_cy is None for o in db.session.get(AccreditationLevel, level.id).outcomes)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("title", "Enter a level title of 290 characters or fewer"),
        ("title_cy", "Enter a Welsh level title of 290 characters or fewer, or leave it empty"),
    ],
)
def test_a_level_title_leaves_room_for_its_number_on_a_certificate(
    app: Flask, field: str, message: str
) -> None:
    """ "Level 12: " or "Lefel 12: " and the title must fit a certificate's 300 characters."""
    level = add_level(number=12)
    client = as_user(app, make_user(roles=["admin"]))
    refused = client.post(
        f"/admin/levels/{level.id}", data=level_form(number="12", **{field: "t" * 291})
    )
    assert refused.status_code == 400
    assert field_error(page_html(refused), field) == message
    longest = level_form(number="12", **{field: "t" * 290})
    assert client.post(f"/admin/levels/{level.id}", data=longest).status_code == 302
    db.session.expire_all()
    saved = db.session.get_one(AccreditationLevel, level.id)
    assert len(level_achievement(saved)) <= 300
    assert len(level_achievement_cy(saved) or "") <= 300


def test_a_translators_welsh_level_title_leaves_room_for_its_number(app: Flask) -> None:
    level = add_level(number=12)
    admin = make_user(roles=["admin"])
    with pytest.raises(ValidationFailed) as refused:
        write_level_welsh(admin, {f"levels:{level.id}:title": "t" * 291})
    assert refused.value.field == f"levels:{level.id}:title"
    assert write_level_welsh(admin, {f"levels:{level.id}:title": "t" * 290}) == 1


def test_the_completeness_page_lists_levels_with_links_for_admins_only(app: Flask) -> None:
    level = add_level(first_cy="Cynllunio")
    admin = page(as_user(app, make_user(roles=["admin"])).get("/admin/welsh"))
    levels = admin.split('id="levels"', 1)[1].split("</table>", 1)[0]
    assert "Level 5: Supervising practice" in levels
    assert "Learning outcome 2" in levels and "Learning outcome 1" not in levels
    assert f'href="/admin/levels/{level.id}#title_cy"' in levels
    trainer = page(as_user(app, make_user(roles=["trainer"])).get("/admin/welsh"))
    assert "Learning outcome 2" in trainer and f"/admin/levels/{level.id}" not in trainer


def test_catalogue_cards_tell_staff_what_lacks_welsh_outside_the_link(app: Flask) -> None:
    make_course(code="CY-5", title="Core", summary="About.")
    make_course(code="CY-6", title="Other", title_cy="Arall", summary="A.", summary_cy="B.")
    staff = page_html(welsh(as_user(app, make_user(roles=["trainer"]))).get("/courses"))
    assert staff.count(MARKER) == 1
    assert '<a class="govuk-link" href="/courses/CY-5" lang="en">Core</a></h2>' in staff
    assert 'href="/admin/welsh"' in staff  # editors are shown the way to the list
    visitor = page_html(welsh(as_user(app, None)).get("/courses"))
    assert MARKER not in visitor and 'href="/admin/welsh"' not in visitor


def test_the_administration_page_links_to_what_lacks_welsh(app: Flask) -> None:
    text = page_html(as_user(app, make_user(roles=["admin"])).get("/admin"))
    assert 'href="/admin/welsh"' in text


# The agenda and the units ------------------------------------------------------------------------


AGENDA = "Day 1\nMotivation\n- Change talk\nDay 2\nResistance\nDay 3\nSafety planning"
AGENDA_CY = "Diwrnod 1\nCymhelliant\n- Sgwrs newid\nDiwrnod 2\nGwrthwynebiad\nDiwrnod 3\nDiogelwch"


def test_an_editor_writes_the_agenda_and_units_in_welsh_beside_the_english(
    catalogue: None, app: Flask
) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    units_cy = "Cy Uned 1\n- Cy Deilliant"
    english = {"agenda": AGENDA, "units": "Unit 1\n- An outcome"}
    data = full_form(course("FFI-3DAY"), **english, agenda_cy=AGENDA_CY, units_cy=units_cy)
    response = client.post("/courses/FFI-3DAY/edit", data=data)
    assert response.status_code == 302, page(response)
    saved = course("FFI-3DAY")
    assert [t.title_cy for day in saved.days for t in day.topics] == [
        "Cymhelliant",
        "Gwrthwynebiad",
        "Diogelwch",
    ]
    assert saved.days[0].topics[0].items[0].text_cy == "Sgwrs newid"
    assert saved.units[0].title_cy == "Cy Uned 1"
    assert saved.units[0].outcomes[0].text_cy == "Cy Deilliant"
    assert not saved.agenda_lacks_welsh and not saved.units_lack_welsh
    form = page(client.get("/courses/FFI-3DAY/edit"))
    assert AGENDA_CY + "</textarea>" in form
    text = page_html(welsh(as_user(app, None)).get("/courses/FFI-3DAY"))
    assert "<li>Cymhelliant" in text and "<li>Sgwrs newid</li>" in text
    assert '<h3 class="govuk-heading-s" id="unit-1">Cy Uned 1</h3>' in text
    # An English change that keeps the shape keeps the Welsh.
    english["units"] = "Unit one\n- An outcome"
    data = full_form(saved, **english, agenda_cy=AGENDA_CY, units_cy=units_cy)
    assert client.post("/courses/FFI-3DAY/edit", data=data).status_code == 302
    assert course("FFI-3DAY").units[0].title_cy == "Cy Uned 1"
    admin_list = page(client.get("/admin/welsh"))
    assert 'href="/courses/FFI-3DAY/edit#agenda_cy"' not in admin_list


@pytest.mark.parametrize(
    ("field", "welsh_text", "message"),
    [
        ("units_cy", "Cy Uned 1\n- Un\n- Dau", "same units and outcomes as the English"),
        ("units_cy", "- Heb uned", "must come under a unit"),
        ("agenda_cy", "Diwrnod 1\nPwnc", "The agenda has 1 days but the course lasts 3"),
        ("agenda_cy", "Diwrnod 1\nA\nDiwrnod 2\nB\nDiwrnod 3\nC\nD", "same days, topics"),
    ],
)
def test_a_welsh_outline_that_does_not_match_is_refused_on_its_field(
    catalogue: None, app: Flask, field: str, welsh_text: str, message: str
) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    before = snapshot()
    english = {"agenda": AGENDA, "units": "Unit 1\n- An outcome"}
    data = full_form(course("FFI-3DAY"), **english, **{field: welsh_text})
    response = client.post("/courses/FFI-3DAY/edit", data=data)
    assert response.status_code == 400
    assert message in (field_error(page(response), field) or ""), field_error(page(response), field)
    assert snapshot() == before


def test_the_completeness_page_lists_agendas_and_units_without_welsh(
    catalogue: None, app: Flask
) -> None:
    text = page(as_user(app, make_user(roles=["admin"])).get("/admin/welsh"))
    assert 'href="/courses/IFSS-CORE/edit#agenda_cy"' in text
    with_units = db.session.execute(select(Course).where(Course.units.any())).scalars().all()
    assert with_units
    for each in with_units:
        assert f'href="/courses/{each.code}/edit#units_cy"' in text


def test_every_seeded_cohort_title_and_venue_name_has_welsh_or_is_marked(
    catalogue: None, app: Flask
) -> None:
    """The demo's cohorts and venues (``flask demo``), read in Welsh by an editor on each
    cohort's page: the title and each venue's name are in Welsh, or are the English marked
    as English and followed by "No Welsh yet" (second slice of issue 20)."""
    from trainhub.courses.models import Cohort
    from trainhub.demo import create_demo

    create_demo()
    db.session.commit()
    client = welsh(as_user(app, make_user(roles=["admin"])))
    cohorts = db.session.execute(select(Cohort).order_by(Cohort.id)).scalars().all()
    assert cohorts
    for each in cohorts:
        text = page_html(client.get(f"/cohorts/{each.id}"))
        marked = [(each.title, each.title_cy)]
        marked += [(d.venue.name, d.venue.name_cy) for d in each.days if d.venue is not None]
        for english, own_welsh in marked:
            if bilingual.own(own_welsh):
                assert str(escape(own_welsh)) in text, (each.id, english)
                continue
            start = text.find(f'<span lang="en">{escape(english)}</span>')
            assert start >= 0, f"cohort {each.id}: “{english}” not marked as English"
            assert text.find(MARKER, start) == start + len(
                f'<span lang="en">{escape(english)}</span> '
            ), f"cohort {each.id}: “{english}” has no “No Welsh yet”"
