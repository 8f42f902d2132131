"""Register interest in a course without dates (issue 21, "Register interest")."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from tests.courses.cohort_helpers import learner, manager, outbox, trainer
from tests.factories import make_cohort, make_course, make_organisation, make_user
from tests.helpers import QueryCounter, banners, field_error, follow, login, page
from trainhub.courses.models import CourseInterest
from trainhub.courses.services.interest import demand, register_interest, tell_interested
from trainhub.courses.services.scheduling import publish_cohort
from trainhub.errors import ValidationFailed
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def test_publishing_tells_matching_learners_once() -> None:
    course = make_course(title="Motivational interviewing")
    english = learner(full_name="Eira English")
    welsh = learner(full_name="Gwen Welsh", preferred_language="cy")
    either = learner(full_name="Ifan Either")
    register_interest(english, course, "cardiff", "en")
    register_interest(welsh, course, None, "cy")
    register_interest(either, course, "gwynedd", None)
    lead = trainer()
    first = make_cohort(course, status="draft", facilitators=[lead], title="Spring MI")

    publish_cohort(lead, first)

    assert [m.subject for m in outbox(english)] == ["New dates: Motivational interviewing"]
    assert outbox(welsh) == []  # an English cohort does not suit a Welsh-language request
    assert len(outbox(either)) == 1
    assert "Spring MI" in outbox(english)[0].body
    told = db.session.execute(
        db.select(CourseInterest).where(CourseInterest.user_id == english.id)
    ).scalar_one()
    assert told.told_at is not None and told.told_cohort_id == first.id
    # The next cohort tells only those not told yet: here the Welsh speaker (bilingual).
    second = make_cohort(course, status="draft", facilitators=[lead], delivery_language="bilingual")
    publish_cohort(lead, second)
    assert len(outbox(english)) == 1 and len(outbox(either)) == 1
    assert len(outbox(welsh)) == 1


def test_asking_again_changes_the_open_interest_and_after_being_told_adds_one() -> None:
    course = make_course()
    person = learner()
    first = register_interest(person, course, "cardiff", None)
    again = register_interest(person, course, "swansea", "cy")
    assert again.id == first.id and again.local_authority == "swansea"
    tell_interested(make_cohort(course, delivery_language="cy"))
    later = register_interest(person, course, None, None)
    assert later.id != first.id


def test_a_partner_cohort_tells_nobody() -> None:
    course = make_course()
    person = learner()
    register_interest(person, course, None, None)
    closed = make_cohort(course, partner_organisation_id=make_organisation().id)
    assert tell_interested(closed) == 0
    assert outbox(person) == []


def test_bad_choices_are_refused_on_their_field() -> None:
    course = make_course()
    with pytest.raises(ValidationFailed) as refused:
        register_interest(learner(), course, "atlantis", None)
    assert refused.value.field == "local_authority"
    with pytest.raises(ValidationFailed) as refused:
        register_interest(learner(), course, None, "fr")
    assert refused.value.field == "language"
    assert db.session.execute(db.select(CourseInterest)).first() is None


def test_demand_counts_everyone_and_names_only_those_the_reader_may_see() -> None:
    course = make_course(title="Core practice")
    organisation = make_organisation()
    mine = learner(full_name="Anna Mine", organisation_id=organisation.id)
    theirs = learner(full_name="Bryn Theirs", organisation_id=make_organisation().id)
    register_interest(mine, course, "cardiff", "cy")
    register_interest(theirs, course, "cardiff", None)
    register_interest(learner(), course, None, "en")
    reader = manager(organisation_id=organisation.id)

    rows = demand(reader)

    assert [(r.area_label, r.total, r.english, r.welsh, r.either) for r in rows] == [
        ("Cardiff", 2, 0, 1, 1),
        ("Anywhere", 1, 1, 0, 0),
    ]
    assert rows[0].names == ["Anna Mine"]
    assert [r.names for r in demand(trainer())] == [[], []]


def test_a_learner_registers_lists_and_withdraws(client: FlaskClient) -> None:
    course = make_course(title="Parenting together")
    person = learner(full_name="Lowri Learner")
    db.session.commit()
    login(client, person)
    assert "Tell me when there are dates" in page(client.get(f"/courses/{course.code}"))

    response = client.post(
        f"/courses/{course.code}/interest", data={"local_authority": "powys", "language": "cy"}
    )

    assert response.headers["Location"] == "/interests"
    text = follow(client, response)
    assert banners(text) == [("success", "We will e-mail you when “Parenting together” has dates.")]
    assert "Powys" in text and "Waiting for dates" in text
    [interest] = db.session.execute(db.select(CourseInterest)).scalars()
    done = client.post(f"/interests/{interest.id}/withdraw")
    assert done.headers["Location"] == "/interests"
    assert "You have not asked to hear about any course" in follow(client, done)
    assert db.session.execute(db.select(CourseInterest)).first() is None


def test_a_bad_area_is_an_error_on_the_field(client: FlaskClient) -> None:
    course = make_course()
    db.session.commit()
    login(client, learner())
    response = client.post(f"/courses/{course.code}/interest", data={"local_authority": "mars"})
    assert response.status_code == 400
    assert field_error(page(response), "local_authority") == "Not a valid choice."
    assert db.session.execute(db.select(CourseInterest)).first() is None


def test_someone_elses_interest_cannot_be_withdrawn(client: FlaskClient) -> None:
    course = make_course()
    owner = learner()
    interest = register_interest(owner, course, None, None)
    db.session.commit()
    login(client, learner())
    assert client.post(f"/interests/{interest.id}/withdraw").status_code == 403
    assert db.session.get(CourseInterest, interest.id) is not None


def test_the_demand_csv_escapes_formulas(client: FlaskClient) -> None:
    course = make_course(title="=HYPERLINK(1)")
    register_interest(learner(), course, "cardiff", "en")
    db.session.commit()
    login(client, trainer())
    response = client.get("/demand.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Course code",
        "Course",
        "Area",
        "Interested",
        "English",
        "Welsh",
        "English or Welsh",
    ]
    assert rows[1][1:] == ["'=HYPERLINK(1)", "Cardiff", "1", "1", "0", "0"]


@pytest.mark.parametrize("page_path", ["/demand", "/interests"])
def test_the_lists_read_a_fixed_number_of_statements(
    client: FlaskClient, count_queries: QueryCounter, page_path: str
) -> None:
    reader = make_user(roles=["manager", "learner"])
    found = []
    for n in (1, 5):
        for _ in range(n):
            course = make_course()
            register_interest(reader, course, "cardiff", None)
            register_interest(learner(), course, None, "cy")
        db.session.commit()
        login(client, reader)
        client.get(page_path)
        before = count_queries.count
        assert client.get(page_path).status_code == 200
        found.append(count_queries.count - before)
    assert found[0] == found[1]


def test_erasing_a_person_deletes_their_interests() -> None:
    from trainhub.privacy.services.erasure import erase_person

    person = learner()
    register_interest(person, make_course(), "cardiff", None)
    erase_person(make_user(roles=["admin"]), person, "Asked to be forgotten")
    assert db.session.execute(db.select(CourseInterest)).first() is None
