"""Sign-ins kept on the server: a copied session cookie is worth nothing once its sign-in ends.

Each test copies a browser's session cookie into a second client (the "copy"), ends the
sign-in the way a person or an administrator would, and sends the copy again. The clock
moves by editing the record's timestamps, never by sleeping.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from tests.helpers import login, sign_in_with_form
from tests.test_hardening import read_only
from trainhub.auth import sign_ins
from trainhub.auth.models import User, UserSession
from trainhub.auth.services import make_reset_token
from trainhub.extensions import db, utcnow

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
NEW_PASSWORD = "brand new words"


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def signed_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in")
        return False
    assert response.status_code == 200
    return True


def sign_ins_of(user: User) -> list[UserSession]:
    query = select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    return list(db.session.execute(query).scalars())


def message_after_redirect(client: FlaskClient) -> str:
    return client.get("/account", follow_redirects=True).get_data(as_text=True)


@pytest.fixture
def person(app: Flask) -> User:
    user = make_user(email="rhian.example@example.org", full_name="Rhian Example")
    db.session.commit()
    return user


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(roles=["admin"], email="admin@example.org"))
    return client


# A copied cookie after the sign-in ends ------------------------------------------------------


def test_signing_out_ends_the_sign_in_for_a_copied_cookie_too(app, client, person):
    client.environ_base["HTTP_USER_AGENT"] = CHROME_ON_WINDOWS
    assert sign_in_with_form(client, person.email).status_code == 302
    [record] = sign_ins_of(person)
    assert record.user_agent == CHROME_ON_WINDOWS and record.ip_address == "127.0.0.1"
    thief = copy_of(app, client)
    assert signed_in(thief)

    assert client.post("/sign-out").status_code == 302
    assert not signed_in(client)
    assert not signed_in(thief)
    db.session.expire_all()
    [record] = sign_ins_of(person)
    assert record.ended_at is not None and record.end_reason == "signed_out"


@pytest.mark.real_commits
def test_signing_out_works_while_the_database_refuses_writes(app, client, person, caplog):
    login(client, person)
    with read_only(app):
        response = client.post("/sign-out")
        assert response.status_code == 302 and response.headers["Location"] == "/"
        assert "You have signed out." in client.get("/").get_data(as_text=True)
        assert not signed_in(client)  # this browser, at once
    assert "Could not record the end of sign-in" in caplog.text
    # The record could not be closed: it ends at its idle timeout, like any other.
    [record] = sign_ins_of(person)
    assert record.ended_at is None


def test_a_user_agent_with_nul_and_line_breaks_is_kept_on_one_line(app, client, person):
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0\x00evil\r\nX-Forged: 1\t(Linux)"
    assert sign_in_with_form(client, person.email).status_code == 302
    [record] = sign_ins_of(person)
    assert record.user_agent == "Mozilla/5.0 evil X-Forged: 1 (Linux)"
    assert "Linux" in client.get("/account/sessions").get_data(as_text=True)


def test_a_password_change_ends_every_other_sign_in_and_renews_this_one(app, person):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, person)
    login(elsewhere, person)
    thief = copy_of(app, here)
    response = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert not signed_in(thief)  # the old cookie of this very browser is void as well
    assert "because your password was changed" in message_after_redirect(elsewhere)
    reasons = [r.end_reason for r in sign_ins_of(person)]
    assert reasons == ["password_changed", "password_changed", None]


def test_a_password_reset_ends_every_sign_in(app, client, person):
    login(client, person)
    thief = copy_of(app, client)
    path = f"/password/reset/{make_reset_token(person)}"
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not signed_in(client)
    assert not signed_in(thief)
    assert "because your password was reset" in message_after_redirect(thief)


def test_deactivation_ends_every_sign_in(app, client, person, admin):
    login(client, person)
    thief = copy_of(app, client)
    admin.post(f"/admin/users/{person.id}/active", data={"active": "no"})
    assert not signed_in(thief)
    assert not signed_in(client)
    assert [r.end_reason for r in sign_ins_of(person)] == ["deactivated"]
    # Reactivated, the old cookie still signs nobody in: that sign-in has ended.
    admin.post(f"/admin/users/{person.id}/active", data={"active": "yes"})
    assert not signed_in(thief)


def test_an_admin_signs_a_person_out_everywhere(app, person, admin):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, person)
    login(laptop, person)
    thief = copy_of(app, laptop)
    response = admin.post(f"/admin/users/{person.id}/sign-out", follow_redirects=True)
    assert "Rhian Example has been signed out of 2 sessions." in response.get_data(as_text=True)
    for client in (phone, laptop, thief):
        assert not signed_in(client)
    assert "signed out by a trainhub administrator" in message_after_redirect(phone)
    again = admin.post(f"/admin/users/{person.id}/sign-out", follow_redirects=True)
    assert "Rhian Example was not signed in anywhere." in again.get_data(as_text=True)


def test_an_admin_page_offers_sign_out_everywhere(person, admin):
    page = admin.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f'action="/admin/users/{person.id}/sign-out"' in page
    assert "Sign out everywhere" in page


def test_a_changed_email_address_ends_every_sign_in(app, client, person, admin):
    login(client, person)
    admin.post(
        f"/admin/users/{person.id}",
        data={
            "email": "rhian.new@example.org",
            "full_name": "Rhian Example",
            "preferred_language": "en",
            "roles": ["learner"],
        },
    )
    assert not signed_in(client)
    assert [r.end_reason for r in sign_ins_of(person)] == ["email_changed"]


# Idle and too old -----------------------------------------------------------------------------


@pytest.mark.real_commits
def test_an_idle_sign_in_ends(app, client, person):
    login(client, person)
    thief = copy_of(app, client)
    [record] = sign_ins_of(person)
    record.last_seen_at = utcnow() - timedelta(minutes=61)
    db.session.commit()
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Faccount"
    page = client.get("/sign-in").get_data(as_text=True)
    assert "You were signed out because you had not used trainhub for 60 minutes." in page
    assert "Sign in to see this page." not in page
    db.session.expire_all()
    assert record.end_reason == "idle" and record.ended_at is not None
    assert not signed_in(thief)


@pytest.mark.real_commits
def test_a_public_page_says_why_the_sign_in_ended(app, client, person):
    login(client, person)
    [record] = sign_ins_of(person)
    record.last_seen_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    page = client.get("/courses").get_data(as_text=True)
    assert "You were signed out because you had not used trainhub" in page
    assert "You were signed out" not in client.get("/courses").get_data(as_text=True)


@pytest.mark.real_commits
def test_a_sign_in_ends_after_its_lifetime_however_busy(app, client, person):
    login(client, person)
    [record] = sign_ins_of(person)
    record.created_at = utcnow() - timedelta(hours=12, minutes=1)
    db.session.commit()
    assert "because you signed in more than 12 hours ago" in message_after_redirect(client)
    db.session.expire_all()
    assert record.end_reason == "expired"


@pytest.mark.real_commits
def test_the_limits_are_settings(app, client, person):
    app.config.update(SESSION_IDLE_TIMEOUT=5 * 60)
    login(client, person)
    [record] = sign_ins_of(person)
    record.last_seen_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    assert "for 5 minutes" in message_after_redirect(client)


@pytest.mark.real_commits
def test_last_active_is_written_at_most_once_a_minute(app, client, person, count_queries):
    login(client, person)
    [record] = sign_ins_of(person)
    signed_in(client)
    before = count_queries.count
    assert signed_in(client)
    quiet = count_queries.count - before
    db.session.expire_all()
    first_seen = record.last_seen_at

    record.last_seen_at = first_seen - timedelta(seconds=61)
    db.session.commit()
    before = count_queries.count
    assert signed_in(client)
    assert count_queries.count - before == quiet + 1  # one UPDATE, once a minute
    db.session.expire_all()
    assert record.last_seen_at > first_seen - timedelta(seconds=1)
    # Kept alive by that request, the sign-in is not idle an hour after it began.
    assert signed_in(client)


def test_old_sign_ins_are_deleted_at_the_owners_next_sign_in(app, client, person):
    login(client, person)
    [old] = sign_ins_of(person)
    old.created_at = utcnow() - timedelta(days=91)
    old.ended_at = old.created_at + timedelta(hours=1)
    db.session.commit()
    sign_in_with_form(client, person.email)
    [kept] = sign_ins_of(person)
    assert kept.ended_at is None and kept.created_at > utcnow() - timedelta(minutes=1)


# Remember-me, and a cookie without a sign-in ---------------------------------------------------


def test_a_remember_me_cookie_signs_nobody_in(app, client, person):
    client.set_cookie("remember_token", encode_cookie(person.get_id()))
    assert not signed_in(client)


def test_a_session_cookie_without_a_sign_in_is_anonymous(app, client, person):
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    assert not signed_in(client)


# CSRF tokens and the session are new at sign-in and sign-out ----------------------------------


def _csrf_field(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, "no CSRF field on the page"
    return match.group(1)


def _session_csrf(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        value = session.get("csrf_token")
    return value


def test_the_csrf_token_and_session_change_at_sign_in_and_sign_out(app, client, person):
    app.config["WTF_CSRF_ENABLED"] = True
    client.get("/language/cy")
    form_token = _csrf_field(client.get("/sign-in").get_data(as_text=True))
    anonymous = _session_csrf(client)
    assert anonymous
    response = client.post(
        "/sign-in", data={"email": person.email, "password": PASSWORD, "csrf_token": form_token}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session.get("lang") == "cy"  # the language chosen survives
        assert "csrf_token" not in session
    page = client.get("/account/edit").get_data(as_text=True)
    signed_in_token = _session_csrf(client)
    assert signed_in_token and signed_in_token != anonymous
    # A form from before signing in no longer works.
    stale = client.post(
        "/account/edit", data={"full_name": "Someone Else", "csrf_token": form_token}
    )
    assert stale.status_code == 400

    response = client.post("/sign-out", data={"csrf_token": _csrf_field(page)})
    assert response.status_code == 302
    client.get("/sign-in")
    after = _session_csrf(client)
    assert after and after not in (anonymous, signed_in_token)
    with client.session_transaction() as session:
        assert session.get("lang") == "cy"
        assert "_user_id" not in session and "_sign_in" not in session


# The sessions page ------------------------------------------------------------------------------


def test_the_sessions_page_lists_open_sign_ins_and_marks_this_device(app, person):
    laptop, phone = app.test_client(), app.test_client()
    laptop.environ_base["HTTP_USER_AGENT"] = CHROME_ON_WINDOWS
    phone.environ_base["HTTP_USER_AGENT"] = SAFARI_ON_IPHONE
    sign_in_with_form(laptop, person.email)
    sign_in_with_form(phone, person.email)
    ended = app.test_client()
    sign_in_with_form(ended, person.email)
    ended.post("/sign-out")

    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "2 sessions" in page
    assert "Chrome on Windows" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1
    assert re.search(r"Chrome on Windows\s*<strong[^>]*>\s*This device", page)
    assert "127.0.0.1" in page
    assert "Sign out of all other sessions" in page
    assert "/account/sessions" in laptop.get("/account").get_data(as_text=True)


def test_ending_one_session_from_the_page(app, person):
    laptop, phone = app.test_client(), app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = SAFARI_ON_IPHONE
    login(laptop, person)
    sign_in_with_form(phone, person.email)
    phone_sign_in = sign_ins_of(person)[-1]
    response = laptop.post(f"/account/sessions/{phone_sign_in.id}/end", follow_redirects=True)
    assert "You have signed out of Safari on iPhone." in response.get_data(as_text=True)
    assert not signed_in(phone)
    assert "You were signed out from another device." in message_after_redirect(phone)
    assert signed_in(laptop)
    # Ended already: nothing to end.
    assert laptop.post(f"/account/sessions/{phone_sign_in.id}/end").status_code == 404


def test_ending_an_unknown_browsers_session_is_a_whole_welsh_sentence(app, person):
    """An unknown browser is not a word put into "signed out of %(device)s": Welsh would
    need it mutated after "o" (o'r porwr hwnnw)."""
    person.preferred_language = "cy"
    laptop, script = app.test_client(), app.test_client()
    script.environ_base["HTTP_USER_AGENT"] = "curl/8.5.0"
    login(laptop, person)
    sign_in_with_form(script, person.email)
    script_sign_in = sign_ins_of(person)[-1]
    response = laptop.post(f"/account/sessions/{script_sign_in.id}/end", follow_redirects=True)
    assert "Rydych wedi allgofnodi o'r porwr hwnnw." in html.unescape(
        response.get_data(as_text=True)
    )


def test_ending_this_devices_session_signs_out(app, client, person):
    login(client, person)
    [record] = sign_ins_of(person)
    response = client.post(f"/account/sessions/{record.id}/end")
    assert response.headers["Location"] == "/"
    assert not signed_in(client)


def test_signing_out_of_all_other_sessions(app, person):
    here, there, elsewhere = app.test_client(), app.test_client(), app.test_client()
    for client in (here, there, elsewhere):
        login(client, person)
    response = here.post("/account/sessions/end-others", follow_redirects=True)
    assert "You have signed out of 2 other sessions." in response.get_data(as_text=True)
    assert signed_in(here)
    assert not signed_in(there) and not signed_in(elsewhere)
    page = here.get("/account/sessions").get_data(as_text=True)
    assert "1 session" in page and "You are not signed in anywhere else." in page
    assert "Sign out of all other sessions" not in page


def test_nobody_ends_someone_elses_session(app, person):
    victim, intruder = app.test_client(), app.test_client()
    login(victim, person)
    login(intruder, make_user(roles=["admin"]))
    [record] = sign_ins_of(person)
    assert intruder.post(f"/account/sessions/{record.id}/end").status_code == 404
    assert intruder.post("/account/sessions/999999/end").status_code == 404
    assert signed_in(victim)
    assert "rhian" not in intruder.get("/account/sessions").get_data(as_text=True).lower()


def test_ending_sessions_needs_a_post_and_a_signed_in_person(app, client, person):
    login(app.test_client(), person)
    [record] = sign_ins_of(person)
    assert client.post(f"/account/sessions/{record.id}/end").status_code == 302
    assert client.get(f"/account/sessions/{record.id}/end").status_code == 405
    db.session.expire_all()
    assert record.ended_at is None


# Browsers, as the page names them (pure logic: no database) -----------------------------------


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_ON_WINDOWS, "Chrome on Windows"),
        (SAFARI_ON_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on macOS",
        ),
        (CHROME_ON_WINDOWS + " Edg/131.0.0.0", "Edge on Windows"),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_browsers_are_described_in_a_few_words(user_agent, expected):
    assert sign_ins.describe_browser(user_agent) == expected
