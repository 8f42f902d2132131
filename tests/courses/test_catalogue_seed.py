"""The catalogue seed (``flask catalogue seed``): R1-R5 and R21 as loaded, and idempotent."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.courses.helpers import admin, agenda_texts, count, course, snapshot
from trainhub.accreditation.models import AccreditationLevel
from trainhub.accreditation.services import seed_levels
from trainhub.courses.models import Course
from trainhub.courses.services.catalogue import course_input, seed_courses, update_course
from trainhub.extensions import db

CORE = "IFSS Family Focussed Intervention \u2013 Core training 4-day Training Programme"
CONSULTATION = "Consultation in the IFSS Family Focussed Intervention 1-day Training Programme"
SUPERVISION = "Supervising in the IFSS Family Focussed Intervention 2-day Training Programme"
TRAIN_THE_TRAINER = (
    "Training the IFSS Trainer in Supporting the Workforce Development Modules "
    "2-day Training Programme"
)


def framework_courses() -> list[Course]:
    query = select(Course).where(Course.kind == "framework").order_by(Course.id)
    return list(db.session.execute(query).scalars())


# R1 ---------------------------------------------------------------------------


def test_seed_adds_exactly_the_four_framework_programmes_verbatim(catalogue: None) -> None:
    titles = {c.title: c.duration_days for c in framework_courses()}

    assert titles == {CORE: 4, CONSULTATION: 1, SUPERVISION: 2, TRAIN_THE_TRAINER: 2}


def test_framework_programmes_are_fidelity_controlled_and_published(catalogue: None) -> None:
    courses = framework_courses()

    assert len(courses) == 4
    assert all(c.fidelity_controlled and c.published for c in courses)


def test_core_title_uses_an_en_dash_as_in_the_seed(catalogue: None) -> None:
    assert "\u2013" in course("IFSS-CORE").title


# R2 ---------------------------------------------------------------------------


def test_core_has_four_agenda_days(catalogue: None) -> None:
    assert len(agenda_texts("IFSS-CORE")) == 4


def test_core_day_2_includes_motivational_interviewing(catalogue: None) -> None:
    day_2 = agenda_texts("IFSS-CORE")[1]

    assert "Core Skills: Motivational Interviewing" in [title for title, _ in day_2]


def test_core_day_4_includes_endings_and_family_files(catalogue: None) -> None:
    day_4 = agenda_texts("IFSS-CORE")[3]

    assert any("Endings & Family files" in items for _, items in day_4)


def test_core_day_1_opens_with_the_introduction_to_the_model(catalogue: None) -> None:
    day_1 = agenda_texts("IFSS-CORE")[0]

    assert day_1[0] == ("Introduction to the Model: Overview of Model & Training", [])


def test_every_framework_agenda_has_one_day_per_day_of_duration(catalogue: None) -> None:
    for framework in framework_courses():
        assert len(framework.days) == framework.duration_days, framework.code
        assert [d.day_number for d in framework.days] == list(range(1, framework.duration_days + 1))
        assert all(day.topics for day in framework.days), framework.code


# R3 ---------------------------------------------------------------------------


def test_supervision_has_four_units(catalogue: None) -> None:
    units = course("IFSS-SUPERVISE").units

    assert [u.title for u in units] == [
        "Unit 1: Principles",
        "Unit 2: Models & Theories",
        "Unit 3: Applications",
        "Unit 4: Core skills",
    ]


def test_supervision_unit_4_has_the_eight_core_skills(catalogue: None) -> None:
    unit_4 = course("IFSS-SUPERVISE").units[3]

    assert [o.text for o in unit_4.outcomes] == [
        "Listen effectively",
        "Ask open questions Offer advice appropriately",
        "Affirm",
        "Summarise",
        "Reflect",
        "Encourage doubt",
        "Build hope",
        "Problem solve ethical issues",
    ]


def test_consultation_has_three_units_and_four_aims(catalogue: None) -> None:
    consultation = course("IFSS-CONSULT")

    assert [u.title for u in consultation.units] == [
        "Unit 1: Defining the Consultation role",
        "Unit 2: Develop Strategies for the consultation process",
        "Unit 3: Define the formal and informal opportunities to implement consultation",
    ]
    assert consultation.aims_intro == "At the end of the course staff will be able to:"
    assert consultation.aim_list[0] == (
        "understand the nature of the consultation role as opposed to advice or supervision;"
    )
    assert len(consultation.aim_list) == 4


def test_core_has_no_units_of_its_own(catalogue: None) -> None:
    """Its outcomes are "As Above": the levels' outcomes (see the level seed tests)."""
    assert course("IFSS-CORE").units == []


