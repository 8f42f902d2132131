"""Read-side helpers for the catalogue, venues, cohorts and bookings."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased, joinedload, selectinload

from trainhub.auth.models import Organisation, User, UserRole
from trainhub.auth.roles import Role
from trainhub.bilingual import Gap, TextUnit, own, unit_key
from trainhub.courses.models import (
    ACTIVE_STATUSES,
    CANONICAL_WELSH_FIELDS,
    LIVE_COHORT_STATUSES,
    PLACE_STATUSES,
    STANDING_STATUSES,
    WELSH_FIELDS,
    AccessNeeds,
    AgendaItem,
    AgendaTopic,
    Attendance,
    Booking,
    BookingEvent,
    ClashOverride,
    Cohort,
    CohortDay,
    CohortFacilitator,
    Completion,
    Course,
    CourseDay,
    CourseOutcome,
    CourseUnit,
    LineManagerApproval,
    Venue,
    course_prerequisites,
    local_today,
)
from trainhub.courses.permissions import requests_decided_by
from trainhub.data_version import ROW_ID, DataVersion
from trainhub.extensions import db


def catalogue_order(courses: Any) -> tuple[ColumnElement[Any], ...]:
    """The catalogue's order: the framework's programmes first, and among each kind the
    programmes others build on (the core, which every other framework programme requires)
    before those that build on them; then by title."""
    required = (
        select(course_prerequisites.c.prerequisite_id)
        .where(course_prerequisites.c.prerequisite_id == courses.c.id)
        .exists()
    )
    return (courses.c.kind, case((required, 0), else_=1), courses.c.title)


def catalogue_query(
    audience: str = "", kind: str = "", include_unpublished: bool = False
) -> Select[tuple[Course]]:
    query = select(Course).order_by(*catalogue_order(Course.__table__))
    if not include_unpublished:
        query = query.where(Course.published.is_(True))
    if audience:
        query = query.where(Course.audience == audience)
    if kind:
        query = query.where(Course.kind == kind)
    return query


def _read_in_one_statement(statement: Select[Any], values: dict[str, Any]) -> list[Row[Any]]:
    """The rows of ``statement``, a read whose one statement is consistent by itself: on a
    connection of its own in autocommit when the session has no transaction yet and would
    open one on the engine (as for a visitor who is not signed in), so no BEGIN and no
    ROLLBACK go to the database around it (one round trip instead of three); else in the
    session's transaction."""
    session = db.session()
    bind = session.get_bind()
    if session.in_transaction() or not isinstance(bind, Engine):
        return list(session.execute(statement, values).all())
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return list(connection.execute(statement, values).all())


#: What a catalogue card shows of a course.
CATALOGUE_COLUMNS = (
    "code",
    "title",
    "kind",
    "audience",
    "duration_days",
    "published",
    "summary",
    "title_cy",
    "summary_cy",
)


@functools.cache
def _catalogue_statement(
    unless: bool, include_unpublished: bool, audience: bool, kind: bool
) -> Select[Any]:
    """``catalogue_listing``'s statement for one shape of filters, built once (in Core: the
    ORM's compiling and loading would cost more than the page's content)."""
    version, courses = DataVersion.__table__, Course.__table__
    shown: list[ColumnElement[bool]] = []
    if unless:
        shown.append(version.c.token != bindparam("unless"))
    if not include_unpublished:
        shown.append(courses.c.published.is_(True))
    if audience:
        shown.append(courses.c.audience == bindparam("audience"))
    if kind:
        shown.append(courses.c.kind == bindparam("kind"))
    return (
        select(version.c.token, *(courses.c[name] for name in CATALOGUE_COLUMNS))
        .select_from(version)
        .outerjoin(courses, and_(true(), *shown))
        .where(version.c.id == ROW_ID)
        .order_by(*catalogue_order(courses))
    )


def catalogue_listing(
    audience: str, kind: str, include_unpublished: bool, unless_version: str | None
) -> tuple[str | None, list[Row[Any]] | None]:
    """The data version (``trainhub.data_version``) and the courses of
    ``catalogue_query(audience, kind, include_unpublished)`` as rows of what a card shows
    (``CATALOGUE_COLUMNS``), in one statement; no courses (None) when the version is still
    ``unless_version``, the version the caller's copy of the list was made at.

    The version's one row is joined to the courses only when its token has changed, so an
    unchanged catalogue costs one tiny query and a changed one still only one. Where the
    row is missing (a schema made without the migrations) the version is None and the
    courses come from a second query.
    """
    statement = _catalogue_statement(
        unless_version is not None, include_unpublished, bool(audience), bool(kind)
    )
    values = {"unless": unless_version, "audience": audience, "kind": kind}
    rows = _read_in_one_statement(
        statement, {name: value for name, value in values.items() if value}
    )
    if not rows:
        columns = (getattr(Course, name) for name in CATALOGUE_COLUMNS)
        plain = catalogue_query(audience, kind, include_unpublished).with_only_columns(*columns)
        return None, list(db.session.execute(plain).all())
    token = rows[0].token
    if token == unless_version:
        return token, None
    return token, [row for row in rows if row.code is not None]


