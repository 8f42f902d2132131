"""Certificates in Welsh and English (issue 20): the issuer per language, one PDF carrying
both languages in the configured order, Open Badges in the one language the learner
chooses, and public pages that show both.

The PDF's text is read back from the PDF itself (tests/pdf_text.py); the badges validate
against 1EdTech's official schema, as tests/accreditation/test_badges.py does.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
from typing import Any

import pikepdf
import pytest
from flask import Config as FlaskConfig
from flask import Flask
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from tests.accreditation.helpers import (
    admin,
    claimed,
    complete,
    course,
    judge_all,
    learner,
    level,
    outbox,
    submitted,
)
from tests.accreditation.test_badges import assert_valid_open_badge
from tests.accreditation.view_helpers import as_user, field_error, follow, page
from tests.pdf_text import pdf_text
from trainhub import settings_check
from trainhub.accreditation.models import BadgeLink, Certificate
from trainhub.accreditation.services import certificates
from trainhub.accreditation.services.assessment import decide_application
from trainhub.accreditation.services.badges import (
    description_in,
    open_badge_credential,
    signed_badge,
)
from trainhub.accreditation.services.certificates import certificate_pdf, reissue_certificate
from trainhub.auth.models import User
from trainhub.config import Config
from trainhub.extensions import db

ENGLISH_NAME = "IFSS Core Training"
WELSH_NAME = "Hyfforddiant Craidd IFSS"
WELSH_ISSUER = "Hyfforddiant y Gwasanaeth Integredig Cymorth i Deuluoedd"
ENGLISH_ISSUER = "Integrated Family Support Service training"


def core_certificate(person: User | None = None, *, welsh: str | None = WELSH_NAME) -> Certificate:
    """The core course's certificate, the course named in Welsh (or not) when it is issued."""
    core = course("IFSS-CORE")
    core.title = ENGLISH_NAME
    core.title_cy = welsh
    person = person or learner(full_name="Siân Ŵyn", email="sian.wyn@example.org")
    complete(person, core, dt.date(2026, 5, 14), announce=True)
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == person.id)
    ).scalar_one()


def level_3_certificate() -> Certificate:
    level(3).title_cy = "Ymarferydd"
    sent, marker = claimed(3)
    judge_all(marker, sent)
    with force_locale("cy"):  # an assessor reading Welsh decides it
        decide_application(marker, sent, achieved=True)
    return db.session.execute(
        select(Certificate).where(Certificate.application_id == sent.id)
    ).scalar_one()


