"""Certificate pages: the learner's list and downloads, the Open Badge, the public
verification page and status, and revoking and reissuing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from flask import Flask

from tests.accreditation.helpers import complete, count, learner, outbox
from tests.accreditation.view_helpers import (
    as_user,
    banners,
    field_error,
    follow,
    page,
)
from tests.factories import make_organisation, make_user
from tests.helpers import QueryCounter
from trainhub.accreditation.models import REVOKED, VALID, Certificate
from trainhub.accreditation.services.certificates import reissue_certificate, revoke_certificate
from trainhub.auth.models import User
from trainhub.extensions import db

CORE_TITLE = "IFSS Family Focussed Intervention \u2013 Core training 4-day Training Programme"


def certificate_of(person: User, on: dt.date = dt.date(2026, 5, 14)) -> Certificate:
    """The certificate of the core course, issued as the register would on completion."""
    complete(person, "IFSS-CORE", on, announce=True)
    return db.session.execute(
        db.select(Certificate).where(Certificate.user_id == person.id)
    ).scalar_one()


def dashed_lower(code: str) -> str:
    """The code as someone might type it: lower case, in groups with dashes and spaces."""
    return f"{code[:4].lower()}-{code[4:8].lower()} - {code[8:].lower()}"


@pytest.fixture
def holder(catalogue: None) -> User:
    return learner(
        full_name="Rhian Holder",
        email="rhian.holder@example.org",
        organisation=make_organisation("Cyngor Sir Example"),
    )


# The learner's certificates ------------------------------------------------------------------


def test_my_certificates_lists_each_with_its_downloads(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)

    text = page(as_user(app, holder).get("/my/certificates"))

    assert CORE_TITLE in text
    assert certificate.display_code in text
    assert f"/certificates/{certificate.code}.pdf" in text
    assert f"/certificates/{certificate.code}/badge.json" in text


def test_the_certificate_pdf_is_a_pdf(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)

    response = as_user(app, holder).get(f"/certificates/{certificate.code}.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert certificate.display_code in response.headers["Content-Disposition"]


def test_someone_elses_certificate_download_is_refused(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, learner())

    assert client.get(f"/certificates/{certificate.code}.pdf").status_code == 403
    assert client.get(f"/certificates/{certificate.code}/badge.json").status_code == 403
    assert client.get("/certificates/0000AAAA0000.pdf").status_code == 404


def test_the_badge_is_an_open_badges_3_credential_in_json_ld(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)

    response = as_user(app, holder).get(f"/certificates/{certificate.code}/badge.json")

    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    badge = json.loads(response.data)
    assert badge["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert any("purl.imsglobal.org/spec/ob/v3p0/context" in c for c in badge["@context"])
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["credentialSubject"]["type"] == ["AchievementSubject"]
    assert badge["credentialSubject"]["achievement"]["name"] == CORE_TITLE
    assert badge["id"].endswith(f"/verify/{certificate.code}")
    assert badge["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert badge["credentialStatus"]["statusListIndex"] == str(certificate.id)
    # The e-mail address only as a salted hash.
    assert "rhian.holder@example.org" not in response.get_data(as_text=True)


# Public verification ----------------------------------------------------------------------------


def test_the_verification_page_shows_what_was_certified(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)

    response = as_user(app, None).get(f"/verify/{certificate.code}")

    assert response.status_code == 200
    text = page(response)
    assert "Valid certificate" in text
    assert "Rhian Holder" in text
    assert CORE_TITLE in text
    with app.test_request_context():
        assert "14 May 2026" in text
    assert "rhian.holder@example.org" not in text
    assert "Cyngor Sir Example" not in text


def test_a_revoked_certificate_shows_revoked_the_reason_and_the_date_only(
    app: Flask, holder: User
) -> None:
    certificate = certificate_of(holder)
    revoke_certificate(make_user(roles=["admin"]), certificate, "Issued in error")
    db.session.commit()
    assert certificate.revoked_at is not None
    revoked_on = certificate.revoked_at.date()

    response = as_user(app, None).get(f"/verify/{certificate.code}")

    assert response.status_code == 200
    text = page(response)
    assert "Revoked" in text
    assert "Valid certificate" not in text
    assert "Issued in error" in text
    assert f"{revoked_on.day} {revoked_on:%B %Y}" in text
    assert "rhian.holder@example.org" not in text
    assert "Cyngor Sir Example" not in text


def test_a_forged_code_is_a_404_page(app: Flask, holder: User) -> None:
    certificate_of(holder)
    client = as_user(app, None)

    for code in ("0000AAAA0000", "not-a-code", "<script>"):
        response = client.get(f"/verify/{code}")
        assert response.status_code == 404, code
        assert "Certificate not found" in page(response)
        assert "Rhian Holder" not in page(response)


def test_a_typed_code_goes_to_the_canonical_page(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, None)

    response = client.get("/verify", query_string={"code": dashed_lower(certificate.code)})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{certificate.code}"
    typed = client.get(f"/verify/{certificate.code.lower()}")
    assert typed.headers["Location"] == f"/verify/{certificate.code}"


def test_a_code_of_the_wrong_shape_is_explained(app: Flask, holder: User) -> None:
    client = as_user(app, None)

    assert client.get("/verify").status_code == 200
    response = client.get("/verify?code=12345")

    assert response.status_code == 400
    assert field_error(page(response), "code") == (
        "Enter the code as printed: 12 letters and numbers, like 7KQ2-M9XH-3TVA"
    )
    empty = client.get("/verify?code=")
    assert empty.status_code == 400
    assert field_error(page(empty), "code") == "Enter the verification code"


def test_the_status_endpoint_is_a_1edtech_revocation_list(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, None)
    url = f"/certificates/{certificate.code}/status"

    valid = client.get(url)
    assert valid.status_code == 200
    assert valid.mimetype == "application/json"
    # A 1EdTech Revocation List of the one certificate, for badges downloaded before the
    # status list: empty while it stands.
    assert valid.json == {
        "id": f"https://trainhub.example.org{url}",
        "issuer": "https://trainhub.example.org/issuer",
        "revokedCredentials": [],
    }
    assert valid.headers["Cache-Control"] == "no-store"

    revoke_certificate(make_user(roles=["admin"]), certificate, "Issued in error")
    db.session.commit()
    revoked = client.get(url).json
    assert revoked is not None
    assert revoked["revokedCredentials"] == [
        {
            "id": f"https://trainhub.example.org/verify/{certificate.code}",
            "revocationReason": "Issued in error",
        }
    ]
    assert "rhian" not in json.dumps(revoked).lower()

    assert client.get("/certificates/0000AAAA0000/status").status_code == 404


# Revoking and reissuing ----------------------------------------------------------------------


def test_an_admin_revokes_with_a_reason_and_only_once(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, make_user(roles=["admin"]))
    url = f"/admin/certificates/{certificate.id}/revoke"

    refused = client.post(url, data={"reason": " "})
    assert refused.status_code == 400
    assert field_error(page(refused), "reason") == "Enter the reason"

    response = client.post(url, data={"reason": "Issued in error"})
    assert response.headers["Location"] == "/admin/certificates"
    assert ("success", f"Certificate {certificate.display_code} revoked.") in banners(
        follow(client, response)
    )
    db.session.refresh(certificate)
    assert (certificate.status, certificate.revoked_reason) == (REVOKED, "Issued in error")

    again = client.post(url, data={"reason": "Again"})
    assert ("important", "This certificate has already been revoked") in banners(
        follow(client, again)
    )
    db.session.refresh(certificate)
    assert certificate.revoked_reason == "Issued in error"


def test_reissuing_gives_a_new_code_and_the_old_page_points_to_it(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    client = as_user(app, make_user(roles=["admin"]))

    response = client.post(f"/admin/certificates/{certificate.id}/reissue")

    replacement = db.session.execute(
        db.select(Certificate).where(Certificate.replaces_id == certificate.id)
    ).scalar_one()
    assert response.headers["Location"] == "/admin/certificates"
    assert (
        "success",
        f"Certificate {replacement.display_code} issued in its place.",
    ) in banners(follow(client, response))
    db.session.refresh(certificate)
    assert (certificate.status, replacement.status) == (REVOKED, VALID)
    assert any("Your new certificate" in m.subject for m in outbox(holder))

    old = page(as_user(app, None).get(f"/verify/{certificate.code}"))
    assert f"Replaced by certificate {replacement.display_code}" in old
    assert f'href="/verify/{replacement.code}"' in old

    twice = client.post(f"/admin/certificates/{certificate.id}/reissue")
    assert ("important", "This certificate has already been reissued") in banners(
        follow(client, twice)
    )
    assert count(Certificate) == 2


def test_the_admin_list_finds_by_name_or_typed_code(app: Flask, holder: User) -> None:
    certificate = certificate_of(holder)
    other = certificate_of(learner(full_name="Someone Else"))
    client = as_user(app, make_user(roles=["admin"]))

    by_name = page(client.get("/admin/certificates?q=rhian"))
    assert certificate.display_code in by_name and other.display_code not in by_name
    by_code = page(client.get("/admin/certificates", query_string={"q": dashed_lower(other.code)}))
    assert other.display_code in by_code and certificate.display_code not in by_code
    assert "No certificate matches your search." in page(client.get("/admin/certificates?q=zz"))


def test_the_admin_list_runs_a_constant_number_of_queries(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    admin = make_user(roles=["admin"])

    def add(n: int) -> None:
        for _ in range(n):
            certificate = certificate_of(learner())
            reissue_certificate(admin, certificate)

    add(1)  # two certificates: one reissued, its replacement
    client = as_user(app, admin)
    client.get("/admin/certificates")  # warm up
    count_queries.statements.clear()
    client.get("/admin/certificates")
    few = count_queries.count

    add(5)  # twelve
    db.session.commit()
    count_queries.statements.clear()
    text = page(client.get("/admin/certificates"))

    assert text.count("Reissue<") == 6  # only the replacements can be reissued
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)
