"""Wales-scale synthetic history for benchmarks and load tests (``flask synth``).

Everything is fictional and made from a seeded random generator, so one seed always
gives the same data (relative to the start of the current financial year). At
``--scale 1`` it writes about 100,000 learners in 30 organisations, 30,000 cohorts
over ten financial years, a million bookings with waiting lists, cancellations and
day-by-day registers, completions with certificates and CPD, accreditation
applications with small workbook files and sign-offs, and a million feedback
answers. Rows go in with bulk ``INSERT``s (SQLAlchemy Core, many rows a statement)
inside one transaction, with the ids chosen here, so the load is quick and either
all there or not at all. Loading the same seed twice adds nothing the second time.

A few named accounts make the data easy to use: a learner with a long history, a
trainer who has led about 700 cohorts, an assessor with a queue, a manager and an
administrator (``SYNTH_ACCOUNTS``), and a 1-day cohort with a 400-person register.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from trainhub import data_version
from trainhub.accreditation.models import (
    AccreditationLevel,
    Application,
    Certificate,
    CpdEntry,
    LevelOutcome,
    OutcomeJudgement,
    Workbook,
)
from trainhub.accreditation.services.certificates import ALPHABET, CODE_LENGTH
from trainhub.auth.choices import LOCAL_AUTHORITIES, PROFESSIONAL_BACKGROUNDS
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import (
    Attendance,
    Booking,
    Cohort,
    CohortDay,
    CohortFacilitator,
    Completion,
    Course,
    Venue,
    local_today,
)
from trainhub.extensions import db
from trainhub.feedback.models import FeedbackAnswer, FeedbackRequest, FeedbackResponse
from trainhub.financial_years import Period, financial_year_start
from trainhub.storage import storage

#: The sizes at ``--scale 1`` (Wales: every council, health board and university).
FULL_SIZE = {
    "learners": 100_000,
    "trainers": 150,
    "assessors": 40,
    "cohorts": 30_000,
    "applications": 10_000,
}
YEARS = 10
ORGANISATIONS = 30
BUSY_TRAINER_COHORTS = 700
NAMED_LEARNER_BOOKINGS = 60
#: Every this-many-th cohort is closed to a partner organisation.
CLOSED_EVERY = 20
BIG_REGISTER = 400
BIG_REGISTER_TITLE = "All-Wales practice day"
#: Everyone named in SYNTH_ACCOUNTS signs in with this password (never use it for real).
PASSWORD = "synthetic-data-only"  # noqa: S105 (fictional accounts, development only)
SYNTH_ACCOUNTS = ("learner", "trainer", "assessor", "manager", "admin")
BATCH = 5_000

#: How often each catalogue course runs (courses not listed: 4).
COURSE_WEIGHTS = {
    "IFSS-CORE": 25,
    "IFSS-CONSULT": 10,
    "IFSS-SUPERVISE": 8,
    "IFSS-TTT": 3,
    "FFI-3DAY": 14,
    "EM-LR-GS-1DAY": 15,
    "SAFETY-PLAN": 15,
    "CORE-GROUP-CHAIR": 10,
}
HEALTH_BOARDS = (
    "Aneurin Bevan University Health Board",
    "Betsi Cadwaladr University Health Board",
    "Cardiff and Vale University Health Board",
    "Cwm Taf Morgannwg University Health Board",
    "Hywel Dda University Health Board",
    "Powys Teaching Health Board",
    "Swansea Bay University Health Board",
)
OTHER_ORGANISATIONS = (
    ("A Welsh university (synthetic)", "education"),
    ("A family charity in Wales (synthetic)", "third_sector"),
    ("A substance misuse service (synthetic)", "third_sector"),
    ("A housing association (synthetic)", "housing"),
)
FIRST_NAMES = (
    "Aled",
    "Alys",
    "Angharad",
    "Bethan",
    "Carys",
    "Cerys",
    "Dafydd",
    "Dylan",
    "Efa",
    "Eleri",
    "Elin",
    "Emyr",
    "Ffion",
    "Gareth",
    "Geraint",
    "Gwen",
    "Gwilym",
    "Hana",
    "Huw",
    "Iestyn",
    "Ifan",
    "Ioan",
    "Lowri",
    "Llinos",
    "Manon",
    "Mared",
    "Meinir",
    "Morgan",
    "Nia",
    "Osian",
    "Owain",
    "Rhian",
    "Rhys",
    "Sara",
    "Seren",
    "Siân",
    "Sioned",
    "Steffan",
    "Tomos",
    "Tegan",
    "Amy",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Grace",
    "Jack",
    "James",
    "Jessica",
    "Laura",
    "Liam",
    "Lucy",
    "Mark",
    "Olivia",
    "Paul",
    "Rachel",
    "Ryan",
    "Sophie",
)
LAST_NAMES = (
    "Davies",
    "Edwards",
    "Evans",
    "Griffiths",
    "Harris",
    "Hughes",
    "Jenkins",
    "Jones",
    "Lewis",
    "Llewellyn",
    "Matthews",
    "Morgan",
    "Morris",
    "Owen",
    "Parry",
    "Phillips",
    "Powell",
    "Price",
    "Pritchard",
    "Rees",
    "Richards",
    "Roberts",
    "Thomas",
    "Vaughan",
    "Walters",
    "Watkins",
    "Williams",
    "Bowen",
    "Howells",
    "Jarvis",
    "Lloyd",
    "Probert",
    "Pugh",
)
JOB_TITLES = {
    "social_worker": "Social Worker",
    "health_visitor": "Health Visitor",
    "nurse": "Community Psychiatric Nurse",
    "student_social_work": "Social Work Student",
    "student_health_visiting": "Health Visiting Student",
    "manager": "Team Manager",
    "iro": "Independent Reviewing Officer",
    "support_worker": "Family Support Worker",
    "school_staff": "Teacher",
    "volunteer": "Volunteer",
    "substance_misuse_worker": "Substance Misuse Worker",
    "other": "Practitioner",
}
TRAINER_TITLES = (
    "Consultant Social Worker",
    "IFST Team Manager",
    "Clinical Lead",
    "Practice Educator",
    "Senior Practitioner",
)
COMMENTS = (
    "The role plays made the motivational interviewing skills feel real.",
    "Really useful to hear from colleagues in health and the third sector.",
    "I will use the strengths-based tools with my families next week.",
    "The pace on day two was a little fast.",
    "More time for practice and less for slides, please.",
    "The trainers were knowledgeable and made everyone welcome.",
    "I understand the impact of parental substance misuse much better now.",
    "The venue was hard to reach by public transport.",
    "Helpful case studies; I would like a follow-up session.",
    "Good balance of theory and practice.",
)


def scaled(name: str, scale: float, least: int = 1) -> int:
    return max(least, round(FULL_SIZE[name] * scale))


@dataclass
class Summary:
    seed: int
    scale: float
    loaded: bool = True
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count


@dataclass
class _CourseInfo:
    id: int
    code: str
    title: str
    days: int
    hours: Decimal | None
    credits: Decimal | None
    body: str


def _batched(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def synth_email(seed: int, label: str) -> str:
    return f"{label}@s{seed}.synth.example.org"


class Loader:
    """Makes and writes the data; ``run`` writes everything in the caller's transaction."""

    def __init__(
        self,
        seed: int,
        scale: float,
        progress: Callable[[str, int], None] | None = None,
        today: date | None = None,
    ) -> None:
        if scale <= 0:
            raise ValueError("scale must be above 0")
        self.seed, self.scale = seed, scale
        self.rng = random.Random(seed)  # noqa: S311 (repeatable data, not secrets)
        self.today = today or local_today()
        self.progress = progress or (lambda label, done: None)
        self.summary = Summary(seed, scale)
        self.next_ids: dict[str, int] = {}
        # Timestamps derive from dates, so a seed gives the same rows on any day of a year.
        self.anchor = financial_year_start(self.today)

    # -- plumbing -----------------------------------------------------------------------
    def _ids(self, table: sa.Table, count: int) -> range:
        name = table.name
        if name not in self.next_ids:
            top = db.session.execute(sa.select(sa.func.max(table.c.id))).scalar()
            self.next_ids[name] = (top or 0) + 1
        start = self.next_ids[name]
        self.next_ids[name] = start + count
        return range(start, start + count)

    def _insert(self, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        for chunk in _batched(rows):
            db.session.execute(table.insert(), chunk)
        self.summary.add(table.name, len(rows))

    def _reset_sequences(self) -> None:
        if db.engine.dialect.name != "postgresql":
            return  # SQLite picks max(id) + 1 by itself
        for name in self.next_ids:
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {name}))"
                )
            )

    @staticmethod
    def _moment(day: date, hour: int = 9) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=UTC)

    # -- the whole load ------------------------------------------------------------------
    def already_loaded(self) -> bool:
        query = sa.select(User.id).where(User.email == synth_email(self.seed, "learner"))
        return db.session.execute(query).first() is not None

    def run(self) -> Summary:
        from trainhub.accreditation.services import seed_levels
        from trainhub.courses.services.catalogue import seed_courses
        from trainhub.feedback.services.questionnaire import current_questionnaire

        if self.already_loaded():
            self.summary.loaded = False
            return self.summary
        seed_courses()
        seed_levels()
        questionnaire = current_questionnaire()
        self.items = [(item.id, item.kind) for item in questionnaire.items]
        self.questionnaire_id = questionnaire.id
        db.session.flush()
        self._load_reference()
        self._people()
        self.progress("people", 1)
        self.completed: set[tuple[int, int]] = set()
        self.core_done: dict[int, date] = {}
        first_year = self.anchor.year - (YEARS - 1)
        per_year = scaled("cohorts", self.scale, least=YEARS) // YEARS
        self.cohort_index = 0
        for year in range(first_year, self.anchor.year + 1):
            self._year(Period(year).start, per_year)
            self.progress("years", 1)
        self._big_register()
        self._applications()
        self.progress("accreditation", 1)
        self._reset_sequences()
        # The session's events see these Core INSERTs already; say so outright all the same,
        # so cached figures never outlive a load however it writes.
        data_version.mark_changed(db.session())
        return self.summary

    # -- reference data --------------------------------------------------------------------
    def _load_reference(self) -> None:
        rows = db.session.execute(
            sa.select(
                Course.id,
                Course.code,
                Course.title,
                Course.duration_days,
                Course.cpd_hours,
                Course.credit_value,
                Course.accrediting_body,
            ).order_by(Course.id)
        ).all()
        self.courses = [_CourseInfo(*row) for row in rows]
        self.course_weights = [COURSE_WEIGHTS.get(c.code, 4) for c in self.courses]
        self.core = next((c for c in self.courses if c.code == "IFSS-CORE"), self.courses[0])
        self.one_day = next((c for c in self.courses if c.days == 1), self.courses[0])
        self.levels = db.session.execute(
            sa.select(
                AccreditationLevel.id,
                AccreditationLevel.number,
                AccreditationLevel.title,
                AccreditationLevel.cpd_hours,
                AccreditationLevel.credit_value,
                AccreditationLevel.accrediting_body,
                AccreditationLevel.requires_verification,
            ).order_by(AccreditationLevel.number)
        ).all()
        outcomes = db.session.execute(
            sa.select(LevelOutcome.level_id, LevelOutcome.id).where(LevelOutcome.is_active)
        ).all()
        self.outcomes: dict[int, list[int]] = {}
        for level_id, outcome_id in outcomes:
            self.outcomes.setdefault(level_id, []).append(outcome_id)
        self._organisations()
        self._venues()

    def _organisations(self) -> None:
        wanted: list[tuple[str, str, str | None]] = []
        for key, label in LOCAL_AUTHORITIES.items():
            if key != "outside_wales":
                wanted.append((f"{label} Council", "local_authority", key))
        wanted += [(name, "health", None) for name in HEALTH_BOARDS]
        wanted += [(name, sector, None) for name, sector in OTHER_ORGANISATIONS]
        wanted = wanted[:ORGANISATIONS]
        names = [name for name, _, _ in wanted]
        # Organisation names are unique: reuse the ones already there (any seed, or real).
        existing = dict(
            db.session.execute(
                sa.select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
            ).all()
        )
        missing = [w for w in wanted if w[0] not in existing]
        ids = self._ids(Organisation.__table__, len(missing))
        created = self._moment(self.anchor - timedelta(days=365 * YEARS))
        self._insert(
            Organisation.__table__,
            [
                {"id": i, "name": n, "sector": s, "is_active": True, "created_at": created}
                for i, (n, s, _) in zip(ids, missing, strict=True)
            ],
        )
        existing.update({n: i for i, (n, _, _) in zip(ids, missing, strict=True)})
        self.organisations = [(existing[n], s, la) for n, s, la in wanted]
        self.organisation_weights = [
            8 if s == "local_authority" else 12 if s == "health" else 4
            for _, s, _ in self.organisations
        ]

    def _venues(self) -> None:
        areas = [label for key, label in LOCAL_AUTHORITIES.items() if key != "outside_wales"]
        names = [f"{area} family training centre" for area in areas]
        existing = dict(
            db.session.execute(sa.select(Venue.name, Venue.id).where(Venue.name.in_(names))).all()
        )
        missing = [n for n in names if n not in existing]
        ids = self._ids(Venue.__table__, len(missing))
        created = self._moment(self.anchor - timedelta(days=365 * YEARS))
        self._insert(
            Venue.__table__,
            [
                {
                    "id": i,
                    "name": n,
                    "address": f"1 High Street, {n.removesuffix(' family training centre')}",
                    "capacity": 40,
                    "accessibility_notes": "Step-free access and a hearing loop.",
                    "is_active": True,
                    "created_at": created,
                }
                for i, n in zip(ids, missing, strict=True)
            ],
        )
        existing.update(dict(zip(missing, ids, strict=True)))
        self.venue_ids = [existing[n] for n in names]

    # -- people --------------------------------------------------------------------------
    def _people(self) -> None:
        rng, seed = self.rng, self.seed
        learners = scaled("learners", self.scale, least=50)
        trainers = scaled("trainers", self.scale, least=4)
        assessors = scaled("assessors", self.scale, least=3)
        total = learners + trainers + assessors + 2
        ids = self._ids(User.__table__, total)
        table_users: list[dict[str, Any]] = []
        roles: list[dict[str, Any]] = []
        backgrounds = list(PROFESSIONAL_BACKGROUNDS)
        areas = [k for k in LOCAL_AUTHORITIES if k != "outside_wales"]
        password = generate_password_hash(PASSWORD)
        joined = self._moment(self.anchor - timedelta(days=365 * YEARS))
        self.learner_ids: list[int] = []
        self.trainer_ids: list[int] = []
        self.assessor_ids: list[int] = []
        self.by_organisation: dict[int, list[int]] = {}
        self.names: dict[int, str] = {}
        kinds = (
            ["learner"] * learners
            + ["trainer"] * trainers
            + ["assessor"] * assessors
            + ["manager", "admin"]
        )
        counters: dict[str, int] = {}
        groups = {
            "learner": self.learner_ids,
            "trainer": self.trainer_ids,
            "assessor": self.assessor_ids,
        }
        for user_id, kind in zip(ids, kinds, strict=True):
            number = counters.get(kind, 0)
            counters[kind] = number + 1
            named = number == 0 or kind in ("manager", "admin")
            label = kind if named else f"{kind}{number:06d}"
            org_id, sector, area = rng.choices(self.organisations, self.organisation_weights)[0]
            background = rng.choice(backgrounds)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            self.names[user_id] = name
            table_users.append(
                {
                    "id": user_id,
                    "email": synth_email(seed, label),
                    "full_name": name,
                    "password_hash": password if named else None,
                    "active": True,
                    "organisation_id": org_id,
                    "sector": sector,
                    "local_authority": area or rng.choice(areas),
                    "professional_background": background,
                    "job_title": JOB_TITLES[background],
                    "ifst_member": kind == "trainer" or rng.random() < 0.04,
                    "supplies_family_support": rng.random() < 0.3,
                    "preferred_language": "cy" if rng.random() < 0.12 else "en",
                    "supervisor_id": None,
                    "created_at": joined,
                    "last_login_at": None,
                    "failed_logins": 0,
                    "locked_until": None,
                }
            )
            roles.append({"user_id": user_id, "role": kind})
            if kind != "learner":
                roles.append({"user_id": user_id, "role": "learner"})
            if kind in groups:
                groups[kind].append(user_id)
            if kind == "learner":
                self.by_organisation.setdefault(org_id, []).append(user_id)
        self._insert(User.__table__, table_users)
        self._insert(UserRole.__table__, roles)
        self.busy_trainer = self.trainer_ids[0]

    # -- cohorts -------------------------------------------------------------------------
    def _days(self, course: _CourseInfo, start_range: tuple[date, date]) -> list[date]:
        """Weekdays for a course: in a row, or a 4-day course as 2 + 2 a fortnight apart."""
        first, last = start_range
        rng = self.rng
        span = max((last - first).days, 1)
        day = first + timedelta(days=rng.randrange(span))
        block = min(course.days, 2) if course.days == 4 and rng.random() < 0.6 else course.days
        block = min(block, 5)
        day -= timedelta(days=day.weekday())  # Monday
        day += timedelta(days=rng.randrange(5 - block + 1))
        days = [day + timedelta(days=n) for n in range(block)]
        while len(days) < course.days:  # the second part, a fortnight later
            days.append(days[len(days) - block] + timedelta(days=14))
        return days

    def _year(self, start: date, count: int) -> None:
        rng = self.rng
        end = date(start.year + 1, 3, 31)
        cohorts, days_rows, facilitators = [], [], []
        plans: list[tuple[int, _CourseInfo, list[tuple[int, date]], str, int, int | None]] = []
        cohort_ids = self._ids(Cohort.__table__, count)
        busy_every = max(1, scaled("cohorts", self.scale, least=YEARS) // BUSY_TRAINER_COHORTS)
        for cohort_id in cohort_ids:
            course = rng.choices(self.courses, self.course_weights)[0]
            dates = self._days(course, (start, end - timedelta(days=20)))
            first, last = dates[0], dates[-1]
            roll = rng.random()
            if last < self.today:
                status = "cancelled" if roll < 0.04 else "completed"
            elif first > self.today:
                status = "cancelled" if roll < 0.03 else "draft" if roll < 0.08 else "published"
            else:
                status = "published"
            partner = None
            capacity = rng.choice((16, 18, 20, 20, 22, 24))
            if self.cohort_index % CLOSED_EVERY == CLOSED_EVERY - 1:
                partner = rng.choice(self.organisations)[0]
                capacity = 20
            created = self._moment(first - timedelta(days=rng.randint(40, 120)))
            cohorts.append(
                {
                    "id": cohort_id,
                    "course_id": course.id,
                    "title": "",
                    "status": status,
                    "capacity": capacity,
                    "bookings_open": None,
                    "bookings_close": None,
                    "delivery_language": "cy"
                    if rng.random() < 0.08
                    else "bilingual"
                    if rng.random() < 0.1
                    else "en",
                    "partner_organisation_id": partner,
                    "waitlist_policy": "offer",
                    "offer_hours": 48,
                    "cutoff_days": 2,
                    "cancel_reason": "Not enough bookings" if status == "cancelled" else "",
                    "cancelled_at": self._moment(first - timedelta(days=7))
                    if status == "cancelled"
                    else None,
                    "sequence": 0,
                    "first_day": first,
                    "last_day": last,
                    "created_by_id": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            day_ids = self._ids(CohortDay.__table__, len(dates))
            venue = rng.choice(self.venue_ids)
            for number, (day_id, day) in enumerate(zip(day_ids, dates, strict=True), 1):
                days_rows.append(
                    {
                        "id": day_id,
                        "cohort_id": cohort_id,
                        "day_number": number,
                        "date": day,
                        "start_time": time(9, 30),
                        "end_time": time(16, 30),
                        "venue_id": venue,
                    }
                )
            lead = (
                self.busy_trainer
                if self.cohort_index % busy_every == 0
                else rng.choice(self.trainer_ids)
            )
            self.cohort_index += 1
            team = [lead]
            if rng.random() < 0.7:
                co = rng.choice(self.trainer_ids)
                if co != lead:
                    team.append(co)
            for position, trainer in enumerate(team, 1):
                facilitators.append(
                    {
                        "cohort_id": cohort_id,
                        "user_id": trainer,
                        "role": "lead" if position == 1 else "co",
                        "professional_title": rng.choice(TRAINER_TITLES),
                        "position": position,
                    }
                )
            plans.append(
                (
                    cohort_id,
                    course,
                    list(zip(day_ids, dates, strict=True)),
                    status,
                    capacity,
                    partner,
                )
            )
        self._insert(Cohort.__table__, cohorts)
        self._insert(CohortDay.__table__, days_rows)
        self._insert(CohortFacilitator.__table__, facilitators)
        self._bookings(plans)

    def _attendees(self, count: int, partner: int | None) -> list[int]:
        pool = self.by_organisation.get(partner, []) if partner else self.learner_ids
        if not pool:
            pool = self.learner_ids
        people = self.rng.sample(pool, min(count, len(pool)))
        named = self.learner_ids[0]  # the named learner books about NAMED_LEARNER_BOOKINGS
        chance = NAMED_LEARNER_BOOKINGS / scaled("cohorts", self.scale, least=YEARS)
        if people and not partner and named not in people and self.rng.random() < chance:
            people[0] = named
        return people

    def _bookings(
        self,
        plans: Sequence[tuple[int, _CourseInfo, list[tuple[int, date]], str, int, int | None]],
        register_size: int | None = None,
    ) -> None:
        rng = self.rng
        bookings: list[dict[str, Any]] = []
        attendance: list[dict[str, Any]] = []
        completions: list[dict[str, Any]] = []
        requests: list[tuple[int, int, date]] = []
        for cohort_id, course, days, status, capacity, partner in plans:
            first = days[0][1]
            last = days[-1][1]
            booked_at = self._moment(first - timedelta(days=30))
            entries: list[tuple[str, str | None, bool, int | None]] = []
            if status == "draft":
                continue
            if status == "cancelled":
                entries = [("cancelled", "cohort", False, None)] * rng.randint(3, capacity)
            elif status == "completed":
                size = register_size or round(capacity * rng.uniform(0.65, 1.0))
                for _ in range(size):
                    roll = rng.random()
                    state = (
                        "attended"
                        if roll < 0.86
                        else "partially_attended"
                        if roll < 0.93
                        else "no_show"
                    )
                    entries.append((state, None, False, None))
                if register_size is None:
                    for _ in range(rng.randint(6, 22)):
                        entries.append(("cancelled", "learner", rng.random() < 0.25, None))
                    for _ in range(rng.randint(0, 6)):
                        entries.append(("cancelled", "offer_expired", False, None))
            else:
                filled = rng.uniform(0.2, 1.0)
                seats = capacity if filled > 0.9 else round(capacity * filled)
                entries = [("booked", None, False, None)] * seats
                if seats == capacity:
                    entries += [
                        ("waitlisted", None, False, rank) for rank in range(1, rng.randint(2, 16))
                    ]
                entries += [("cancelled", "learner", False, None)] * rng.randint(0, 5)
            people = self._attendees(len(entries), partner)
            ids = self._ids(Booking.__table__, len(people))
            for booking_id, person, (state, reason, late, rank) in zip(
                ids, people, entries, strict=False
            ):
                moment = booked_at + timedelta(minutes=booking_id % 10_000)
                bookings.append(
                    {
                        "id": booking_id,
                        "cohort_id": cohort_id,
                        "user_id": person,
                        "status": state,
                        "queue_rank": rank,
                        "offer_expires_at": None,
                        "cancel_reason": reason,
                        "late_cancellation": late,
                        "calendar_sequence": 0,
                        "created_at": moment,
                        "updated_at": moment,
                    }
                )
                if status != "completed" or state == "cancelled":
                    continue
                there = self._register(state, days, person, attendance)
                if state == "attended" and there:
                    key = (person, course.id)
                    if key not in self.completed:
                        self.completed.add(key)
                        completions.append(
                            {
                                "user_id": person,
                                "course_id": course.id,
                                "completed_on": last,
                                "cohort_id": cohort_id,
                                "created_at": self._moment(last, 17),
                            }
                        )
                        if course.id == self.core.id:
                            self.core_done.setdefault(person, last)
                    requests.append((cohort_id, person, last))
        self._insert(Booking.__table__, bookings)
        self._insert(Attendance.__table__, attendance)
        self._completions(completions)
        self._feedback(requests)

    def _register(
        self,
        state: str,
        days: list[tuple[int, date]],
        person: int,
        rows: list[dict[str, Any]],
    ) -> bool:
        """Marks for one person on each day; True when they were there on the last day."""
        rng = self.rng
        absent_day = rng.randrange(len(days)) if state == "partially_attended" else -1
        there = False
        for index, (day_id, day) in enumerate(days):
            if state == "no_show" or index == absent_day:
                mark, minutes = "absent", None
            else:
                roll = rng.random()
                mark = "present" if roll < 0.93 else "late" if roll < 0.97 else "left_early"
                minutes = None if mark == "present" else 330
            there = mark != "absent"
            rows.append(
                {
                    "cohort_day_id": day_id,
                    "user_id": person,
                    "status": mark,
                    "minutes": minutes,
                    "makeup": False,
                    "recorded_by_id": None,
                    "recorded_at": self._moment(day, 17),
                }
            )
        return there

    def _completions(self, completions: list[dict[str, Any]]) -> None:
        if not completions:
            return
        courses = {c.id: c for c in self.courses}
        issuer = current_app.config["CERTIFICATE_ISSUER"]
        self._insert(Completion.__table__, completions)
        certificates, entries = [], []
        for row in completions:
            course = courses[row["course_id"]]
            certificates.append(
                {
                    "code": self._code(),
                    "user_id": row["user_id"],
                    "kind": "course",
                    "course_id": course.id,
                    "level_id": None,
                    "application_id": None,
                    "learner_name": self.names[row["user_id"]],
                    "achievement": course.title,
                    "awarded_on": row["completed_on"],
                    "issuer": issuer,
                    "hours": course.hours,
                    "credits": course.credits,
                    "accrediting_body": course.body,
                    "issued_at": row["created_at"],
                    "status": "valid",
                    "revoked_at": None,
                    "revoked_by_id": None,
                    "revoked_reason": "",
                    "replaces_id": None,
                }
            )
            entries.append(
                self._cpd(
                    row["user_id"],
                    "course",
                    row["completed_on"],
                    course.title,
                    course.hours,
                    course.credits,
                    course.body,
                    course_id=course.id,
                )
            )
        self._insert(Certificate.__table__, certificates)
        self._insert(CpdEntry.__table__, entries)

    def _code(self) -> str:
        return "".join(self.rng.choice(ALPHABET) for _ in range(CODE_LENGTH))

    def _cpd(
        self,
        user_id: int,
        source: str,
        day: date,
        title: str,
        hours: Decimal | None,
        credits: Decimal | None,
        body: str,
        course_id: int | None = None,
        application_id: int | None = None,
    ) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "source": source,
            "occurred_on": day,
            "title": title,
            "hours": hours or Decimal(0),
            "credits": credits or Decimal(0),
            "accrediting_body": body,
            "course_id": course_id,
            "application_id": application_id,
            "activity_id": None,
            "reverses_id": None,
            "note": "",
            "recorded_by_id": None,
            "created_at": self._moment(day, 17),
        }

    def _feedback(self, requests: list[tuple[int, int, date]]) -> None:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        responses: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        answered = [r for r in requests if rng.random() < 0.33]
        response_ids = iter(self._ids(FeedbackResponse.__table__, len(answered)))
        answered_set = {(c, u) for c, u, _ in answered}
        for cohort_id, person, last in requests:
            rows.append(
                {
                    "cohort_id": cohort_id,
                    "user_id": person,
                    "responded": (cohort_id, person) in answered_set,
                    "reminders_sent": rng.choice((0, 0, 1, 2)),
                    "last_reminded_at": None,
                    "created_at": self._moment(last, 18),
                }
            )
        # Responses are kept apart from requests (anonymity): shuffle their order too.
        rng.shuffle(answered)
        for cohort_id, _person, last in answered:
            response_id = next(response_ids)
            responses.append(
                {
                    "id": response_id,
                    "cohort_id": cohort_id,
                    "questionnaire_id": self.questionnaire_id,
                    "quote_consent": rng.random() < 0.5,
                    "submitted_on": last + timedelta(days=rng.randint(0, 10)),
                }
            )
            for item_id, kind in self.items:
                if kind == "rating":
                    rating = rng.choices((1, 2, 3, 4, 5), (1, 2, 6, 20, 30))[0]
                    answers.append(
                        {"response_id": response_id, "item_id": item_id, "rating": rating}
                    )
                elif rng.random() < 0.35:
                    answers.append(
                        {
                            "response_id": response_id,
                            "item_id": item_id,
                            "rating": None,
                            "text": rng.choice(COMMENTS),
                        }
                    )
        self._insert(FeedbackRequest.__table__, rows)
        self._insert(FeedbackResponse.__table__, responses)
        self._insert(
            FeedbackAnswer.__table__,
            [
                {
                    "text": "",
                    "selected_for_report": False,
                    "selected_by_id": None,
                    "selected_at": None,
                    **answer,
                }
                for answer in answers
            ],
        )

    def _big_register(self) -> None:
        """A 1-day event last week with a 400-person register (the largest page there is)."""
        course = self.one_day
        day = self.today - timedelta(days=7)
        while day.weekday() > 4:
            day -= timedelta(days=1)
        size = min(BIG_REGISTER, len(self.learner_ids) // 2)
        [cohort_id] = self._ids(Cohort.__table__, 1)
        [day_id] = self._ids(CohortDay.__table__, 1)
        created = self._moment(day - timedelta(days=90))
        self._insert(
            Cohort.__table__,
            [
                {
                    "id": cohort_id,
                    "course_id": course.id,
                    "title": BIG_REGISTER_TITLE,
                    "status": "completed",
                    "capacity": size,
                    "bookings_open": None,
                    "bookings_close": None,
                    "delivery_language": "bilingual",
                    "partner_organisation_id": None,
                    "waitlist_policy": "offer",
                    "offer_hours": 48,
                    "cutoff_days": 2,
                    "cancel_reason": "",
                    "cancelled_at": None,
                    "sequence": 0,
                    "first_day": day,
                    "last_day": day,
                    "created_by_id": None,
                    "created_at": created,
                    "updated_at": created,
                }
            ],
        )
        self._insert(
            CohortDay.__table__,
            [
                {
                    "id": day_id,
                    "cohort_id": cohort_id,
                    "day_number": 1,
                    "date": day,
                    "start_time": time(9, 30),
                    "end_time": time(16, 30),
                    "venue_id": self.venue_ids[0],
                }
            ],
        )
        self._insert(
            CohortFacilitator.__table__,
            [
                {
                    "cohort_id": cohort_id,
                    "user_id": self.busy_trainer,
                    "role": "lead",
                    "professional_title": TRAINER_TITLES[0],
                    "position": 1,
                }
            ],
        )
        self._bookings(
            [(cohort_id, course, [(day_id, day)], "completed", size, None)], register_size=size
        )

    # -- accreditation -------------------------------------------------------------------
    def _applications(self) -> None:
        rng = self.rng
        candidates = sorted(self.core_done)
        count = min(scaled("applications", self.scale), len(candidates))
        people = rng.sample(candidates, count)
        named_learner = self.learner_ids[0]
        if named_learner in self.core_done and named_learner not in people and people:
            people[0] = named_learner
        app_ids = self._ids(Application.__table__, count)
        applications, workbooks, judgements, certificates, entries = [], [], [], [], []
        issuer = current_app.config["CERTIFICATE_ISSUER"]
        level_weights = [{2: 60, 3: 30, 6: 10}.get(level.number, 5) for level in self.levels]
        named_assessor = self.assessor_ids[0]
        files = storage()
        for app_id, person in zip(app_ids, people, strict=True):
            level = rng.choices(self.levels, level_weights)[0]
            started = self.core_done[person] + timedelta(days=rng.randint(10, 200))
            if started >= self.today:
                started = self.today - timedelta(days=1)
            roll = rng.random()
            status = (
                "achieved"
                if roll < 0.6
                else "submitted"
                if roll < 0.72
                else "in_progress"
                if roll < 0.86
                else "resubmission_requested"
                if roll < 0.91
                else "awaiting_verification"
                if roll < 0.94
                else "withdrawn"
            )
            submitted = started + timedelta(days=rng.randint(30, 300))
            if status not in ("in_progress", "withdrawn") and submitted >= self.today:
                status = "in_progress"
            achieved = submitted + timedelta(days=rng.randint(14, 90))
            if status == "achieved" and achieved >= self.today:
                status = "submitted"
            assessor = None
            if status not in ("in_progress", "withdrawn") and (
                status != "submitted" or rng.random() < 0.5
            ):
                assessor = named_assessor if rng.random() < 0.1 else rng.choice(self.assessor_ids)
            verifier = (
                rng.choice(self.assessor_ids)
                if status == "achieved" and level.requires_verification
                else None
            )
            applications.append(
                {
                    "id": app_id,
                    "user_id": person,
                    "level_id": level.id,
                    "status": status,
                    "assessor_id": assessor,
                    "verifier_id": verifier if verifier != assessor else None,
                    "clock_started_on": self.core_done[person],
                    "created_at": self._moment(started),
                    "submitted_at": None
                    if status in ("in_progress", "withdrawn")
                    else self._moment(submitted, 10),
                    "achieved_on": achieved if status == "achieved" else None,
                    "closed_at": self._moment(achieved, 12)
                    if status == "achieved"
                    else self._moment(submitted, 12)
                    if status == "withdrawn"
                    else None,
                }
            )
            versions = 0 if status in ("in_progress", "withdrawn") and rng.random() < 0.5 else 1
            if status == "resubmission_requested" or (status == "achieved" and rng.random() < 0.3):
                versions = 2
            workbook_ids = self._ids(Workbook.__table__, versions)
            for version, workbook_id in enumerate(workbook_ids, 1):
                content = (
                    f"%PDF-1.4\n% Synthetic workbook: application {app_id}, version {version}\n"
                    "%%EOF\n"
                ).encode()
                workbooks.append(
                    {
                        "id": workbook_id,
                        "application_id": app_id,
                        "version": version,
                        "filename": f"level-{level.number}-workbook-v{version}.pdf",
                        "content_type": "application/pdf",
                        "size": len(content),
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "storage_key": files.save(content),
                        "anonymised_confirmed": True,
                        "uploaded_by_id": person,
                        "uploaded_at": self._moment(submitted - timedelta(days=version), 11),
                    }
                )
            if assessor and status in (
                "achieved",
                "awaiting_verification",
                "resubmission_requested",
            ):
                for outcome_id in self.outcomes.get(level.id, []):
                    met = status != "resubmission_requested" or rng.random() < 0.7
                    judgements.append(
                        {
                            "application_id": app_id,
                            "outcome_id": outcome_id,
                            "assessor_id": assessor,
                            "workbook_id": workbook_ids[-1] if workbook_ids else None,
                            "met": met,
                            "comment": "" if met else "Please add an example from practice.",
                            "created_at": self._moment(achieved - timedelta(days=7), 14),
                        }
                    )
            if status == "achieved":
                certificates.append(
                    {
                        "code": self._code(),
                        "user_id": person,
                        "kind": "level",
                        "course_id": None,
                        "level_id": level.id,
                        "application_id": app_id,
                        "learner_name": self.names[person],
                        "achievement": level.title,
                        "awarded_on": achieved,
                        "issuer": issuer,
                        "hours": level.cpd_hours,
                        "credits": level.credit_value,
                        "accrediting_body": level.accrediting_body,
                        "issued_at": self._moment(achieved, 12),
                        "status": "valid",
                        "revoked_at": None,
                        "revoked_by_id": None,
                        "revoked_reason": "",
                        "replaces_id": None,
                    }
                )
                entries.append(
                    self._cpd(
                        person,
                        "level",
                        achieved,
                        level.title,
                        level.cpd_hours,
                        level.credit_value,
                        level.accrediting_body,
                        application_id=app_id,
                    )
                )
        self._insert(Application.__table__, applications)
        self._insert(Workbook.__table__, workbooks)
        self._insert(OutcomeJudgement.__table__, judgements)
        self._insert(Certificate.__table__, certificates)
        self._insert(CpdEntry.__table__, entries)


def load(
    seed: int,
    scale: float,
    progress: Callable[[str, int], None] | None = None,
    today: date | None = None,
) -> Summary:
    """Write the synthetic history for ``seed`` (nothing when it is already there).

    Does not commit: the caller commits once, so a failed load leaves nothing behind.
    """
    return Loader(seed, scale, progress, today).run()
