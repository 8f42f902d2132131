"""Virus scanning of uploads by a real ClamAV daemon (``tests/antivirus_server.py``).

The tests' clamd knows one "virus": :data:`MARKER`, a harmless string made up at run time,
put inside real PDF and PNG files so that they pass every check of their structure and
only the scanner refuses them. A scanner that is down or too slow refuses every upload
(503 and Retry-After): nothing is ever stored unscanned.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests import antivirus_server
from tests.accreditation.helpers import (
    EXE_BYTES,
    application,
    count,
    learner,
    stored_files,
)
from tests.accreditation.view_helpers import as_user, field_error, page, post_file
from tests.antivirus_server import MARKER, SIGNATURE, running_clamd
from tests.conftest import base_config
from tests.factories import make_user
from tests.sample_files import pdf_bytes, png_bytes
from trainhub import antivirus, create_app
from trainhub.accreditation.models import (
    Application,
    ApplicationEvent,
    ExternalActivity,
    Workbook,
)
from trainhub.courses.models import local_today
from trainhub.mail.models import OutboxMessage

VIRUS_MESSAGE = (
    f"This file contains a virus or other harmful content ({SIGNATURE}.UNOFFICIAL) "
    "and cannot be accepted"
)
UNAVAILABLE_MESSAGE = (
    "Files cannot be checked for viruses at the moment, so none can be uploaded. Try again later."
)


@pytest.fixture(scope="session")
def clamd() -> Iterator[str]:
    """This process's clamd (each xdist worker starts its own): the path of its socket."""
    with running_clamd() as socket_path:
        yield socket_path


def scan_with(app: Flask, **settings: Any) -> Flask:
    """Turn scanning on for ``app`` as the CLAMD_* settings would at start-up."""
    app.config.update(settings)
    antivirus.init_app(app)
    return app


@pytest.fixture
def scanning(app: Flask, clamd: str) -> Flask:
    return scan_with(app, CLAMD_SOCKET=clamd, CLAMD_TIMEOUT=10)


