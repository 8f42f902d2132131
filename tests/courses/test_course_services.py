"""Course services: who may create and change courses, codes, prerequisites, fidelity (R51)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask

from tests.courses.helpers import (
    admin,
    agenda_row_counts,
    agenda_texts,
    count,
    course,
    learner,
    local_course,
    simple_agenda,
    simple_units,
    snapshot,
    trainer,
)
from trainhub.courses.models import Course
from trainhub.courses.services.catalogue import (
    CourseInput,
    course_input,
    create_course,
    update_course,
)
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db

# Creating ---------------------------------------------------------------------


def test_trainer_creates_a_local_course_with_any_duration_and_themes(app: Flask) -> None:
    data = CourseInput(
        code="iro-ifss",
        title="IFSS model training for Independent Reviewing Officers",
        duration_days=5,
        themes="  Consistency of approach \n\n Cover for absence ",
        agenda=simple_agenda(5),
        units=simple_units(2, 3),
    )

    create_course(trainer(), data)
    db.session.commit()

    stored = course("IRO-IFSS")
    assert stored.kind == "local"
    assert stored.duration_days == 5
    assert stored.theme_list == ["Consistency of approach", "Cover for absence"]
    assert len(stored.days) == 5
    assert [len(u.outcomes) for u in stored.units] == [3, 3]


def test_created_course_code_is_stored_upper_case(app: Flask) -> None:
    create_course(trainer(), CourseInput(code="  craft-1 ", title="CRAFT", duration_days=1))

    assert course("CRAFT-1").title == "CRAFT"


@pytest.mark.parametrize(
    "values",
    [{"kind": "framework"}, {"fidelity_controlled": True}],
    ids=["framework", "fidelity-controlled"],
)
def test_trainer_cannot_create_a_framework_or_fidelity_course(app: Flask, values: dict) -> None:
    data = CourseInput(code="NEW-1", title="New", duration_days=1, **values)

    with pytest.raises(PermissionDenied, match="Only an administrator"):
        create_course(trainer(), data)

    assert count(Course) == 0


def test_admin_can_create_a_framework_course(app: Flask) -> None:
    data = CourseInput(
        code="NEW-1", title="New", duration_days=1, kind="framework", fidelity_controlled=True
    )

    create_course(admin(), data)

    assert course("NEW-1").fidelity_controlled


@pytest.mark.parametrize("roles", [["learner"], ["assessor"], ["manager"]])
def test_only_trainers_and_admins_can_create_courses(app: Flask, roles: list[str]) -> None:
    from tests.factories import make_user

    with pytest.raises(PermissionDenied):
        create_course(make_user(roles=roles), CourseInput(code="X-1", title="X", duration_days=1))

    assert count(Course) == 0


def test_duplicate_code_is_refused_whatever_its_case(catalogue: None) -> None:
    data = CourseInput(code="ifss-Core", title="Copy", duration_days=4)

    with pytest.raises(ValidationFailed) as caught:
        create_course(admin(), data)

    assert caught.value.field == "code"
    assert caught.value.message == "Another course already uses this code"
    assert count(Course) == 8


@pytest.mark.parametrize("code", ["", "   ", "IFSS CORE", "IFSS/CORE", "CORE!"])
def test_code_must_be_letters_numbers_and_hyphens(app: Flask, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_course(admin(), CourseInput(code=code, title="X", duration_days=1))

    assert caught.value.field == "code"
    assert count(Course) == 0


@pytest.mark.parametrize("days", [0, -1, 31])
def test_duration_must_be_between_1_and_30_days(app: Flask, days: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_course(admin(), CourseInput(code="X-1", title="X", duration_days=days))

    assert caught.value.field == "duration_days"
    assert count(Course) == 0


@pytest.mark.parametrize(("field", "value"), [("kind", "national"), ("audience", "everyone")])
def test_kind_and_audience_must_be_known_values(app: Flask, field: str, value: str) -> None:
    data = CourseInput(code="X-1", title="X", duration_days=1, **{field: value})

    with pytest.raises(ValidationFailed) as caught:
        create_course(admin(), data)

    assert caught.value.field == field


def test_agenda_must_have_one_day_per_day_of_duration(app: Flask) -> None:
    data = CourseInput(code="X-1", title="X", duration_days=3, agenda=simple_agenda(2))

    with pytest.raises(ValidationFailed) as caught:
        create_course(admin(), data)

    assert caught.value.field == "agenda"
    assert caught.value.message == "The agenda has 2 days but the course lasts 3"
    assert agenda_row_counts() == (0, 0, 0)


def test_changing_duration_without_the_agenda_is_refused(app: Flask) -> None:
    local = local_course(duration_days=2)
    db.session.commit()

    with pytest.raises(ValidationFailed) as caught:
        update_course(trainer(), local, {"duration_days": 3})
    db.session.rollback()

    assert caught.value.field == "agenda"
    assert course(local.code).duration_days == 2


# Prerequisites ----------------------------------------------------------------


def test_prerequisites_are_stored(app: Flask) -> None:
    first = local_course()
    second = local_course(prerequisite_ids={first.id})
    db.session.commit()

    assert [p.code for p in course(second.code).prerequisites] == [first.code]
    assert [c.code for c in course(first.code).required_by] == [second.code]


def test_course_cannot_be_its_own_prerequisite(app: Flask) -> None:
    local = local_course()
    db.session.commit()

    with pytest.raises(ValidationFailed) as caught:
        update_course(admin(), local, {"prerequisite_ids": {local.id}})
    db.session.rollback()

    assert caught.value.field == "prerequisite_ids"
    assert caught.value.message == "A course cannot be its own prerequisite"
    assert course(local.code).prerequisites == []


def test_two_courses_cannot_require_each_other(app: Flask) -> None:
    first = local_course()
    second = local_course(prerequisite_ids={first.id})
    db.session.commit()

    with pytest.raises(ValidationFailed) as caught:
        update_course(admin(), first, {"prerequisite_ids": {second.id}})
    db.session.rollback()

    assert caught.value.field == "prerequisite_ids"
    assert "circle" in caught.value.message
    assert course(first.code).prerequisites == []


def test_a_longer_circle_of_prerequisites_is_refused(app: Flask) -> None:
    a = local_course()
    b = local_course(prerequisite_ids={a.id})
    c = local_course(prerequisite_ids={b.id})
    d = local_course(prerequisite_ids={c.id})
    db.session.commit()
    before = snapshot()

    with pytest.raises(ValidationFailed) as caught:
        update_course(admin(), a, {"prerequisite_ids": {d.id}})
    db.session.rollback()

    assert caught.value.field == "prerequisite_ids"
    assert snapshot() == before


def test_a_shared_prerequisite_is_not_a_circle(app: Flask) -> None:
    """A diamond (B and C both need A; D needs B and C) is allowed."""
    a = local_course()
    b = local_course(prerequisite_ids={a.id})
    c = local_course(prerequisite_ids={a.id})
    d = local_course()
    db.session.commit()

    update_course(admin(), d, {"prerequisite_ids": {b.id, c.id}})
    db.session.commit()

    assert {p.code for p in course(d.code).prerequisites} == {b.code, c.code}


# Fidelity (R51) ---------------------------------------------------------------


def core_without_endings() -> list:
    agenda = course_input(course("IFSS-CORE")).agenda
    agenda[3]["topics"][0]["items"].remove("Endings & Family files")
    return agenda


def test_trainer_cannot_remove_a_canonical_agenda_item(catalogue: None) -> None:
    core = course("IFSS-CORE")
    before = snapshot()

    with pytest.raises(PermissionDenied, match="fidelity-controlled"):
        update_course(trainer(), core, {"agenda": core_without_endings()})
    db.session.rollback()

    assert snapshot() == before
    assert "Endings & Family files" in agenda_texts("IFSS-CORE")[3][0][1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "IFSS Core (shortened)"),
        ("code", "IFSS-CORE-2"),
        ("duration_days", 3),
        ("kind", "local"),
        ("audience", "open"),
        ("aims", "A new aim"),
        ("accrediting_body", "Someone else"),
        ("fidelity_controlled", False),
    ],
)
def test_trainer_cannot_change_canonical_fields_of_a_fidelity_course(
    catalogue: None, field: str, value: object
) -> None:
    before = snapshot()

    with pytest.raises(PermissionDenied):
        update_course(trainer(), course("IFSS-CORE"), {field: value})
    db.session.rollback()

    assert snapshot() == before


def test_trainer_cannot_change_the_units_of_a_fidelity_course(catalogue: None) -> None:
    supervision = course("IFSS-SUPERVISE")
    units = course_input(supervision).units
    units[3]["outcomes"].pop()
    before = snapshot()

    with pytest.raises(PermissionDenied):
        update_course(trainer(), supervision, {"units": units})
    db.session.rollback()

    assert snapshot() == before
    assert len(course("IFSS-SUPERVISE").units[3].outcomes) == 8


def test_trainer_cannot_change_the_prerequisites_of_a_fidelity_course(catalogue: None) -> None:
    before = snapshot()

    with pytest.raises(PermissionDenied):
        update_course(trainer(), course("IFSS-TTT"), {"prerequisite_ids": set()})
    db.session.rollback()

    assert snapshot() == before


def test_trainer_refused_on_one_canonical_field_writes_no_note_either(catalogue: None) -> None:
    with pytest.raises(PermissionDenied):
        update_course(
            trainer(),
            course("IFSS-CORE"),
            {"summary": "New summary", "title": "New title"},
        )
    db.session.rollback()

    assert course("IFSS-CORE").summary != "New summary"


def test_trainer_can_change_the_notes_of_a_fidelity_course(catalogue: None) -> None:
    changes = {
        "summary": "Four days on the IFSS model.",
        "cpel_alignment": "CPEL: consolidation",
        "context_note": "Supports the Social Services and Well-being (Wales) Act 2014.",
        "delivery_notes": "Bring the role-play cards.",
    }

    update_course(trainer(), course("IFSS-CORE"), changes)
    db.session.commit()

    core = course("IFSS-CORE")
    assert {name: getattr(core, name) for name in changes} == changes


@pytest.mark.parametrize(
    "changes",
    [{"published": False}, {"cpd_hours": Decimal("999")}, {"credit_value": Decimal("3")}],
)
def test_trainer_cannot_withdraw_or_revalue_a_fidelity_course(catalogue: None, changes) -> None:
    """Whether a framework programme is offered, and what it is worth, are an admin's call."""
    with pytest.raises(PermissionDenied):
        update_course(trainer(), course("IFSS-CORE"), changes)
    db.session.rollback()
    assert course("IFSS-CORE").published


