"""Two-step verification: the rules (code windows, replays, recovery codes, the lock), the
pages (setting up, the second step of signing in, turning it off), the roles that must use
it, and an administrator's audited reset."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import PASSWORD, make_user, turn_on_two_factor
from tests.helpers import (
    banners,
    count,
    field_error,
    follow,
    login,
    outbox,
    page,
)
from trainhub.audit import AuditEvent
from trainhub.auth import two_factor_views
from trainhub.auth.models import RecoveryCode, TwoFactorAuthenticator, User
from trainhub.auth.services import authenticate, two_factor
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow

pytestmark = pytest.mark.usefixtures("app")

STAFF_ROLES = "admin,manager,assessor"


def code_at(secret: str, when: Any) -> str:
    return pyotp.TOTP(secret).at(when)


def enrolled(
    roles: tuple[str, ...] = ("learner",), **overrides: Any
) -> tuple[User, str, list[str]]:
    """A person with two-step verification on: them, their secret and recovery codes. The
    code that confirmed it was the one 30 seconds ago, so now's code is still unused."""
    user = make_user(roles=roles, **overrides)
    secret, codes = turn_on_two_factor(user)
    db.session.commit()
    return user, secret, codes


# The rules ----------------------------------------------------------------------------------------


def test_a_code_counts_from_the_step_before_to_the_step_after(monkeypatch):
    user = make_user()
    secret = two_factor.start_setup(user).secret
    now = utcnow()
    monkeypatch.setattr(two_factor, "utcnow", lambda: now)
    with pytest.raises(ValidationFailed) as too_old:
        two_factor.confirm_setup(user, code_at(secret, now - timedelta(seconds=95)))
    assert too_old.value.field == "code"
    with pytest.raises(ValidationFailed):
        two_factor.confirm_setup(user, code_at(secret, now + timedelta(seconds=95)))
    with pytest.raises(ValidationFailed, match="Enter the code"):
        two_factor.confirm_setup(user, " ")
    codes = two_factor.confirm_setup(user, code_at(secret, now + timedelta(seconds=30)))
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT == 10
    assert two_factor.is_enabled(user)
    # Signing in with the code of the step before the one that confirmed it: a replay.
    with pytest.raises(ValidationFailed, match="already been used"):
        two_factor.complete_sign_in(user, code_at(secret, now))


def test_a_code_is_taken_once(monkeypatch):
    user, secret, _codes = enrolled()
    code = code_at(secret, utcnow())
    assert two_factor.complete_sign_in(user, code) == two_factor.SecondStep(False, 0)
    with pytest.raises(ValidationFailed, match="already been used"):
        two_factor.complete_sign_in(user, code)
    # The next step's code is new: taken, once.
    later = utcnow() + timedelta(seconds=30)
    monkeypatch.setattr(two_factor, "utcnow", lambda: later)
    two_factor.complete_sign_in(user, code_at(secret, later))
    assert db.session.get(TwoFactorAuthenticator, user.id).last_used_step == pyotp.TOTP(
        secret
    ).timecode(later)


def test_recovery_codes_are_hashed_and_work_once():
    user, _secret, codes = enrolled()
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code) for code in codes)
    stored = db.session.execute(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
    ).scalars()
    hashes = list(stored)
    assert len(hashes) == 10
    for code in codes:
        assert all(code.replace("-", "") not in h and code not in h for h in hashes)
    assert all(h.startswith("pbkdf2:sha256:") for h in hashes)
    # Typed in lower case without the hyphen, it still works, once.
    first = two_factor.complete_sign_in(user, codes[0].replace("-", " ").lower())
    assert first == two_factor.SecondStep(True, 9)
    with pytest.raises(ValidationFailed, match="not right"):
        two_factor.complete_sign_in(user, codes[0])
    assert count(RecoveryCode, RecoveryCode.used_at.is_not(None)) == 1


def test_new_recovery_codes_void_the_old_ones():
    user, _secret, old = enrolled()
    new = two_factor.regenerate_recovery_codes(user)
    assert not set(new) & set(old)
    with pytest.raises(ValidationFailed):
        two_factor.complete_sign_in(user, old[1])
    assert two_factor.complete_sign_in(user, new[1]).recovery_codes_left == 9


