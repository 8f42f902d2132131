"""An upload the database refuses leaves nothing behind: no row, and no file either."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from tests.accreditation.helpers import application, learner, stored_files
from tests.accreditation.view_helpers import as_user, post_file
from tests.factories import make_user
from tests.sample_files import pdf_bytes
from tests.test_hardening import read_only
from trainhub.courses.models import local_today
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.mark.real_commits
def test_a_workbook_the_database_refuses_is_not_stored(app: Flask):
    current = application(3)
    client = as_user(app, current.user)
    db.session.commit()
    url = f"/applications/{current.id}/workbooks/new"
    with read_only(app):
        response = post_file(
            client,
            url,
            "file",
            "workbook.pdf",
            pdf_bytes(b"Reflective account"),
            anonymised="y",
        )
    assert response.status_code == 503
    assert stored_files() == []


@pytest.mark.real_commits
def test_evidence_the_database_refuses_is_not_stored(app: Flask):
    person = learner(supervisor=make_user(roles=["learner"]))
    client = as_user(app, person)
    db.session.commit()
    yesterday = local_today() - dt.timedelta(days=1)
    with read_only(app):
        response = post_file(
            client,
            "/my/cpd/activities/new",
            "evidence",
            "certificate.pdf",
            pdf_bytes(b"Certificate of attendance"),
            title="Trauma-informed practice",
            provider="Elsewhere",
            occurred_on=[str(yesterday.day), str(yesterday.month), str(yesterday.year)],
            hours="2",
        )
    assert response.status_code == 503
    assert stored_files() == []
