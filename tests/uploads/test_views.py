"""The whole corpus through every upload form (a workbook, CPD evidence, a past completion's
evidence), on both databases:
every hostile file gets its message on the form, linked from the error summary, with a 400
and nothing stored (no row, no file); every valid one is stored as the type it really is.

One app per backend and form; the corpus is looped inside, and a failure names the entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.accreditation.helpers import application, count, learner, stored_files
from tests.accreditation.view_helpers import as_user, field_error, page, post_file, summary_errors
from tests.courses.cohort_view_helpers import summary_links
from tests.factories import make_user
from tests.uploads import build
from tests.uploads.corpus import Sample, expected, hostile, valid
from tests.uploads.messages import message_for
from trainhub.accreditation.models import ApplicationEvent, ExternalActivity, Workbook
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.uploads import DOCUMENTS, EVIDENCE
from trainhub.uploads.refusals import Reason

YESTERDAY = local_today() - dt.timedelta(days=1)


def _without_allowances(app: Flask) -> None:
    """The corpus is hundreds of uploads by one person in a minute: lift the per-person
    allowances (tested on their own) so that every file reaches the structure check."""
    app.config.update(
        UPLOAD_DAILY_FILES=0, UPLOAD_DAILY_BYTES=0, RATELIMIT_UPLOAD="100000 per minute"
    )


def _activity_fields() -> dict[str, Any]:
    return {
        "title": "Safeguarding refresher",
        "provider": "County council",
        "occurred_on": [str(YESTERDAY.day), str(YESTERDAY.month), str(YESTERDAY.year)],
        "hours": "3.5",
        "credits": "",
    }


def _refusal_problem(response: Any, field: str, message: str, status: int = 400) -> str | None:
    """What is wrong with how the form refused a file (None: all is as it should be)."""
    if response.status_code != status:
        return f"status {response.status_code}, not {status}"
    text = page(response)
    shown = field_error(text, field)
    if shown != message:
        return f"the field says {shown!r}"
    if message not in summary_errors(text):
        return "the message is not in the error summary"
    if field not in summary_links(text):
        return "the error summary does not link to the file field"
    return None


def _check_corpus(
    client: FlaskClient,
    send: Callable[[FlaskClient, Sample], Any],
    field: str,
    allowed: Mapping[str, str],
    stored_rows: Callable[[], int],
) -> list[str]:
    """Send every hostile file; the entries refused wrongly or that left something behind."""
    failures = []
    for sample in hostile():
        reason = expected(sample, allowed)
        assert reason is not None
        problem = _refusal_problem(send(client, sample), field, message_for(reason, allowed))
        if problem is None and stored_rows():
            problem = "a row was stored"
        if problem is None and stored_files():
            problem = "a file was stored"
        if problem is not None:
            failures.append(f"{sample.id}: {problem}")
    return failures


def _workbook_rows() -> int:
    return count(Workbook) + count(ApplicationEvent, ApplicationEvent.kind == "workbook_uploaded")


@pytest.mark.heavy
@pytest.mark.once
def test_every_hostile_workbook_is_refused_on_the_form_and_nothing_is_stored(
    app: Flask, catalogue: None
) -> None:
    _without_allowances(app)
    current = application(3)
    url = f"/applications/{current.id}/workbooks/new"

    def send(client: FlaskClient, sample: Sample) -> Any:
        return post_file(client, url, "file", sample.filename, sample.data, anonymised="y")

    failures = _check_corpus(as_user(app, current.user), send, "file", DOCUMENTS, _workbook_rows)

    assert not failures, "\n".join(failures)
    assert len(hostile()) >= 200


@pytest.mark.heavy
@pytest.mark.once
def test_every_hostile_evidence_file_is_refused_on_the_form_and_nothing_is_stored(
    app: Flask,
) -> None:
    _without_allowances(app)
    person = learner(supervisor=make_user(roles=["manager"]))
    url = "/my/cpd/activities/new"

    def send(client: FlaskClient, sample: Sample) -> Any:
        return post_file(
            client, url, "evidence", sample.filename, sample.data, **_activity_fields()
        )

    failures = _check_corpus(
        as_user(app, person), send, "evidence", EVIDENCE, lambda: count(ExternalActivity)
    )

    assert not failures, "\n".join(failures)


@pytest.mark.heavy
@pytest.mark.once
def test_every_hostile_file_as_a_past_completions_evidence_is_refused_and_nothing_is_stored(
    app: Flask, catalogue: None
) -> None:
    from tests.history.test_record_views import completion_form
    from trainhub.courses.models import Completion
    from trainhub.history.models import HistoryRecord

    _without_allowances(app)
    url = "/history/completions/new"

    def send(client: FlaskClient, sample: Sample) -> Any:
        return post_file(client, url, "evidence", sample.filename, sample.data, **completion_form())

    failures = _check_corpus(
        as_user(app, make_user(roles=["manager"])),
        send,
        "evidence",
        EVIDENCE,
        lambda: count(HistoryRecord) + count(Completion),
    )

    assert not failures, "\n".join(failures)


def test_every_valid_workbook_is_stored_as_the_type_it_is(app: Flask, catalogue: None) -> None:
    _without_allowances(app)
    current = application(3)
    client = as_user(app, current.user)
    url = f"/applications/{current.id}/workbooks/new"
    failures = []

    for sample in valid():
        response = post_file(client, url, "file", sample.filename, sample.data, anonymised="y")
        if sample.kind not in DOCUMENTS:
            problem = _refusal_problem(response, "file", message_for(Reason.TYPE, DOCUMENTS))
        elif response.status_code != 302:
            problem = f"status {response.status_code}: {summary_errors(page(response))}"
        else:
            latest = db.session.execute(
                db.select(Workbook).order_by(Workbook.version.desc()).limit(1)
            ).scalar_one()
            problem = None
            if (latest.content_type, latest.size) != (sample.kind, len(sample.data)):
                problem = f"stored as {latest.content_type}, {latest.size} bytes"
        if problem is not None:
            failures.append(f"{sample.id}: {problem}")

    assert not failures, "\n".join(failures)
    assert count(Workbook) == sum(1 for s in valid() if s.kind in DOCUMENTS)


def test_every_valid_evidence_file_is_stored_as_the_type_it_is(app: Flask) -> None:
    _without_allowances(app)
    person = learner(supervisor=make_user(roles=["manager"]))
    client = as_user(app, person)
    failures = []

    for sample in valid():
        response = post_file(
            client,
            "/my/cpd/activities/new",
            "evidence",
            sample.filename,
            sample.data,
            **_activity_fields(),
        )
        if response.status_code != 302:
            failures.append(f"{sample.id}: status {response.status_code}")
            continue
        activity = db.session.execute(
            db.select(ExternalActivity).order_by(ExternalActivity.id.desc()).limit(1)
        ).scalar_one()
        if (activity.evidence_content_type, activity.evidence_size) != (
            sample.kind,
            len(sample.data),
        ):
            failures.append(f"{sample.id}: stored as {activity.evidence_content_type}")

    assert not failures, "\n".join(failures)
    assert count(ExternalActivity) == len(valid())


def test_a_file_of_exactly_the_limit_is_stored_and_one_byte_more_is_413(
    app: Flask, catalogue: None
) -> None:
    _without_allowances(app)
    app.config["UPLOAD_MAX_BYTES"] = 256 * 1024
    current = application(3)
    client = as_user(app, current.user)
    url = f"/applications/{current.id}/workbooks/new"

    exact = post_file(client, url, "file", "w.pdf", build.padded_pdf(256 * 1024), anonymised="y")
    over = post_file(client, url, "file", "w.pdf", build.padded_pdf(256 * 1024 + 1), anonymised="y")

    assert exact.status_code == 302
    assert (
        _refusal_problem(over, "file", "The selected file must be smaller than 0.2 MB", 413) is None
    )
    assert count(Workbook) == 1
    assert len(stored_files()) == 1


def test_a_device_name_is_stored_renamed_and_downloads_renamed(app: Flask, catalogue: None) -> None:
    _without_allowances(app)
    current = application(3)
    client = as_user(app, current.user)

    response = post_file(
        client,
        f"/applications/{current.id}/workbooks/new",
        "file",
        "ＣＯＮ.pdf",
        build.minimal_pdf(),
        anonymised="y",
    )
    download = client.get(f"/applications/{current.id}/workbooks/1")

    assert response.status_code == 302
    assert db.session.execute(db.select(Workbook.filename)).scalar_one() == "CON_.pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=CON_.pdf"


def test_a_path_in_the_name_is_cut_and_a_name_that_cannot_be_read_is_explained(
    app: Flask, catalogue: None
) -> None:
    _without_allowances(app)
    current = application(3)
    client = as_user(app, current.user)
    url = f"/applications/{current.id}/workbooks/new"
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="anonymised"\r\n\r\ny\r\n--XX\r\n'
        b'Content-Disposition: form-data; name="file"; filename="a\nb.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + build.minimal_pdf() + b"\r\n--XX--\r\n"
    )

    cut = post_file(
        client, url, "file", "<script>alert(1)</script>.pdf", build.minimal_pdf(), anonymised="y"
    )
    unreadable = client.post(url, data=body, content_type="multipart/form-data; boundary=XX")

    assert cut.status_code == 302
    assert db.session.execute(db.select(Workbook.filename)).scalar_one() == "script.pdf"
    assert (
        _refusal_problem(
            unreadable,
            "file",
            "The name of the selected file could not be read. Rename the file using only "
            "letters, numbers and spaces (for example workbook.pdf) and choose it again.",
        )
        is None
    )
