"""Versioned addresses for the stylesheet, scripts and icons (``trainhub.asset_urls``): kept
by browsers for a year when the address names the file's content, revalidated otherwise."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from trainhub.asset_urls import version_of

pytestmark = pytest.mark.once

STATIC = Path(__file__).resolve().parents[1] / "trainhub" / "static"
FOREVER = "public, max-age=31536000, immutable"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def import_map(page: str) -> dict[str, str]:
    found = re.search(r'<script type="importmap" nonce="[^"]+">(.*?)</script>', page, re.S)
    assert found is not None, "no import map"
    imports: dict[str, str] = json.loads(found.group(1))["imports"]
    return imports


def test_the_layout_names_each_file_by_its_content(client: FlaskClient) -> None:
    page = client.get("/sign-in").get_data(as_text=True)

    assert f'href="/static/build/app.css?v={sha(STATIC / "build" / "app.css")}"' in page
    assert f'href="/static/favicon.svg?v={sha(STATIC / "favicon.svg")}"' in page
    assert f'src="/static/js/init.js?v={sha(STATIC / "js" / "init.js")}"' in page
    # The modules import each other by plain addresses: the import map versions them all.
    assert import_map(page) == {
        "/assets/govuk-frontend.min.js": "/assets/govuk-frontend.min.js?v="
        + sha(STATIC / "govuk" / "govuk-frontend.min.js"),
        **{
            f"/static/js/{module.name}": f"/static/js/{module.name}?v={sha(module)}"
            for module in sorted((STATIC / "js").glob("*.js"))
        },
    }


def test_the_import_map_carries_the_pages_nonce(client: FlaskClient) -> None:
    answer = client.get("/sign-in")
    nonce = re.search(r"'nonce-([^']+)'", answer.headers["Content-Security-Policy"])
    assert nonce is not None
    assert f'<script type="importmap" nonce="{nonce.group(1)}">' in answer.get_data(as_text=True)


def test_a_file_asked_for_by_its_version_is_kept_for_a_year(client: FlaskClient) -> None:
    for address, file in (
        ("/static/build/app.css", STATIC / "build" / "app.css"),
        ("/assets/govuk-frontend.min.js", STATIC / "govuk" / "govuk-frontend.min.js"),
    ):
        versioned = client.get(f"{address}?v={sha(file)}")
        assert versioned.status_code == 200
        assert versioned.data == file.read_bytes()
        assert versioned.headers["Cache-Control"] == FOREVER
        # Asked again with what the browser has: "not modified", still kept.
        again = client.get(
            f"{address}?v={sha(file)}", headers={"If-None-Match": versioned.headers["ETag"]}
        )
        assert again.status_code == 304
        assert again.headers["Cache-Control"] == FOREVER


def test_a_file_asked_for_without_its_version_is_revalidated(client: FlaskClient) -> None:
    # Plain, or by a version the file no longer has (a page drawn before it changed).
    for address in ("/static/build/app.css", "/static/build/app.css?v=0123456789ab"):
        answer = client.get(address)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "no-cache"


def test_a_missing_file_is_still_a_404(client: FlaskClient) -> None:
    answer = client.get("/static/js/nothing.js?v=0123456789ab")
    assert answer.status_code == 404
    assert "immutable" not in answer.headers.get("Cache-Control", "")


@pytest.mark.own_app
def test_a_changed_file_gets_a_new_address(app: Flask, tmp_path: Path) -> None:
    app.static_folder = str(tmp_path)
    style = tmp_path / "style.css"
    style.write_text("body { color: black; }")
    was = sha(style)
    with app.test_request_context():
        first = url_for("static", filename="style.css")
        style.write_text("body { color: navy; }")  # a new release
        second = url_for("static", filename="style.css")
    assert first == f"/static/style.css?v={was}"
    assert second == f"/static/style.css?v={sha(style)}" != first


@pytest.mark.own_app
def test_the_kept_layout_names_a_changed_file_by_its_new_address(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder, ignore=shutil.ignore_patterns("govuk", "scss"))
    app.static_folder = str(folder)
    style, module = folder / "build" / "app.css", folder / "js" / "timeout.js"
    first = client.get("/sign-in").get_data(as_text=True)
    assert f"/static/build/app.css?v={sha(style)}" in first

    style.write_text(style.read_text() + "\n.new-rule { color: black; }")  # a new release
    module.write_text(module.read_text() + "\n// changed")
    second = client.get("/sign-in").get_data(as_text=True)

    assert f"/static/build/app.css?v={sha(style)}" in second
    assert import_map(second)["/static/js/timeout.js"] == f"/static/js/timeout.js?v={sha(module)}"
    assert import_map(second) != import_map(first)


def test_only_files_in_the_folder_get_a_version(app: Flask) -> None:
    with app.test_request_context():
        assert version_of("static", "build/app.css") == sha(STATIC / "build" / "app.css")
        for name in ("", "js", "js/nothing.js", "../__init__.py", "/etc/passwd"):
            assert version_of("static", name) is None, name
        assert version_of("nobody.static", "app.css") is None
        # GOV.UK Frontend's folder for its icons: a folder, so no version.
        assert url_for("assets.static", filename="") == "/assets/"
        assert url_for("static", filename="js/nothing.js") == "/static/js/nothing.js"
