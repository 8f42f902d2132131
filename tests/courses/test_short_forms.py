"""The framework's short forms (IFSS, IFST, CPD, CQF; DPP and FfCChC in Welsh) are explained
where the catalogue and a course page first use them (issue 20, R46): an <abbr> naming the
full term in the visitor's language, linked to its entry on /glossary."""

from __future__ import annotations

import re

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_babel import gettext

from tests.factories import make_course
from tests.helpers import as_user, page, page_html
from trainhub.extensions import db
from trainhub.site import glossary

#: Each short form (as English readers see it), its glossary entry and the full term the
#: <abbr> names; Welsh readers see the Welsh of both.
SHORT_FORMS = [
    ("IFSS", "ifss", "Integrated Family Support Service"),
    ("IFST", "ifst", "Integrated Family Support Team"),
    ("CPD", "cpd", "Continuing Professional Development"),
    ("CQF", "cqf", "Credit and Qualification Framework"),
]
#: The short forms that are settings rather than words (the same in both languages here).
SETTINGS = ("IFSS", "IFST")
#: What the glossary itself calls them in Welsh (course pages read the glossary).
GLOSSARY_CY = [
    ("IFSS", "ifss", "Gwasanaeth Integredig Cymorth i Deuluoedd"),
    ("IFST", "ifst", "Tîm Integredig Cymorth i Deuluoedd"),
    ("DPP", "cpd", "Datblygiad Proffesiynol Parhaus"),
    ("FfCChC", "cqf", "Fframwaith Credydau a Chymwysterau Cymru"),
]


def in_language(app: Flask, lang: str) -> list[tuple[str, str, str]]:
    """``SHORT_FORMS`` as the interface writes them in ``lang`` (its compiled catalogue)."""
    with app.test_request_context():
        session["lang"] = lang
        return [
            (short if short in SETTINGS else gettext(short), slug, gettext(term))
            for short, slug, term in SHORT_FORMS
        ]


def first_use(html: str, short: str) -> tuple[str, str] | None:
    """The markup just before the first text of the page's main content that uses ``short``,
    and that text; None when the content never uses it."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    for text in re.finditer(r">([^<]*)", main):
        if re.search(rf"(?<!\w){re.escape(short)}(?!\w)", text.group(1)):
            return main[: text.start() + 1], text.group(1)
    return None


def assert_explained(html: str, forms: list[tuple[str, str, str]]) -> None:
    for short, slug, term in forms:
        found = first_use(html, short)
        assert found is not None, short
        before, text = found
        assert text == short, (short, text)
        assert before.endswith(
            f'<abbr title="{term}"><a class="govuk-link" href="/glossary#{slug}">'
        ), (short, before[-200:])


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    glossary.seed_glossary()
    make_course(
        code="CORE",
        title="Core training",
        kind="framework",
        audience="ifst_only",
        cpd_hours=28,
        credit_value=10,
    )
    db.session.commit()
    return as_user(app, None)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_catalogue_explains_each_short_form_at_first_use(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    client.get(f"/language/{lang}")
    forms = in_language(app, lang)
    assert_explained(page_html(client.get("/courses")), forms)
    # Each link leads to an entry that is on the glossary page.
    glossary_page = page_html(client.get("/glossary"))
    for _short, slug, _term in forms:
        assert f'id="{slug}"' in glossary_page


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_a_course_page_explains_each_short_form_at_first_use(
    client: FlaskClient, lang: str
) -> None:
    client.get(f"/language/{lang}")
    assert_explained(
        page_html(client.get("/courses/CORE")), SHORT_FORMS if lang == "en" else GLOSSARY_CY
    )


def test_the_catalogue_introduces_the_programmes_core_first(client: FlaskClient) -> None:
    text = page(client.get("/courses"))
    assert "The framework's programmes come first, starting with the core training" in text


def test_the_welsh_catalogue_names_the_welsh_short_forms(app: Flask) -> None:
    forms = dict((slug, (short, term)) for short, slug, term in in_language(app, "cy"))
    # Once the Welsh catalogue has them (merged translations), as the glossary writes them.
    if forms["cqf"][0] != "CQF":
        assert forms["cpd"] == ("DPP", "Datblygiad Proffesiynol Parhaus")
        assert forms["cqf"] == ("FfCChC", "Fframwaith Credydau a Chymwysterau Cymru")
