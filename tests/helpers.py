"""The helpers every area's tests share: signing in, counting rows, reading pages and mail.

Fixtures live in ``tests/conftest.py``; these are plain functions, imported where used.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import PASSWORD
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

# Signing in ------------------------------------------------------------------------------------


def login(client: FlaskClient, user: User) -> FlaskClient:
    """Sign ``user`` in on ``client`` as the sign-in page does: a sign-in record (committed,
    with whatever else the test has added) and the session cookie Flask-Login reads."""
    from trainhub.auth.sign_ins import start_session
    from trainhub.auth.views import SIGN_IN_KEY

    token = start_session(user, "pytest", "127.0.0.1")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SIGN_IN_KEY] = token
    return client


def sign_in_with_form(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Post the sign-in form, as a person at the browser would."""
    return client.post("/sign-in", data={"email": email, "password": password})


def as_user(app: Flask, user: User | None) -> FlaskClient:
    """A new client signed in as ``user`` (anonymous for None); commits what the test made."""
    db.session.commit()
    client = app.test_client()
    return login(client, user) if user is not None else client


# Reading the database --------------------------------------------------------------------------


def count(model: Any, *where: Any) -> int:
    """Rows of ``model`` (matching ``where``) the test's session sees now, its own pending
    changes flushed first."""
    db.session.flush()
    query = select(func.count()).select_from(model).where(*where)
    return int(db.session.execute(query).scalar_one())


def outbox(to: User | str | None = None) -> list[OutboxMessage]:
    """Messages queued so far (to one person or address when given), oldest first."""
    db.session.flush()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to is not None:
        address = to if isinstance(to, str) else to.email
        query = query.where(OutboxMessage.to_address == address)
    return list(db.session.execute(query).scalars())


# Reading pages ---------------------------------------------------------------------------------


def page(response: Any) -> str:
    """The page's text with character references decoded (``&#39;`` is ``'``), so messages
    can be matched as a person reads them."""
    return html.unescape(response.get_data(as_text=True))


def page_html(response: Any) -> str:
    """The page's HTML as sent, character references and all (for tests of escaping)."""
    return str(response.get_data(as_text=True))


def follow(client: FlaskClient, response: Any) -> str:
    """The page a redirect leads to (where the flashed message is shown)."""
    assert response.status_code == 302, response.status_code
    return page(client.get(response.headers["Location"]))


def field_error(text: str, field_id: str) -> str | None:
    """The error message shown next to the field with this id, if any."""
    match = re.search(
        rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', text, re.S
    )
    if match is None:
        return None
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()).removeprefix("Error: ")


def summary_errors(text: str) -> list[str]:
    """The messages in the error summary at the top of the page."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', text, re.S)
    if match is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def summary_links(text: str) -> list[str]:
    """Where the error summary's links point."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', text, re.S)
    return re.findall(r'href="#([^"]+)"', match.group(0)) if match else []


def banners(text: str) -> list[tuple[str, str]]:
    """The flashed messages on a page, as (kind, message): kind is "success" or "important".
    Messages of one kind share a banner, a heading each (``macros.flashes``)."""
    found: list[tuple[str, str]] = []
    starts = re.split(
        r'<div class="govuk-notification-banner( govuk-notification-banner--success)?"', text
    )
    for kind, banner in zip(starts[1::2], starts[2::2], strict=True):
        for message in re.findall(
            r'<p class="govuk-notification-banner__heading">(.*?)</p>', banner, re.S
        ):
            found.append(("success" if kind else "important", " ".join(message.split())))
    return found


# Counting queries ------------------------------------------------------------------------------


class QueryCounter:
    """The SQL statements the app sent while the ``count_queries`` fixture listened."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


def wait_until(check: Callable[[], bool], what: str, within: float = 60.0) -> None:
    """Wait until ``check()`` is true: what the app or the database shows, never a fixed time,
    so a busy machine only makes it slower. Fails, saying ``what``, after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"still not {what} after {within:.0f} s"
        time.sleep(0.1)