def course_by_code(code: str) -> Course | None:
    """A course with everything its page shows, in a fixed number of queries."""
    query = (
        select(Course)
        .where(Course.code == code.upper())
        .options(
            selectinload(Course.days)
            .selectinload(CourseDay.topics)
            .selectinload(AgendaTopic.items),
            selectinload(Course.units).selectinload(CourseUnit.outcomes),
            selectinload(Course.prerequisites),
        )
    )
    return db.session.execute(query).scalar_one_or_none()


#: What the completeness page calls each text of a course that has Welsh.
WELSH_FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "audience_note": _l("About the audience"),
    "description": _l("Description"),
    "context_note": _l("Context"),
    "aims_intro": _l("Introduction to the aims"),
    "aims": _l("Aims"),
    "themes": _l("Themes"),
    "agenda": _l("Agenda"),
    "units": _l("Units and learning outcomes"),
}


def _blank(column: Any) -> ColumnElement[bool]:
    """No Welsh: NULL or only spaces."""
    return or_(column.is_(None), func.trim(column) == "")


def _courses_lacking_welsh_outlines() -> tuple[set[int], set[int]]:
    """The courses whose agenda, and those whose units, have a line without Welsh (one
    statement)."""
    agenda = (
        select(CourseDay.course_id, literal_column("'agenda'", String).label("part"))
        .join(AgendaTopic, AgendaTopic.day_id == CourseDay.id)
        .outerjoin(AgendaItem, AgendaItem.topic_id == AgendaTopic.id)
        .where(
            or_(
                _blank(AgendaTopic.title_cy),
                and_(AgendaItem.id.is_not(None), _blank(AgendaItem.text_cy)),
            )
        )
    )
    units = (
        select(CourseUnit.course_id, literal_column("'units'", String).label("part"))
        .outerjoin(CourseOutcome, CourseOutcome.unit_id == CourseUnit.id)
        .where(
            or_(
                _blank(CourseUnit.title_cy),
                and_(CourseOutcome.id.is_not(None), _blank(CourseOutcome.text_cy)),
            )
        )
    )
    found: tuple[set[int], set[int]] = (set(), set())
    for course_id, part in db.session.execute(union(agenda, units)):
        found[0 if part == "agenda" else 1].add(course_id)
    return found


def course_welsh_gaps() -> list[Gap]:
    """Every text of every course that has English but no Welsh yet, courses by title, in
    two queries (``trainhub.bilingual``'s completeness page)."""
    names = [*WELSH_FIELDS, *(f"{name}_cy" for name in WELSH_FIELDS)]
    query = select(Course.id, Course.code, *(getattr(Course, name) for name in names)).order_by(
        Course.title, Course.code
    )
    agendas, units = _courses_lacking_welsh_outlines()
    found: list[Gap] = []
    for row in db.session.execute(query):
        missing = [
            name
            for name in WELSH_FIELDS
            if own(getattr(row, name)) and not own(getattr(row, f"{name}_cy"))
        ]
        missing += [name for name, ids in (("agenda", agendas), ("units", units)) if row.id in ids]
        found.extend(
            Gap(
                item=row.title,
                field=str(WELSH_FIELD_LABELS[name]),
                endpoint="courses.course_edit",
                args=(("code", row.code),),
                anchor=f"{name}_cy",
            )
            for name in missing
        )
    return found


