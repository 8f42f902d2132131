"""Fictional demo data (DOMAIN.md R50: no real people). Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from trainhub.auth.models import Organisation, User, UserRole
from trainhub.auth.roles import Role
from trainhub.auth.services import seed_organisations
from trainhub.courses.models import Cohort, Completion, Course, Venue, local_today
from trainhub.extensions import db
from trainhub.localtime import bank_holidays_in_wales


@dataclass(frozen=True)
class DemoPerson:
    label: str
    email: str
    full_name: str
    roles: frozenset[str]
    organisation: str
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def password(self) -> str:
        return f"demo-{self.label}-2026"


CARDIFF = {"sector": "local_authority", "local_authority": "cardiff"}

DEMO_PEOPLE = [
    DemoPerson(
        "learner",
        "learner@example.org",
        "Catrin Owen",
        frozenset({Role.LEARNER}),
        "Cardiff Council",
        {
            **CARDIFF,
            "professional_background": "social_worker",
            "job_title": "Social Worker",
            "supplies_family_support": True,
        },
    ),
    DemoPerson(
        "trainer",
        "trainer@example.org",
        "Rhodri Evans",
        frozenset({Role.TRAINER, Role.LEARNER}),
        "Cardiff Council",
        {
            **CARDIFF,
            "professional_background": "social_worker",
            "job_title": "Consultant Social Worker",
            "ifst_member": True,
        },
    ),
    DemoPerson(
        "cotrainer",
        "cotrainer@example.org",
        "Nia Thomas",
        frozenset({Role.TRAINER, Role.LEARNER}),
        "Cardiff and Vale University Health Board",
        {
            "sector": "health",
            "local_authority": "cardiff",
            "professional_background": "nurse",
            "job_title": "Intervention Specialist",
            "ifst_member": True,
        },
    ),
    DemoPerson(
        "assessor",
        "assessor@example.org",
        "Megan Hughes",
        frozenset({Role.ASSESSOR, Role.LEARNER}),
        "Cardiff and Vale University Health Board",
        {
            "sector": "health",
            "local_authority": "vale_of_glamorgan",
            "professional_background": "health_visitor",
            "job_title": "Health Intervention Specialist (Health Visiting)",
            "ifst_member": True,
        },
    ),
    DemoPerson(
        "manager",
        "manager@example.org",
        "Gareth Lloyd",
        frozenset({Role.MANAGER, Role.LEARNER}),
        "Cardiff Council",
        {
            **CARDIFF,
            "professional_background": "manager",
            "job_title": "IFST Service Manager",
            "ifst_member": True,
        },
    ),
    DemoPerson(
        "admin",
        "admin@example.org",
        "Siân Parry",
        frozenset({Role.ADMIN}),
        "Cardiff Council",
        {**CARDIFF, "job_title": "Administrative Assistant"},
    ),
    DemoPerson(
        "supervisor",
        "supervisor@example.org",
        "Dafydd Morgan",
        frozenset({Role.LEARNER}),
        "Cardiff Council",
        {**CARDIFF, "professional_background": "manager", "job_title": "Team Manager"},
    ),
]

DEMO_VENUES = [
    (
        "Cardiff training centre, Room 1",
        "1 Example Street\nCardiff\nCF10 1AA",
        20,
        "Step-free access, hearing loop, accessible toilet on the same floor.",
    ),
    (
        "Barry learning room",
        "2 Example Road\nBarry\nCF62 1AA",
        16,
        "Ground floor; two accessible parking spaces.",
    ),
    (
        "University teaching suite",
        "3 Example Avenue\nCardiff\nCF24 1AA",
        50,
        "Lift to all floors; quiet room available on request.",
    ),
]


def create_demo() -> list[DemoPerson]:
    """Create the demo people and venues that are missing; return the people."""
    seed_organisations()
    organisations = {o.name: o for o in db.session.execute(select(Organisation)).scalars()}
    users: dict[str, User] = {}
    for person in DEMO_PEOPLE:
        query = select(User).where(User.email == person.email)
        user = db.session.execute(query).scalar_one_or_none()
        if user is None:
            user = User(
                email=person.email,
                full_name=person.full_name,
                organisation=organisations[person.organisation],
            )
            for key, value in person.profile.items():
                setattr(user, key, value)
            user.role_rows = [UserRole(role=role) for role in sorted(person.roles)]
            user.set_password(person.password)
            db.session.add(user)
        users[person.label] = user
    # The supervisor "role" is a relation: Dafydd supervises Catrin.
    users["learner"].supervisor = users["supervisor"]
    known = set(db.session.execute(select(Venue.name)).scalars())
    for name, address, capacity, notes in DEMO_VENUES:
        if name not in known:
            db.session.add(
                Venue(name=name, address=address, capacity=capacity, accessibility_notes=notes)
            )
    db.session.flush()
    if not db.session.execute(select(Cohort.id).limit(1)).first():
        _demo_cohorts(users)
    _demo_application(users)
    _demo_budget(users)
    return DEMO_PEOPLE


def _demo_budget(users: dict[str, User]) -> None:
    """This year's training allocation (the reports quote £18,000) and two spending lines."""
    from trainhub.feedback.models import TrainingBudget
    from trainhub.feedback.services.budget import add_spend, set_allocation
    from trainhub.financial_years import financial_year

    if db.session.execute(select(TrainingBudget.id).limit(1)).first():
        return
    year, manager = financial_year(local_today()), users["manager"]
    set_allocation(manager, year, Decimal("18000"))
    add_spend(manager, year, 1, "catering", "Core training lunches", Decimal("341.00"))
    add_spend(manager, year, 1, "print", "Workbooks and handouts", Decimal("1478.76"))


