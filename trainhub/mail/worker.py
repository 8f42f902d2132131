"""The delivery job: the boundary that commits, one message at a time."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import select

from trainhub.extensions import db, utcnow
from trainhub.mail.models import OutboxAttachment, OutboxMessage
from trainhub.mail.services import backoff

log = logging.getLogger(__name__)

Transport = Callable[[EmailMessage], None]


def smtp_transport(message: EmailMessage) -> None:
    """Send one message with the TRAINHUB_SMTP_* settings."""
    cfg = current_app.config
    context = ssl.create_default_context()  # verifies the server's certificate and name
    host, port, timeout = cfg["SMTP_HOST"], int(cfg["SMTP_PORT"]), cfg["SMTP_TIMEOUT"]
    connection = (
        smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        if cfg["SMTP_SSL"]
        else smtplib.SMTP(host, port, timeout=timeout)
    )
    try:
        if cfg["SMTP_STARTTLS"] and not cfg["SMTP_SSL"]:
            connection.starttls(context=context)
        if cfg["SMTP_USERNAME"]:
            if not (cfg["SMTP_SSL"] or cfg["SMTP_STARTTLS"]):
                raise RuntimeError("refusing to send SMTP credentials without TLS")
            connection.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
        connection.send_message(message)
    finally:
        # Once the server has accepted the message, a failed QUIT must not make us send it
        # again: close quietly.
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


#: A link in a plain-text body: up to the first space or angle bracket.
LINK = re.compile(r"https?://[^\s<>\"]+")


def _linked(line: str) -> Markup:
    """One line of text, escaped, with its web addresses made links."""
    out = Markup()
    position = 0
    for found in LINK.finditer(line):
        url = found.group().rstrip(".,;:!?)\u2019\u201d")  # a sentence's end is not the address's
        out += escape(line[position : found.start()])
        out += Markup('<a href="{0}">{0}</a>').format(url)
        position = found.start() + len(url)
    return out + escape(line[position:])


def html_body(text: str) -> str:
    """A plain-text body as simple, safe HTML: escaped, a paragraph per blank-line-separated
    block, line breaks kept, links clickable (for the invitation's text/html alternative)."""
    blocks = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    paragraphs = [
        Markup("<p>{}</p>").format(
            Markup("<br>\n").join(_linked(line) for line in block.splitlines())
        )
        for block in blocks
    ]
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        f'<body style="font-family: Arial, sans-serif">\n{"".join(paragraphs)}\n</body></html>\n'
    )


def _content_type(content_type: str) -> tuple[str, str, dict[str, str]]:
    """``maintype``, ``subtype`` and parameters (keys lower-case) of a Content-Type value."""
    maintype, _, subtype = content_type.partition("/")
    subtype, _, params = subtype.partition(";")
    pairs = (p.strip().split("=", 1) for p in params.split(";") if "=" in p)
    return maintype.strip().lower(), subtype.strip().lower(), {k.lower(): v for k, v in pairs}


def _invitation(message: OutboxMessage) -> OutboxAttachment | None:
    """The message's calendar invitation or cancellation (a text/calendar with a METHOD)."""
    for attachment in message.attachments:
        maintype, subtype, params = _content_type(attachment.content_type)
        if (maintype, subtype) == ("text", "calendar") and params.get("method"):
            return attachment
    return None


def build_email(message: OutboxMessage) -> EmailMessage:
    """The message as e-mail: a text body and its attachments; with a calendar invitation,
    the shape Outlook, Gmail and Apple Mail show as a meeting (``_invitation_parts``)."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    domain = urlsplit(str(current_app.config["BASE_URL"])).hostname or "trainhub.invalid"
    # The same on every attempt, so that a message the server took although we saw a failure
    # (and therefore sent again) is one message to the recipient's mail program. The row's
    # id is unique in the database and its creation time tells apart restored databases.
    created = f"{message.created_at:%Y%m%d%H%M%S%f}"
    email["Message-ID"] = f"<{created}.outbox-{message.id}@{domain}>"
    email["Date"] = format_datetime(message.created_at)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    invitation = _invitation(message)
    if invitation is not None:
        _invitation_parts(email, message, invitation)
    for attachment in message.attachments:
        if attachment is invitation:
            continue
        maintype, subtype, params = _content_type(attachment.content_type)
        email.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=params,
        )
    return email


def _invitation_parts(email: EmailMessage, message: OutboxMessage, ics: OutboxAttachment) -> None:
    """multipart/mixed of multipart/alternative (text/plain, text/html, text/calendar;
    method=…) and the same .ics as an attachment. A calendar only as an attachment is a file
    to open in Outlook; in the alternative it is the meeting, with Accept/Remove buttons."""
    _, _, params = _content_type(ics.content_type)
    method = params["method"].strip('"').upper()
    email.add_alternative(html_body(message.body), subtype="html")
    # The bytes as they are: base64 keeps iCalendar's CRLF line ends, which a text part
    # would turn into bare LFs.
    email.add_alternative(
        ics.content,
        maintype="text",
        subtype="calendar",
        params={"charset": "utf-8", "method": method},
    )
    # For mail programs that read no text/calendar part: the file to import.
    email.add_attachment(ics.content, maintype="application", subtype="ics", filename=ics.filename)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def deliver_due(
    transport: Transport | None = None, limit: int = 100, now: datetime | None = None
) -> DeliveryReport:
    """Send up to ``limit`` due messages, committing after each one.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` (ignored by SQLite), so
    several workers can share one PostgreSQL outbox without sending a message
    twice. A failed message stays pending with an exponential back-off; nothing
    is ever dropped.
    """
    send = transport or smtp_transport
    report = DeliveryReport()
    for _ in range(limit):
        moment = now or utcnow()
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= moment)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        message = db.session.execute(query).scalar_one_or_none()
        if message is None:
            break
        message.attempts += 1
        try:
            send(build_email(message))
        except Exception as error:  # any failure: keep the message and try again later
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = moment + backoff(message.attempts)
            report.failed += 1
            log.warning("Mail %s to %s failed: %s", message.id, message.to_address, error)
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            report.sent += 1
        db.session.commit()
    return report
