"""Email addresses: the one normalised form accounts are stored and looked up by."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from trainhub.auth.models import User
from trainhub.errors import ValidationFailed
from trainhub.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str, field_name: str = "email") -> str:
    """The address normalised, or ``ValidationFailed`` when it is not an email address."""
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
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == normalise_email(email))
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.execute(query).first() is not None
