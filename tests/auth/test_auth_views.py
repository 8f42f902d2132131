"""Signing in and out, registration and password reset, as a person meets them."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from tests.factories import PASSWORD, make_organisation, make_user
from tests.helpers import login, sign_in_with_form
from trainhub.auth import services
from trainhub.auth.models import User
from trainhub.auth.services import authentication, make_reset_token, passwords, user_for_reset_token
from trainhub.extensions import db, utcnow
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("app")


def outbox_to(address: str) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id)  # PostgreSQL moves an updated row to the end of the heap
    )
    return list(db.session.execute(query).scalars())


def test_sign_in_with_any_case_of_email(client):
    user = make_user(email="casey@example.org")
    db.session.commit()
    response = sign_in_with_form(client, "Casey@Example.ORG ")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None


@pytest.mark.parametrize("email", ["casey@example.org", "nobody@example.org"])
def test_bad_credentials_get_one_generic_message(client, email):
    make_user(email="casey@example.org")
    db.session.commit()
    response = sign_in_with_form(client, email, "wrong-password-here")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a correct email address and password" in page
    assert "There is no account" not in page


def test_deactivated_account_cannot_sign_in_and_is_signed_out(client):
    user = make_user(email="gone@example.org")
    db.session.commit()
    login(client, user)
    user.active = False
    db.session.commit()
    assert client.get("/account").status_code == 302
    assert sign_in_with_form(client, "gone@example.org").status_code == 400


def test_sign_in_follows_only_local_next(client):
    make_user(email="casey@example.org")
    db.session.commit()
    response = client.post(
        "/sign-in?next=https://evil.example.com/",
        data={"email": "casey@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
    client.post("/sign-out")
    response = client.post(
        "/sign-in?next=/courses", data={"email": "casey@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/courses"


def test_sign_out_needs_post_and_ends_the_session(client):
    login(client, make_user())
    db.session.commit()
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 302
    assert client.get("/account").status_code == 302


def link_in(message: OutboxMessage, path: str) -> str:
    """The path of the link to ``path``… in an e-mail."""
    link = next(word for word in message.body.split() if path in word)
    return link.replace("https://trainhub.example.org", "")


def _registration(**overrides: str) -> dict[str, str]:
    data = {"email": "someone@example.org", "full_name": "Some One", "preferred_language": "en"}
    data.update(overrides)
    return data


def _create(password: str, confirm: str | None = None) -> dict[str, str]:
    return {"password": password, "confirm": password if confirm is None else confirm}


def registered_minutes_ago(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, minutes: int, **data: str
) -> OutboxMessage:
    """Register as if it had happened ``minutes`` ago (the account, its link and its e-mail);
    returns the e-mail. Links carry their time in whole seconds, so a second registration
    in the same second could not be told from the first."""
    then = time.time() - minutes * 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(then))
        assert client.post("/register", data=_registration(**data)).status_code == 302
    address = services.normalise_email(data.get("email", "someone@example.org"))
    [message] = outbox_to(address)
    user = services.find_user_by_email(address)
    assert user is not None
    message.created_at -= timedelta(minutes=minutes)
    # The account is as old as its link (whole seconds): taking the minutes off the real
    # time of the request could make it a second younger than the link, which voids it.
    user.created_at = datetime.fromtimestamp(int(then), UTC)
    db.session.commit()
    return message


def test_register_makes_an_account_whose_owner_creates_the_password_from_the_link(client):
    organisation = make_organisation(name="Cardiff Council")
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert 'type="password"' not in page
    response = client.post(
        "/register",
        data={
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "organisation_id": str(organisation.id),
            "sector": "local_authority",
            "local_authority": "cardiff",
            "professional_background": "social_worker",
            "job_title": "Social Worker",
            "supplies_family_support": "y",
            "preferred_language": "cy",
        },
    )
    assert response.headers["Location"] == "/register/sent"
    user = db.session.execute(
        select(User).where(User.email == "new.person@example.org")
    ).scalar_one()
    assert user.roles == {"learner"}
    assert user.organisation_id == organisation.id
    assert (user.sector, user.local_authority) == ("local_authority", "cardiff")
    assert (user.professional_background, user.job_title) == ("social_worker", "Social Worker")
    assert user.supplies_family_support and not user.ifst_member
    assert user.preferred_language == "cy" and user.active
    assert user.password_hash is None and not user.email_confirmed
    assert client.get("/account").status_code == 302  # not signed in

    [message] = outbox_to("new.person@example.org")
    path = link_in(message, "/register/confirm/")
    page = client.get(path)
    assert page.status_code == 200
    assert "Create your password" in page.get_data(as_text=True)
    response = client.post(path, data=_create("harbour lantern meadow"))
    assert response.headers["Location"] == "/"
    assert client.get("/account").status_code == 200  # signed in by creating it
    user = db.session.get(User, user.id)
    assert user.email_confirmed and user.check_password("harbour lantern meadow")
    assert user.last_login_at is not None
    # The link works once; the password works from then on.
    assert client.get(path).status_code == 404
    client.post("/sign-out")
    assert (
        sign_in_with_form(client, "new.person@example.org", "harbour lantern meadow").status_code
        == 302
    )


def test_opening_the_link_confirms_nothing(app, client):
    client.post("/register", data=_registration())
    [message] = outbox_to("someone@example.org")
    path = link_in(message, "/register/confirm/")
    for _ in range(3):  # a mail scanner, a preview, the person
        assert app.test_client().get(path).status_code == 200
    user = db.session.execute(select(User).where(User.email == "someone@example.org")).scalar_one()
    assert not user.email_confirmed and user.password_hash is None
    assert client.post(path, data=_create("harbour lantern meadow")).status_code == 302


def test_someone_who_registers_another_persons_address_gets_nothing(app, monkeypatch):
    attacker, scanner, owner = app.test_client(), app.test_client(), app.test_client()
    victim = "victim.person@example.org"
    # The attacker registers the address, with a password field the form no longer reads.
    first = registered_minutes_ago(
        attacker,
        monkeypatch,
        3,
        email=victim,
        full_name="Not The Owner",
        **_create("attacker words here"),
    )
    first_link = link_in(first, "/register/confirm/")
    assert scanner.get(first_link).status_code == 200  # the owner's mail gateway opens it
    account = db.session.execute(select(User).where(User.email == victim)).scalar_one()
    assert account.password_hash is None and not account.email_confirmed
    assert sign_in_with_form(attacker, victim, "attacker words here").status_code == 400

    # Later the owner registers: a fresh link (not "someone tried"), with their own details.
    owner.post("/register", data=_registration(email=victim, full_name="Vicky Owner"))
    second = outbox_to(victim)[-1]
    assert "/register/confirm/" in second.body and "already have an account" not in second.body
    owner_link = link_in(second, "/register/confirm/")
    assert owner.get(first_link).status_code == 404  # the attacker's registration is over
    response = owner.post(owner_link, data=_create("the owners own words"))
    assert response.headers["Location"] == "/"
    account = db.session.get(User, account.id)
    assert account.full_name == "Vicky Owner" and account.email_confirmed
    assert account.check_password("the owners own words")
    assert not account.check_password("attacker words here")
    assert sign_in_with_form(attacker, victim, "attacker words here").status_code == 400
    assert owner.get("/account").status_code == 200


def test_a_second_registration_voids_the_first_link(app, client, monkeypatch):
    first = registered_minutes_ago(client, monkeypatch, 3, full_name="First Try")
    first_link = link_in(first, "/register/confirm/")
    assert client.get(first_link).status_code == 200

    app.test_client().post("/register", data=_registration(full_name="Second Try"))
    second = outbox_to("someone@example.org")[-1]
    assert second.id != first.id
    assert client.get(first_link).status_code == 404
    assert client.post(first_link, data=_create("harbour lantern meadow")).status_code == 404
    second_link = link_in(second, "/register/confirm/")
    assert client.post(second_link, data=_create("harbour lantern meadow")).status_code == 302
    users = db.session.execute(select(User)).scalars().all()
    assert [(u.full_name, u.roles) for u in users] == [("Second Try", {"learner"})]


def test_registering_again_removes_a_password_set_before_confirmation(app, client):
    # An account registered (with a password) before registration stopped asking for one.
    user = make_user(email="someone@example.org", email_confirmed=False)
    db.session.commit()
    client.post("/register", data=_registration())
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.password_hash is None and not user.email_confirmed
    [message] = outbox_to("someone@example.org")
    assert "/register/confirm/" in message.body


def test_a_reset_request_for_an_unconfirmed_account_sends_the_create_password_link(client):
    user = make_user(email="waiting@example.org", email_confirmed=False, password=None)
    db.session.commit()
    client.post("/password/forgotten", data={"email": "waiting@example.org"})
    [message] = outbox_to("waiting@example.org")
    assert "no password yet" in message.body and "/password/reset/" not in message.body
    path = link_in(message, "/register/confirm/")
    assert client.post(path, data=_create("harbour lantern meadow")).headers["Location"] == "/"
    assert db.session.get(User, user.id).email_confirmed


def test_a_confirmation_link_is_not_a_password_link(client):
    user = make_user(email_confirmed=False, password=None)
    db.session.commit()
    confirm = make_reset_token(user, "confirm")
    assert client.get(f"/password/reset/{confirm}").status_code == 404
    assert client.get(f"/register/confirm/{make_reset_token(user)}").status_code == 404
    assert client.get(f"/register/confirm/{make_reset_token(user, 'invite')}").status_code == 404
    assert client.get(f"/register/confirm/{confirm}").status_code == 200


def test_a_password_link_confirms_the_address_too(client):
    user = make_user(email="late@example.org", email_confirmed=False)
    db.session.commit()
    path = f"/password/reset/{make_reset_token(user)}"
    client.post(path, data=_create("a brand new secret"))
    assert sign_in_with_form(client, "late@example.org", "a brand new secret").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Password must be 10 characters or more"),
        ("password123", "Password is too easy to guess"),
        ("aaaaaaaaaaaa", "Password is too easy to guess"),
        ("someone-secret", "must not contain your email address"),
    ],
)
def test_creating_a_weak_password_is_refused(client, password, message):
    user = make_user(email="someone@example.org", email_confirmed=False, password=None)
    db.session.commit()
    response = client.post(
        f"/register/confirm/{make_reset_token(user, 'confirm')}", data=_create(password)
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    user = db.session.get(User, user.id)
    assert user.password_hash is None and not user.email_confirmed
    assert client.get("/account").status_code == 302


def test_creating_a_password_needs_it_twice_the_same(client):
    user = make_user(email_confirmed=False, password=None)
    db.session.commit()
    path = f"/register/confirm/{make_reset_token(user, 'confirm')}"
    response = client.post(path, data=_create("harbour lantern meadow", "something else entirely"))
    assert response.status_code == 400
    assert "The passwords do not match" in response.get_data(as_text=True)


def test_register_with_an_unknown_organisation_is_refused(client):
    response = client.post("/register", data=_registration(organisation_id="999"))
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


@pytest.mark.once
def test_self_registration_can_be_switched_off(app: Flask, client):
    app.config["SELF_REGISTRATION"] = False
    assert client.get("/register").status_code == 404
    assert "create an account" not in client.get("/sign-in").get_data(as_text=True).lower()


def test_password_reset_round_trip(client):
    user = make_user(email="forgetful@example.org")
    db.session.commit()
    response = client.post("/password/forgotten", data={"email": "Forgetful@example.org"})
    assert response.headers["Location"] == "/password/sent"
    [message] = outbox_to("forgetful@example.org")
    assert "https://trainhub.example.org/password/reset/" in message.body
    link = next(w for w in message.body.split() if "/password/reset/" in w)
    path = link.replace("https://trainhub.example.org", "")
    assert client.get(path).status_code == 200
    response = client.post(
        path, data={"password": "a brand new secret", "confirm": "a brand new secret"}
    )
    assert response.headers["Location"] == "/sign-in"
    assert (
        sign_in_with_form(client, "forgetful@example.org", "a brand new secret").status_code == 302
    )
    # The link works once.
    assert client.get(path).status_code == 404
    assert db.session.get(User, user.id).check_password("a brand new secret")
    # The app hashes with scrypt (the tests' own accounts with a quicker method).
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:32768:8:1$")


def test_password_reset_for_an_unknown_address_says_the_same_and_tells_the_address(client):
    response = client.post("/password/forgotten", data={"email": "nobody@example.org"})
    assert response.headers["Location"] == "/password/sent"
    [message] = outbox_to("nobody@example.org")
    assert "there is no account with it" in message.body
    assert "/password/reset/" not in message.body
    assert "https://trainhub.example.org/register" in message.body


def test_reset_links_expire(app: Flask, monkeypatch):
    user = make_user()
    db.session.commit()
    token = make_reset_token(user)
    assert user_for_reset_token(token) == user

    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(passwords, "utcnow", lambda: later)
    assert user_for_reset_token(token) is None
    # An invitation lives for days, not an hour.
    invite = make_reset_token(user, "invite")
    assert user_for_reset_token(invite) == user


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ.bad.sig"])
@pytest.mark.once
def test_forged_reset_links_show_the_expired_page(client, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 404
    assert "expired or was already used" in response.get_data(as_text=True)


def test_reset_password_must_be_strong(client):
    user = make_user(email="weak@example.org")
    db.session.commit()
    path = f"/password/reset/{make_reset_token(user)}"
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_change_password_checks_the_current_one(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post(
        "/account/password",
        data={
            "current_password": "not it at all",
            "password": "brand new words",
            "confirm": "brand new words",
        },
    )
    assert response.status_code == 400
    assert "Your current password is not right" in response.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "brand new words",
            "confirm": "brand new words",
        },
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).check_password("brand new words")


def test_edit_own_details(client):
    user = make_user(full_name="Old Name")
    db.session.commit()
    login(client, user)
    page = client.get("/account/edit").get_data(as_text=True)
    assert 'value="Old Name"' in page
    response = client.post(
        "/account/edit",
        data={
            "full_name": "New Name",
            "preferred_language": "en",
            "ifst_member": "y",
            "job_title": "IRO",
        },
    )
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert (user.full_name, user.ifst_member, user.job_title) == ("New Name", True, "IRO")
    assert user.roles == {"learner"}  # nobody grants themselves a role here


def test_empty_name_is_refused_with_the_field_linked(client):
    login(client, make_user())
    db.session.commit()
    response = client.post("/account/edit", data={"full_name": "", "preferred_language": "en"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your full name" in page
    assert 'href="#full_name"' in page


def test_repeated_wrong_passwords_lock_the_account_for_a_while(app, client, monkeypatch):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=900)
    user = make_user(email="target@example.org")
    db.session.commit()
    for _ in range(3):
        assert (
            sign_in_with_form(client, "target@example.org", "guess-guess-guess").status_code == 400
        )
    locked = db.session.get(User, user.id)
    assert locked.locked_until is not None and locked.failed_logins == 0
    [warning] = outbox_to("target@example.org")
    assert "locked" in warning.subject and "/password/reset/" in warning.body
    # Even the right password is refused while locked, with the same message.
    response = sign_in_with_form(client, "target@example.org")
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    # After the lock has passed, the right password works and the count starts again.

    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(authentication, "utcnow", lambda: later)
    assert sign_in_with_form(client, "target@example.org").status_code == 302
    assert db.session.get(User, user.id).locked_until is None


def test_a_right_password_resets_the_count(app, client):
    app.config.update(LOGIN_MAX_FAILURES=3)
    user = make_user(email="careful@example.org")
    db.session.commit()
    sign_in_with_form(client, "careful@example.org", "wrong-wrong-wrong")
    sign_in_with_form(client, "careful@example.org", "wrong-wrong-wrong")
    assert db.session.get(User, user.id).failed_logins == 2
    assert sign_in_with_form(client, "careful@example.org").status_code == 302
    assert db.session.get(User, user.id).failed_logins == 0


def test_a_password_reset_lifts_a_lock(app, client):
    app.config.update(LOGIN_MAX_FAILURES=2)
    user = make_user(email="locked@example.org")
    db.session.commit()
    for _ in range(2):
        sign_in_with_form(client, "locked@example.org", "wrong-wrong-wrong")
    assert db.session.get(User, user.id).locked_until is not None
    path = f"/password/reset/{make_reset_token(db.session.get(User, user.id))}"
    client.post(path, data={"password": "a fresh long secret", "confirm": "a fresh long secret"})
    assert sign_in_with_form(client, "locked@example.org", "a fresh long secret").status_code == 302


def test_a_lock_warns_the_owner_once_a_day(app, client):
    app.config.update(LOGIN_MAX_FAILURES=1, LOGIN_LOCKOUT_SECONDS=0)
    make_user(email="pestered@example.org")
    db.session.commit()
    for _ in range(5):
        sign_in_with_form(client, "pestered@example.org", "wrong-wrong-wrong")
    assert len(outbox_to("pestered@example.org")) == 1


def test_changing_the_password_signs_out_other_sessions(app):
    user = make_user()
    db.session.commit()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    response = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "brand new words",
            "confirm": "brand new words",
        },
    )
    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302


def test_a_new_email_address_voids_links_sent_to_the_old_one(app):
    user = make_user(email="old@example.org")
    db.session.commit()
    token = make_reset_token(user)
    user.email = "new@example.org"
    db.session.commit()
    assert user_for_reset_token(token) is None


def test_reset_requests_are_not_repeated_within_two_minutes(client):
    make_user(email="impatient@example.org")
    db.session.commit()
    for _ in range(3):
        assert (
            client.post("/password/forgotten", data={"email": "impatient@example.org"}).status_code
            == 302
        )
    assert len(outbox_to("impatient@example.org")) == 1


def test_password_fields_tell_password_managers_what_they_are(client):
    page = client.get("/register").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*id="email"[^>]*type="email"|<input[^>]*type="email"[^>]*id="email"', page
    )
    user = make_user(email_confirmed=False, password=None)
    db.session.commit()
    page = client.get(f"/register/confirm/{make_reset_token(user, 'confirm')}").get_data(
        as_text=True
    )
    assert re.search(r'<input[^>]*id="password"[^>]*autocomplete="new-password"', page)
    assert re.search(r'<input[^>]*id="confirm"[^>]*autocomplete="new-password"', page)
    page = client.get("/sign-in").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="password"[^>]*autocomplete="current-password"', page)


def test_every_email_field_asks_the_browser_to_fill_it_once(client: FlaskClient) -> None:
    for path in ("/sign-in", "/register", "/password/forgotten"):
        page = client.get(path).get_data(as_text=True)
        fields = re.findall(r"<input[^>]*type=\"email\"[^>]*>", page)
        assert fields, path
        for field in fields:
            assert field.count("autocomplete=") == 1, (path, field)
