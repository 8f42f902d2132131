"""The privacy pages: download my data, an admin's copy and erasure, from the account pages."""

from __future__ import annotations

import io
import zipfile

from flask import Flask
from sqlalchemy import select

from tests.accreditation.helpers import submitted
from tests.factories import make_user
from tests.helpers import as_user, field_error, follow, page
from tests.privacy.helpers import with_history
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.privacy.models import Erasure


def test_a_learner_finds_and_downloads_their_data(app: Flask, catalogue: None) -> None:
    person = with_history(1)
    client = as_user(app, person.user)
    assert "/account/data" in page(client.get("/account"))
    assert "Download your data (ZIP)" in page(client.get("/account/data"))
    response = client.get("/account/data.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "index.html" in archive.namelist() and "profile.json" in archive.namelist()
    action = select(AuditEvent.action).where(AuditEvent.subject_id == person.user.id)
    assert list(db.session.execute(action).scalars()) == ["privacy.own_data"]


def test_an_admin_downloads_anyones_data_from_their_account_page(
    app: Flask, catalogue: None
) -> None:
    person = with_history(1)
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    text = page(client.get(f"/admin/users/{person.user.id}"))
    assert f"/admin/users/{person.user.id}/data.zip" in text
    assert f"/admin/users/{person.user.id}/erase" in text
    assert "/erase" not in page(client.get(f"/admin/users/{admin.id}"))  # not oneself
    response = client.get(f"/admin/users/{person.user.id}/data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    entry = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "privacy.subject_access")
    ).scalar_one()
    assert (entry.actor_id, entry.subject_id) == (admin.id, person.user.id)


def test_an_admin_erases_a_person_after_a_confirmation_page(app: Flask, catalogue: None) -> None:
    person = with_history(1)
    user_id, name = person.user.id, person.user.full_name
    client = as_user(app, make_user(roles=["admin"]))
    text = page(client.get(f"/admin/users/{user_id}/erase"))
    assert "Erase this person?" in text and name in text
    assert "delete the 2 files they uploaded from storage" in " ".join(text.split())
    assert "revoke their 2 certificates" in " ".join(text.split())

    empty = client.post(f"/admin/users/{user_id}/erase", data={"reason": ""})
    assert empty.status_code == 400
    assert field_error(page(empty), "reason") == "Enter the reason for erasing this person"
    assert db.session.execute(select(Erasure.id)).first() is None

    done = client.post(f"/admin/users/{user_id}/erase", data={"reason": "Their request"})
    assert done.headers["Location"].endswith(f"/admin/users/{user_id}")
    assert f"{name} has been erased." in follow(client, done)
    db.session.expire_all()
    assert db.session.get_one(User, user_id).full_name == f"Erased person {user_id}"
    assert "This person has been erased" in page(client.get(f"/admin/users/{user_id}/erase"))


def test_erasing_someone_being_assessed_needs_a_forced_reason(app: Flask, catalogue: None) -> None:
    person = submitted(2).user
    client = as_user(app, make_user(roles=["admin"]))
    assert "being assessed" in page(client.get(f"/admin/users/{person.id}/erase"))
    refused = client.post(f"/admin/users/{person.id}/erase", data={"reason": "Their request"})
    assert refused.status_code == 400
    assert "being assessed" in (field_error(page(refused), "force") or "")
    no_reason = client.post(
        f"/admin/users/{person.id}/erase", data={"reason": "Their request", "force": "y"}
    )
    assert no_reason.status_code == 400
    assert field_error(page(no_reason), "force_reason") == (
        "Enter why they must be erased while being assessed"
    )
    forced = client.post(
        f"/admin/users/{person.id}/erase",
        data={"reason": "Their request", "force": "y", "force_reason": "Court order"},
    )
    assert forced.status_code == 302
    erasure = db.session.execute(select(Erasure)).scalar_one()
    assert erasure.forced and erasure.force_reason == "Court order"
