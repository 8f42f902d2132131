"""Builders for the accreditation service tests: learners with completions, applications at
each stage, uploads of each file type, and readers for what the services wrote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from tests.factories import make_user
from tests.helpers import count, outbox  # noqa: F401  (this area's tests import them from here)
from tests.uploads import build
from trainhub.accreditation.models import AccreditationLevel, Application, ApplicationEvent
from trainhub.accreditation.services.applications import (
    start_application,
    submit_application,
    upload_workbook,
)
from trainhub.accreditation.services.assessment import (
    Judgement,
    claim_application,
    record_judgements,
)
from trainhub.auth.models import User
from trainhub.courses.models import Completion, Course, local_today
from trainhub.courses.signals import course_completed
from trainhub.extensions import db
from trainhub.uploads import Upload

#: A real (if tiny) PDF, PNG and JPEG: uploads are checked by their structure, not their
#: first bytes (tests/uploads/build.py builds them; tests/uploads/corpus.py, hostile ones).
PDF_BYTES = build.minimal_pdf()
PNG_BYTES = build.png_bytes()
JPEG_BYTES = build.jpeg_bytes()
#: A PDF that runs JavaScript when opened: refused (the whole corpus: tests/uploads/).
JAVASCRIPT_PDF_BYTES = build.page_pdf(
    catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def pdf_bytes(note: str) -> bytes:
    """Another real PDF, different from PDF_BYTES by ``note`` (a comment line)."""
    return build.minimal_pdf(note)


def docx_bytes() -> bytes:
    """A plain Word document: text, a hyperlink, a header and a picture."""
    return build.docx_bytes()


def odt_bytes() -> bytes:
    """A plain OpenDocument text: "mimetype" stored first, text, a hyperlink, a picture."""
    return build.odt_bytes()


def pdf(name: str = "workbook.pdf", data: bytes = PDF_BYTES) -> Upload:
    return Upload(name, data)


def level(number: int) -> AccreditationLevel:
    query = select(AccreditationLevel).where(AccreditationLevel.number == number)
    return db.session.execute(query).scalar_one()


def course(code: str) -> Course:
    return db.session.execute(select(Course).where(Course.code == code)).scalar_one()


def complete(
    user: User, code_or_course: str | Course, on: dt.date | None = None, *, announce: bool = False
) -> Completion:
    """A completion row, as the register writes it; ``announce`` sends ``course_completed``."""
    target = course(code_or_course) if isinstance(code_or_course, str) else code_or_course
    completion = Completion(user=user, course=target, completed_on=on or local_today())
    db.session.add(completion)
    db.session.flush()
    if announce:
        course_completed.send(None, completions=[completion], actor=None)
    return completion


def learner(core_on: dt.date | None = None, **overrides: Any) -> User:
    """A learner; with ``core_on``, one who completed the 4-day core that day."""
    person = make_user(roles=["learner"], **overrides)
    if core_on is not None:
        complete(person, "IFSS-CORE", core_on)
    return person


def assessor(**overrides: Any) -> User:
    return make_user(roles=["assessor"], **overrides)


def admin() -> User:
    return make_user(roles=["admin"])


def application(number: int = 3, person: User | None = None) -> Application:
    """An application in progress (a learner with the core completed a month ago)."""
    person = person or learner(core_on=local_today() - dt.timedelta(days=30))
    return start_application(person, level(number))


def submitted(number: int = 3, person: User | None = None) -> Application:
    """An application with one workbook version, submitted to the assessors."""
    app_ = application(number, person)
    upload_workbook(app_.user, app_, pdf(), anonymised=True)
    return submit_application(app_.user, app_)


def claimed(number: int = 3, by: User | None = None) -> tuple[Application, User]:
    """A submitted application claimed by an assessor (a new one unless ``by``)."""
    app_ = submitted(number)
    by = by or assessor()
    claim_application(by, app_)
    return app_, by


def judge_all(
    by: User, app_: Application, *, not_met: tuple[int, ...] = (), skip: tuple[int, ...] = ()
) -> None:
    """Judge every current outcome met except the positions in ``not_met`` (or ``skip``)."""
    record_judgements(
        by,
        app_,
        {
            o.id: Judgement(False, "Add a case example")
            if o.position in not_met
            else Judgement(True)
            for o in app_.level.outcomes
            if o.position not in skip
        },
    )


def events(app_: Application) -> list[tuple[str, int | None, str | None, str | None]]:
    """(kind, actor id, from, to) of the application's audit trail, oldest first."""
    query = (
        select(
            ApplicationEvent.kind,
            ApplicationEvent.actor_id,
            ApplicationEvent.from_status,
            ApplicationEvent.to_status,
        )
        .where(ApplicationEvent.application_id == app_.id)
        .order_by(ApplicationEvent.id)
    )
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


def stored_files() -> list[Path]:
    """Every file in the upload folder (temporary ones included)."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