def _demo_application(users: dict[str, User]) -> None:
    """Catrin finished the core last term and has sent her Level 3 workbook to the assessors."""
    from weasyprint import HTML

    from trainhub.accreditation.models import AccreditationLevel, Application
    from trainhub.accreditation.services.applications import (
        start_application,
        submit_application,
        upload_workbook,
    )
    from trainhub.uploads import Upload

    learner = users["learner"]
    if db.session.execute(select(Application.id).limit(1)).first():
        return
    level = db.session.execute(
        select(AccreditationLevel).where(AccreditationLevel.number == 3)
    ).scalar_one_or_none()
    if level is None:
        return
    application = start_application(learner, level)
    workbook = HTML(
        string="<h1>Level 3 workbook (demo)</h1><p>Case study of family A (anonymised).</p>"
    ).write_pdf()
    upload_workbook(learner, application, Upload("Level 3 workbook.pdf", workbook), True)
    submit_application(learner, application)


#: The demo's split core: days this many days from today (moved to working days).
CORE_OFFSETS = [21, 22, 35, 36]


def working_days(today: date, offsets: list[int]) -> list[date]:
    """The days these many days after ``today``, each moved on to the next weekday that is
    not a bank holiday in Wales (and after the day before), as a real cohort's would be."""
    bank_holidays = bank_holidays_in_wales((today.year, today.year + 1))
    chosen: list[date] = []
    for n in offsets:
        day = today + timedelta(days=n)
        while day.weekday() >= 5 or day in bank_holidays or (chosen and day <= chosen[-1]):
            day += timedelta(days=1)
        chosen.append(day)
    return chosen


