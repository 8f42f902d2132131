"""Subject access: a ZIP of everything trainhub holds about a person (UK GDPR Article 15)."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from trainhub import audit
from trainhub.auth.models import User
from trainhub.extensions import utcnow
from trainhub.privacy import queries
from trainhub.storage import storage
from trainhub.uploads.names import download_name

log = logging.getLogger(__name__)

#: The JSON files, in the order the index lists them.
KINDS = (
    "profile",
    "sign_ins",
    "work_accounts",
    "bookings",
    "booking_history",
    "access_needs",
    "attendance",
    "follow_up_attendance",
    "completions",
    "applications",
    "judgements",
    "application_history",
    "cpd_lines",
    "cpd_activities",
    "certificates",
    "feedback_requests",
    "past_records",
    "audit",
)


@dataclass
class Export:
    filename: str
    data: bytes


def export_person(actor: User, person: User, language: str = "en") -> Export:
    """The person's data as a ZIP (one JSON file a kind, their files, index.html), with an
    audit entry about it; the caller commits.

    A file missing from the storage is listed in the index as missing, not fatal.
    Raises nothing.
    """
    data = queries.person_data(person)
    buffer = io.BytesIO()
    files: list[dict[str, object]] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            body = json.dumps(data.records.get(kind, []), indent=2, ensure_ascii=False)
            archive.writestr(f"{kind}.json", body)
        used: set[str] = set()
        store = storage()
        for stored in data.files:
            path = f"files/{stored.folder}/{download_name(stored.name)}"
            while path in used:  # the same name twice: keep both
                path = path.replace("files/", "files/_", 1)
            used.add(path)
            try:
                archive.writestr(path, store.load(stored.key))
                missing = False
            except KeyError:
                log.error("Stored file %s of user %s is missing", stored.key, person.id)
                missing = True
            files.append({"path": path, "size": stored.size, "missing": missing})
        with force_locale(language):
            index = render_template(
                "privacy/export_index.html",
                person=person,
                kinds=[(kind, len(data.records.get(kind, []))) for kind in KINDS],
                files=files,
                made_at=utcnow(),
                lang=language,
            )
        archive.writestr("index.html", index)
    own = actor.id == person.id
    audit.record(
        actor,
        "privacy.own_data" if own else "privacy.subject_access",
        f"Copy of the data of user {person.id}: {len(KINDS)} kinds of record, {len(files)} file(s)",
        subject=person,
    )
    stamp = utcnow().strftime("%Y-%m-%d")
    return Export(f"trainhub-data-{person.id}-{stamp}.zip", buffer.getvalue())
