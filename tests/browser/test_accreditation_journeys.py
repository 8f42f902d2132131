"""Accreditation in a real browser: applying, assessment, certificates, CPD and the clock.

Besides the demo people, this module's database has people of its own (``accreditation_people``):
a learner who completed the core a month ago, one who has not done it yet, an IFST member
who completed it ten months ago and has no award, and a Level 6 award (Level 6 made to need
internal verification) waiting for a second assessor. The demo learner (supervised by the
demo supervisor) logs learning done elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Person, Visitor
from tests.factories import set_test_password
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import Completion, Course, local_today
from trainhub.courses.signals import course_completed
from trainhub.extensions import db
from trainhub.financial_years import financial_year, financial_year_label

pytestmark = pytest.mark.browser

CORE_TITLE = "IFSS Family Focussed Intervention – Core training 4-day Training Programme"

#: Supplies family support (Level 3 recommended); completed the core a month ago.
ALED = Person("aled.jenkins@example.org", "aled-browser-2026", "Aled Jenkins")
#: An IFST member (Level 6 recommended) who has not done the core yet.
BETHAN = Person("bethan.rees@example.org", "bethan-browser-2026", "Bethan Rees")
#: An IFST member of the manager's organisation: core completed ten months ago, no award.
OWAIN = Person("owain.price@example.org", "owain-browser-2026", "Owain Price")
#: An IFST member whose Level 6 workbook the demo assessor found met: it awaits verification.
CARYS = Person("carys.bowen@example.org", "carys-browser-2026", "Carys Bowen")
#: A second assessor, who verifies Level 6 awards.
GWEN = Person("gwen.davies@example.org", "gwen-browser-2026", "Gwen Davies")


@pytest.fixture(scope="module", autouse=True)
def accreditation_people(live_app: Flask) -> Iterator[None]:
    with live_app.app_context():
        cardiff = db.session.execute(
            select(Organisation).where(Organisation.name == "Cardiff Council")
        ).scalar_one()
        core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()

        def person(who: Person, *roles: str, **profile: object) -> User:
            user = User(email=who.email, full_name=who.full_name, organisation=cardiff, **profile)
            user.role_rows = [UserRole(role=role) for role in ("learner", *roles)]
            set_test_password(user, who.password)
            db.session.add(user)
            return user

        aled = person(ALED, supplies_family_support=True, job_title="Family Support Worker")
        person(BETHAN, ifst_member=True, job_title="Intervention Specialist")
        owain = person(OWAIN, ifst_member=True, job_title="Intervention Specialist")
        db.session.flush()
        today = local_today()
        # Aled's completion goes through the signal, as a register would send it: his CPD
        # record banks the course and he gets its certificate.
        completion = Completion(user=aled, course=core, completed_on=today - timedelta(days=30))
        db.session.add(completion)
        db.session.flush()
        course_completed.send(completions=[completion], actor=None)
        db.session.add(
            Completion(user=owain, course=core, completed_on=today - timedelta(days=300))
        )
        person(GWEN, "assessor", job_title="Practice Educator")
        _awaiting_verification(
            person(CARYS, ifst_member=True, job_title="Intervention Specialist"), core
        )
        db.session.commit()
        db.session.remove()
    yield


def _awaiting_verification(learner: User, core: Course) -> None:
    """Level 6 asks for a second assessor; the learner's workbook is found met, all of it."""
    from weasyprint import HTML

    from trainhub.accreditation.models import AccreditationLevel
    from trainhub.accreditation.services import applications, assessment
    from trainhub.uploads import Upload

    level = db.session.execute(
        select(AccreditationLevel).where(AccreditationLevel.number == 6)
    ).scalar_one()
    level.requires_verification = True
    assessor = db.session.execute(
        select(User).where(User.email == DEMO["assessor"].email)
    ).scalar_one()
    db.session.add(
        Completion(user=learner, course=core, completed_on=local_today() - timedelta(days=60))
    )
    db.session.flush()
    application = applications.start_application(learner, level)
    workbook = HTML(string="<h1>Level 6 workbook</h1>").write_pdf()
    applications.upload_workbook(
        learner, application, Upload("Level 6 workbook.pdf", workbook), True
    )
    applications.submit_application(learner, application)
    assessment.claim_application(assessor, application)
    assessment.record_judgements(
        assessor, application, {o.id: assessment.Judgement(met=True) for o in level.outcomes}
    )
    assessment.decide_application(assessor, application, achieved=True)
    assert application.status == "awaiting_verification"


