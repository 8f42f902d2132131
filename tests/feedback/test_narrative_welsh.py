"""The report's narrative in Welsh (issue 20): written beside the English, shown in the Welsh
report (page, PDF, Word) with the English standing in marked by ``lang`` and, for staff on
screen, "No Welsh yet"; frozen in both languages at publication; listed on the page of what
lacks Welsh, exported and imported as text units."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from flask import Flask, render_template, session
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_user
from tests.helpers import QueryCounter, as_user, field_error, follow, page
from trainhub import bilingual
from trainhub.auth.models import User
from trainhub.courses.models import local_today
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import reporting
from trainhub.feedback.models import ReportNarrative, ReportSnapshot
from trainhub.feedback.services import narrative, report
from trainhub.financial_years import Period, financial_year, financial_year_label

FY = "2016-17"
#: The glossary's "No Welsh yet" tag (in Welsh pages "Dim Cymraeg eto").
MARKER = '<strong class="govuk-tag govuk-tag--yellow">'
INTRO_EN = "The service trained **ninety** practitioners."
INTRO_CY = "Hyfforddodd y gwasanaeth **naw deg** o ymarferwyr."
OTHER_EN = "Two new partners joined."


@pytest.fixture
def manager(app: Flask) -> User:
    return make_user(roles=["manager"], full_name="Morgan Manager")


def welsh(client: FlaskClient) -> FlaskClient:
    client.get("/language/cy")
    return client


def write(manager: User, year: int = 2016, **texts: str) -> None:
    narrative.save_narrative(manager, year, texts)
    db.session.commit()


# Writing both side by side -----------------------------------------------------------------------


def test_the_editor_puts_each_section_beside_its_welsh(app: Flask, manager: User) -> None:
    write(manager, introduction=INTRO_EN, introduction_cy=INTRO_CY)
    text = page(as_user(app, manager).get(f"/reports/narrative?fy={FY}"))
    for section in ("introduction", "developments", "other"):
        english = text.index(f'name="{section}"')
        cymraeg = text.index(f'name="{section}_cy"')
        assert english < cymraeg
    assert re.search(r'<textarea[^>]*id="introduction_cy"[^>]*lang="cy"', text)
    assert "Introduction in Welsh (optional)" in text
    assert "naw deg" in text  # the saved Welsh is in its field
    assert "Markdown works too" in text  # one help for both languages


def test_a_manager_saves_both_languages(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    response = client.post(
        f"/reports/narrative?fy={FY}",
        data={"introduction": INTRO_EN, "introduction_cy": INTRO_CY, "other": OTHER_EN},
    )
    assert response.headers["Location"] == f"/reports/statistics?fy={FY}#narrative"
    rows = db.session.execute(select(ReportNarrative).order_by(ReportNarrative.section)).scalars()
    assert [(r.section, r.text, r.text_cy, r.updated_by_id) for r in rows] == [
        ("introduction", INTRO_EN, INTRO_CY, manager.id),
        ("other", OTHER_EN, None, manager.id),
    ]
    # Emptying the Welsh clears it; emptying both takes the section out.
    client.post(f"/reports/narrative?fy={FY}", data={"introduction": INTRO_EN})
    assert narrative.words_of(2016) == narrative.Words({"introduction": INTRO_EN}, {})


def test_welsh_alone_is_kept(app: Flask, manager: User) -> None:
    write(manager, other_cy="Dim ond yn Gymraeg.")
    assert narrative.words_of(2016) == narrative.Words({}, {"other": "Dim ond yn Gymraeg."})
    with app.test_request_context():
        [shown] = narrative.sections(narrative.words_of(2016), "en")
    assert (shown.text, shown.lang, shown.missing_welsh) == ("Dim ond yn Gymraeg.", "cy", False)


def test_too_long_a_welsh_section_is_refused_on_its_field(app: Flask, manager: User) -> None:
    response = as_user(app, manager).post(
        f"/reports/narrative?fy={FY}",
        data={"introduction": INTRO_EN, "introduction_cy": "x" * (narrative.MAX_LENGTH + 1)},
    )
    assert response.status_code == 400
    assert field_error(page(response), "introduction_cy") == (
        f"Enter {narrative.MAX_LENGTH} characters or fewer (you entered 20001)"
    )
    assert field_error(page(response), "introduction") is None
    assert narrative.words_of(2016) == narrative.Words()  # nothing half-written


# The report in Welsh -----------------------------------------------------------------------------


def test_the_welsh_statistics_page_shows_the_welsh_and_marks_the_english(
    app: Flask, manager: User
) -> None:
    write(manager, introduction=INTRO_EN, introduction_cy=INTRO_CY, other=OTHER_EN)
    client = welsh(as_user(app, manager))
    text = page(client.get(f"/reports/statistics?fy={FY}"))
    intro = text.split('id="narrative-introduction"', 1)[1].split("</div>", 1)[0]
    assert "<strong>naw deg</strong>" in intro and "ninety" not in intro
    assert MARKER not in intro and 'lang="en"' not in intro
    other = text.split('id="narrative-other"', 1)[1].split("</div>", 1)[0]
    assert MARKER in other and "Dim Cymraeg eto" in other  # staff see the gap
    assert re.search(r'<div class="govuk-body trainhub-narrative" lang="en">\s*<p>Two new', other)

    # In English the English is shown; staff still see which section lacks Welsh.
    client.get("/language/en")
    text = page(client.get(f"/reports/statistics?fy={FY}"))
    assert "<strong>ninety</strong>" in text and "naw deg" not in text
    assert 'lang="en"' not in text.split('id="narrative-introduction"', 1)[1].split("</div>")[0]


def test_the_welsh_pdf_draws_the_welsh(app: Flask, manager: User) -> None:
    write(manager, introduction=INTRO_EN, introduction_cy=INTRO_CY, other=OTHER_EN)
    with app.test_request_context():
        session["lang"] = "cy"
        context = report.context(reporting.compute(Period(2016)), words=narrative.words_of(2016))
        html = render_template("feedback/report_pdf.html", **context)
    assert '<html lang="cy">' in html
    assert "<strong>naw deg</strong>" in html and "ninety" not in html
    assert re.search(r'<div class="narrative" lang="en">\s*<p>Two new partners', html)
    assert MARKER not in html  # the printed report carries no staff marker


def test_the_welsh_word_file_marks_the_english_standing_in(app: Flask, manager: User) -> None:
    write(manager, introduction=INTRO_EN, introduction_cy=INTRO_CY, other=OTHER_EN)
    client = welsh(as_user(app, manager))
    response = client.get(f"/reports/training-report.docx?fy={FY}")
    document = Document(io.BytesIO(response.get_data()))
    texts = [p.text for p in document.paragraphs]
    assert "Hyfforddodd y gwasanaeth naw deg o ymarferwyr." in texts
    assert "The service trained ninety practitioners." not in texts
    english = next(p for p in document.paragraphs if p.text == OTHER_EN)
    run_languages = {r._r.rPr.find(qn("w:lang")).get(qn("w:val")) for r in english.runs}
    assert run_languages == {"en-GB"}
    welsh_paragraph = next(p for p in document.paragraphs if p.text.startswith("Hyfforddodd"))
    assert all(
        r._r.rPr is None or r._r.rPr.find(qn("w:lang")) is None for r in welsh_paragraph.runs
    )  # the document's own language (cy-GB in its Normal style)


# Publishing ---------------------------------------------------------------------------------------


def test_publishing_freezes_both_languages(app: Flask, manager: User) -> None:
    write(manager, introduction=INTRO_EN, introduction_cy=INTRO_CY, other=OTHER_EN)
    report.publish(manager, 2016, today=dt.date(2017, 5, 1))
    snapshot = db.session.execute(select(ReportSnapshot)).scalar_one()
    assert snapshot.narrative == {"introduction": INTRO_EN, "other": OTHER_EN}
    assert snapshot.narrative_cy == {"introduction": INTRO_CY}
    row = db.session.execute(
        select(ReportNarrative).where(ReportNarrative.section == "introduction")
    ).scalar_one()
    row.text_cy = "Wedi'i ailysgrifennu wedyn."
    db.session.commit()

    client = welsh(as_user(app, manager))
    text = page(client.get(f"/reports/statistics?fy={FY}"))
    assert "naw deg" in text and "ailysgrifennu" not in text
    text = page(client.get(f"/reports/narrative?fy={FY}"))
    assert "naw deg" in text and 'name="introduction_cy"' not in text
    assert re.search(r'lang="en">\s*<p>Two new partners', text)


def test_a_year_published_before_the_welsh_shows_its_english(app: Flask, manager: User) -> None:
    write(manager, introduction=INTRO_EN, introduction_cy=INTRO_CY)
    snapshot = report.publish(manager, 2016, today=dt.date(2017, 5, 1))
    snapshot.narrative_cy = None  # as every year published before the narrative had Welsh
    db.session.commit()
    text = page(welsh(as_user(app, manager)).get(f"/reports/statistics?fy={FY}"))
    intro = text.split('id="narrative-introduction"', 1)[1].split("</div>", 1)[0]
    assert "<strong>ninety</strong>" in intro and "naw deg" not in intro
    assert 'lang="en"' in intro and MARKER in intro


# What lacks Welsh, export and import ---------------------------------------------------------------


def this_year() -> int:
    return financial_year(local_today())


def test_the_completeness_page_lists_this_and_last_years_sections(
    app: Flask, manager: User
) -> None:
    now = this_year()
    write(manager, now, introduction="This year.", developments="New.", developments_cy="Newydd.")
    write(manager, now - 1, other="Last year.")
    write(manager, now - 2, introduction="Long ago.")
    admin = make_user(roles=["admin", "manager"])
    text = page(as_user(app, admin).get("/admin/welsh"))
    assert "The annual report's narrative" in text
    listed = text.split('id="narrative"', 1)[1].split("</table>", 1)[0]
    last, this = financial_year_label(now - 1), financial_year_label(now)
    assert f"Annual report {last}" in listed and f"Annual report {this}" in listed
    assert listed.index(f"Annual report {last}") < listed.index(f"Annual report {this}")
    assert f'href="/reports/narrative?fy={last}#other_cy"' in listed
    assert f'href="/reports/narrative?fy={this}#introduction_cy"' in listed
    assert "developments_cy" not in listed  # has its Welsh
    assert financial_year_label(now - 2) not in listed  # an older year is no longer written
    # A trainer sees the list but not the way to write a manager's text.
    trainer = page(as_user(app, make_user(roles=["trainer"])).get("/admin/welsh"))
    listed = trainer.split('id="narrative"', 1)[1].split("</table>", 1)[0]
    assert "Annual report" in listed and "/reports/narrative" not in listed


def test_a_published_year_is_no_gap(app: Flask, manager: User) -> None:
    last = this_year() - 1
    write(manager, last, introduction="Published.")
    report.publish(manager, last)
    assert narrative.welsh_gaps() == []
    assert narrative.welsh_units() == []


def test_the_gaps_and_units_read_in_a_fixed_number_of_queries(
    app: Flask, manager: User, count_queries: QueryCounter
) -> None:
    now = this_year()
    with app.test_request_context():
        before = count_queries.count
        narrative.welsh_gaps()
        narrative.welsh_units()
        few = count_queries.count - before
        for year in (now - 1, now):
            write(manager, year, introduction="A.", developments="B.", other="C.")
        before = count_queries.count
        assert len(narrative.welsh_gaps()) == 6
        assert len(narrative.welsh_units()) == 6
        assert count_queries.count - before == few


def test_units_name_each_section_in_report_order(app: Flask, manager: User) -> None:
    write(manager, other="C.", introduction="A.", introduction_cy="A cy.")
    ids = {r.section: r.id for r in db.session.execute(select(ReportNarrative)).scalars().all()}
    with app.test_request_context():
        units = narrative.welsh_units()
    assert units == [
        bilingual.TextUnit(
            f"narrative:{ids['introduction']}:text",
            "Annual report 2016-17",
            "Introduction",
            "A.",
            "A cy.",
        ),
        bilingual.TextUnit(
            f"narrative:{ids['other']}:text", "Annual report 2016-17", "Anything else", "C.", None
        ),
    ]
    kind = next(k for k in bilingual.kinds() if k.key == "narrative")
    assert kind.units is narrative.welsh_units and kind.apply is narrative.set_welsh


def test_imported_welsh_is_written_and_cleared(app: Flask, manager: User) -> None:
    write(manager, introduction="A.", introduction_cy="Hen.", other="C.")
    ids = {r.section: r.id for r in db.session.execute(select(ReportNarrative)).scalars()}
    with app.test_request_context():
        changed = narrative.set_welsh(
            {
                f"narrative:{ids['introduction']}:text": "",
                f"narrative:{ids['other']}:text": "Newydd.\r\n",
            },
            manager,
        )
    assert changed == 2
    assert narrative.words_of(2016).welsh == {"other": "Newydd."}
    with app.test_request_context():
        assert narrative.set_welsh({f"narrative:{ids['other']}:text": "Newydd."}, manager) == 0


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("narrative:x:text", "Da.", "is not a text of the report"),
        ("courses:1:title", "Da.", "is not a text of the report"),
        ("narrative:999999:text", "Da.", "no longer exists"),
        (None, "x" * (narrative.MAX_LENGTH + 1), "characters or fewer"),
        (None, "Da\x07.", "control characters"),
    ],
)
def test_imported_welsh_is_all_checked_before_any_is_written(
    app: Flask, manager: User, key: str | None, value: str, says: str
) -> None:
    write(manager, introduction="A.", other="C.")
    ids = {r.section: r.id for r in db.session.execute(select(ReportNarrative)).scalars()}
    good = f"narrative:{ids['introduction']}:text"
    bad = key or f"narrative:{ids['other']}:text"
    with app.test_request_context(), pytest.raises(ValidationFailed) as raised:
        narrative.set_welsh({good: "Da.", bad: value}, manager)
    assert raised.value.field == bad and bad in str(raised.value) and says in str(raised.value)
    assert narrative.words_of(2016).welsh == {}


def test_imported_welsh_of_a_published_year_is_refused(app: Flask, manager: User) -> None:
    write(manager, introduction="A.")
    row_id = db.session.execute(select(ReportNarrative.id)).scalar_one()
    report.publish(manager, 2016, today=dt.date(2017, 5, 1))
    with app.test_request_context(), pytest.raises(ValidationFailed, match="published"):
        narrative.set_welsh({f"narrative:{row_id}:text": "Da."}, manager)


def test_only_managers_import_the_narratives_welsh(app: Flask, manager: User) -> None:
    write(manager, introduction="A.")
    row_id = db.session.execute(select(ReportNarrative.id)).scalar_one()
    with app.test_request_context(), pytest.raises(PermissionDenied):
        narrative.set_welsh({f"narrative:{row_id}:text": "Da."}, make_user(roles=["admin"]))


def test_follow_to_the_statistics_after_saving(app: Flask, manager: User) -> None:
    client = welsh(as_user(app, manager))
    response = client.post(
        f"/reports/narrative?fy={FY}", data={"introduction": INTRO_EN, "introduction_cy": INTRO_CY}
    )
    assert "<strong>naw deg</strong>" in follow(client, response)


def test_the_managers_checklist_notes_the_missing_welsh(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    text = page(client.get("/"))
    assert "some sections have no Welsh yet" not in text  # nothing written: nothing to translate
    fy = text.split("Prepare the ", 1)[1].split(" annual report", 1)[0]
    year = int(fy[:4])
    write(manager, year, introduction="Words.", other="More.", other_cy="Mwy.")
    text = page(client.get("/"))
    assert "The report's narrative: some sections have no Welsh yet" in text
    assert f'href="/reports/narrative?fy={fy}"' in text
    write(manager, year, introduction="Words.", introduction_cy="Geiriau.", other="More.")
    assert "some sections have no Welsh yet" in page(client.get("/"))  # "other" lost its Welsh
    write(manager, year, introduction="Words.", introduction_cy="Geiriau.")
    assert "some sections have no Welsh yet" not in page(client.get("/"))