def course_welsh_units() -> list[TextUnit]:
    """Every text of every course that has English, with its Welsh, courses by title and
    each in page order (its fields, agenda, units), in five queries: what a translator
    exports (``trainhub.bilingual``). Keys: ``courses:<id>:<field>``,
    ``agenda-topics:<id>:title``, ``agenda-items:<id>:text``, ``course-units:<id>:title``,
    ``course-outcomes:<id>:text``. A fidelity-controlled course's canonical content (its
    agenda, units and ``CANONICAL_WELSH_FIELDS``) is ``restricted``: administrators only."""
    names = [*WELSH_FIELDS, *(f"{name}_cy" for name in WELSH_FIELDS)]
    courses = db.session.execute(
        select(
            Course.id, Course.fidelity_controlled, *(getattr(Course, name) for name in names)
        ).order_by(Course.title, Course.code)
    ).all()
    lines: dict[int, list[TextUnit]] = {row.id: [] for row in courses}
    topics = select(
        CourseDay.course_id,
        CourseDay.day_number,
        AgendaTopic.id,
        AgendaTopic.position,
        AgendaTopic.title,
        AgendaTopic.title_cy,
    ).join(AgendaTopic, AgendaTopic.day_id == CourseDay.id)
    agenda_items: dict[int, list[Any]] = {}
    for entry in db.session.execute(
        select(AgendaItem.id, AgendaItem.topic_id, AgendaItem.text, AgendaItem.text_cy).order_by(
            AgendaItem.topic_id, AgendaItem.position
        )
    ):
        agenda_items.setdefault(entry.topic_id, []).append(entry)
    titles = {row.id: row.title for row in courses}
    fidelity = {row.id for row in courses if row.fidelity_controlled}
    for row in db.session.execute(
        topics.order_by(CourseDay.course_id, CourseDay.day_number, AgendaTopic.position)
    ):
        item = titles.get(row.course_id)
        if item is None:
            continue
        where = {"day": row.day_number, "topic": row.position}
        if own(row.title):
            lines[row.course_id].append(
                TextUnit(
                    f"agenda-topics:{row.id}:title",
                    item,
                    _("Agenda, day %(day)d, topic %(topic)d", **where),
                    row.title,
                    own(row.title_cy),
                    restricted=row.course_id in fidelity,
                )
            )
        lines[row.course_id].extend(
            TextUnit(
                f"agenda-items:{line.id}:text",
                item,
                _("Agenda, day %(day)d, topic %(topic)d, item %(item)d", item=n, **where),
                line.text,
                own(line.text_cy),
                restricted=row.course_id in fidelity,
            )
            for n, line in enumerate(agenda_items.get(row.id, []), start=1)
            if own(line.text)
        )
    outcomes: dict[int, list[Any]] = {}
    for entry in db.session.execute(
        select(
            CourseOutcome.id, CourseOutcome.unit_id, CourseOutcome.text, CourseOutcome.text_cy
        ).order_by(CourseOutcome.unit_id, CourseOutcome.position)
    ):
        outcomes.setdefault(entry.unit_id, []).append(entry)
    unit_numbers: dict[int, int] = {}
    for unit in db.session.execute(
        select(CourseUnit.id, CourseUnit.course_id, CourseUnit.title, CourseUnit.title_cy).order_by(
            CourseUnit.course_id, CourseUnit.position
        )
    ):
        item = titles.get(unit.course_id)
        if item is None:
            continue
        number = unit_numbers[unit.course_id] = unit_numbers.get(unit.course_id, 0) + 1
        if own(unit.title):
            lines[unit.course_id].append(
                TextUnit(
                    f"course-units:{unit.id}:title",
                    item,
                    _("Unit %(unit)d", unit=number),
                    unit.title,
                    own(unit.title_cy),
                    restricted=unit.course_id in fidelity,
                )
            )
        lines[unit.course_id].extend(
            TextUnit(
                f"course-outcomes:{line.id}:text",
                item,
                _("Unit %(unit)d, outcome %(outcome)d", unit=number, outcome=n),
                line.text,
                own(line.text_cy),
                restricted=unit.course_id in fidelity,
            )
            for n, line in enumerate(outcomes.get(unit.id, []), start=1)
            if own(line.text)
        )
    found: list[TextUnit] = []
    for row in courses:
        found.extend(
            TextUnit(
                f"courses:{row.id}:{name}",
                row.title,
                str(WELSH_FIELD_LABELS[name]),
                getattr(row, name),
                own(getattr(row, f"{name}_cy")),
                restricted=row.id in fidelity and name in CANONICAL_WELSH_FIELDS,
            )
            for name in WELSH_FIELDS
            if own(getattr(row, name))
        )
        found.extend(lines[row.id])
    return found


def prerequisite_choices(
    exclude_id: int | None = None, chosen: Iterable[int] = ()
) -> list[tuple[int, str]]:
    """The courses a course may need first: never an event (none is ever completed), but
    any already ``chosen`` (set up before that rule), so that the form shows them: changing
    the prerequisites then says why they must go."""
    query = (
        select(Course.id, Course.title)
        .where(or_(Course.event_type == "", Course.id.in_(list(chosen))))
        .order_by(Course.title)
    )
    if exclude_id is not None:
        query = query.where(Course.id != exclude_id)
    return [(row.id, row.title) for row in db.session.execute(query)]


