"""The impact survey's job started twice at the same moment asks each person once
(``trainhub.jobs.run_alone``; on the session's PostgreSQL cluster only, as tests/test_jobs.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.accreditation.helpers import complete
from tests.factories import make_course
from tests.feedback.helpers import people
from tests.feedback.test_impact import DONE, DUE
from tests.test_jobs import mails, run_twice_at_once
from trainhub.extensions import db
from trainhub.feedback.models import ImpactRequest
from trainhub.feedback.services import impact as survey

pytestmark = pytest.mark.usefixtures("postgres_app")


def test_two_runs_at_once_ask_each_person_once() -> None:
    course = make_course()
    for person in people(3):
        complete(person, course, DONE)
    db.session.commit()
    before = mails()

    first, second, waited = run_twice_at_once(lambda: survey.send_impact_surveys(today=DUE))

    assert (first, second, waited) == (3, 0, True)
    assert db.session.execute(select(func.count(ImpactRequest.id))).scalar_one() == 3
    assert mails() == before + 3
