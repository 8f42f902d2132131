"""The harness checks itself: the axe audit really fails on an inaccessible page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import audit, axe_violations

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
