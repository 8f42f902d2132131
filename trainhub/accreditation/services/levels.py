"""Level rules: the seed, and admin changes that keep outcomes in order."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from trainhub import bilingual
from trainhub.accreditation.models import AccreditationLevel, LevelOutcome
from trainhub.accreditation.models.levels import MAX_LEVEL_TITLE
from trainhub.accreditation.seed_data import LEVELS, LevelData
from trainhub.courses.catalogue_data import COURSES, CourseData
from trainhub.courses.models import Course
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db

if TYPE_CHECKING:
    from trainhub.auth.models import User

log = logging.getLogger(__name__)


@dataclass
class LevelInput:
    number: int
    title: str
    outcomes: list[str]
    description: str = ""
    accrediting_body: str = ""
    credit_value: Decimal | None = None
    is_active: bool = True
    course_ids: set[int] = field(default_factory=set)
    #: Completing any one of these opens the level (the core, or an admin's equivalent).
    entry_course_ids: set[int] = field(default_factory=set)
    cpd_hours: Decimal | None = None
    requires_verification: bool = False
    due_after_months: int | None = None
    overdue_after_months: int | None = None
    #: The Welsh beside the English (trainhub.bilingual): "" is no Welsh yet.
    title_cy: str = ""
    #: The Welsh of each outcome, by position: "" where it is not written yet.
    outcomes_cy: list[str] = field(default_factory=list)
    description_cy: str = ""


def save_level(
    actor: User, level: AccreditationLevel | None, data: LevelInput
) -> AccreditationLevel:
    """Create (``level`` None) or change a level. Unchanged outcomes keep their identity.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on the field at fault (number taken or out of range, title,
        outcomes empty or repeated, overdue months not after due months, an event as an
        entry course).
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accreditation levels"))
    query = select(AccreditationLevel.id).where(AccreditationLevel.number == data.number)
    if level is not None:
        query = query.where(AccreditationLevel.id != level.id)
    if db.session.execute(query).first() is not None:
        raise ValidationFailed("number", _("There is already a level with this number"))
    title = " ".join(data.title.split())
    if not title or len(title) > MAX_LEVEL_TITLE:
        raise ValidationFailed(
            "title",
            _("Enter a level title of %(max)d characters or fewer", max=MAX_LEVEL_TITLE),
        )
    if not 1 <= data.number <= 12:
        raise ValidationFailed("number", _("The level number must be between 1 and 12"))
    outcomes = [" ".join(text.split()) for text in data.outcomes if text.strip()]
    if not outcomes:
        raise ValidationFailed("outcomes", _("Enter at least one learning outcome"))
    if len(set(outcomes)) != len(outcomes):
        raise ValidationFailed("outcomes", _("Each learning outcome must be different"))
    title_cy = " ".join(data.title_cy.split())
    if len(title_cy) > MAX_LEVEL_TITLE:
        raise ValidationFailed(
            "title_cy",
            _(
                "Enter a Welsh level title of %(max)d characters or fewer, or leave it empty",
                max=MAX_LEVEL_TITLE,
            ),
        )
    outcomes_cy = [" ".join(text.split()) for text in data.outcomes_cy]
    while outcomes_cy and not outcomes_cy[-1]:
        outcomes_cy.pop()
    if len(outcomes_cy) > len(outcomes):
        raise ValidationFailed(
            "outcomes_cy",
            _(
                "There are more Welsh lines than learning outcomes: write one line for each "
                "outcome, in the same order"
            ),
        )
    due, overdue = data.due_after_months, data.overdue_after_months
    if overdue is not None and due is not None and overdue <= due:
        raise ValidationFailed(
            "overdue_after_months",
            _("The months until overdue must be more than the months until due"),
        )
    entry_courses = _courses(data.entry_course_ids)
    # Checked for those added (a level set up before this rule still saves other edits).
    before = {course.id for course in level.entry_courses} if level is not None else set()
    if any(course.is_event and course.id not in before for course in entry_courses):
        raise ValidationFailed(
            "entry_course_ids",
            _(
                "An event is never completed, so completing it cannot open a level: choose "
                "courses only"
            ),
        )
    if level is None:
        level = AccreditationLevel(number=data.number)
        db.session.add(level)
    level.number = data.number
    level.title = title
    level.description = data.description.strip()
    level.accrediting_body = data.accrediting_body.strip()
    level.credit_value = data.credit_value
    level.is_active = data.is_active
    level.cpd_hours = data.cpd_hours
    level.requires_verification = data.requires_verification
    level.due_after_months = due
    level.overdue_after_months = overdue
    level.title_cy = title_cy or None
    level.description_cy = (
        bilingual.fitted(data.description_cy, field="description_cy", one_line=False) or None
    )
    level.all_outcomes = _match_outcomes(level.all_outcomes, outcomes)
    for outcome in level.all_outcomes:
        if outcome.is_active:
            position = outcome.position - 1
            outcome.text_cy = (outcomes_cy[position] if position < len(outcomes_cy) else "") or None
    level.courses = _courses(data.course_ids)
    level.entry_courses = entry_courses
    db.session.flush()
    db.session.expire(level, ["outcomes"])
    log.info("Level %s saved by %s", level.number, actor.id)
    return level


#: The longest Welsh level title (as the English: room for "Lefel N: " on a certificate) and
#: learning outcome.
MAX_WELSH_TITLE = MAX_LEVEL_TITLE
MAX_WELSH_OUTCOME = 2000


