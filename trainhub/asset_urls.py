"""Addresses of the stylesheet, scripts and icons that name their content, so a browser
keeps them instead of asking again on every page.

``url_for('static', filename=...)`` (and ``'assets.static'``, GOV.UK Frontend's files) adds
``?v=`` and the first 12 hex digits of the file's SHA-256. A file asked for with the version
it has now is sent ``Cache-Control: public, max-age=31536000, immutable``; without one, or
with another (a page drawn before the file changed), it is sent as before: ``no-cache``,
revalidated each time. A new release changes the addresses of the files it changes, so a
browser never keeps an old one. Behind nginx, the versioned addresses are passed to the app,
which alone knows each file's version (``deploy/nginx/trainhub.conf``).

The JavaScript modules import each other by plain addresses (``./timeout.js``); the layout's
import map (``module_versions``) points those at the versioned ones. The layout is drawn
once and kept (``trainhub.templating.layout``): ``stamp`` is part of what it is kept under,
so a file changed on disk is named by its new address on the next page.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, url_for

#: The endpoints that serve files, and where their files are: the app's own ``static``
#: folder, and GOV.UK Frontend's compiled assets (the ``assets`` blueprint).
FILE_ENDPOINTS = ("static", "assets.static")
#: Where each endpoint's JavaScript modules are, within its folder.
MODULES = {"static": "js", "assets.static": ""}
#: A year: "for ever" to a browser, as long as the address names the content.
FOREVER = 365 * 24 * 60 * 60

#: Every file this process has named by a version, so ``stamp`` can tell when one changes.
_VERSIONED: set[str] = set()


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
    app.jinja_env.globals["module_versions"] = module_versions


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.rpartition(".")[0])
    return blueprint.static_folder if blueprint is not None else None


def version_of(endpoint: str, filename: str) -> str | None:
    """The version of the file ``filename`` that ``endpoint`` serves, or None when there is
    no such file (a folder, a name outside the folder)."""
    folder = _folder(current_app, endpoint)
    if folder is None or not filename:
        return None
    path = Path(folder, filename).resolve()
    if not path.is_relative_to(Path(folder).resolve()):
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    _VERSIONED.add(str(path))
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """The file's version, worked out again only when its time or size changes."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


def stamp() -> tuple[tuple[str, int, int], ...]:
    """The time and size of every file named by a version so far: a page drawn and kept
    under another stamp names an old version of a file that has changed since."""
    found = []
    for path in sorted(_VERSIONED):
        try:
            stat = os.stat(path)
        except OSError:
            found.append((path, 0, -1))
        else:
            found.append((path, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint in FILE_ENDPOINTS and "v" not in values:
        version = version_of(endpoint, str(values.get("filename", "")))
        if version is not None:
            values["v"] = version


def _cache_versioned(response: Response) -> Response:
    endpoint = request.endpoint
    if endpoint not in FILE_ENDPOINTS or response.status_code not in (200, 304):
        return response
    asked = request.args.get("v")
    filename = str((request.view_args or {}).get("filename", ""))
    if asked and asked == version_of(endpoint, filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = FOREVER
        response.cache_control.immutable = True
    return response


def module_versions() -> dict[str, dict[str, str]]:
    """The layout's import map: each JavaScript module's plain address, as the modules
    import one another, mapped to its versioned address."""
    imports: dict[str, str] = {}
    for endpoint, within in MODULES.items():
        folder = _folder(current_app, endpoint)
        if folder is None or not os.path.isdir(os.path.join(folder, within)):
            continue
        for name in sorted(os.listdir(os.path.join(folder, within))):
            if name.endswith(".js"):
                filename = f"{within}/{name}" if within else name
                plain = url_for(endpoint, filename=filename, v=None)
                imports[plain] = url_for(endpoint, filename=filename)
    return {"imports": imports}
