"""Journey: a learner signs in with their employer's account, through a real OpenID Connect
provider (``tests/oidc_provider.py``), from the sign-in page, in English and in Welsh.

Every page of trainhub's is audited with axe-core; the provider's own authorization page is
not ours, so it is neither audited nor held to trainhub's rules (its stylesheet, from a CDN,
is not fetched: the machine is offline).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor
from tests.factories import PASSWORD, make_user
from tests.oidc_provider import Provider, make_identity_provider
from trainhub.auth.models import Organisation, User
from trainhub.extensions import db

pytestmark = pytest.mark.browser

DOMAIN = "journey-council.example"
ORGANISATION = "Journey Council"
_people = itertools.count(1)


@pytest.fixture(scope="module", autouse=True)
def journey_provider(live_app: Flask, oidc_provider: Provider) -> Iterator[None]:
    with live_app.app_context():
        organisation = Organisation(name=ORGANISATION)
        db.session.add(organisation)
        db.session.flush()
        make_identity_provider(oidc_provider.issuer, organisation, DOMAIN)
        db.session.commit()
        db.session.remove()
    yield


def at_the_provider(visitor: Visitor, oidc_provider: Provider, sub: str) -> None:
    """Sign in at the provider's own page (not trainhub's: not audited), and come back."""
    page = visitor.page
    assert page.url.startswith(oidc_provider.issuer + "/oauth2/authorize"), page.url
    page.get_by_placeholder("sub").fill(sub)
    visitor.navigate(page.get_by_role("button", name="Authorize").click)


def leave_provider_out(visitor: Visitor, oidc_provider: Provider) -> None:
    """The provider's page and its stylesheet are the only requests that leave trainhub."""
    visitor.off_site[:] = [
        url
        for url in visitor.off_site
        if not url.startswith((oidc_provider.issuer + "/", "https://cdn.jsdelivr.net/"))
    ]


def new_learner(oidc_provider: Provider) -> tuple[str, str]:
    n = next(_people)
    sub, email = f"journey-{n}-{id(object())}", f"learner{n}@{DOMAIN}"
    oidc_provider.set_user(sub, email=email, email_verified=True, name=f"Journey Learner {n}")
    return sub, email


def test_a_learner_signs_in_with_their_employers_account(
    visitor: Visitor, oidc_provider: Provider, live_app: Flask
) -> None:
    page = visitor.page
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    sub, email = new_learner(oidc_provider)

    visitor.goto("/sign-in")
    main = visitor.main
    expect(main.get_by_role("button", name=f"Sign in with {ORGANISATION}")).to_be_visible()

    # An address no organisation signs in: a message on the field, and the page stays.
    main.get_by_label("Work email address").fill("someone@elsewhere.example")
    visitor.submit("Find my organisation", status=400)
    expect(visitor.error_summary()).to_contain_text("No organisation signs in")

    # Their work address finds their organisation, which signs them in on its own page.
    visitor.main.get_by_label("Work email address").fill(email)
    visitor.submit("Find my organisation")
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text(
        f"Sign in with {ORGANISATION}"
    )
    with page.expect_event("load"):
        visitor.main.get_by_role("button", name=f"Continue to {ORGANISATION}").click()
    at_the_provider(visitor, oidc_provider, sub)

    # Back on trainhub, signed in, with a learner account in their organisation.
    expect(page).to_have_url(visitor.base_url + "/")
    expect(visitor.header.get_by_role("button", name="Sign out")).to_be_visible()
    visitor.nav("Your account")
    expect(visitor.main).to_contain_text(email)
    with live_app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        assert user.organisation is not None and user.organisation.name == ORGANISATION
        assert user.roles == {"learner"}
        db.session.remove()
    leave_provider_out(visitor, oidc_provider)


def test_a_learner_signs_in_with_their_employers_account_in_welsh(
    visitor: Visitor, oidc_provider: Provider
) -> None:
    page = visitor.page
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    sub, email = new_learner(oidc_provider)

    visitor.goto("/language/cy?next=/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    # The button's words are new (Welsh arrives with the merged catalogue): found by its link.
    button = visitor.main.locator("a[href^='/sign-in/with/']")
    expect(button).to_have_count(1)
    with page.expect_event("load"):
        button.click()
    at_the_provider(visitor, oidc_provider, sub)

    expect(page).to_have_url(visitor.base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(visitor.header.locator("form[action='/sign-out'] button")).to_be_visible()
    visitor.goto("/account")
    expect(visitor.main).to_contain_text(email)
    leave_provider_out(visitor, oidc_provider)


def test_an_assessor_confirms_the_link_with_their_password(
    visitor: Visitor, oidc_provider: Provider, live_app: Flask
) -> None:
    """A link to an account with a staff role waits for its owner's trainhub password."""
    page = visitor.page
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    n = next(_people)
    sub, email = f"assessor-{n}-{id(object())}", f"assessor{n}@{DOMAIN}"
    with live_app.app_context():
        make_user(roles=["assessor"], email=email, full_name=f"Journey Assessor {n}")
        db.session.commit()
        db.session.remove()
    oidc_provider.set_user(sub, email=email, email_verified=True)

    visitor.goto("/sign-in")
    with page.expect_event("load"):
        visitor.main.get_by_role("button", name=f"Sign in with {ORGANISATION}").click()
    at_the_provider(visitor, oidc_provider, sub)
    expect(page).to_have_url(visitor.base_url + "/sign-in/confirm-link")
    visitor.audit()
    visitor.main.get_by_label("Your trainhub password").fill("not their password")
    visitor.submit("Confirm and sign in", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter your correct trainhub password")
    visitor.main.get_by_label("Your trainhub password").fill(PASSWORD)
    visitor.submit("Confirm and sign in")
    expect(visitor.success_banner()).to_contain_text(
        f"Your account is now linked to {ORGANISATION}"
    )
    leave_provider_out(visitor, oidc_provider)


def test_an_admin_sees_the_organisations_sign_in_services(visitor: Visitor) -> None:
    visitor.sign_in(DEMO["admin"])
    visitor.goto("/admin/organisations")
    visitor.click_link(ORGANISATION)
    visitor.click_link("Sign-in services (OpenID Connect)")
    expect(visitor.main.get_by_role("heading", level=1)).to_contain_text("Sign-in services")
    visitor.click_link(ORGANISATION)  # the provider's own page
    expect(visitor.main.get_by_label("Client ID")).to_have_value("trainhub-tests")
    visitor.page.go_back()
    visitor.follow(visitor.main.get_by_role("button", name="Add a sign-in service"))
    visitor.submit("Save sign-in service", status=400)  # nothing filled in
    expect(visitor.error_summary()).to_be_visible()
