"""The pages every public service has: open to everyone in English and Welsh, linked from the
foot of every page, changed by administrators (checked, audited, reset), and the cookies page
naming every cookie the app really sets."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from flask import Flask

from tests.factories import make_user
from tests.helpers import as_user, count, login, sign_in_with_form
from tests.test_layout import REQUESTS
from trainhub.audit import AuditEvent
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.site import services
from trainhub.site.defaults import DEFAULTS
from trainhub.site.models import PAGE_KEYS, SitePage

PATHS = {
    "privacy": "/privacy",
    "accessibility": "/accessibility",
    "cookies": "/cookies",
    "help": "/help",
}
FOOTER = ('href="/help"', 'href="/privacy"', 'href="/cookies"', 'href="/accessibility"')


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def h1(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert found, "no <h1>"
    return found.group(0)


def page_form(**changes: str) -> dict[str, str]:
    """The edit form as it starts for a page never changed (the shipped texts), with changes."""
    texts = services.texts_to_edit("privacy", None)
    return {**texts, **changes}


# Reading -------------------------------------------------------------------------------------


def test_every_page_is_open_to_anonymous_visitors_in_english_and_welsh(app: Flask) -> None:
    client = app.test_client()
    for key, path in PATHS.items():
        english = text(client.get(path))
        assert '<html lang="en"' in english
        assert DEFAULTS[key]["en"].title in h1(english)
    client.get("/language/cy")
    for key, path in PATHS.items():
        response = client.get(path)
        assert response.status_code == 200
        welsh = text(response)
        assert '<html lang="cy"' in welsh
        assert DEFAULTS[key]["cy"].title in h1(welsh)
        assert 'lang="en"' not in h1(welsh)  # the Welsh text is Welsh


def test_the_privacy_notice_covers_what_uk_gdpr_asks(app: Flask) -> None:
    page = text(app.test_client().get("/privacy"))
    for words in (
        "data controller",
        "public task",
        "special category data",
        "Who we share it with",
        "retention schedule",
        "Your rights",
        "Information Commissioner",
        "data protection officer",
    ):
        assert words in page, words
    assert '<h2 class="govuk-heading-m">Who we are</h2>' in page
    assert '<a href="https://ico.org.uk" class="govuk-link">' in page


def test_the_accessibility_statement_follows_the_model_statement(app: Flask) -> None:
    page = text(app.test_client().get("/accessibility"))
    for words in (
        "partially compliant",
        "axe-core",
        "in English and in Welsh",
        "Equality and Human Rights Commission",
        "Equality Commission for Northern Ireland",
        "Accessibility Regulations 2018",
        "This statement was prepared on",
    ):
        assert words in page, words


@pytest.mark.once
@pytest.mark.parametrize("who", [None, "learner", "manager", "admin"])
def test_the_footer_links_to_every_page_on_every_layout(app: Flask, who: str | None) -> None:
    person = make_user(roles=[who]) if who else None
    seen = 0
    for path, _who, lang in [*REQUESTS, ("/no-such-page", None, "en"), ("/admin", None, "cy")]:
        client = as_user(app, person)
        client.get(f"/language/{lang}")
        # Sign-in pages, 403 and 404 pages included: every page the layout draws.
        page = text(client.get(path, follow_redirects=True))
        assert "govuk-footer" in page, path
        for link in FOOTER:
            assert link in page, (path, who, lang, link)
        seen += 1
    assert seen == len(REQUESTS) + 2


# Cookies ---------------------------------------------------------------------------------------


def _cookie_names(response: object) -> set[str]:
    names = set()
    for header in response.headers.getlist("Set-Cookie"):  # type: ignore[attr-defined]
        names.update(SimpleCookie(header).keys())
    return names


def test_the_cookies_page_lists_every_cookie_the_app_sets(app: Flask) -> None:
    person = make_user()
    db.session.commit()
    client = app.test_client()
    names: set[str] = set()
    for response in (
        client.get("/"),
        client.get("/sign-in"),
        sign_in_with_form(client, person.email),
        client.get("/"),
        client.get("/language/cy?next=/courses"),
        client.get("/courses"),
        client.get("/account"),
        client.post("/sign-out"),
        client.get("/cookies"),
    ):
        names |= _cookie_names(response)
    assert names, "the flow set no cookie at all"
    listed = re.findall(r"<code>([^<]+)</code>", text(app.test_client().get("/cookies")))
    assert names <= set(listed), f"not on the cookies page: {names - set(listed)}"


@pytest.mark.own_app
def test_the_cookies_page_follows_the_session_cookie_setting(database_url: str) -> None:
    from tests.conftest import make_test_app

    app = make_test_app(database_url, SESSION_COOKIE_NAME="trainhub_session")
    with app.app_context():
        page = text(app.test_client().get("/cookies"))
    assert "<code>trainhub_session</code>" in page


# Changing them ---------------------------------------------------------------------------------


def test_an_admin_changes_the_privacy_notice_and_everyone_reads_it(app: Flask) -> None:
    admin = make_user(roles=["admin"], full_name="Ada Admin")
    client = as_user(app, admin)
    form = text(client.get("/admin/site-pages/privacy"))
    assert "This page shows the default text" in form
    assert "To fill in" in form  # the shipped text, ready to change

    response = client.post(
        "/admin/site-pages/privacy",
        data=page_form(
            title_en="Privacy notice",
            body_en="## Who we are\n\nCardiff Council. Our DPO is dpo@cardiff.example.",
            title_cy="",
            body_cy="",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/site-pages")

    row = db.session.execute(db.select(SitePage).where(SitePage.key == "privacy")).scalar_one()
    assert row.body_en.startswith("## Who we are") and row.body_cy is None
    assert row.updated_by_id == admin.id
    assert count(AuditEvent, AuditEvent.action == "site_page.saved") == 1

    visitor = app.test_client()
    english = text(visitor.get("/privacy"))
    assert "Our DPO is dpo@cardiff.example." in english
    assert "Last updated" in english and "Ada Admin" not in english
    # No Welsh of its own: Welsh readers get the English, marked as English.
    visitor.get("/language/cy")
    welsh = text(visitor.get("/privacy"))
    assert re.search(r'<div class="trainhub-site-page" lang="en">\s*<h2', welsh)
    assert "Our DPO is dpo@cardiff.example." in welsh
    # The English title is still the shipped one, so Welsh readers see the shipped Welsh one.
    assert DEFAULTS["privacy"]["cy"].title in h1(welsh)
    # Who changed it and when, for administrators.
    listing = text(client.get("/admin/site-pages"))
    assert "by Ada Admin" in listing


def test_a_welsh_text_of_its_own_is_shown_in_welsh(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    client.post(
        "/admin/site-pages/help",
        data={
            "title_en": "Help",
            "body_en": "Call us.",
            "title_cy": "Help",
            "body_cy": "Ffoniwch ni.",
        },
    )
    visitor = app.test_client()
    visitor.get("/language/cy")
    welsh = text(visitor.get("/help"))
    assert "Ffoniwch ni." in welsh and 'class="trainhub-site-page" lang' not in welsh


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title_en", "x" * 201, "Enter 200 characters or fewer"),
        ("title_cy", "Teitl\nar ddwy linell", "Enter this on one line"),
        ("body_cy", "x" * (services.MAX_BODY + 1), "characters or fewer"),
        ("body_en", "Bell \x07 here", "Remove the hidden control characters"),
    ],
)
def test_bad_text_is_refused_on_its_field_and_nothing_is_written(
    app: Flask, field: str, value: str, message: str
) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    response = client.post("/admin/site-pages/privacy", data=page_form(**{field: value}))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert f'href="#{field}"' in page  # the error summary leads to the field
    assert count(SitePage) == 0
    assert count(AuditEvent, AuditEvent.action.startswith("site_page")) == 0


def test_the_service_checks_the_rules_itself(app: Flask) -> None:
    learner = make_user()
    admin = make_user(roles=["admin"])
    with pytest.raises(PermissionDenied):
        services.save_page(learner, "privacy", {"body_en": "Mine now"})
    with pytest.raises(ValidationFailed) as refused:
        services.save_page(admin, "privacy", {"title_en": "x" * 201})
    assert refused.value.field == "title_en"
    assert count(SitePage) == 0


def test_reset_to_default_shows_the_shipped_text_again(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    client.post("/admin/site-pages/cookies", data={"title_en": "Our cookies", "body_en": "Few."})
    assert "Our cookies" in h1(text(app.test_client().get("/cookies")))

    confirm = text(client.get("/admin/site-pages/cookies/reset"))
    assert "Reset to the default text" in confirm
    response = client.post("/admin/site-pages/cookies/reset")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/site-pages/cookies")

    page = text(app.test_client().get("/cookies"))
    assert "Cookies" in h1(page) and "Few." not in page
    row = db.session.execute(db.select(SitePage).where(SitePage.key == "cookies")).scalar_one()
    assert (row.title_en, row.body_en, row.title_cy, row.body_cy) == (None, None, None, None)
    assert count(AuditEvent, AuditEvent.action == "site_page.reset") == 1


def test_an_unknown_page_is_not_found(app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    assert client.get("/admin/site-pages/terms").status_code == 404
    assert client.post("/admin/site-pages/terms/reset").status_code == 404


def test_admins_are_told_about_placeholders_until_they_are_filled(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    assert "An administrator must fill in 4 placeholders" in text(client.get("/privacy"))
    assert "must fill in" not in text(app.test_client().get("/privacy"))
    assert "must fill in" not in text(as_user(app, make_user()).get("/privacy"))
    assert "Text to fill in" in text(client.get("/admin/site-pages"))

    filled = {
        field: re.sub(services.PLACEHOLDER, "Cardiff Council, dpo@cardiff.example", value)
        for field, value in page_form().items()
    }
    assert client.post("/admin/site-pages/privacy", data=filled).status_code == 302
    # What was left as shipped stays the default (a later release's wording reaches it).
    row = db.session.execute(db.select(SitePage).where(SitePage.key == "privacy")).scalar_one()
    assert row.title_en is None and row.title_cy is None
    assert row.body_en is not None and row.body_cy is not None
    assert "must fill in" not in text(client.get("/privacy"))
    edit = text(client.get("/admin/site-pages/privacy"))
    assert "Still to fill in" not in edit


def test_text_is_markdown_without_raw_html_or_unsafe_links(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    services.save_page(
        admin,
        "help",
        {
            "body_en": "# Top\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1)) "
            "[good](https://example.gov.wales)\n\n- one\n- two\n\n### Small",
        },
    )
    db.session.commit()
    page = text(app.test_client().get("/help"))
    assert '<h2 class="govuk-heading-m">Top</h2>' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert '<a href="https://example.gov.wales" class="govuk-link">good</a>' in page
    assert '<ul class="govuk-list govuk-list--bullet">' in page
    assert '<h3 class="govuk-heading-s">Small</h3>' in page


# The rules of which text shows, on their own ---------------------------------------------------


@pytest.mark.once
def test_which_text_readers_see(app: Flask) -> None:
    with app.test_request_context():
        untouched = services.shown("privacy", "cy", None)
        assert untouched.title == DEFAULTS["privacy"]["cy"].title and untouched.body_lang is None
        assert untouched.updated_at is None and len(untouched.placeholders) == 4

        empty = SitePage(key="privacy", title_en=" ", body_en="", title_cy=None, body_cy="  ")
        assert services.shown("privacy", "en", empty).title == DEFAULTS["privacy"]["en"].title
        assert services.shown("privacy", "cy", empty).body_lang is None

        english_only = SitePage(key="privacy", title_en="Privacy", body_en="Ours.")
        welsh = services.shown("privacy", "cy", english_only)
        assert (welsh.title, welsh.title_lang, welsh.body_lang) == ("Privacy", "en", "en")
        assert "Ours." in welsh.body

        both = SitePage(key="privacy", body_en="Ours.", body_cy="Ein un ni.")
        welsh = services.shown("privacy", "cy", both)
        assert welsh.body_lang is None and "Ein un ni." in welsh.body
        assert welsh.title == DEFAULTS["privacy"]["cy"].title


@pytest.mark.once
def test_every_page_ships_english_and_welsh() -> None:
    for key in PAGE_KEYS:
        assert set(DEFAULTS[key]) == {"en", "cy"}
        for lang in ("en", "cy"):
            assert DEFAULTS[key][lang].title and len(DEFAULTS[key][lang].body) > 200


def test_the_admin_list_sends_a_fixed_number_of_queries(app: Flask, count_queries: object) -> None:
    admin = make_user(roles=["admin"])
    client = login(app.test_client(), admin)
    client.get("/admin/site-pages")
    before = count_queries.count  # type: ignore[attr-defined]
    client.get("/admin/site-pages")
    few = count_queries.count - before  # type: ignore[attr-defined]
    for key in PAGE_KEYS:
        services.save_page(admin, key, {"body_en": f"{key} text"})
    db.session.commit()
    before = count_queries.count  # type: ignore[attr-defined]
    client.get("/admin/site-pages")
    assert count_queries.count - before == few  # type: ignore[attr-defined]
    assert few <= 4


def test_the_administration_page_links_the_site_pages_for_admins_only(app: Flask) -> None:
    assert "/admin/site-pages" in text(as_user(app, make_user(roles=["admin"])).get("/admin"))
    assert "/admin/site-pages" not in text(as_user(app, make_user(roles=["manager"])).get("/admin"))
