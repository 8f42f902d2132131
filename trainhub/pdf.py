"""PDF documents from templates (WeasyPrint), with no fetching over the network.

Images and styles must be inline (``data:`` URIs or inline SVG and CSS): a PDF
request that fetched from the app itself would stall a single-worker server.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_pdf(template: str, **context: Any) -> bytes:
    html = render_template(template, **context)
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return pdf
