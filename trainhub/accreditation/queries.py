"""Read-side helpers for accreditation pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from trainhub.accreditation.models import (
    ACHIEVED,
    AWAITING_VERIFICATION,
    OPEN_STATUSES,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    AccreditationLevel,
    Application,
    ApplicationEvent,
    BadgeLink,
    Certificate,
    ExternalActivity,
    OutcomeJudgement,
    Workbook,
    level_courses,
    level_entry_courses,
)
from trainhub.accreditation.models.cpd import PENDING
from trainhub.auth.models import User, UserRole
from trainhub.auth.permissions import people_visible_to
from trainhub.auth.roles import Role
from trainhub.bilingual import Gap, TextUnit, own
from trainhub.courses.models import Completion
from trainhub.extensions import db


def levels() -> list[AccreditationLevel]:
    query = (
        select(AccreditationLevel)
        .order_by(AccreditationLevel.number)
        .options(
            selectinload(AccreditationLevel.outcomes),
            selectinload(AccreditationLevel.courses),
            selectinload(AccreditationLevel.entry_courses),
        )
    )
    return list(db.session.execute(query).scalars())


def level_welsh_gaps() -> list[Gap]:
    """Each level's title, description and current learning outcomes that have no Welsh
    yet, levels by number, in two queries (``trainhub.bilingual``'s completeness page)."""
    found: list[Gap] = []
    query = select(AccreditationLevel).order_by(AccreditationLevel.number)
    for level in db.session.execute(
        query.options(selectinload(AccreditationLevel.outcomes))
    ).scalars():
        item = _("Level %(n)d: %(title)s", n=level.number, title=level.title)
        where = (("level_id", level.id),)
        if own(level.title) and not own(level.title_cy):
            found.append(Gap(item, _("Title"), "accreditation.admin_level_edit", where, "title_cy"))
        if own(level.description) and not own(level.description_cy):
            found.append(
                Gap(
                    item,
                    _("Who it is for"),
                    "accreditation.admin_level_edit",
                    where,
                    "description_cy",
                )
            )
        found.extend(
            Gap(
                item,
                _("Learning outcome %(n)d", n=position),
                "accreditation.admin_level_edit",
                where,
                "outcomes_cy",
            )
            for position, outcome in enumerate(level.outcomes, start=1)
            if own(outcome.text) and not own(outcome.text_cy)
        )
    return found


def level_welsh_units() -> list[TextUnit]:
    """Each level's title and current learning outcomes that have English, with their Welsh,
    levels by number, in two queries: what a translator exports (``trainhub.bilingual``).
    Keys: ``levels:<id>:title``, ``levels:<id>:description``, ``level-outcomes:<id>:text``."""
    found: list[TextUnit] = []
    query = select(AccreditationLevel).order_by(AccreditationLevel.number)
    for level in db.session.execute(
        query.options(selectinload(AccreditationLevel.outcomes))
    ).scalars():
        item = _("Level %(n)d: %(title)s", n=level.number, title=level.title)
        if own(level.title):
            found.append(
                TextUnit(
                    f"levels:{level.id}:title", item, _("Title"), level.title, own(level.title_cy)
                )
            )
        if own(level.description):
            found.append(
                TextUnit(
                    f"levels:{level.id}:description",
                    item,
                    _("Who it is for"),
                    level.description,
                    own(level.description_cy),
                )
            )
        found.extend(
            TextUnit(
                f"level-outcomes:{outcome.id}:text",
                item,
                _("Learning outcome %(n)d", n=position),
                outcome.text,
                own(outcome.text_cy),
            )
            for position, outcome in enumerate(level.outcomes, start=1)
            if own(outcome.text)
        )
    return found


def levels_opened_by_course(course_id: int) -> list[int]:
    """The numbers of the levels that completing the course opens (an entry course)."""
    query = (
        select(AccreditationLevel.number)
        .join(level_entry_courses, level_entry_courses.c.level_id == AccreditationLevel.id)
        .where(level_entry_courses.c.course_id == course_id)
        .order_by(AccreditationLevel.number)
    )
    return list(db.session.execute(query).scalars())


def levels_taught_by(course_id: int) -> list[AccreditationLevel]:
    query = (
        select(AccreditationLevel)
        .join(level_courses, level_courses.c.level_id == AccreditationLevel.id)
        .where(level_courses.c.course_id == course_id, AccreditationLevel.is_active.is_(True))
        .order_by(AccreditationLevel.number)
        .options(selectinload(AccreditationLevel.outcomes))
    )
    return list(db.session.execute(query).scalars())


def active_levels_with_entry() -> list[AccreditationLevel]:
    query = (
        select(AccreditationLevel)
        .where(AccreditationLevel.is_active.is_(True))
        .order_by(AccreditationLevel.number)
        .options(
            selectinload(AccreditationLevel.entry_courses),
            selectinload(AccreditationLevel.outcomes),
        )
    )
    return list(db.session.execute(query).scalars())


def applications_of(user_id: int) -> list[Application]:
    query = (
        select(Application)
        .where(Application.user_id == user_id)
        .order_by(Application.created_at.desc(), Application.id.desc())
        .options(joinedload(Application.level))
    )
    return list(db.session.execute(query).scalars())


def completions_with_courses(user_id: int) -> list[Completion]:
    """The courses a person completed, newest first (recorded ones marked ``recorded``)."""
    query = (
        select(Completion)
        .where(Completion.user_id == user_id)
        .order_by(Completion.completed_on.desc(), Completion.id.desc())
        .options(joinedload(Completion.course))
    )
    return list(db.session.execute(query).scalars())


def application_for_page(application_id: int) -> Application | None:
    """An application with what its page shows, in a fixed number of queries."""
    query = (
        select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.user),
            joinedload(Application.level).selectinload(AccreditationLevel.outcomes),
            joinedload(Application.assessor),
            joinedload(Application.verifier),
            selectinload(Application.workbooks),
            selectinload(Application.judgements).options(
                joinedload(OutcomeJudgement.assessor), joinedload(OutcomeJudgement.outcome)
            ),
            selectinload(Application.events).joinedload(ApplicationEvent.actor),
        )
    )
    return db.session.execute(query).unique().scalar_one_or_none()


