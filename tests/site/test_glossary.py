"""The glossary of the framework's terms (R46): public in both languages, in the visitor's
alphabet, each term with its anchor; English shown (marked as English) where the Welsh is not
written yet, with "No Welsh yet" for staff; administrators add, change and remove terms
(checked, audited); seeded with the catalogue; explained at first use on course pages."""

from __future__ import annotations

import re

import pytest
from click.testing import Result
from flask import Flask

from tests.factories import make_course, make_user
from tests.helpers import (
    QueryCounter,
    as_user,
    banners,
    count,
    field_error,
    follow,
    page,
    page_html,
)
from trainhub.audit import AuditEvent
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.site import glossary
from trainhub.site.glossary_data import TERMS
from trainhub.site.models import GlossaryTerm


def add(slug: str, term_en: str, definition_en: str = "Meaning.", **more: str) -> GlossaryTerm:
    term = GlossaryTerm(slug=slug, term_en=term_en, definition_en=definition_en, **more)
    db.session.add(term)
    db.session.flush()
    return term


def form(**changes: str) -> dict[str, str]:
    data = dict.fromkeys(glossary.FIELDS, "")
    data.update(term_en="Relapse", definition_en="A return to an old pattern.")
    data.update(changes)
    return data


def entry(text: str, slug: str) -> str:
    found = re.search(rf'<div class="[^"]*" id="{slug}">(.*?)</div>', text, re.S)
    assert found, f"no entry #{slug}"
    return found.group(1)


# The alphabet (pure logic: once) -----------------------------------------------------------------


def test_welsh_sorts_by_the_welsh_alphabet_and_english_by_its_own() -> None:
    words = ["Llyfr gwaith", "Lefel 2", "Cyfweld", "Chwarae", "Dysgu", "Ddoe", "Ŵyr", "Wal"]
    assert sorted(words, key=lambda w: glossary.sort_key(w, "cy")) == [
        "Cyfweld",
        "Chwarae",
        "Dysgu",
        "Ddoe",
        "Lefel 2",
        "Llyfr gwaith",
        "Wal",
        "Ŵyr",
    ]
    assert sorted(["Llyfr", "Lima", "chalk", "Cyan"], key=lambda w: glossary.sort_key(w, "en")) == [
        "chalk",
        "Cyan",
        "Lima",
        "Llyfr",
    ]


def test_a_link_name_is_made_from_the_term() -> None:
    assert glossary.slug_for("Open Badge") == "open-badge"
    assert glossary.slug_for("Train-the-trainer") == "train-the-trainer"
    assert glossary.slug_for("  Ymwelydd iechyd!  ") == "ymwelydd-iechyd"


# Reading -----------------------------------------------------------------------------------------


def test_an_empty_glossary_says_so(app: Flask) -> None:
    response = app.test_client().get("/glossary")
    assert response.status_code == 200
    assert "There are no terms in the glossary yet." in page(response)


