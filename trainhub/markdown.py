"""What a text people write in trainhub may hold, and how it is drawn: one home for the
report's narrative, the site's pages and a cohort's joining instructions.

CommonMark with raw HTML shown as text, no images (nothing is fetched), and links only to
the web, an e-mail address or within the page. ``govuk`` adds GOV.UK Frontend's classes for
pages; the report's PDF and Word file use the plain renderer.
"""

from __future__ import annotations

from collections.abc import Mapping

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

#: Where a link may lead: the web and e-mail (never javascript:, data: or file:).
SAFE_SCHEMES = ("http://", "https://", "mailto:")

#: GOV.UK Frontend's classes for what markdown-it writes.
CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "blockquote_open": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--l govuk-section-break--visible",
    "link_open": "govuk-link",
}


def safe_link(url: str) -> bool:
    """A link to the web or an e-mail address, or within the page; nothing else."""
    target = url.strip().lower()
    return target.startswith(SAFE_SCHEMES) or target.startswith("#")


def markdown(*, headings: bool = False) -> MarkdownIt:
    """The renderer: no headings unless asked (the report's own headings frame its text)."""
    md = MarkdownIt("commonmark", {"html": False})
    md.disable(
        ["image", "html_block", "html_inline", *(() if headings else ("heading", "lheading"))]
    )
    md.validateLink = safe_link  # type: ignore[method-assign]
    return md


def govuk(headings: Mapping[str, tuple[str, str]], other: tuple[str, str]) -> MarkdownIt:
    """The renderer with headings, drawn with GOV.UK Frontend's classes: a heading's level
    becomes ``headings[level]`` (tag, class), or ``other`` for a level not listed, so a
    text's headings sit under the page's own."""

    def classes(state: StateCore) -> None:
        tokens: list[Token] = []
        for token in state.tokens:
            tokens.append(token)
            tokens.extend(token.children or ())
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag, heading_class = headings.get(token.tag, other)
                if token.type == "heading_open":
                    token.attrSet("class", heading_class)
            elif token.type in CLASSES:
                token.attrSet("class", CLASSES[token.type])

    md = markdown(headings=True)
    md.core.ruler.push("govuk_classes", classes)
    return md


def render(md: MarkdownIt, text: str) -> Markup:
    """``text`` as safe HTML: markdown-it escapes every character it does not turn into
    markup itself (raw HTML is disabled, so only its own tags are in the output)."""
    return Markup(md.render(text))  # noqa: S704
