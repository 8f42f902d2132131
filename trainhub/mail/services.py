"""Queue messages in the outbox and deliver them over SMTP, never losing one."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import insert, select

from trainhub.extensions import db, utcnow
from trainhub.mail.models import OutboxAttachment, OutboxMessage
from trainhub.text import one_line

log = logging.getLogger(__name__)

#: Retry delays grow 1, 2, 4 … minutes and stop growing at this many minutes.
MAX_BACKOFF_MINUTES = 60


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


class Recipient(Protocol):
    @property
    def email(self) -> str: ...

    @property
    def preferred_language(self) -> str: ...


def queue_mail(
    to: str, subject: str, body: str, attachments: Iterable[Attachment] = ()
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (it commits with the change)."""
    # A subject is one line: a line break would start a new header, a bidi control reverse it.
    message = OutboxMessage(to_address=to, subject=one_line(subject), body=body)
    message.attachments = [
        OutboxAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
        for a in attachments
    ]
    db.session.add(message)
    log.info("Queued mail %r to %s", subject, to)
    return message


def queue_templated_mail(
    recipient: Recipient,
    template: str,
    subject: Callable[[], str],
    context: Mapping[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` and the subject in the recipient's language."""
    with force_locale(recipient.preferred_language or "en"):
        body = render_template(f"mail/{template}.txt", recipient=recipient, **(context or {}))
        title = subject()
    return queue_mail(recipient.email, title, body, attachments)


def queue_templated_mails(
    template: str, messages: Iterable[tuple[Recipient, Callable[[], str], Mapping[str, Any]]]
) -> int:
    """One templated message to each of many recipients (a whole register), in one INSERT."""
    rows = []
    for recipient, subject, context in messages:
        with force_locale(recipient.preferred_language or "en"):
            body = render_template(f"mail/{template}.txt", recipient=recipient, **context)
            rows.append(
                {"to_address": recipient.email, "subject": one_line(subject()), "body": body}
            )
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
        log.info("Queued %d %r mails", len(rows), template)
    return len(rows)


def recently_mailed(address: str, within: timedelta) -> bool:
    """Whether a message to ``address`` was written in the last ``within``."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.to_address == address, OutboxMessage.created_at > utcnow() - within
    )
    return db.session.execute(query.limit(1)).first() is not None


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for a message, built on the configured BASE_URL.

    The request's Host header is never used, so a forged header cannot
    redirect a password-reset link.
    """
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failures: 1, 2, 4 … minutes, capped."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES))
