"""Receiving a person's uploaded file (workbook or CPD evidence): the checks of the file
itself, the person's daily allowance, then the virus scan, in that order, before anything
is stored or added to the session."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, literal, select, union_all

from trainhub import antivirus
from trainhub.accreditation.models import Application, ExternalActivity, Workbook
from trainhub.antivirus import ScannerUnavailable
from trainhub.auth.models import User
from trainhub.courses.models import LOCAL_TIME, local_today
from trainhub.errors import TrainhubError, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.storage import storage
from trainhub.uploads import CheckedFile, FileTooLarge, Upload, check_upload, megabytes

log = logging.getLogger(__name__)


class QuotaExceeded(ValidationFailed):
    """The person has uploaded all a day allows; views answer 429 with Retry-After."""

    def __init__(self, field: str, message: str, retry_after: int) -> None:
        super().__init__(field, message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class DayOfUploads:
    """What one person has uploaded today (midnight to midnight in Wales)."""

    files: int
    size: int


def day_bounds(today: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Today's midnight and tomorrow's in Wales, in UTC (a day is 23 or 25 hours long when
    the clocks change)."""
    today = today or local_today()
    start = dt.datetime.combine(today, dt.time(), tzinfo=LOCAL_TIME)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TIME)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def uploads_today(user: User) -> DayOfUploads:
    """Workbook versions and CPD evidence files ``user`` uploaded today, and their bytes.

    Counted from the rows themselves, so a refused file (nothing stored) never counts.
    """
    since, _until = day_bounds()
    workbooks = (
        select(Workbook.size.label("size"))
        # Through the learner's applications: indexed, where uploaded_by_id is not.
        .join(Application, Application.id == Workbook.application_id)
        .where(
            Application.user_id == user.id,
            Workbook.uploaded_by_id == user.id,
            Workbook.uploaded_at >= since,
        )
    )
    evidence = select(ExternalActivity.evidence_size.label("size")).where(
        ExternalActivity.user_id == user.id, ExternalActivity.created_at >= since
    )
    both = union_all(workbooks, evidence).subquery()
    files, size = db.session.execute(
        select(func.count(), func.coalesce(func.sum(both.c.size), literal(0)))
    ).one()
    return DayOfUploads(int(files), int(size))


def check_daily_quota(actor: User, size: int, field: str = "file") -> None:
    """Refuse a file of ``size`` bytes when the person's uploads today are at a limit
    (``UPLOAD_DAILY_FILES``, ``UPLOAD_DAILY_BYTES``; 0 is no limit).

    :raises QuotaExceeded: (a ``ValidationFailed``) on ``field``, with ``retry_after`` the
        seconds until midnight.
    """
    max_files = int(current_app.config["UPLOAD_DAILY_FILES"] or 0)
    max_bytes = int(current_app.config["UPLOAD_DAILY_BYTES"] or 0)
    if not max_files and not max_bytes:
        return
    done = uploads_today(actor)
    message = None
    if max_files and done.files >= max_files:
        message = _(
            "You have uploaded the most files allowed in a day (%(num)d). Try again tomorrow "
            "or ask your trainhub administrator.",
            num=max_files,
        )
    elif max_bytes and done.size + size > max_bytes:
        message = _(
            "This file would take your uploads today over the %(mb)s MB allowed in a day. "
            "Try again tomorrow or ask your trainhub administrator.",
            mb=megabytes(max_bytes),
        )
    if message is None:
        return
    log.warning(
        "Upload by user %s refused: %d files, %d bytes today already",
        actor.id,
        done.files,
        done.size,
    )
    _since, until = day_bounds()
    raise QuotaExceeded(field, message, max(1, math.ceil((until - utcnow()).total_seconds())))


def receive_upload(
    actor: User, upload: Upload | None, allowed: Mapping[str, str], field: str = "file"
) -> CheckedFile:
    """The file, checked, within the person's daily allowance and scanned for viruses.

    The order keeps the expensive step last: a file refused for its type or size, or by
    the allowance, is never sent to the scanner. Nothing is stored or added here.

    :raises ValidationFailed: on the file's field when it is missing, empty, too large
        (``FileTooLarge``), refused for what it holds (``UploadRefused``), infected or not
        scannable (``VirusFound``, ``ScannerUnavailable``), or over the daily allowance
        (``QuotaExceeded``).
    """
    checked = check_upload(upload, allowed, current_app.config["UPLOAD_MAX_BYTES"], field=field)
    check_daily_quota(actor, checked.size, field)
    antivirus.scan(checked.data, field)
    return checked


def store_checked(checked: CheckedFile) -> None:
    """Keep a received file's bytes, under the key its row already holds (its SHA-256).

    Called after the row is flushed, so a database that refuses the row leaves no file;
    the storage never overwrites, and the same bytes always get the same key.

    :raises RuntimeError: when the storage names the file otherwise (a misconfiguration).
    """
    key = storage().save(checked.data)
    if key != checked.sha256:  # a storage that names files otherwise would lose them
        raise RuntimeError(f"storage key {key} is not the file's SHA-256 {checked.sha256}")


def upload_limit_mb() -> str:
    """The limit as the refusal states it, so a form's hint and its error give one figure."""
    return megabytes(current_app.config["UPLOAD_MAX_BYTES"])


def refused_upload_status(error: TrainhubError | None) -> tuple[int, dict[str, str]]:
    """The status (and headers) of an upload form that comes back with ``error`` on it:
    413 too large, 429 over the daily allowance, 503 the scanner away, else 400."""
    if isinstance(error, FileTooLarge):
        return 413, {}
    if isinstance(error, QuotaExceeded):
        return 429, {"Retry-After": str(error.retry_after)}
    if isinstance(error, ScannerUnavailable):  # refused, never stored unscanned
        return 503, {"Retry-After": str(error.retry_after)}
    return 400, {}