def _demo_cohorts(users: dict[str, User]) -> None:
    """A split core, a closed cohort, a course needing approval and a full one (with a
    waiting list), dated from today so the demo always has something to book."""
    from trainhub.courses.services.booking import book_place
    from trainhub.courses.services.scheduling import (
        CohortInput,
        DayInput,
        FacilitatorInput,
        publish_cohort,
        schedule_cohort,
    )

    courses = {c.code: c for c in db.session.execute(select(Course)).scalars()}
    venues = {v.name: v for v in db.session.execute(select(Venue)).scalars()}
    room, barry, suite = (venues[name] for name, *_rest in DEMO_VENUES)
    today = local_today()
    lead, co = users["trainer"], users["cotrainer"]
    if "IFSS-TTT" in courses:  # R13: the demo's lead trainer may lead the core
        db.session.add(
            Completion(
                user_id=lead.id,
                course_id=courses["IFSS-TTT"].id,
                completed_on=today - timedelta(days=400),
                recorded=True,
            )
        )
    team = [
        FacilitatorInput(lead.id, lead.job_title),
        FacilitatorInput(co.id, co.job_title),
    ]

    def days(offsets: list[int], venue: Venue) -> list[DayInput]:
        return [
            DayInput(day, time(9, 30), time(16, 30), venue.id)
            for day in working_days(today, offsets)
        ]

    def online(day: DayInput, meeting: str, venue: Venue | None = None) -> DayInput:
        """The day online (hybrid when it keeps a venue), on a fictional Teams meeting."""
        day.mode = "hybrid" if venue else "online"
        day.venue_id = venue.id if venue else None
        day.platform = "Microsoft Teams"
        day.meeting_url = f"https://teams.microsoft.com/l/meetup-join/demo-{meeting}"
        day.dial_in_phone, day.dial_in_code = "029 2018 0000", "123 456 789#"
        return day

    core_days = days(CORE_OFFSETS, room)
    # The split core's second half is hybrid: in the room, and on Teams for those far away.
    core_days[2:] = [online(day, "core-week-2", room) for day in core_days[2:]]

    university = db.session.execute(
        select(Organisation).where(Organisation.name == "Cardiff University")
    ).scalar_one_or_none()
    plans = [
        ("IFSS-CORE", "IFSS core training (2 + 2 days)", 16, core_days, None),
        (
            "IFSS-CONSULT",
            "Consultation skills",
            12,
            [online(day, "consultation") for day in days([28], room)],
            None,
        ),
        ("EM-LR-GS-1DAY", "Engaging men (small group)", 2, days([14], barry), None),
        (
            "FFI-3DAY",
            "Family-focused module for health visitor students",
            20,
            days([42, 43, 44], suite),
            university,
        ),
    ]
    cohorts = []
    for code, title, capacity, day_list, partner in plans:
        if code not in courses:
            continue
        data = CohortInput(
            title=title,
            capacity=capacity,
            days=day_list,
            facilitators=list(team),
            partner_organisation_id=partner.id if partner else None,
        )
        cohort = schedule_cohort(lead, courses[code], data)
        publish_cohort(lead, cohort)
        cohorts.append(cohort)
    db.session.flush()
    by_title = {c.title: c for c in cohorts}
    small = by_title.get("Engaging men (small group)")
    if small is not None:
        book_place(users["assessor"], small)
        book_place(users["supervisor"], small)
    core = by_title.get("IFSS core training (2 + 2 days)")
    if core is not None:
        book_place(users["supervisor"], core)
    if "IFSS-CORE" in courses:
        _past_core(users, courses["IFSS-CORE"], room, team, today)


def _past_core(
    users: dict[str, User], course: Course, room: Venue, team: list[Any], today: date
) -> None:
    """Last term's core, registers taken: the demo learner completed it."""
    from trainhub.courses.services.attendance import Mark, record_attendance
    from trainhub.courses.services.booking import book_place
    from trainhub.courses.services.scheduling import (
        CohortInput,
        DayInput,
        complete_cohort,
        schedule_cohort,
    )

    lead = users["trainer"]
    data = CohortInput(
        title="IFSS core training (autumn)",
        capacity=16,
        days=[
            DayInput(today - timedelta(days=n), time(9, 30), time(16, 30), room.id)
            for n in (70, 69, 49, 48)
        ],
        facilitators=list(team),
    )
    cohort = schedule_cohort(lead, course, data)
    cohort.status = "published"  # published at the time; publishing now would refuse past dates
    db.session.flush()
    learner = users["learner"]
    book_place(lead, cohort, learner)
    for day in cohort.days:
        record_attendance(lead, day, {learner.id: Mark("present")})
    complete_cohort(lead, cohort)
