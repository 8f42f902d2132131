"""Subject access: the ZIP's contents and shape, its fixed number of queries, the audit."""

from __future__ import annotations

import io
import json
import zipfile

from flask import Flask
from sqlalchemy import select

from tests.factories import make_user
from tests.helpers import QueryCounter
from tests.privacy.helpers import with_history
from trainhub.audit import AuditEvent
from trainhub.extensions import db
from trainhub.feedback.models import TEXT, FeedbackRequest
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.services.responses import submit_response
from trainhub.privacy.services.export import KINDS, export_person
from trainhub.storage import storage


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _json(archive: zipfile.ZipFile, kind: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(archive.read(f"{kind}.json"))
    return rows


def test_the_zip_holds_one_json_file_a_kind_their_files_and_an_index(catalogue: None) -> None:
    person = with_history(2)
    made = export_person(person.user, person.user)
    archive = _open(made.data)
    names = set(archive.namelist())
    assert {f"{kind}.json" for kind in KINDS} | {"index.html"} <= names
    assert made.filename.startswith(f"trainhub-data-{person.user.id}-")

    [profile] = _json(archive, "profile")
    assert profile["email"] == person.user.email
    assert profile["full_name"] == person.user.full_name
    assert profile["job_title"] == "Family support worker"
    assert profile["roles"] == ["learner"]
    assert len(_json(archive, "bookings")) == 2
    assert {row["to_status"] for row in _json(archive, "booking_history")} == {"booked"}
    assert len(_json(archive, "attendance")) == 2
    assert [row["course_code"] for row in _json(archive, "completions")] == ["IFSS-CORE"]
    [application] = _json(archive, "applications")
    assert application["status"] == "achieved"
    assert [wb["filename"] for wb in application["workbooks"]] == ["Level 2 workbook.pdf"]  # type: ignore[index]
    judgements = _json(archive, "judgements")
    assert judgements and all(row["met"] is True for row in judgements)
    assert {row["to_status"] for row in _json(archive, "application_history")} >= {"achieved"}
    assert len(_json(archive, "cpd_lines")) >= 2  # the award and the core
    assert len(_json(archive, "cpd_activities")) == 2
    assert {row["status"] for row in _json(archive, "certificates")} == {"valid"}
    assert len(_json(archive, "feedback_requests")) == 2
    assert [row["action"] for row in _json(archive, "audit")] == ["test.action"]

    # Their uploaded files, byte for byte, through the storage.
    files = sorted(name for name in names if name.startswith("files/"))
    assert len(files) == 3
    workbook = next(name for name in files if name.startswith("files/workbooks/"))
    [key] = [wb.storage_key for wb in person.awarded.workbooks]
    assert archive.read(workbook) == storage().load(key)

    index = archive.read("index.html").decode()
    assert '<html lang="en">' in index
    assert "bookings.json" in index and workbook in index
    assert person.user.full_name in index


def test_never_the_anonymous_feedback_answers(catalogue: None) -> None:
    person = with_history(1)
    questionnaire = current_questionnaire()
    answers: dict[str, int | str | None] = {
        item.key: "A SECRET COMMENT" if item.kind == TEXT else 4 for item in questionnaire.items
    }
    [request] = db.session.execute(
        select(FeedbackRequest).where(FeedbackRequest.user_id == person.user.id)
    ).scalars()
    submit_response(person.user, request, questionnaire, answers, False)
    archive = _open(export_person(person.user, person.user).data)
    everything = " ".join(archive.read(name).decode(errors="ignore") for name in archive.namelist())
    assert "A SECRET COMMENT" not in everything
    [asked] = _json(archive, "feedback_requests")
    assert asked["responded"] is True  # that they answered is theirs; what they said is not


def test_the_index_is_in_welsh_when_asked(catalogue: None) -> None:
    person = with_history(1)
    index = _open(export_person(person.user, person.user, "cy").data).read("index.html").decode()
    assert '<html lang="cy">' in index


def test_a_fixed_number_of_queries_whatever_the_history(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    small, large = with_history(1), with_history(4)
    counts = []
    for person in (small, large):
        db.session.flush()  # the previous copy's audit entry is not this one's statement
        db.session.expire_all()
        count_queries.statements.clear()
        export_person(person.user, person.user)
        counts.append(count_queries.count)
    assert counts[0] == counts[1]
    assert counts[0] <= 20


def test_both_kinds_are_audited_about_the_person(catalogue: None) -> None:
    person = with_history(1)
    admin = make_user(roles=["admin"])
    export_person(person.user, person.user)
    export_person(admin, person.user)
    db.session.flush()
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id).where(
            AuditEvent.subject_id == person.user.id
        )
    ).all()
    assert sorted(rows) == [
        ("privacy.own_data", person.user.id),
        ("privacy.subject_access", admin.id),
    ]
    # The next copy lists both.
    archive = _open(export_person(person.user, person.user).data)
    assert {row["action"] for row in _json(archive, "audit")} >= {
        "privacy.own_data",
        "privacy.subject_access",
    }
