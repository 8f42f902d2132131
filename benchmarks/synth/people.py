"""The catalogue, organisations and venues the history uses, and its people: learners in
every organisation, trainers, assessors, a manager and an administrator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from benchmarks.synth.base import (
    ORGANISATIONS,
    PASSWORD,
    YEARS,
    CourseInfo,
    Synth,
    moment,
    scaled,
    synth_email,
)
from benchmarks.synth.names import (
    COURSE_WEIGHTS,
    FIRST_NAMES,
    HEALTH_BOARDS,
    JOB_TITLES,
    LAST_NAMES,
    OTHER_ORGANISATIONS,
)
from trainhub.accreditation.models import AccreditationLevel, LevelOutcome
from trainhub.auth.choices import LOCAL_AUTHORITIES, PROFESSIONAL_BACKGROUNDS
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import Course, Venue
from trainhub.extensions import db


def load_reference(s: Synth) -> None:
    """The seeded catalogue and levels, and the organisations and venues (added if missing)."""
    s.courses = [
        CourseInfo(
            c.id,
            c.code,
            c.title,
            c.duration_days,
            c.days_to_complete,
            c.cpd_hours,
            c.credit_value,
            c.accrediting_body,
        )
        for c in db.session.execute(sa.select(Course).order_by(Course.id)).scalars()
    ]
    s.course_weights = [COURSE_WEIGHTS.get(c.code, 4) for c in s.courses]
    s.levels = list(
        db.session.execute(
            sa.select(AccreditationLevel)
            .options(selectinload(AccreditationLevel.entry_courses))
            .order_by(AccreditationLevel.number)
        ).scalars()
    )
    outcomes = db.session.execute(
        sa.select(LevelOutcome.level_id, LevelOutcome.id).where(LevelOutcome.is_active)
    ).all()
    for level_id, outcome_id in outcomes:
        s.outcomes.setdefault(level_id, []).append(outcome_id)
    _organisations(s)
    _venues(s)


def _organisations(s: Synth) -> None:
    wanted: list[tuple[str, str, str | None]] = []
    for key, label in LOCAL_AUTHORITIES.items():
        if key != "outside_wales":
            wanted.append((f"{label} Council", "local_authority", key))
    wanted += [(name, "health", None) for name in HEALTH_BOARDS]
    wanted += [(name, sector, None) for name, sector in OTHER_ORGANISATIONS]
    wanted = wanted[:ORGANISATIONS]
    names = [name for name, _, _ in wanted]
    # Organisation names are unique: reuse the ones already there (any seed, or real).
    existing = dict(
        db.session.execute(
            sa.select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
        ).all()
    )
    missing = [w for w in wanted if w[0] not in existing]
    ids = s.ids(Organisation.__table__, len(missing))
    created = moment(s.anchor - timedelta(days=365 * YEARS))
    s.insert(
        Organisation.__table__,
        [
            {"id": i, "name": n, "sector": sector, "is_active": True, "created_at": created}
            for i, (n, sector, _) in zip(ids, missing, strict=True)
        ],
    )
    existing.update({n: i for i, (n, _, _) in zip(ids, missing, strict=True)})
    s.organisations = [(existing[n], sector, la) for n, sector, la in wanted]
    s.organisation_weights = [
        8 if sector == "local_authority" else 12 if sector == "health" else 4
        for _, sector, _ in s.organisations
    ]


def _venues(s: Synth) -> None:
    areas = [label for key, label in LOCAL_AUTHORITIES.items() if key != "outside_wales"]
    names = [f"{area} family training centre" for area in areas]
    existing = dict(
        db.session.execute(sa.select(Venue.name, Venue.id).where(Venue.name.in_(names))).all()
    )
    missing = [n for n in names if n not in existing]
    ids = s.ids(Venue.__table__, len(missing))
    created = moment(s.anchor - timedelta(days=365 * YEARS))
    s.insert(
        Venue.__table__,
        [
            {
                "id": i,
                "name": n,
                "address": f"1 High Street, {n.removesuffix(' family training centre')}",
                "capacity": 40,
                "accessibility_notes": "Step-free access and a hearing loop.",
                "is_active": True,
                "created_at": created,
            }
            for i, n in zip(ids, missing, strict=True)
        ],
    )
    existing.update(dict(zip(missing, ids, strict=True)))
    s.venue_ids = [existing[n] for n in names]


def load_people(s: Synth) -> None:
    """Learners, trainers and assessors (the first of each named), a manager, an admin."""
    rng, seed = s.rng, s.seed
    learners = scaled("learners", s.scale, least=50)
    trainers = scaled("trainers", s.scale, least=4)
    assessors = scaled("assessors", s.scale, least=3)
    total = learners + trainers + assessors + 2
    ids = s.ids(User.__table__, total)
    table_users: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    backgrounds = list(PROFESSIONAL_BACKGROUNDS)
    areas = [k for k in LOCAL_AUTHORITIES if k != "outside_wales"]
    password = generate_password_hash(PASSWORD)
    joined = moment(s.anchor - timedelta(days=365 * YEARS))
    kinds = (
        ["learner"] * learners
        + ["trainer"] * trainers
        + ["assessor"] * assessors
        + ["manager", "admin"]
    )
    counters: dict[str, int] = {}
    groups = {
        "learner": s.learner_ids,
        "trainer": s.trainer_ids,
        "assessor": s.assessor_ids,
    }
    for user_id, kind in zip(ids, kinds, strict=True):
        number = counters.get(kind, 0)
        counters[kind] = number + 1
        named = number == 0 or kind in ("manager", "admin")
        label = kind if named else f"{kind}{number:06d}"
        org_id, sector, area = rng.choices(s.organisations, s.organisation_weights)[0]
        background = rng.choice(backgrounds)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        s.names[user_id] = name
        table_users.append(
            {
                "id": user_id,
                "email": synth_email(seed, label),
                "full_name": name,
                "password_hash": password if named else None,
                "active": True,
                "organisation_id": org_id,
                "sector": sector,
                "local_authority": area or rng.choice(areas),
                "professional_background": background,
                "job_title": JOB_TITLES[background],
                "ifst_member": kind == "trainer" or rng.random() < 0.04,
                "supplies_family_support": rng.random() < 0.3,
                "preferred_language": "cy" if rng.random() < 0.12 else "en",
                "supervisor_id": None,
                "created_at": joined,
                "last_login_at": None,
                "failed_logins": 0,
                "locked_until": None,
            }
        )
        roles.append({"user_id": user_id, "role": kind})
        if kind != "learner":
            roles.append({"user_id": user_id, "role": "learner"})
        if kind in groups:
            groups[kind].append(user_id)
        if kind == "learner":
            s.by_organisation.setdefault(org_id, []).append(user_id)
    s.insert(User.__table__, table_users)
    s.insert(UserRole.__table__, roles)
