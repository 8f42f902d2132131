"""Small holes closed: NUL bytes, control characters, length messages, cache headers, and
pages that still answer when the database cannot."""

from __future__ import annotations

import io
from contextlib import contextmanager

import pytest
from flask import Flask
from flask_babel import force_locale
from flask_wtf import FlaskForm
from sqlalchemy import event, func, select
from werkzeug.exceptions import NotFound

from tests.conftest import base_config
from tests.factories import make_user
from tests.helpers import login
from trainhub import create_app
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.forms import Length, NumberRange, Text, TextArea
from trainhub.mail.services import queue_mail
from trainhub.text import has_control_characters, one_line


def users() -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one()


# NUL ---------------------------------------------------------------------------------


def test_a_nul_in_a_multipart_form_is_a_clear_400_and_nothing_is_saved(client):
    response = client.post(
        "/register",
        data={
            "email": "nul@example.org",
            "full_name": "Nia\x00Null",
            "preferred_language": "en",
            "password": "three random words",
            "confirm": "three random words",
            "evidence": (io.BytesIO(b"not read"), "x.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "null character" in response.get_data(as_text=True)
    assert users() == 0


def test_a_nul_in_an_ordinary_form_or_address_is_refused_too(client):
    assert client.post("/register", data={"full_name": "a\x00b"}).status_code == 400
    assert client.get("/courses?q=a%00b").status_code == 400
    assert users() == 0


# One line, paragraphs, lengths ------------------------------------------------------------


class _Form(FlaskForm):
    class Meta:
        csrf = False

    title = Text("Title", validators=[Length(max=10)])
    notes = TextArea("Notes")
    places = Text("Places", validators=[NumberRange(min=1, max=3)])


@pytest.mark.parametrize(
    "value",
    [
        "Two\r\nlines",
        "Line\nfeed",
        "Tab\there",
        "Bell\x07",
        "Evil\u202eftp.exe",
        "Iso\u2066late",
        "L\u2028S",
    ],
)
@pytest.mark.once
def test_one_line_fields_refuse_line_breaks_and_hidden_controls(app: Flask, value):
    with app.test_request_context(method="POST", data={"title": value}):
        form = _Form()
        assert not form.validate()
        assert "one line" in form.title.errors[0]


@pytest.mark.once
def test_one_line_fields_trim_spaces_and_keep_welsh_letters(app: Flask):
    with app.test_request_context(method="POST", data={"title": "  Ŵyn ŷd  "}):
        form = _Form()
        form.validate()
        assert form.title.data == "Ŵyn ŷd"
        assert not form.title.errors


@pytest.mark.once
def test_paragraphs_keep_line_breaks_but_refuse_other_controls(app: Flask):
    with app.test_request_context(method="POST", data={"notes": "One\r\n\tTwo"}):
        form = _Form()
        form.validate()
        assert not form.notes.errors
    with app.test_request_context(method="POST", data={"notes": "One\x1bTwo"}):
        form = _Form()
        form.validate()
        assert "control characters" in form.notes.errors[0]


@pytest.mark.once
def test_length_messages_are_ours_and_welsh_on_welsh_pages(app: Flask):
    with app.test_request_context(method="POST", data={"title": "x" * 11}):
        form = _Form()
        form.validate()
        assert form.title.errors == ["Enter 10 characters or fewer (you entered 11)"]
    with (
        app.test_request_context(method="POST", data={"title": "x" * 11}),
        force_locale("cy"),
    ):
        form = _Form()
        form.validate()
        assert form.title.errors == ["Rhowch 10 nod neu lai (rydych wedi rhoi 11)"]


def test_the_text_rule():
    assert has_control_characters("a\nb")
    assert not has_control_characters("a\nb", multiline=True)
    assert has_control_characters("a\u202eb", multiline=True)
    assert not has_control_characters("Gwasanaeth Cymorth i Deuluoedd – ŵ ŷ")
    assert one_line(" Booking:\r\nBcc: x\u202e  done ") == "Booking: Bcc: x done"


@pytest.mark.once
def test_mail_subjects_are_one_line(app: Flask):
    message = queue_mail("a@example.org", "Title\r\nBcc: evil@example.org\u202e", "Body")
    assert message.subject == "Title Bcc: evil@example.org"
    db.session.rollback()


def test_a_title_with_a_line_break_is_refused_on_the_page(client, app: Flask):
    from tests.factories import make_course

    course = make_course()
    trainer = make_user(roles=("trainer",))
    db.session.commit()
    login(client, trainer)
    response = client.post(
        f"/cohorts/new?course={course.code}", data={"title": "Cardiff\r\nBcc: x@example.org"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter this on one line" in page


# Caching ----------------------------------------------------------------------------------


def test_pages_and_json_are_never_stored_but_assets_are_cached(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    asset = client.get("/static/build/app.css")
    assert asset.status_code == 200
    assert "no-store" not in asset.headers.get("Cache-Control", "")


# When the database cannot write or cannot be reached ---------------------------------------


@pytest.fixture
def read_only_database(app: Flask):
    with read_only(app):
        yield


@contextmanager
def read_only(app: Flask):
    """Every new connection refuses writes, as a standby or a full disk would."""
    engine = db.engine

    def refuse_writes(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()  # or the pool's first rollback undoes it
        cursor.close()

    db.session.close()
    engine.dispose()
    event.listen(engine, "connect", refuse_writes)
    try:
        yield
    finally:
        db.session.close()
        event.remove(engine, "connect", refuse_writes)
        engine.dispose()


@pytest.mark.real_commits
def test_a_write_the_database_refuses_is_a_503_with_retry_after(client, read_only_database):
    response = client.post(
        "/register",
        data={
            "email": "later@example.org",
            "full_name": "Later Person",
            "preferred_language": "en",
            "password": "three random words",
            "confirm": "three random words",
        },
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in page
    assert "govuk-template" in page  # the styled page, not Werkzeug's


@pytest.mark.real_commits
def test_reading_pages_still_work_while_writes_are_refused(app: Flask, client):
    user = make_user()
    db.session.commit()
    login(client, user)
    with read_only(app):
        # "Last active" cannot be written, and the pages are read all the same.
        app.config["SESSION_TOUCH_INTERVAL"] = 0
        assert client.get("/courses").status_code == 200
        assert client.get("/account").status_code == 200


@pytest.mark.once
def test_a_file_missing_from_storage_says_so(client, app: Flask):
    from trainhub.storage import download

    with app.test_request_context():
        with pytest.raises(NotFound) as raised:
            download("0" * 64, "application/pdf", "workbook.pdf")
        page, status = app.handle_http_exception(raised.value)  # type: ignore[misc]
    assert status == 404
    assert "This file cannot be found" in page
    assert "Page not found" not in page


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/trainhub.sqlite",
        "postgresql+psycopg://nobody@127.0.0.1:9/trainhub?connect_timeout=2",
    ],
    ids=["sqlite", "postgresql"],
)
def test_the_error_page_needs_no_database(url, tmp_path):
    config = base_config(url)
    config["UPLOAD_FOLDER"] = str(tmp_path)
    app = create_app(config)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:whatever"
        session["_sign_in"] = "whatever"
        session["lang"] = "cy"
    response = client.get("/account")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = response.get_data(as_text=True)
    assert 'lang="cy"' in page and "govuk-template" in page
    assert "Internal Server Error" not in page
