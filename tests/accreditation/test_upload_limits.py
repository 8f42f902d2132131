"""Limits on uploads: each person's daily allowance of files and bytes (workbook versions and
CPD evidence together), the per-IP rate limit on the two upload forms, and one e-mail to a
supervisor for a burst of evidence rather than one for each file."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update
from werkzeug.test import TestResponse

from tests.accreditation.helpers import application, count, learner, outbox, stored_files
from tests.accreditation.view_helpers import as_user, field_error, page
from tests.conftest import base_config
from tests.factories import make_user
from tests.sample_files import pdf_bytes, png_bytes
from trainhub import antivirus, create_app
from trainhub.accreditation.models import Application, ExternalActivity, Workbook
from trainhub.accreditation.services.applications import upload_workbook
from trainhub.accreditation.services.cpd import ActivityInput, decide_activity, log_activity
from trainhub.accreditation.services.files import QuotaExceeded, day_bounds, uploads_today
from trainhub.auth.models import User
from trainhub.courses.models import LOCAL_TIME, local_today
from trainhub.extensions import db, utcnow
from trainhub.uploads import Upload

YESTERDAY = local_today() - dt.timedelta(days=1)
HOME = {"REMOTE_ADDR": "198.51.100.7"}
NEIGHBOUR = {"REMOTE_ADDR": "198.51.100.8"}
FILES_MESSAGE = (
    "You have uploaded the most files allowed in a day (3). Try again tomorrow or ask your "
    "trainhub administrator."
)


def evidence(person: User, data: bytes | None = None, title: str = "Safeguarding") -> Any:
    return log_activity(
        person,
        ActivityInput(title, YESTERDAY, Decimal("2"), provider="County council"),
        Upload("certificate.pdf", data or pdf_bytes(b"Certificate")),
    )


def workbook(current: Application, data: bytes | None = None) -> Workbook:
    return upload_workbook(
        current.user, current, Upload("workbook.pdf", data or pdf_bytes()), anonymised=True
    )


def form_fields() -> dict[str, Any]:
    return {
        "title": "Trauma-informed practice",
        "provider": "Elsewhere",
        "occurred_on": [str(YESTERDAY.day), str(YESTERDAY.month), str(YESTERDAY.year)],
        "hours": "2",
    }


def post_upload(
    client: Any,
    url: str,
    field: str,
    name: str,
    data: bytes,
    environ: dict[str, str],
    **fields: Any,
) -> TestResponse:
    """Send an upload form as a browser would, from the address in ``environ``."""
    form = {**fields, field: (io.BytesIO(data), name)}
    return client.post(url, data=form, content_type="multipart/form-data", environ_base=environ)


def post_evidence(client: Any, data: bytes, environ: dict[str, str] = HOME) -> TestResponse:
    url = "/my/cpd/activities/new"
    return post_upload(client, url, "evidence", "certificate.png", data, environ, **form_fields())


def post_workbook(
    client: Any, current: Application, data: bytes, environ: dict[str, str] = HOME
) -> TestResponse:
    url = f"/applications/{current.id}/workbooks/new"
    return post_upload(client, url, "file", "workbook.pdf", data, environ, anonymised="y")


# The daily allowance ------------------------------------------------------------------------


def test_workbook_versions_and_evidence_count_together_against_the_files_allowed(
    app: Flask, catalogue: None
) -> None:
    app.config["UPLOAD_DAILY_FILES"] = 3
    current = application(3)
    workbook(current)
    workbook(current)
    evidence(current.user)
    kept = stored_files()

    for attempt in (lambda: evidence(current.user), lambda: workbook(current)):
        with pytest.raises(QuotaExceeded) as refused:
            attempt()
        assert refused.value.message == FILES_MESSAGE
        assert 1 <= refused.value.retry_after <= 25 * 60 * 60  # until midnight in Wales

    assert (count(Workbook), count(ExternalActivity)) == (2, 1)
    assert stored_files() == kept
    assert uploads_today(current.user).files == 3


def test_the_bytes_allowed_count_this_file_too(app: Flask) -> None:
    app.config["UPLOAD_DAILY_BYTES"] = 1024 * 1024
    person = learner()
    big = pdf_bytes(b"x" * 400_000)
    evidence(person, big)
    evidence(person, big)

    with pytest.raises(QuotaExceeded) as refused:
        evidence(person, big)

    assert refused.value.field == "evidence"
    assert refused.value.message == (
        "This file would take your uploads today over the 1 MB allowed in a day. "
        "Try again tomorrow or ask your trainhub administrator."
    )
    assert count(ExternalActivity) == 2
    evidence(person, pdf_bytes())  # a small one still fits


def test_only_today_and_only_the_persons_own_uploads_count(app: Flask, catalogue: None) -> None:
    app.config["UPLOAD_DAILY_FILES"] = 2
    current = application(3)
    person = current.user
    workbook(current)
    evidence(person)
    midnight, _tomorrow = day_bounds()
    # Yesterday's, a second before midnight in Wales (the rows themselves are append-only).
    db.session.execute(update(Workbook).values(uploaded_at=midnight - dt.timedelta(seconds=1)))
    db.session.execute(
        update(ExternalActivity).values(created_at=midnight - dt.timedelta(seconds=1))
    )
    evidence(learner())  # someone else's
    evidence(learner())

    assert uploads_today(person).files == 0
    workbook(current)
    evidence(person)
    assert uploads_today(person).files == 2
    with pytest.raises(QuotaExceeded):
        evidence(person)


def test_a_limit_of_zero_is_no_limit(app: Flask) -> None:
    app.config.update(UPLOAD_DAILY_FILES=0, UPLOAD_DAILY_BYTES=0)
    person = learner()
    for n in range(4):
        evidence(person, title=f"Activity {n}")
    assert count(ExternalActivity) == 4


@pytest.mark.parametrize(
    ("day", "hours"),
    [(dt.date(2026, 3, 29), 23), (dt.date(2026, 10, 25), 25), (dt.date(2026, 6, 1), 24)],
    ids=["clocks-forward", "clocks-back", "summer"],
)
def test_a_day_is_midnight_to_midnight_in_wales(day: dt.date, hours: int) -> None:
    start, end = day_bounds(day)

    assert start.astimezone(LOCAL_TIME) == dt.datetime(
        day.year, day.month, day.day, tzinfo=LOCAL_TIME
    )
    assert end.astimezone(LOCAL_TIME).time() == dt.time(0, 0)
    assert end - start == dt.timedelta(hours=hours)


def test_over_the_allowance_the_form_answers_429_and_stores_nothing(
    app: Flask, catalogue: None
) -> None:
    app.config["UPLOAD_DAILY_FILES"] = 3
    current = application(3)
    for _ in range(3):
        evidence(current.user)
    client = as_user(app, current.user)
    kept = stored_files()

    responses = {
        "evidence": post_evidence(client, png_bytes()),
        "file": post_workbook(client, current, pdf_bytes()),
    }

    for field, response in responses.items():
        assert response.status_code == 429
        assert 1 <= int(response.headers["Retry-After"]) <= 25 * 60 * 60
        text = page(response)
        assert field_error(text, field) == FILES_MESSAGE
        assert 'type="file"' in text  # the form, not the rate-limit page
    assert (count(Workbook), count(ExternalActivity)) == (0, 3)
    assert stored_files() == kept


def test_a_file_over_the_allowance_is_never_sent_to_the_scanner(
    app: Flask, catalogue: None, tmp_path: Any
) -> None:
    app.config.update(UPLOAD_DAILY_FILES=1, CLAMD_SOCKET=str(tmp_path / "nothing-here.sock"))
    person = learner()
    evidence(person)  # scanning is still off: stored
    antivirus.init_app(app)  # on, but nothing answers: a scan would be a 503

    response = post_evidence(as_user(app, person), png_bytes())

    assert response.status_code == 429
    assert count(ExternalActivity) == 1


# The per-IP rate limit on the upload forms --------------------------------------------------


def test_each_upload_form_is_rate_limited_per_address_on_post_only(
    app: Flask, catalogue: None
) -> None:
    app.config["RATELIMIT_UPLOAD"] = "2 per minute"
    current = application(3)
    client = as_user(app, current.user)
    workbook_url = f"/applications/{current.id}/workbooks/new"

    for _ in range(2):
        assert post_evidence(client, b"").status_code == 400  # counted all the same
        assert post_workbook(client, current, b"").status_code == 400
    too_many = [
        post_evidence(client, png_bytes()),
        post_workbook(client, current, pdf_bytes()),
    ]

    for response in too_many:
        assert response.status_code == 429
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert "Too many attempts from your network" in page(response)
    assert (count(Workbook), count(ExternalActivity)) == (0, 0)
    assert stored_files() == []
    assert client.get("/my/cpd/activities/new", environ_base=HOME).status_code == 200
    assert client.get(workbook_url, environ_base=HOME).status_code == 200
    assert post_evidence(client, png_bytes(), NEIGHBOUR).status_code == 302


def test_an_upload_limit_that_is_not_a_rate_stops_the_app_starting() -> None:
    with pytest.raises(RuntimeError, match="TRAINHUB_RATELIMIT_UPLOAD"):
        create_app({**base_config("sqlite://"), "RATELIMIT_UPLOAD": "plenty"})


# One e-mail to the supervisor for a burst of evidence ---------------------------------------


def supervised(**overrides: Any) -> tuple[User, User]:
    supervisor = make_user(roles=["learner"], full_name="Rhian Supervisor")
    return learner(supervisor=supervisor, full_name="Dafydd Learner", **overrides), supervisor


def logged_earlier(person: User, minutes: int) -> None:
    """Move the person's activities back in time (they are not append-only)."""
    db.session.execute(
        update(ExternalActivity)
        .where(ExternalActivity.user_id == person.id)
        .values(created_at=utcnow() - dt.timedelta(minutes=minutes))
    )