def test_trainer_saving_an_admins_framework_course_keeps_its_kind(catalogue: None) -> None:
    """The kind is not on a trainer's form: saving must not turn it back into 'local'."""
    from tests.courses.helpers import full_form
    from trainhub.courses.forms.catalogue import CourseForm

    framework = local_course(admin(), kind="framework", code="FW-OPEN")
    db.session.commit()
    from flask import current_app

    with current_app.test_request_context(method="POST", data=full_form(framework, summary="New")):
        form = CourseForm()
        form.prerequisite_ids.choices = []
        assert form.validate(), form.errors
        changes = form.changes(admin=False)
    assert "kind" not in changes and "fidelity_controlled" not in changes
    update_course(trainer(), course("FW-OPEN"), changes)
    db.session.commit()
    assert course("FW-OPEN").kind == "framework"


def test_trainer_notes_change_leaves_the_canonical_content_alone(catalogue: None) -> None:
    before = agenda_texts("IFSS-CORE")
    title = course("IFSS-CORE").title

    update_course(trainer(), course("IFSS-CORE"), {"delivery_notes": "Room 2"})
    db.session.commit()

    assert agenda_texts("IFSS-CORE") == before
    assert course("IFSS-CORE").title == title


def test_trainer_may_resend_unchanged_canonical_values(catalogue: None) -> None:
    """Sending the whole course back with only a note changed is not a canonical change."""
    data = course_input(course("IFSS-CORE"))
    changes = {**vars(data), "delivery_notes": "Room 2"}

    update_course(trainer(), course("IFSS-CORE"), changes)
    db.session.commit()

    assert course("IFSS-CORE").delivery_notes == "Room 2"


