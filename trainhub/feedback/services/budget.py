"""The training budget: a year's allocation and what was spent, quarter by quarter (R39)."""

from __future__ import annotations

import logging
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from trainhub.auth.models import User
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import permissions
from trainhub.feedback.models import QUARTERS, SPEND_CATEGORIES, SpendLine, TrainingBudget

log = logging.getLogger(__name__)

MAX_AMOUNT = Decimal("10000000")


def _check(actor: User) -> None:
    if not permissions.can_view_reports(actor):
        raise PermissionDenied(_("Only managers can change the training budget"))


def _amount(field: str, value: Decimal | None) -> Decimal:
    if value is None:
        raise ValidationFailed(field, _("Enter an amount in pounds, like 388.50"))
    if value < 0:
        raise ValidationFailed(field, _("The amount cannot be negative"))
    if value >= MAX_AMOUNT:
        raise ValidationFailed(field, _("The amount must be less than £10,000,000"))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(field, _("Enter pounds and pence, with at most 2 decimal places"))
    return value


def allocation_of(year: int) -> TrainingBudget | None:
    """The allocation recorded for the financial year starting in ``year``, if any."""
    return db.session.execute(
        select(TrainingBudget).where(TrainingBudget.financial_year == year)
    ).scalar_one_or_none()


def set_allocation(
    actor: User, year: int, amount: Decimal | None, show_remaining: bool = True
) -> TrainingBudget:
    """Record the year's training allocation, replacing the one before, and whether the
    report shows what remains of it.

    :raises PermissionDenied: when ``actor`` is not a manager.
    :raises ValidationFailed: on ``allocation`` when the amount is missing, negative, £10
        million or more, or has more than two decimal places.
    """
    _check(actor)
    value = _amount("allocation", amount)
    budget = allocation_of(year)
    if budget is None:
        budget = TrainingBudget(financial_year=year, allocation=value)
        db.session.add(budget)
    budget.allocation = value
    budget.show_remaining = show_remaining
    budget.updated_by_id = actor.id
    db.session.flush()
    log.info("Training allocation for %s set to %s by user %s", year, value, actor.id)
    return budget


def add_spend(
    actor: User,
    year: int,
    quarter: int | None,
    category: str,
    description: str,
    amount: Decimal | None,
) -> SpendLine:
    """Add a line of spending to the year's budget, in the quarter it was spent in, or for
    the whole year (``quarter`` None: old reports give some lines for the year only).

    :raises PermissionDenied: when ``actor`` is not a manager.
    :raises ValidationFailed: on ``quarter`` when it is neither None nor 1 to 4, on
        ``category`` when it is not one of ``SPEND_CATEGORIES``, and on ``amount`` when it
        is missing, £0 or less, £10 million or more, or has more than two decimal places.
    """
    _check(actor)
    if quarter is not None and quarter not in QUARTERS:
        raise ValidationFailed("quarter", _("Choose the quarter the money was spent in"))
    if category not in SPEND_CATEGORIES:
        raise ValidationFailed("category", _("Choose a category"))
    value = _amount("amount", amount)
    if value == 0:
        raise ValidationFailed("amount", _("Enter an amount greater than £0"))
    line = SpendLine(
        financial_year=year,
        quarter=quarter,
        category=category,
        description=description.strip(),
        amount=value,
        recorded_by_id=actor.id,
    )
    db.session.add(line)
    db.session.flush()
    log.info("Spend line %s (%s) added to %s by user %s", line.id, value, year, actor.id)
    return line


def remove_spend(actor: User, line: SpendLine) -> None:
    """Delete a line of spending (entered in error).

    :raises PermissionDenied: when ``actor`` is not a manager.
    """
    _check(actor)
    db.session.delete(line)
    db.session.flush()
    log.info("Spend line %s removed by user %s", line.id, actor.id)


def spend_lines(year: int) -> list[SpendLine]:
    """The year's spending lines, by quarter (whole-year lines last) and category."""
    query = (
        select(SpendLine)
        .where(SpendLine.financial_year == year)
        .order_by(SpendLine.quarter.nulls_last(), SpendLine.category, SpendLine.id)
    )
    return list(db.session.execute(query).scalars())