def venues_query() -> Select[tuple[Venue]]:
    return select(Venue).order_by(Venue.is_active.desc(), Venue.name)


# -- Cohorts and bookings -------------------------------------------------------


def _cohort_list_options() -> tuple[Any, ...]:
    """Many-to-one rows come joined to their parent; collections with one query each.

    The number of statements is then fixed, whatever the page holds (no query appears
    only when, say, one cohort on the page is closed to a partner).
    """
    return (
        joinedload(Cohort.course),
        selectinload(Cohort.days).joinedload(CohortDay.venue),
        selectinload(Cohort.facilitators).joinedload(CohortFacilitator.user),
        joinedload(Cohort.partner_organisation),
    )


def cohort_for_page(cohort_id: int) -> Cohort | None:
    """A cohort with everything its pages show, in a fixed number of queries."""
    query = (
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(*_cohort_list_options(), selectinload(Cohort.presenters))
    )
    return db.session.execute(query).scalar_one_or_none()


@dataclass(frozen=True)
class PlaceCounts:
    held: int = 0
    waiting: int = 0
    requested: int = 0


def place_counts(cohort_ids: Iterable[int]) -> dict[int, PlaceCounts]:
    """Places taken, people waiting and requests pending, per cohort, in one query."""
    ids = list(cohort_ids)
    if not ids:
        return {}

    def count_of(statuses: tuple[str, ...]) -> Any:
        return func.sum(case((Booking.status.in_(statuses), 1), else_=0))

    query = (
        select(
            Booking.cohort_id,
            count_of(PLACE_STATUSES).label("held"),
            count_of(("waitlisted",)).label("waiting"),
            count_of(("requested",)).label("requested"),
        )
        .where(Booking.cohort_id.in_(ids))
        .group_by(Booking.cohort_id)
    )
    return {
        row.cohort_id: PlaceCounts(
            int(row.held or 0), int(row.waiting or 0), int(row.requested or 0)
        )
        for row in db.session.execute(query)
    }


def place_count(cohort_id: int) -> PlaceCounts:
    return place_counts([cohort_id]).get(cohort_id, PlaceCounts())


def cohorts_query(
    trainer_id: int | None = None,
    status: str = "",
    course_id: int | None = None,
    upcoming: bool = False,
) -> Select[Cohort]:
    query = (
        select(Cohort).options(*_cohort_list_options()).order_by(Cohort.first_day.desc(), Cohort.id)
    )
    if trainer_id is not None:
        facilitated = select(CohortFacilitator.cohort_id).where(
            CohortFacilitator.user_id == trainer_id
        )
        query = query.where(or_(Cohort.id.in_(facilitated), Cohort.created_by_id == trainer_id))
    if status:
        query = query.where(Cohort.status == status)
    if course_id is not None:
        query = query.where(Cohort.course_id == course_id)
    if upcoming:
        query = (
            query.where(Cohort.last_day >= local_today())
            .order_by(None)
            .order_by(Cohort.first_day, Cohort.id)
        )
    return query


def open_cohorts_query(course_id: int | None = None) -> Select[Cohort]:
    """Published cohorts anyone may book, from today on, soonest first."""
    query = (
        select(Cohort)
        .where(
            Cohort.status == "published",
            Cohort.partner_organisation_id.is_(None),
            Cohort.first_day >= local_today(),
        )
        .options(*_cohort_list_options())
        .order_by(Cohort.first_day, Cohort.id)
    )
    if course_id is not None:
        query = query.where(Cohort.course_id == course_id)
    return query


def bookings_of(user_id: int) -> Select[Booking]:
    return (
        select(Booking)
        .join(Cohort)
        .where(Booking.user_id == user_id)
        .options(selectinload(Booking.cohort).options(*_cohort_list_options()))
        .order_by(Cohort.first_day.desc(), Booking.id)
    )


def booking_of(cohort_id: int, user_id: int) -> Booking | None:
    query = select(Booking).where(Booking.cohort_id == cohort_id, Booking.user_id == user_id)
    return db.session.execute(query).scalar_one_or_none()


def booking_for_page(booking_id: int) -> Booking | None:
    query = (
        select(Booking)
        .where(Booking.id == booking_id)
        .options(
            selectinload(Booking.user),
            selectinload(Booking.events).selectinload(BookingEvent.actor),
            selectinload(Booking.cohort).options(*_cohort_list_options()),
        )
    )
    return db.session.execute(query).scalar_one_or_none()


