"""The Training section as a Word file (python-docx) that pastes into a council's annual
report template: the statutory header, headings, the narrative, the tables as real Word
tables, the charts as pictures and the chosen quotes, from the same context as the PDF
(``report.context``).

Word cannot show the charts' SVG everywhere, so each is drawn to a PNG by CairoSVG.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import cairosvg
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from trainhub.feedback.reporting import Table
from trainhub.feedback.services import narrative
from trainhub.feedback.services.narrative import Section

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Word's tags for the languages trainhub writes.
LANGUAGE_TAGS = {"cy": "cy-GB", "en": "en-GB"}
#: The width of a chart on an A4 page with the default margins.
CHART_WIDTH = Cm(16)


def training_section(context: Mapping[str, Any]) -> bytes:
    """The Training section of the report as a .docx, from ``report.context``."""
    period, data = context["period"], context["data"]
    date: Callable[[Any], str] = current_app.jinja_env.filters["date"]
    display: Callable[[Any, str], str] = context["display"]
    document = Document()
    title = f"{_('Training')} \u2013 {period.fy}"
    document.core_properties.title = title
    document.core_properties.language = str(get_locale() or "en")
    _language(document, str(get_locale() or "en"))

    document.add_heading(_("Training"), level=1)
    header = document.add_paragraph()
    header.add_run(_("Integrated Family Support Service: annual report")).bold = True
    reporting_period = _(
        "Reporting period: %(start)s to %(end)s (financial year %(fy)s)",
        start=date(period.start),
        end=date(period.end),
        fy=period.fy,
    )
    if period.quarter:
        reporting_period += " \u2013 " + _(
            "quarter %(q)d, %(months)s",
            q=period.quarter,
            months=context["quarter_label"](period.quarter),
        )
    document.add_paragraph(reporting_period)
    document.add_paragraph(
        _("Prepared in accordance with S.62 of The Children and Families (Wales) Measure 2010.")
    )
    if context.get("published_on"):
        status = _("Published on %(day)s.", day=date(context["published_on"]))
    else:
        status = _(
            "Figures as at %(day)s; not the published version.", day=str(data["computed_on"])
        )
    document.add_paragraph(status).runs[0].italic = True

    sections: list[Section] = context.get("narrative") or []
    _narrative(document, sections, ("introduction",))
    document.add_paragraph(str(context["headline"]))

    tables: list[Table] = context["tables"]
    for key, heading in context["sections"].items():
        shown = [t for t in tables if t.section == key and t.in_report]
        if not shown:
            continue
        document.add_heading(str(heading), level=2)
        _chart(document, context["charts"].get(key))
        for table in shown:
            _table(document, table, display)

    view = context.get("five_years")
    if view:
        document.add_heading(view["table"].title, level=2)
        _chart(document, view["chart"])
        _table(document, view["table"], display)
    _narrative(document, sections, ("developments", "other"))

    document.add_heading(_("What attendees said"), level=2)
    if data["quotes"]:
        for quote in data["quotes"]:
            document.add_paragraph(f"“{quote['text']}”", style="Quote")
    else:
        document.add_paragraph(_("No quotes chosen for this report."))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _language(document: DocumentObject, language: str) -> None:
    """Mark the text's language (spelling checks, screen readers) in the default style."""
    tag = LANGUAGE_TAGS.get(language, language)
    properties = document.styles["Normal"].element.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)


def _chart(document: DocumentObject, svg: Any) -> None:
    """A chart's SVG (empty when there is no data) as a picture, its title as alt text."""
    if not svg:
        return
    png = cairosvg.svg2png(bytestring=str(svg).encode("utf-8"), scale=2, background_color="white")
    document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    picture = document.inline_shapes[-1]
    title = _svg_title(str(svg))
    doc_pr = picture._inline.docPr
    doc_pr.set("descr", title)
    doc_pr.set("title", title)


def _svg_title(svg: str) -> str:
    start = svg.find(">", svg.find("<title")) + 1
    end = svg.find("</title>")
    return svg[start:end] if 0 < start <= end else ""


def _table(document: DocumentObject, table: Table, display: Callable[[Any, str], str]) -> None:
    """A report table as a Word table: a header row repeated on each page, a bold total."""
    document.add_heading(table.title, level=3)
    if not table.rows:
        document.add_paragraph(table.empty)
    else:
        rows = [*table.rows, *([table.total] if table.total else [])]
        grid = document.add_table(rows=1 + len(rows), cols=len(table.columns))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.LEFT
        header = grid.rows[0]
        _repeat_header(header)
        for cell, column in zip(header.cells, table.columns, strict=True):
            _cell(cell.paragraphs[0], column.label, column.kind != "text", bold=True)
        for row, values in zip(grid.rows[1:], rows, strict=True):
            total = table.total is not None and values is table.total
            for index, (cell, column) in enumerate(zip(row.cells, table.columns, strict=True)):
                value = values[index]
                text = str(value) if total and index == 0 else display(value, column.kind)
                _cell(cell.paragraphs[0], text, column.kind != "text", bold=total)
    if table.note:
        note = document.add_paragraph(table.note)
        note.runs[0].font.size = Pt(9)


def _cell(paragraph: Paragraph, text: str, numeric: bool, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    if numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _repeat_header(row: Any) -> None:
    """Mark the row as the table's header (repeated on each page, read as headings)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _narrative(document: DocumentObject, sections: list[Section], keys: tuple[str, ...]) -> None:
    for section in sections:
        if section.key in keys:
            document.add_heading(section.title, level=2)
            before = len(document.paragraphs)
            _markdown(document, section.text)
            if section.lang:
                # The other language standing in: marked, so that spelling checks and
                # screen readers treat it as what it is.
                for paragraph in document.paragraphs[before:]:
                    for run in paragraph.runs:
                        _run_language(run, section.lang)


def _run_language(run: Any, language: str) -> None:
    tag = LANGUAGE_TAGS.get(language, language)
    properties = run._r.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)


def _markdown(document: DocumentObject, text: str) -> None:
    """The narrative's Markdown as Word paragraphs: lists, quotes, bold, italics, links (the
    address after the text, since Word pastes it as plain text anyway)."""
    lists: list[str] = []
    quoted = 0
    paragraph: Paragraph | None = None
    for token in narrative.tokens(text):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append("List Bullet" if kind == "bullet_list_open" else "List Number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "blockquote_open":
            quoted += 1
        elif kind == "blockquote_close":
            quoted -= 1
        elif kind == "paragraph_open":
            style = lists[-1] if lists else "Quote" if quoted else None
            paragraph = document.add_paragraph(style=style)
        elif kind in ("code_block", "fence"):
            document.add_paragraph(token.content.rstrip("\n"))
        elif kind == "inline" and paragraph is not None:
            _inline(paragraph, token.children or [])


def _inline(paragraph: Paragraph, children: list[Any]) -> None:
    bold = italic = False
    href: str | None = None
    link_text = ""
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "link_open":
            href, link_text = str(child.attrs.get("href", "")), ""
        elif kind == "link_close":
            if href and href != link_text and not href.startswith("#"):
                paragraph.add_run(f" ({href})")
            href = None
        elif kind in ("text", "code_inline"):
            run = paragraph.add_run(child.content)
            run.bold, run.italic = bold, italic
            if href is not None:
                link_text += child.content
        elif kind == "softbreak":
            paragraph.add_run(" ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
