"""Certificates and CPD for completed courses, and accreditation applications with small
workbook files, judgements, awards, certificates and CPD.

The rules are the services': certificate codes from ``certificates.random_code`` (with the
seeded generator's choice), a level's achievement from ``certificates.level_achievement``,
the CPD line copied from the certificate as ``accreditation.receivers`` banks it, the
level clock started only for a level that has one (``AccreditationLevel.has_clock``), on the
first completion of one of its entry courses (``applications.eligibility``).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from benchmarks.synth.base import Synth, moment, scaled
from trainhub.accreditation.models import (
    ACHIEVED,
    AWAITING_VERIFICATION,
    IN_PROGRESS,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    VALID,
    WITHDRAWN,
    AccreditationLevel,
    Application,
    Certificate,
    CpdEntry,
    OutcomeJudgement,
    Workbook,
)
from trainhub.accreditation.models.cpd import COURSE, LEVEL
from trainhub.accreditation.services.certificates import issuer_in, level_achievement, random_code
from trainhub.storage import storage


def _certificate(s: Synth, user_id: int, awarded_on: date, **fields: Any) -> dict[str, Any]:
    return {
        "code": random_code(s.rng.choice),
        "user_id": user_id,
        "course_id": None,
        "level_id": None,
        "application_id": None,
        "learner_name": s.names[user_id],
        "awarded_on": awarded_on,
        "issuer": issuer_in("en"),
        "issuer_cy": issuer_in("cy"),
        "status": VALID,
        "revoked_at": None,
        "revoked_by_id": None,
        "revoked_reason": "",
        "replaces_id": None,
        **fields,
    }


def _cpd_line(certificate: dict[str, Any], source: str) -> dict[str, Any]:
    """The CPD line banked with a certificate: what it certifies, its hours and credits."""
    return {
        "user_id": certificate["user_id"],
        "source": source,
        "occurred_on": certificate["awarded_on"],
        "title": certificate["achievement"],
        "hours": certificate["hours"] or Decimal(0),
        "credits": certificate["credits"] or Decimal(0),
        "accrediting_body": certificate["accrediting_body"],
        "course_id": certificate["course_id"],
        "application_id": certificate["application_id"],
        "activity_id": None,
        "reverses_id": None,
        "note": "",
        "recorded_by_id": None,
        "created_at": moment(certificate["awarded_on"], 17),
    }


def bank_completions(s: Synth, completions: list[dict[str, Any]]) -> None:
    """A certificate and a CPD line for each completed course (``receivers.bank_completions``)."""
    courses = {c.id: c for c in s.courses}
    certificates = []
    for row in completions:
        course = courses[row["course_id"]]
        certificates.append(
            _certificate(
                s,
                row["user_id"],
                row["completed_on"],
                kind="course",
                course_id=course.id,
                achievement=course.title,
                hours=course.hours,
                credits=course.credits,
                accrediting_body=course.body,
                issued_at=row["created_at"],
            )
        )
    s.insert(Certificate.__table__, certificates)
    s.insert(CpdEntry.__table__, [_cpd_line(c, COURSE) for c in certificates])


def _clock_start(s: Synth, person: int, level: AccreditationLevel) -> date | None:
    """When the level's clock started for ``person`` (``start_application``'s rule)."""
    if not level.has_clock:
        return None
    dates = [
        s.completed[(person, course.id)]
        for course in level.entry_courses
        if (person, course.id) in s.completed
    ]
    return min(dates, default=None)


def load_applications(s: Synth) -> None:
    """Applications by people who completed the core, in every state."""
    rng = s.rng
    core = s.core.id
    core_done = {p: day for (p, course), day in s.completed.items() if course == core}
    candidates = sorted(core_done)
    count = min(scaled("applications", s.scale), len(candidates))
    people = rng.sample(candidates, count)
    named_learner = s.learner_ids[0]
    if named_learner in core_done and named_learner not in people and people:
        people[0] = named_learner
    app_ids = s.ids(Application.__table__, count)
    applications, workbooks, judgements, certificates = [], [], [], []
    level_weights = [{2: 60, 3: 30, 6: 10}.get(level.number, 5) for level in s.levels]
    named_assessor = s.assessor_ids[0]
    files = storage()
    for app_id, person in zip(app_ids, people, strict=True):
        level = rng.choices(s.levels, level_weights)[0]
        started = core_done[person] + timedelta(days=rng.randint(10, 200))
        if started >= s.today:
            started = s.today - timedelta(days=1)
        roll = rng.random()
        status = (
            ACHIEVED
            if roll < 0.6
            else SUBMITTED
            if roll < 0.72
            else IN_PROGRESS
            if roll < 0.86
            else RESUBMISSION_REQUESTED
            if roll < 0.91
            else AWAITING_VERIFICATION
            if roll < 0.94
            else WITHDRAWN
        )
        submitted = started + timedelta(days=rng.randint(30, 300))
        if status not in (IN_PROGRESS, WITHDRAWN) and submitted >= s.today:
            status = IN_PROGRESS
        achieved = submitted + timedelta(days=rng.randint(14, 90))
        if status == ACHIEVED and achieved >= s.today:
            status = SUBMITTED
        assessor = None
        if status not in (IN_PROGRESS, WITHDRAWN) and (status != SUBMITTED or rng.random() < 0.5):
            assessor = named_assessor if rng.random() < 0.1 else rng.choice(s.assessor_ids)
        verifier = (
            rng.choice(s.assessor_ids)
            if status == ACHIEVED and level.requires_verification
            else None
        )
        applications.append(
            {
                "id": app_id,
                "user_id": person,
                "level_id": level.id,
                "status": status,
                "assessor_id": assessor,
                "verifier_id": verifier if verifier != assessor else None,
                "clock_started_on": _clock_start(s, person, level),
                "created_at": moment(started),
                "submitted_at": None
                if status in (IN_PROGRESS, WITHDRAWN)
                else moment(submitted, 10),
                "achieved_on": achieved if status == ACHIEVED else None,
                "closed_at": moment(achieved, 12)
                if status == ACHIEVED
                else moment(submitted, 12)
                if status == WITHDRAWN
                else None,
            }
        )
        versions = 0 if status in (IN_PROGRESS, WITHDRAWN) and rng.random() < 0.5 else 1
        if status == RESUBMISSION_REQUESTED or (status == ACHIEVED and rng.random() < 0.3):
            versions = 2
        workbook_ids = s.ids(Workbook.__table__, versions)
        for version, workbook_id in enumerate(workbook_ids, 1):
            content = (
                f"%PDF-1.4\n% Synthetic workbook: application {app_id}, version {version}\n%%EOF\n"
            ).encode()
            workbooks.append(
                {
                    "id": workbook_id,
                    "application_id": app_id,
                    "version": version,
                    "filename": f"level-{level.number}-workbook-v{version}.pdf",
                    "content_type": "application/pdf",
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "storage_key": files.save(content),
                    "anonymised_confirmed": True,
                    "uploaded_by_id": person,
                    "uploaded_at": moment(submitted - timedelta(days=version), 11),
                }
            )
        if assessor and status in (ACHIEVED, AWAITING_VERIFICATION, RESUBMISSION_REQUESTED):
            for outcome_id in s.outcomes.get(level.id, []):
                met = status != RESUBMISSION_REQUESTED or rng.random() < 0.7
                judgements.append(
                    {
                        "application_id": app_id,
                        "outcome_id": outcome_id,
                        "assessor_id": assessor,
                        "workbook_id": workbook_ids[-1] if workbook_ids else None,
                        "met": met,
                        "comment": "" if met else "Please add an example from practice.",
                        "created_at": moment(achieved - timedelta(days=7), 14),
                    }
                )
        if status == ACHIEVED:
            certificates.append(
                _certificate(
                    s,
                    person,
                    achieved,
                    kind="level",
                    level_id=level.id,
                    application_id=app_id,
                    achievement=level_achievement(level),
                    hours=level.cpd_hours,
                    credits=level.credit_value,
                    accrediting_body=level.accrediting_body,
                    issued_at=moment(achieved, 12),
                )
            )
    s.insert(Application.__table__, applications)
    s.insert(Workbook.__table__, workbooks)
    s.insert(OutcomeJudgement.__table__, judgements)
    s.insert(Certificate.__table__, certificates)
    s.insert(CpdEntry.__table__, [_cpd_line(c, LEVEL) for c in certificates])
