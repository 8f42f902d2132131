"""Every user-facing string is wrapped, extracted, and has a Welsh translation; a word whose
Welsh changes with its place always says which place it stands in (a message context)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask_babel import gettext, pgettext, refresh

from trainhub.i18n import TEAM

ROOT = Path(__file__).resolve().parent.parent

#: English words whose Welsh differs by where they stand (the referent's gender, or a status
#: against a heading), so every use of them gives a context (``pgettext``).
WELSH_BY_PLACE: dict[str, str] = {
    "Completed": "a cohort's status agrees with feminine carfan (Wedi'i chwblhau); a count of "
    "people who completed is Wedi cwblhau; a date is Cwblhawyd",
    "Published": "a cohort's status agrees with feminine carfan (Wedi'i chyhoeddi); a date is "
    "Cyhoeddwyd; a figure as it was published is Fel y'i cyhoeddwyd",
}


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages in the code and templates, extracted as `make translations-update` does."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return read_po(f)


def test_welsh_catalogue_translates_every_extracted_string(extracted: Catalog) -> None:
    wanted = {(m.context, _msgid(m)) for m in extracted if m.id}
    with (ROOT / "trainhub/translations/cy/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f)
    translated = {
        (m.context, _msgid(m))
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(wanted - translated, key=lambda key: (key[0] or "", key[1]))
    assert not missing, (
        f"{len(missing)} string(s) have no Welsh translation; run `make translations-update` "
        f"and translate them: {missing[:10]}"
    )


def test_words_whose_welsh_changes_by_place_always_say_their_place(extracted: Catalog) -> None:
    bare = {_msgid(m) for m in extracted if m.id and m.context is None}
    placed = {_msgid(m) for m in extracted if m.id and m.context is not None}
    assert not bare & set(WELSH_BY_PLACE), (
        "use pgettext(context, …) for these everywhere (see WELSH_BY_PLACE for why): "
        f"{sorted(bare & set(WELSH_BY_PLACE))}"
    )
    assert not bare & placed, (
        "these are extracted both with and without a context, so one use gets the Welsh "
        f"meant for another; give every use a context: {sorted(bare & placed)}"
    )
    assert set(WELSH_BY_PLACE) <= placed, "a word listed in WELSH_BY_PLACE is no longer used"


@pytest.mark.once
def test_the_same_english_gets_the_welsh_of_its_place(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "cy"}):
        assert pgettext("cohort status", "Completed") == "Wedi'i chwblhau"
        assert pgettext("number who completed", "Completed") == "Wedi cwblhau"
        assert pgettext("date published", "Published") == "Cyhoeddwyd"
        page = render_template_string('{{ pgettext("cohort status", "Published") }}')
        assert page == "Wedi'i chyhoeddi"


@pytest.mark.once
def test_a_partnership_chooses_the_acronyms_of_each_language(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "TEAM_ACRONYM", {"en": "IFST", "cy": "ICiD"})
    monkeypatch.setitem(app.config, "SERVICE_ACRONYM", {"en": "IFSS", "cy": "ICiD"})
    template = '{{ _("%(service)s training calendar", service=service_acronym()) }}'
    with app.test_request_context("/", headers={"Accept-Language": "cy"}):
        assert render_template_string(template) == "Calendr hyfforddiant ICiD"
        assert gettext("%(team)s members only", team=TEAM) == "Aelodau ICiD yn unig"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()  # the test's app context outlives the request: forget the Welsh
        assert render_template_string(template) == "IFSS training calendar"
        assert gettext("%(team)s members only", team=TEAM) == "IFST members only"
        monkeypatch.setitem(app.config, "TEAM_ACRONYM", "ICiD")  # one name for both languages
        assert gettext("%(team)s members only", team=TEAM) == "ICiD members only"
