"""Reads for the data-protection lifecycle: everything held about one person (a fixed
number of statements whatever their history), and what the retention schedule finds due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from trainhub.accreditation.models import (
    ACHIEVED,
    AWAITING_VERIFICATION,
    SUBMITTED,
    WITHDRAWN,
    AccreditationLevel,
    Application,
    ApplicationEvent,
    Certificate,
    CpdEntry,
    ExternalActivity,
    LevelOutcome,
    OutcomeJudgement,
    Workbook,
)
from trainhub.audit import AuditEvent
from trainhub.auth.models import (
    ExternalIdentity,
    IdentityProvider,
    LineManager,
    Organisation,
    User,
    UserRole,
    UserSession,
)
from trainhub.courses.models import (
    AccessNeeds,
    Attendance,
    Booking,
    BookingEvent,
    Cohort,
    CohortDay,
    Completion,
    Course,
    FollowUpAttendance,
    FollowUpSession,
    JoiningFile,
)
from trainhub.extensions import db
from trainhub.feedback.models import FeedbackRequest
from trainhub.history.models import HistoryRecord
from trainhub.mail.models import OutboxMessage
from trainhub.privacy.models import Erasure, FileDeletion

#: Applications an assessor is deciding: erasing their owner needs a reason to force it.
BEING_ASSESSED = (SUBMITTED, AWAITING_VERIFICATION)
#: Decided applications: their workbooks fall under the evidence schedule.
DECIDED = (ACHIEVED, WITHDRAWN)


@dataclass
class StoredFile:
    """One uploaded file of the person's, for the export's files/ folder."""

    folder: str
    name: str
    key: str
    content_type: str
    size: int | None


@dataclass
class PersonData:
    """Every kind of record about a person, as JSON-ready rows, and their files."""

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[StoredFile] = field(default_factory=list)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is not None and type(value).__name__ == "Decimal":
        return str(value)
    return value


def _rows(statement: Any) -> list[dict[str, Any]]:
    return [
        {key: _iso(value) for key, value in row.items()}
        for row in db.session.execute(statement).mappings()
    ]


def person_data(person: User) -> PersonData:
    """What trainhub holds about ``person``: one statement per kind of record (12 in all),
    so the export costs the same for a learner with one booking as for one with a hundred.
    Never the anonymous feedback answers: nothing links them to a person."""
    data = PersonData()
    supervisor = aliased(User)
    line_manager = aliased(User)
    profile = _rows(
        select(
            User.id,
            User.email,
            User.full_name,
            User.job_title,
            Organisation.name.label("organisation"),
            User.sector,
            User.local_authority,
            User.professional_background,
            User.ifst_member,
            User.supplies_family_support,
            User.preferred_language,
            supervisor.full_name.label("supervisor"),
            func.coalesce(line_manager.full_name, LineManager.name).label("line_manager"),
            func.coalesce(line_manager.email, LineManager.email).label("line_manager_email"),
            User.active,
            User.email_confirmed,
            User.created_at,
            User.last_login_at,
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(supervisor, supervisor.id == User.supervisor_id)
        .outerjoin(LineManager, LineManager.user_id == User.id)
        .outerjoin(line_manager, line_manager.id == LineManager.manager_id)
        .where(User.id == person.id)
    )
    roles = select(UserRole.role).where(UserRole.user_id == person.id).order_by(UserRole.role)
    for row in profile:
        row["roles"] = list(db.session.execute(roles).scalars())
    data.records["profile"] = profile
    data.records["sign_ins"] = _rows(
        select(
            UserSession.created_at,
            UserSession.last_seen_at,
            UserSession.ended_at,
            UserSession.end_reason,
            UserSession.user_agent,
            UserSession.ip_address,
        )
        .where(UserSession.user_id == person.id)
        .order_by(UserSession.id)
    )
    data.records["work_accounts"] = _rows(
        select(
            IdentityProvider.display_name.label("sign_in_service"),
            ExternalIdentity.subject,
            ExternalIdentity.email,
            ExternalIdentity.created_at,
            ExternalIdentity.confirmed_at,
            ExternalIdentity.last_used_at,
        )
        .join(IdentityProvider, IdentityProvider.id == ExternalIdentity.provider_id)
        .where(ExternalIdentity.user_id == person.id)
        .order_by(ExternalIdentity.id)
    )
    data.records["bookings"] = _rows(
        select(
            Booking.id,
            Course.code.label("course_code"),
            Course.title.label("course"),
            Cohort.title.label("cohort"),
            Cohort.first_day,
            Cohort.last_day,
            Booking.status,
            Booking.cancel_reason,
            Booking.late_cancellation,
            Booking.created_at,
            Booking.updated_at,
        )
        .join(Cohort, Cohort.id == Booking.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Booking.user_id == person.id)
        .order_by(Booking.id)
    )
    data.records["booking_history"] = _rows(
        select(
            BookingEvent.booking_id,
            BookingEvent.action,
            BookingEvent.from_status,
            BookingEvent.to_status,
            BookingEvent.reason,
            BookingEvent.created_at,
        )
        .join(Booking, Booking.id == BookingEvent.booking_id)
        .where(Booking.user_id == person.id)
        .order_by(BookingEvent.id)
    )
    data.records["access_needs"] = _rows(
        select(
            AccessNeeds.booking_id,
            Cohort.title.label("cohort"),
            AccessNeeds.categories,
            AccessNeeds.details,
            AccessNeeds.created_at,
            AccessNeeds.updated_at,
        )
        .join(Booking, Booking.id == AccessNeeds.booking_id)
        .join(Cohort, Cohort.id == Booking.cohort_id)
        .where(Booking.user_id == person.id)
        .order_by(AccessNeeds.id)
    )
    data.records["attendance"] = _rows(
        select(
            Course.title.label("course"),
            Cohort.title.label("cohort"),
            CohortDay.day_number,
            CohortDay.date,
            Attendance.status,
            Attendance.minutes,
            Attendance.makeup,
            Attendance.recorded_at,
        )
        .join(CohortDay, CohortDay.id == Attendance.cohort_day_id)
        .join(Cohort, Cohort.id == CohortDay.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Attendance.user_id == person.id)
        .order_by(CohortDay.date, Attendance.id)
    )
    data.records["follow_up_attendance"] = _rows(
        select(
            Course.title.label("course"),
            Cohort.title.label("cohort"),
            FollowUpSession.title.label("session"),
            FollowUpSession.date,
            FollowUpAttendance.status,
            FollowUpAttendance.recorded_at,
        )
        .join(FollowUpSession, FollowUpSession.id == FollowUpAttendance.session_id)
        .join(Cohort, Cohort.id == FollowUpSession.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(FollowUpAttendance.user_id == person.id)
        .order_by(FollowUpSession.date, FollowUpAttendance.id)
    )
    data.records["completions"] = _rows(
        select(
            Course.code.label("course_code"),
            Course.title.label("course"),
            Completion.completed_on,
            Completion.recorded,
            Completion.created_at,
        )
        .join(Course, Course.id == Completion.course_id)
        .where(Completion.user_id == person.id)
        .order_by(Completion.completed_on)
    )
    _applications(person, data)
    _cpd(person, data)
    data.records["certificates"] = _rows(
        select(
            Certificate.code,
            Certificate.kind,
            Certificate.learner_name,
            Certificate.achievement,
            Certificate.awarded_on,
            Certificate.issuer,
            Certificate.hours,
            Certificate.credits,
            Certificate.issued_at,
            Certificate.status,
            Certificate.revoked_at,
            Certificate.revoked_reason,
        )
        .where(Certificate.user_id == person.id)
        .order_by(Certificate.id)
    )
    data.records["feedback_requests"] = _rows(
        select(
            Course.title.label("course"),
            Cohort.title.label("cohort"),
            FeedbackRequest.responded,
            FeedbackRequest.reminders_sent,
            FeedbackRequest.last_reminded_at,
            FeedbackRequest.created_at,
        )
        .join(Cohort, Cohort.id == FeedbackRequest.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(FeedbackRequest.user_id == person.id)
        .order_by(FeedbackRequest.id)
    )
    _history(person, data)
    # What they did about someone else: the action and date only, never that person's
    # details (the detail names them).
    about_someone_else = and_(
        AuditEvent.subject_id.is_not(None), AuditEvent.subject_id != person.id
    )
    data.records["audit"] = _rows(
        select(
            AuditEvent.action,
            case((about_someone_else, literal("")), else_=AuditEvent.detail).label("detail"),
            AuditEvent.created_at,
            (AuditEvent.actor_id == person.id).label("by_you"),
        )
        .where(or_(AuditEvent.actor_id == person.id, AuditEvent.subject_id == person.id))
        .order_by(AuditEvent.id)
    )
    return data


def _applications(person: User, data: PersonData) -> None:
    """Applications with their workbooks (one statement), judgements and events."""
    assessor = aliased(User)
    rows = db.session.execute(
        select(
            Application.id,
            AccreditationLevel.number.label("level"),
            AccreditationLevel.title.label("level_title"),
            Application.status,
            Application.clock_started_on,
            Application.created_at,
            Application.submitted_at,
            Application.achieved_on,
            Application.closed_at,
            Workbook.version,
            Workbook.filename,
            Workbook.content_type,
            Workbook.size,
            Workbook.storage_key,
            Workbook.uploaded_at,
        )
        .join(AccreditationLevel, AccreditationLevel.id == Application.level_id)
        .outerjoin(Workbook, Workbook.application_id == Application.id)
        .where(Application.user_id == person.id)
        .order_by(Application.id, Workbook.version)
    ).mappings()
    applications: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = applications.setdefault(
            row["id"],
            {
                key: _iso(row[key])
                for key in (
                    "id",
                    "level",
                    "level_title",
                    "status",
                    "clock_started_on",
                    "created_at",
                    "submitted_at",
                    "achieved_on",
                    "closed_at",
                )
            }
            | {"workbooks": []},
        )
        if row["version"] is not None:
            entry["workbooks"].append(
                {
                    "version": row["version"],
                    "filename": row["filename"],
                    "content_type": row["content_type"],
                    "size": row["size"],
                    "uploaded_at": _iso(row["uploaded_at"]),
                }
            )
        if row["version"] is not None and row["storage_key"]:  # "": its file was purged
            data.files.append(
                StoredFile(
                    "workbooks",
                    f"application-{row['id']}-v{row['version']}-{row['filename']}",
                    row["storage_key"],
                    row["content_type"],
                    row["size"],
                )
            )
    data.records["applications"] = list(applications.values())
    data.records["judgements"] = _rows(
        select(
            OutcomeJudgement.application_id,
            LevelOutcome.text.label("outcome"),
            OutcomeJudgement.met,
            OutcomeJudgement.comment,
            assessor.full_name.label("assessor"),
            OutcomeJudgement.created_at,
        )
        .join(Application, Application.id == OutcomeJudgement.application_id)
        .join(LevelOutcome, LevelOutcome.id == OutcomeJudgement.outcome_id)
        .join(assessor, assessor.id == OutcomeJudgement.assessor_id)
        .where(Application.user_id == person.id)
        .order_by(OutcomeJudgement.id)
    )
    data.records["application_history"] = _rows(
        select(
            ApplicationEvent.application_id,
            ApplicationEvent.kind,
            ApplicationEvent.from_status,
            ApplicationEvent.to_status,
            ApplicationEvent.note,
            ApplicationEvent.created_at,
        )
        .join(Application, Application.id == ApplicationEvent.application_id)
        .where(Application.user_id == person.id)
        .order_by(ApplicationEvent.id)
    )


def _cpd(person: User, data: PersonData) -> None:
    data.records["cpd_lines"] = _rows(
        select(
            CpdEntry.id,
            CpdEntry.source,
            CpdEntry.occurred_on,
            CpdEntry.title,
            CpdEntry.hours,
            CpdEntry.credits,
            CpdEntry.accrediting_body,
            CpdEntry.reverses_id,
            CpdEntry.note,
            CpdEntry.created_at,
        )
        .where(CpdEntry.user_id == person.id)
        .order_by(CpdEntry.id)
    )
    activities = _rows(
        select(
            ExternalActivity.id,
            ExternalActivity.title,
            ExternalActivity.provider,
            ExternalActivity.occurred_on,
            ExternalActivity.hours,
            ExternalActivity.credits,
            ExternalActivity.description,
            ExternalActivity.evidence_filename,
            ExternalActivity.evidence_content_type,
            ExternalActivity.evidence_size,
            ExternalActivity.evidence_key,
            ExternalActivity.status,
            ExternalActivity.decided_at,
            ExternalActivity.decision_note,
            ExternalActivity.created_at,
        )
        .where(ExternalActivity.user_id == person.id)
        .order_by(ExternalActivity.id)
    )
    for activity in activities:
        key = activity.pop("evidence_key")
        if key:
            data.files.append(
                StoredFile(
                    "cpd-evidence",
                    f"activity-{activity['id']}-{activity['evidence_filename']}",
                    key,
                    activity["evidence_content_type"],
                    activity["evidence_size"],
                )
            )
    data.records["cpd_activities"] = activities


def _history(person: User, data: PersonData) -> None:
    records = _rows(
        select(
            HistoryRecord.id,
            HistoryRecord.kind,
            HistoryRecord.occurred_on,
            Course.title.label("course"),
            HistoryRecord.details,
            HistoryRecord.evidence_filename,
            HistoryRecord.evidence_content_type,
            HistoryRecord.evidence_size,
            HistoryRecord.evidence_key,
            HistoryRecord.recorded_at,
            HistoryRecord.withdrawn_at,
            HistoryRecord.withdrawn_reason,
        )
        .outerjoin(Course, Course.id == HistoryRecord.course_id)
        .where(HistoryRecord.user_id == person.id)
        .order_by(HistoryRecord.id)
    )
    for record in records:
        key = record.pop("evidence_key")
        if key:
            data.files.append(
                StoredFile(
                    "history-evidence",
                    f"record-{record['id']}-{record['evidence_filename']}",
                    key,
                    record["evidence_content_type"],
                    record["evidence_size"],
                )
            )
    data.records["past_records"] = records


# Erasure


def erasure_of(user_id: int) -> Erasure | None:
    return db.session.execute(select(Erasure).where(Erasure.user_id == user_id)).scalar()


def applications_being_assessed(person: User) -> list[Application]:
    query = select(Application).where(
        Application.user_id == person.id, Application.status.in_(BEING_ASSESSED)
    )
    return list(db.session.execute(query).scalars())


def file_keys_of(person: User) -> set[str]:
    """The storage keys of every file the person uploaded (workbooks, CPD and past
    evidence), in one statement."""
    query = (
        select(Workbook.storage_key)
        .join(Application, Application.id == Workbook.application_id)
        .where(Application.user_id == person.id, Workbook.storage_key != "")
        .union(
            select(ExternalActivity.evidence_key).where(
                ExternalActivity.user_id == person.id, ExternalActivity.evidence_key != ""
            ),
            select(HistoryRecord.evidence_key).where(
                HistoryRecord.user_id == person.id, HistoryRecord.evidence_key != ""
            ),
        )
    )
    return set(db.session.execute(query).scalars())


def keys_kept_for_others(keys: set[str], owner_ids: set[int]) -> set[str]:
    """Of ``keys``, those another person's record also points at (storage keys are
    content hashes: two people may upload the same bytes). Their bytes stay."""
    if not keys:
        return set()
    query = (
        select(Workbook.storage_key)
        .join(Application, Application.id == Workbook.application_id)
        .where(Workbook.storage_key.in_(keys), Application.user_id.not_in(owner_ids))
        .union(
            select(ExternalActivity.evidence_key).where(
                ExternalActivity.evidence_key.in_(keys),
                ExternalActivity.user_id.not_in(owner_ids),
            ),
            select(HistoryRecord.evidence_key).where(
                HistoryRecord.evidence_key.in_(keys),
                or_(HistoryRecord.user_id.is_(None), HistoryRecord.user_id.not_in(owner_ids)),
            ),
            # A cohort's joining file: the trainers', never a learner's.
            select(JoiningFile.storage_key).where(JoiningFile.storage_key.in_(keys)),
        )
    )
    return set(db.session.execute(query).scalars())


def deletions_of(keys: set[str]) -> dict[str, FileDeletion]:
    """The deletion rows (pending or done) of ``keys``, by key."""
    if not keys:
        return {}
    query = select(FileDeletion).where(FileDeletion.storage_key.in_(keys))
    return {row.storage_key: row for row in db.session.execute(query).scalars()}


def key_in_use(key: str) -> bool:
    """Whether any record still points at the file ``key``. Records whose file was erased or
    purged no longer hold its key, so every one that does is live."""
    query = (
        select(Workbook.id)
        .where(Workbook.storage_key == key)
        .union_all(
            select(ExternalActivity.id).where(ExternalActivity.evidence_key == key),
            select(HistoryRecord.id).where(HistoryRecord.evidence_key == key),
        )
    )
    return db.session.execute(query.limit(1)).first() is not None


def pending_deletions() -> list[FileDeletion]:
    query = select(FileDeletion).where(FileDeletion.deleted_at.is_(None)).order_by(FileDeletion.id)
    return list(db.session.execute(query).scalars())


def outbox_to(address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.session.execute(query).scalars())


# Retention: what is due at a moment, and when the next falls due


def evidence_due(cutoff: dt.datetime) -> dict[str, dict[str, Any]]:
    """Files of decided applications and CPD activities decided before ``cutoff`` whose
    records still hold them (a purged record's key is ""): key → {"user_id", "decided_at"}."""
    workbooks = (
        select(Workbook.storage_key.label("key"), Application.user_id, Application.closed_at)
        .join(Application, Application.id == Workbook.application_id)
        .where(
            Application.status.in_(DECIDED),
            Application.closed_at < cutoff,
            Workbook.storage_key != "",
        )
    )
    activities = select(
        ExternalActivity.evidence_key.label("key"),
        ExternalActivity.user_id,
        ExternalActivity.decided_at,
    ).where(
        ExternalActivity.decided_at < cutoff,
        ExternalActivity.evidence_key != "",
    )
    found: dict[str, dict[str, Any]] = {}
    for statement in (workbooks, activities):
        for key, user_id, decided_at in db.session.execute(statement):
            found[key] = {"user_id": user_id, "decided_at": decided_at}
    return found


def evidence_kept(keys: set[str], cutoff: dt.datetime) -> set[str]:
    """Of ``keys``, those that a record not yet due, or a cohort's joining file, also points
    at (the same bytes)."""
    if not keys:
        return set()
    workbooks = (
        select(Workbook.storage_key)
        .join(Application, Application.id == Workbook.application_id)
        .where(
            Workbook.storage_key.in_(keys),
            or_(
                Application.status.not_in(DECIDED),
                Application.closed_at.is_(None),
                Application.closed_at >= cutoff,
            ),
        )
    )
    activities = select(ExternalActivity.evidence_key).where(
        ExternalActivity.evidence_key.in_(keys),
        or_(ExternalActivity.decided_at.is_(None), ExternalActivity.decided_at >= cutoff),
    )
    history = select(HistoryRecord.evidence_key).where(HistoryRecord.evidence_key.in_(keys))
    joining = select(JoiningFile.storage_key).where(JoiningFile.storage_key.in_(keys))
    return set(db.session.execute(workbooks.union(activities, history, joining)).scalars())


def next_evidence_decision(cutoff: dt.datetime) -> dt.datetime | None:
    """The earliest decision not yet due (its files fall due ``RETENTION_EVIDENCE_MONTHS``
    after it)."""
    first_application = db.session.execute(
        select(func.min(Application.closed_at))
        .join(Workbook, Workbook.application_id == Application.id)
        .where(
            Application.status.in_(DECIDED),
            Application.closed_at >= cutoff,
            Workbook.storage_key != "",
        )
    ).scalar()
    first_activity = db.session.execute(
        select(func.min(ExternalActivity.decided_at)).where(
            ExternalActivity.decided_at >= cutoff, ExternalActivity.evidence_key != ""
        )
    ).scalar()
    candidates = [value for value in (first_application, first_activity) if value is not None]
    return min(candidates) if candidates else None


def _last_active() -> Any:
    return func.coalesce(User.last_login_at, User.created_at)


def inactive_accounts(cutoff: dt.datetime) -> list[User]:
    """Accounts not erased whose last sign-in (or creation, if never) is before ``cutoff``."""
    query = (
        select(User)
        .outerjoin(Erasure, Erasure.user_id == User.id)
        .where(Erasure.id.is_(None), _last_active() < cutoff)
        .order_by(User.id)
    )
    return list(db.session.execute(query).scalars())


def inactive_count(cutoff: dt.datetime) -> int:
    query = (
        select(func.count(User.id))
        .outerjoin(Erasure, Erasure.user_id == User.id)
        .where(Erasure.id.is_(None), _last_active() < cutoff)
    )
    return int(db.session.execute(query).scalar() or 0)


def next_inactive(cutoff: dt.datetime) -> dt.datetime | None:
    """The earliest last-activity among accounts not yet due."""
    query = (
        select(func.min(_last_active()))
        .outerjoin(Erasure, Erasure.user_id == User.id)
        .where(Erasure.id.is_(None), _last_active() >= cutoff)
    )
    value: dt.datetime | None = db.session.execute(query).scalar()
    return value


def _sent_with_body(cutoff: dt.datetime, *, due: bool) -> Any:
    sent = and_(OutboxMessage.status == "sent", OutboxMessage.body != "")
    return and_(sent, OutboxMessage.sent_at < cutoff if due else OutboxMessage.sent_at >= cutoff)


def outbox_due(cutoff: dt.datetime) -> int:
    query = select(func.count(OutboxMessage.id)).where(_sent_with_body(cutoff, due=True))
    return int(db.session.execute(query).scalar() or 0)


def outbox_due_ids(cutoff: dt.datetime) -> list[int]:
    query = select(OutboxMessage.id).where(_sent_with_body(cutoff, due=True))
    return list(db.session.execute(query).scalars())


def next_outbox(cutoff: dt.datetime) -> dt.datetime | None:
    query = select(func.min(OutboxMessage.sent_at)).where(_sent_with_body(cutoff, due=False))
    value: dt.datetime | None = db.session.execute(query).scalar()
    return value


def audit_due(cutoff: dt.datetime) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.created_at < cutoff)
    return int(db.session.execute(query).scalar() or 0)