def cohort_bookings(cohort_id: int) -> list[Booking]:
    """Every booking on a cohort, waitlist in order, then by name."""
    query = (
        select(Booking)
        .join(User, User.id == Booking.user_id)
        .where(Booking.cohort_id == cohort_id)
        .options(selectinload(Booking.user).selectinload(User.organisation))
        .order_by(Booking.queue_rank.is_(None), Booking.queue_rank, User.full_name, Booking.id)
    )
    return list(db.session.execute(query).scalars())


def pending_requests(decider: User) -> Select[Booking]:
    """Requests this manager decides (``permissions.can_decide_request``): their own
    organisation's learners. Administrators see every request, so a learner with no
    organisation, or of an organisation with no manager, is decided by them."""
    query = (
        select(Booking)
        .join(Cohort)
        .join(User, User.id == Booking.user_id)
        .where(
            Booking.status == "requested",
            requests_decided_by(decider, User),
            # Asked of the learner's line manager first (``services.line_managers``).
            ~exists().where(
                LineManagerApproval.booking_id == Booking.id,
                LineManagerApproval.status == "pending",
            ),
        )
        .options(
            selectinload(Booking.user).selectinload(User.organisation),
            selectinload(Booking.cohort).options(*_cohort_list_options()),
        )
        .order_by(Booking.created_at, Booking.id)
    )
    return query


def clash_overrides_query() -> Select[ClashOverride]:
    return (
        select(ClashOverride)
        .options(selectinload(ClashOverride.cohort), selectinload(ClashOverride.overridden_by))
        .order_by(ClashOverride.created_at.desc(), ClashOverride.id.desc())
    )


def venue_choices() -> list[tuple[int, str]]:
    query = (
        select(Venue.id, Venue.name, Venue.capacity)
        .where(Venue.is_active.is_(True))
        .order_by(Venue.name)
    )
    return [(row.id, f"{row.name} ({row.capacity})") for row in db.session.execute(query)]


def partner_choices() -> list[tuple[int, str]]:
    query = (
        select(Organisation.id, Organisation.name)
        .where(Organisation.is_active.is_(True))
        .order_by(Organisation.name)
    )
    return [(row.id, row.name) for row in db.session.execute(query)]


def sibling_closed_cohorts(cohort: Cohort) -> list[Cohort]:
    """Published closed cohorts of the same course for the same partner."""
    query = (
        select(Cohort)
        .where(
            Cohort.course_id == cohort.course_id,
            Cohort.partner_organisation_id == cohort.partner_organisation_id,
            Cohort.status == "published",
        )
        .options(selectinload(Cohort.days))
        .order_by(Cohort.first_day, Cohort.id)
    )
    return list(db.session.execute(query).scalars())


# -- Scheduling: what a cohort's days meet ---------------------------------------


def places_held(cohort_id: int) -> int:
    """Places taken on a cohort (booked, offered or attended: ``PLACE_STATUSES``)."""
    query = select(func.count(Booking.id)).where(
        Booking.cohort_id == cohort_id, Booking.status.in_(PLACE_STATUSES)
    )
    return int(db.session.execute(query).scalar_one())


def trainers() -> list[User]:
    """Active trainers, by name (the facilitators a cohort may have)."""
    query = (
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.TRAINER, User.active.is_(True))
        .order_by(User.full_name)
    )
    return list(db.session.execute(query).scalars())


def live_cohort_days(
    dates: Iterable[dt.date], exclude_cohort_id: int | None = None
) -> list[CohortDay]:
    """The days of draft and published cohorts on ``dates`` (but ``exclude_cohort_id``'s),
    with their venue, cohort and facilitators loaded, in date and time order."""
    query = (
        select(CohortDay)
        .join(Cohort)
        .where(CohortDay.date.in_(set(dates)), Cohort.status.in_(LIVE_COHORT_STATUSES))
        .options(
            selectinload(CohortDay.cohort)
            .selectinload(Cohort.facilitators)
            .selectinload(CohortFacilitator.user),
            selectinload(CohortDay.venue),
        )
        .order_by(CohortDay.date, CohortDay.start_time)
    )
    if exclude_cohort_id is not None:
        query = query.where(CohortDay.cohort_id != exclude_cohort_id)
    return list(db.session.execute(query).scalars())


def _same_time(days: Any, other: Any) -> ColumnElement[bool]:
    """Two cohort days (a subquery of one cohort's days, and another day) overlap in time."""
    return and_(
        days.c.date == other.date,
        days.c.start_time < other.end_time,
        other.start_time < days.c.end_time,
    )