def test_visitors_read_terms_in_their_language_and_alphabet_with_anchors(app: Flask) -> None:
    add("lefel", "Level", "A stage.", term_cy="Lefel", definition_cy="Cam.")
    add("workbook", "Workbook", "Written evidence.", term_cy="Llyfr gwaith")
    add(
        "cpd",
        "Continuing Professional Development",
        "Learning kept up.",
        abbreviation_en="CPD",
        term_cy="Datblygiad Proffesiynol Parhaus",
        abbreviation_cy="DPP",
        definition_cy="Dysgu parhaus.",
    )
    add("fidelity", "Fidelity", "As designed.")
    client = as_user(app, None)

    english = page(client.get("/glossary"))
    assert '<html lang="en"' in english
    order = [english.index(f'id="{slug}"') for slug in ("cpd", "fidelity", "lefel", "workbook")]
    assert order == sorted(order)
    assert "CPD</span> <span" in entry(english, "cpd")
    assert "(Continuing Professional Development)" in entry(english, "cpd")
    assert 'lang="en"' not in english.split("<main", 1)[1]  # nothing is marked as foreign

    client.get("/language/cy")
    welsh = page(client.get("/glossary"))
    assert '<html lang="cy"' in welsh
    # The Welsh alphabet: DPP, Fidelity (English), Lefel, Llyfr gwaith (ll after l).
    order = [welsh.index(f'id="{slug}"') for slug in ("cpd", "fidelity", "lefel", "workbook")]
    assert order == sorted(order)
    assert "DPP" in entry(welsh, "cpd") and "Dysgu parhaus." in entry(welsh, "cpd")
    assert "Cam." in entry(welsh, "lefel")
    # No Welsh of its own: the English, marked as English, term and definition alike.
    assert '<span lang="en">Fidelity</span>' in entry(welsh, "fidelity")
    assert re.search(r'<dd [^>]*lang="en">As designed\.</dd>', entry(welsh, "fidelity"))
    # A Welsh term without its Welsh definition: the term in Welsh, the definition in English.
    assert "<span>Llyfr gwaith</span>" in entry(welsh, "workbook")
    assert re.search(r'<dd [^>]*lang="en">Written evidence\.</dd>', entry(welsh, "workbook"))
    # Visitors and learners are not told what is missing; staff are.
    assert "No Welsh yet" not in welsh


@pytest.mark.parametrize("role", ["trainer", "assessor", "manager", "admin"])
def test_staff_see_which_terms_have_no_welsh_yet(app: Flask, role: str) -> None:
    add("fidelity", "Fidelity", "As designed.")
    add("teulu", "Family", "People.", term_cy="Teulu", definition_cy="Pobl.")
    client = as_user(app, make_user(roles=[role]))
    client.get("/language/cy")
    welsh = page(client.get("/glossary"))
    # The tag is in the reader's language ("Dim Cymraeg eto" since the glossary's Welsh).
    assert "govuk-tag--yellow" in entry(welsh, "fidelity")
    assert "govuk-tag--yellow" not in entry(welsh, "teulu")
    learner = page(as_user(app, make_user(roles=["learner"])).get("/glossary"))
    assert "No Welsh yet" not in learner


def test_the_glossary_reads_its_terms_in_one_query(app: Flask, count_queries: QueryCounter) -> None:
    glossary.seed_glossary()
    client = as_user(app, None)
    client.get("/glossary")
    before = count_queries.count
    client.get("/glossary")
    few = count_queries.count - before
    for n in range(20):
        add(f"term-{n}", f"Term {n}")
    db.session.commit()
    before = count_queries.count
    response = client.get("/glossary")
    assert response.status_code == 200 and "Term 19" in page(response)
    assert count_queries.count - before == few <= 2


def test_the_footer_links_to_the_glossary(app: Flask) -> None:
    for path in ("/", "/courses", "/privacy"):
        assert 'href="/glossary"' in page_html(app.test_client().get(path))


# Seeding -----------------------------------------------------------------------------------------


def test_seeding_adds_the_framework_terms_once_and_keeps_changes(app: Flask) -> None:
    added = glossary.seed_glossary()
    assert len(added) == len(TERMS) == count(GlossaryTerm)
    terms = {term.slug: term for term in added}
    assert terms["open-badge"].term_cy == "Bathodyn Agored"
    assert terms["cpd"].abbreviation_cy == "DPP"
    assert terms["cqf"].abbreviation_cy == "FfCChC"
    assert terms["ifst"].term_cy == "Tîm Integredig Cymorth i Deuluoedd"
    # The framework's text is never machine-translated: every Welsh definition is left empty.
    assert all(term.definition_cy is None for term in added)
    terms["fidelity"].definition_en = "Our own words."
    db.session.delete(terms["nurse"])
    db.session.flush()
    again = glossary.seed_glossary()
    assert [term.slug for term in again] == ["nurse"]
    assert terms["fidelity"].definition_en == "Our own words."
    assert count(GlossaryTerm) == len(TERMS)