QUEUES = ("waiting", "mine", "verify")


def assessment_queue(actor: User, queue: str, level_id: int | None) -> Select[Application]:
    """Oldest submission first: waiting for anyone, claimed by me, or awaiting verification."""
    query = (
        select(Application)
        .where(Application.user_id != actor.id)
        .options(joinedload(Application.user), joinedload(Application.level))
        .order_by(Application.submitted_at, Application.id)
    )
    if queue == "mine":
        query = query.where(Application.status == SUBMITTED, Application.assessor_id == actor.id)
    elif queue == "verify":
        query = query.where(
            Application.status == AWAITING_VERIFICATION,
            (Application.assessor_id != actor.id) | Application.assessor_id.is_(None),
        )
    else:
        query = query.where(Application.status == SUBMITTED, Application.assessor_id.is_(None))
    if level_id:
        query = query.where(Application.level_id == level_id)
    return query


def queue_counts(actor: User) -> dict[str, int]:
    counts = {}
    for name in QUEUES:
        inner = assessment_queue(actor, name, None).order_by(None).options()
        counts[name] = db.session.execute(
            select(func.count()).select_from(inner.with_only_columns(Application.id).subquery())
        ).scalar_one()
    return counts


def assessor_choices(excluding_user_id: int) -> list[tuple[int, str]]:
    query = (
        select(User.id, User.full_name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ASSESSOR, User.active.is_(True), User.id != excluding_user_id)
        .order_by(User.full_name)
    )
    return [(uid, name) for uid, name in db.session.execute(query)]


def certificates_of(user_id: int) -> list[Certificate]:
    query = (
        select(Certificate)
        .where(Certificate.user_id == user_id)
        .order_by(Certificate.awarded_on.desc(), Certificate.id.desc())
    )
    return list(db.session.execute(query).scalars())


def badge_links_of(certificate_ids: list[int]) -> dict[int, BadgeLink]:
    """The public link of each of these certificates that has one, by certificate id."""
    if not certificate_ids:
        return {}
    query = select(BadgeLink).where(
        BadgeLink.certificate_id.in_(certificate_ids), BadgeLink.withdrawn_at.is_(None)
    )
    return {link.certificate_id: link for link in db.session.execute(query).scalars()}