def pdf_file(tmp_path: Path, name: str) -> Path:
    from weasyprint import HTML

    path = tmp_path / name
    path.write_bytes(
        HTML(string="<h1>Level 3 workbook</h1><p>Family A (anonymised).</p>").write_pdf()
    )
    return path


def test_learner_applies_an_assessor_awards_the_level_and_a_revoked_certificate_shows(
    visitor: Visitor, tmp_path: Path
) -> None:
    page = visitor.page

    # Without the core, Level 6 is refused, naming the course.
    visitor.sign_in(BETHAN)
    visitor.nav("Accreditation")
    expect(page.get_by_role("heading", level=1)).to_have_text("My accreditation")
    level6 = visitor.main.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=re.compile("^Level 6: "))
    )
    expect(level6).to_contain_text("Recommended for you")
    expect(level6).to_contain_text(f"Level 6 needs {CORE_TITLE} completed first")
    expect(visitor.main.get_by_role("link", name="Apply for Level 6")).to_have_count(0)
    visitor.click_link("Apply for Level 2")
    page.get_by_role("radio", name=re.compile("^Level 6: ")).check()
    visitor.submit("Start my application", status=400)
    expect(visitor.error_summary()).to_contain_text(f"Level 6 needs {CORE_TITLE} completed first")
    visitor.sign_out()

    # Aled has the core: Level 3 is recommended, and he applies for it.
    visitor.sign_in(ALED)
    visitor.nav("Accreditation")
    level3 = visitor.main.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=re.compile("^Level 3: "))
    )
    expect(level3).to_contain_text("Recommended for you")
    expect(level3).to_contain_text("You completed the course that opens it on")
    visitor.click_link("Apply for Level 3")
    expect(page.get_by_role("radio", name=re.compile("^Level 3: .*recommended"))).to_be_checked()
    visitor.submit("Start my application")
    expect(visitor.success_banner()).to_contain_text("Your application for Level 3 has started.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Level 3: Implementing IFSS")

    # The workbook: the anonymisation confirmation first, then the kind of file.
    visitor.click_link("Upload a workbook")
    workbook = pdf_file(tmp_path, "Level 3 workbook.pdf")
    page.get_by_label("Workbook", exact=True).set_input_files(workbook)
    visitor.submit("Upload workbook", status=400)
    confirmation = "Confirm that the case material in the workbook is anonymised"
    expect(visitor.error_summary()).to_contain_text(confirmation)
    expect(visitor.main.locator(".govuk-form-group--error .govuk-error-message")).to_contain_text(
        confirmation
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("My reflections on family A.\n")
    page.get_by_label("Workbook", exact=True).set_input_files(notes)
    page.get_by_role("checkbox", name=re.compile("I confirm that case material")).check()
    visitor.submit("Upload workbook", status=400)
    expect(visitor.error_summary()).to_contain_text("The selected file must be a DOCX, ODT, PDF")
    page.get_by_label("Workbook", exact=True).set_input_files(workbook)
    page.get_by_role("checkbox", name=re.compile("I confirm that case material")).check()
    visitor.submit("Upload workbook")
    expect(visitor.success_banner()).to_contain_text("Version 1 of your workbook is uploaded.")
    expect(visitor.main.get_by_role("link", name="Level 3 workbook.pdf")).to_be_visible()

    visitor.click_link("Submit for assessment")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Submit your workbook for assessment?"
    )
    visitor.submit("Submit for assessment")
    expect(visitor.success_banner()).to_contain_text(
        "Your workbook has been sent to the assessors."
    )
    expect(visitor.main.locator(".govuk-summary-list")).to_contain_text("Submitted")
    visitor.sign_out()

    # The assessor claims it and judges each outcome.
    visitor.sign_in(DEMO["assessor"])
    visitor.nav("Assessment")
    visitor.click_link(ALED.full_name)
    visitor.submit("Claim to assess")
    expect(visitor.success_banner()).to_contain_text("The application is yours to assess.")
    award = visitor.main.get_by_role("button", name="Award Level 3")
    expect(award).to_be_disabled()
    outcomes = visitor.main.get_by_role("group", name=re.compile(r"^Outcome \d: "))
    expect(outcomes).to_have_count(6)
    outcomes.nth(0).get_by_role("radio", name="Not yet met").check()
    for n in range(1, 6):
        outcomes.nth(n).get_by_role("radio", name="Met", exact=True).check()
    visitor.submit("Save judgements", status=400)
    expect(visitor.error_summary()).to_contain_text("Say what is missing for outcome 1")
    expect(award).to_be_disabled()

    page.get_by_label("Comment on outcome 1").fill("Add an example of a family meeting.")
    visitor.submit("Save judgements")
    expect(visitor.success_banner()).to_contain_text("Judgements saved.")
    expect(award).to_be_disabled()
    expect(visitor.main.get_by_role("button", name="Ask for a resubmission")).to_be_enabled()

    outcomes.nth(0).get_by_role("radio", name="Met", exact=True).check()
    page.get_by_label("Comment on outcome 1").fill("")
    visitor.submit("Save judgements")
    expect(award).to_be_enabled()
    visitor.follow(award)
    expect(visitor.success_banner()).to_contain_text("Level 3 awarded.")
    expect(visitor.main.locator(".govuk-summary-list")).to_contain_text("Achieved")
    visitor.sign_out()

    # Aled holds Level 3; his certificates: the core course and Level 3.
    visitor.sign_in(ALED)
    visitor.nav("Accreditation")
    expect(level3).to_contain_text("You hold this level.")
    expect(visitor.main.get_by_role("row", name=re.compile("^Level 3 "))).to_contain_text(
        "Achieved"
    )
    visitor.click_link("My certificates")
    rows = visitor.main.get_by_role("row")
    expect(rows.filter(has_text=CORE_TITLE)).to_have_count(1)
    level_row = rows.filter(has_text="Level 3")
    expect(level_row).to_have_count(1)
    expect(level_row).to_contain_text("Valid")
    with page.expect_download() as download:
        level_row.get_by_role("link", name=re.compile("^PDF")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    code = level_row.get_by_role("link", name=re.compile(r"^\w{4}-\w{4}-\w{4}$")).inner_text()
    visitor.follow(level_row.get_by_role("link", name=code))
    expect(visitor.main.locator(".govuk-panel")).to_contain_text("Valid certificate")
    expect(visitor.main.locator(".govuk-summary-list")).to_contain_text(ALED.full_name)
    verification = page.url
    visitor.sign_out()

    # An administrator revokes it, with a reason.
    visitor.sign_in(DEMO["admin"])
    visitor.nav("Administration")
    visitor.click_link("Certificates: find, revoke or reissue")
    page.get_by_label("Learner's name or verification code").fill(code)
    visitor.submit("Search")
    visitor.click_link(f"Revoke {code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke this certificate?")
    visitor.submit("Revoke the certificate", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter the reason")
    page.get_by_label("Reason").fill("Awarded in error: the workbook was not the learner's own.")
    visitor.submit("Revoke the certificate")
    expect(visitor.success_banner()).to_contain_text(f"Certificate {code} revoked.")
    visitor.sign_out()

    # Anyone checking the certificate now reads that it was revoked, and why.
    visitor.goto(verification.removeprefix(visitor.base_url))
    summary = visitor.main.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Revoked")
    expect(summary).to_contain_text("Awarded in error: the workbook was not the learner's own.")
    expect(visitor.main.locator(".govuk-panel")).to_have_count(0)

    # The code can be typed in, as a reader would from the paper.
    visitor.click_link("Check another certificate")
    code_box = page.get_by_label("Verification code")
    code_box.fill("7KQ2-M9XH")
    visitor.submit("Check certificate", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter the code as printed")
    code_box.fill(code.lower().replace("-", " "))
    visitor.submit("Check certificate")
    assert page.url == verification
    visitor.goto("/verify/7KQ2M9XH3TVA", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate not found")


def test_learner_logs_learning_done_elsewhere_and_the_supervisor_approves_it(
    visitor: Visitor, tmp_path: Path
) -> None:
    page = visitor.page
    learner = DEMO["learner"]
    # A financial year with nothing else in the demo learner's record.
    day = date(local_today().year - 2, 6, 15)
    year = financial_year_label(financial_year(day))
    title = "Motivational interviewing webinar"

    visitor.sign_in(learner)
    visitor.click_link("My CPD record")
    visitor.click_link("Add learning done elsewhere")
    page.get_by_label("What was the activity?").fill(title)
    page.get_by_label("Provider (optional)").fill("Example Training Ltd")
    when = page.get_by_role("group", name="Date", exact=True)
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Hours of learning").fill("3.5")
    visitor.submit("Send for approval", status=400)
    expect(visitor.error_summary()).to_contain_text("Choose a file to upload")
    expect(when.get_by_label("Year")).to_have_value(str(day.year))
    page.get_by_label("Evidence", exact=True).set_input_files(
        pdf_file(tmp_path, "webinar certificate.pdf")
    )
    visitor.submit("Send for approval")
    expect(visitor.success_banner()).to_contain_text("Your activity has been sent for approval.")
    activity = visitor.main.get_by_role("row", name=re.compile(title))
    expect(activity).to_contain_text("Waiting for approval")
    visitor.sign_out()

    visitor.sign_in(DEMO["supervisor"])
    visitor.click_link("CPD activities to approve")
    row = visitor.main.get_by_role("row", name=re.compile(title))
    expect(row).to_contain_text(learner.full_name)
    visitor.follow(row.get_by_role("link", name=title))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    evidence = visitor.main.get_by_role("link", name=re.compile("^Open the evidence"))
    with page.expect_download() as download:
        evidence.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("radio", name="Yes, approve it").check()
    visitor.submit("Record decision")
    expect(visitor.success_banner()).to_contain_text("Decision recorded.")
    expect(visitor.main).to_contain_text("Nothing is waiting for your approval.")
    visitor.sign_out()

    visitor.sign_in(learner)
    visitor.click_link("My CPD record")
    activity = visitor.main.get_by_role("row", name=re.compile(title)).last
    expect(activity).to_contain_text("Approved")
    totals = visitor.main.get_by_role("table", name=re.compile("^Totals by financial year"))
    expect(totals.get_by_role("row", name=re.compile(f"^{year} "))).to_contain_text("3.5")
    entries = visitor.main.get_by_role("table", name="Every entry")
    expect(entries.get_by_role("row", name=re.compile(title))).to_contain_text("External activity")

    with page.expect_download() as download:
        visitor.main.get_by_role("link", name="Download statement (CSV)").click()
    statement = Path(download.value.path()).read_text(encoding="utf-8-sig")  # Excel's BOM
    assert statement.startswith("Date,Financial year,Source,Activity,Hours,")
    assert f"{day.isoformat()},{year},External activity,{title},3.50," in statement
    with page.expect_download() as download:
        visitor.main.get_by_role("link", name="Download statement (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_manager_finds_an_overdue_ifst_member_and_reads_their_record(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["manager"])
    visitor.click_link("Accreditation progress: who is due or overdue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accreditation progress")
    row = visitor.main.get_by_role("row", name=re.compile(OWAIN.full_name))
    expect(row).to_contain_text("IFST member")
    expect(row).to_contain_text("Level 6")
    expect(row).to_contain_text("Not applied yet")
    expect(row).to_contain_text("Overdue")

    page.get_by_label("Show").select_option(label="Overdue")
    visitor.submit("Filter")
    expect(page.get_by_label("Show")).to_have_value("overdue")
    rows = visitor.main.get_by_role("table").locator("tbody tr")
    expect(rows.filter(has_text=OWAIN.full_name)).to_have_count(1)
    for text in rows.all_inner_texts():
        assert "Overdue" in text

    visitor.click_link(OWAIN.full_name)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accreditation and CPD")
    expect(visitor.main.locator(".govuk-caption-l")).to_contain_text(OWAIN.full_name)
    expect(visitor.main.locator(".govuk-inset-text")).to_contain_text("It is read-only.")
    expect(visitor.main).to_contain_text("No applications yet.")
    expect(visitor.main.get_by_role("button")).to_have_count(0)
    visitor.follow(page.get_by_role("link", name="Back to the training record"))
    expect(visitor.main).to_contain_text(OWAIN.full_name)


def test_a_second_assessor_verifies_an_award(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(GWEN)
    visitor.nav("Assessment")
    visitor.click_link("Awards to verify (1)")
    row = visitor.main.get_by_role("row", name=re.compile(CARYS.full_name))
    expect(row).to_contain_text("Awaiting verification")
    visitor.follow(row.get_by_role("link", name=CARYS.full_name))
    visitor.click_link("Verify the award")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify the award")
    outcomes = visitor.main.get_by_role(
        "table", name="Learning outcomes and the assessor's judgements"
    )
    expect(outcomes.locator("tbody tr")).to_have_count(4)
    expect(outcomes.get_by_text("Met", exact=True)).to_have_count(4)
    with page.expect_download() as download:
        visitor.main.get_by_role("link", name="Level 6 workbook.pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("radio", name="No, send it back to the assessor").check()
    visitor.submit("Record verification", status=400)
    expect(visitor.error_summary()).to_contain_text("Say why the award cannot stand yet")
    page.get_by_role("radio", name="Yes, confirm the award").check()
    visitor.submit("Record verification")
    expect(visitor.success_banner()).to_contain_text("Award verified: Level 6 awarded.")
    expect(visitor.main).to_contain_text("No awards are waiting for verification.")


def test_admin_assigns_reverses_and_reissues_and_the_learner_withdraws(
    visitor: Visitor, live_app: Flask
) -> None:
    """The remaining accreditation pages: assign, CPD reversal, reissue and withdraw."""
    page = visitor.page
    with live_app.app_context():
        catrin = db.session.execute(
            select(User).where(User.email == DEMO["learner"].email)
        ).scalar_one()
        record = f"/people/{catrin.id}/accreditation"
        db.session.remove()

    visitor.sign_in(DEMO["admin"])
    visitor.goto(record)
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("Level 3")))
    visitor.click_link("Assign an assessor")
    visitor.submit("Assign", status=400)
    expect(visitor.error_summary()).to_contain_text("Choose an assessor")
    page.get_by_label("Assessor").select_option(label=GWEN.full_name)
    visitor.submit("Assign")
    expect(visitor.success_banner()).to_contain_text(f"{GWEN.full_name} is now the assessor.")

    visitor.goto(record)
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("^Reverse")).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reverse this CPD entry?")
    visitor.submit("Reverse the entry", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter the reason")
    page.get_by_label("Reason").fill("Recorded against the wrong person")
    visitor.submit("Reverse the entry")
    expect(visitor.success_banner()).to_contain_text("The line has been reversed.")
    expect(visitor.main).to_contain_text("Recorded against the wrong person")

    visitor.goto("/admin/certificates")
    page.get_by_label("Learner's name or verification code").fill(DEMO["learner"].full_name)
    visitor.submit("Search")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("^Reissue")).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reissue this certificate?")
    visitor.submit("Reissue the certificate")
    expect(visitor.success_banner()).to_contain_text("issued in its place.")
    visitor.sign_out()

    visitor.sign_in(DEMO["learner"])
    visitor.nav("Accreditation")
    visitor.click_link("Open your application")
    visitor.click_link("Withdraw the application")
    visitor.submit("Withdraw", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter the reason")
    page.get_by_label("Reason").fill("Starting a new job; I will apply again next year")
    visitor.submit("Withdraw")
    expect(visitor.success_banner()).to_contain_text("The application has been withdrawn.")
    expect(visitor.main).to_contain_text("Withdrawn")
