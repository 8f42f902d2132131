"""Journeys done on a phone (issue 20, "Pages that work on a phone"): a browser 320 CSS pixels
wide with a touch screen (``narrow_visitor``), in English and in Welsh. The person uses the
service navigation folded behind its "Menu" button, the area's row of pages beneath it, taps
buttons, fills forms and reads tables that scroll inside their own labelled region. Every
page is audited with axe-core and fails if it scrolls sideways (``Visitor``). Welsh journeys
choose Cymraeg from the header, as a person would, and read the Welsh catalogue (``cy``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import Locator, expect

from tests.browser.conftest import DEMO, NARROW, Person, Visitor, cy, cy_n
from tests.factories import PASSWORD, make_booking, make_cohort, make_course, make_user
from trainhub.courses.models import local_today

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "cy")
COURSE = "Working with grandparents"
COURSE_CODE = "PHONE-GRAND"
COHORT = "Grandparents, phone cohort"
LEARNERS = {
    "en": Person("llinos.phone@example.org", PASSWORD, "Llinos Phone"),
    "cy": Person("lleucu.ffon@example.org", PASSWORD, "Lleucu Ffôn"),
}
TRAINERS = {
    "en": Person("tudur.phone@example.org", PASSWORD, "Tudur Phone"),
    "cy": Person("tegid.ffon@example.org", PASSWORD, "Tegid Ffôn"),
}
#: Each trainer's cohort running today, and who is booked on it.
TODAY = {"en": "Phone register, today", "cy": "Cofrestr ffôn, heddiw"}
ATTENDEES = {"en": ("Anwen Early", "Bryn Late"), "cy": ("Catrin Brydlon", "Dafydd Hwyr")}


@pytest.fixture(scope="module", autouse=True)
def people(live_app: Flask) -> Iterator[None]:
    """A course with a cohort to book, the learners and, for each trainer, a cohort today."""
    from trainhub.extensions import db

    with live_app.app_context():
        course = make_course(
            code=COURSE_CODE,
            title=COURSE,
            summary="Supporting grandparents who care for their grandchildren.",
        )
        make_cohort(course, title=COHORT)
        for lang in LANGUAGES:
            learner = LEARNERS[lang]
            make_user(roles=["learner"], email=learner.email, full_name=learner.full_name)
            trainer = TRAINERS[lang]
            facilitator = make_user(
                roles=["trainer"], email=trainer.email, full_name=trainer.full_name
            )
            today = make_cohort(start=local_today(), title=TODAY[lang], facilitators=[facilitator])
            for name in ATTENDEES[lang]:
                make_booking(today, make_user(full_name=name))
        db.session.commit()
        db.session.remove()
    yield


def speak(lang: str) -> Callable[[str], str]:
    """The interface's words in ``lang``."""
    return cy if lang == "cy" else str


def choose(visitor: Visitor, lang: str) -> None:
    """Start on the home page and, for Welsh, choose Cymraeg in the header (behind "Menu")."""
    visitor.goto("/")
    if lang == "cy":
        visitor.nav("Cymraeg")
    expect(visitor.page.locator("html")).to_have_attribute("lang", lang)


def fits(visitor: Visitor) -> None:
    """The page is as wide as the screen: nothing makes it scroll sideways."""
    widths = visitor.page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[1] == NARROW, f"the screen is {widths[1]} px wide"
    assert widths[0] <= widths[1], f"{visitor.page.url} is {widths[0]} px wide at {NARROW}"