def next_audit(cutoff: dt.datetime) -> dt.datetime | None:
    query = select(func.min(AuditEvent.created_at)).where(AuditEvent.created_at >= cutoff)
    value: dt.datetime | None = db.session.execute(query).scalar()
    return value


def _needs_due(cutoff: dt.datetime) -> Any:
    """Access and dietary needs fall due ``ACCESS_NEEDS_RETENTION_DAYS`` after the cohort's
    last day or its cancellation (``cutoff`` is now less those days); a cancelled or
    declined booking's at once (they are deleted then: this catches any left)."""
    return or_(
        Cohort.last_day < cutoff.date(),
        and_(Cohort.status == "cancelled", Cohort.cancelled_at < cutoff),
        and_(Cohort.status != "cancelled", Booking.status.in_(("cancelled", "declined"))),
    )


def _needs_rows() -> Any:
    return (
        select(AccessNeeds.id)
        .join(Booking, Booking.id == AccessNeeds.booking_id)
        .join(Cohort, Cohort.id == Booking.cohort_id)
    )


def needs_due_ids(cutoff: dt.datetime) -> list[int]:
    return list(db.session.execute(_needs_rows().where(_needs_due(cutoff))).scalars())


def next_needs(cutoff: dt.datetime) -> dt.datetime | None:
    """The moment the next needs not yet due start counting (the day after the cohort's last
    day, or its cancellation), whichever is earliest."""
    waiting = _needs_rows().where(~_needs_due(cutoff)).subquery()
    ends = db.session.execute(
        select(func.min(Cohort.last_day), func.min(Cohort.cancelled_at))
        .join(Booking, Booking.cohort_id == Cohort.id)
        .join(AccessNeeds, AccessNeeds.booking_id == Booking.id)
        .where(AccessNeeds.id.in_(select(waiting.c.id)))
    ).one()
    last_day, cancelled_at = ends
    found: list[dt.datetime] = []
    if last_day is not None:
        found.append(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), dt.UTC))
    if cancelled_at is not None:
        found.append(cancelled_at)
    return min(found) if found else None
