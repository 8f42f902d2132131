"""Email addresses: the one normalised form accounts are stored and looked up by."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from trainhub.auth.models import User
from trainhub.errors import ValidationFailed
from trainhub.extensions import db


def normalise_email(email: str) -> str:
    """The form addresses are stored and compared in: trimmed, lower-cased."""
    return email.strip().lower()


def check_email(email: str, field_name: str = "email") -> str:
    """The address normalised.

    :raises ValidationFailed: on ``field_name`` when it is not an email address or is longer
        than 254 characters.
    """
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationFailed(
            field_name, _("Enter an email address in the right format, like name@example.org")
        ) from error
    if len(email.strip()) > 254:
        raise ValidationFailed(field_name, _("Email addresses are 254 characters or fewer"))
    return normalise_email(email)


def find_user_by_email(email: str) -> User | None:
    """The account with this address (any case), or None."""
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def email_taken(email: str, except_id: int | None = None) -> bool:
    """Whether another account (not ``except_id``) has this address."""
    query = select(User.id).where(User.email == normalise_email(email))
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.execute(query).first() is not None
