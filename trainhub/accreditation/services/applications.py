"""Applying for a level: eligibility, the recommended level, the clock, workbooks, submission."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub.accreditation.models import (
    ACHIEVED,
    EDITABLE_STATUSES,
    IN_PROGRESS,
    OPEN_STATUSES,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    WITHDRAWN,
    AccreditationLevel,
    Application,
    ApplicationEvent,
    Workbook,
)
from trainhub.accreditation.services import notices
from trainhub.accreditation.services.dates import add_months
from trainhub.accreditation.services.files import receive_upload, store_checked
from trainhub.auth.models import User
from trainhub.courses.models import Completion, Course, local_today
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.uploads import DOCUMENTS, Upload

log = logging.getLogger(__name__)

ClockState = Literal["on_track", "due", "overdue", "achieved"]


@dataclass(frozen=True)
class Clock:
    """How long a learner has been working towards a level since completing its entry course."""

    started_on: dt.date
    due_on: dt.date | None
    #: Overdue on the day after this one.
    overdue_after: dt.date | None
    state: ClockState


def level_clock(
    level: AccreditationLevel,
    started_on: dt.date | None,
    achieved: bool = False,
    today: dt.date | None = None,
) -> Clock | None:
    """The level's clock from ``started_on``; None without a clock or before it starts."""
    if not level.has_clock or started_on is None:
        return None
    today = today or local_today()
    due = add_months(started_on, level.due_after_months) if level.due_after_months else None
    overdue = (
        add_months(started_on, level.overdue_after_months) if level.overdue_after_months else None
    )
    state: ClockState = "on_track"
    if achieved:
        state = "achieved"
    elif overdue is not None and today > overdue:
        state = "overdue"
    elif due is not None and today >= due:
        state = "due"
    return Clock(started_on, due, overdue, state)


@dataclass(frozen=True)
class Eligibility:
    level: AccreditationLevel
    #: The entry courses, any one of which would open the level (empty when none is needed).
    missing: Sequence[Course]
    #: When the learner completed an entry course (the start of the level's clock).
    entry_completed_on: dt.date | None

    @property
    def eligible(self) -> bool:
        return not self.missing

    def refusal(self) -> str:
        """What the learner must do first, naming the course(s)."""
        if len(self.missing) == 1:
            return _(
                "Level %(n)d needs %(course)s completed first",
                n=self.level.number,
                course=self.missing[0].title,
            )
        return _(
            "Level %(n)d needs one of these courses completed first: %(courses)s",
            n=self.level.number,
            courses=_(" or ").join(c.title for c in self.missing),
        )


def completions_of(user: User) -> dict[int, dt.date]:
    """Course id → completion date for everything the learner has completed."""
    query = select(Completion.course_id, Completion.completed_on).where(
        Completion.user_id == user.id
    )
    return {course_id: day for course_id, day in db.session.execute(query)}


def eligibility(
    user: User, level: AccreditationLevel, completed: dict[int, dt.date] | None = None
) -> Eligibility:
    """Whether ``user`` may apply for ``level``: an entry course (or an equivalent) completed."""
    if not level.entry_courses:
        return Eligibility(level, (), None)
    completed = completions_of(user) if completed is None else completed
    dates = [completed[c.id] for c in level.entry_courses if c.id in completed]
    if dates:
        return Eligibility(level, (), min(dates))
    return Eligibility(level, tuple(level.entry_courses), None)


def recommended_level(
    user: User, levels: Iterable[AccreditationLevel]
) -> AccreditationLevel | None:
    """The level the learner's role points to (R23): IFST → 6, family support → 3, others → 2.

    Levels are data, so when the exact number is not offered the nearest one below it is
    recommended (or the lowest there is).
    """
    offered = sorted((lvl for lvl in levels if lvl.is_active), key=lambda lvl: lvl.number)
    if not offered:
        return None
    target = 6 if user.ifst_member else 3 if user.supplies_family_support else 2
    below = [lvl for lvl in offered if lvl.number <= target]
    return below[-1] if below else offered[0]


def record_event(
    application: Application,
    actor: User | None,
    kind: str,
    to_status: str | None = None,
    note: str = "",
) -> ApplicationEvent:
    """Append to the audit trail, moving the status when ``to_status`` is given."""
    event = ApplicationEvent(
        application=application,
        actor_id=actor.id if actor else None,
        kind=kind,
        from_status=application.status,
        to_status=to_status,
        note=note,
    )
    if to_status is not None:
        application.status = to_status
    db.session.add(event)
    return event


def lock_application(application: Application) -> Application:
    """Take the row lock before deciding anything about an application, then re-read it."""
    db.session.execute(
        select(Application.id).where(Application.id == application.id).with_for_update()
    )
    db.session.refresh(application)
    return application


def open_application(user: User) -> Application | None:
    """The learner's application still in progress or with the assessors, if any."""
    query = select(Application).where(
        Application.user_id == user.id, Application.status.in_(OPEN_STATUSES)
    )
    return db.session.execute(query.limit(1)).scalar_one_or_none()


def holds_level(user: User, level: AccreditationLevel) -> bool:
    """Whether the learner has been awarded ``level``."""
    query = select(Application.id).where(
        Application.user_id == user.id,
        Application.level_id == level.id,
        Application.status == ACHIEVED,
    )
    return db.session.execute(query.limit(1)).first() is not None


