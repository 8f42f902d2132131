"""The learner's accreditation pages: applying (R22, R23), workbooks (R48), submitting,
withdrawing, who may read an application, and the managers' clock list (R24, R30)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask

from tests.accreditation.helpers import (
    EXE_BYTES,
    JAVASCRIPT_PDF_BYTES,
    PDF_BYTES,
    application,
    assessor,
    count,
    judge_all,
    learner,
    level,
    outbox,
    pdf,
    pdf_bytes,
    stored_files,
    submitted,
)
from tests.accreditation.view_helpers import (
    as_user,
    banners,
    field_error,
    follow,
    page,
    post_file,
    summary_errors,
)
from tests.factories import make_organisation, make_user
from tests.helpers import QueryCounter
from trainhub.accreditation.models import (
    IN_PROGRESS,
    SUBMITTED,
    WITHDRAWN,
    Application,
    ApplicationEvent,
    Workbook,
)
from trainhub.accreditation.services.applications import upload_workbook
from trainhub.accreditation.services.assessment import claim_application, decide_application
from trainhub.accreditation.services.dates import add_months
from trainhub.courses.models import local_today
from trainhub.extensions import db

CORE_TITLE = "IFSS Family Focussed Intervention \u2013 Core training 4-day Training Programme"
MONTH_AGO = local_today() - dt.timedelta(days=30)


def upload_url(app_: Application) -> str:
    return f"/applications/{app_.id}/workbooks/new"


# My accreditation and applying (R22, R23) -------------------------------------------------


def test_the_apply_form_recommends_and_preselects_level_6_for_an_ifst_member(
    app: Flask, catalogue: None
) -> None:
    person = learner(ifst_member=True)

    response = as_user(app, person).get("/my/accreditation/apply")

    assert response.status_code == 200
    text = page(response)
    assert (
        "Level 6: Managing the Delivery of Family Focussed Interventions (recommended for you)"
        in text
    )
    assert f'value="{level(6).id}" checked' in text


def test_a_level_6_application_without_the_core_is_refused_naming_the_course(
    app: Flask, catalogue: None
) -> None:
    person = learner(ifst_member=True)

    response = as_user(app, person).post("/my/accreditation/apply", data={"level_id": level(6).id})

    assert response.status_code == 400
    message = f"Level 6 needs {CORE_TITLE} completed first"
    assert field_error(page(response), "level_id") == message
    assert message in summary_errors(page(response))
    assert count(Application) == 0


def test_applying_with_the_core_starts_the_application(app: Flask, catalogue: None) -> None:
    person = learner(core_on=MONTH_AGO)
    client = as_user(app, person)

    response = client.post("/my/accreditation/apply", data={"level_id": level(3).id})

    started = db.session.execute(db.select(Application)).scalar_one()
    assert response.headers["Location"] == f"/applications/{started.id}"
    assert ("success", "Your application for Level 3 has started.") in banners(
        follow(client, response)
    )
    assert (started.user_id, started.level_id, started.status) == (
        person.id,
        level(3).id,
        IN_PROGRESS,
    )


def test_a_second_open_application_is_refused(app: Flask, catalogue: None) -> None:
    current = application(3)

    response = as_user(app, current.user).post(
        "/my/accreditation/apply", data={"level_id": level(2).id}
    )

    assert response.status_code == 400
    assert field_error(page(response), "level_id") == (
        "You already have an application for Level 3: finish or withdraw it before you apply "
        "for another level"
    )
    assert count(Application) == 1


# Workbooks: uploads and what is refused (R48) ---------------------------------------------


def test_uploading_a_workbook_stores_a_new_version(app: Flask, catalogue: None) -> None:
    current = application(3)
    client = as_user(app, current.user)

    response = post_file(
        client, upload_url(current), "file", "My workbook.pdf", PDF_BYTES, anonymised="y"
    )

    assert response.headers["Location"] == f"/applications/{current.id}"
    assert ("success", "Version 1 of your workbook is uploaded.") in banners(
        follow(client, response)
    )
    workbook = db.session.execute(db.select(Workbook)).scalar_one()
    assert (workbook.version, workbook.filename, workbook.anonymised_confirmed) == (
        1,
        "My workbook.pdf",
        True,
    )
    assert [p.name for p in stored_files()] == [workbook.storage_key]


BAD_UPLOADS = [
    pytest.param(
        "workbook.pdf",
        EXE_BYTES,
        "y",
        "file",
        "The selected file must be a DOCX, ODT, PDF",
        id="exe-renamed-pdf",
    ),
    pytest.param("workbook.pdf", b"", "y", "file", "The selected file is empty", id="empty"),
    pytest.param(
        "workbook.pdf",
        JAVASCRIPT_PDF_BYTES,
        "y",
        "file",
        "This PDF contains JavaScript, which cannot be accepted. Print it to a new PDF "
        "(for example with Microsoft Print to PDF) and upload that.",
        id="javascript-in-pdf",
    ),
    pytest.param(None, b"", "y", "file", "Choose a file to upload", id="no-file"),
    pytest.param(
        "workbook.pdf",
        PDF_BYTES,
        None,
        "anonymised",
        "Confirm that the case material in the workbook is anonymised",
        id="not-confirmed-anonymised",
    ),
]


@pytest.mark.parametrize(("filename", "data", "anonymised", "field", "message"), BAD_UPLOADS)
def test_a_refused_workbook_is_explained_and_nothing_is_stored(
    app: Flask,
    catalogue: None,
    filename: str | None,
    data: bytes,
    anonymised: str | None,
    field: str,
    message: str,
) -> None:
    current = application(3)
    extra = {"anonymised": anonymised} if anonymised else {}

    response = post_file(
        as_user(app, current.user), upload_url(current), "file", filename, data, **extra
    )

    assert response.status_code == 400
    assert field_error(page(response), field) == message
    assert message in summary_errors(page(response))
    assert count(Workbook) == 0
    assert count(ApplicationEvent, ApplicationEvent.kind == "workbook_uploaded") == 0
    assert stored_files() == []


def test_a_workbook_over_the_limit_is_413_with_the_message_on_the_form(
    app: Flask, catalogue: None
) -> None:
    app.config["UPLOAD_MAX_BYTES"] = 200 * 1024
    current = application(3)

    response = post_file(
        as_user(app, current.user),
        upload_url(current),
        "file",
        "workbook.pdf",
        PDF_BYTES + b"0" * (200 * 1024),
        anonymised="y",
    )

    assert response.status_code == 413
    text = page(response)
    assert field_error(text, "file") == "The selected file must be smaller than 0.1 MB"
    assert "up to 0.1 MB" in text  # the hint says the limit before anyone tries
    assert 'type="file"' in text  # the form, not an error page
    assert count(Workbook) == 0
    assert stored_files() == []


def test_only_the_learner_can_upload_to_their_application(app: Flask, catalogue: None) -> None:
    current = application(3)
    someone = make_user(roles=["learner", "assessor", "admin"])

    response = post_file(
        as_user(app, someone), upload_url(current), "file", "w.pdf", PDF_BYTES, anonymised="y"
    )

    assert response.status_code == 403
    assert count(Workbook) == 0
    assert stored_files() == []


def test_a_workbook_downloads_for_the_learner_as_an_attachment(app: Flask, catalogue: None) -> None:
    current = application(3)
    upload_workbook(current.user, current, pdf("Gwaith ŵyr.pdf"), anonymised=True)

    response = as_user(app, current.user).get(f"/applications/{current.id}/workbooks/1")

    assert response.status_code == 200
    assert response.data == PDF_BYTES
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Gwaith%20%C5%B5yr.pdf" in response.headers["Content-Disposition"]


def test_the_assigned_assessor_and_admins_download_the_workbook(
    app: Flask, catalogue: None
) -> None:
    current = submitted(3)
    by = assessor()
    claim_application(by, current)
    url = f"/applications/{current.id}/workbooks/1"

    assert as_user(app, by).get(url).data == PDF_BYTES
    assert as_user(app, make_user(roles=["admin"])).get(url).data == PDF_BYTES


@pytest.mark.parametrize(
    "who",
    [
        "other learner",
        "unassigned assessor",
        "supervisor",
        "manager of the organisation",
        "trainer",
    ],
)
def test_a_forged_workbook_download_is_refused_and_reveals_nothing(
    app: Flask, catalogue: None, who: str
) -> None:
    organisation = make_organisation()
    supervisor = make_user(roles=["learner"])
    owner = learner(core_on=MONTH_AGO, supervisor=supervisor, organisation=organisation)
    current = submitted(3, owner)
    people = {
        "other learner": learner(core_on=MONTH_AGO),
        "unassigned assessor": assessor(),
        "supervisor": supervisor,
        "manager of the organisation": make_user(roles=["manager"], organisation=organisation),
        "trainer": make_user(roles=["trainer"]),
    }
    client = as_user(app, people[who])

    for version in (1, 2, 99):
        response = client.get(f"/applications/{current.id}/workbooks/{version}")
        assert response.status_code == 403, version
        assert "workbook.pdf" not in page(response)
        assert PDF_BYTES not in response.data


def test_a_missing_workbook_or_application_is_404(app: Flask, catalogue: None) -> None:
    current = submitted(3)
    client = as_user(app, current.user)

    assert client.get(f"/applications/{current.id}/workbooks/2").status_code == 404
    assert client.get(f"/applications/{current.id + 100}/workbooks/1").status_code == 404


# Submitting and withdrawing ---------------------------------------------------------------


def test_submitting_sends_the_workbook_to_the_assessors(app: Flask, catalogue: None) -> None:
    current = application(3)
    upload_workbook(current.user, current, pdf(), anonymised=True)
    waiting = assessor()
    client = as_user(app, current.user)

    response = client.post(f"/applications/{current.id}/submit")

    assert response.headers["Location"] == f"/applications/{current.id}"
    assert ("success", "Your workbook has been sent to the assessors.") in banners(
        follow(client, response)
    )
    db.session.refresh(current)
    assert current.status == SUBMITTED
    assert current.submitted_at is not None
    assert len(outbox(waiting)) == 1


def test_submitting_without_a_workbook_is_refused(app: Flask, catalogue: None) -> None:
    current = application(3)

    response = as_user(app, current.user).post(f"/applications/{current.id}/submit")

    assert response.status_code == 400
    assert "Upload your workbook before you submit" in summary_errors(page(response))
    db.session.refresh(current)
    assert current.status == IN_PROGRESS


def test_withdrawing_needs_a_reason_and_keeps_the_application(app: Flask, catalogue: None) -> None:
    current = submitted(3)
    client = as_user(app, current.user)
    url = f"/applications/{current.id}/withdraw"

    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 400
    assert field_error(page(refused), "reason") == "Enter the reason"

    response = client.post(url, data={"reason": "Changing jobs"})

    assert response.headers["Location"] == f"/applications/{current.id}"
    assert ("success", "The application has been withdrawn.") in banners(follow(client, response))
    db.session.refresh(current)
    assert current.status == WITHDRAWN
    assert count(Workbook) == 1


# Who reads an application -----------------------------------------------------------------


def test_the_supervisor_reads_the_application_without_the_workbook_link(
    app: Flask, catalogue: None
) -> None:
    supervisor = make_user(roles=["learner"], full_name="Sam Supervisor")
    current = submitted(3, learner(core_on=MONTH_AGO, supervisor=supervisor, full_name="Lee"))

    response = as_user(app, supervisor).get(f"/applications/{current.id}")

    assert response.status_code == 200
    text = page(response)
    assert "You can see this application because you supervise Lee" in text
    assert "/workbooks/1" not in text
    assert "Upload a workbook" not in text


def test_a_manager_of_another_organisation_cannot_read_the_application(
    app: Flask, catalogue: None
) -> None:
    current = submitted(3, learner(core_on=MONTH_AGO, organisation=make_organisation()))
    manager = make_user(roles=["manager"], organisation=make_organisation())

    assert as_user(app, manager).get(f"/applications/{current.id}").status_code == 403


def test_the_learner_reads_judgements_only_once_the_assessor_has_decided(
    app: Flask, catalogue: None
) -> None:
    current = submitted(3)
    by = assessor()
    claim_application(by, current)
    judge_all(by, current, not_met=(6,))
    client = as_user(app, current.user)

    assert "Add a case example" not in page(client.get(f"/applications/{current.id}"))

    decide_application(by, current, False)
    db.session.commit()
    text = page(client.get(f"/applications/{current.id}"))
    assert "Add a case example" in text
    assert "The assessor has asked for more evidence" in text


def test_the_application_page_runs_a_constant_number_of_queries(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    current = submitted(3)
    by = assessor()
    claim_application(by, current)
    judge_all(by, current, not_met=(1, 2))
    client = as_user(app, by)
    url = f"/applications/{current.id}"
    client.get(url)  # warm up

    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    few = count_queries.count

    # More judgements, outcomes judged again, more events.
    for _ in range(5):
        judge_all(by, current, not_met=(3, 4))
        judge_all(by, current, not_met=(1, 2))
    db.session.commit()
    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)


def test_the_application_page_with_more_workbooks_runs_as_many_queries(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    current = application(3)
    upload_workbook(current.user, current, pdf(), anonymised=True)
    client = as_user(app, current.user)
    url = f"/applications/{current.id}"
    client.get(url)  # warm up

    count_queries.statements.clear()
    client.get(url)
    few = count_queries.count

    for n in range(10):
        upload_workbook(current.user, current, pdf(data=pdf_bytes(str(n))), anonymised=True)
    db.session.commit()
    count_queries.statements.clear()
    text = page(client.get(url))
    assert "/workbooks/11" in text
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)


# The managers' clock list (R24, R30) -------------------------------------------------------


def clock_tags(text: str) -> dict[str, str]:
    """Name → the clock tag of each row of the progress list."""
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', text, re.S)
    result = {}
    for row in rows:
        name = re.search(r'/accreditation">([^<]+)</a>', row)
        tags = re.findall(r'<strong class="govuk-tag[^"]*">\s*([^<]+?)\s*</strong>', row)
        if name is not None:
            result[name.group(1)] = tags[-1]
    return result


def started_overdue_by_a_day(today: dt.date) -> dt.date:
    """A core completion whose 9 months ended yesterday."""
    day = today - dt.timedelta(days=260)
    while add_months(day, 9) >= today:
        day -= dt.timedelta(days=1)
    assert add_months(day, 9) == today - dt.timedelta(days=1)
    return day


def test_an_ifst_member_9_months_and_a_day_after_the_core_shows_overdue(
    app: Flask, catalogue: None
) -> None:
    organisation = make_organisation()
    today = local_today()
    overdue = learner(
        core_on=started_overdue_by_a_day(today),
        ifst_member=True,
        organisation=organisation,
        full_name="Olwen Overdue",
    )
    learner(
        core_on=add_months(today, -7),
        ifst_member=True,
        organisation=organisation,
        full_name="Dafydd Due",
    )
    learner(core_on=MONTH_AGO, ifst_member=True, organisation=organisation, full_name="Tomos Track")
    # Not an IFST member and no application: not on the Level 6 clock.
    learner(core_on=add_months(today, -10), organisation=organisation, full_name="Wyn Wider")
    # Another organisation's member: not this manager's to see (R49).
    learner(
        core_on=add_months(today, -10),
        ifst_member=True,
        organisation=make_organisation(),
        full_name="Other Org",
    )
    client = as_user(app, make_user(roles=["manager"], organisation=organisation))

    everyone = page(client.get("/accreditation/progress"))
    assert "3 people" in everyone
    assert clock_tags(everyone) == {
        "Olwen Overdue": "Overdue",
        "Dafydd Due": "Due",
        "Tomos Track": "On track",
    }

    response = client.get("/accreditation/progress?clock=overdue")
    text = page(response)
    assert response.status_code == 200
    assert "1 person" in text
    assert f'href="/people/{overdue.id}/accreditation">Olwen Overdue</a>' in text
    assert clock_tags(text) == {"Olwen Overdue": "Overdue"}
    assert "Dafydd Due" not in text and "Tomos Track" not in text

    assert clock_tags(page(client.get("/accreditation/progress?clock=due"))) == {
        "Dafydd Due": "Due"
    }


def test_an_award_takes_the_learner_off_the_clock_list(app: Flask, catalogue: None) -> None:
    organisation = make_organisation()
    person = learner(
        core_on=started_overdue_by_a_day(local_today()),
        ifst_member=True,
        organisation=organisation,
        full_name="Awarded Person",
    )
    current = submitted(6, person)
    by = assessor()
    claim_application(by, current)
    judge_all(by, current)
    decide_application(by, current, True)
    client = as_user(app, make_user(roles=["manager"], organisation=organisation))

    assert "Nobody is on the clock with this filter." in page(client.get("/accreditation/progress"))
