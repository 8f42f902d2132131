"""Applying for a level (R22, R23), workbooks and submission: the services."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from flask import Flask
from sqlalchemy import update

from tests.accreditation.helpers import (
    EXE_BYTES,
    JAVASCRIPT_PDF_BYTES,
    PDF_BYTES,
    admin,
    application,
    assessor,
    complete,
    count,
    course,
    docx_bytes,
    events,
    judge_all,
    learner,
    level,
    odt_bytes,
    outbox,
    pdf,
    pdf_bytes,
    stored_files,
    submitted,
)
from tests.factories import make_user
from trainhub.accreditation.models import (
    ACHIEVED,
    IN_PROGRESS,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    WITHDRAWN,
    Application,
    ApplicationEvent,
    Workbook,
)
from trainhub.accreditation.services import LevelInput, save_level
from trainhub.accreditation.services.applications import (
    recommended_level,
    start_application,
    submit_application,
    upload_workbook,
    withdraw_application,
)
from trainhub.accreditation.services.assessment import claim_application, decide_application
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.storage import storage
from trainhub.uploads import DOCX, ODT, PDF, FileTooLarge, Upload

CORE_TITLE = "IFSS Family Focussed Intervention \u2013 Core training 4-day Training Programme"


# Eligibility and applying (R22) ---------------------------------------------------------


def test_level_6_without_the_core_is_refused_naming_the_core(catalogue: None) -> None:
    person = learner()

    with pytest.raises(ValidationFailed) as refused:
        start_application(person, level(6))

    assert refused.value.field == "level_id"
    assert refused.value.message == f"Level 6 needs {CORE_TITLE} completed first"
    assert count(Application) == 0
    assert count(ApplicationEvent) == 0


def test_level_2_needs_no_course(catalogue: None) -> None:
    person = learner()

    started = start_application(person, level(2))
    db.session.commit()

    assert started.status == IN_PROGRESS
    assert started.clock_started_on is None
    assert events(started) == [("started", person.id, None, IN_PROGRESS)]


def test_level_3_opens_with_the_core(catalogue: None) -> None:
    person = learner(core_on=dt.date(2024, 5, 17))

    started = start_application(person, level(3))

    assert started.status == IN_PROGRESS
    assert started.clock_started_on is None  # Level 3 has no clock
    assert count(Application, Application.user_id == person.id) == 1


def test_level_6_records_the_core_completion_as_the_start_of_its_clock(catalogue: None) -> None:
    person = learner(core_on=dt.date(2024, 5, 17), ifst_member=True)

    started = start_application(person, level(6))
    db.session.commit()

    db.session.expire_all()
    assert started.clock_started_on == dt.date(2024, 5, 17)


def test_an_equivalent_course_declared_by_an_admin_opens_the_level(catalogue: None) -> None:
    three = level(3)
    save_level(
        admin(),
        three,
        LevelInput(
            number=3,
            title=three.title,
            outcomes=[o.text for o in three.outcomes],
            accrediting_body=three.accrediting_body,
            course_ids={c.id for c in three.courses},
            entry_course_ids={course("IFSS-CORE").id, course("FFI-3DAY").id},
        ),
    )
    person = learner()
    complete(person, "FFI-3DAY", dt.date(2024, 2, 1))

    with pytest.raises(ValidationFailed) as refused:
        start_application(person, level(6))  # the equivalent was declared for Level 3 only
    started = start_application(person, level(3))

    assert "needs" in refused.value.message
    assert started.level.number == 3
    assert started.status == IN_PROGRESS


def test_with_two_entry_courses_missing_the_refusal_names_both(catalogue: None) -> None:
    three = level(3)
    three.entry_courses = [course("IFSS-CORE"), course("FFI-3DAY")]
    db.session.flush()

    with pytest.raises(ValidationFailed) as refused:
        start_application(learner(), three)

    assert CORE_TITLE in refused.value.message
    assert "Family Focused Interventions 3-day Training Module" in refused.value.message


def test_one_open_application_at_a_time(catalogue: None) -> None:
    person = learner(core_on=dt.date(2024, 5, 17))
    first = start_application(person, level(2))
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        start_application(person, level(3))

    assert refused.value.field == "level_id"
    assert refused.value.message.startswith("You already have an application for Level 2")
    assert count(Application, Application.user_id == person.id) == 1

    withdraw_application(person, first, "Going for Level 3 instead")
    second = start_application(person, level(3))
    assert first.status == WITHDRAWN
    assert second.status == IN_PROGRESS


def test_a_level_already_held_is_refused(catalogue: None) -> None:
    person = learner()
    db.session.add(Application(user=person, level=level(2), status=ACHIEVED))
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        start_application(person, level(2))

    assert refused.value.field == "level_id"
    assert refused.value.message == "You already hold Level 2"
    assert count(Application, Application.user_id == person.id) == 1


def test_a_level_not_offered_is_refused(catalogue: None) -> None:
    person = learner(core_on=dt.date(2024, 5, 17))
    level(6).is_active = False
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        start_application(person, level(6))

    assert refused.value.field == "level_id"
    assert refused.value.message == "Level 6 is not open for applications"
    assert count(Application) == 0


# The recommended level (R23) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("ifst", "family_support", "expected"),
    [(True, False, 6), (True, True, 6), (False, True, 3), (False, False, 2)],
)
def test_recommended_level_follows_the_role(
    catalogue: None, ifst: bool, family_support: bool, expected: int
) -> None:
    person = learner(ifst_member=ifst, supplies_family_support=family_support)

    recommended = recommended_level(person, [level(2), level(3), level(6)])

    assert recommended is not None
    assert recommended.number == expected


def test_recommendation_falls_back_to_the_nearest_level_offered(catalogue: None) -> None:
    levels = [level(2), level(3), level(6)]
    ifst = learner(ifst_member=True)
    other = learner()

    level(6).is_active = False
    fallback = recommended_level(ifst, levels)
    level(2).is_active = False
    lowest = recommended_level(other, levels)
    level(3).is_active = False

    assert fallback is not None and fallback.number == 3
    assert lowest is not None and lowest.number == 3
    assert recommended_level(other, levels) is None


# Workbooks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "anonymised", "field", "message"),
    [
        pytest.param(
            Upload("workbook.pdf", EXE_BYTES),
            True,
            "file",
            "The selected file must be a DOCX, ODT, PDF",
            id="exe-renamed-pdf",
        ),
        pytest.param(
            Upload("workbook.pdf", b""), True, "file", "The selected file is empty", id="empty"
        ),
        pytest.param(None, True, "file", "Choose a file to upload", id="no-file"),
        pytest.param(
            Upload("workbook.pdf", JAVASCRIPT_PDF_BYTES),
            True,
            "file",
            "This PDF contains JavaScript, which cannot be accepted. Print it to a new PDF "
            "(for example with Microsoft Print to PDF) and upload that.",
            id="javascript-in-pdf",
        ),
        pytest.param(
            Upload("workbook.pdf", PDF_BYTES),
            False,
            "anonymised",
            "Confirm that the case material in the workbook is anonymised",
            id="not-anonymised",
        ),
    ],
)
def test_a_refused_workbook_leaves_no_row_and_no_file(
    catalogue: None, upload: Upload | None, anonymised: bool, field: str, message: str
) -> None:
    started = application(3)
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        upload_workbook(started.user, started, upload, anonymised)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert count(Workbook) == 0
    assert count(ApplicationEvent, ApplicationEvent.kind == "workbook_uploaded") == 0
    assert stored_files() == []


def test_a_workbook_over_the_size_limit_is_too_large_and_not_stored(
    app: Flask, catalogue: None
) -> None:
    app.config["UPLOAD_MAX_BYTES"] = 64
    started = application(3)
    db.session.commit()

    with pytest.raises(FileTooLarge) as refused:
        upload_workbook(started.user, started, pdf(data=PDF_BYTES + b" " * 64), anonymised=True)

    assert refused.value.field == "file"
    assert refused.value.message.startswith("The selected file must be smaller than")
    assert count(Workbook) == 0
    assert stored_files() == []


@pytest.mark.parametrize(
    ("name", "data", "content_type", "saved_as"),
    [
        ("Workbook.pdf", PDF_BYTES, PDF, "Workbook.pdf"),
        ("Workbook.docx", docx_bytes(), DOCX, "Workbook.docx"),
        ("Workbook.odt", odt_bytes(), ODT, "Workbook.odt"),
        # The type comes from the content, and the saved name ends in the real extension.
        ("Workbook.txt", PDF_BYTES, PDF, "Workbook.pdf"),
    ],
)
def test_pdf_docx_and_odt_workbooks_are_accepted_by_their_content(
    catalogue: None, name: str, data: bytes, content_type: str, saved_as: str
) -> None:
    started = application(3)

    workbook = upload_workbook(started.user, started, Upload(name, data), anonymised=True)
    db.session.commit()

    assert workbook.version == 1
    assert workbook.content_type == content_type
    assert workbook.filename == saved_as
    assert workbook.size == len(data)
    assert workbook.sha256 == hashlib.sha256(data).hexdigest()
    assert workbook.anonymised_confirmed is True
    assert workbook.uploaded_by_id == started.user_id
    assert storage().load(workbook.storage_key) == data
    assert len(stored_files()) == 1


def test_every_upload_is_a_new_version_and_none_is_overwritten(catalogue: None) -> None:
    started = application(3)
    first, second = PDF_BYTES, pdf_bytes("second draft")

    uploaded = [
        upload_workbook(started.user, started, pdf("draft.pdf", data), anonymised=True)
        for data in (first, second, first)
    ]
    db.session.commit()

    db.session.expire_all()
    assert [w.version for w in started.workbooks] == [1, 2, 3]
    assert [storage().load(w.storage_key) for w in uploaded] == [first, second, first]
    assert uploaded[0].storage_key == uploaded[2].storage_key  # the same bytes, kept once
    assert len(stored_files()) == 2
    assert [e[0] for e in events(started)].count("workbook_uploaded") == 3


@pytest.mark.parametrize(
    ("sent", "saved"),
    [
        ("Llyfr gwaith Siân ŵŷ (drafft).pdf", "Llyfr gwaith Siân ŵŷ (drafft).pdf"),
        ("workbook<script>.pdf", "workbook_script.pdf"),
        ("  ..hidden.pdf", "hidden.pdf"),
        ("report.pdf.exe", "report_pdf.pdf"),
        ("file\r\nX-Injected: yes.pdf", "file_X-Injected_ yes.pdf"),
        (".pdf", "file.pdf"),
    ],
)
def test_the_file_name_is_cleaned_keeping_welsh_letters(
    catalogue: None, sent: str, saved: str
) -> None:
    started = application(3)

    workbook = upload_workbook(started.user, started, pdf(sent), anonymised=True)

    assert workbook.filename == saved


@pytest.mark.parametrize("roles", [["learner"], ["assessor"], ["admin"]])
def test_only_the_learner_can_upload_a_workbook(catalogue: None, roles: list[str]) -> None:
    started = application(3)
    db.session.commit()

    with pytest.raises(PermissionDenied):
        upload_workbook(make_user(roles=roles), started, pdf(), anonymised=True)

    assert count(Workbook) == 0
    assert stored_files() == []


def test_no_workbook_can_be_added_once_submitted(catalogue: None) -> None:
    sent = submitted(3)
    db.session.commit()
    files = stored_files()

    with pytest.raises(ValidationFailed) as refused:
        upload_workbook(sent.user, sent, pdf(data=pdf_bytes("late")), anonymised=True)

    assert refused.value.field == "file"
    assert count(Workbook) == 1
    assert stored_files() == files


def test_the_status_is_checked_again_under_the_lock(catalogue: None) -> None:
    """A submit that lands between the first check and the row lock still wins."""
    started = application(3)
    db.session.commit()
    db.session.execute(
        update(Application)
        .where(Application.id == started.id)
        .values(status=SUBMITTED)
        .execution_options(synchronize_session=False)
    )
    assert started.status == IN_PROGRESS  # what this session still believes

    with pytest.raises(ValidationFailed) as refused:
        upload_workbook(started.user, started, pdf(), anonymised=True)

    assert refused.value.field == "file"
    assert count(Workbook) == 0
    assert stored_files() == []


# Submission ------------------------------------------------------------------------------


def test_submitting_needs_a_workbook(catalogue: None) -> None:
    started = application(3)
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        submit_application(started.user, started)

    assert (refused.value.field, refused.value.message) == (
        "submit",
        "Upload your workbook before you submit",
    )
    assert started.status == IN_PROGRESS
    assert started.submitted_at is None
    assert outbox() == []


def test_submitting_tells_the_learner_and_every_other_assessor(catalogue: None) -> None:
    first, second = assessor(), assessor()
    make_user(roles=["assessor"], active=False)
    # A learner who is also an assessor is not asked to assess their own workbook.
    person = make_user(roles=["learner", "assessor"])
    complete(person, "IFSS-CORE", dt.date(2024, 5, 17))
    started = application(3, person)
    upload_workbook(person, started, pdf(), anonymised=True)

    submit_application(person, started)
    db.session.commit()

    assert started.status == SUBMITTED
    assert started.submitted_at is not None
    assert events(started)[-1] == ("submitted", person.id, IN_PROGRESS, SUBMITTED)
    received = outbox(person)
    assert [m.subject for m in received] == ["Workbook received: Level 3"]
    assert [m.subject for m in outbox(first)] == ["A workbook to assess: Level 3"]
    assert [m.subject for m in outbox(second)] == ["A workbook to assess: Level 3"]
    assert len(outbox()) == 3


def test_only_the_learner_submits_and_only_once(catalogue: None) -> None:
    started = application(3)
    upload_workbook(started.user, started, pdf(), anonymised=True)
    db.session.commit()

    with pytest.raises(PermissionDenied):
        submit_application(admin(), started)
    assert started.status == IN_PROGRESS

    submit_application(started.user, started)
    with pytest.raises(ValidationFailed) as refused:
        submit_application(started.user, started)
    assert refused.value.message == "This application has already been submitted"
    assert [e[0] for e in events(started)].count("submitted") == 1


def test_after_a_resubmission_request_a_new_version_is_needed(catalogue: None) -> None:
    sent = submitted(3)
    marker = assessor()
    claim_application(marker, sent)
    judge_all(marker, sent, not_met=(4,))
    decide_application(marker, sent, achieved=False, note="Outcome 4 needs a case example")
    db.session.commit()
    assert sent.status == RESUBMISSION_REQUESTED

    with pytest.raises(ValidationFailed) as refused:
        submit_application(sent.user, sent)
    assert (refused.value.field, refused.value.message) == (
        "submit",
        "Upload a new version of your workbook before you submit it again",
    )
    assert sent.status == RESUBMISSION_REQUESTED

    upload_workbook(sent.user, sent, pdf(data=pdf_bytes("v2")), anonymised=True)
    submit_application(sent.user, sent)
    db.session.commit()

    assert sent.status == SUBMITTED
    assert [w.version for w in sent.workbooks] == [1, 2]
    assert events(sent)[-1] == ("submitted", sent.user_id, RESUBMISSION_REQUESTED, SUBMITTED)
    # The assessor who asked for more is told it is back.
    assert [m.subject for m in outbox(marker)][-1] == "A workbook to assess: Level 3"


# Withdrawal ------------------------------------------------------------------------------


def test_the_learner_or_an_admin_withdraws_and_everything_is_kept(catalogue: None) -> None:
    mine, theirs = application(3), application(3)
    db.session.commit()

    with pytest.raises(PermissionDenied):
        withdraw_application(theirs.user, mine, "Not mine")
    withdraw_application(mine.user, mine, "  Moving   job ")
    withdraw_application(admin(), theirs, "Left the service")
    db.session.commit()

    assert (mine.status, theirs.status) == (WITHDRAWN, WITHDRAWN)
    assert mine.closed_at is not None
    assert events(mine)[-1] == ("withdrawn", mine.user_id, IN_PROGRESS, WITHDRAWN)
    assert mine.events[-1].note == "Moving job"
    with pytest.raises(ValidationFailed):
        withdraw_application(mine.user, mine, "Again")
    assert count(Application) == 2