def test_wrong_codes_count_toward_the_lock(app: Flask):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=900)
    user, secret, codes = enrolled(email="guessed@example.org")
    # A right password does not clear the count while the code is still to come.
    for attempt in range(2):
        assert authenticate("guessed@example.org", PASSWORD) is user
        with pytest.raises(ValidationFailed):
            two_factor.complete_sign_in(user, "000000" if attempt else "ZZZZZ-ZZZZZ")
    assert user.failed_logins == 2
    with pytest.raises(PermissionDenied, match="locked for 15 minutes"):
        two_factor.complete_sign_in(user, "999999")
    assert user.locked_until is not None
    [warning] = outbox(user)
    assert "locked" in warning.subject
    assert "wrong two-step verification codes" in warning.body
    assert "/password/reset/" in warning.body
    # While locked, even a right code or recovery code is refused, and so is the password.
    with pytest.raises(PermissionDenied):
        two_factor.complete_sign_in(user, code_at(secret, utcnow()))
    with pytest.raises(PermissionDenied):
        two_factor.complete_sign_in(user, codes[0])
    assert authenticate("guessed@example.org", PASSWORD) is None
    assert two_factor.recovery_codes_left(user) == 10


def test_a_right_code_clears_the_count(app: Flask):
    user, secret, _codes = enrolled()
    with pytest.raises(ValidationFailed):
        two_factor.complete_sign_in(user, "123")
    assert user.failed_logins == 1
    two_factor.complete_sign_in(user, code_at(secret, utcnow()))
    assert user.failed_logins == 0 and user.last_login_at is not None


def test_required_roles_come_from_the_setting(app: Flask):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = " Admin, manager ,nonsense,"
    assert two_factor.required_roles() == {"admin", "manager"}
    assert two_factor.is_required(make_user(roles=["manager", "learner"]))
    assert not two_factor.is_required(make_user(roles=["assessor"]))
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ""
    assert not two_factor.is_required(make_user(roles=["admin"]))


def test_the_production_default_requires_it_of_staff():
    from trainhub.config import Config

    assert Config.TWO_FACTOR_REQUIRED_ROLES == STAFF_ROLES


def test_turning_off_needs_the_password_or_a_code():
    user, secret, _codes = enrolled()
    with pytest.raises(ValidationFailed) as refused:
        two_factor.turn_off(user, "not my password")
    assert refused.value.field == "password_or_code"
    two_factor.turn_off(user, code_at(secret, utcnow()))
    assert not two_factor.is_enabled(user)
    assert count(RecoveryCode, RecoveryCode.user_id == user.id) == 0
    with pytest.raises(ConflictError):
        two_factor.turn_off(user, PASSWORD)
    again, _secret, _codes = enrolled()
    two_factor.turn_off(again, PASSWORD)
    assert two_factor.authenticator_of(again) is None


def test_only_an_admin_resets_it_and_it_is_audited_and_mailed():
    person, _secret, _codes = enrolled(email="lost.phone@example.org")
    with pytest.raises(PermissionDenied):
        two_factor.reset(make_user(roles=["manager"]), person)
    admin = make_user(roles=["admin"])
    two_factor.reset(admin, person)
    assert two_factor.authenticator_of(person) is None
    assert count(RecoveryCode, RecoveryCode.user_id == person.id) == 0
    event = db.session.execute(select(AuditEvent)).scalar_one()
    assert (event.actor_id, event.action) == (admin.id, "account.two_factor_reset")
    # Managers read the audit log: the entry names the account, never its address.
    assert event.detail == f"Two-step verification of account {person.id} reset"
    assert event.subject_id == person.id
    [mail] = outbox(person)
    assert "reset" in mail.subject and "/account/two-step" in mail.body
    with pytest.raises(ConflictError):
        two_factor.reset(admin, person)


def test_setting_up_again_while_on_is_refused():
    user, _secret, _codes = enrolled()
    with pytest.raises(ConflictError):
        two_factor.start_setup(user)


# The pages ----------------------------------------------------------------------------------------


def secret_on_page(text: str) -> str:
    match = re.search(r'<code id="two-factor-key"[^>]*>([A-Z2-7 ]+)</code>', text)
    assert match, text
    return match.group(1).replace(" ", "")


