"""Fixtures of the feedback and reporting tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import seeded_fixture
from tests.feedback.helpers import Year, build_year
from trainhub.courses.models import Course
from trainhub.extensions import db


def _fixture_year(request: pytest.FixtureRequest) -> Year:
    ffi = db.session.execute(select(Course).where(Course.code == "FFI-3DAY")).scalar_one()
    return build_year(ffi)


#: The 2016-17 fixture year of Family Functioning (``build_year``), committed: made once per
#: process and backend, its rows loaded in each test that asks for it.
fixture_year = seeded_fixture("fixture_year", _fixture_year)
