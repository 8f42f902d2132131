"""Every CSV download is UTF-8 with a byte-order mark, so Excel on Windows shows "–" and "ŵ",
and goes through ``trainhub.spreadsheets`` (formula-safe cells, one helper for the bytes)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_booking, make_cohort, make_course, make_organisation, make_user
from tests.feedback.view_helpers import asked_cohort
from tests.helpers import as_user
from trainhub.accreditation.services.cpd import bank_entry
from trainhub.spreadsheets import csv_bytes, csv_response, csv_text

BOM = b"\xef\xbb\xbf"
#: Text a Windows code page would garble: an en dash and a w with a circumflex.
WELSH = "Gwasanaeth – Ŵyr a Wyresau"


@dataclass
class Download:
    client: FlaskClient
    url: str
    #: What the file must hold once decoded (its header's first cell, and the Welsh text).
    first_cell: str
    text: str = WELSH


def _calendar(app: Flask) -> Download:
    make_cohort(title=WELSH)
    return Download(as_user(app, None), "/calendar.csv", "cohort_id")


def _statement(app: Flask) -> Download:
    person = make_user(roles=["learner"])
    bank_entry(person, "external", dt.date(2026, 5, 1), WELSH, hours=Decimal(3))
    return Download(as_user(app, person), f"/people/{person.id}/cpd/statement.csv", "Date")


def _template(app: Flask) -> Download:
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    return Download(client, "/admin/users/import/template.csv", "email", "Sam Example")


def _history_template(app: Flask) -> Download:
    client = as_user(app, make_user(roles=["manager"]))
    return Download(client, "/admin/history/import/awards/template.csv", "email", "Sam Example")


def _manager_with_a_year(app: Flask) -> FlaskClient:
    organisation = make_organisation(WELSH)
    asked = asked_cohort(3, 3, course=make_course(title=WELSH))
    make_booking(asked.cohort, make_user(organisation=organisation), status="attended")
    # That organisation's manager, who may see its people by name (R49).
    return as_user(app, make_user(roles=["manager"], organisation=organisation))


def _table(app: Flask) -> Download:
    client = _manager_with_a_year(app)
    return Download(client, "/reports/statistics/courses.csv?fy=2016-17", "Course")


def _attendees(app: Flask) -> Download:
    client = _manager_with_a_year(app)
    return Download(client, "/reports/named/attendees.csv?fy=2016-17", "Name")


def _workforce(app: Flask) -> Download:
    organisation = make_organisation()
    make_user(roles=["learner"], full_name=WELSH, ifst_member=True, organisation=organisation)
    client = as_user(app, make_user(roles=["manager"], organisation=organisation))
    return Download(client, "/reports/named/workforce.csv?fy=2016-17", "Name")


def _demand(app: Flask) -> Download:
    from trainhub.courses.models import CourseInterest
    from trainhub.extensions import db

    course = make_course(title=WELSH)
    db.session.add(CourseInterest(user_id=make_user().id, course_id=course.id))
    db.session.flush()
    return Download(as_user(app, make_user(roles=["trainer"])), "/demand.csv", "Course code")


def _welsh_for_translation(app: Flask) -> Download:
    make_course(title=WELSH)
    client = as_user(app, make_user(roles=["trainer"]))
    return Download(client, "/admin/welsh/export.csv", "key")


#: Every CSV route, by endpoint, with a download of it that holds Welsh text.
DOWNLOADS: dict[str, list[Callable[[Flask], Download]]] = {
    "courses.calendar_csv": [_calendar],
    "courses.demand_csv": [_demand],
    "accreditation.cpd_statement_csv": [_statement],
    "auth.admin_users_import_template": [_template],
    "history.import_template": [_history_template],
    "feedback.table_csv": [_table],
    "feedback.named_export": [_attendees, _workforce],
    "site.welsh_export_csv": [_welsh_for_translation],
}


@pytest.mark.once
def test_every_csv_route_is_listed_here(app: Flask) -> None:
    csv_routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv")}

    assert csv_routes == set(DOWNLOADS)


@pytest.mark.parametrize(
    "make",
    [make for makers in DOWNLOADS.values() for make in makers],
    ids=lambda make: make.__name__.strip("_"),
)
def test_every_csv_download_is_utf8_with_a_byte_order_mark(
    app: Flask, catalogue: None, make: Callable[[Flask], Download]
) -> None:
    download = make(app)

    response = download.client.get(download.url)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_data()
    assert data.startswith(BOM)
    assert not data[len(BOM) :].startswith(BOM)
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == download.first_cell
    assert download.text in text


@pytest.mark.once
def test_the_csv_helpers_add_the_mark_once_and_keep_formulas_as_text(app: Flask) -> None:
    text = csv_text(["Name", "=Head"], [["=SUM(A1:A2)", Decimal("1.5"), None, 3, "Ŵyn – ŷd"]])

    assert text == "Name,'=Head\r\n'=SUM(A1:A2),1.50,,3,Ŵyn – ŷd\r\n"
    assert csv_bytes(text) == BOM + text.encode()
    with app.test_request_context():
        response = csv_response(text, "Ŵyn.csv")
    response.direct_passthrough = False  # read it here, as a server would send it
    assert response.get_data() == BOM + text.encode()
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    # A name outside ASCII is given twice: plainly for old browsers, in full (RFC 6266).
    assert "filename*=UTF-8''%C5%B4yn.csv" in response.headers["Content-Disposition"]


def test_the_import_template_imports_as_downloaded(app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    template = client.get("/admin/users/import/template.csv").get_data()
    assert template.startswith(BOM)

    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(template), "trainhub-users-template.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert "1 account created" in response.get_data(as_text=True)
