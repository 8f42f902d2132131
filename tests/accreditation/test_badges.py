"""Open Badges 3.0 credentials, checked against the standards, not against trainhub's code.

Every credential validates against 1EdTech's official JSON Schema (kept beside the project
in ../shared/standards/openbadges, read from there) and verifies with PyJWT, a JWT library
trainhub does not use, fetching the key the JOSE header names through the app. Revocation
is read by decoding the Bitstring Status List here (gzip + base64), as a verifier would.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import jwt as pyjwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
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
from trainhub.accreditation.services import credential_keys
from trainhub.accreditation.services.assessment import decide_application
from trainhub.accreditation.services.badges import open_badge_credential, signed_badge
from trainhub.accreditation.services.certificates import reissue_certificate, revoke_certificate
from trainhub.extensions import db

BASE = "https://trainhub.example.org"
#: The published standards beside the project (../shared/standards from the project's
#: folder, or TRAINHUB_STANDARDS_DIR), never copied into it. Missing, the tests fail loudly.
STANDARDS = (
    Path(
        os.environ.get("TRAINHUB_STANDARDS_DIR")
        or Path(__file__).resolve().parents[3] / "shared" / "standards"
    )
    / "openbadges"
)
_SCHEMA_FILE = STANDARDS / "ob_v3p0_achievementcredential_schema.json"
if not _SCHEMA_FILE.is_file():
    raise RuntimeError(
        f"The Open Badges 3.0 schema is not at {_SCHEMA_FILE}: the tests validate against the "
        "official file kept beside the project (../shared/standards/openbadges); clone the "
        "project beside it, or set TRAINHUB_STANDARDS_DIR to the standards folder."
    )
SCHEMA: dict[str, Any] = json.loads(_SCHEMA_FILE.read_text(encoding="utf-8"))


def assert_valid_open_badge(credential: dict[str, Any]) -> None:
    """Valid against the official OB 3.0 AchievementCredential schema (JSON Schema 2019-09)."""
    assert SCHEMA["$schema"].startswith("https://json-schema.org/draft/2019-09/")
    validator = jsonschema.Draft201909Validator(SCHEMA)
    errors = sorted(validator.iter_errors(credential), key=lambda error: list(error.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


# An independent verifier -----------------------------------------------------------------


def fetch(client: FlaskClient, url: str) -> Any:
    """Dereference one of our absolute URLs through the app, as a verifier would over HTTP."""
    assert url.startswith(BASE + "/"), url
    response = client.get(urlsplit(url).path, headers={"Accept": "application/json"})
    assert response.status_code == 200, (url, response.status_code)
    return response


def verify_with_pyjwt(client: FlaskClient, token: str, **options: Any) -> dict[str, Any]:
    """PyJWT checks the RS256 signature with the key the header's ``kid`` URL serves."""
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    jwk = fetch(client, header["kid"]).json
    key = pyjwt.PyJWK(jwk, algorithm="RS256").key
    claims: dict[str, Any] = pyjwt.decode(
        token,
        key,
        algorithms=["RS256"],
        options={"require": ["iss", "jti", "nbf", "iat"], **options},
    )
    return claims


