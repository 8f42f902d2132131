"""The outbox: written with the change that causes it, delivered once, never lost."""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import make_user
from tests.helpers import login
from trainhub.extensions import db, utcnow
from trainhub.mail.models import OutboxMessage
from trainhub.mail.services import Attachment, backoff, queue_mail
from trainhub.mail.worker import build_email, deliver_due, html_body

pytestmark = pytest.mark.usefixtures("app")


class FakeTransport:
    def __init__(self, fail_times: int = 0) -> None:
        self.sent: list[EmailMessage] = []
        self.fail_times = fail_times

    def __call__(self, message: EmailMessage) -> None:
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionRefusedError("SMTP server down")
        self.sent.append(message)


def test_a_message_is_written_only_if_its_change_commits():
    queue_mail("a@example.org", "Kept", "body")
    db.session.commit()
    queue_mail("b@example.org", "Rolled back", "body")
    db.session.rollback()
    subjects = set(db.session.execute(select(OutboxMessage.subject)).scalars())
    assert subjects == {"Kept"}


def test_delivery_sends_each_message_once_with_attachments(app):
    queue_mail(
        "a@example.org",
        "Your booking",
        "See you there",
        [Attachment("course.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR")],
    )
    db.session.commit()
    transport = FakeTransport()
    report = deliver_due(transport)
    assert (report.sent, report.failed) == (1, 0)
    [email] = transport.sent
    assert email["To"] == "a@example.org"
    assert email["From"] == app.config["MAIL_FROM"]
    # A calendar invitation: the meeting in the alternatives, and the file for other programs.
    [part] = list(email.iter_attachments())
    assert part.get_filename() == "course.ics"
    assert part.get_content_type() == "application/ics"
    meeting = next(p for p in email.walk() if p.get_content_type() == "text/calendar")
    assert meeting.get_param("method") == "REQUEST"
    assert deliver_due(transport).sent == 0
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.status == "sent" and message.sent_at is not None


def test_a_failure_is_retried_later_and_never_lost():
    queue_mail("a@example.org", "Hello", "body")
    db.session.commit()
    transport = FakeTransport(fail_times=2)
    assert deliver_due(transport).failed == 1
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.status == "pending" and message.attempts == 1
    assert "SMTP server down" in message.last_error
    # Not due again until the back-off has passed.
    assert deliver_due(transport).failed == 0
    later = utcnow() + timedelta(minutes=1, seconds=1)
    assert deliver_due(transport, now=later).failed == 1
    assert deliver_due(transport, now=later + timedelta(minutes=3)).sent == 1
    db.session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, None)


def test_a_retried_message_keeps_its_message_id():
    queue_mail("a@example.org", "Hello", "body")
    queue_mail("b@example.org", "Hello", "body")
    db.session.commit()
    attempts: list[EmailMessage] = []

    def fails_once_each(email: EmailMessage) -> None:
        attempts.append(email)
        if sum(a["To"] == email["To"] for a in attempts) == 1:
            raise ConnectionRefusedError("SMTP server down")

    deliver_due(fails_once_each)
    deliver_due(fails_once_each, now=utcnow() + timedelta(minutes=2))
    ids = {email["To"]: set() for email in attempts}
    for email in attempts:
        ids[email["To"]].add(email["Message-ID"])
    assert len(attempts) == 4
    assert [len(each) for each in ids.values()] == [1, 1]
    assert ids["a@example.org"] != ids["b@example.org"]


@pytest.mark.once
def test_backoff_grows_and_is_capped():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(50) == timedelta(minutes=60)


def test_mail_send_command_uses_smtp(app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context=None):
            assert context is not None and context.verify_mode.name == "CERT_REQUIRED"
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"]))

        def quit(self):
            sent.append(("quit",))

    monkeypatch.setattr("trainhub.mail.worker.smtplib.SMTP", FakeSMTP)
    app.config.update(
        SMTP_HOST="mail.example.org", SMTP_PORT=587, SMTP_STARTTLS=True, SMTP_USERNAME="u"
    )
    queue_mail("a@example.org", "Hello", "body")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "Sent 1, failed 0" in result.output
    assert sent == [
        ("connect", "mail.example.org", 587),
        ("starttls",),
        ("login", "u"),
        ("send", "a@example.org"),
        ("quit",),
    ]


def test_messages_are_written_in_the_recipients_language(client):
    make_user(email="cy@example.org", preferred_language="cy")
    db.session.commit()
    client.post("/password/forgotten", data={"email": "cy@example.org"})
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert "Hello" not in message.body
    assert "trainhub" in message.subject