def learners_booked_at_the_same_time(
    cohort_id: int, limit: int = 5, visible: ColumnElement[bool] | None = None
) -> list[tuple[str | None, str]]:
    """(name, other cohort's title) of people booked on ``cohort_id`` and also on a draft or
    published cohort whose days overlap its days; at most ``limit``. With ``visible`` (a
    condition on ``User``), the name of anyone else is None (R49)."""
    mine = select(CohortDay).where(CohortDay.cohort_id == cohort_id).subquery()
    here, there = aliased(Booking), aliased(Booking)
    other_cohort, other_day = aliased(Cohort), aliased(CohortDay)
    name: Any = User.full_name
    if visible is not None:
        name = case((visible, User.full_name), else_=null())
    query = (
        select(name, other_cohort.title)
        .select_from(here)
        .join(User, User.id == here.user_id)
        .join(
            there,
            and_(
                there.user_id == here.user_id,
                there.cohort_id != cohort_id,
                there.status.in_(ACTIVE_STATUSES),
            ),
        )
        .join(other_cohort, other_cohort.id == there.cohort_id)
        .join(other_day, other_day.cohort_id == other_cohort.id)
        .join(mine, _same_time(mine, other_day))
        .where(
            here.cohort_id == cohort_id,
            here.status.in_(ACTIVE_STATUSES),
            other_cohort.status.in_(LIVE_COHORT_STATUSES),
        )
        .distinct()
        .limit(limit)
    )
    return [(name, title) for name, title in db.session.execute(query)]


def cohort_overlaps(cohort_id: int, user_id: int) -> list[Cohort]:
    """Cohorts the user holds or seeks a place on whose days overlap ``cohort_id``'s days."""
    mine = select(CohortDay).where(CohortDay.cohort_id == cohort_id).subquery()
    other = CohortDay
    query = (
        select(Cohort)
        .join(other, other.cohort_id == Cohort.id)
        .join(Booking, Booking.cohort_id == Cohort.id)
        .join(mine, _same_time(mine, other))
        .where(
            Booking.user_id == user_id,
            Booking.status.in_(ACTIVE_STATUSES),
            Cohort.id != cohort_id,
            or_(Cohort.status == "published", Cohort.status == "draft"),
        )
        .distinct()
    )
    return list(db.session.execute(query).scalars())


def waitlist(cohort_id: int) -> list[Booking]:
    """The cohort's waiting list in order, each booking read afresh with its learner."""
    query = (
        select(Booking)
        .where(Booking.cohort_id == cohort_id, Booking.status == "waitlisted")
        .order_by(Booking.queue_rank, Booking.id)
        .options(selectinload(Booking.user))
        .execution_options(populate_existing=True)
    )
    return list(db.session.execute(query).scalars())


def waitlist_position(booking: Booking) -> int | None:
    """The booking's place on the waiting list (1 is next), or None when not waiting."""
    if booking.status != "waitlisted" or booking.queue_rank is None:
        return None
    query = select(func.count(Booking.id)).where(
        Booking.cohort_id == booking.cohort_id,
        Booking.status == "waitlisted",
        Booking.queue_rank < booking.queue_rank,
    )
    return int(db.session.execute(query).scalar_one()) + 1


def missing_prerequisites(course: Course, learner: User) -> list[Course]:
    """The prerequisites of ``course`` the learner has not completed, by title."""
    done = select(Completion.course_id).where(Completion.user_id == learner.id)
    query = (
        select(Course)
        .join(course_prerequisites, course_prerequisites.c.prerequisite_id == Course.id)
        .where(course_prerequisites.c.course_id == course.id, Course.id.not_in(done))
        .order_by(Course.title)
    )
    return list(db.session.execute(query).scalars())


def needs_of(booking_id: int) -> AccessNeeds | None:
    """The access and dietary needs given for a booking, if any."""
    return db.session.execute(
        select(AccessNeeds).where(AccessNeeds.booking_id == booking_id)
    ).scalar_one_or_none()


def people_with_needs(cohort_id: int) -> set[int]:
    """The ids of the learners of a cohort who gave needs (the register's marker): one
    statement, no details read."""
    query = (
        select(Booking.user_id)
        .join(AccessNeeds, AccessNeeds.booking_id == Booking.id)
        .where(Booking.cohort_id == cohort_id, Booking.status.in_(STANDING_STATUSES))
    )
    return set(db.session.execute(query).scalars())


