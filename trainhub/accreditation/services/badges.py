"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (an unsigned JSON-LD document).

Structure after the 1EdTech Open Badges 3.0 specification's examples: the W3C Verifiable
Credentials 2.0 and OB 3.0 contexts, an issuer ``Profile``, an ``AchievementSubject``
holding the ``Achievement`` with its criteria and alignment to the learning outcomes, and a
``credentialStatus`` pointing at our public status endpoint.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app

from trainhub.accreditation.models import AccreditationLevel, Certificate
from trainhub.courses.models import Course
from trainhub.extensions import db
from trainhub.mail.services import external_url

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _iso(certificate: Certificate) -> str:
    return f"{certificate.awarded_on.isoformat()}T00:00:00Z"


def _identity(certificate: Certificate) -> dict[str, Any]:
    """The learner's e-mail address, salted and hashed: it identifies without revealing."""
    salt = certificate.code
    digest = hashlib.sha256((certificate.user.email + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def _achievement(certificate: Certificate) -> dict[str, Any]:
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    achievement: dict[str, Any] = {
        "type": ["Achievement"],
        "name": certificate.achievement,
    }
    alignment: list[dict[str, Any]] = []
    if certificate.kind == "level" and certificate.level_id is not None:
        level = db.session.get(AccreditationLevel, certificate.level_id)
        assert level is not None
        url = external_url("accreditation.levels") + f"#level-{level.number}"
        achievement.update(
            id=f"{base}/achievements/level-{level.number}",
            achievementType="Certificate",
            description=level.description or level.title,
            criteria={
                "id": url,
                "narrative": "An assessor signed off every learning outcome of the level "
                "against the learner's workbook.",
            },
        )
        alignment = [
            {
                "type": ["Alignment"],
                "targetName": outcome.text,
                "targetUrl": url,
                "targetType": "CFItem",
                "targetCode": f"L{level.number}.{outcome.position}",
            }
            for outcome in level.outcomes
        ]
    else:
        course = db.session.get(Course, certificate.course_id) if certificate.course_id else None
        url = (
            external_url("courses.course_detail", code=course.code) if course is not None else base
        )
        achievement.update(
            id=f"{base}/achievements/course-{course.code if course else certificate.id}",
            achievementType="Course",
            description=(course.summary if course and course.summary else certificate.achievement),
            criteria={
                "id": url,
                "narrative": "Attended the course days its completion rule requires.",
            },
        )
        if course is not None:
            alignment = [
                {
                    "type": ["Alignment"],
                    "targetName": outcome.text,
                    "targetUrl": url,
                    "targetType": "CFItem",
                }
                for unit in course.units
                for outcome in unit.outcomes
            ]
    if alignment:
        achievement["alignment"] = alignment
    if certificate.credits is not None:
        achievement["creditsAvailable"] = float(certificate.credits)
    return achievement


def open_badge_credential(certificate: Certificate) -> dict[str, Any]:
    """The certificate as an OB 3.0 credential (JSON-serialisable)."""
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [_identity(certificate)],
        "achievement": _achievement(certificate),
    }
    if certificate.credits is not None:
        subject["creditsEarned"] = float(certificate.credits)
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": external_url("accreditation.verify_certificate", code=certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.achievement,
        "issuer": {
            "id": f"{base}/",
            "type": ["Profile"],
            "name": certificate.issuer,
            "url": f"{base}/",
        },
        "validFrom": _iso(certificate),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": external_url("accreditation.certificate_status", code=certificate.code),
            "type": "1EdTechRevocationList",
        },
    }
    if certificate.revoked_at is not None:
        credential["validUntil"] = certificate.revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return credential