def test_outbox_page_lists_messages_and_hides_bodies_in_production(app, client):
    admin = make_user(roles=["admin"])
    queue_mail("a@example.org", "Secret link", "https://example.org/password/reset/abc")
    db.session.commit()
    login(client, admin)
    assert "Secret link" in client.get("/admin/outbox/").get_data(as_text=True)
    message_id = db.session.execute(select(OutboxMessage.id)).scalar_one()
    assert "/password/reset/abc" in client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    app.config["OUTBOX_SHOW_BODIES"] = False
    page = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert "/password/reset/abc" not in page
    assert "hidden" in page
    empty = client.get("/admin/outbox/?status=sent").get_data(as_text=True)
    assert "No messages." in empty
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_credentials_are_never_sent_without_tls(app, monkeypatch):
    class PlainSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def login(self, user, password):  # pragma: no cover - must not be reached
            raise AssertionError("credentials sent in the clear")

        def quit(self):
            pass

    monkeypatch.setattr("trainhub.mail.worker.smtplib.SMTP", PlainSMTP)
    app.config.update(SMTP_USERNAME="u", SMTP_PASSWORD="p", SMTP_STARTTLS=False, SMTP_SSL=False)
    queue_mail("a@example.org", "Hello", "body")
    db.session.commit()
    assert deliver_due().failed == 1
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert "without TLS" in message.last_error and message.status == "pending"


def test_messages_carry_date_and_auto_submitted_headers():
    queue_mail("a@example.org", "Hello", "body")
    db.session.commit()
    transport = FakeTransport()
    deliver_due(transport)
    [email] = transport.sent
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["Date"]
    assert re.search(r"\.outbox-\d+@trainhub\.example\.org>$", email["Message-ID"])


class AcceptsThenFailsQuit(socketserver.StreamRequestHandler):
    accepted = 0

    def handle(self) -> None:
        def reply(text: str) -> None:
            self.wfile.write(text.encode() + b"\r\n")

        reply("220 test")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO", "MAIL", "RCPT")):
                reply("250 ok")
            elif command == "DATA":
                reply("354 go on")
                while self.rfile.readline() != b".\r\n":
                    pass
                type(self).accepted += 1
                reply("250 queued as 1")
            elif command == "QUIT":
                reply("451 closing with an error")
                return


@pytest.fixture
def quit_failing_smtp_server(app: Flask) -> Iterator[type[AcceptsThenFailsQuit]]:
    AcceptsThenFailsQuit.accepted = 0
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), AcceptsThenFailsQuit)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.server_address[1])
    yield AcceptsThenFailsQuit
    server.shutdown()
    server.server_close()


def test_a_message_the_server_accepted_is_not_retried_when_quit_fails(quit_failing_smtp_server):
    queue_mail("a@example.org", "Hello", "body")
    db.session.commit()
    report = deliver_due()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert quit_failing_smtp_server.accepted == 1
    assert (report.sent, report.failed) == (1, 0)
    assert message.status == "sent"


def test_other_messages_stay_plain_text_with_their_attachments():
    plain = queue_mail("a@example.org", "Hello", "Just text")
    with_file = queue_mail(
        "b@example.org",
        "Your certificate",
        "Attached",
        [Attachment("certificate.pdf", "application/pdf", b"%PDF-1.7")],
    )
    # A calendar file that is no invitation (no METHOD) is just a file too.
    published = queue_mail(
        "c@example.org",
        "The calendar",
        "Attached",
        [Attachment("training.ics", "text/calendar; charset=utf-8", b"BEGIN:VCALENDAR")],
    )
    db.session.flush()

    assert build_email(plain).get_content_type() == "text/plain"
    for message in (with_file, published):
        email = build_email(message)
        assert [p.get_content_type() for p in email.walk()][:2] == ["multipart/mixed", "text/plain"]
        assert not [p for p in email.walk() if p.get_content_type() == "text/html"]
        [part] = list(email.iter_attachments())
        assert part.get_filename() == message.attachments[0].filename
        assert part.get_payload(decode=True) == message.attachments[0].content


def test_the_html_alternative_is_the_text_escaped_with_paragraphs_and_links():
    text = (
        "Hello <Alys> & co,\n\nYou have a place:\nCore\nhttps://example.org/cohorts/1?a=1&b=2.\n\n"
        'Say "hi": <script>alert(1)</script>'
    )

    html = html_body(text)

    assert "<script>" not in html and "<Alys>" not in html
    assert "<p>Hello &lt;Alys&gt; &amp; co,</p>" in html
    assert "<p>You have a place:<br>\nCore<br>\n" in html
    link = "https://example.org/cohorts/1?a=1&amp;b=2"
    assert f'<a href="{link}">{link}</a>.</p>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<p>") == 3
