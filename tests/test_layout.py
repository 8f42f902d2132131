"""The layout drawn once and kept (issue 22): each request gets exactly what drawing
templates/layout.html for it would give, in its language, with its navigation, nonce,
CSRF token and way back; the page macros need no import; the quicker gettext and template
contexts behave as Jinja's own."""

from __future__ import annotations

import contextvars
import re
from typing import Any

import jinja2.ext
import pytest
from flask import Flask, render_template, render_template_string, session, url_for
from flask.testing import FlaskClient
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from tests.conftest import login
from tests.factories import make_user
from trainhub import templating
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.i18n import template_gettext, template_ngettext, translations
from trainhub.security import csp_nonce

CONTENT = "\x01the page\x01"


class _Values:
    """``mark`` for drawing the layout as it once was drawn: each request's own values."""

    def __init__(self, title: str, before: str) -> None:
        self.title, self.before_content = Markup(title), Markup(before)
        self.content = CONTENT

    def __getattr__(self, name: str) -> Any:
        lang = templating.get_locale()
        other = "en" if str(lang) == "cy" else "cy"
        from flask import request

        return {
            "nonce": csp_nonce(),
            "csrf_token": generate_csrf(),
            "language_href": url_for(
                "home.language", code=other, next=request.full_path.rstrip("?")
            ),
        }[name]


def drawn_afresh(title: str, before: str) -> str:
    """What templates/layout.html gives for this request, drawn now with its own values."""
    from flask_login import current_user

    return render_template(
        "layout.html",
        lang=str(templating.get_locale()),
        signed_in=current_user.is_authenticated,
        nav=templating.navigation(),
        mark=_Values(title, before),
    )


def kept(title: str, before: str) -> str:
    around = templating.layout(Markup(title), Markup(before))
    return str(around.start) + CONTENT + str(around.end)


REQUESTS = [
    # (path, who, language)
    ("/courses", None, "en"),
    ("/courses?audience=open&kind=local", None, "cy"),
    ("/courses", "learner", "en"),
    ("/bookings", "learner", "cy"),
    ("/cohorts?scope=all&page=2", "manager", "en"),
    ("/assessment", "assessor", "cy"),
    ("/reports/statistics?fy=2016-17", "manager", "cy"),
    ("/admin", "admin", "en"),
    ("/courses/Ŵyl a’r “Dŵr” & co/%20x?q=a b&r=ü#frag", None, "en"),
    ("/courses", None, "en"),  # again, from the kept drawing
    ("/bookings", "learner", "cy"),
]


def test_the_kept_layout_is_the_layout_drawn_for_each_request(app: Flask) -> None:
    people = {role: make_user(roles=[role]) for role in ("learner", "manager", "assessor", "admin")}
    db.session.commit()
    title, before = "Courses & “more” {x} – IFSS training", '<nav aria-label="Back">{}</nav>'

    def compare(path: str, who: str | None, lang: str) -> tuple[str, str, str]:
        with app.test_request_context(path, headers={"Accept-Language": lang}):
            if who:  # a person's language is the one they chose (Accept-Language otherwise)
                session["lang"] = lang
                login_user(db.session.get_one(User, people[who].id))
            return str(templating.get_locale()), kept(title, before), drawn_afresh(title, before)

    for path, who, lang in REQUESTS:
        # Each request in a context of its own, as under a server: its own locale and user.
        locale, ours, afresh = contextvars.Context().run(compare, path, who, lang)
        assert locale == lang
        assert ours == afresh, (path, who, lang)
    # One drawing per language, signed-in state and navigation, not one per request.
    assert len(app.extensions["trainhub.layouts"]) == len(REQUESTS) - 2


@pytest.mark.once
def test_the_way_back_from_the_language_link_is_url_for_s(app: Flask) -> None:
    for path in ("/", "/courses?a=1&b=two words", "/c/%C5%B4yl?x=%26&y=+", "/x?n=1%2F2#t"):
        with app.test_request_context(path):
            from flask import request

            expected = url_for("home.language", code="cy", next=request.full_path.rstrip("?"))
            assert templating._language_href({}, "cy", request.full_path) == expected


@pytest.mark.once
def test_each_page_gets_its_own_nonce_and_the_header_names_it(client: FlaskClient) -> None:
    nonces = []
    for _ in range(2):
        response = client.get("/courses")
        (nonce,) = re.findall(r'<script nonce="([^"]+)"', response.get_data(as_text=True))
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_sign_out_form_carries_the_session_s_csrf_token(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    person = make_user()
    client = login(app.test_client(), person)

    page = client.get("/courses").get_data(as_text=True)
    (token,) = re.findall(r'name="csrf_token" value="([^"]+)"', page)
    response = client.post("/sign-out", data={"csrf_token": token})

    assert response.status_code == 302
    assert "Sign in" in client.get("/courses").get_data(as_text=True)


def test_the_navigation_follows_the_language_and_the_roles(app: Flask) -> None:
    manager = make_user(roles=["manager"])
    client = login(app.test_client(), manager)

    english = client.get("/reports").get_data(as_text=True)
    client.get("/language/cy")
    welsh = client.get("/reports").get_data(as_text=True)
    anonymous = app.test_client().get("/courses").get_data(as_text=True)

    assert 'href="/reports" aria-current="page"' in english and ">Reports<" in english
    assert '<html lang="cy"' in welsh and "Reports</" not in welsh
    assert "/reports" not in anonymous and 'href="/sign-in"' in anonymous


def test_the_navigation_groups_pages_by_area_with_the_area_s_pages_beneath(app: Flask) -> None:
    manager = make_user(roles=["manager"])
    client = login(app.test_client(), manager)

    cohorts = client.get("/cohorts").get_data(as_text=True)
    reports = client.get("/reports").get_data(as_text=True)
    learner = login(app.test_client(), make_user()).get("/bookings").get_data(as_text=True)

    top = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', cohorts)
    assert top == ["/courses", "/bookings", "/reports", "/admin", "/account"]
    beneath = cohorts.split('class="trainhub-sub-navigation"')[1].split("</nav>")[0]
    assert 'aria-label="Courses"' in beneath
    assert re.findall(r'href="([^"]+)"', beneath) == ["/courses", "/calendar", "/cohorts"]
    assert 'href="/cohorts" aria-current="page"' in beneath
    # The top row's "Courses" is the area the page is in; "Home" is the service's name.
    assert 'href="/courses" aria-current="true"' in cohorts.split("trainhub-sub-navigation")[0]
    assert ">Home<" not in cohorts
    assert re.search(r"homepage-link\">\s*IFSS training\s*</a>", cohorts)
    # An area of one page has no row beneath.
    assert "trainhub-sub-navigation" not in reports
    assert re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', learner) == [
        "/courses",
        "/bookings",
        "/account",
    ]


