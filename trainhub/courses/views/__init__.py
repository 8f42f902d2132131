"""The courses blueprint; its views live in one module per concern."""

from flask import Blueprint

bp = Blueprint("courses", __name__)

from trainhub.courses.views import (  # noqa: E402, F401  (registers the routes)
    booking,
    calendars,
    catalogue,
    cohorts,
    joining,
    line_managers,
    moves,
    needs,
    register,
    sessions,
)

__all__ = ["bp"]