def test_ten_uploads_in_a_row_send_one_mail_and_another_after_the_window(app: Flask) -> None:
    person, supervisor = supervised()

    for n in range(10):
        evidence(person, title=f"Activity {n}")

    [first] = outbox(supervisor)
    assert first.subject == "CPD to approve for Dafydd Learner"
    assert "Activity 0" in first.body
    assert "you will not get an e-mail for each one" in first.body
    assert "are waiting for your approval" not in first.body  # the first of the burst

    logged_earlier(person, minutes=61)
    evidence(person, title="Activity 10")

    assert len(outbox(supervisor)) == 2
    second = outbox(supervisor)[-1]
    assert "Activity 10" in second.body
    assert (
        "11 activities from Dafydd Learner are waiting for your approval, this one included."
        in second.body
    )


def test_a_quiet_spell_shorter_than_the_window_keeps_the_burst_together(app: Flask) -> None:
    person, supervisor = supervised()
    evidence(person)
    logged_earlier(person, minutes=59)

    evidence(person)

    assert len(outbox(supervisor)) == 1


def test_once_the_supervisor_has_decided_everything_a_new_upload_is_mailed(app: Flask) -> None:
    person, supervisor = supervised()
    first = evidence(person, title="Activity 1")
    decide_activity(supervisor, first, approve=True)

    evidence(person, title="Activity 2")

    to_supervisor = outbox(supervisor)
    assert len(to_supervisor) == 2
    assert "Activity 2" in to_supervisor[-1].body


def test_each_learner_has_a_burst_of_their_own(app: Flask) -> None:
    supervisor = make_user(roles=["learner"])
    for person in (learner(supervisor=supervisor), learner(supervisor=supervisor)):
        evidence(person)
        evidence(person)

    assert len(outbox(supervisor)) == 2


def test_a_window_of_zero_mails_every_activity(app: Flask) -> None:
    app.config["CPD_NOTICE_WINDOW_MINUTES"] = 0
    person, supervisor = supervised()
    for _ in range(3):
        evidence(person)

    to_supervisor = outbox(supervisor)
    assert len(to_supervisor) == 3
    assert "you will not get an e-mail for each one" not in to_supervisor[0].body
    assert "3 activities from Dafydd Learner are waiting" in to_supervisor[-1].body