def start_application(actor: User, level: AccreditationLevel) -> Application:
    """A learner applies for one level (R22): one open application at a time, entry course done.

    :raises ValidationFailed: on ``level_id`` when the level is closed, the learner has an
        open application or holds the level, or is not eligible yet.
    """
    # One open application per learner: decide under the learner's row lock.
    db.session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    if not level.is_active:
        raise ValidationFailed(
            "level_id", _("Level %(n)d is not open for applications", n=level.number)
        )
    current = open_application(actor)
    if current is not None:
        raise ValidationFailed(
            "level_id",
            _(
                "You already have an application for Level %(n)d: finish or withdraw it before "
                "you apply for another level",
                n=current.level.number,
            ),
        )
    if holds_level(actor, level):
        raise ValidationFailed("level_id", _("You already hold Level %(n)d", n=level.number))
    check = eligibility(actor, level)
    if not check.eligible:
        raise ValidationFailed("level_id", check.refusal())
    # No status yet: the "started" event records the move from nothing to in progress.
    application = Application(
        user=actor,
        level=level,
        clock_started_on=check.entry_completed_on if level.has_clock else None,
    )
    db.session.add(application)
    record_event(application, actor, "started", IN_PROGRESS)
    db.session.flush()
    log.info(
        "User %s applied for level %s (application %s)", actor.id, level.number, application.id
    )
    return application


def _require_editable(application: Application) -> None:
    if application.status not in EDITABLE_STATUSES:
        raise ValidationFailed(
            "file",
            _(
                "This application is with the assessors: you can add a new version if "
                "they ask for one"
            ),
        )


def upload_workbook(
    actor: User, application: Application, upload: Upload | None, anonymised: bool
) -> Workbook:
    """Add a new version of the learner's workbook; nothing is stored unless every check passes.

    :raises PermissionDenied: when ``actor`` is not the learner.
    :raises ValidationFailed: on ``file`` when the application is with the assessors, on
        ``anonymised`` when not confirmed; for the file itself as ``receive_upload``.
    """
    if actor.id != application.user_id:
        raise PermissionDenied(_("Only the learner can add workbooks to an application"))
    _require_editable(application)
    if not anonymised:
        raise ValidationFailed(
            "anonymised",
            _("Confirm that the case material in the workbook is anonymised"),
        )
    # Checked, counted and scanned before the lock: a scan may take seconds.
    checked = receive_upload(actor, upload, DOCUMENTS)
    lock_application(application)
    _require_editable(application)  # again, under the lock: a submit may have just landed
    latest = db.session.execute(
        select(func.max(Workbook.version)).where(Workbook.application_id == application.id)
    ).scalar()
    workbook = Workbook(
        application=application,
        version=(latest or 0) + 1,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_key=checked.sha256,  # files are named by their SHA-256
        anonymised_confirmed=True,
        uploaded_by_id=actor.id,
    )
    db.session.add(workbook)
    record_event(
        application,
        actor,
        "workbook_uploaded",
        note=_("Version %(v)d: %(name)s", v=workbook.version, name=workbook.filename),
    )
    db.session.flush()
    # The rows first: a database that refuses them leaves no file behind.
    store_checked(checked)
    return workbook


def submit_application(actor: User, application: Application) -> Application:
    """Send the workbook to the assessors (again, after a resubmission request).

    :raises PermissionDenied: when ``actor`` is not the learner.
    :raises ValidationFailed: on ``submit`` when already submitted, with no workbook, or with no
        new version since a resubmission was asked for.
    """
    if actor.id != application.user_id:
        raise PermissionDenied(_("Only the learner can submit their application"))
    lock_application(application)
    if application.status not in EDITABLE_STATUSES:
        raise ValidationFailed("submit", _("This application has already been submitted"))
    latest = application.workbooks[-1] if application.workbooks else None
    if latest is None:
        raise ValidationFailed("submit", _("Upload your workbook before you submit"))
    if application.status == RESUBMISSION_REQUESTED:
        # Ordered by the audit trail, not by clocks: two timestamps can tie or go backwards.
        asked = max(
            (e.id for e in application.events if e.to_status == RESUBMISSION_REQUESTED),
            default=None,
        )
        uploaded = max(
            (e.id for e in application.events if e.kind == "workbook_uploaded"), default=None
        )
        if asked is not None and (uploaded is None or uploaded < asked):
            raise ValidationFailed(
                "submit", _("Upload a new version of your workbook before you submit it again")
            )
    application.submitted_at = utcnow()
    record_event(application, actor, "submitted", SUBMITTED)
    db.session.flush()
    notices.submission_received(application)
    return application


def withdraw_application(actor: User, application: Application, reason: str) -> Application:
    """The learner (or an admin) stops an open application; everything about it is kept.

    :raises PermissionDenied: when ``actor`` is neither the learner nor an administrator.
    :raises ValidationFailed: on ``reason`` when the application is already closed.
    """
    if actor.id != application.user_id and not actor.is_admin:
        raise PermissionDenied(
            _("Only the learner or an administrator can withdraw an application")
        )
    lock_application(application)
    if application.status not in OPEN_STATUSES:
        raise ValidationFailed("reason", _("This application is closed already"))
    application.closed_at = utcnow()
    record_event(application, actor, "withdrawn", WITHDRAWN, " ".join(reason.split()))
    db.session.flush()
    return application