def test_the_catalogue_seed_and_the_demo_load_the_glossary(app: Flask) -> None:
    from trainhub.cli import _seed_catalogue

    _seed_catalogue()
    assert count(GlossaryTerm) == len(TERMS)
    _seed_catalogue()
    assert count(GlossaryTerm) == len(TERMS)


def test_flask_catalogue_seed_names_the_glossary(app: Flask) -> None:
    result: Result = app.test_cli_runner().invoke(args=["catalogue", "seed", "--help"])
    assert "glossary" in result.output


# Changing them -----------------------------------------------------------------------------------


def test_an_admin_adds_a_term_with_welsh_and_everyone_reads_it(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    assert "Add a glossary term" in page(client.get("/admin/glossary/new"))
    response = client.post(
        "/admin/glossary/new",
        data=form(
            abbreviation_en="BSFT",
            term_en="Brief Solution Focused Therapy",
            definition_en="A short therapy.",
            term_cy="Therapi Byr sy'n Canolbwyntio ar Atebion",
            definition_cy="Therapi byr.",
        ),
    )
    assert response.headers["Location"].endswith("/admin/glossary")
    assert ("success", "“Brief Solution Focused Therapy” added to the glossary.") in banners(
        follow(client, response)
    )
    term = db.session.execute(db.select(GlossaryTerm)).scalar_one()
    assert term.slug == "bsft"  # made from the short form
    assert term.abbreviation_cy is None and term.updated_by_id == admin.id
    assert count(AuditEvent, AuditEvent.action == "glossary.added") == 1
    visitor = as_user(app, None)
    assert "A short therapy." in entry(page(visitor.get("/glossary")), "bsft")
    visitor.get("/language/cy")
    welsh = entry(page(visitor.get("/glossary")), "bsft")
    assert "Therapi Byr sy'n Canolbwyntio ar Atebion" in welsh and "Therapi byr." in welsh


def test_an_admin_changes_and_removes_a_term(app: Flask) -> None:
    term = add("fidelity", "Fidelity", "As designed.")
    term_id = term.id
    client = as_user(app, make_user(roles=["admin"]))
    edit = page(client.get(f"/admin/glossary/{term.id}"))
    assert 'value="Fidelity"' in edit and 'lang="cy"' in edit and "Cymraeg" in edit
    response = client.post(
        f"/admin/glossary/{term.id}",
        data=form(slug="fidelity", term_en="Fidelity", definition_en="Delivered as designed."),
    )
    assert response.status_code == 302
    db.session.refresh(term)
    assert term.definition_en == "Delivered as designed."
    assert count(AuditEvent, AuditEvent.action == "glossary.changed") == 1

    confirm = page(client.get(f"/admin/glossary/{term.id}/remove"))
    assert "Remove “Fidelity” from the glossary" in confirm and "/glossary#fidelity" in confirm
    assert count(GlossaryTerm) == 1  # asking is not removing
    response = client.post(f"/admin/glossary/{term.id}/remove")
    assert ("success", "“Fidelity” removed from the glossary.") in banners(follow(client, response))
    assert count(GlossaryTerm) == 0
    assert count(AuditEvent, AuditEvent.action == "glossary.removed") == 1
    assert client.get(f"/admin/glossary/{term_id}").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"term_en": ""}, "term_en", "Enter the term in English"),
        ({"definition_en": " "}, "definition_en", "Enter what the term means, in English"),
        ({"slug": "Open Badge"}, "slug", "Enter a link name of lower-case letters"),
        ({"slug": "fidelity"}, "slug", "“Fidelity” already uses the link name fidelity"),
        ({"abbreviation_en": "X" * 21}, "abbreviation_en", "Enter 20 characters or fewer"),
        ({"term_cy": "Llinell\narall"}, "term_cy", "without line breaks"),
        ({"definition_cy": "Ystyr."}, "term_cy", "Enter the term in Welsh for its Welsh"),
        ({"abbreviation_cy": "DPP"}, "term_cy", "Enter the term in Welsh, or leave"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    app: Flask, changes: dict[str, str], field: str, message: str
) -> None:
    add("fidelity", "Fidelity", "As designed.")
    client = as_user(app, make_user(roles=["admin"]))
    response = client.post("/admin/glossary/new", data=form(**changes))
    assert response.status_code == 400
    error = field_error(page(response), field)
    assert error is not None and message in error, error
    assert count(GlossaryTerm) == 1
    assert count(AuditEvent) == 0