def test_setting_it_up_from_the_account_page(client: FlaskClient):
    user = make_user()
    login(client, user)
    account = page(client.get("/account"))
    assert 'href="/account/two-step"' in account and "(off)" in account
    assert "Set up two-step verification" in page(client.get("/account/two-step"))
    # Opening the set-up page before starting goes back to the explanation.
    assert client.get("/account/two-step/set-up").headers["Location"] == "/account/two-step"
    response = client.post("/account/two-step/start")
    assert response.headers["Location"] == "/account/two-step/set-up"
    text = page(client.get("/account/two-step/set-up"))
    assert "<svg" in text and 'role="img"' in text and "aria-label=" in text
    secret = secret_on_page(text)
    assert re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", text)  # grouped for typing
    assert secret == db.session.get(TwoFactorAuthenticator, user.id).secret
    # A wrong code: 400, the message on the field, nothing turned on.
    response = client.post("/account/two-step/set-up", data={"code": "000000"})
    assert response.status_code == 400
    assert field_error(page(response), "code") == (
        "The code is not right. Enter the code your app shows now"
    )
    assert not two_factor.is_enabled(user)
    response = client.post("/account/two-step/set-up", data={"code": ""})
    assert field_error(page(response), "code") == "Enter the code from your authenticator app"
    response = client.post("/account/two-step/set-up", data={"code": code_at(secret, utcnow())})
    assert response.headers["Location"] == "/account/two-step/recovery-codes"
    shown = page(client.get("/account/two-step/recovery-codes"))
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", shown)
    assert len(codes) == 10
    download = client.get("/account/two-step/recovery-codes.txt")
    assert download.mimetype == "text/plain"
    assert "attachment" in download.headers["Content-Disposition"]
    assert all(code in download.get_data(as_text=True) for code in codes)
    # Saved: they are never shown again.
    assert client.post("/account/two-step/recovery-codes/done").status_code == 302
    again = client.get("/account/two-step/recovery-codes")
    assert again.headers["Location"] == "/account/two-step"
    assert client.get("/account/two-step/recovery-codes.txt").status_code == 302
    status = page(client.get("/account/two-step"))
    assert "On since" in status and "10 unused codes" in status
    assert "(on)" in page(client.get("/account"))


def pending_sign_in(client: FlaskClient, user: User, next_url: str = "") -> Any:
    path = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"email": user.email, "password": PASSWORD})


def test_signing_in_asks_for_the_code_after_the_password(client: FlaskClient):
    user, secret, _codes = enrolled()
    response = pending_sign_in(client, user, "/bookings")
    assert response.headers["Location"] == "/sign-in/two-step"
    # Not signed in yet: every other page still asks to sign in.
    assert "/sign-in" in client.get("/account").headers["Location"]
    assert "Enter your code" in page(client.get("/sign-in/two-step"))
    response = client.post("/sign-in/two-step", data={"code": "12345"})
    assert response.status_code == 400
    assert field_error(page(response), "code") == (
        "The code is not right. Enter the 6-digit code from your app, or one of your recovery codes"
    )
    response = client.post("/sign-in/two-step", data={"code": ""})
    assert response.status_code == 400
    assert field_error(page(response), "code") == "Enter the code from your authenticator app"
    code = code_at(secret, utcnow())
    response = client.post("/sign-in/two-step", data={"code": code})
    assert response.headers["Location"] == "/bookings"
    assert client.get("/account").status_code == 200
    assert db.session.get(User, user.id).failed_logins == 0
    # Signed out and in again within the same 30 seconds: that code is spent.
    client.post("/sign-out")
    pending_sign_in(client, user)
    response = client.post("/sign-in/two-step", data={"code": code})
    assert response.status_code == 400
    assert field_error(page(response), "code") == (
        "This code has already been used. Wait for your app to show a new code"
    )


def test_a_recovery_code_signs_in_and_says_how_many_are_left(client: FlaskClient):
    user, _secret, codes = enrolled()
    pending_sign_in(client, user)
    response = client.post("/sign-in/two-step", data={"code": codes[3]})
    assert response.status_code == 302
    assert (
        "important",
        "You signed in with a recovery code. You have 9 recovery codes left.",
    ) in banners(follow(client, response))
    assert client.get("/account").status_code == 200


def test_the_waiting_sign_in_lapses(client: FlaskClient, monkeypatch):
    user, secret, _codes = enrolled()
    pending_sign_in(client, user)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(two_factor_views, "time", SimpleNamespace(time=lambda: later))
    response = client.get("/sign-in/two-step")
    assert response.status_code == 200
    assert "Sign in again" in page(response)
    # The code alone, after the lapse, signs nobody in.
    response = client.post("/sign-in/two-step", data={"code": code_at(secret, utcnow())})
    assert response.headers["Location"] == "/sign-in/two-step"
    assert "/sign-in" in client.get("/account").headers["Location"]
    # Nor does a code without any password first.
    fresh = client.application.test_client()
    assert "Sign in again" in page(fresh.get("/sign-in/two-step"))


def test_the_waiting_sign_in_ends_when_the_password_changes(client: FlaskClient):
    user, _secret, _codes = enrolled()
    pending_sign_in(client, user)
    user.set_password("a different long secret")
    db.session.commit()
    response = client.get("/sign-in/two-step")
    assert "Sign in again" in page(response)