def cohort_needs(cohort_id: int) -> list[AccessNeeds]:
    """Every standing booking's needs on a cohort, by the learner's name, with the booking
    and the learner loaded (one statement)."""
    query = (
        select(AccessNeeds)
        .join(Booking, Booking.id == AccessNeeds.booking_id)
        .join(User, User.id == Booking.user_id)
        .where(Booking.cohort_id == cohort_id, Booking.status.in_(STANDING_STATUSES))
        .options(joinedload(AccessNeeds.booking).joinedload(Booking.user))
        .order_by(User.full_name, Booking.id)
    )
    return list(db.session.execute(query).scalars())


# The home page's next actions: each a fixed number of statements, whatever the data.


def offers_to(user_id: int, now: dt.datetime) -> list[Booking]:
    """The learner's offers of a place still open at ``now`` (an expired one not yet passed
    on by the sweep is gone), the soonest to expire first."""
    query = (
        select(Booking)
        .where(
            Booking.user_id == user_id,
            Booking.status == "offered",
            or_(Booking.offer_expires_at.is_(None), Booking.offer_expires_at > now),
        )
        .options(joinedload(Booking.cohort).joinedload(Cohort.course))
        .order_by(Booking.offer_expires_at, Booking.id)
    )
    return list(db.session.execute(query).scalars())


def next_course_day(user_id: int, today: dt.date) -> tuple[Booking, CohortDay] | None:
    """The learner's next day of training (from ``today``) on a cohort they are booked on,
    with its booking: the cohort, course and venue loaded."""
    query = (
        select(Booking, CohortDay)
        .join(Cohort, Cohort.id == Booking.cohort_id)
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .where(
            Booking.user_id == user_id,
            Booking.status == "booked",
            Cohort.status == "published",
            CohortDay.date >= today,
        )
        .options(joinedload(Booking.cohort).joinedload(Cohort.course), joinedload(CohortDay.venue))
        .order_by(CohortDay.date, CohortDay.start_time, CohortDay.id)
        .limit(1)
    )
    row = db.session.execute(query).first()
    return (row[0], row[1]) if row else None


def _facilitated_by(user_id: int) -> Select[Any]:
    return select(CohortFacilitator.cohort_id).where(CohortFacilitator.user_id == user_id)


def registers_due(user_id: int, today: dt.date) -> list[CohortDay]:
    """Today's days of the published cohorts ``user_id`` facilitates whose register is not
    taken yet (no mark on it: the annual report's readiness check counts the same way)."""
    marked = select(Attendance.id).where(Attendance.cohort_day_id == CohortDay.id).exists()
    query = (
        select(CohortDay)
        .join(Cohort, Cohort.id == CohortDay.cohort_id)
        .where(
            CohortDay.cohort_id.in_(_facilitated_by(user_id)),
            CohortDay.date == today,
            Cohort.status == "published",
            ~marked,
        )
        .options(joinedload(CohortDay.cohort).joinedload(Cohort.course))
        .order_by(CohortDay.start_time, CohortDay.id)
    )
    return list(db.session.execute(query).scalars())


