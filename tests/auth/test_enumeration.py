"""Nobody learns from trainhub's answers whether an e-mail address has an account.

Registration and "I have forgotten my password" answer an address with an account and one
without in the same way: the same status, the same page, one message in the outbox (none
within two minutes of the last), and the same SQL statements (work done, not a timing test).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_user
from tests.helpers import QueryCounter, outbox, sign_in_with_form
from trainhub.auth.models import User
from trainhub.auth.services import authentication, passwords
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("app")

TAKEN = "taken@example.org"
NEW = "brand.new@example.org"


def registration(email: str, **overrides: str) -> dict[str, str]:
    data = {"email": email, "full_name": "Some One", "preferred_language": "en"}
    data.update(overrides)
    return data


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def text(response: Any) -> str:
    """A page's text, less the script nonce that is new on every page."""
    return re.sub(r'nonce="[^"]*"', 'nonce=""', response.get_data(as_text=True))


def answer(client: FlaskClient, path: str, data: dict[str, str]) -> tuple[Any, ...]:
    """What the person sees: the status, where it sends them and that page's text."""
    response = client.post(path, data=data)
    location = response.headers.get("Location")
    page = client.get(location) if location else response
    return response.status_code, location, page.status_code, text(page)


@pytest.fixture
def owner() -> User:
    user = make_user(email=TAKEN, full_name="Owen Owner")
    db.session.commit()
    return user


# Registration ---------------------------------------------------------------------------------


def test_registering_a_taken_address_looks_like_registering_a_new_one(app, owner):
    taken = answer(app.test_client(), "/register", registration("Taken@Example.org"))
    assert len(outbox()) == 1 and users() == 1
    new = answer(app.test_client(), "/register", registration(NEW))
    assert len(outbox()) == 2 and users() == 2
    assert taken == new
    assert taken[:3] == (302, "/register/sent", 200)
    assert "Check your email" in taken[3]

    to_owner, to_new = outbox()
    assert to_owner.to_address == TAKEN and to_new.to_address == NEW
    assert "you already have an account" in to_owner.body
    assert "/password/forgotten" in to_owner.body and "/register/confirm/" not in to_owner.body
    assert "/register/confirm/" in to_new.body and "create your password" in to_new.body
    # The owner's account is as it was: same name, same password.
    db.session.expire_all()
    assert db.session.get(User, owner.id).full_name == "Owen Owner"


def statements(client: FlaskClient, counter: QueryCounter, email: str) -> list[str]:
    """The first line of each SQL statement one registration sends."""
    before = counter.count
    assert client.post("/register", data=registration(email)).status_code == 302
    return [statement.strip().splitlines()[0] for statement in counter.statements[before:]]


def test_registration_runs_the_same_statements_for_any_address(app, owner, count_queries):
    make_user(email="waiting@example.org", email_confirmed=False, password=None)
    make_user(email="gone@example.org", active=False)
    db.session.commit()
    runs = {
        email: statements(app.test_client(), count_queries, email)
        for email in (NEW, TAKEN, "waiting@example.org", "gone@example.org")
    }
    assert len({len(found) for found in runs.values()}) == 1, runs
    assert len(outbox()) == 4 and users() == 4
    # Again within two minutes: nothing sent, and the same statements again.
    again = {
        email: statements(app.test_client(), count_queries, email)
        for email in (NEW, TAKEN, "waiting@example.org", "gone@example.org")
    }
    assert len({len(found) for found in again.values()}) == 1, again
    assert len(outbox()) == 4 and users() == 4


