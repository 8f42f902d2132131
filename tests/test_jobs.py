"""Scheduled jobs started twice at the same moment (two instances' cron, a manual run
during the scheduled one) send each reminder once: the second run waits for the first
(``trainhub.jobs.run_alone``, a PostgreSQL advisory lock) and then finds nothing due.

On the session's PostgreSQL cluster only: SQLite lets one connection write at a time.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.accreditation.helpers import learner as accreditation_learner
from tests.courses.cohort_helpers import in_days
from tests.factories import make_cohort, make_course, make_user
from tests.feedback.helpers import people
from trainhub.accreditation.services import clock, seed_levels
from trainhub.courses.services.catalogue import seed_courses
from trainhub.extensions import db, utcnow
from trainhub.feedback.services import responses
from trainhub.jobs import lock_key
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("postgres_app")


def run_twice_at_once(job: Callable[[], int]) -> tuple[int, int, bool]:
    """The first run does its work but has not committed when the second starts. Returns
    what each run sent and whether the second was still waiting before the first committed."""
    first = job()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    second: list[int] = []
    errors: list[BaseException] = []

    def again() -> None:
        try:
            with app.app_context():
                try:
                    second.append(job())
                    db.session.commit()
                finally:
                    db.session.remove()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    thread = threading.Thread(target=again)
    thread.start()
    thread.join(timeout=1.0)
    waited = thread.is_alive()
    db.session.commit()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    return first, second[0], waited


def mails() -> int:
    return int(db.session.execute(select(func.count(OutboxMessage.id))).scalar_one())


def test_feedback_reminders_run_twice_at_once_go_out_once() -> None:
    cohort = make_cohort(
        make_course(duration_days=1),
        start=in_days(-20),
        facilitators=[make_user(roles=["trainer"])],
    )
    responses.request_feedback(cohort, [p.id for p in people(3)])
    db.session.commit()
    asked = mails()
    later = utcnow() + timedelta(days=8)

    first, second, waited = run_twice_at_once(lambda: responses.send_reminders(later))

    assert (first, second, waited) == (3, 0, True)
    assert mails() == asked + 3


def test_level_clock_reminders_run_twice_at_once_go_out_once() -> None:
    seed_courses()
    seed_levels()
    accreditation_learner(core_on=dt.date(2024, 1, 15), ifst_member=True)
    db.session.commit()
    before = mails()

    first, second, waited = run_twice_at_once(
        lambda: clock.send_reminders(today=dt.date(2024, 7, 15))
    )

    assert (first, second, waited) == (1, 0, True)
    assert mails() == before + 1


def test_each_job_has_its_own_lock() -> None:
    assert lock_key("feedback remind") != lock_key("accreditation remind")
    assert lock_key("feedback remind") == lock_key("feedback remind")
    assert -(2**63) <= lock_key("feedback remind") < 2**63
