"""Certificates: issue, verify by code, revoke and reissue; the PDF and its QR code."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import insert, select

from trainhub.accreditation.models import (
    REVOKED,
    VALID,
    AccreditationLevel,
    Application,
    Certificate,
)
from trainhub.accreditation.services import notices
from trainhub.auth.models import User
from trainhub.bilingual import ENGLISH, WELSH, Shown, own, pick
from trainhub.courses.models import Completion, Course
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.i18n import language_list, setting_in
from trainhub.mail.services import external_url
from trainhub.pdf import render_pdf

log = logging.getLogger(__name__)

#: Crockford's base32: no I, L, O or U, so a code read aloud or typed is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
_CODE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def random_code(choice: Callable[[str], str] | None = None) -> str:
    """A new code's characters, each drawn by ``choice`` (by default ``secrets.choice``; the
    synthetic data passes a seeded generator's, so a seed always makes the same codes)."""
    draw = choice or secrets.choice
    return "".join(draw(ALPHABET) for _ in range(CODE_LENGTH))


def level_achievement(level: AccreditationLevel) -> str:
    """What an awarded level's certificate and CPD line say it is."""
    return _("Level %(n)d: %(title)s", n=level.number, title=level.title)


def level_achievement_cy(level: AccreditationLevel) -> str | None:
    """What an awarded level's certificate says it is in Welsh; None without a Welsh title."""
    title = own(level.title_cy)
    if title is None:
        return None
    with force_locale(WELSH):
        return _("Level %(n)d: %(title)s", n=level.number, title=title)


def issuer_in(language: str) -> str:
    """The issuer in ``language`` (``CERTIFICATE_ISSUER``), as a certificate issued now says."""
    return setting_in("CERTIFICATE_ISSUER", language)


def welsh_issuer() -> str | None:
    """The issuer's Welsh name, or None when ``CERTIFICATE_ISSUER`` gives none of its own (one
    string for both languages, no "cy", or the English again): a certificate then says it has
    no Welsh, and its Welsh side marks the English as English rather than passing it as Welsh."""
    chosen = current_app.config["CERTIFICATE_ISSUER"]
    if isinstance(chosen, str):
        return None
    welsh = own(chosen.get(WELSH))
    return welsh if welsh is not None and welsh != issuer_in(ENGLISH) else None


#: What a certificate carries when CERTIFICATE_LANGUAGES names nothing it knows.
DEFAULT_LANGUAGES = (WELSH, ENGLISH)


def certificate_languages() -> list[str]:
    """The languages a certificate carries, in order (``CERTIFICATE_LANGUAGES``)."""
    chosen, _unknown = language_list(current_app.config.get("CERTIFICATE_LANGUAGES", ""))
    return chosen or list(DEFAULT_LANGUAGES)


@dataclass(frozen=True)
class Side:
    """A certificate's texts in one language, each the other language where it has none."""

    language: str
    achievement: Shown
    issuer: Shown


@dataclass(frozen=True)
class Bilingual:
    """A certificate's achievement and issuer in both languages, each text once, as
    (language, text) pairs: what the verification and badge pages show."""

    achievements: list[tuple[str, str]]
    issuers: list[tuple[str, str]]


def bilingual_texts(certificate: Certificate) -> Bilingual:
    """Both languages, in the order the certificate prints them (a certificate printed in
    one language alone is still checked in both)."""
    languages = certificate_languages()
    languages += [language for language in DEFAULT_LANGUAGES if language not in languages]
    shown = [in_language(certificate, language) for language in languages]
    return Bilingual(
        each_once([(s.achievement.lang or s.language, s.achievement.text) for s in shown]),
        each_once([(s.issuer.lang or s.language, s.issuer.text) for s in shown]),
    )


