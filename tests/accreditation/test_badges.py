"""A certificate as an Open Badges 3.0 OpenBadgeCredential, shaped like the spec's examples."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tests.accreditation.helpers import (
    admin,
    claimed,
    complete,
    course,
    judge_all,
    learner,
    level,
)
from trainhub.accreditation.models import Certificate
from trainhub.accreditation.services.assessment import decide_application
from trainhub.accreditation.services.badges import open_badge_credential
from trainhub.accreditation.services.certificates import revoke_certificate
from trainhub.extensions import db

BASE = "https://trainhub.example.org"


def level_3_certificate() -> Certificate:
    level(3).credit_value = Decimal("12")
    sent, marker = claimed(3)
    judge_all(marker, sent)
    decide_application(marker, sent, achieved=True)
    return db.session.execute(
        select(Certificate).where(Certificate.application_id == sent.id)
    ).scalar_one()


def course_certificate() -> Certificate:
    person = learner()
    complete(person, "IFSS-CORE", dt.date(2024, 5, 17), announce=True)
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == person.id)
    ).scalar_one()


def assert_open_badge_shape(credential: dict[str, Any], certificate: Certificate) -> None:
    context = credential["@context"]
    assert context[0] == "https://www.w3.org/ns/credentials/v2"
    assert any(url.startswith("https://purl.imsglobal.org/spec/ob/v3p0/context") for url in context)
    assert credential["id"] == f"{BASE}/verify/{certificate.code}"
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential["type"])
    issuer = credential["issuer"]
    assert issuer["id"].startswith(BASE)
    assert issuer["type"] == ["Profile"]
    assert issuer["name"] == certificate.issuer
    valid_from = dt.datetime.fromisoformat(credential["validFrom"])
    assert valid_from.date() == certificate.awarded_on
    assert valid_from.utcoffset() == dt.timedelta(0)
    subject = credential["credentialSubject"]
    assert "AchievementSubject" in subject["type"]
    achievement = subject["achievement"]
    assert achievement["id"].startswith(BASE)
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == certificate.achievement
    assert achievement["description"]
    assert achievement["criteria"]["narrative"]
    status = credential["credentialStatus"]
    assert status["id"] == f"{BASE}/certificates/{certificate.code}/status"
    assert status["type"]
    json.loads(json.dumps(credential))


def test_a_level_certificate_is_an_open_badge_aligned_to_the_levels_outcomes(
    catalogue: None,
) -> None:
    certificate = level_3_certificate()

    credential = open_badge_credential(certificate)

    assert_open_badge_shape(credential, certificate)
    achievement = credential["credentialSubject"]["achievement"]
    alignment = achievement["alignment"]
    assert [a["targetName"] for a in alignment] == [o.text for o in level(3).outcomes]
    assert all(a["type"] == ["Alignment"] for a in alignment)
    assert all(a["targetUrl"].startswith(f"{BASE}/accreditation") for a in alignment)
    assert credential["credentialSubject"]["creditsEarned"] == 12
    assert "validUntil" not in credential


def test_the_learner_is_identified_by_a_salted_hash_of_their_email(catalogue: None) -> None:
    certificate = level_3_certificate()

    [identity] = open_badge_credential(certificate)["credentialSubject"]["identifier"]

    digest = hashlib.sha256((certificate.user.email + certificate.code).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${digest}"
    assert identity["hashed"] is True
    assert identity["salt"] == certificate.code
    assert certificate.user.email not in json.dumps(open_badge_credential(certificate))


def test_a_course_certificate_is_an_open_badge_too(catalogue: None) -> None:
    certificate = course_certificate()

    credential = open_badge_credential(certificate)

    assert_open_badge_shape(credential, certificate)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == course("IFSS-CORE").title
    assert achievement["description"] == course("IFSS-CORE").summary
    assert "creditsEarned" not in credential["credentialSubject"]  # the seed sets no credits


def test_a_revoked_certificate_says_until_when_it_was_valid(catalogue: None) -> None:
    certificate = course_certificate()
    revoke_certificate(admin(), certificate, "Issued in error")

    credential = open_badge_credential(certificate)

    valid_until = dt.datetime.fromisoformat(credential["validUntil"])
    assert valid_until.tzinfo is not None
    json.dumps(credential)
