"""The upload page: problems by line (400), a dry run (200) whose button imports the same
file, the confirmation, the list of files brought in, and each kind's template."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_user
from tests.helpers import count, login
from trainhub.courses.models import Cohort
from trainhub.history.models import HistoryImport, HistoryRecord

pytestmark = pytest.mark.usefixtures("catalogue")

DATA = Path(__file__).parent / "data"
AWARDS = (DATA / "awards-2016-17.csv").read_bytes()
COMPLETIONS = (DATA / "completions-history.csv").read_bytes()


def signed_in(client: FlaskClient, roles: tuple[str, ...] = ("manager",)) -> FlaskClient:
    return login(client, make_user(roles=roles))


def upload(
    client: FlaskClient, kind: str, data: bytes, name: str = "file.csv", **flags: str
) -> object:
    form = {"kind": kind, "file": (io.BytesIO(data), name), **flags}
    return client.post("/admin/history/import", data=form, content_type="multipart/form-data")


def text(response: object) -> str:
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_the_page_offers_each_kind_its_columns_and_templates(client: FlaskClient) -> None:
    signed_in(client, ("admin",))
    page = text(client.get("/admin/history/import"))
    assert "Check only (dry run)" in page and "Invite new people by e-mail" in page
    assert "course_code, cohort_title, day_number, date, start, end, venue" in page
    for kind in ("cohorts", "completions", "awards", "feedback"):
        assert f"/admin/history/import/{kind}/template.csv" in page
        template = client.get(f"/admin/history/import/{kind}/template.csv")
        assert template.status_code == 200 and template.mimetype == "text/csv"
    assert client.get("/admin/history/import/other/template.csv").status_code == 404


def test_problems_come_back_by_line_and_nothing_is_written(client: FlaskClient) -> None:
    signed_in(client)
    bad = COMPLETIONS.replace(b"2014-05-12", b"2014-05-45").replace(b"IFSS-CORE,2015", b"NOPE,2015")
    response = upload(client, "completions", bad)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = text(response)
    assert "2 problems: nothing was imported" in page
    assert re.search(r"<td[^>]*>2</td>\s*<td[^>]*>completed_on “2014-05-45” is not a date", page)
    assert "NOPE" in page
    assert count(HistoryRecord) == 0


def test_a_dry_run_then_its_button_imports_the_same_file(client: FlaskClient) -> None:
    signed_in(client)
    check = upload(client, "completions", COMPLETIONS, "old staff.csv", dry_run="y")
    assert check.status_code == 200  # type: ignore[attr-defined]
    page = text(check)
    assert "6 to add" in page and "rhian.rhys-beddoe@example.org" in page
    assert count(HistoryRecord) == 0
    payload = re.search(r'name="payload"[^>]*value="([^"]+)"', check.get_data(as_text=True))  # type: ignore[attr-defined]
    assert payload is not None

    done = client.post("/admin/history/import/confirm", data={"payload": payload.group(1)})
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert count(HistoryRecord) == 6
    confirmation = client.get(done.headers["Location"])  # type: ignore[attr-defined]
    page = text(confirmation)
    assert "History imported" in page and "6 records added from old staff.csv" in page
    assert "IFSS-CORE" in page
    listing = text(client.get("/admin/history/imports"))
    assert "old staff.csv" in listing

    # The same file again adds nothing, and says so.
    again = upload(client, "completions", COMPLETIONS)
    assert again.status_code == 302  # type: ignore[attr-defined]
    assert "Nothing was added" in text(client.get("/admin/history/import"))
    assert count(HistoryImport) == 1


def test_a_tampered_or_someone_elses_check_imports_nothing(app: Flask, client: FlaskClient) -> None:
    signed_in(client)
    check = upload(client, "awards", AWARDS, dry_run="y")
    token = re.search(r'name="payload"[^>]*value="([^"]+)"', check.get_data(as_text=True))  # type: ignore[attr-defined]
    assert token is not None
    tampered = client.post("/admin/history/import/confirm", data={"payload": token.group(1) + "x"})
    assert tampered.status_code == 302  # type: ignore[attr-defined]
    other = signed_in(app.test_client())
    assert (
        other.post("/admin/history/import/confirm", data={"payload": token.group(1)}).status_code
        == 302
    )
    assert count(HistoryRecord) == 0


def test_a_direct_import_goes_to_its_confirmation(client: FlaskClient) -> None:
    signed_in(client)
    register = (DATA / "cohorts-2016-17.csv").read_text(encoding="utf-8").splitlines()
    core_group = [register[0]] + [row for row in register if "September 2016" in row]
    response = upload(client, "cohorts", ("\n".join(core_group) + "\n").encode())
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert "/admin/history/imports/" in response.headers["Location"]  # type: ignore[attr-defined]
    page = text(client.get(response.headers["Location"]))  # type: ignore[attr-defined]
    assert "Chairing Core Group Meetings — September 2016" in page
    assert count(Cohort, Cohort.recorded.is_(True)) == 1


def test_the_list_is_empty_at_first(client: FlaskClient) -> None:
    signed_in(client)
    assert "No files have been brought in yet." in text(client.get("/admin/history/imports"))


def test_a_learner_cannot_import(client: FlaskClient) -> None:
    signed_in(client, ("learner",))
    assert upload(client, "awards", AWARDS).status_code == 403  # type: ignore[attr-defined]