def cohorts_short_of_cofacilitator(user_id: int, today: dt.date) -> list[Cohort]:
    """Cohorts ``user_id`` facilitates, still to run, with only one facilitator: the
    cohort page's "Co-facilitation expected" warning (fewer than two facilitators)."""
    others = aliased(CohortFacilitator)
    facilitators = (
        select(func.count())
        .select_from(others)
        .where(others.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    query = (
        select(Cohort)
        .where(
            Cohort.id.in_(_facilitated_by(user_id)),
            Cohort.status.in_(LIVE_COHORT_STATUSES),
            Cohort.last_day >= today,
            facilitators < 2,
        )
        .options(joinedload(Cohort.course))
        .order_by(Cohort.first_day, Cohort.id)
    )
    return list(db.session.execute(query).scalars())


@dataclass(frozen=True)
class WaitlistToOffer:
    cohort: Cohort
    waiting: int
    free: int


def waitlists_to_offer(user_id: int, today: dt.date) -> list[WaitlistToOffer]:
    """Published cohorts ``user_id`` facilitates, not started, with a free place and people
    on the waiting list: places the trainer can give by hand (``booking.book_from_waitlist``;
    inside the cut-off nothing moves the list automatically)."""

    def count_of(statuses: tuple[str, ...]) -> Any:
        return func.sum(case((Booking.status.in_(statuses), 1), else_=0))

    counts = (
        select(
            Booking.cohort_id.label("cohort_id"),
            count_of(PLACE_STATUSES).label("held"),
            count_of(("waitlisted",)).label("waiting"),
        )
        .where(Booking.cohort_id.in_(_facilitated_by(user_id)))
        .group_by(Booking.cohort_id)
        .subquery()
    )
    query = (
        select(Cohort, counts.c.held, counts.c.waiting)
        .join(counts, counts.c.cohort_id == Cohort.id)
        .where(
            Cohort.status == "published",
            Cohort.first_day >= today,
            counts.c.waiting > 0,
            counts.c.held < Cohort.capacity,
        )
        .options(joinedload(Cohort.course))
        .order_by(Cohort.first_day, Cohort.id)
    )
    return [
        WaitlistToOffer(cohort, int(waiting), cohort.places_left(int(held or 0)))
        for cohort, held, waiting in db.session.execute(query)
    ]


def line_manager_request_count(manager_id: int) -> int:
    """How many requests for a place wait for this line manager's decision (their account)."""
    query = (
        select(func.count())
        .select_from(LineManagerApproval)
        .join(Booking, Booking.id == LineManagerApproval.booking_id)
        .where(
            LineManagerApproval.manager_id == manager_id,
            LineManagerApproval.status == "pending",
            Booking.status == "requested",
        )
    )
    return int(db.session.execute(query).scalar_one())


def pending_request_count(decider: User) -> int:
    """How many requests for places ``decider`` has to decide (``pending_requests``)."""
    inner = pending_requests(decider).order_by(None).with_only_columns(Booking.id)
    return int(db.session.execute(select(func.count()).select_from(inner.subquery())).scalar_one())


# Cohorts' and venues' Welsh (trainhub.bilingual) ----------------------------------------------

#: The field of a cohort, and those of a venue, that have Welsh beside them, with their labels.
COHORT_WELSH_FIELDS = {"title": _l("Title")}
VENUE_WELSH_FIELDS = {"name": _l("Name"), "accessibility_notes": _l("Accessibility")}


def _cohorts_needing_welsh() -> Select[int, str, str | None, dt.date]:
    """Cohorts not yet finished (a finished cohort's title needs no Welsh), soonest first."""
    return (
        select(Cohort.id, Cohort.title, Cohort.title_cy, Cohort.first_day)
        .where(
            Cohort.status.in_(LIVE_COHORT_STATUSES),
            Cohort.recorded.is_(False),
            Cohort.last_day >= local_today(),
        )
        .order_by(Cohort.first_day, Cohort.id)
    )


def cohort_welsh_gaps() -> list[Gap]:
    """The titles of cohorts not yet finished that have no Welsh, soonest first, in one
    query (``trainhub.bilingual``'s completeness page)."""
    return [
        Gap(
            item=f"{row.title} ({row.first_day.isoformat()})",
            field=str(COHORT_WELSH_FIELDS["title"]),
            endpoint="courses.cohort_edit",
            args=(("cohort_id", row.id),),
            anchor="title_cy",
        )
        for row in db.session.execute(_cohorts_needing_welsh())
        if own(row.title) and not own(row.title_cy)
    ]


def cohort_units() -> list[TextUnit]:
    """The title of every cohort not yet finished, soonest first, in one query (export)."""
    return [
        TextUnit(
            key=unit_key("cohorts", row.id, "title"),
            item=row.title,
            field=str(COHORT_WELSH_FIELDS["title"]),
            english=row.title,
            welsh=own(row.title_cy),
        )
        for row in db.session.execute(_cohorts_needing_welsh())
        if own(row.title)
    ]


def _active_venues() -> Select[int, str, str | None, str, str | None]:
    return (
        select(
            Venue.id,
            Venue.name,
            Venue.name_cy,
            Venue.accessibility_notes,
            Venue.accessibility_notes_cy,
        )
        .where(Venue.is_active.is_(True))
        .order_by(Venue.name, Venue.id)
    )


def venue_welsh_gaps() -> list[Gap]:
    """The names and access notes of active venues that have no Welsh, venues by name, in one
    query (``trainhub.bilingual``'s completeness page)."""
    return [
        Gap(
            item=row.name,
            field=str(label),
            endpoint="courses.venue_edit",
            args=(("venue_id", row.id),),
            anchor=f"{name}_cy",
        )
        for row in db.session.execute(_active_venues())
        for name, label in VENUE_WELSH_FIELDS.items()
        if own(getattr(row, name)) and not own(getattr(row, f"{name}_cy"))
    ]


def venue_units() -> list[TextUnit]:
    """The name and access notes of every active venue, venues by name, in one query (export)."""
    return [
        TextUnit(
            key=unit_key("venues", row.id, name),
            item=row.name,
            field=str(label),
            english=getattr(row, name),
            welsh=own(getattr(row, f"{name}_cy")),
        )
        for row in db.session.execute(_active_venues())
        for name, label in VENUE_WELSH_FIELDS.items()
        if own(getattr(row, name))
    ]
