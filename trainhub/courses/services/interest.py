"""Register interest: learners ask to hear when a course has dates; publishing a cohort
tells them once; trainers and managers read the demand when planning the next year.

An interest is told once, by the first published open cohort of its course in a language
that suits it (a bilingual cohort suits both), and is then closed: it stays on the
learner's list as "told", and the next cohort does not tell them again unless they ask
again. The area is where they would like to train, for planning: venues record no area,
so it does not decide who is told.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import selectinload

from trainhub.auth.choices import LOCAL_AUTHORITIES
from trainhub.auth.models import User
from trainhub.auth.permissions import people_visible_to
from trainhub.courses.models import INTEREST_LANGUAGES, Cohort, Course, CourseInterest
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mails

log = logging.getLogger(__name__)


def register_interest(
    actor: User, course: Course, local_authority: str | None, language: str | None
) -> CourseInterest:
    """Ask to hear when ``course`` has dates; asking again while an interest is open changes
    its area and language instead of adding a second one.

    :raises ValidationFailed: on ``local_authority`` or ``language`` when not one of the
        choices.
    :raises ConflictError: when the course is withdrawn from the catalogue.
    """
    local_authority = local_authority or None
    language = language or None
    if local_authority is not None and local_authority not in LOCAL_AUTHORITIES:
        raise ValidationFailed("local_authority", _("Choose an area from the list"))
    if language is not None and language not in INTEREST_LANGUAGES:
        raise ValidationFailed("language", _("Choose English, Welsh or either"))
    if not course.published:
        raise ConflictError(_("This course is no longer offered"))
    interest = db.session.execute(
        select(CourseInterest).where(
            CourseInterest.user_id == actor.id,
            CourseInterest.course_id == course.id,
            CourseInterest.told_at.is_(None),
        )
    ).scalar_one_or_none()
    if interest is None:
        interest = CourseInterest(user_id=actor.id, course_id=course.id)
        db.session.add(interest)
    interest.local_authority = local_authority
    interest.language = language
    db.session.flush()
    log.info("User %s registered interest in course %s", actor.id, course.id)
    return interest


def withdraw_interest(actor: User, interest: CourseInterest) -> None:
    """The learner removes an interest from their list (open or told).

    :raises PermissionDenied: when the interest is someone else's.
    """
    if interest.user_id != actor.id:
        raise PermissionDenied(_("This is someone else's interest"))
    db.session.delete(interest)
    db.session.flush()


def open_interest(user: User, course: Course) -> CourseInterest | None:
    """The user's open interest in ``course``, if any (for the course page's wording)."""
    return db.session.execute(
        select(CourseInterest).where(
            CourseInterest.user_id == user.id,
            CourseInterest.course_id == course.id,
            CourseInterest.told_at.is_(None),
        )
    ).scalar_one_or_none()


def interests_of(user: User) -> Select[tuple[CourseInterest]]:
    """The user's interests, open first, newest first, with their course and told cohort."""
    return (
        select(CourseInterest)
        .where(CourseInterest.user_id == user.id)
        .order_by(CourseInterest.told_at.is_not(None), CourseInterest.created_at.desc())
        .options(selectinload(CourseInterest.course), selectinload(CourseInterest.told_cohort))
    )


def _suits(cohort: Cohort) -> list[str]:
    return (
        list(INTEREST_LANGUAGES)
        if cohort.delivery_language == "bilingual"
        else [cohort.delivery_language]
    )


def tell_interested(cohort: Cohort) -> int:
    """Tell everyone with an open interest in the course that ``cohort`` has dates (one
    e-mail each, in one INSERT) and close their interests; returns how many were told.
    A closed (partner) cohort or one recorded from records tells nobody."""
    if cohort.is_closed or cohort.recorded:
        return 0
    query = (
        select(CourseInterest)
        .join(User, User.id == CourseInterest.user_id)
        .where(
            CourseInterest.course_id == cohort.course_id,
            CourseInterest.told_at.is_(None),
            User.active.is_(True),
            or_(CourseInterest.language.is_(None), CourseInterest.language.in_(_suits(cohort))),
        )
        .options(selectinload(CourseInterest.user))
    )
    interests = list(db.session.execute(query).scalars())
    if not interests:
        return 0
    link = external_url("courses.cohort_detail", cohort_id=cohort.id)
    context = {"cohort": cohort, "link": link}
    told = queue_templated_mails(
        "interest_dates",
        [
            (i.user, lambda: _("New dates: %(title)s", title=cohort.course.shown_title), context)
            for i in interests
        ],
    )
    db.session.execute(
        update(CourseInterest)
        .where(CourseInterest.id.in_([i.id for i in interests]))
        .values(told_at=utcnow(), told_cohort_id=cohort.id)
        .execution_options(synchronize_session=False)
    )
    for interest in interests:
        db.session.expire(interest)
    log.info("Cohort %s published: %d interested learners told", cohort.id, told)
    return told


@dataclass
class DemandRow:
    """The open interests in one course from one area (None: anywhere)."""

    course: Course
    local_authority: str | None
    total: int
    english: int
    welsh: int
    either: int
    #: The people the reader may see by name (``people_visible_to``), by name.
    names: list[str] = field(default_factory=list)

    @property
    def area_label(self) -> str:
        if self.local_authority is None:
            return _("Anywhere")
        return str(LOCAL_AUTHORITIES.get(self.local_authority, self.local_authority))


def demand(reader: User) -> list[DemandRow]:
    """Open interests per course and area, by course title then area: counts for everyone
    who plans, and names only of the people ``reader`` may see. Two statements."""
    counts = (
        select(
            CourseInterest.course_id,
            CourseInterest.local_authority,
            func.count(CourseInterest.id),
            func.count(case((CourseInterest.language == "en", 1))),
            func.count(case((CourseInterest.language == "cy", 1))),
        )
        .where(CourseInterest.told_at.is_(None))
        .group_by(CourseInterest.course_id, CourseInterest.local_authority)
    ).subquery()
    rows = db.session.execute(
        select(Course, counts)
        .join(counts, counts.c.course_id == Course.id)
        .order_by(Course.title, Course.id)
    ).all()
    named: dict[tuple[int, str | None], list[str]] = defaultdict(list)
    for course_id, area, name in db.session.execute(
        select(CourseInterest.course_id, CourseInterest.local_authority, User.full_name)
        .join(User, User.id == CourseInterest.user_id)
        .where(CourseInterest.told_at.is_(None), people_visible_to(reader, User))
        .order_by(User.full_name)
    ):
        named[(course_id, area)].append(name)
    result = []
    for course, _course_id, area, total, english, welsh in rows:
        result.append(
            DemandRow(
                course=course,
                local_authority=area,
                total=total,
                english=english,
                welsh=welsh,
                either=total - english - welsh,
                names=named.get((course.id, area), []),
            )
        )
    result.sort(
        key=lambda r: (r.course.title, r.course.id, r.local_authority is None, r.area_label)
    )
    return result