def test_the_service_name_is_a_setting_in_each_language(app: Flask, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "SERVICE_NAME", {"en": "Family training", "cy": "Hyff"})
    monkeypatch.setitem(app.extensions, "trainhub.layouts", {})  # drawn for the setting
    client = app.test_client()
    english = client.get("/courses").get_data(as_text=True)
    client.get("/language/cy")
    welsh = client.get("/courses").get_data(as_text=True)

    assert re.search(r"homepage-link\">\s*Family training\s*</a>", english)
    assert "<title>" in english and "– Family training</title>" in english
    assert "– Hyff</title>" in welsh and "trainhub</a>" not in welsh


@pytest.mark.own_app
@pytest.mark.own_app  # adds a route
def test_flashes_titles_and_back_links_are_each_page_s_own(app: Flask) -> None:
    @app.get("/_layout_probe")
    def probe() -> str:
        from flask import flash

        flash("Saved <b>safely</b>", "success")
        return render_template_string(
            '{% extends "base.html" %}{% block title %}{{ "Probe {x} & <co>" }}{% endblock %}'
            '{% block back %}{{ govukBackLink({"href": "/", "text": "Back"}) }}{% endblock %}'
            "{% block body %}<p>{{ '{body}' }}</p>{% endblock %}"
        )

    client = app.test_client()
    client.get("/_layout_probe")  # flashes show on the next page drawn
    page = client.get("/_layout_probe").get_data(as_text=True)

    assert "<title>Probe {x} &amp; &lt;co&gt; – IFSS training</title>" in page
    assert "Saved &lt;b&gt;safely&lt;/b&gt;" in page
    assert re.search(
        r'<nav aria-label="Back">\s*<a href="/" class="govuk-back-link">Back</a>', page
    )
    assert "<p>{body}</p>" in page


@pytest.mark.once
def test_pages_call_the_common_macros_without_importing_them(app: Flask) -> None:
    with app.test_request_context("/"):
        imported = render_template_string(
            '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
            "{{ govukButton({'text': 'Go'}) }}"
        )
        called = render_template_string("{{ govukButton({'text': 'Go'}) }}")
    assert called == imported and "govuk-button" in called


# The quicker gettext, ngettext and contexts ---------------------------------------------------


@pytest.mark.once
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_template_gettext_is_jinja_s_own(app: Flask, lang: str) -> None:
    jinja_gettext = jinja2.ext._make_new_gettext(lambda s: translations().ugettext(s))
    jinja_ngettext = jinja2.ext._make_new_ngettext(
        lambda s, p, n: translations().ungettext(s, p, n)
    )
    cases: list[tuple[str, dict[str, Any]]] = [
        ("Courses", {}),
        ("Sign out", {}),
        ("100%% sure", {}),
        ("Training statistics %(fy)s", {"fy": "<2016-17>"}),
        ("Not in any catalogue <b>", {}),
    ]
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        for autoescape in (True, False):
            env = app.jinja_env.overlay(autoescape=autoescape)
            for message, values in cases:
                for _again in range(2):  # the second time from what was kept
                    ours = env.from_string("{{ f(m, **v) }}").render(
                        f=template_gettext, m=message, v=values
                    )
                    theirs = env.from_string("{{ f(m, **v) }}").render(
                        f=jinja_gettext, m=message, v=values
                    )
                    assert ours == theirs, (message, autoescape)
            for n in (0, 1, 2, 6):
                ours = env.from_string("{{ f('%(num)d day', '%(num)d days', n) }}").render(
                    f=template_ngettext, n=n
                )
                theirs = env.from_string("{{ f('%(num)d day', '%(num)d days', n) }}").render(
                    f=jinja_ngettext, n=n
                )
                assert ours == theirs


@pytest.mark.once
def test_a_template_s_own_globals_come_before_the_environment_s(app: Flask) -> None:
    with app.test_request_context("/"):
        own = app.jinja_env.from_string(
            "{{ url_for }} {{ here }} {{ shadowed }}", globals={"here": 1, "url_for": "mine"}
        )
        assert own.render(shadowed=2) == "mine 1 2"
        assert app.jinja_env.from_string("{{ here is defined }}").render() == "False"
