"""The history blueprint: recording the past by hand or from a spreadsheet, and withdrawing."""

from flask import Blueprint

from trainhub.history import models as _models  # noqa: F401  (the tables, for migrations)

bp = Blueprint("history", __name__)

from trainhub.history.views import records  # noqa: E402, F401  (registers the routes)

__all__ = ["bp"]

from trainhub.history.views import imports as _imports  # noqa: E402,F401  (its routes)