def certificates_search(search: str, code: str | None) -> Select[Certificate]:
    """Certificates whose learner's name contains ``search``, or with the (normalised) code;
    each with its replacement loaded (the list offers "Reissue" only when there is none)."""
    query = (
        select(Certificate)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .options(selectinload(Certificate.replaced_by))
    )
    search = search.strip()
    if search:
        pattern = f"%{search.lower()}%"
        name_matches = func.lower(Certificate.learner_name).like(pattern)
        query = query.where(name_matches | (Certificate.code == code) if code else name_matches)
    return query


def workbook(application_id: int, version: int) -> Workbook | None:
    query = select(Workbook).where(
        Workbook.application_id == application_id, Workbook.version == version
    )
    return db.session.execute(query).scalar_one_or_none()


def activities_of(user_id: int) -> list[ExternalActivity]:
    query = (
        select(ExternalActivity)
        .where(ExternalActivity.user_id == user_id)
        .order_by(ExternalActivity.created_at.desc(), ExternalActivity.id.desc())
    )
    return list(db.session.execute(query).scalars())


def activities_to_decide(actor: User) -> Select[ExternalActivity]:
    """Pending activities the actor may decide (``can_decide_activity``): their supervisees',
    their own organisation's learners' for managers (R49), everyone's for admins."""
    query = (
        select(ExternalActivity)
        .join(User, User.id == ExternalActivity.user_id)
        .where(ExternalActivity.status == PENDING, ExternalActivity.user_id != actor.id)
        .options(joinedload(ExternalActivity.user))
        .order_by(ExternalActivity.created_at, ExternalActivity.id)
    )
    return query.where(people_visible_to(actor))


# The home page's next actions: each a fixed number of statements, whatever the data.


def resubmissions_of(user_id: int) -> list[Application]:
    """The learner's applications whose workbook an assessor sent back to be resubmitted."""
    query = (
        select(Application)
        .where(Application.user_id == user_id, Application.status == RESUBMISSION_REQUESTED)
        .options(joinedload(Application.level))
        .order_by(Application.id)
    )
    return list(db.session.execute(query).scalars())


def activities_to_decide_count(actor: User) -> int:
    """How many CPD activities wait for ``actor``'s decision (``activities_to_decide``)."""
    inner = activities_to_decide(actor).order_by(None).with_only_columns(ExternalActivity.id)
    return int(db.session.execute(select(func.count()).select_from(inner.subquery())).scalar_one())


def clock_starts(
    people: Sequence[User],
) -> list[tuple[User, AccreditationLevel, dt.date]]:
    """Where the level clocks of ``people`` started, in three statements however many
    people and levels: the rule of ``services.clock.people_on_the_clock`` for a few people
    (an open application's start, else the first completion of an entry course for an IFST
    member; none once the level is achieved; active accounts only). The caller turns each
    start into a ``Clock`` with ``services.applications.level_clock``."""
    ids = [person.id for person in people if person.active]
    levels = {
        level.id: level
        for level in db.session.execute(
            select(AccreditationLevel)
            .where(
                AccreditationLevel.is_active.is_(True),
                (AccreditationLevel.due_after_months.is_not(None))
                | (AccreditationLevel.overdue_after_months.is_not(None)),
            )
            .order_by(AccreditationLevel.number, AccreditationLevel.id)
        ).scalars()
    }
    entry = (
        select(
            Completion.user_id, level_entry_courses.c.level_id, func.min(Completion.completed_on)
        )
        .join(level_entry_courses, level_entry_courses.c.course_id == Completion.course_id)
        .where(Completion.user_id.in_(ids), level_entry_courses.c.level_id.in_(list(levels)))
        .group_by(Completion.user_id, level_entry_courses.c.level_id)
    )
    started = {(uid, lid): day for uid, lid, day in db.session.execute(entry)}
    open_starts: dict[tuple[int, int], dt.date | None] = {}
    achieved: set[tuple[int, int]] = set()
    for application in db.session.execute(
        select(Application).where(
            Application.user_id.in_(ids),
            Application.level_id.in_(list(levels)),
            Application.status.in_((*OPEN_STATUSES, ACHIEVED)),
        )
    ).scalars():
        key = (application.user_id, application.level_id)
        if application.status == ACHIEVED:
            achieved.add(key)
        else:
            open_starts[key] = application.clock_started_on
    found = []
    for person in people:
        if not person.active:
            continue
        for level in levels.values():
            key = (person.id, level.id)
            if key in achieved or (key not in open_starts and not person.ifst_member):
                continue
            start = open_starts.get(key) or started.get(key)
            if start is not None:
                found.append((person, level, start))
    return found