def test_admin_can_change_the_agenda_of_a_fidelity_course(catalogue: None) -> None:
    update_course(admin(), course("IFSS-CORE"), {"agenda": core_without_endings()})
    db.session.commit()

    assert "Endings & Family files" not in agenda_texts("IFSS-CORE")[3][0][1]


def test_admin_can_change_the_units_of_a_fidelity_course(catalogue: None) -> None:
    units = course_input(course("IFSS-SUPERVISE")).units
    units[1]["outcomes"].append("Understand restorative supervision")

    update_course(admin(), course("IFSS-SUPERVISE"), {"units": units})
    db.session.commit()

    outcomes = [o.text for o in course("IFSS-SUPERVISE").units[1].outcomes]
    assert outcomes[-1] == "Understand restorative supervision"


def test_trainer_can_change_the_agenda_of_a_local_course(app: Flask) -> None:
    local = local_course(duration_days=1)
    db.session.commit()

    update_course(trainer(), local, {"agenda": simple_agenda(1, prefix="Revised")})
    db.session.commit()

    assert agenda_texts(local.code) == [[("Revised 1.1", ["Item 1.1.1"])]]


def test_learner_cannot_change_any_course(catalogue: None) -> None:
    before = snapshot()

    with pytest.raises(PermissionDenied):
        update_course(learner(), course("FFI-3DAY"), {"summary": "Changed"})
    db.session.rollback()

    assert snapshot() == before