def test_wrong_codes_lock_the_account(app: Flask, client: FlaskClient):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=900)
    user, _secret, _codes = enrolled()
    pending_sign_in(client, user)
    for _ in range(2):
        assert client.post("/sign-in/two-step", data={"code": "000000"}).status_code == 400
    response = client.post("/sign-in/two-step", data={"code": "000000"})
    assert response.headers["Location"] == "/sign-in"
    assert "your account is locked for 15 minutes" in follow(client, response)
    assert db.session.get(User, user.id).locked_until is not None
    # The waiting sign-in is gone, and the password is refused while locked.
    assert "Sign in again" in page(client.get("/sign-in/two-step"))
    assert pending_sign_in(client, user).status_code == 400


def test_the_second_step_is_rate_limited(app: Flask, client: FlaskClient):
    app.config["RATELIMIT_SIGN_IN"] = "2 per minute"
    user, _secret, _codes = enrolled()
    pending_sign_in(client, user)
    for _ in range(2):
        client.post("/sign-in/two-step", data={"code": "000000"})
    assert client.post("/sign-in/two-step", data={"code": "000000"}).status_code == 429


def test_a_required_role_sets_it_up_before_anything_else(app: Flask, client: FlaskClient):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = STAFF_ROLES
    admin = make_user(roles=["admin"])
    db.session.commit()
    response = pending_sign_in(client, admin, "/admin/users")
    assert response.headers["Location"] == "/account/two-step"
    text = follow(client, response)
    assert "Your role needs two-step verification" in text
    assert "Back to your account" not in text
    for path in ("/admin/users", "/account", "/courses", "/"):
        assert client.get(path).headers["Location"] == "/account/two-step", path
    assert client.post("/account/two-step/start").headers["Location"] == "/account/two-step/set-up"
    secret = secret_on_page(page(client.get("/account/two-step/set-up")))
    client.post("/account/two-step/set-up", data={"code": code_at(secret, utcnow())})
    # On: the codes page, then where the person was going.
    assert client.get("/account/two-step/recovery-codes").status_code == 200
    done = client.post("/account/two-step/recovery-codes/done")
    assert done.headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200


def test_saying_the_codes_are_saved_does_not_end_the_hold(app: Flask, client: FlaskClient):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = "admin"
    admin = make_user(roles=["admin"])
    db.session.commit()
    assert pending_sign_in(client, admin, "/admin/users").headers["Location"] == (
        "/account/two-step"
    )
    # Posting "I have saved my codes" with no codes made, nothing turned on: still held.
    done = client.post("/account/two-step/recovery-codes/done")
    assert done.headers["Location"] == "/account/two-step"
    assert client.get("/admin/users").headers["Location"] == "/account/two-step"
    # Nor does a session without the hold's note escape it: the account decides.
    with client.session_transaction() as session:
        session.pop(two_factor_views.SETUP_DUE_KEY, None)
    assert client.get("/admin/users").headers["Location"] == "/account/two-step"
    assert "Back to your account" not in page(client.get("/account/two-step"))


def test_turning_it_off_in_a_required_role_holds_until_it_is_on_again(
    app: Flask, client: FlaskClient
):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = "admin"
    admin, _secret, _codes = enrolled(("admin",))
    login(client, admin)
    client.post("/account/two-step/turn-off", data={"password_or_code": PASSWORD})
    done = client.post("/account/two-step/recovery-codes/done")
    assert done.headers["Location"] == "/account/two-step"
    assert client.get("/admin/users").headers["Location"] == "/account/two-step"


def test_a_held_account_signed_in_before_the_rule_is_held_too(app: Flask, client: FlaskClient):
    # Signed in (no note of a hold in its session), then the setting names its role.
    manager = make_user(roles=["manager"])
    login(client, manager)
    assert client.get("/account").status_code == 200
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = "manager"
    assert client.get("/account").headers["Location"] == "/account/two-step"


def test_the_timeout_warning_can_ask_the_time_while_held(app: Flask, client: FlaskClient):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = "admin"
    admin = make_user(roles=["admin"])
    db.session.commit()
    pending_sign_in(client, admin)
    response = client.get("/account/session-time")
    assert response.status_code == 200 and response.is_json
    assert response.get_json()["seconds_left"] > 0


