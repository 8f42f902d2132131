"""The harness checks itself: the axe audit really fails on an inaccessible page, and a page
counts as seen before only when its markup and size are the same."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import _FINGERPRINT, audit, axe_violations

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html>
<html><head><title>Bad</title></head>
<body><main><h1>Bad page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" id="nameless">
<p style="color:#ccc;background:#fff">Pale text</p>
</main></body></html>"""


def test_audit_reports_violations_readably(page: Page) -> None:
    page.set_content(BAD_PAGE)
    found = {v["id"] for v in axe_violations(page)}
    assert {"html-has-lang", "image-alt", "label", "color-contrast"} <= found

    with pytest.raises(AssertionError) as failure:
        audit(page)
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "at img" in message
    assert "https://dequeuniversity.com/rules/axe/" in message


FORM = """<!doctype html><html lang="en"><head><title>Form</title>
<script nonce="{nonce}">document.body</script></head>
<body><main><h1>{heading}</h1><form method="post">
<input id="csrf_token" name="csrf_token" type="hidden" value="{token}">
<input type="hidden" name="csrf_token" value="{token}"><button>Save</button>
</form></main></body></html>"""


def test_a_page_is_seen_before_only_with_the_same_markup_and_size(page: Page) -> None:
    # Served from a loopback address, as the journeys' pages are (a secure context: the
    # fingerprint is hashed by the page's crypto.subtle).
    markup: dict[str, str] = {}
    page.route(
        "http://127.0.0.1/form",
        lambda route: route.fulfill(body=markup["now"], content_type="text/html"),
    )

    def seen(heading: str = "Book", token: str = "a.b", nonce: str = "n1") -> str:
        markup["now"] = FORM.format(heading=heading, token=token, nonce=nonce)
        page.goto("http://127.0.0.1/form")
        return str(page.evaluate(_FINGERPRINT))

    first = seen()
    # Every response has its own CSRF tokens and nonce: the same page all the same.
    assert seen(token="c.d", nonce="n2") == first
    # Anything else is another page: other words, another screen size.
    assert seen(heading="Booked") != first
    page.set_viewport_size({"width": 320, "height": 900})
    assert seen() != first