def test_only_administrators_change_the_glossary(app: Flask) -> None:
    manager = make_user(roles=["manager"])
    with pytest.raises(PermissionDenied):
        glossary.save_term(manager, None, glossary.TermInput(**form()))
    term = add("fidelity", "Fidelity", "As designed.")
    with pytest.raises(PermissionDenied):
        glossary.remove_term(manager, term)
    with pytest.raises(ValidationFailed):
        glossary.save_term(make_user(roles=["admin"]), None, glossary.TermInput(**form(term_en="")))


# On course pages ---------------------------------------------------------------------------------


def test_course_pages_explain_the_short_forms_at_first_use(app: Flask) -> None:
    glossary.seed_glossary()
    course = make_course(kind="framework", audience="ifst_only", cpd_hours=28, credit_value=5)
    client = as_user(app, None)
    english = page_html(client.get(f"/courses/{course.code}"))
    for slug, short, title in (
        ("ifss", "IFSS", "Integrated Family Support Service"),
        ("ifst", "IFST", "Integrated Family Support Team"),
        ("cpd", "CPD", "Continuing Professional Development"),
        ("cqf", "CQF", "Credit and Qualification Framework"),
    ):
        link = f'<abbr title="{title}"><a class="govuk-link" href="/glossary#{slug}">{short}</a></abbr>'
        assert english.count(link) == 1, slug
    client.get("/language/cy")
    welsh = page_html(client.get(f"/courses/{course.code}"))
    assert (
        '<abbr title="Datblygiad Proffesiynol Parhaus"><a class="govuk-link" '
        'href="/glossary#cpd">DPP</a></abbr>' in welsh
    )
    assert 'href="/glossary#cqf">FfCChC</a>' in welsh


def test_a_course_page_without_the_glossary_shows_the_plain_words(app: Flask) -> None:
    course = make_course(kind="framework", cpd_hours=7)
    text = page_html(as_user(app, None).get(f"/courses/{course.code}"))
    assert "<abbr" not in text and "CPD hours" in text


def test_a_course_page_reads_the_glossary_once(app: Flask, count_queries: QueryCounter) -> None:
    glossary.seed_glossary()
    course = make_course(kind="framework", audience="ifst_only", cpd_hours=28, credit_value=5)
    client = as_user(app, None)
    client.get(f"/courses/{course.code}")
    before = count_queries.count
    client.get(f"/courses/{course.code}")
    few = count_queries.count - before
    for n in range(20):
        add(f"term-{n}", f"Term {n}")
    db.session.commit()
    before = count_queries.count
    assert "/glossary#cpd" in page_html(client.get(f"/courses/{course.code}"))
    assert count_queries.count - before == few
    glossary_reads = [s for s in count_queries.statements[before:] if "glossary_terms" in s]
    assert len(glossary_reads) == 1


def test_the_admin_list_sends_as_many_queries_however_many_terms(
    app: Flask, count_queries: QueryCounter
) -> None:
    glossary.seed_glossary()
    client = as_user(app, make_user(roles=["admin"]))
    client.get("/admin/glossary")
    before = count_queries.count
    client.get("/admin/glossary")
    few = count_queries.count - before
    for n in range(20):
        add(f"term-{n}", f"Term {n}")
    db.session.commit()
    before = count_queries.count
    listing = page(client.get("/admin/glossary"))
    assert "Term 19" in listing and "#term-19" in listing
    assert count_queries.count - before == few
