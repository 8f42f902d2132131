"""The feedback blueprint; its views live in one module per audience."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from trainhub.feedback.views import (  # noqa: E402, F401  (registers the routes)
    admin,
    reports,
    responses,
    results,
)

__all__ = ["bp"]