def test_a_required_role_can_sign_out_before_setting_it_up(app: Flask, client: FlaskClient):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = STAFF_ROLES
    manager = make_user(roles=["manager"])
    db.session.commit()
    pending_sign_in(client, manager)
    assert client.post("/sign-out").headers["Location"] == "/"
    assert client.get("/courses").status_code == 200
    # Signing in again asks again.
    assert pending_sign_in(client, manager).headers["Location"] == "/account/two-step"


def test_other_roles_are_offered_it_and_not_asked(app: Flask, client: FlaskClient):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = STAFF_ROLES
    trainer = make_user(roles=["trainer", "learner"])
    db.session.commit()
    assert pending_sign_in(client, trainer).headers["Location"] == "/"
    assert client.get("/account").status_code == 200
    assert "We recommend turning it on" in page(client.get("/account/two-step"))


def test_turning_it_off(client: FlaskClient):
    user, _secret, _codes = enrolled()
    login(client, user)
    assert "Turn off two-step verification" in page(client.get("/account/two-step/turn-off"))
    response = client.post("/account/two-step/turn-off", data={"password_or_code": "nope"})
    assert response.status_code == 400
    assert field_error(page(response), "password_or_code") == (
        "Enter your password, or the code your app shows now"
    )
    response = client.post("/account/two-step/turn-off", data={"password_or_code": PASSWORD})
    assert ("success", "Two-step verification is off.") in banners(follow(client, response))
    assert not two_factor.is_enabled(user)
    assert client.get("/account/two-step/turn-off").headers["Location"] == "/account/two-step"


def test_a_required_role_turning_it_off_sets_it_up_again(app: Flask, client: FlaskClient):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = STAFF_ROLES
    assessor, _secret, _codes = enrolled(("assessor",))
    login(client, assessor)
    client.post("/account/two-step/turn-off", data={"password_or_code": PASSWORD})
    assert client.get("/account").headers["Location"] == "/account/two-step"


def test_making_new_recovery_codes(client: FlaskClient):
    user, _secret, old = enrolled()
    login(client, user)
    text = page(client.get("/account/two-step/recovery-codes/new"))
    assert "You have 10 unused recovery codes." in text
    response = client.post("/account/two-step/recovery-codes/new")
    assert response.headers["Location"] == "/account/two-step/recovery-codes"
    shown = re.findall(
        r"<code>([A-Z0-9-]{11})</code>", page(client.get(response.headers["Location"]))
    )
    assert len(shown) == 10 and not set(shown) & set(old)


def test_an_admin_resets_it_from_the_account_page(app: Flask, client: FlaskClient):
    person, _secret, _codes = enrolled(full_name="Owain Glyn", email="owain@example.org")
    admin = make_user(roles=["admin"])
    login(client, admin)
    account = page(client.get(f"/admin/users/{person.id}"))
    assert "On since" in account
    assert f'href="/admin/users/{person.id}/two-step/reset"' in account
    confirm = page(client.get(f"/admin/users/{person.id}/two-step/reset"))
    assert "Reset two-step verification of Owain Glyn" in confirm
    response = client.post(f"/admin/users/{person.id}/two-step/reset")
    assert response.headers["Location"] == f"/admin/users/{person.id}"
    assert (
        "success",
        "Two-step verification of Owain Glyn has been reset. They have been emailed.",
    ) in banners(follow(client, response))
    assert two_factor.authenticator_of(person) is None
    [event] = db.session.execute(select(AuditEvent)).scalars()
    assert event.action == "account.two_factor_reset" and event.actor_id == admin.id
    assert len(outbox("owain@example.org")) == 1
    # Nothing left to reset: back to the account page.
    again = client.get(f"/admin/users/{person.id}/two-step/reset")
    assert again.headers["Location"] == f"/admin/users/{person.id}"
    # The person signs in with their password alone now.
    other = app.test_client()
    assert pending_sign_in(other, person).headers["Location"] == "/"


@pytest.mark.once
def test_production_refuses_a_role_that_does_not_exist_and_warns_when_none_is_required():
    from trainhub import settings_check

    production = {"ENV": "production", "TWO_FACTOR_REQUIRED_ROLES": "admin,admins"}
    [refused] = [
        f for f in settings_check.problems(production) if f.setting == "TWO_FACTOR_REQUIRED_ROLES"
    ]
    assert "admins" in refused.message
    assert not [
        f
        for f in settings_check.problems({"ENV": "production"})
        if f.setting == "TWO_FACTOR_REQUIRED_ROLES"
    ]
    empty = {"ENV": "production", "TWO_FACTOR_REQUIRED_ROLES": ""}
    assert "TWO_FACTOR_REQUIRED_ROLES" in {f.setting for f in settings_check.warnings(empty, {})}
