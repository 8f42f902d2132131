"""The whole load, stage by stage, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from benchmarks.synth.accreditation import load_applications
from benchmarks.synth.base import YEARS, Summary, Synth, scaled, synth_email
from benchmarks.synth.cohorts import load_big_register, load_year
from benchmarks.synth.people import load_people, load_reference
from trainhub import data_version
from trainhub.accreditation.services import seed_levels
from trainhub.auth.models import User
from trainhub.courses.services.catalogue import seed_courses
from trainhub.extensions import db
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.financial_years import Period


def already_loaded(seed: int) -> bool:
    query = sa.select(User.id).where(User.email == synth_email(seed, "learner"))
    return db.session.execute(query).first() is not None


def load(
    seed: int,
    scale: float,
    progress: Callable[[str, int], None] | None = None,
    today: date | None = None,
) -> Summary:
    """Write the synthetic history for ``seed`` (nothing when it is already there).

    Does not commit: the caller commits once, so a failed load leaves nothing behind.
    """
    s = Synth(seed, scale, progress, today)
    if already_loaded(seed):
        s.summary.loaded = False
        return s.summary
    seed_courses()
    seed_levels()
    questionnaire = current_questionnaire()
    s.items = [(item.id, item.kind) for item in questionnaire.items]
    s.questionnaire_id = questionnaire.id
    db.session.flush()
    load_reference(s)
    load_people(s)
    s.progress("people", 1)
    per_year = scaled("cohorts", scale, least=YEARS) // YEARS
    for year in range(s.anchor.year - (YEARS - 1), s.anchor.year + 1):
        load_year(s, Period(year), per_year)
        s.progress("years", 1)
    load_big_register(s)
    load_applications(s)
    s.progress("accreditation", 1)
    s.reset_sequences()
    # The session's events see these Core INSERTs already; say so outright all the same,
    # so cached figures never outlive a load however it writes.
    data_version.mark_changed(db.session())
    return s.summary
