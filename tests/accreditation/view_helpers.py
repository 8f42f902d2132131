"""Helpers for the accreditation page tests: signed-in clients, uploads through the forms,
and readers for what a page shows (shared with the cohort page tests)."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

from tests.helpers import as_user, banners, field_error, follow, page, summary_errors

__all__ = [
    "as_user",
    "banners",
    "field_error",
    "follow",
    "page",
    "post_file",
    "summary_errors",
]


def post_file(
    client: FlaskClient,
    url: str,
    field: str,
    filename: str | None,
    data: bytes,
    **fields: Any,
) -> Any:
    """Send a form with one file (none when ``filename`` is None) as a browser would."""
    form: dict[str, Any] = dict(fields)
    if filename is not None:
        form[field] = (io.BytesIO(data), filename)
    return client.post(url, data=form, content_type="multipart/form-data")
