"""Every PDF trainhub makes is a tagged, accessible PDF (PDF/UA-1): a structure tree, marked
content, the page's language and the document's title shown in the title bar.

The four kinds (the published annual report, certificates, CPD statements and sign-in sheets)
are drawn through their pages in English and in Welsh and read back with pikepdf.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pikepdf
import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import make_booking, make_cohort, make_course, make_user
from tests.feedback.view_helpers import asked_cohort
from tests.helpers import as_user
from trainhub.accreditation.models import Certificate
from trainhub.accreditation.services.cpd import bank_entry
from trainhub.auth.models import User
from trainhub.courses.models import Completion, Course, local_today
from trainhub.courses.signals import course_completed
from trainhub.extensions import db
from trainhub.feedback.services import report

pytestmark = pytest.mark.once

#: What each kind's title starts with, by language (the msgstr of the template's title).
TITLES = {
    "en": {
        "report": "Training – 2016-17",
        "certificate": "Certificate – Siân Ŵyn",
        "statement": "CPD statement – Siân Ŵyn",
        "sign-in": "Sign-in sheet – Cwrs Craidd",
    },
    "cy": {
        "report": "Hyfforddiant – 2016-17",
        "certificate": "Tystysgrif – Siân Ŵyn",
        "statement": "Datganiad DPP – Siân Ŵyn",
        "sign-in": "Taflen lofnodi – Cwrs Craidd",
    },
}


def _report(app: Flask, language: str) -> bytes:
    asked_cohort(5, 5, course=make_course(title="Chairing Core Group Meetings Training"))
    boss = make_user(roles=["manager"], preferred_language=language)
    response = as_user(app, boss).get("/reports/training-report.pdf?fy=2016-17")
    assert response.status_code == 200
    return bytes(response.get_data())


def _learner(language: str) -> User:
    return make_user(roles=["learner"], full_name="Siân Ŵyn", preferred_language=language)


def _certificate(app: Flask, language: str) -> bytes:
    person = _learner(language)
    core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()
    completion = Completion(user=person, course=core, completed_on=dt.date(2026, 5, 14))
    db.session.add(completion)
    db.session.flush()
    course_completed.send(None, completions=[completion], actor=None)
    code = db.session.execute(
        select(Certificate.code).where(Certificate.user_id == person.id)
    ).scalar_one()
    response = as_user(app, person).get(f"/certificates/{code}.pdf")
    assert response.status_code == 200
    return bytes(response.get_data())


def _statement(app: Flask, language: str) -> bytes:
    person = _learner(language)
    bank_entry(person, "course", dt.date(2026, 5, 1), "Core training", hours=Decimal(28))
    response = as_user(app, person).get(f"/people/{person.id}/cpd/statement.pdf")
    assert response.status_code == 200
    return bytes(response.get_data())


def _sign_in_sheet(app: Flask, language: str) -> bytes:
    trainer = make_user(roles=["trainer"], full_name="Tegan Trainer", preferred_language=language)
    cohort = make_cohort(days=1, facilitators=[trainer], start=local_today(), title="Cwrs Craidd")
    make_booking(cohort, _learner("en"))
    response = as_user(app, trainer).get(f"/cohorts/{cohort.id}/days/1/sign-in-sheet.pdf")
    assert response.status_code == 200
    return bytes(response.get_data())


KINDS: dict[str, Any] = {
    "report": _report,
    "certificate": _certificate,
    "statement": _statement,
    "sign-in": _sign_in_sheet,
}


def _kinds_of(document: pikepdf.Pdf) -> set[str]:
    """Every structure type below the tree's root."""
    seen: set[str] = set()
    todo = [document.Root.StructTreeRoot]
    while todo:
        node = todo.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                seen.add(str(kid.S))
                todo.append(kid)
    return seen


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_pdf_is_tagged_with_its_language_and_title(
    app: Flask, catalogue: None, kind: str, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A certificate carries both languages: the document's is the first it prints.
    other = "en" if language == "cy" else "cy"
    monkeypatch.setitem(app.config, "CERTIFICATE_LANGUAGES", f"{language},{other}")
    data = KINDS[kind](app, language)

    with pikepdf.open(io.BytesIO(data)) as document:
        root = document.Root
        assert root.StructTreeRoot.Type == "/StructTreeRoot"
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == language
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        title = str(document.docinfo.Title)
        assert title == TITLES[language][kind]
        assert document.pdf_version == "1.7"
        # PDF/UA-1 is declared in the XMP metadata, with the same title.
        with document.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["dc:title"] == title
        structure = _kinds_of(document)
        assert {"/Document", "/H1", "/P", "/Table", "/TR", "/TD"} <= structure


def test_the_report_charts_carry_their_title_as_alternative_text(
    app: Flask, catalogue: None
) -> None:
    data = _report(app, "en")

    with pikepdf.open(io.BytesIO(data)) as document:
        figures = []
        todo = [document.Root.StructTreeRoot]
        while todo:
            node = todo.pop()
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids else []:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if kid.S == "/Figure":
                        figures.append(str(kid.get("/Alt", "")))
                    todo.append(kid)
    assert "Attendees by course" in figures
    assert all(figures), figures


def test_an_empty_year_still_makes_a_report(app: Flask) -> None:
    boss = make_user(roles=["manager"])

    response = as_user(app, boss).get("/reports/training-report.pdf?fy=2010-11")

    with pikepdf.open(io.BytesIO(response.get_data())) as document:
        assert str(document.Root.Lang) == "en"
        assert "/StructTreeRoot" in document.Root


def test_the_published_report_is_tagged_in_the_language_it_was_published_in(
    app: Flask, catalogue: None
) -> None:
    asked_cohort(5, 5)
    boss = make_user(roles=["manager"], preferred_language="cy")
    with app.test_request_context(), force_locale("cy"):
        report.publish(boss, 2016, today=dt.date(2017, 6, 1))

    response = as_user(app, boss).get("/reports/published/2016.pdf")

    with pikepdf.open(io.BytesIO(response.get_data())) as document:
        assert "/StructTreeRoot" in document.Root
        assert bool(document.Root.MarkInfo.Marked) is True
        assert str(document.Root.Lang) == "cy"
        assert str(document.docinfo.Title) == "Hyfforddiant – 2016-17"
