"""Certificates: issued on a completion, codes, verification, revocation, reissue, the PDF.

Also the receivers of the catalogue's completion signals (CPD banked and reversed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests.accreditation.helpers import admin, complete, count, course, learner, outbox
from tests.factories import make_course, make_user
from trainhub.accreditation.models import REVOKED, VALID, Certificate
from trainhub.accreditation.services import certificates
from trainhub.accreditation.services.certificates import (
    certificate_pdf,
    find_by_code,
    normalise_code,
    reissue_certificate,
    revoke_certificate,
    verification_url,
)
from trainhub.accreditation.services.cpd import COURSE, REVERSAL, ledger, totals_by_year
from trainhub.auth.models import User
from trainhub.courses.models import Completion
from trainhub.courses.signals import course_completion_withdrawn
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

CROCKFORD_CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{12}$")
WITHDRAWN_REASON = "The course completion was withdrawn after a register correction"


def core_with_credits() -> None:
    core = course("IFSS-CORE")
    core.cpd_hours = Decimal("26")
    core.credit_value = Decimal("3")
    core.accrediting_body = "Agored Cymru"


def completed_core(person: User, on: dt.date = dt.date(2024, 5, 17)) -> Certificate:
    """The learner completes the core (announced, as the register does); its certificate."""
    complete(person, "IFSS-CORE", on, announce=True)
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == person.id, Certificate.kind == "course")
    ).scalar_one()


def withdraw_core(person: User, actor: User | None) -> None:
    """A register correction takes the core completion away, as attendance does."""
    core = course("IFSS-CORE")
    db.session.execute(
        delete(Completion).where(Completion.user_id == person.id, Completion.course_id == core.id)
    )
    course_completion_withdrawn.send(None, user_ids=[person.id], course_id=core.id, actor=actor)


# The receivers ---------------------------------------------------------------------------


def test_a_completed_course_banks_cpd_and_earns_a_certificate(catalogue: None) -> None:
    core_with_credits()
    person = learner(full_name="Siân Ŵyn")

    certificate = completed_core(person)
    db.session.commit()

    [entry] = ledger(person)
    assert entry.source == COURSE
    assert entry.course_id == course("IFSS-CORE").id
    assert (entry.hours, entry.credits) == (Decimal("26"), Decimal("3"))
    assert entry.occurred_on == dt.date(2024, 5, 17)
    assert entry.accrediting_body == "Agored Cymru"
    assert entry.recorded_by_id is None
    assert certificate.status == VALID
    assert certificate.kind == "course"
    assert certificate.learner_name == "Siân Ŵyn"
    assert certificate.achievement == course("IFSS-CORE").title
    assert certificate.awarded_on == dt.date(2024, 5, 17)
    assert (certificate.hours, certificate.credits) == (Decimal("26"), Decimal("3"))
    assert CROCKFORD_CODE.match(certificate.code)


def test_a_withdrawn_completion_reverses_its_cpd_and_revokes_its_certificate(
    catalogue: None,
) -> None:
    core_with_credits()
    person = learner()
    certificate = completed_core(person)
    db.session.commit()
    manager = make_user(roles=["manager"])

    withdraw_core(person, manager)
    db.session.commit()

    original, reversal = ledger(person)
    assert reversal.source == REVERSAL
    assert reversal.reverses_id == original.id
    assert reversal.note == WITHDRAWN_REASON
    assert reversal.recorded_by_id is None
    assert totals_by_year(ledger(person))[0].hours == 0
    assert certificate.status == REVOKED
    assert certificate.revoked_reason == WITHDRAWN_REASON
    assert certificate.revoked_by_id == manager.id
    assert count(Certificate) == 1


def test_completing_again_after_a_withdrawal_banks_again_and_a_second_withdrawal_reverses_it(
    catalogue: None,
) -> None:
    """Within one transaction too: the first line is not reversed twice."""
    core_with_credits()
    person = learner()
    completed_core(person)
    assert [e.reversed_by for e in ledger(person)] == [None]  # as the CPD page reads it
    withdraw_core(person, None)
    complete(person, "IFSS-CORE", dt.date(2024, 6, 20), announce=True)

    withdraw_core(person, None)
    db.session.commit()

    sources = [(e.source, e.hours) for e in ledger(person)]
    assert sorted(sources) == sorted(
        [
            (COURSE, Decimal("26")),
            (REVERSAL, Decimal("-26")),
            (COURSE, Decimal("26")),
            (REVERSAL, Decimal("-26")),
        ]
    )
    assert count(Certificate, Certificate.status == VALID) == 0
    assert count(Certificate) == 2


# Codes -----------------------------------------------------------------------------------


def test_codes_are_twelve_crockford_characters_and_unique(catalogue: None) -> None:
    person = learner()
    issued = [
        completed_core(person),
        *[certificates.issue_for_completion(complete(person, make_course())) for _ in range(10)],
    ]

    codes = [c.code for c in issued]
    assert all(CROCKFORD_CODE.match(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_a_code_already_taken_is_drawn_again(
    catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = learner()
    draws: Iterator[str] = iter("A" * 12 + "A" * 12 + "B" * 12)
    monkeypatch.setattr(certificates.secrets, "choice", lambda alphabet: next(draws))

    first = certificates.issue_for_completion(complete(person, make_course()))
    second = certificates.issue_for_completion(complete(person, make_course()))

    assert (first.code, second.code) == ("A" * 12, "B" * 12)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABCD-EFGH-JKMN", "ABCDEFGHJKMN"),
        ("abcd efgh jkmn", "ABCDEFGHJKMN"),
        ("  0123-4567 89ab\t", "0123456789AB"),
        ("OOOO-IIII-LLLL", "000011111111"),
        ("oooo-iiii-llll", "000011111111"),
    ],
)
def test_a_typed_code_is_forgiven_dashes_spaces_case_and_lookalikes(typed: str, code: str) -> None:
    assert normalise_code(typed) == code


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ABCD",
        "ABCD-EFGH-JKM",
        "ABCD-EFGH-JKMN-P",
        "ABCD-EFGH-JKMU",
        "ABCD_EFGH_JKMN",
        "<script>",
    ],
)
def test_junk_is_not_a_code(typed: str) -> None:
    assert normalise_code(typed) is None


def test_a_certificate_is_found_by_its_code_however_typed(catalogue: None) -> None:
    certificate = completed_core(learner())
    db.session.commit()

    assert find_by_code(certificate.display_code.lower()) == certificate
    assert find_by_code(certificate.code) == certificate
    assert find_by_code("0000-0000-0000") is None
    assert find_by_code("not a code") is None
    assert verification_url(certificate) == (
        f"https://trainhub.example.org/verify/{certificate.code}"
    )


# Revocation ------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [["manager"], ["assessor"], ["learner"]])
def test_only_an_admin_revokes(catalogue: None, roles: list[str]) -> None:
    certificate = completed_core(learner())

    with pytest.raises(PermissionDenied):
        revoke_certificate(make_user(roles=roles), certificate, "Fraud")

    assert certificate.status == VALID


def test_revoking_needs_a_reason_keeps_the_certificate_and_happens_once(
    catalogue: None,
) -> None:
    certificate = completed_core(learner())
    boss = admin()
    db.session.commit()

    with pytest.raises(ValidationFailed) as no_reason:
        revoke_certificate(boss, certificate, "  ")
    assert (no_reason.value.field, no_reason.value.message) == (
        "reason",
        "Enter the reason for revoking the certificate",
    )
    assert certificate.status == VALID

    revoke_certificate(boss, certificate, " Issued  in error ")
    db.session.commit()
    with pytest.raises(ConflictError):
        revoke_certificate(boss, certificate, "Again")

    db.session.expire_all()
    assert certificate.status == REVOKED
    assert certificate.revoked_reason == "Issued in error"
    assert certificate.revoked_by_id == boss.id
    assert certificate.revoked_at is not None
    assert count(Certificate) == 1


# Reissue ---------------------------------------------------------------------------------


def test_a_reissue_has_a_new_code_and_the_name_as_it_is_now(catalogue: None) -> None:
    person = learner(full_name="Sian Jones")
    original = completed_core(person)
    person.full_name = "Siân Jones-Williams"
    boss = admin()

    replacement = reissue_certificate(boss, original)
    db.session.commit()

    assert replacement.code != original.code
    assert CROCKFORD_CODE.match(replacement.code)
    assert replacement.replaces_id == original.id
    assert replacement.status == VALID
    assert replacement.learner_name == "Siân Jones-Williams"
    assert (replacement.achievement, replacement.awarded_on) == (
        original.achievement,
        original.awarded_on,
    )
    assert original.status == REVOKED
    assert original.revoked_reason == f"Replaced by certificate {replacement.display_code}"
    assert original.learner_name == "Sian Jones"  # what was printed stays
    assert outbox(person)[-1].subject == (f"Your new certificate: {course('IFSS-CORE').title}")


def test_a_certificate_is_reissued_once_and_only_by_an_admin(catalogue: None) -> None:
    original = completed_core(learner())
    boss = admin()

    with pytest.raises(PermissionDenied):
        reissue_certificate(make_user(roles=["manager"]), original)
    reissue_certificate(boss, original)
    db.session.commit()
    with pytest.raises(ConflictError) as twice:
        reissue_certificate(boss, original)

    assert twice.value.message == "This certificate has already been reissued"
    assert count(Certificate) == 2


# The PDF ---------------------------------------------------------------------------------


def test_the_certificate_pdf_is_a_pdf(catalogue: None) -> None:
    certificate = completed_core(learner(full_name="Siân Ŵyn"))

    document = certificate_pdf(certificate)

    assert document.startswith(b"%PDF")


@given(st.text(alphabet=certificates.ALPHABET, min_size=12, max_size=12))
def test_every_code_survives_being_printed_and_typed_back(code: str) -> None:
    printed = "-".join(code[i : i + 4] for i in range(0, 12, 4))

    assert normalise_code(printed) == code
    assert normalise_code(printed.lower().replace("-", " ")) == code