def test_unknown_field_is_a_programming_error(catalogue: None) -> None:
    with pytest.raises(ValueError, match="unknown course fields"):
        update_course(admin(), course("FFI-3DAY"), {"colour": "blue"})


def test_trainer_cannot_turn_a_local_course_into_a_framework_course(app: Flask) -> None:
    local = local_course()
    db.session.commit()

    with pytest.raises(PermissionDenied):
        update_course(trainer(), local, {"kind": "framework"})
    db.session.rollback()

    assert course(local.code).kind == "local"


def test_trainer_cannot_put_a_local_course_under_fidelity_control(app: Flask) -> None:
    local = local_course()
    db.session.commit()

    with pytest.raises(PermissionDenied):
        update_course(trainer(), local, {"fidelity_controlled": True})
    db.session.rollback()

    assert not course(local.code).fidelity_controlled


def test_a_notes_only_edit_keeps_the_agenda_rows(catalogue: None) -> None:
    core = course("IFSS-CORE")
    before = [(t.id, t.title) for d in core.days for t in d.topics]

    update_course(trainer(), core, {"summary": "A new summary"})
    db.session.commit()

    assert [(t.id, t.title) for d in course("IFSS-CORE").days for t in d.topics] == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"code": "X" * 41}, "code"),
        ({"cpd_hours": Decimal("-1")}, "cpd_hours"),
        ({"credit_value": Decimal("5000")}, "credit_value"),
    ],
)
def test_services_check_shape_too(app: Flask, changes: dict, field: str) -> None:
    """A CLI or import reaches the service without a form: it must refuse the same input."""
    local = local_course()
    db.session.commit()
    with pytest.raises(ValidationFailed) as error:
        update_course(admin(), local, changes)
    assert error.value.field == field