# R4, R5 -----------------------------------------------------------------------


def test_local_three_day_module_has_its_three_themes(catalogue: None) -> None:
    module = course("FFI-3DAY")

    assert module.kind == "local"
    assert module.duration_days == 3
    assert module.theme_list == [
        "Enhancing Motivation for behaviour change",
        "Lowering Resistance to behaviour change",
        "Safety Planning",
    ]
    assert "Social Care (Wales) Act 2016" in module.context_note


def test_seed_adds_the_locally_developed_courses(catalogue: None) -> None:
    local = db.session.execute(select(Course).where(Course.kind == "local")).scalars().all()
    by_code = {c.code: c for c in local}

    assert set(by_code) == {"FFI-3DAY", "EM-LR-GS-1DAY", "SAFETY-PLAN", "CORE-GROUP-CHAIR"}
    assert by_code["EM-LR-GS-1DAY"].duration_days == 1
    assert by_code["EM-LR-GS-1DAY"].theme_list == [
        "Enhancing Motivation",
        "Lowering Resistance",
        "Goal Setting",
    ]
    assert not any(c.fidelity_controlled for c in local)


def test_team_modules_are_for_ifst_members_and_the_core_for_the_wider_workforce(
    catalogue: None,
) -> None:
    audiences = {c.code: c.audience for c in framework_courses()}

    assert audiences == {
        "IFSS-CORE": "wider_workforce",
        "IFSS-CONSULT": "ifst_only",
        "IFSS-SUPERVISE": "ifst_only",
        "IFSS-TTT": "ifst_only",
    }


def test_team_modules_need_the_core_first(catalogue: None) -> None:
    for code in ("IFSS-CONSULT", "IFSS-SUPERVISE", "IFSS-TTT"):
        assert [p.code for p in course(code).prerequisites] == ["IFSS-CORE"]
    assert course("IFSS-CORE").prerequisites == []


# The command and idempotency --------------------------------------------------


def test_cli_seeds_the_catalogue_and_reports_what_it_added(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["catalogue", "seed"])

    assert result.exit_code == 0, result.output
    assert "8 course(s) and 3 level(s) added" in result.output
    assert count(Course) == 8
    assert count(AccreditationLevel) == 3


def test_cli_run_twice_adds_nothing_the_second_time(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["catalogue", "seed"])
    before = snapshot()

    result = runner.invoke(args=["catalogue", "seed"])

    assert result.exit_code == 0, result.output
    assert "0 course(s) and 0 level(s) added" in result.output
    assert snapshot() == before


def test_seeding_twice_changes_nothing(catalogue: None) -> None:
    before = snapshot()

    assert seed_courses() == []
    assert seed_levels() == []
    db.session.commit()

    assert snapshot() == before


def test_reseed_keeps_an_administrators_changes(catalogue: None) -> None:
    core = course("IFSS-CORE")
    data = course_input(core)
    agenda = data.agenda
    agenda[3]["topics"][0]["items"].append("Celebrating the family's progress")
    update_course(admin(), core, {"title": "Core (local edition)", "agenda": agenda})
    db.session.commit()
    edited = snapshot()

    seed_courses()
    seed_levels()
    db.session.commit()

    assert snapshot() == edited
    assert course("IFSS-CORE").title == "Core (local edition)"
    assert "Celebrating the family's progress" in agenda_texts("IFSS-CORE")[3][0][1]


def test_reseed_restores_only_what_is_missing(catalogue: None) -> None:
    db.session.delete(course("SAFETY-PLAN"))
    db.session.commit()
    untouched = course("IFSS-CORE").id

    added = seed_courses()
    db.session.commit()

    assert [c.code for c in added] == ["SAFETY-PLAN"]
    assert course("IFSS-CORE").id == untouched
    assert count(Course) == 8
