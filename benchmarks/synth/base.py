"""The sizes, the shared state of one load and its plumbing: ids chosen here, bulk
``INSERT``s in batches, PostgreSQL's sequences moved past them at the end."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import islice
from typing import Any

import sqlalchemy as sa

from trainhub.accreditation.models import AccreditationLevel
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.financial_years import financial_year_start

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


def scaled(name: str, scale: float, least: int = 1) -> int:
    return max(least, round(FULL_SIZE[name] * scale))


def synth_email(seed: int, label: str) -> str:
    """The address of a synthetic account (``label``: one of SYNTH_ACCOUNTS, or e.g.
    ``learner000042``)."""
    return f"{label}@s{seed}.synth.example.org"


@dataclass
class Summary:
    """What a load wrote: rows per table (nothing when the seed was there already)."""

    seed: int
    scale: float
    loaded: bool = True
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count


@dataclass(frozen=True)
class CourseInfo:
    """What the load needs of a catalogue course (read once, not an ORM object per row)."""

    id: int
    code: str
    title: str
    days: int
    #: ``Course.days_to_complete``: the completion rule's threshold.
    to_complete: int
    hours: Decimal | None
    credits: Decimal | None
    body: str


#: One cohort to fill: id, course, (day id, date) per day, status, capacity, partner.
Plan = tuple[int, CourseInfo, list[tuple[int, date]], str, int, int | None]


def batched(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def moment(day: date, hour: int = 9) -> datetime:
    """A timestamp derived from a date, so a seed makes the same rows on any day of a year."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Synth:
    """One load's state: the seeded generator, the ids handed out, what each stage made for
    the next (people, courses, completions). The stages are the functions of ``people``,
    ``cohorts``, ``bookings``, ``accreditation`` and ``feedback``, run by ``loader``."""

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
        #: The start of the current financial year: the history is ``YEARS`` years up to it.
        self.anchor = financial_year_start(self.today)
        # Reference data (``people.load_reference``).
        self.courses: list[CourseInfo] = []
        self.course_weights: list[int] = []
        self.levels: list[AccreditationLevel] = []
        self.outcomes: dict[int, list[int]] = {}
        self.items: list[tuple[int, str]] = []
        self.questionnaire_id = 0
        self.organisations: list[tuple[int, str, str | None]] = []
        self.organisation_weights: list[int] = []
        self.venue_ids: list[int] = []
        # People (``people.load_people``).
        self.learner_ids: list[int] = []
        self.trainer_ids: list[int] = []
        self.assessor_ids: list[int] = []
        self.by_organisation: dict[int, list[int]] = {}
        self.names: dict[int, str] = {}
        # What the cohorts leave for accreditation: (learner, course) → completed on.
        self.completed: dict[tuple[int, int], date] = {}
        self.cohort_index = 0

    @property
    def core(self) -> CourseInfo:
        return next((c for c in self.courses if c.code == "IFSS-CORE"), self.courses[0])

    @property
    def one_day(self) -> CourseInfo:
        return next((c for c in self.courses if c.days == 1), self.courses[0])

    @property
    def busy_trainer(self) -> int:
        return self.trainer_ids[0]

    def ids(self, table: sa.Table, count: int) -> range:
        """``count`` new ids for ``table``, after the highest there."""
        name = table.name
        if name not in self.next_ids:
            top = db.session.execute(sa.select(sa.func.max(table.c.id))).scalar()
            self.next_ids[name] = (top or 0) + 1
        start = self.next_ids[name]
        self.next_ids[name] = start + count
        return range(start, start + count)

    def insert(self, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        for chunk in batched(rows):
            db.session.execute(table.insert(), chunk)
        self.summary.add(table.name, len(rows))

    def reset_sequences(self) -> None:
        if db.engine.dialect.name != "postgresql":
            return  # SQLite picks max(id) + 1 by itself
        for name in self.next_ids:
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {name}))"
                )
            )
