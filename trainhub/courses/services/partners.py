"""Closed cohorts for a partner: its learner list, split evenly over its cohorts (R10)."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub.auth.models import User
from trainhub.auth.services import check_email, invite_learner
from trainhub.courses import permissions
from trainhub.courses.models import ACTIVE_STATUSES, Booking, Cohort
from trainhub.courses.queries import places_held
from trainhub.courses.services.booking import book_place, overlaps
from trainhub.courses.services.scheduling import lock_cohort, split_evenly
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

log = logging.getLogger(__name__)

MAX_ROWS = 2000


@dataclass
class PartnerImport:
    #: Cohort id → people booked onto it, in file order.
    placed: dict[int, list[User]] = field(default_factory=dict)
    created: list[User] = field(default_factory=list)
    matched: list[User] = field(default_factory=list)
    #: Already booked (or waiting) on a cohort of the course: left where they are.
    skipped: list[User] = field(default_factory=list)


def _read(text: str) -> list[tuple[int, str, str]]:
    """(line, email, full name) rows; every problem raised with its line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {(h or "").strip().lower() for h in reader.fieldnames or []}
    if "email" not in headers:
        raise ValidationFailed("file", _("The first line must name the columns: email, full_name"))
    rows: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        try:
            email = check_email(row.get("email", ""))
        except ValidationFailed as error:
            raise ValidationFailed(
                "file", _("Line %(line)d: %(problem)s", line=line, problem=error.message)
            ) from error
        if email in seen:
            raise ValidationFailed(
                "file", _("Line %(line)d: %(email)s is listed twice", line=line, email=email)
            )
        seen.add(email)
        rows.append((line, email, row.get("full_name", "") or row.get("name", "")))
        if len(rows) > MAX_ROWS:
            raise ValidationFailed("file", _("Upload at most %(n)d people at a time", n=MAX_ROWS))
    if not rows:
        raise ValidationFailed("file", _("The file has no learners in it"))
    return rows


def import_partner_learners(actor: User, cohorts: list[Cohort], text: str) -> PartnerImport:
    """Match or create an account for each line and book them, split evenly over ``cohorts``.

    Everything is checked first: nothing is written if any line is wrong or a cohort
    has too few free places for its share.

    :raises PermissionDenied: when ``actor`` cannot manage one of the cohorts.
    :raises ValidationFailed: on ``cohort_ids`` (none, mixed, unpublished, too few places) or
        ``file`` (a bad line, a missing name, an overlap, a booking refused).
    """
    if not cohorts:
        raise ValidationFailed("cohort_ids", _("Choose at least one cohort"))
    partner_ids = {c.partner_organisation_id for c in cohorts}
    if None in partner_ids or len(partner_ids) != 1 or len({c.course_id for c in cohorts}) != 1:
        raise ValidationFailed(
            "cohort_ids", _("Choose closed cohorts of the same course for the same partner")
        )
    for cohort in cohorts:
        if not permissions.can_manage_cohort(actor, cohort):
            raise PermissionDenied(_("You cannot book people onto this cohort"))
        if cohort.status != "published":
            raise ValidationFailed("cohort_ids", _("Publish “%(title)s” first", title=cohort.title))
    rows = _read(text)
    emails = [email for _line, email, _name in rows]
    existing = {
        u.email: u
        for u in db.session.execute(
            select(User).where(func.lower(User.email).in_(emails))
        ).scalars()
    }
    for line, email, name in rows:
        if email not in existing and not name:
            raise ValidationFailed(
                "file",
                _(
                    "Line %(line)d: give the full name of %(email)s, who has no account yet",
                    line=line,
                    email=email,
                ),
            )
    # Whoever already holds or seeks a place on a cohort of this course keeps it: sending
    # the list again (with a few names added) books only the newcomers.
    already = set(
        db.session.execute(
            select(Booking.user_id)
            .join(Cohort)
            .where(
                Cohort.course_id == cohorts[0].course_id,
                Booking.user_id.in_([u.id for u in existing.values()]),
                Booking.status.in_(ACTIVE_STATUSES),
            )
        ).scalars()
    )
    result = PartnerImport()
    to_place = []
    for line, email, name in rows:
        user = existing.get(email)
        if user is not None and user.id in already:
            result.skipped.append(user)
        else:
            to_place.append((line, email, name))
    cohorts = sorted(cohorts, key=lambda c: (c.first_day, c.id))
    shares = split_evenly(len(to_place), len(cohorts))
    for cohort in cohorts:
        lock_cohort(cohort.id)
    for cohort, share in zip(cohorts, shares, strict=True):
        free = cohort.places_left(places_held(cohort.id))
        if share > free:
            raise ValidationFailed(
                "cohort_ids",
                _(
                    "“%(title)s” has %(free)d free places but would get %(share)d people",
                    title=cohort.title,
                    free=free,
                    share=share,
                ),
            )
    plan: list[tuple[Cohort, int, str, str]] = []
    start = 0
    for cohort, share in zip(cohorts, shares, strict=True):
        plan += [(cohort, *row) for row in to_place[start : start + share]]
        start += share
    for cohort, line, email, _name in plan:
        user = existing.get(email)
        problems = overlaps(cohort, user) if user is not None else []
        if problems:
            raise ValidationFailed(
                "file", _("Line %(line)d: %(problem)s", line=line, problem=" ".join(problems))
            )
    partner_id = cohorts[0].partner_organisation_id
    for cohort in cohorts:
        result.placed[cohort.id] = []
    for cohort, line, email, name in plan:
        user = existing.get(email)
        if user is None:
            user = invite_learner(email, name, partner_id)
            result.created.append(user)
        else:
            result.matched.append(user)
        try:
            book_place(actor, cohort, user)
        except ConflictError as error:  # changed since the check: the caller rolls back
            raise ValidationFailed(
                "file", _("Line %(line)d: %(problem)s", line=line, problem=error.message)
            ) from error
        result.placed[cohort.id].append(user)
    people = [person for group in result.placed.values() for person in group]
    log.info(
        "Partner list of %d learners split over cohorts %s", len(people), [c.id for c in cohorts]
    )
    return result