def revoked_in_status_list(client: FlaskClient, credential: dict[str, Any]) -> bool:
    """Fetch the credential's status list (a VC-JWT), verify it, and read its bit."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    response = client.get(urlsplit(entry["statusListCredential"]).path)
    assert response.status_code == 200
    assert response.mimetype == "application/jwt"
    status_list = verify_with_pyjwt(client, response.get_data(as_text=True))
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["issuer"] == credential["issuer"]["id"]
    subject = status_list["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url, no padding
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    assert entry["id"] == f"{entry['statusListCredential']}#{index}"
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


# Certificates ------------------------------------------------------------------------------


def level_3_certificate(credits: Decimal | None = Decimal("12")) -> Certificate:
    level(3).credit_value = credits
    sent, marker = claimed(3)
    judge_all(marker, sent)
    decide_application(marker, sent, achieved=True)
    return db.session.execute(
        select(Certificate).where(Certificate.application_id == sent.id)
    ).scalar_one()


def course_certificate(code: str = "IFSS-CORE") -> Certificate:
    person = learner()
    complete(person, code, dt.date(2024, 5, 17), announce=True)
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == person.id)
    ).scalar_one()


def every_kind() -> dict[str, Certificate]:
    """A level and a course certificate, one revoked, one reissued (and its replacement)."""
    revoked = course_certificate()
    revoke_certificate(admin(), revoked, "Issued in error")
    reissued = course_certificate()
    replacement = reissue_certificate(admin(), reissued)
    kinds = {
        "level": level_3_certificate(),
        "course": course_certificate(),
        "course with units": course_certificate("IFSS-CONSULT"),
        "revoked": revoked,
        "reissued": reissued,
        "replacement": replacement,
    }
    db.session.commit()
    return kinds


def test_every_credential_is_valid_against_the_official_schema(app: Flask, catalogue: None) -> None:
    kinds = every_kind()
    for name, certificate in kinds.items():
        credential = open_badge_credential(certificate)
        assert_valid_open_badge(credential)
        # The signed form's payload too: the credential plus the JWT's registered claims.
        payload = json.loads(
            base64.urlsafe_b64decode(signed_badge(certificate).split(".")[1] + "==")
        )
        assert_valid_open_badge(payload)
        assert credential.items() <= payload.items(), name


def test_every_credential_verifies_with_an_independent_jwt_library(
    app: Flask, client: FlaskClient, catalogue: None
) -> None:
    kinds = every_kind()
    for name, certificate in kinds.items():
        credential = open_badge_credential(certificate)
        token = signed_badge(certificate)
        revoked = not certificate.is_valid
        # A revoked credential's exp (its validUntil) has passed: PyJWT says so.
        if revoked:
            with pytest.raises(pyjwt.ExpiredSignatureError):
                verify_with_pyjwt(client, token)
        claims = verify_with_pyjwt(client, token, verify_exp=not revoked)
        header = pyjwt.get_unverified_header(token)
        assert header["kid"].startswith(f"{BASE}/issuer/keys/"), name
        assert claims["iss"] == credential["issuer"]["id"] == f"{BASE}/issuer"
        assert claims["jti"] == credential["id"] == f"{BASE}/verify/{certificate.code}"
        assert claims["nbf"] == int(dt.datetime.fromisoformat(credential["validFrom"]).timestamp())
        assert "sub" not in claims  # the subject has no id: a hashed e-mail address instead
        assert {
            k: v for k, v in claims.items() if k not in {"iss", "jti", "nbf", "iat", "exp"}
        } == (credential)
        assert revoked_in_status_list(client, credential) is revoked, name
    assert kinds["replacement"].replaces_id == kinds["reissued"].id


def test_a_tampered_credential_fails(app: Flask, client: FlaskClient, catalogue: None) -> None:
    certificate = course_certificate()
    db.session.commit()
    header, payload, signature = signed_badge(certificate).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["achievement"]["name"] = "Level 6: Something grander"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    with pytest.raises(pyjwt.InvalidSignatureError):
        verify_with_pyjwt(client, f"{header}.{forged}.{signature}")


def test_revoking_shows_in_the_status_list_at_once(
    app: Flask, client: FlaskClient, catalogue: None
) -> None:
    certificate = course_certificate()
    db.session.commit()
    credential = open_badge_credential(certificate)  # as downloaded before the revocation
    assert revoked_in_status_list(client, credential) is False

    revoke_certificate(admin(), certificate, "Issued in error")
    db.session.commit()

    assert revoked_in_status_list(client, credential) is True
    response = client.get(urlsplit(credential["credentialStatus"]["statusListCredential"]).path)
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/credentials/status/99").status_code == 404


def test_a_level_certificate_aligns_to_the_levels_outcomes_as_web_pages(catalogue: None) -> None:
    certificate = level_3_certificate()

    achievement = open_badge_credential(certificate)["credentialSubject"]["achievement"]

    assert achievement["id"] == f"{BASE}/achievements/level-3"
    assert achievement["image"] == {
        "id": f"{BASE}/achievements/level-3/image.svg",
        "type": "Image",
        "caption": certificate.achievement,
    }
    alignment = achievement["alignment"]
    assert [a["targetName"] for a in alignment] == [o.text for o in level(3).outcomes]
    assert {a["targetType"] for a in alignment} == {"ext:HTMLPage"}
    assert all(a["targetUrl"] == f"{BASE}/accreditation#level-3" for a in alignment)
    assert achievement["creditsAvailable"] == 12


def test_a_course_certificate_aligns_to_the_courses_units(catalogue: None) -> None:
    certificate = course_certificate("IFSS-CONSULT")

    credential = open_badge_credential(certificate)

    achievement = credential["credentialSubject"]["achievement"]
    consult = course("IFSS-CONSULT")
    assert consult.units
    assert achievement["id"] == f"{BASE}/achievements/course-IFSS-CONSULT"
    assert achievement["name"] == consult.title
    assert achievement["description"] == consult.summary
    alignment = achievement["alignment"]
    assert [a["targetName"] for a in alignment] == [u.title for u in consult.units]
    assert [a["targetUrl"] for a in alignment] == [
        f"{BASE}/courses/IFSS-CONSULT#unit-{u.position}" for u in consult.units
    ]
    assert {a["targetType"] for a in alignment} == {"ext:HTMLPage"}
    assert "creditsEarned" not in credential["credentialSubject"]
    # A course without units (the core) has no alignment at all, rather than an empty one.
    core = open_badge_credential(course_certificate())["credentialSubject"]["achievement"]
    assert "alignment" not in core


def test_the_learner_is_identified_by_a_salted_hash_of_their_email(catalogue: None) -> None:
    certificate = level_3_certificate()

    [identity] = open_badge_credential(certificate)["credentialSubject"]["identifier"]

    digest = hashlib.sha256((certificate.user.email + certificate.code).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${digest}"
    assert (identity["hashed"], identity["salt"]) == (True, certificate.code)
    assert certificate.user.email not in signed_badge(certificate)


# What a verifier fetches --------------------------------------------------------------------


def test_the_issuer_its_keys_and_the_achievements_resolve_to_json(
    app: Flask, client: FlaskClient, catalogue: None
) -> None:
    certificate = level_3_certificate()
    db.session.commit()
    credential = open_badge_credential(certificate)

    issuer = fetch(client, credential["issuer"]["id"])
    assert issuer.mimetype == "application/ld+json"
    assert issuer.headers["Cache-Control"] == "public, max-age=300"
    assert issuer.json["type"] == ["Profile"]
    assert issuer.json["id"] == credential["issuer"]["id"]
    assert 'rel="jwks"' in issuer.headers["Link"]

    jwks = client.get("/issuer/jwks.json")
    assert jwks.mimetype == "application/json"
    [key] = jwks.json["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key and "p" not in key  # never the private part
    assert pyjwt.PyJWK(key).key.key_size == 3072
    assert client.get(f"/issuer/keys/{key['kid']}").json == key
    assert client.get("/issuer/keys/not-a-key").status_code == 404
    # The profile lists its keys as a controlled identifier document does: the method a
    # badge's kid names, with the same public key.
    [method] = issuer.json["verificationMethod"]
    assert method == {
        "id": f"{BASE}/issuer/keys/{key['kid']}",
        "type": "JsonWebKey",
        "controller": issuer.json["id"],
        "publicKeyJwk": key,
    }
    assert issuer.json["assertionMethod"] == [method["id"]]
    assert "https://www.w3.org/ns/cid/v1" in issuer.json["@context"]

    achievement = fetch(client, credential["credentialSubject"]["achievement"]["id"])
    assert achievement.mimetype == "application/ld+json"
    assert achievement.json == credential["credentialSubject"]["achievement"]
    course_achievement = client.get("/achievements/course-IFSS-CORE")
    assert course_achievement.json["achievementType"] == "Course"
    for unknown in ("/achievements/level-99", "/achievements/course-NOPE", "/achievements/x"):
        missing = client.get(unknown)
        assert (missing.status_code, missing.mimetype) == (404, "application/json")

    image = fetch(client, credential["credentialSubject"]["achievement"]["image"]["id"])
    assert image.mimetype == "image/svg+xml"
    text = image.get_data(as_text=True)
    assert "Level · Lefel" in text and "Tystysgrif" in text
    assert "openbadges:credential" not in text


# Keys ------------------------------------------------------------------------------------------


def test_a_new_key_signs_and_the_old_one_still_verifies_until_retired(
    app: Flask, client: FlaskClient, catalogue: None, tmp_path: Path
) -> None:
    app.config["CREDENTIALS_KEY_DIR"] = str(tmp_path)
    old = credential_keys.generate(tmp_path)
    certificate = course_certificate()
    db.session.commit()
    old_badge = signed_badge(certificate)

    runner = app.test_cli_runner()
    made = runner.invoke(args=["credentials", "keygen"])
    assert made.exit_code == 0, made.output
    new = next(key.kid for key in credential_keys.public_keys() if key.kid != old)
    assert (tmp_path / f"{new}.private.jwk").stat().st_mode & 0o777 == 0o600
    # The rotated-out key keeps only its public half: nothing can sign with it any more.
    assert not (tmp_path / f"{old}.private.jwk").exists()
    assert (tmp_path / f"{old}.public.jwk").exists()
    listed = runner.invoke(args=["credentials", "list"]).output
    assert f"{new}" in listed and f"{old}" in listed

    new_badge = signed_badge(certificate)
    assert pyjwt.get_unverified_header(new_badge)["kid"].endswith(new)
    verify_with_pyjwt(client, old_badge)  # rotation keeps the old public key
    assert len(client.get("/issuer/jwks.json").json["keys"]) == 2

    retired = runner.invoke(args=["credentials", "retire", old])
    assert retired.exit_code == 0, retired.output
    assert client.get(urlsplit(pyjwt.get_unverified_header(old_badge)["kid"]).path).status_code == (
        404
    )
    verify_with_pyjwt(client, new_badge)
    assert runner.invoke(args=["credentials", "retire", old]).exit_code != 0


def test_without_a_key_badges_cannot_be_downloaded_but_nothing_breaks(
    app: Flask, client: FlaskClient, catalogue: None, tmp_path: Path
) -> None:
    from tests.helpers import login

    app.config["CREDENTIALS_KEY_DIR"] = str(tmp_path / "none-yet")
    certificate = course_certificate()
    login(client, certificate.user)

    for fmt in ("jwt", "svg"):
        response = client.get(f"/certificates/{certificate.code}/badge.{fmt}")
        assert response.status_code == 503
        assert "signing key is not set up yet" in response.get_data(as_text=True)
    assert client.get(f"/certificates/{certificate.code}/badge.json").status_code == 200
    assert client.get("/credentials/status/0").status_code == 503
    assert client.get("/issuer/jwks.json").json == {"keys": []}


def test_a_private_key_others_can_read_signs_nothing_and_a_damaged_file_hides_nothing(
    app: Flask, client: FlaskClient, catalogue: None, tmp_path: Path
) -> None:
    from tests.helpers import login

    app.config["CREDENTIALS_KEY_DIR"] = str(tmp_path)
    kid = credential_keys.generate(tmp_path)
    (tmp_path / ("x" * 43 + ".public.jwk")).write_text("{not json", encoding="utf-8")
    assert [key.kid for key in credential_keys.public_keys()] == [kid]
    assert [k["kid"] for k in client.get("/issuer/jwks.json").json["keys"]] == [kid]

    (tmp_path / f"{kid}.private.jwk").chmod(0o644)
    with pytest.raises(credential_keys.NoSigningKey, match="readable by others"):
        credential_keys.signing_key()
    certificate = course_certificate()
    login(client, certificate.user)
    assert client.get(f"/certificates/{certificate.code}/badge.jwt").status_code == 503


@pytest.mark.once
def test_production_warns_about_a_missing_key_folder(tmp_path: Path) -> None:
    from trainhub.settings_check import warnings

    production = {"ENV": "production", "BASE_URL": "https://training.example.gov.wales"}
    assert "CREDENTIALS_KEY_DIR" in {f.setting for f in warnings(production, {})}
    empty = {**production, "CREDENTIALS_KEY_DIR": str(tmp_path)}
    assert "CREDENTIALS_KEY_DIR" in {f.setting for f in warnings(empty, {})}
    credential_keys.generate(tmp_path)
    assert "CREDENTIALS_KEY_DIR" not in {f.setting for f in warnings(empty, {})}
