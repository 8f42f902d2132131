"""Accreditation levels as data (R21): the admin service, its pages, and the public list."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from tests.factories import make_user
from tests.helpers import QueryCounter, login, page_html
from trainhub.accreditation.models import AccreditationLevel, LevelOutcome
from trainhub.accreditation.services import LevelInput, save_level
from trainhub.courses.models import Course
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db

LEVEL_5_OUTCOMES = [
    "Supervise practitioners delivering family focussed interventions.",
    "Reflect on supervision practice.",
]


def level(number: int) -> AccreditationLevel:
    db.session.expire_all()
    query = select(AccreditationLevel).where(AccreditationLevel.number == number)
    return db.session.execute(query).scalar_one()


def level_numbers() -> list[int]:
    db.session.expire_all()
    query = select(AccreditationLevel.number).order_by(AccreditationLevel.number)
    return list(db.session.execute(query).scalars())


def outcome_rows() -> list[tuple]:
    db.session.expire_all()
    query = select(LevelOutcome.id, LevelOutcome.level_id, LevelOutcome.position, LevelOutcome.text)
    return sorted(tuple(row) for row in db.session.execute(query.order_by(LevelOutcome.id)))


def level_input(current: AccreditationLevel, **changes: object) -> LevelInput:
    values: dict[str, object] = {
        "number": current.number,
        "title": current.title,
        "outcomes": [o.text for o in current.outcomes],
        "description": current.description,
        "accrediting_body": current.accrediting_body,
        "credit_value": current.credit_value,
        "is_active": current.is_active,
        "course_ids": {c.id for c in current.courses},
    }
    values.update(changes)
    return LevelInput(**values)  # type: ignore[arg-type]


def ids_by_text(current: AccreditationLevel) -> dict[str, int]:
    return {o.text: o.id for o in current.outcomes}


def admin_client(client: FlaskClient) -> FlaskClient:
    person = make_user(roles=["admin"])
    db.session.commit()
    return login(client, person)


# The service ---------------------------------------------------------------------------


def test_admin_adds_level_5_with_its_outcomes(catalogue: None) -> None:
    data = LevelInput(
        number=5,
        title="Supervising IFSS Practice",
        outcomes=[
            "  Supervise practitioners  delivering family focussed interventions. ",
            "",
            *LEVEL_5_OUTCOMES[1:],
        ],
        accrediting_body=" Agored Cymru ",
        credit_value=Decimal("6"),
    )

    save_level(make_user(roles=["admin"]), None, data)
    db.session.commit()

    added = level(5)
    assert added.title == "Supervising IFSS Practice"
    assert [o.text for o in added.outcomes] == LEVEL_5_OUTCOMES
    assert [o.position for o in added.outcomes] == [1, 2]
    assert added.accrediting_body == "Agored Cymru"
    assert added.credit_value == 6
    assert level_numbers() == [2, 3, 5, 6]


@pytest.mark.parametrize("roles", [["trainer"], ["assessor"], ["manager"], ["learner"]])
def test_only_an_admin_can_change_levels(catalogue: None, roles: list[str]) -> None:
    before = outcome_rows()

    with pytest.raises(PermissionDenied):
        save_level(make_user(roles=roles), None, LevelInput(5, "Level five", ["One"]))
    with pytest.raises(PermissionDenied):
        save_level(make_user(roles=roles), level(3), level_input(level(3), title="Renamed"))
    db.session.rollback()

    assert level_numbers() == [2, 3, 6]
    assert level(3).title == "Implementing IFSS"
    assert outcome_rows() == before


def test_duplicate_level_number_is_refused(catalogue: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        save_level(make_user(roles=["admin"]), None, LevelInput(3, "Another three", ["One"]))
    db.session.rollback()

    assert caught.value.field == "number"
    assert caught.value.message == "There is already a level with this number"
    assert level_numbers() == [2, 3, 6]


def test_renumbering_a_level_onto_another_is_refused(catalogue: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        save_level(make_user(roles=["admin"]), level(6), level_input(level(6), number=2))
    db.session.rollback()

    assert caught.value.field == "number"
    assert level(6).title == "Managing the Delivery of Family Focussed Interventions"


@pytest.mark.parametrize("outcomes", [[], [""], ["   ", "\t"]])
def test_a_level_needs_at_least_one_outcome(catalogue: None, outcomes: list[str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        save_level(make_user(roles=["admin"]), None, LevelInput(5, "Level five", outcomes))
    db.session.rollback()

    assert caught.value.field == "outcomes"
    assert caught.value.message == "Enter at least one learning outcome"
    assert level_numbers() == [2, 3, 6]


def test_removing_every_outcome_of_a_level_is_refused(catalogue: None) -> None:
    before = outcome_rows()

    with pytest.raises(ValidationFailed):
        save_level(make_user(roles=["admin"]), level(2), level_input(level(2), outcomes=[]))
    db.session.rollback()

    assert outcome_rows() == before


def test_outcomes_must_differ(catalogue: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        save_level(
            make_user(roles=["admin"]),
            None,
            LevelInput(5, "Level five", ["Reflect on practice.", "Reflect  on practice. "]),
        )
    db.session.rollback()

    assert caught.value.field == "outcomes"
    assert level_numbers() == [2, 3, 6]


def test_editing_a_level_keeps_the_ids_of_unchanged_outcomes(catalogue: None) -> None:
    """Sign-offs will point at outcome ids: a save must not churn them."""
    original = ids_by_text(level(3))
    outcomes = [o.text for o in level(3).outcomes]
    outcomes.insert(2, "Work with partner agencies.")

    save_level(make_user(roles=["admin"]), level(3), level_input(level(3), outcomes=outcomes))
    db.session.commit()

    after = ids_by_text(level(3))
    assert {text: after[text] for text in original} == original
    assert [o.text for o in level(3).outcomes] == outcomes
    assert [o.position for o in level(3).outcomes] == list(range(1, 8))


def test_reordering_outcomes_keeps_their_ids(catalogue: None) -> None:
    original = ids_by_text(level(6))
    reversed_outcomes = list(reversed(list(original)))

    save_level(
        make_user(roles=["admin"]), level(6), level_input(level(6), outcomes=reversed_outcomes)
    )
    db.session.commit()

    assert [o.text for o in level(6).outcomes] == reversed_outcomes
    assert ids_by_text(level(6)) == original


def test_saving_a_level_unchanged_keeps_every_outcome_row(catalogue: None) -> None:
    before = outcome_rows()

    save_level(make_user(roles=["admin"]), level(2), level_input(level(2), title="Level Two"))
    db.session.commit()

    assert outcome_rows() == before
    assert level(2).title == "Level Two"


def test_a_removed_outcome_is_retired_not_deleted_and_the_rest_keep_their_ids(
    catalogue: None,
) -> None:
    """Judgements point at outcomes: one taken off a level keeps its row, marked retired."""
    original = ids_by_text(level(2))
    removed, *kept = list(original)

    save_level(make_user(roles=["admin"]), level(2), level_input(level(2), outcomes=kept))
    db.session.commit()

    assert ids_by_text(level(2)) == {text: original[text] for text in kept}
    assert [o.position for o in level(2).outcomes] == [1, 2]
    retired = [o for o in level(2).all_outcomes if not o.is_active]
    assert [(o.id, o.text) for o in retired] == [(original[removed], removed)]
    assert len(outcome_rows()) == 3 + 6 + 4


def test_a_retired_outcome_listed_again_comes_back_with_its_id(catalogue: None) -> None:
    original = ids_by_text(level(2))
    texts = list(original)
    admin = make_user(roles=["admin"])
    save_level(admin, level(2), level_input(level(2), outcomes=texts[1:]))
    db.session.commit()

    save_level(admin, level(2), level_input(level(2), outcomes=[texts[1], texts[0], texts[2]]))
    db.session.commit()

    assert [o.text for o in level(2).outcomes] == [texts[1], texts[0], texts[2]]
    assert ids_by_text(level(2)) == original
    assert all(o.is_active for o in level(2).all_outcomes)
    assert len(outcome_rows()) == 3 + 6 + 4


@pytest.mark.parametrize(("due", "overdue"), [(6, 6), (9, 6)])
def test_overdue_months_must_be_more_than_due_months(
    catalogue: None, due: int, overdue: int
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        save_level(
            make_user(roles=["admin"]),
            level(6),
            level_input(level(6), due_after_months=due, overdue_after_months=overdue),
        )
    db.session.rollback()

    assert caught.value.field == "overdue_after_months"
    assert caught.value.message == (
        "The months until overdue must be more than the months until due"
    )
    assert (level(6).due_after_months, level(6).overdue_after_months) == (6, 9)


def test_level_links_to_the_courses_chosen(catalogue: None) -> None:
    ffi = db.session.execute(select(Course).where(Course.code == "FFI-3DAY")).scalar_one()
    core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()

    save_level(
        make_user(roles=["admin"]), level(3), level_input(level(3), course_ids={core.id, ffi.id})
    )
    db.session.commit()

    assert {c.code for c in level(3).courses} == {"IFSS-CORE", "FFI-3DAY"}


# The admin pages -------------------------------------------------------------------------


def level_form(**overrides: str) -> dict[str, object]:
    values: dict[str, object] = {
        "number": "5",
        "title": "Supervising IFSS Practice",
        "description": "For IFST members who supervise.",
        "outcomes": "\n".join(LEVEL_5_OUTCOMES),
        "accrediting_body": "Agored Cymru",
        "credit_value": "",
        "is_active": "y",
    }
    values.update(overrides)
    return values


def test_admin_adds_level_5_through_the_form_and_it_is_published(
    catalogue: None, client: FlaskClient
) -> None:
    admin_client(client)

    response = client.post("/admin/levels/new", data=level_form())

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/levels"
    assert "Level 5 saved." in page_html(client.get("/admin/levels"))
    assert [o.text for o in level(5).outcomes] == LEVEL_5_OUTCOMES
    public = page_html(client.application.test_client().get("/accreditation"))
    assert "Level 5: Supervising IFSS Practice" in public
    assert f"<li>{LEVEL_5_OUTCOMES[1]}</li>" in public
    assert "For IFST members who supervise." in public


def test_accreditation_page_lists_the_seeded_levels_in_order(
    catalogue: None, client: FlaskClient
) -> None:
    text = page_html(client.get("/accreditation"))

    headings = [
        str(escape("Level 2: Underpinning Knowledge & Skills for IFSS")),
        "Level 3: Implementing IFSS",
        "Level 6: Managing the Delivery of Family Focussed Interventions",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "<li>Implement family focussed interventions</li>" in text


def test_a_level_not_offered_is_hidden_from_the_public_pages(
    catalogue: None, client: FlaskClient
) -> None:
    level(6).is_active = False
    db.session.commit()

    assert "Level 6:" not in page_html(client.get("/accreditation"))
    assert "Level 6:" not in page_html(client.get("/courses/IFSS-CORE"))
    assert "Level 3: Implementing IFSS" in page_html(client.get("/courses/IFSS-CORE"))


def test_new_level_linked_to_a_course_appears_on_its_page(
    catalogue: None, client: FlaskClient
) -> None:
    admin_client(client)
    ffi_id = db.session.execute(select(Course.id).where(Course.code == "FFI-3DAY")).scalar_one()

    response = client.post("/admin/levels/new", data=level_form(course_ids=str(ffi_id)))

    assert response.status_code == 302
    text = page_html(client.get("/courses/FFI-3DAY"))
    assert "Level 5: Supervising IFSS Practice" in text
    # The administrator is also told the outcome has no Welsh yet (trainhub.bilingual).
    assert f"<li>{LEVEL_5_OUTCOMES[0]} <strong" in text


def test_duplicate_level_number_in_the_form_is_a_400_on_the_number_field(
    catalogue: None, client: FlaskClient
) -> None:
    admin_client(client)

    response = client.post("/admin/levels/new", data=level_form(number="6"))

    assert response.status_code == 400
    assert '<a href="#number">There is already a level with this number</a>' in page_html(response)
    assert 'id="number-error"' in page_html(response)
    assert level_numbers() == [2, 3, 6]


@pytest.mark.parametrize("outcomes", ["", "   \n  \n"])
def test_level_form_without_outcomes_is_refused(
    catalogue: None, client: FlaskClient, outcomes: str
) -> None:
    admin_client(client)

    response = client.post("/admin/levels/new", data=level_form(outcomes=outcomes))

    assert response.status_code == 400
    assert '<a href="#outcomes">Enter at least one learning outcome</a>' in page_html(response)
    assert level_numbers() == [2, 3, 6]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"number": "13"}, "number", "The level number must be between 1 and 12"),
        ({"number": ""}, "number", "Enter the level number, like 5"),
        ({"title": ""}, "title", "Enter the level"),
    ],
)
def test_level_form_checks_number_and_title(
    catalogue: None, client: FlaskClient, overrides: dict[str, str], field: str, message: str
) -> None:
    admin_client(client)

    response = client.post("/admin/levels/new", data=level_form(**overrides))

    assert response.status_code == 400
    assert f'<a href="#{field}">{message}' in page_html(response)
    assert level_numbers() == [2, 3, 6]


def test_edit_form_shows_the_outcomes_one_per_line(catalogue: None, client: FlaskClient) -> None:
    admin_client(client)

    text = page_html(client.get(f"/admin/levels/{level(2).id}"))

    expected = "\n".join(o.text for o in level(2).outcomes)
    assert str(escape(expected)) in text
    assert 'value="2"' in text


def test_editing_a_level_through_the_form_keeps_outcome_ids(
    catalogue: None, client: FlaskClient
) -> None:
    admin_client(client)
    current = level(3)
    original = ids_by_text(current)
    core_id = current.courses[0].id
    texts = [o.text for o in current.outcomes]
    new_texts = [texts[1], texts[0], *texts[2:5], "Work with partner agencies."]

    response = client.post(
        f"/admin/levels/{current.id}",
        data=level_form(
            number="3",
            title="Implementing IFSS",
            outcomes="\r\n".join(new_texts),
            course_ids=str(core_id),
        ),
    )

    assert response.status_code == 302
    after = level(3)
    assert [o.text for o in after.outcomes] == new_texts
    kept = ids_by_text(after)
    assert all(kept[text] == original[text] for text in texts[:5])
    assert texts[5] not in kept
    assert [c.code for c in after.courses] == ["IFSS-CORE"]


def test_edit_refused_for_a_duplicate_number_changes_nothing(
    catalogue: None, client: FlaskClient
) -> None:
    admin_client(client)
    before = outcome_rows()

    response = client.post(
        f"/admin/levels/{level(6).id}",
        data=level_form(number="3", outcomes="Something else entirely"),
    )

    assert response.status_code == 400
    assert outcome_rows() == before
    assert level(6).title == "Managing the Delivery of Family Focussed Interventions"


def test_unknown_level_is_404(catalogue: None, client: FlaskClient) -> None:
    admin_client(client)

    assert client.get("/admin/levels/999999").status_code == 404


@pytest.mark.parametrize("roles", [["trainer"], ["assessor"], ["manager"]])
def test_non_admin_is_refused_the_level_pages(
    catalogue: None, client: FlaskClient, roles: list[str]
) -> None:
    person = make_user(roles=roles)
    db.session.commit()
    login(client, person)

    assert client.get("/admin/levels").status_code == 403
    assert client.post("/admin/levels/new", data=level_form()).status_code == 403
    assert level_numbers() == [2, 3, 6]


def test_admin_level_list_shows_each_level_with_its_outcome_count(
    catalogue: None, client: FlaskClient
) -> None:
    admin_client(client)

    text = page_html(client.get("/admin/levels"))

    counts = re.findall(r'govuk-table__cell--numeric">(\d+)</td>', text)
    assert counts == ["3", "6", "4"]
    assert f'href="/admin/levels/{level(3).id}">Implementing IFSS</a>' in text


def test_level_title_is_escaped_on_the_course_page(catalogue: None, client: FlaskClient) -> None:
    core_id = db.session.execute(select(Course.id).where(Course.code == "IFSS-CORE")).scalar_one()
    save_level(
        make_user(roles=["admin"]),
        None,
        LevelInput(5, "<script>alert(1)</script>", ["<b>Bold</b> outcome"], course_ids={core_id}),
    )
    db.session.commit()

    text = page_html(client.get("/courses/IFSS-CORE"))

    assert "<script>alert(1)</script>" not in text
    assert str(escape("Level 5: <script>alert(1)</script>")) in text
    assert str(escape("<b>Bold</b> outcome")) in text


def test_accreditation_page_runs_a_constant_number_of_queries(
    catalogue: None, client: FlaskClient, count_queries: QueryCounter
) -> None:
    client.get("/accreditation")  # warm up
    start = count_queries.count
    client.get("/accreditation")
    small = count_queries.count - start

    actor = make_user(roles=["admin"])
    for number in (1, 4, 5, 7, 8):
        save_level(actor, None, LevelInput(number, f"Level {number}", ["One", "Two", "Three"]))
    db.session.commit()
    start = count_queries.count
    response = client.get("/accreditation")
    large = count_queries.count - start

    assert "Level 8: Level 8" in page_html(response)
    assert large == small


def test_rewording_an_outcome_in_place_keeps_its_id(catalogue: None) -> None:
    """A typo fixed is the same outcome: its sign-offs must stay attached."""
    original = [o.id for o in level(2).outcomes]
    outcomes = [o.text for o in level(2).outcomes]
    outcomes[1] = outcomes[1].replace("communication", "communications")

    save_level(make_user(roles=["admin"]), level(2), level_input(level(2), outcomes=outcomes))
    db.session.commit()

    assert [o.id for o in level(2).outcomes] == original
    assert [o.text for o in level(2).outcomes] == outcomes


def test_service_refuses_a_blank_title_and_a_level_out_of_range(catalogue: None) -> None:
    actor = make_user(roles=["admin"])
    with pytest.raises(ValidationFailed) as error:
        save_level(actor, level(2), level_input(level(2), title="   "))
    assert error.value.field == "title"
    with pytest.raises(ValidationFailed) as error:
        save_level(actor, None, level_input(level(2), number=40, outcomes=["One."]))
    assert error.value.field == "number"
