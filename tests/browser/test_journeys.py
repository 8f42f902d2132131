"""What each kind of person does in trainhub, in a real browser.

Each journey starts in a fresh browser context against this module's live server
(catalogue and demo people seeded). Every page loaded is status-checked and audited
with axe-core by ``Visitor``. Journeys share the database, so each one creates its
own records and changes only what no other journey reads.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.browser

CORE_TITLE = "IFSS Family Focussed Intervention – Core training 4-day Training Programme"
FRAMEWORK = "IFSS Training Framework programme"


def confirmation_link(app: Flask, address: str) -> str:
    """The path of the link e-mailed to a new account's address to create its password."""
    with app.app_context():
        query = select(OutboxMessage.body).where(OutboxMessage.to_address == address)
        body = db.session.execute(query).scalar_one()
        db.session.remove()
    link = re.search(r"https?://[^/\s]+(/register/confirm/\S+)", body)
    assert link is not None, body
    return link.group(1)


def test_anonymous_visitor_browses_switches_language_and_registers(
    visitor: Visitor, live_app: Flask
) -> None:
    page = visitor.page
    visitor.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Training for work with families affected by parental substance misuse"
    )

    visitor.follow(visitor.main.get_by_role("button", name="Browse the courses"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    all_courses = page.locator(".trainhub-course").count()

    page.get_by_label("Kind").select_option(label=FRAMEWORK)
    visitor.submit("Filter")
    courses = page.locator(".trainhub-course")
    assert 0 < courses.count() < all_courses
    for text in courses.all_inner_texts():
        assert FRAMEWORK in text
    expect(page.get_by_label("Kind")).to_have_value("framework")

    visitor.click_link(CORE_TITLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(CORE_TITLE)
    expect(page.get_by_role("heading", name="Day 4", exact=True)).to_be_visible()
    expect(visitor.main.get_by_text("Endings & Family files", exact=True)).to_be_visible()
    # The accreditation levels whose outcomes the core course teaches.
    expect(page.get_by_role("heading", name="Learning outcomes", level=2)).to_be_visible()
    for number in (2, 3, 6):
        expect(page.get_by_role("heading", name=re.compile(rf"^Level {number}: "))).to_be_visible()
    expect(visitor.main.get_by_role("link", name="Sign in to book")).to_be_visible()

    visitor.goto("/courses/NO-SUCH-COURSE", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

    # Cymraeg, from the header, comes back to the same page.
    visitor.goto("/courses")
    visitor.nav("Cymraeg")
    assert page.url == visitor.base_url + "/courses"
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(visitor.header.get_by_role("link", name="English")).to_have_attribute("lang", "en")
    visitor.nav("English")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Register: no name first, then the profile (no password: the e-mail's link creates it).
    visitor.nav("Sign in")
    visitor.click_link("Create an account")
    expect(page.get_by_label("Create a password")).to_have_count(0)
    page.get_by_label("Email address").fill("nia.browser@example.org")
    page.get_by_label("Organisation").select_option(label="Newport City Council")
    visitor.submit("Create account", status=400)
    summary = visitor.error_summary()
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript ran
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(["Enter your full name"])
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Email address")).to_have_value("nia.browser@example.org")

    page.get_by_label("Full name").fill("Nia Browser")
    visitor.submit("Create account")
    # The same answer whether or not the address had an account: the e-mail says which.
    assert page.url == visitor.base_url + "/register/sent"
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The link in the e-mail: a weak password first, then a good one, and Nia is signed in.
    visitor.goto(confirmation_link(live_app, "nia.browser@example.org"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your password")
    page.get_by_label("Create a password").fill("short")
    page.get_by_label("Confirm your password").fill("short")
    visitor.submit("Create password", status=400)
    expect(visitor.error_summary().get_by_role("link")).to_have_text(
        ["Password must be 10 characters or more"]
    )
    page.get_by_label("Create a password").fill("harbour lantern meadow")
    page.get_by_label("Confirm your password").fill("harbour lantern meadow")
    visitor.submit("Create password")
    expect(visitor.success_banner()).to_contain_text("Your password has been created")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nia Browser")

    # Where Nia is signed in: this browser, marked as such.
    visitor.nav("Your account")
    visitor.click_link("Your sessions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sessions")
    expect(visitor.main.get_by_role("row", name=re.compile("This device"))).to_have_count(1)
    expect(visitor.main.get_by_text("You are not signed in anywhere else.")).to_be_visible()

    visitor.sign_out()
    expect(visitor.success_banner()).to_contain_text("You have signed out.")
    expect(visitor.header.get_by_role("link", name="Sign in")).to_be_visible()

    # The password works from now on.
    visitor.nav("Sign in")
    page.get_by_label("Email address").fill("nia.browser@example.org")
    page.get_by_label("Password", exact=True).fill("harbour lantern meadow")
    visitor.submit("Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nia Browser")


def test_learner_signs_in_changes_details_and_asks_for_a_reset_link(visitor: Visitor) -> None:
    page = visitor.page
    learner = DEMO["learner"]
    visitor.goto("/sign-in")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password", exact=True).fill("not-my-password-at-all")
    visitor.submit("Sign in", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter a correct email address and password")

    page.get_by_label("Password", exact=True).fill(learner.password)
    visitor.submit("Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {learner.full_name}")

    visitor.nav("Your account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    visitor.click_link("Change your details")
    expect(page.get_by_label("Full name")).to_have_value(learner.full_name)
    page.get_by_label("Job title").fill("Senior Social Worker")
    visitor.submit("Save changes")
    assert page.url == visitor.base_url + "/account"
    expect(visitor.success_banner()).to_contain_text("Your details have been saved.")
    expect(visitor.main.get_by_text("Senior Social Worker", exact=True)).to_be_visible()

    visitor.sign_out()
    visitor.nav("Sign in")
    visitor.click_link("I have forgotten my password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("Email address").fill(learner.email)
    visitor.submit("Send reset link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def test_trainer_adds_a_course_edits_the_core_and_adds_a_venue(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["trainer"])
    visitor.nav("Courses")
    visitor.follow(visitor.main.get_by_role("button", name="Add a course"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a course")

    visitor.submit("Save course", status=400)
    expect(visitor.error_summary().get_by_role("link")).to_have_text(
        ["Enter a course code", "Enter the course title", "Enter the number of days, like 3"]
    )

    page.get_by_label("Course code").fill("LOCAL-FATHERS")
    page.get_by_label("Title", exact=True).fill("Working with fathers")
    page.get_by_label("Duration in days").fill("2")
    # Trainers add local courses only: the kind choice is for administrators.
    expect(page.get_by_role("radio", name="Local course")).to_have_count(0)
    page.get_by_label("Agenda, day by day (optional)", exact=True).fill(
        "Day 1\nEngaging fathers\n- Why fathers matter\n- First contact\nDay 2\nPlanning together"
    )
    visitor.submit("Save course")
    assert page.url == visitor.base_url + "/courses/LOCAL-FATHERS"
    expect(visitor.success_banner()).to_contain_text("Course added to the catalogue.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Working with fathers")
    for day in ("Day 1", "Day 2"):
        expect(page.get_by_role("heading", name=day, exact=True)).to_be_visible()
    topic = visitor.main.get_by_role("listitem").filter(
        has_text=re.compile(r"^\s*Engaging fathers")
    )
    expect(topic.get_by_role("listitem")).to_have_text(["Why fathers matter", "First contact"])
    expect(
        visitor.main.get_by_role("listitem").filter(has_text="Planning together")
    ).to_be_visible()

    # The core course is fidelity-controlled: a trainer changes its details only.
    visitor.nav("Courses")
    visitor.click_link(CORE_TITLE)
    visitor.click_link("Edit this course")
    expect(visitor.main.locator(".govuk-inset-text")).to_contain_text(
        "This is a fidelity-controlled framework course."
    )
    for label in ("Title", "Course code", "Agenda, day by day (optional)", "CPD hours (optional)"):
        expect(page.get_by_label(label, exact=True)).to_have_count(0)
    page.get_by_label("Trainers' delivery notes (optional)").fill("Bring the role-play cards.")
    visitor.submit("Save course")
    expect(visitor.success_banner()).to_contain_text("Course saved.")
    expect(visitor.main.get_by_text("Bring the role-play cards.")).to_be_visible()
    expect(page.get_by_role("heading", name="Day 4", exact=True)).to_be_visible()

    visitor.nav("Venues")
    expect(visitor.main.get_by_role("link", name="Barry learning room")).to_be_visible()
    visitor.follow(visitor.main.get_by_role("button", name="Add a venue"))
    page.get_by_label("Name", exact=True).fill("Newport family centre")
    page.get_by_label("Address").fill("4 Example Lane\nNewport\nNP20 1AA")
    page.get_by_label("Capacity").fill("12")
    page.get_by_label("Accessibility (optional)").fill("Step-free access from the car park.")
    visitor.submit("Save venue")
    assert page.url == visitor.base_url + "/venues"
    expect(visitor.success_banner()).to_contain_text("Venue saved.")
    row = visitor.main.get_by_role("row", name=re.compile("Newport family centre"))
    expect(row.get_by_role("cell")).to_have_text(
        [
            "Newport family centre",
            "4 Example Lane, Newport, NP20 1AA",
            "12",
            "Yes",
        ]
    )


def test_venue_address_is_listed_on_one_line(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["trainer"])
    visitor.goto("/venues/new")
    page.get_by_label("Name", exact=True).fill("Swansea family room")
    page.get_by_label("Address").fill("5 Example Quay\nSwansea\nSA1 1AA")
    page.get_by_label("Capacity").fill("10")
    visitor.submit("Save venue")
    row = visitor.main.get_by_role("row", name=re.compile("Swansea family room"))
    expect(row.get_by_role("cell").nth(1)).to_have_text("5 Example Quay, Swansea, SA1 1AA")


def test_assessor_sees_the_levels_they_assess_against(visitor: Visitor) -> None:
    page = visitor.page
    assessor = DEMO["assessor"]
    visitor.sign_in(assessor)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {assessor.full_name}")
    expect(page.get_by_role("heading", name="Assessing")).to_be_visible()
    visitor.click_link("The learning outcomes you assess against")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accreditation levels")
    levels = page.get_by_role("heading", level=2, name=re.compile(r"^Level \d+: "))
    expect(levels).to_have_count(3)
    for number in (2, 3, 6):
        expect(levels.filter(has_text=re.compile(rf"^Level {number}: "))).to_have_count(1)


def test_manager_adds_an_organisation_once(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["manager"])
    visitor.nav("Administration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    expect(visitor.main.get_by_role("link", name="Accounts and roles")).to_have_count(0)
    visitor.click_link("Organisations")
    expect(visitor.main.get_by_role("link", name="Cardiff Council", exact=True)).to_be_visible()

    visitor.follow(visitor.main.get_by_role("button", name="Add an organisation"))
    page.get_by_label("Name", exact=True).fill("Gwent Family Hub")
    page.get_by_label("Sector").select_option(label="Third sector")
    visitor.submit("Save organisation")
    expect(visitor.success_banner()).to_contain_text("Organisation saved.")
    row = visitor.main.get_by_role("row", name=re.compile("Gwent Family Hub"))
    expect(row).to_contain_text("Third sector")

    visitor.follow(visitor.main.get_by_role("button", name="Add an organisation"))
    page.get_by_label("Name", exact=True).fill("gwent family hub")
    visitor.submit("Save organisation", status=400)
    expect(visitor.error_summary()).to_contain_text(
        "There is already an organisation with this name"
    )
    expect(page.get_by_label("Name", exact=True)).to_have_value("gwent family hub")


def test_admin_manages_accounts_levels_and_imports(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["admin"])
    visitor.nav("Administration")
    visitor.click_link("Accounts and roles")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")

    page.get_by_label("Name or email").fill("catrin")
    visitor.submit("Filter")
    expect(visitor.main.get_by_text("1 account", exact=True)).to_be_visible()
    expect(visitor.main.get_by_role("link", name="Catrin Owen")).to_be_visible()
    page.get_by_label("Name or email").fill("")
    page.get_by_label("Role").select_option(label="Assessor")
    visitor.submit("Filter")
    expect(visitor.main.get_by_role("link", name="Megan Hughes")).to_be_visible()
    expect(visitor.main.get_by_role("link", name="Catrin Owen")).to_have_count(0)

    # A new account: the person is emailed a link to set a password.
    visitor.follow(visitor.main.get_by_role("button", name="Add an account"))
    expect(page.get_by_role("checkbox", name="Learner")).to_be_checked()
    page.get_by_label("Email address", exact=True).fill("owain.browser@example.org")
    page.get_by_label("Full name").fill("Owain Browser")
    page.get_by_label("Organisation").select_option(label="Cardiff Council")
    visitor.submit("Save account")
    expect(visitor.success_banner()).to_contain_text(
        "Account created. Owain Browser has been sent a link to set a password."
    )

    visitor.nav("Administration")
    visitor.click_link("Outbox (e-mail sent and waiting)")
    row = visitor.main.get_by_role("row", name=re.compile("owain.browser@example.org"))
    expect(row).to_contain_text("Your trainhub account")
    expect(row).to_contain_text("Waiting")
    visitor.follow(row.get_by_role("link", name="Your trainhub account"))
    expect(visitor.main.locator("pre")).to_contain_text("Hello Owain Browser,")
    expect(visitor.main.locator("pre")).to_contain_text(visitor.base_url + "/password/reset/")

    # Roles, then deactivate and reactivate.
    visitor.goto("/admin/users?q=owain")
    visitor.click_link("Owain Browser")
    expect(page.get_by_role("heading", level=1)).to_have_text("Account of Owain Browser")
    page.get_by_role("checkbox", name="Trainer").check()
    visitor.submit("Save account")
    expect(visitor.success_banner()).to_contain_text("Account saved.")
    row = visitor.main.get_by_role("row", name=re.compile("Owain Browser"))
    expect(row).to_contain_text("Learner, Trainer")

    visitor.click_link("Owain Browser")
    expect(page.get_by_role("checkbox", name="Trainer")).to_be_checked()
    visitor.submit("Deactivate account")
    expect(visitor.success_banner()).to_contain_text(
        "Owain Browser has been deactivated and can no longer sign in."
    )
    expect(visitor.main).to_contain_text("This account is deactivated")
    visitor.submit("Reactivate account")
    expect(visitor.success_banner()).to_contain_text("Owain Browser can sign in again.")
    expect(visitor.main.get_by_role("button", name="Deactivate account")).to_be_visible()

    # Accreditation levels: add Level 5 with its outcomes.
    visitor.nav("Administration")
    visitor.click_link("Accreditation levels, the courses that open them and their equivalents")
    visitor.follow(visitor.main.get_by_role("button", name="Add a level"))
    page.get_by_label("Level number").fill("5")
    page.get_by_label("Title", exact=True).fill("Leading family support practice")
    page.get_by_label("Learning outcomes", exact=True).fill(
        "Supervise practitioners in the model\nReview fidelity with the team"
    )
    visitor.submit("Save level")
    expect(visitor.success_banner()).to_contain_text("Level 5 saved.")
    row = visitor.main.get_by_role("row", name=re.compile("Leading family support practice"))
    expect(row.get_by_role("cell")).to_have_text(
        ["5", "Leading family support practice", "2", "Yes"]
    )
    visitor.goto("/accreditation")
    expect(
        page.get_by_role("heading", name="Level 5: Leading family support practice")
    ).to_be_visible()
    expect(visitor.main.get_by_text("Review fidelity with the team")).to_be_visible()

    # Import: a file with a bad row imports nothing and says which line is wrong.
    visitor.nav("Administration")
    visitor.click_link("Import accounts from a CSV file")
    header = "email,full_name,roles,organisation\n"
    page.get_by_label("CSV file").set_input_files(
        {
            "name": "accounts.csv",
            "mimeType": "text/csv",
            "buffer": (
                header
                + "ffion.import@example.org,Ffion Import,learner,Cardiff Council\n"
                + "not-an-address,Bad Row,wizard,Nowhere Council\n"
            ).encode(),
        }
    )
    visitor.submit("Check and import", status=400)
    errors = visitor.error_summary()
    expect(errors).to_contain_text("3 problems: nothing was imported")
    expect(errors.get_by_role("listitem")).to_have_text(
        [
            "Line 3: “not-an-address” is not an email address",
            "Line 3: unknown role(s): wizard",
            "Line 3: unknown organisation “Nowhere Council”",
        ]
    )

    page.get_by_label("CSV file").set_input_files(
        {
            "name": "accounts.csv",
            "mimeType": "text/csv",
            "buffer": (
                header
                + "ffion.import@example.org,Ffion Import,learner,Cardiff Council\n"
                + "gethin.import@example.org,Gethin Import,learner;assessor,\n"
            ).encode(),
        }
    )
    # The same first row again: had the failed import kept it, this would be a duplicate.
    visitor.submit("Check and import")
    panel = visitor.main.locator(".govuk-panel")
    expect(panel).to_contain_text("Accounts imported")
    expect(panel).to_contain_text("2 accounts created")
    expect(visitor.main).to_contain_text("Gethin Import (gethin.import@example.org)")
    visitor.click_link("Back to accounts")
    page.get_by_label("Name or email").fill("import@example.org")
    visitor.submit("Filter")
    expect(visitor.main.get_by_text("2 accounts", exact=True)).to_be_visible()

    # A past award for someone new: an administrator chooses their organisation.
    visitor.goto("/history/awards/new")
    page.get_by_label("Email address", exact=True).fill("past.award@example.org")
    page.get_by_label("Full name (if they have no account yet)").fill("Past Award")
    page.get_by_label("Organisation (if they have no account yet)").select_option(
        label="Cardiff University"
    )
    page.get_by_label("Level", exact=True).fill("2")
    group = page.get_by_role("group", name="Date awarded")
    group.get_by_label("Day").fill("20")
    group.get_by_label("Month").fill("9")
    group.get_by_label("Year").fill("2016")
    visitor.submit("Record the award")
    expect(visitor.success_banner()).to_contain_text("Award recorded")


def test_supervisor_reads_their_supervisees_record(visitor: Visitor) -> None:
    page = visitor.page
    learner = DEMO["learner"]
    visitor.sign_in(DEMO["supervisor"])
    visitor.nav("Supervisees")
    expect(page.get_by_role("heading", level=1)).to_have_text("People you supervise")
    visitor.click_link(learner.full_name)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Training record of {learner.full_name}"
    )
    expect(visitor.main.locator(".govuk-inset-text")).to_contain_text("It is read-only.")
    expect(visitor.main).to_contain_text(learner.email)
    expect(visitor.main.get_by_role("link", name="Change your details")).to_have_count(0)
    expect(visitor.main.get_by_role("button")).to_have_count(0)


def test_invited_colleague_sets_then_changes_a_password_and_admin_edits_records(
    visitor: Visitor,
) -> None:
    """The pages the other journeys pass by: a password link, change of password, the
    edit pages of existing records, the 403 page and a Welsh page with errors."""
    page = visitor.page
    visitor.sign_in(DEMO["admin"])
    visitor.goto("/admin/users/new")
    page.get_by_label("Email address", exact=True).fill("ffion.invited@example.org")
    page.get_by_label("Full name").fill("Ffion Invited")
    visitor.submit("Save account")
    visitor.goto("/admin/outbox/")
    row = visitor.main.get_by_role("row", name=re.compile("ffion.invited@example.org"))
    visitor.follow(row.get_by_role("link", name="Your trainhub account"))
    link = re.search(r"http://\S+/password/reset/\S+", visitor.main.locator("pre").inner_text())
    assert link is not None

    # Existing records open for editing.
    visitor.goto("/admin/levels")
    visitor.click_link("Underpinning Knowledge & Skills for IFSS")
    expect(page.get_by_label("Learning outcomes", exact=True)).to_contain_text(
        "Understand the philosophy"
    )
    visitor.goto("/admin/organisations")
    visitor.click_link("Cardiff Council")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Cardiff Council")
    visitor.goto("/venues")
    visitor.click_link("Barry learning room")
    expect(page.get_by_label("Capacity")).to_have_value("16")
    visitor.sign_out()

    # The invitation link: mismatched passwords first, then a good one.
    visitor.goto(link.group(0).replace(visitor.base_url, ""))
    page.get_by_label("New password", exact=True).fill("three blue herons")
    page.get_by_label("Confirm new password").fill("three blue heron")
    visitor.submit("Set password", status=400)
    expect(visitor.error_summary()).to_contain_text("The passwords do not match")
    page.get_by_label("New password", exact=True).fill("three blue herons")
    page.get_by_label("Confirm new password").fill("three blue herons")
    visitor.submit("Set password")
    expect(visitor.success_banner()).to_contain_text("Your password has been set")

    # Signed in, the colleague changes it, and meets a page that is not theirs.
    page.get_by_label("Email address").fill("ffion.invited@example.org")
    page.get_by_label("Password", exact=True).fill("three blue herons")
    visitor.submit("Sign in")
    visitor.nav("Your account")
    visitor.click_link("Change your password")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("four grey herons")
    page.get_by_label("Confirm new password").fill("four grey herons")
    visitor.submit("Change password", status=400)
    expect(visitor.error_summary()).to_contain_text("Your current password is not right")
    page.get_by_label("Current password").fill("three blue herons")
    page.get_by_label("New password", exact=True).fill("four grey herons")
    page.get_by_label("Confirm new password").fill("four grey herons")
    visitor.submit("Change password")
    expect(visitor.success_banner()).to_contain_text("Your password has been changed")
    visitor.goto("/admin/users", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to see this page"
    )

    # The same kind of error, in Welsh.
    visitor.sign_out()
    visitor.goto("/language/cy?next=/sign-in")
    visitor.submit("Mewngofnodi", status=400)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(visitor.error_summary()).to_be_visible()
