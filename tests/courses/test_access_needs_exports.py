"""Access and dietary needs never leave trainhub in a staff export: every download a member
of staff can take (calendars and feeds, the sign-in sheet, the statistics and report, the
named exports, CPD statements) is fetched with needs on file and searched for them. A new
download route fails ``test_every_download_is_searched`` until it is searched here too."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient

from tests.factories import make_booking, make_cohort, make_organisation, make_user
from tests.helpers import login
from trainhub.courses.models import AccessNeeds, Attendance, local_today
from trainhub.courses.services.calendars import feed_token
from trainhub.extensions import db

SECRET = "ZQX-PEANUT-SECRET-7731"
#: What would give the needs away besides the learner's words: the categories' keys and
#: labels.
GIVEAWAYS = (SECRET, "halal", "Halal food", "A food allergy", "Has access or dietary needs")

#: Downloads searched below, by endpoint.
SEARCHED = {
    "courses.calendar_ics",
    "courses.calendar_csv",
    "courses.calendar_feed",
    "courses.sign_in_sheet",
    "courses.booking_calendar",
    "courses.demand_csv",
    "accreditation.cpd_statement_pdf",
    "accreditation.cpd_statement_csv",
    "feedback.table_csv",
    "feedback.statistics_xlsx",
    "feedback.report_pdf",
    "feedback.report_docx",
    "feedback.named_export",
    "feedback.published_pdf",
}
#: Downloads with no learner's bookings in them: fixed templates, a certificate, keys, and
#: the person's own copy of their data (which does hold their needs: tests/privacy).
NOT_ABOUT_BOOKINGS = {
    "auth.admin_users_import_template",
    "history.import_template",
    "accreditation.certificate_pdf",
    "accreditation.certificate_badge",
    "accreditation.issuer_jwks",
    "privacy.my_data_download",
    "privacy.person_data_download",
    # The content's English and Welsh for a translator (courses, levels, glossary).
    "site.welsh_export_xliff",
    "site.welsh_export_csv",
}
DOWNLOAD = re.compile(r"\.(csv|xlsx|ics|pdf|docx|json|zip)$")


@pytest.mark.once
def test_every_download_is_searched(app: Flask) -> None:
    downloads = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if DOWNLOAD.search(rule.rule) or "export" in rule.rule
    }
    downloads.discard("feedback.exports_page")  # the page listing them (searched below)
    assert downloads - NOT_ABOUT_BOOKINGS == SEARCHED


def _text(data: bytes) -> str:
    """Every text a download holds: the bytes, or each part of an Office file."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return data.decode("utf-8", "replace")


@pytest.fixture
def rendered(app: Flask) -> Iterator[list[str]]:
    """The HTML of every template rendered (a PDF's source, before WeasyPrint)."""
    pages: list[str] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        pages.append(template.render(context))

    template_rendered.connect(record, app)
    yield pages
    template_rendered.disconnect(record, app)


def _fetch(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return _text(response.data)


def test_no_staff_download_holds_a_learners_needs(
    app: Flask, client: FlaskClient, catalogue: None, rendered: list[str]
) -> None:
    organisation = make_organisation()
    trainer = make_user(roles=["trainer"])
    manager = make_user(roles=["manager"], organisation=organisation)
    learner = make_user(full_name="Lowri Learner", organisation=organisation)
    past = make_cohort(facilitators=[trainer], start=local_today() - timedelta(days=2))
    coming = make_cohort(facilitators=[trainer])
    bookings = []
    for cohort in (past, coming):
        booking = make_booking(cohort, learner, "attended" if cohort is past else "booked")
        bookings.append(booking)
        db.session.add(
            AccessNeeds(booking_id=booking.id, categories="allergy,halal", details=SECRET)
        )
    db.session.add(Attendance(cohort_day_id=past.days[0].id, user_id=learner.id, status="present"))
    token = feed_token(learner)
    db.session.commit()

    texts: list[str] = []
    texts.append(_fetch(client, "/calendar.ics"))
    texts.append(_fetch(client, "/calendar.csv"))
    texts.append(_fetch(client, f"/calendar/feed/{token}.ics"))

    login(client, trainer)
    for cohort in (past, coming):
        texts.append(_fetch(client, f"/cohorts/{cohort.id}/days/1/sign-in-sheet.pdf"))
        texts.append(_fetch(client, f"/cohorts/{cohort.id}/bookings"))
    texts.append(_fetch(client, "/demand.csv"))

    login(client, learner)
    texts.append(_fetch(client, f"/bookings/{bookings[1].id}/calendar.ics"))
    texts.append(_fetch(client, f"/people/{learner.id}/cpd/statement.csv"))
    texts.append(_fetch(client, f"/people/{learner.id}/cpd/statement.pdf"))

    login(client, manager)
    links: set[str] = set()
    for listing in ("/reports/statistics", "/reports/exports"):
        html = _fetch(client, listing)
        texts.append(html)
        links |= {
            link.replace("&amp;", "&")
            for link in re.findall(r'href="(/reports/[^"]+)"', html)
            if DOWNLOAD.search(link.split("?")[0])
        }
    assert any("/reports/named/attendees.csv" in link for link in links)
    assert any(link.split("?")[0].endswith(".xlsx") for link in links)
    for link in sorted(links):
        texts.append(_fetch(client, link))

    # The sign-in sheet goes round the room: not even a marker (the register on screen has one).
    sheets = [page for page in rendered if "sign-in" in page.lower() or "Signature" in page]
    assert sheets and all("access or dietary" not in page for page in sheets)
    for text in texts + rendered:
        for giveaway in GIVEAWAYS:
            assert giveaway not in text, giveaway