def write_level_welsh(actor: User, changes: dict[str, str]) -> int:
    """Write a translator's Welsh of level titles and current learning outcomes
    (``{key: Welsh}``, "" clears it; keys ``levels:<id>:title``, ``levels:<id>:description``,
    ``level-outcomes:<id>:text``)
    in place, in two queries: every key is checked before any is written. Returns how many
    texts changed.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: naming the key: one trainhub does not have (or no longer has:
        a retired outcome), Welsh too long or on more than one line's worth of characters.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accreditation levels"))
    parsed: dict[str, tuple[str, int, str]] = {}
    for key in changes:
        parts = key.split(":")
        if (
            len(parts) != 3
            or not parts[1].isdigit()
            or (parts[0], parts[2])
            not in (
                ("levels", "title"),
                ("levels", "description"),
                ("level-outcomes", "text"),
            )
        ):
            raise ValidationFailed(key, _("%(key)s: trainhub has no such text", key=key))
        parsed[key] = (parts[0], int(parts[1]), parts[2])
    ids = {
        table: {i for t, i, _name in parsed.values() if t == table}
        for table in ("levels", "level-outcomes")
    }
    levels = {
        level.id: level
        for level in db.session.execute(
            select(AccreditationLevel).where(AccreditationLevel.id.in_(ids["levels"]))
        ).scalars()
    }
    outcomes = {
        outcome.id: outcome
        for outcome in db.session.execute(
            select(LevelOutcome).where(
                LevelOutcome.id.in_(ids["level-outcomes"]), LevelOutcome.is_active.is_(True)
            )
        ).scalars()
    }
    writes: list[tuple[AccreditationLevel | LevelOutcome, str, str]] = []
    for key, (table, row_id, name) in parsed.items():
        row: AccreditationLevel | LevelOutcome | None = (
            levels.get(row_id) if table == "levels" else outcomes.get(row_id)
        )
        if row is None:
            raise ValidationFailed(key, _("%(key)s: this text is no longer in trainhub", key=key))
        if name == "description":
            text = bilingual.fitted(changes[key], key=key, one_line=False)
        else:
            limit = MAX_WELSH_TITLE if table == "levels" else MAX_WELSH_OUTCOME
            text = bilingual.fitted(changes[key], limit, key=key)
        writes.append((row, f"{name}_cy", text))
    changed = 0
    for row, column, text in writes:
        if (getattr(row, column) or "") != text:
            setattr(row, column, text or None)
            changed += 1
    db.session.flush()
    log.info("Welsh of %d level texts written by %s", changed, actor.id)
    return changed


def _courses(ids: set[int]) -> list[Course]:
    if not ids:
        return []
    return list(db.session.execute(select(Course).where(Course.id.in_(ids))).scalars())


def _match_outcomes(old: list[LevelOutcome], texts: list[str]) -> list[LevelOutcome]:
    """Every outcome of the level, keeping each existing outcome's identity where it can.

    Judgements point at outcome ids, so an outcome whose text is unchanged keeps its row
    wherever it moves, and a reworded outcome (a typo fixed) keeps the row of the current
    outcome that stood at the same position. An outcome no longer listed is retired, not
    deleted: learners' sign-offs against it keep their meaning. A retired outcome listed
    again comes back.
    """
    current = [o for o in old if o.is_active]
    retired = [o for o in old if not o.is_active]
    unmatched = {o.text: o for o in current}
    revived = {o.text: o for o in retired}
    kept: list[LevelOutcome | None] = [
        unmatched.pop(text, None) or revived.pop(text, None) for text in texts
    ]
    by_position = {o.position: o for o in unmatched.values()}
    result = []
    for position, (text, outcome) in enumerate(zip(texts, kept, strict=True), start=1):
        if outcome is None:
            outcome = by_position.pop(position, None) or LevelOutcome()
            outcome.text = text
        outcome.position = position
        outcome.is_active = True
        result.append(outcome)
    for outcome in [*by_position.values(), *revived.values()]:
        outcome.is_active = False
        result.append(outcome)
    return result


def seed_levels(
    levels: Iterable[LevelData] = LEVELS, courses: Iterable[CourseData] = COURSES
) -> list[AccreditationLevel]:
    """Add the framework's levels that are missing, linked to the courses that teach them.

    Existing levels are left as they are. Run after the courses are seeded.
    """
    existing = {lvl.number: lvl for lvl in db.session.execute(select(AccreditationLevel)).scalars()}
    by_code = {c.code: c for c in db.session.execute(select(Course)).scalars()}
    added = []
    for entry in levels:
        if entry["number"] in existing:
            continue
        level = AccreditationLevel(
            number=entry["number"],
            title=entry["title"],
            accrediting_body=entry["accrediting_body"],
            due_after_months=entry["due_after_months"],
            overdue_after_months=entry["overdue_after_months"],
            all_outcomes=[
                LevelOutcome(position=i, text=text)
                for i, text in enumerate(entry["outcomes"], start=1)
            ],
            courses=[
                by_code[c["code"]]
                for c in courses
                if entry["number"] in c["level_numbers"] and c["code"] in by_code
            ],
            entry_courses=[
                by_code[code] for code in entry["entry_course_codes"] if code in by_code
            ],
        )
        db.session.add(level)
        added.append(level)
    db.session.flush()
    return added