def test_registration_hashes_no_password(app, owner, monkeypatch):
    import trainhub.auth.models as models

    def refused(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("no password is hashed at registration")

    monkeypatch.setattr(authentication, "generate_password_hash", refused)
    monkeypatch.setattr(models, "generate_password_hash", refused)
    for email in (TAKEN, NEW):
        data = registration(email, password="three random words", confirm="three random words")
        assert app.test_client().post("/register", data=data).status_code == 302
    assert len(outbox()) == 2


@pytest.mark.parametrize(
    "overrides",
    [{"full_name": ""}, {"organisation_id": "999"}, {"job_title": "x" * 201}],
)
def test_a_refused_registration_reads_the_same_for_a_taken_address(app, owner, overrides):
    taken = answer(app.test_client(), "/register", registration(TAKEN, **overrides))
    new = answer(app.test_client(), "/register", registration(NEW, **overrides))
    assert taken[0] == new[0] == 400
    assert taken[3].replace(TAKEN, NEW) == new[3]
    assert outbox() == [] and users() == 1


@pytest.mark.parametrize("email", [TAKEN, NEW, "waiting@example.org"])
def test_an_address_is_not_mailed_again_within_two_minutes(app, owner, email):
    make_user(email="waiting@example.org", email_confirmed=False, password=None)
    db.session.commit()
    for _ in range(3):
        app.test_client().post("/register", data=registration(email))
    assert len(outbox()) == 1


@pytest.mark.parametrize("email", [TAKEN, NEW, "waiting@example.org"])
def test_nothing_is_sent_within_two_minutes_of_a_reset_request(app, owner, email):
    make_user(email="waiting@example.org", email_confirmed=False, password=None)
    db.session.commit()
    app.test_client().post("/password/forgotten", data={"email": email})
    accounts = users()
    app.test_client().post("/register", data=registration(email))
    assert len(outbox()) == 1 and users() == accounts


def test_an_unconfirmed_account_is_refused_like_a_wrong_password(client):
    make_user(email="waiting@example.org", email_confirmed=False)
    db.session.commit()
    right = sign_in_with_form(client, "waiting@example.org")
    wrong = sign_in_with_form(client, "waiting@example.org", "not the password at all")
    assert right.status_code == wrong.status_code == 400
    assert text(right) == text(wrong)


def test_a_deactivated_owner_is_told_to_ask_an_administrator(app):
    make_user(email=TAKEN, active=False)
    db.session.commit()
    assert answer(app.test_client(), "/register", registration(TAKEN))[1] == "/register/sent"
    [message] = outbox()
    assert "deactivated" in message.body and "/password/forgotten" not in message.body


# Password reset -----------------------------------------------------------------------------


def reset_request(client: FlaskClient, counter: QueryCounter, email: str) -> tuple[Any, ...]:
    before = counter.count
    response = client.post("/password/forgotten", data={"email": email})
    statements = counter.count - before
    return response.status_code, response.headers["Location"], statements


@pytest.mark.parametrize(
    "other", ["nobody@example.org", "deactivated@example.org", "waiting@example.org"]
)
def test_a_reset_does_the_same_work_for_any_address(app, owner, count_queries, other):
    make_user(email="deactivated@example.org", active=False)
    make_user(email="waiting@example.org", email_confirmed=False, password=None)
    db.session.commit()
    known = reset_request(app.test_client(), count_queries, TAKEN)
    unknown = reset_request(app.test_client(), count_queries, other)
    assert known == unknown
    assert known[:2] == (302, "/password/sent")
    to_owner, to_other = outbox()
    assert "/password/reset/" in to_owner.body
    assert to_other.to_address == other and "/password/reset/" not in to_other.body
    # An account never confirmed gets the link that creates its password.
    assert ("/register/confirm/" in to_other.body) == (other == "waiting@example.org")
    pages = [text(app.test_client().get("/password/sent")) for _ in range(2)]
    assert pages[0] == pages[1]


def test_an_unknown_address_is_not_mailed_again_within_two_minutes(client):
    for _ in range(3):
        client.post("/password/forgotten", data={"email": "nobody@example.org"})
    assert len(outbox()) == 1


def test_an_unknown_address_is_written_to_in_the_askers_language(client, monkeypatch):
    languages: list[str] = []
    real = passwords.queue_templated_mail

    def recording(recipient: Any, *args: Any, **kwargs: Any) -> OutboxMessage:
        languages.append(recipient.preferred_language)
        return real(recipient, *args, **kwargs)

    monkeypatch.setattr(passwords, "queue_templated_mail", recording)
    client.get("/language/cy")
    client.post("/password/forgotten", data={"email": "nobody@example.org"})
    assert languages == ["cy"] and len(outbox()) == 1