def each_once(texts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(language, text) pairs without a text already given (a fallback that repeats the
    other language's text is said once)."""
    seen: set[str] = set()
    out = []
    for language, text in texts:
        if text and text not in seen:
            seen.add(text)
            out.append((language, text))
    return out


def in_language(certificate: Certificate, language: str) -> Side:
    """What ``certificate`` says in ``language`` (Welsh falls back to the English printed)."""
    return Side(
        language,
        pick(certificate.achievement, certificate.achievement_cy, language),
        pick(certificate.issuer, certificate.issuer_cy, language),
    )


def normalise_code(text: str) -> str | None:
    """A typed code in canonical form (spaces, dashes and case forgiven), or None."""
    code = re.sub(r"[\s\-]", "", text).upper().translate(str.maketrans("OIL", "011"))
    return code if _CODE.match(code) else None


def find_by_code(text: str) -> Certificate | None:
    """The certificate with this code however typed (see ``normalise_code``), or None."""
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.execute(
        select(Certificate).where(Certificate.code == code)
    ).scalar_one_or_none()


def _new_codes(count: int) -> list[str]:
    """``count`` fresh codes, checked against the table in one query."""
    codes: set[str] = set()
    while len(codes) < count:  # 60 bits each: a clash is a once-in-a-lifetime event
        wanted = {random_code() for _ in range(count - len(codes))}
        taken = set(
            db.session.execute(
                select(Certificate.code).where(Certificate.code.in_(wanted))
            ).scalars()
        )
        codes |= wanted - taken
    return sorted(codes)[:count]


def _new_code() -> str:
    return _new_codes(1)[0]


def _issue(user: User, code: str | None = None, **fields: object) -> Certificate:
    certificate = Certificate(
        code=code or _new_code(),
        user_id=user.id,
        learner_name=user.full_name,
        issuer=issuer_in(ENGLISH),
        issuer_cy=welsh_issuer(),
        status=VALID,
        **fields,
    )
    db.session.add(certificate)
    db.session.flush()
    log.info("Certificate %s issued to user %s", certificate.id, user.id)
    return certificate


def issue_for_completions(completions: Sequence[Completion]) -> list[Certificate]:
    """The certificates of completed courses, in a fixed number of queries however many."""
    if not completions:
        return []
    users = {
        u.id: u
        for u in db.session.execute(
            select(User).where(User.id.in_({c.user_id for c in completions}))
        ).scalars()
    }
    courses = {
        c.id: c
        for c in db.session.execute(
            select(Course).where(Course.id.in_({c.course_id for c in completions}))
        ).scalars()
    }
    rows: list[dict[str, object]] = []
    issuers = {ENGLISH: issuer_in(ENGLISH), WELSH: welsh_issuer()}
    for completion, code in zip(completions, _new_codes(len(completions)), strict=True):
        course = courses[completion.course_id]
        rows.append(
            {
                "code": code,
                "user_id": completion.user_id,
                "learner_name": users[completion.user_id].full_name,
                "issuer": issuers[ENGLISH],
                "issuer_cy": issuers[WELSH],
                "status": VALID,
                "kind": "course",
                "course_id": course.id,
                "achievement": course.title,
                "achievement_cy": own(course.title_cy),
                "awarded_on": completion.completed_on,
                "hours": course.cpd_hours,
                "credits": course.credit_value,
                "accrediting_body": course.accrediting_body,
            }
        )
    # One INSERT for the lot (the ORM would write self-referencing rows one by one).
    db.session.execute(insert(Certificate), rows)
    codes = [str(row["code"]) for row in rows]
    issued = {
        c.code: c
        for c in db.session.execute(
            select(Certificate).where(Certificate.code.in_(codes))
        ).scalars()
    }
    return [issued[code] for code in codes]


def issue_for_completion(completion: Completion) -> Certificate:
    """The certificate of one completed course."""
    return issue_for_completions([completion])[0]


def issue_for_level(application: Application) -> Certificate:
    """The certificate of an awarded level."""
    level = application.level
    assert application.achieved_on is not None
    with force_locale(ENGLISH):  # the English, whatever language the assessor reads
        achievement = level_achievement(level)
    return _issue(
        application.user,
        kind="level",
        level_id=level.id,
        application_id=application.id,
        achievement=achievement,
        achievement_cy=level_achievement_cy(level),
        awarded_on=application.achieved_on,
        hours=level.cpd_hours,
        credits=level.credit_value,
        accrediting_body=level.accrediting_body,
    )


def _welsh_now(certificate: Certificate) -> str | None:
    """The Welsh of a certificate issued without one, when its course or level has it now
    and the English printed is still its name (a reissue then carries the Welsh)."""
    if certificate.kind == "level" and certificate.level_id is not None:
        level = db.session.get(AccreditationLevel, certificate.level_id)
        if level is None:
            return None
        with force_locale(ENGLISH):
            same = level_achievement(level) == certificate.achievement
        return level_achievement_cy(level) if same else None
    if certificate.course_id is not None:
        course = db.session.get(Course, certificate.course_id)
        if course is not None and course.title == certificate.achievement:
            return own(course.title_cy)
    return None


def _revoke(certificate: Certificate, actor: User | None, reason: str) -> None:
    certificate.status = REVOKED
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id if actor else None
    certificate.revoked_reason = reason


def _lock(certificate: Certificate) -> None:
    db.session.execute(
        select(Certificate.id).where(Certificate.id == certificate.id).with_for_update()
    )
    db.session.refresh(certificate)


def revoke_certificate(actor: User, certificate: Certificate, reason: str) -> Certificate:
    """The status flips to revoked, with the reason and date; nothing is deleted.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on ``reason`` when it is empty.
    :raises ConflictError: when the certificate is already revoked.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can revoke certificates"))
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("reason", _("Enter the reason for revoking the certificate"))
    _lock(certificate)
    if certificate.status == REVOKED:
        raise ConflictError(_("This certificate has already been revoked"))
    _revoke(certificate, actor, reason)
    db.session.flush()
    log.info("Certificate %s revoked by %s", certificate.id, actor.id)
    return certificate


def reissue_certificate(actor: User, certificate: Certificate) -> Certificate:
    """A new certificate (new code, the learner's name as it is now) in place of this one.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ConflictError: when the certificate has already been reissued.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can reissue certificates"))
    _lock(certificate)
    if certificate.replaced_by:
        raise ConflictError(_("This certificate has already been reissued"))
    replacement = _issue(
        certificate.user,
        kind=certificate.kind,
        course_id=certificate.course_id,
        level_id=certificate.level_id,
        application_id=certificate.application_id,
        achievement=certificate.achievement,
        achievement_cy=certificate.achievement_cy or _welsh_now(certificate),
        awarded_on=certificate.awarded_on,
        hours=certificate.hours,
        credits=certificate.credits,
        accrediting_body=certificate.accrediting_body,
        replaces_id=certificate.id,
    )
    if certificate.status == VALID:
        _revoke(
            certificate,
            actor,
            _("Replaced by certificate %(code)s", code=replacement.display_code),
        )
    db.session.flush()
    notices.certificate_reissued(replacement)
    return replacement


def revoke_for_withdrawn_completions(
    user_ids: Sequence[int], course_id: int, actor: User | None, reason: str = ""
) -> None:
    """Register corrections (or a withdrawn record) took completions away: their
    certificates no longer stand."""
    query = select(Certificate).where(
        Certificate.user_id.in_(user_ids),
        Certificate.course_id == course_id,
        Certificate.kind == "course",
        Certificate.status == VALID,
    )
    reason = reason or _("The course completion was withdrawn after a register correction")
    for certificate in db.session.execute(query).scalars():
        _revoke(certificate, actor, reason)
    db.session.flush()


def revoke_for_withdrawn_award(application_id: int, actor: User | None, reason: str) -> None:
    """A recorded award was withdrawn: its certificate no longer stands."""
    query = select(Certificate).where(
        Certificate.application_id == application_id, Certificate.status == VALID
    )
    for certificate in db.session.execute(query).scalars():
        _revoke(certificate, actor, reason)
    db.session.flush()


def verification_url(certificate: Certificate) -> str:
    """The public page that says whether the certificate stands."""
    return external_url("accreditation.verify_certificate", code=certificate.code)


def qr_code_svg_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI (the PDF renderer fetches nothing else)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a PDF in each of ``certificate_languages()`` (the first is the
    document's language), each side in its own wording and date format, with one QR code
    of its verification page."""
    url = verification_url(certificate)
    languages = certificate_languages()
    sides: list[tuple[str, Markup]] = []
    labels: list[tuple[str, str, str]] = []
    for position, language in enumerate(languages):
        with force_locale(language):
            html = render_template(
                "accreditation/_certificate_side.html",
                certificate=certificate,
                side=in_language(certificate, language),
                first=position == 0,
            )
            sides.append((language, Markup(html)))  # noqa: S704 (a template, autoescaped)
            labels.append((language, _("Verification code"), _("Check this certificate at:")))
    with force_locale(languages[0]):
        return render_pdf(
            "accreditation/certificate_pdf.html",
            certificate=certificate,
            languages=languages,
            sides=sides,
            labels=labels,
            verify_url=url,
            qr=qr_code_svg_uri(url),
        )
