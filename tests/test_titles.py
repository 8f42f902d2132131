"""Pages that are different places have different titles (WCAG 2.4.2): a screen reader's
history, the browser's tabs and bookmarks tell them apart."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.factories import make_user
from tests.helpers import as_user

pytestmark = pytest.mark.usefixtures("app")


def title(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    found = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)
    assert found is not None
    return " ".join(found.group(1).split())


def test_the_assessment_queues_the_outbox_filters_and_the_levels_pages_differ(
    app: Flask,
) -> None:
    assessor = as_user(app, make_user(roles=("assessor",)))
    queues = {title(assessor, f"/assessment?queue={q}") for q in ("waiting", "mine", "verify")}
    assert len(queues) == 3
    admin = as_user(app, make_user(roles=("admin",)))
    outbox = {
        title(admin, p)
        for p in ("/admin/outbox/", "/admin/outbox/?status=pending", "/admin/outbox/?status=sent")
    }
    assert len(outbox) == 3
    assert title(admin, "/admin/levels") != title(admin, "/accreditation")