def scrolls_in_its_region(visitor: Visitor, region: Locator) -> None:
    """``region`` holds a table wider than the screen: it has a name, takes the keyboard's
    focus and scrolls sideways itself, while the page does not."""
    expect(region).to_have_role("region")
    expect(region).to_have_accessible_name(re.compile(r"\S"))
    expect(region).to_have_attribute("tabindex", "0")
    wider = region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert wider, "the table fits: nothing to scroll"
    region.focus()
    expect(region).to_be_focused()
    visitor.page.keyboard.press("ArrowRight")
    visitor.page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    fits(visitor)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_learner_books_a_course_on_a_phone(narrow_visitor: Visitor, lang: str) -> None:
    visitor, say = narrow_visitor, speak(lang)
    page = visitor.page
    learner = LEARNERS[lang]
    choose(visitor, lang)
    visitor.sign_in(learner)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("Hello, %(name)s") % {"name": learner.full_name}
    )
    # Signed in, the navigation is folded away until "Menu" is pressed.
    expect(visitor.menu_button).to_be_visible()
    expect(visitor.menu_button).to_have_attribute("aria-expanded", "false")
    expect(visitor.menu_button).to_have_text(say("Menu"))
    courses = visitor.header.get_by_role("link", name=say("Courses"), exact=True)
    expect(courses).to_be_hidden()
    fits(visitor)
    # Open, the menu lists the areas, the language and signing out, and still fits.
    visitor.open_menu()
    expect(courses).to_be_visible()
    expect(visitor.header.get_by_role("button", name=say("Sign out"))).to_be_visible()
    visitor.audit()

    visitor.nav("Courses")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Courses"))
    visitor.click_link(COURSE)
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    visitor.follow(visitor.main.get_by_role("link", name=re.compile(f"^{COHORT}: ")))
    expect(page.get_by_role("heading", level=1)).to_have_text(COHORT)

    vegetarian = page.get_by_label(say("Vegetarian food"))
    vegetarian.tap()
    expect(vegetarian).to_be_checked()
    page.get_by_label(say("Anything else we should know (optional)")).fill(
        "A chair with arms, please."
    )
    visitor.navigate(visitor.main.get_by_role("button", name=say("Book a place")).tap)
    expect(visitor.success_banner()).to_contain_text(
        say("Booked. We have emailed you a calendar invitation.")
    )
    fits(visitor)

    visitor.nav("My bookings")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("My bookings"))
    row = visitor.main.get_by_role("row", name=re.compile(COHORT))
    expect(row).to_contain_text(say("Booked"))

    visitor.nav("Home")
    next_course = visitor.main.locator("#next-course + .govuk-summary-list")
    expect(visitor.main.locator("#next-course")).to_have_text(say("Your next course"))
    expect(next_course.get_by_role("link", name=COHORT)).to_be_visible()
    fits(visitor)

    visitor.sign_out()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    visitor.open_menu()
    expect(visitor.header.get_by_role("link", name=say("Sign in"), exact=True)).to_be_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_trainer_takes_todays_register_on_a_phone(narrow_visitor: Visitor, lang: str) -> None:
    visitor, say = narrow_visitor, speak(lang)
    page = visitor.page
    choose(visitor, lang)
    visitor.sign_in(TRAINERS[lang])

    # Courses, then Cohorts in the row of the area's pages beneath the navigation.
    visitor.nav("Cohorts")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Cohorts"))
    beneath = page.locator(".trainhub-sub-navigation")
    expect(beneath.get_by_role("link", name=say("Cohorts"), exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    fits(visitor)
    visitor.click_link(TODAY[lang])
    expect(page.get_by_role("heading", level=1)).to_contain_text(TODAY[lang])
    visitor.click_link(f"{say('Take the register')} {say('for day %(n)d') % {'n': 1}}")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Register: day %(n)d") % {"n": 1})

    early, late = ATTENDEES[lang]
    page.get_by_role("group", name=early).get_by_label(say("Present"), exact=True).tap()
    person = page.get_by_role("group", name=late)
    minutes = person.get_by_label(re.compile(re.escape(say("Minutes late or left early"))))
    expect(minutes).to_be_hidden()
    person.get_by_label(say("Late"), exact=True).tap()
    expect(minutes).to_be_visible()
    minutes.fill("15")
    fits(visitor)
    visitor.navigate(visitor.main.get_by_role("button", name=say("Save the register")).tap)
    saved = "Register saved: %(num)d mark changed.", "Register saved: %(num)d marks changed."
    expect(visitor.success_banner()).to_contain_text(
        cy_n(*saved, 2) if lang == "cy" else saved[1] % {"num": 2}
    )
    expect(person.get_by_label(say("Late"), exact=True)).to_be_checked()
    expect(minutes).to_have_value("15")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_manager_reads_the_reports_on_a_phone(narrow_visitor: Visitor, lang: str) -> None:
    visitor, say = narrow_visitor, speak(lang)
    page = visitor.page
    choose(visitor, lang)
    visitor.sign_in(DEMO["manager"])

    visitor.nav("Reports")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Training reports"))
    # The reports' own row of pages.
    reports = visitor.main.get_by_role("navigation", name=say("Reports"))
    visitor.follow(reports.get_by_role("link", name=say("Statistics"), exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.sub(r"%\(fy\)s.*", "", say("Training statistics %(fy)s"))
    )
    regions = visitor.main.locator(".trainhub-table-scroll")
    wide = [
        regions.nth(i)
        for i in range(regions.count())
        if regions.nth(i).evaluate("el => el.scrollWidth > el.clientWidth")
    ]
    assert wide, "no table on the statistics page is wider than a phone"
    scrolls_in_its_region(visitor, wide[0])

    reports = visitor.main.get_by_role("navigation", name=say("Reports"))
    visitor.follow(reports.get_by_role("link", name=say("Budget"), exact=True))
    fits(visitor)
    visitor.follow(reports.get_by_role("link", name=say("Dashboard"), exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Training reports"))
    fits(visitor)

    # All cohorts: a wide table, through Courses and the row beneath it, whose pages (in
    # Welsh too) wrap onto the screen.
    visitor.nav("Cohorts")
    beneath = page.locator(".trainhub-sub-navigation").get_by_role("link")
    expect(beneath.get_by_text(say("Training calendar"))).to_be_visible()
    for link in beneath.all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW
    page.get_by_label(say("Whose")).select_option("all")
    visitor.submit(say("Show cohorts"))
    scrolls_in_its_region(visitor, visitor.main.locator(".trainhub-table-scroll").first)
    visitor.sign_out()
