"""The accreditation blueprint; its views live in one module per concern."""

from flask import Blueprint

bp = Blueprint("accreditation", __name__)

from trainhub.accreditation.views import (  # noqa: E402, F401  (registers the routes)
    applications,
    assessment,
    badges,
    certificates,
    cpd,
    levels,
    people,
)

__all__ = ["bp"]