@pytest.fixture
def no_listener(tmp_path: Path) -> Iterator[str]:
    """A socket file where nothing listens any more (clamd stopped, socket left behind)."""
    path = str(tmp_path / "stopped.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
    yield path


@pytest.fixture
def stuck(tmp_path: Path) -> Iterator[str]:
    """A socket that takes the connection and the file, then never answers (clamd hung)."""
    path = str(tmp_path / "stuck.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(8)
        yield path


# What a person sees, through both upload forms ---------------------------------------------


def upload_workbook_form(app: Flask, data: bytes, name: str = "workbook.pdf") -> TestResponse:
    current = application(3)
    url = f"/applications/{current.id}/workbooks/new"
    return post_file(as_user(app, current.user), url, "file", name, data, anonymised="y")


def upload_evidence_form(app: Flask, data: bytes, name: str = "certificate.pdf") -> TestResponse:
    yesterday = local_today() - dt.timedelta(days=1)
    person = learner(supervisor=make_user(roles=["learner"]))
    return post_file(
        as_user(app, person),
        "/my/cpd/activities/new",
        "evidence",
        name,
        data,
        title="Trauma-informed practice",
        provider="Elsewhere",
        occurred_on=[str(yesterday.day), str(yesterday.month), str(yesterday.year)],
        hours="2",
    )


FORMS = {
    "workbook": (upload_workbook_form, "file"),
    "evidence": (upload_evidence_form, "evidence"),
}


def nothing_stored() -> None:
    assert count(Workbook) == 0
    assert count(ApplicationEvent, ApplicationEvent.kind == "workbook_uploaded") == 0
    assert count(ExternalActivity) == 0
    assert count(OutboxMessage) == 0
    assert stored_files() == []


@pytest.mark.parametrize(
    ("form", "data"),
    [
        ("workbook", pdf_bytes(b"Reflective account")),
        ("evidence", pdf_bytes(b"Certificate of attendance")),
        ("evidence", png_bytes(b"Photo of a certificate")),
    ],
    ids=["workbook-pdf", "evidence-pdf", "evidence-png"],
)
def test_a_clean_file_is_accepted_with_scanning_on(
    scanning: Flask, catalogue: None, form: str, data: bytes
) -> None:
    post, _field = FORMS[form]

    response = post(scanning, data)

    assert response.status_code == 302
    assert count(Workbook) + count(ExternalActivity) == 1
    assert len(stored_files()) == 1


@pytest.mark.parametrize("form", FORMS)
def test_a_file_the_scanner_recognises_is_refused_and_nothing_is_stored(
    scanning: Flask, catalogue: None, form: str, caplog: pytest.LogCaptureFixture
) -> None:
    post, field = FORMS[form]

    response = post(scanning, pdf_bytes(MARKER))

    assert response.status_code == 400
    text = page(response)
    assert field_error(text, field) == VIRUS_MESSAGE
    assert 'type="file"' in text  # the form again, to choose another file
    nothing_stored()
    assert f"found {SIGNATURE}.UNOFFICIAL" in caplog.text


def test_the_marker_in_an_image_is_found_too(scanning: Flask, catalogue: None) -> None:
    response = upload_evidence_form(scanning, png_bytes(MARKER), "scan.png")

    assert response.status_code == 400
    assert field_error(page(response), "evidence") == VIRUS_MESSAGE
    nothing_stored()


@pytest.mark.parametrize("form", FORMS)
def test_with_the_scanner_down_uploads_are_refused_with_503_and_nothing_is_stored(
    app: Flask, catalogue: None, no_listener: str, form: str, caplog: pytest.LogCaptureFixture
) -> None:
    post, field = FORMS[form]
    scan_with(app, CLAMD_SOCKET=no_listener)

    response = post(app, pdf_bytes(b"Reflective account"))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(antivirus.RETRY_AFTER_SECONDS)
    text = page(response)
    assert field_error(text, field) == UNAVAILABLE_MESSAGE
    assert 'type="file"' in text  # the form, with what the person typed
    nothing_stored()
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert (record.name, record.levelno) == ("trainhub.antivirus", logging.ERROR)
    assert "virus scanner is unavailable" in record.getMessage()
    assert no_listener in record.getMessage()  # where the operator should look


def test_a_scanner_that_does_not_answer_in_time_refuses_the_upload(
    app: Flask, catalogue: None, stuck: str
) -> None:
    scan_with(app, CLAMD_SOCKET=stuck, CLAMD_TIMEOUT=0.5)

    response = upload_workbook_form(app, pdf_bytes(b"Reflective account"))

    assert response.status_code == 503
    assert "Retry-After" in response.headers
    nothing_stored()


def test_a_scanner_over_tcp_that_is_down_refuses_the_upload(
    app: Flask, catalogue: None, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scan_with(app, CLAMD_HOST="127.0.0.1", CLAMD_PORT=port, CLAMD_TIMEOUT=2)

    response = upload_evidence_form(app, pdf_bytes())

    assert response.status_code == 503
    assert f"clamd at 127.0.0.1:{port}" in caplog.text
    nothing_stored()


def test_a_file_refused_for_its_type_is_never_sent_to_the_scanner(
    app: Flask, catalogue: None, no_listener: str
) -> None:
    scan_with(app, CLAMD_SOCKET=no_listener)  # would answer 503 if asked

    response = upload_workbook_form(app, EXE_BYTES, "workbook.exe")

    assert response.status_code == 400
    assert (field_error(page(response), "file") or "").startswith("The selected file must be a")
    nothing_stored()


def test_without_settings_nothing_is_scanned(
    app: Flask, catalogue: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="trainhub.antivirus"):
        scan_with(app, CLAMD_SOCKET=None, CLAMD_HOST=None)

    assert antivirus.scanner() is None
    assert "Virus scanning is off" in caplog.text
    # The marker means nothing without clamd: the file is stored.
    assert upload_workbook_form(app, pdf_bytes(MARKER)).status_code == 302
    assert count(Application) == 1 and count(Workbook) == 1


# Settings checked at start-up ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"CLAMD_SOCKET": "/run/clamav/clamd.ctl", "CLAMD_HOST": "clamav"}, "not both"),
        ({"CLAMD_HOST": "clamav", "CLAMD_PORT": "three"}, "TRAINHUB_CLAMD_PORT must be a number"),
        ({"CLAMD_HOST": "clamav", "CLAMD_PORT": 70000}, "TRAINHUB_CLAMD_PORT must be a TCP port"),
        ({"CLAMD_HOST": "clamav", "CLAMD_PORT": "33.1"}, "TRAINHUB_CLAMD_PORT must be a TCP port"),
        ({"CLAMD_SOCKET": "/run/c.ctl", "CLAMD_TIMEOUT": "soon"}, "CLAMD_TIMEOUT must be a number"),
        ({"CLAMD_SOCKET": "/run/c.ctl", "CLAMD_TIMEOUT": 0}, "more than 0 seconds"),
    ],
)
def test_settings_that_make_no_sense_stop_the_app_starting(
    settings: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(RuntimeError, match=complaint):
        create_app({**base_config("sqlite://"), **settings})


def test_settings_from_the_environment_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINHUB_CLAMD_HOST", "clamav.internal")
    monkeypatch.setenv("TRAINHUB_CLAMD_PORT", "3311")  # JSON: a number
    monkeypatch.setenv("TRAINHUB_CLAMD_TIMEOUT", "7.5")

    app = create_app(base_config("sqlite://"))

    with app.app_context():
        assert antivirus.scanner() == antivirus.ClamdScanner(
            socket_path=None, host="clamav.internal", port=3311, timeout=7.5
        )


# The tests' own clamd fails loudly ---------------------------------------------------------


def test_a_missing_clamd_fails_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(antivirus_server.shutil, "which", lambda *args, **kwargs: None)

    with pytest.raises(RuntimeError, match="apt-get install -y clamav-daemon"):
        antivirus_server.find_clamd()


def test_a_clamd_that_does_not_start_fails_with_its_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "clamd"
    broken.write_text("#!/bin/sh\necho 'ERROR: cannot load the database' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(antivirus_server, "find_clamd", lambda: str(broken))

    starting = antivirus_server.running_clamd()

    with pytest.raises(RuntimeError, match=r"(?s)exited with 1.*cannot load the database"):
        starting.__enter__()