def payload(token: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    return data


# The issuer per language ----------------------------------------------------------------------


def test_a_certificate_keeps_the_issuer_in_each_language(catalogue: None) -> None:
    certificate = core_certificate()

    assert certificate.issuer == ENGLISH_ISSUER
    assert certificate.issuer_cy == WELSH_ISSUER
    assert (certificate.achievement, certificate.achievement_cy) == (ENGLISH_NAME, WELSH_NAME)


@pytest.mark.parametrize(
    "setting",
    [
        "Gwent IFSS",
        {"en": "Gwent IFSS"},
        {"en": "Gwent IFSS", "cy": " "},
        {"en": "Gwent IFSS", "cy": "Gwent IFSS"},
    ],
)
def test_an_issuer_without_welsh_is_kept_as_english_alone(
    app: Flask, catalogue: None, monkeypatch: pytest.MonkeyPatch, setting: object
) -> None:
    """One string for both languages (or no Welsh given) is the English name: the Welsh side
    falls back to it marked as English, not passed off as Welsh."""
    monkeypatch.setitem(app.config, "CERTIFICATE_ISSUER", setting)

    certificate = core_certificate()

    assert (certificate.issuer, certificate.issuer_cy) == ("Gwent IFSS", None)
    assert certificates.in_language(certificate, "cy").issuer.lang == "en"


def test_the_verify_page_marks_an_english_only_issuer_as_english(
    app: Flask, catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CERTIFICATE_ISSUER", "Gwent IFSS")
    certificate = core_certificate()

    shown = page(as_user(app, None).get(f"/verify/{certificate.code}"))

    assert shown.count('lang="en">Gwent IFSS</span>') == 1
    assert 'lang="cy">Gwent IFSS' not in shown


def test_a_deployment_sets_the_welsh_issuer_alone_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRAINHUB_CERTIFICATE_ISSUER__cy", "Hyfforddiant ICiD Gwent")
    config = FlaskConfig(".")
    config.from_object(Config)
    config["CERTIFICATE_ISSUER"] = dict(Config.CERTIFICATE_ISSUER)  # type: ignore[arg-type]

    config.from_prefixed_env("TRAINHUB")

    assert config["CERTIFICATE_ISSUER"] == {
        "en": ENGLISH_ISSUER,
        "cy": "Hyfforddiant ICiD Gwent",
    }


def test_a_level_certificate_is_named_in_both_languages_whoever_decides_it(
    catalogue: None,
) -> None:
    certificate = level_3_certificate()

    assert certificate.achievement == f"Level 3: {level(3).title}"
    assert certificate.achievement_cy == "Lefel 3: Ymarferydd"


def test_a_welsh_learners_level_mails_name_the_level_in_welsh(catalogue: None) -> None:
    """The level's own title in the recipient's language, as the course's is in theirs."""
    level(3).title_cy = "Ymarferydd"
    welsh = learner(core_on=dt.date.today() - dt.timedelta(days=30), preferred_language="cy")
    english = learner(core_on=dt.date.today() - dt.timedelta(days=30), preferred_language="en")
    submitted(3, welsh)
    submitted(3, english)

    [to_welsh] = outbox(welsh)
    [to_english] = outbox(english)

    assert "Lefel 3: Ymarferydd" in to_welsh.body and level(3).title not in to_welsh.body
    assert f"Level 3: {level(3).title}" in to_english.body and "Ymarferydd" not in to_english.body


def test_a_reissue_carries_the_welsh_written_since(catalogue: None) -> None:
    person = learner(preferred_language="cy")
    certificate = core_certificate(person, welsh=None)
    assert certificate.achievement_cy is None
    course("IFSS-CORE").title_cy = WELSH_NAME

    replacement = reissue_certificate(admin(), certificate)

    assert replacement.achievement_cy == WELSH_NAME
    message = outbox(person)[-1]  # in the learner's language, naming the course in it
    assert message.subject.endswith(WELSH_NAME)
    assert WELSH_NAME in message.body


# The PDF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "order"),
    [
        ("cy,en", [WELSH_NAME, ENGLISH_NAME]),
        ("en,cy", [ENGLISH_NAME, WELSH_NAME]),
        (" EN , cy ", [ENGLISH_NAME, WELSH_NAME]),
    ],
)
def test_the_pdf_carries_both_names_in_the_configured_order(
    app: Flask,
    catalogue: None,
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    order: list[str],
) -> None:
    monkeypatch.setitem(app.config, "CERTIFICATE_LANGUAGES", setting)
    certificate = core_certificate()

    text = pdf_text(certificate_pdf(certificate))

    first, second = (text.index(name) for name in order)
    assert first < second
    assert "Siân Ŵyn" in text
    # Each side in its own words, issuer and date format.
    assert "Dyma dystio bod Siân Ŵyn wedi cwblhau" in text
    assert "This certifies that Siân Ŵyn has completed" in text
    assert f"Cyhoeddwyd gan {WELSH_ISSUER}" in text
    assert f"Issued by {ENGLISH_ISSUER}" in text
    assert "14 Mai 2026" in text and "14 May 2026" in text
    # The verification code once, its labels in both languages.
    assert text.count(certificate.display_code) == 1
    assert "Cod dilysu" in text and "Verification code" in text


def test_the_default_is_welsh_first_and_the_document_is_welsh(catalogue: None) -> None:
    certificate = core_certificate()

    data = certificate_pdf(certificate)

    text = pdf_text(data)
    assert text.index(WELSH_NAME) < text.index(ENGLISH_NAME)
    with pikepdf.open(io.BytesIO(data)) as document:
        assert str(document.Root.Lang) == "cy"
        assert str(document.docinfo.Title) == "Tystysgrif – Siân Ŵyn"


@pytest.mark.parametrize(
    ("setting", "shown", "left_out"), [("cy", "Dyma", "This"), ("en", "This", "Dyma")]
)
def test_a_single_language_certificate(
    app: Flask,
    catalogue: None,
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    shown: str,
    left_out: str,
) -> None:
    monkeypatch.setitem(app.config, "CERTIFICATE_LANGUAGES", setting)
    certificate = core_certificate()

    text = pdf_text(certificate_pdf(certificate))

    assert shown in text and left_out not in text
    name = WELSH_NAME if setting == "cy" else ENGLISH_NAME
    other = ENGLISH_NAME if setting == "cy" else WELSH_NAME
    assert name in text and other not in text


def test_without_welsh_the_welsh_side_shows_the_english_marked_as_english(
    app: Flask, catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = core_certificate(welsh=None)
    certificate.issuer_cy = None  # issued before the issuer had a Welsh name
    drawn: dict[str, Any] = {}
    real = certificates.render_pdf

    def capture(template: str, **context: Any) -> bytes:
        drawn.update(context)
        return real(template, **context)

    monkeypatch.setattr(certificates, "render_pdf", capture)

    text = pdf_text(certificate_pdf(certificate))

    assert text.count(ENGLISH_NAME) == 2  # on the Welsh side and the English
    assert "Dyma dystio bod Siân Ŵyn wedi cwblhau" in text
    (welsh, welsh_html), (english, english_html) = drawn["sides"]
    assert (welsh, english) == ("cy", "en")
    assert isinstance(welsh_html, Markup)
    assert f'lang="en">{ENGLISH_NAME}</span>' in welsh_html
    assert f'<span lang="en">{ENGLISH_ISSUER}</span>' in welsh_html
    assert 'lang="en"' not in english_html  # the English side is English throughout


# Open Badges ------------------------------------------------------------------------------------


def test_a_welsh_badge_is_valid_and_carries_the_welsh_names(catalogue: None) -> None:
    certificate = core_certificate()
    course("IFSS-CORE").summary_cy = "Cwrs craidd y fframwaith."

    credential = open_badge_credential(certificate, "cy")

    assert_valid_open_badge(credential)
    assert_valid_open_badge(payload(signed_badge(certificate, "cy")))
    assert credential["name"] == WELSH_NAME
    assert credential["issuer"]["name"] == WELSH_ISSUER
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == WELSH_NAME
    assert achievement["description"] == "Cwrs craidd y fframwaith."
    assert achievement["inLanguage"] == "cy"

    english = open_badge_credential(certificate, "en")
    assert_valid_open_badge(english)
    assert english["name"] == ENGLISH_NAME
    assert english["issuer"]["name"] == ENGLISH_ISSUER
    assert english["credentialSubject"]["achievement"]["inLanguage"] == "en"


def test_a_welsh_badge_without_welsh_names_says_its_name_is_english(catalogue: None) -> None:
    certificate = core_certificate(welsh=None)

    credential = open_badge_credential(certificate, "cy")

    assert_valid_open_badge(credential)
    assert credential["name"] == ENGLISH_NAME
    assert credential["credentialSubject"]["achievement"]["inLanguage"] == "en"


def test_a_welsh_level_badge_is_valid(catalogue: None) -> None:
    certificate = level_3_certificate()

    credential = open_badge_credential(certificate, "cy")

    assert_valid_open_badge(credential)
    assert credential["name"] == "Lefel 3: Ymarferydd"
    assert credential["credentialSubject"]["achievement"]["inLanguage"] == "cy"


def test_a_level_badge_says_who_the_level_is_for_in_its_language(catalogue: None) -> None:
    certificate = level_3_certificate()
    level(3).description = "Practitioners putting IFSS into practice."

    english_only = open_badge_credential(certificate, "cy")["credentialSubject"]["achievement"]
    assert english_only["description"] == "Practitioners putting IFSS into practice."
    assert description_in(certificate, "cy") == ("en", "Practitioners putting IFSS into practice.")

    level(3).description_cy = "Ymarferwyr sy'n rhoi IFSS ar waith."
    credential = open_badge_credential(certificate, "cy")
    assert_valid_open_badge(credential)
    assert credential["credentialSubject"]["achievement"]["description"] == (
        "Ymarferwyr sy'n rhoi IFSS ar waith."
    )
    assert description_in(certificate, "cy") == ("cy", "Ymarferwyr sy'n rhoi IFSS ar waith.")
    assert description_in(certificate, "en") == ("en", "Practitioners putting IFSS into practice.")


# The learner's choice ---------------------------------------------------------------------------


def _links(text: str) -> list[str]:
    return re.findall(r'href="([^"]*/badge\.(?:jwt|svg|png|json)[^"]*)"', text)


def test_the_badge_language_defaults_to_the_learners_own(app: Flask, catalogue: None) -> None:
    person = learner(preferred_language="cy")
    certificate = core_certificate(person)
    client = as_user(app, person)

    text = page(client.get("/my/certificates"))

    assert re.search(r'<input[^>]*value="cy"[^>]*checked', text)
    assert _links(text) and all("language=cy" in href for href in _links(text))
    badge = client.get(f"/certificates/{certificate.code}/badge.json")
    assert badge.json["name"] == WELSH_NAME


def test_the_learner_chooses_english_or_cymraeg(app: Flask, catalogue: None) -> None:
    person = learner(preferred_language="cy")
    certificate = core_certificate(person)
    client = as_user(app, person)

    text = page(client.get("/my/certificates?language=en"))

    assert all("language=en" in href for href in _links(text))
    token = client.get(f"/certificates/{certificate.code}/badge.jwt?language=en")
    assert payload(token.get_data(as_text=True))["name"] == ENGLISH_NAME
    svg = client.get(f"/certificates/{certificate.code}/badge.svg?language=cy")
    assert WELSH_NAME in svg.get_data(as_text=True)


@pytest.mark.parametrize("welsh", [WELSH_NAME, None])
def test_the_welsh_pages_links_are_named_with_the_welsh_achievement(
    app: Flask, catalogue: None, welsh: str | None
) -> None:
    """What a screen reader hears of each link and button says which certificate, in Welsh
    (or the English, said as English, while the course has no Welsh title)."""
    person = learner(preferred_language="cy")
    core_certificate(person, welsh=welsh)

    text = page(as_user(app, person).get("/my/certificates"))

    hidden = re.findall(
        r'<span class="govuk-visually-hidden"> (.*?)</span>(?:</a>|</button>)', text
    )
    named = WELSH_NAME if welsh else f'<span lang="en">{ENGLISH_NAME}</span>'
    assert len(hidden) == 6 and all(h == named for h in hidden), hidden


def test_a_language_that_is_not_offered_is_refused(app: Flask, catalogue: None) -> None:
    person = learner()
    certificate = core_certificate(person)
    client = as_user(app, person)

    chosen = client.get("/my/certificates?language=fr")

    assert chosen.status_code == 400
    assert field_error(page(chosen), "language") is not None
    assert client.get(f"/certificates/{certificate.code}/badge.jwt?language=fr").status_code == 400
    assert client.get(f"/certificates/{certificate.code}/badge.json?language=fr").status_code == 400
    refused = client.post(f"/certificates/{certificate.code}/badge-link", data={"language": "fr"})
    assert "Choose the language of your Open Badges" in follow(client, refused)
    assert db.session.execute(select(BadgeLink)).first() is None


# Public pages -----------------------------------------------------------------------------------


def test_a_public_link_serves_the_chosen_language_and_shows_both(
    app: Flask, catalogue: None
) -> None:
    person = learner(full_name="Rhian Holder")
    certificate = core_certificate(person)
    course("IFSS-CORE").summary = "The framework's core course."
    course("IFSS-CORE").summary_cy = "Cwrs craidd y fframwaith."
    client = as_user(app, person)

    client.post(f"/certificates/{certificate.code}/badge-link", data={"language": "cy"})

    link = db.session.execute(select(BadgeLink)).scalar_one()
    assert link.language == "cy"
    visitor = as_user(app, None)
    data = visitor.get(f"/badges/{link.token}/badge.json")
    assert data.json["name"] == WELSH_NAME
    assert_valid_open_badge(data.json)
    shown = page(visitor.get(f"/badges/{link.token}"))
    assert f'<span class="govuk-!-display-block" lang="cy">{WELSH_NAME}</span>' in shown
    assert f'<span class="govuk-!-display-block" lang="en">{ENGLISH_NAME}</span>' in shown
    assert '<span class="govuk-!-display-block" lang="cy">Cwrs craidd y fframwaith.</span>' in (
        shown
    )
    assert (
        '<span class="govuk-!-display-block" lang="en">The framework\'s core course.</span>'
        in shown
    )
    assert f'lang="cy">{WELSH_ISSUER}</span>' in shown


def test_the_verify_page_shows_both_names_each_with_its_language(
    app: Flask, catalogue: None
) -> None:
    certificate = core_certificate()

    shown = page(as_user(app, None).get(f"/verify/{certificate.code}"))

    welsh = shown.index(f'<span class="govuk-!-display-block" lang="cy">{WELSH_NAME}</span>')
    english = shown.index(f'<span class="govuk-!-display-block" lang="en">{ENGLISH_NAME}</span>')
    assert welsh < english  # in the order the certificate prints them
    assert f'lang="cy">{WELSH_ISSUER}</span>' in shown
    assert f'lang="en">{ENGLISH_ISSUER}</span>' in shown


def test_the_verify_page_says_a_name_without_welsh_once(app: Flask, catalogue: None) -> None:
    certificate = core_certificate(welsh=None)

    shown = page(as_user(app, None).get(f"/verify/{certificate.code}"))

    assert shown.count(f'lang="en">{ENGLISH_NAME}</span>') == 1


# Configuration ----------------------------------------------------------------------------------


@pytest.mark.parametrize("setting", ["fr", "cy,de", "", ","])
def test_config_check_refuses_a_language_it_cannot_print(setting: str) -> None:
    found = settings_check.problems({"CERTIFICATE_LANGUAGES": setting})

    assert "CERTIFICATE_LANGUAGES" in {finding.setting for finding in found}


@pytest.mark.parametrize("setting", ["cy,en", "en,cy", "cy", "en", "CY, EN"])
def test_config_check_takes_any_order_or_one_language(setting: str) -> None:
    found = settings_check.problems({"CERTIFICATE_LANGUAGES": setting})

    assert "CERTIFICATE_LANGUAGES" not in {finding.setting for finding in found}


def test_config_check_lists_the_issuer_and_the_languages(app: Flask) -> None:
    rows = {row.setting: row for row in settings_check.rows(app, {})}

    assert WELSH_ISSUER in rows["CERTIFICATE_ISSUER"].value
    assert rows["CERTIFICATE_LANGUAGES"].value == "'cy,en'"
    assert rows["CERTIFICATE_LANGUAGES"].source == "default"


# The CPD statement ------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "name"), [("cy", WELSH_NAME), ("en", ENGLISH_NAME)])
def test_the_cpd_statement_names_courses_in_its_readers_language(
    app: Flask, catalogue: None, language: str, name: str
) -> None:
    person = learner(full_name="Siân Ŵyn", preferred_language=language)
    core_certificate(person)
    reader = as_user(app, person)

    response = reader.get(f"/people/{person.id}/cpd/statement.pdf")
    assert response.status_code == 200, response.get_data()[:3000]
    text = pdf_text(response.get_data())

    assert name in text
    other = ENGLISH_NAME if language == "cy" else WELSH_NAME
    assert other not in text


def test_a_level_line_is_named_in_welsh_on_a_welsh_statement(app: Flask, catalogue: None) -> None:
    certificate = level_3_certificate()
    person = certificate.user
    person.preferred_language = "cy"

    text = pdf_text(as_user(app, person).get(f"/people/{person.id}/cpd/statement.pdf").get_data())

    assert "Lefel 3: Ymarferydd" in text


def test_welsh_badge_data_matches_our_record_when_checked(app: Flask, catalogue: None) -> None:
    certificate = core_certificate()
    data = json.dumps(open_badge_credential(certificate, "cy"), ensure_ascii=False)

    shown = page(
        as_user(app, None).post(
            "/verify/badge", data={"badge": data}, content_type="multipart/form-data"
        )
    )

    assert '<h1 class="govuk-heading-l">The badge data matches our record</h1>' in shown


def test_a_certificate_printed_in_english_alone_is_checked_in_both_languages(
    app: Flask, catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CERTIFICATE_LANGUAGES", "en")
    certificate = core_certificate()

    shown = page(as_user(app, None).get(f"/verify/{certificate.code}"))

    english = shown.index(f'<span class="govuk-!-display-block" lang="en">{ENGLISH_NAME}</span>')
    welsh = shown.index(f'<span class="govuk-!-display-block" lang="cy">{WELSH_NAME}</span>')
    assert english < welsh


def test_the_longest_names_still_fit_one_page_with_the_code(catalogue: None) -> None:
    certificate = core_certificate()
    certificate.learner_name = "Angharad Gwenllian Llywelyn-Fitzgerald ap Rhys Prydderch-Vaughan"
    certificate.achievement = ("Leading integrated family support practice " * 7)[:300]
    certificate.achievement_cy = ("Arwain ymarfer cymorth integredig i deuluoedd " * 7)[:300]
    certificate.accrediting_body = "Social Care Wales (Credit and Qualifications Framework)"
    certificate.status = "revoked"

    data = certificate_pdf(certificate)

    with pikepdf.open(io.BytesIO(data)) as document:
        assert len(document.pages) == 1
    assert certificate.display_code in pdf_text(data)
