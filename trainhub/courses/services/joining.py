"""Joining instructions: what learners need before a cohort (what to bring, parking, access,
pre-reading), written by those who run it, with files checked and scanned like every upload.

The text is Markdown, shown with GOV.UK Frontend's classes: raw HTML is shown as text, there
are no pictures, and links lead only to the web or an e-mail address.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select

from trainhub import antivirus, markdown
from trainhub.auth.models import User
from trainhub.courses import permissions
from trainhub.courses.models import (
    PLACE_STATUSES,
    Booking,
    Cohort,
    JoiningFile,
    JoiningInstructions,
)
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.storage import storage
from trainhub.text import has_control_characters
from trainhub.uploads import EVIDENCE, Upload, check_upload

log = logging.getLogger(__name__)

#: The longest text the instructions may hold (some five printed pages).
MAX_TEXT = 10_000
#: Files a cohort's instructions may carry.
MAX_FILES = 10
#: The furthest ahead an early reminder may go, in days.
MAX_REMINDER_DAYS = 30
#: What a joining file may be: a document, or a picture (a map, a photo of the entrance).
FILE_TYPES = EVIDENCE

#: Headings in the instructions sit under the booking page's own.
_MD = markdown.govuk({}, ("h3", "govuk-heading-s"))


def render(text: str) -> Markup:
    """The instructions as safe HTML with GOV.UK Frontend's classes."""
    return markdown.render(_MD, text)


@dataclass(frozen=True)
class Joining:
    """A cohort's joining instructions as pages and messages show them."""

    text: str
    files: Sequence[JoiningFile]
    #: The early reminder's days before the first day, as set on the cohort (None: default).
    own_reminder_days: int | None

    @property
    def html(self) -> Markup:
        return render(self.text)

    @property
    def empty(self) -> bool:
        return not self.text.strip() and not self.files


def default_reminder_days() -> int:
    return int(current_app.config["COHORT_REMINDER_DAYS"] or 0)


def reminder_days(instructions: JoiningInstructions | None) -> int:
    """Days before the first day of the early reminder (0: none)."""
    if instructions is None or instructions.reminder_days is None:
        return default_reminder_days()
    return instructions.reminder_days


def joining_of(cohort_id: int) -> Joining:
    """The cohort's instructions and files (two queries)."""
    instructions = db.session.get(JoiningInstructions, cohort_id)
    files = db.session.execute(
        select(JoiningFile).where(JoiningFile.cohort_id == cohort_id).order_by(JoiningFile.id)
    ).scalars()
    return Joining(
        instructions.text if instructions else "",
        list(files),
        instructions.reminder_days if instructions else None,
    )


def _require_editable(actor: User, cohort: Cohort) -> None:
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(
            _("Only those who run this cohort can change its joining instructions")
        )
    if not cohort.is_live:
        raise ConflictError(
            _("A cancelled or completed cohort's joining instructions cannot be changed.")
        )


def save_instructions(
    actor: User, cohort: Cohort, text: str, days: int | None
) -> JoiningInstructions:
    """Write the cohort's instructions and its early reminder's days (None: the default).

    :raises PermissionDenied: when ``actor`` does not run the cohort.
    :raises ConflictError: when the cohort is cancelled or completed.
    :raises ValidationFailed: on ``text`` (too long, control characters) or
        ``reminder_days`` (outside 0 to ``MAX_REMINDER_DAYS``).
    """
    _require_editable(actor, cohort)
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            "text",
            _("Joining instructions must be %(num)d characters or fewer", num=MAX_TEXT),
        )
    if has_control_characters(text, multiline=True):
        raise ValidationFailed("text", _("Joining instructions cannot contain control characters"))
    if days is not None and not 0 <= days <= MAX_REMINDER_DAYS:
        raise ValidationFailed(
            "reminder_days",
            _("Enter a number of days from 0 to %(num)d", num=MAX_REMINDER_DAYS),
        )
    instructions = db.session.get(JoiningInstructions, cohort.id)
    if instructions is None:
        instructions = JoiningInstructions(cohort_id=cohort.id)
        db.session.add(instructions)
    instructions.text = text
    instructions.reminder_days = days
    instructions.updated_by_id = actor.id
    db.session.flush()
    log.info("Joining instructions of cohort %s saved by user %s", cohort.id, actor.id)
    return instructions


def add_file(actor: User, cohort: Cohort, upload: Upload | None) -> JoiningFile:
    """Attach a file to the cohort's joining instructions: checked, then scanned for viruses,
    then kept (the row first: a database that refuses it leaves no file behind).

    :raises PermissionDenied: when ``actor`` does not run the cohort.
    :raises ConflictError: when the cohort is cancelled or completed.
    :raises ValidationFailed: on ``file``: missing, empty, too large, not an allowed type,
        infected or not scannable, or one too many.
    """
    _require_editable(actor, cohort)
    held = db.session.execute(
        select(func.count()).where(JoiningFile.cohort_id == cohort.id)
    ).scalar_one()
    if held >= MAX_FILES:
        raise ValidationFailed(
            "file",
            _("A cohort can have up to %(num)d joining files. Remove one first.", num=MAX_FILES),
        )
    checked = check_upload(upload, FILE_TYPES, current_app.config["UPLOAD_MAX_BYTES"])
    antivirus.scan(checked.data)
    row = JoiningFile(
        cohort_id=cohort.id,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        storage_key=checked.sha256,  # files are named by their SHA-256
        uploaded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    key = storage().save(checked.data)
    if key != checked.sha256:  # a storage that names files otherwise would lose them
        raise RuntimeError(f"storage key {key} is not the file's SHA-256 {checked.sha256}")
    log.info("Joining file %s added to cohort %s by user %s", row.id, cohort.id, actor.id)
    return row


def remove_file(actor: User, cohort: Cohort, joining_file: JoiningFile) -> str:
    """Take a file off the instructions; its name is returned for the message. The bytes
    stay in the content-addressed store, where other records may hold the same file."""
    _require_editable(actor, cohort)
    name = joining_file.filename
    db.session.delete(joining_file)
    db.session.flush()
    log.info(
        "Joining file %s removed from cohort %s by user %s", joining_file.id, cohort.id, actor.id
    )
    return name


def may_open_files(user: User, cohort: Cohort) -> bool:
    """Those who run the cohort, and anyone holding a place on it (offered, booked, or
    attended): nobody else, not even someone on its waiting list."""
    if permissions.can_manage_cohort(user, cohort):
        return True
    held = select(Booking.id).where(
        Booking.cohort_id == cohort.id,
        Booking.user_id == user.id,
        Booking.status.in_(PLACE_STATUSES),
    )
    return db.session.execute(held.limit(1)).first() is not None
