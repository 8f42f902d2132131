"""PDF documents from templates (WeasyPrint), with no fetching over the network.

Images and styles must be inline (``data:`` URIs or inline SVG and CSS): a PDF
request that fetched from the app itself would stall a single-worker server.

Every PDF is a tagged, accessible PDF (PDF/UA-1): a structure tree built from the
template's HTML (headings, tables, lists, figures with their alternative text), the
language of the page's ``<html lang>`` and its ``<title>``, shown in the title bar.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher

#: WeasyPrint's PDF/UA variant: tags, /Lang, /MarkInfo, /DisplayDocTitle, XMP metadata.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(template: str, **context: Any) -> bytes:
    """The template drawn as a tagged PDF; its ``<html lang>`` and ``<title>`` are required."""
    html = render_template(template, **context)
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return pdf
