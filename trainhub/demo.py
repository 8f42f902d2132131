"""Fictional demo data (DOMAIN.md R50: no real people). Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from trainhub.auth.models import Organisation, User, UserRole
from trainhub.auth.services import seed_organisations
from trainhub.courses.models import Venue
from trainhub.extensions import db


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
        frozenset({"learner"}),
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
        frozenset({"trainer", "learner"}),
        "Cardiff Council",
        {
            **CARDIFF,
            "professional_background": "social_worker",
            "job_title": "Consultant Social Worker",
            "ifst_member": True,
        },
    ),
    DemoPerson(
        "assessor",
        "assessor@example.org",
        "Megan Hughes",
        frozenset({"assessor", "learner"}),
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
        frozenset({"manager", "learner"}),
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
        frozenset({"admin"}),
        "Cardiff Council",
        {**CARDIFF, "job_title": "Administrative Assistant"},
    ),
    DemoPerson(
        "supervisor",
        "supervisor@example.org",
        "Dafydd Morgan",
        frozenset({"learner"}),
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
    return DEMO_PEOPLE
