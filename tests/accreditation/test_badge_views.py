"""The badge downloads, public badge links, and checking a badge on the verification page
(the hostile cases included)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import re
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, PngImagePlugin
from sqlalchemy import select

from tests.accreditation.helpers import complete, learner
from tests.accreditation.test_badges import verify_with_pyjwt
from tests.accreditation.view_helpers import as_user, banners, field_error, follow, page
from tests.factories import make_user
from tests.helpers import QueryCounter
from trainhub.accreditation.models import BadgeLink, Certificate
from trainhub.accreditation.services.badges import open_badge_credential, signed_badge
from trainhub.accreditation.services.certificates import revoke_certificate
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.privacy.services.erasure import erase_person

BASE = "https://trainhub.example.org"


def certificate_of(person: User) -> Certificate:
    complete(person, "IFSS-CORE", dt.date(2026, 5, 14), announce=True)
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == person.id)
    ).scalar_one()


@pytest.fixture
def holder(catalogue: None) -> User:
    return learner(full_name="Rhian Holder", email="rhian.holder@example.org")


def b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return (
        json.loads(base64.urlsafe_b64decode(header + "==")),
        json.loads(base64.urlsafe_b64decode(payload + "==")),
        signature,
    )


def check(client: FlaskClient, text: str | None = None, file: dict[str, Any] | None = None) -> Any:
    """Post the check form as a browser does: pasted text, or a file."""
    data: dict[str, Any] = {"badge": text or ""}
    if file is not None:
        data["file"] = (io.BytesIO(file["data"]), file["name"])
    return client.post("/verify/badge", data=data, content_type="multipart/form-data")


def plain_png(*, compressed: bool = False) -> bytes:
    """A PNG with no credential, or with one in a compressed chunk (refused, not inflated)."""
    info = PngImagePlugin.PngInfo()
    if compressed:
        info.add_itxt("openbadgecredential", "x" * 5000, zip=True)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def heading(response: Any) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page(response), re.S)
    assert found is not None
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


# Downloads ---------------------------------------------------------------------------------


def test_the_learner_downloads_the_badge_signed_baked_and_as_json(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, holder)

    text = page(client.get("/my/certificates"))
    for fmt in ("jwt", "svg", "png", "json"):
        assert f"/certificates/{certificate.code}/badge.{fmt}" in text
    assert "only the signed forms prove it came from us" in text

    token = client.get(f"/certificates/{certificate.code}/badge.jwt")
    assert token.mimetype == "application/jwt"
    assert token.headers["Content-Disposition"] == (
        f'attachment; filename="badge-{certificate.display_code}.jwt"'
    )
    assert verify_with_pyjwt(client, token.get_data(as_text=True))["jti"] == (
        f"{BASE}/verify/{certificate.code}"
    )

    svg = client.get(f"/certificates/{certificate.code}/badge.svg")
    assert svg.mimetype == "image/svg+xml"
    baked = svg.get_data(as_text=True)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    found = re.search(r"<openbadges:credential>([^<]+)</openbadges:credential>", baked)
    assert found is not None
    verify_with_pyjwt(client, found.group(1))

    png = client.get(f"/certificates/{certificate.code}/badge.png")
    assert png.mimetype == "image/png"
    with Image.open(io.BytesIO(png.data)) as image:  # Pillow reads the iTXt chunk itself
        assert image.size == (400, 400)
        baked_png = image.text["openbadgecredential"]
    verify_with_pyjwt(client, baked_png)

    data = client.get(f"/certificates/{certificate.code}/badge.json")
    assert data.mimetype == "application/ld+json"
    assert data.json == open_badge_credential(certificate)

    other = as_user(app, make_user(roles=["learner"]))
    assert other.get(f"/certificates/{certificate.code}/badge.jwt").status_code == 403
    assert other.get(f"/certificates/{certificate.code}/badge.svg").status_code == 403


# Checking a badge ------------------------------------------------------------------------------


def test_a_pasted_or_uploaded_badge_we_signed_is_valid(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    token = signed_badge(certificate)
    client = as_user(app, None)

    assert "Check a badge file" in page(client.get("/verify"))
    pasted = check(client, token)
    assert pasted.status_code == 200
    assert heading(pasted) == "Valid badge"
    assert "Rhian Holder" in page(pasted)
    for name, data in (
        ("badge.jwt", token.encode()),
        ("badge.svg", as_user(app, holder).get(f"/certificates/{certificate.code}/badge.svg").data),
        ("badge.png", as_user(app, holder).get(f"/certificates/{certificate.code}/badge.png").data),
    ):
        uploaded = check(client, file={"name": name, "data": data})
        assert (uploaded.status_code, heading(uploaded)) == (200, "Valid badge"), name


def test_a_revoked_badge_says_revoked_with_the_date(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    token = signed_badge(certificate)
    revoke_certificate(make_user(roles=["admin"]), certificate, "Issued in error")

    response = check(as_user(app, None), token)

    assert (response.status_code, heading(response)) == (200, "Revoked badge")
    assert f"revoked on {certificate.revoked_at:%-d %B %Y}" in page(response)


def test_forged_and_foreign_badges_are_not_ours(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    token = signed_badge(certificate)
    header, claims, signature = parts(token)
    public_jwk = as_user(app, None).get(header["kid"].removeprefix(BASE)).json
    public_pem = pyjwt.PyJWK(public_jwk).key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    altered = {**claims, "name": "Level 6: Something grander"}
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    hs256_header = b64({"alg": "HS256", "typ": "JWT", "kid": header["kid"]})
    hs256_body = f"{hs256_header}.{b64(altered)}"
    hs256 = (
        base64.urlsafe_b64encode(hmac.new(public_pem, hs256_body.encode(), hashlib.sha256).digest())
        .decode()
        .rstrip("=")
    )
    cases = {
        "altered payload": f"{b64(header)}.{b64(altered)}.{signature}",
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': header['kid']})}.{b64(altered)}.",
        "HS256 with the public key as secret": f"{hs256_body}.{hs256}",
        "a key not ours": pyjwt.encode(
            altered, stranger_key, algorithm="RS256", headers={"kid": header["kid"]}
        ),
        "a kid elsewhere": pyjwt.encode(
            altered,
            stranger_key,
            algorithm="RS256",
            headers={"kid": "https://evil.example/keys/" + header["kid"].rsplit("/", 1)[1]},
        ),
        "signed by us, not a certificate of ours": signed_badge_of_nothing(app, claims),
    }
    client = as_user(app, None)
    for name, forged in cases.items():
        response = check(client, forged)
        assert response.status_code == 200, name
        assert heading(response) == "Not a badge issued by trainhub", name
        assert "Rhian Holder" not in page(response), name


def signed_badge_of_nothing(app: Flask, claims: dict[str, Any]) -> str:
    """Our own signature over a credential naming a certificate that does not exist."""
    from trainhub.accreditation.services.badges import sign

    other = {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "iat", "exp")}
    other["id"] = f"{BASE}/verify/0000AAAA0000"
    return sign(other)


def test_badge_data_without_a_signature_is_compared_with_our_record(
    app: Flask, holder: User
) -> None:
    certificate = certificate_of(holder)
    credential = open_badge_credential(certificate)
    client = as_user(app, None)

    same = check(client, json.dumps(credential))
    assert (same.status_code, heading(same)) == (200, "The badge data matches our record")
    assert "has no signature" in page(same)
    # The payload of the signed badge (with the JWT's claims) matches too.
    payload = parts(signed_badge(certificate))[1]
    assert heading(check(client, json.dumps(payload))) == "The badge data matches our record"

    changed = {**credential, "name": "Level 6: Something grander"}
    differs = check(client, file={"name": "badge.json", "data": json.dumps(changed).encode()})
    assert heading(differs) == "The badge data does not match our record"

    elsewhere = {**credential, "id": "https://other.example/badges/1"}
    assert heading(check(client, json.dumps(elsewhere))) == "Not a badge issued by trainhub"


@pytest.mark.parametrize(
    ("text", "upload", "message"),
    [
        ("", None, "Paste a badge or choose a badge file"),
        ("hello", None, "This is not a badge"),
        ("eyJhbGciOi.e30.", None, "This badge is damaged: its header cannot be read"),
        ('{"a": [1, 2', None, "This badge is damaged: it is not valid JSON"),
        ('{"a":' * 30_000 + "1" + "}" * 30_000, None, "This badge is damaged"),
        ("[1, 2, 3]", None, "This is not a badge"),
        (None, ("badge.jwt", b"\xff\xfe\x00bad"), "saved as text (UTF-8)"),
        (None, ("badge.jwt", b"x" * (256 * 1024 + 1)), "smaller than 256 KB"),
        (None, ("badge.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "no badge baked"),
        (None, ("badge.png", plain_png()), "no badge baked"),
        (None, ("badge.png", plain_png(compressed=True)), "no badge baked"),
        (None, ("badge.png", plain_png()[:40]), "no badge baked"),
        # The opening tag 10,000 times and never closed: found in linear time, refused.
        (None, ("badge.svg", b"<svg>" + b"<openbadges:credential>" * 10_000), "no badge baked"),
        (
            None,
            ("badge.svg", b"<svg><openbadges:credential>a.b.c</openbadges:credential>" * 2),
            "no badge baked",
        ),
    ],
    ids=[
        "empty",
        "words",
        "bad header",
        "bad json",
        "nested bomb",
        "array",
        "not utf-8",
        "huge",
        "unbaked svg",
        "unbaked png",
        "compressed chunk",
        "cut short",
        "opened, never closed",
        "two baked",
    ],
)
def test_unreadable_input_is_a_field_error(
    app: Flask, text: str | None, upload: tuple[str, bytes] | None, message: str
) -> None:
    client = as_user(app, None)
    if upload is None:
        response = check(client, text)
    else:
        response = check(client, file={"name": upload[0], "data": upload[1]})

    assert response.status_code == 400
    error = field_error(page(response), "badge")
    assert error is not None and message in error, error


# Public links ------------------------------------------------------------------------------------


def test_a_public_link_is_made_shown_and_withdrawn(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, holder)

    made = follow(client, client.post(f"/certificates/{certificate.code}/badge-link"))
    assert ("success", "Public link made. Anyone with the link can see this badge.") in banners(
        made
    )
    link = db.session.execute(select(BadgeLink)).scalar_one()
    assert f"/badges/{link.token}" in made and len(link.token) >= 32
    again = follow(client, client.post(f"/certificates/{certificate.code}/badge-link"))
    assert "This badge already has a public link" in again

    visitor = as_user(app, None)
    shown = visitor.get(f"/badges/{link.token}")
    assert shown.status_code == 200
    assert shown.headers["X-Robots-Tag"] == "noindex"
    text = page(shown)
    assert "Rhian Holder" in text and certificate.achievement in text
    assert f"/verify/{certificate.code}" in text
    token = visitor.get(f"/badges/{link.token}/badge.jwt")
    assert token.mimetype == "application/jwt"
    verify_with_pyjwt(visitor, token.get_data(as_text=True))
    assert visitor.get(f"/badges/{link.token}/badge.svg").mimetype == "image/svg+xml"
    assert visitor.get(f"/badges/{link.token}/badge.json").mimetype == "application/ld+json"
    assert visitor.get("/badges/not-a-token").status_code == 404

    assert (
        as_user(app, make_user(roles=["learner"]))
        .get(f"/badge-links/{link.id}/withdraw")
        .status_code
        == 403
    )
    confirm = client.get(f"/badge-links/{link.id}/withdraw")
    assert confirm.status_code == 200
    assert "Withdraw the public link to this badge?" in page(confirm)
    withdrawn = follow(client, client.post(f"/badge-links/{link.id}/withdraw"))
    assert ("success", "Public link withdrawn. Nobody can open it any more.") in banners(withdrawn)
    gone = visitor.get(f"/badges/{link.token}")
    assert gone.status_code == 410
    assert "This badge link has been withdrawn" in page(gone)
    assert visitor.get(f"/badges/{link.token}/badge.jwt").status_code == 410

    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
    assert [a for a in actions if a.startswith("accreditation.badge_link")] == [
        "accreditation.badge_link_created",
        "accreditation.badge_link_withdrawn",
    ]


def test_a_revoked_certificate_cannot_be_shared(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    revoke_certificate(make_user(roles=["admin"]), certificate, "Issued in error")
    client = as_user(app, holder)

    assert "Make a public link" not in page(client.get("/my/certificates"))
    refused = follow(client, client.post(f"/certificates/{certificate.code}/badge-link"))
    assert "A revoked certificate's badge cannot be shared" in refused
    assert db.session.execute(select(BadgeLink)).first() is None
    other = as_user(app, make_user(roles=["learner"]))
    assert other.post(f"/certificates/{certificate.code}/badge-link").status_code == 403


def test_erasing_the_learner_withdraws_their_links(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, holder)
    client.post(f"/certificates/{certificate.code}/badge-link")
    link = db.session.execute(select(BadgeLink)).scalar_one()

    erase_person(make_user(roles=["admin"]), holder, "Asked to be forgotten")
    db.session.commit()

    db.session.refresh(link)
    assert link.withdrawn_at is not None
    response = as_user(app, None).get(f"/badges/{link.token}")
    assert response.status_code == 410
    assert "Rhian" not in page(response)


def test_my_certificates_runs_as_many_queries_however_many_badges_are_shared(
    app: Flask, holder: User, count_queries: QueryCounter
) -> None:
    first = certificate_of(holder)
    client = as_user(app, holder)
    client.post(f"/certificates/{first.code}/badge-link")
    client.get("/my/certificates")  # warm up

    count_queries.statements.clear()
    assert client.get("/my/certificates").status_code == 200
    few = count_queries.count

    # Three more certificates, each with a public link.
    for code in ("IFSS-CONSULT", "IFSS-SUPERVISE", "FFI-3DAY"):
        complete(holder, code, dt.date(2026, 6, 1), announce=True)
    db.session.commit()
    for certificate in db.session.execute(
        select(Certificate).where(Certificate.user_id == holder.id, Certificate.id != first.id)
    ).scalars():
        client.post(f"/certificates/{certificate.code}/badge-link")
    assert len(db.session.execute(select(BadgeLink)).all()) == 4
    count_queries.statements.clear()
    assert client.get("/my/certificates").status_code == 200
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)
