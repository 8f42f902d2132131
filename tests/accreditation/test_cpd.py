"""The CPD / CQF credit bank (R28): banking, reversal, yearly totals, external activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from tests.accreditation.helpers import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    admin,
    count,
    learner,
    outbox,
    pdf,
    stored_files,
)
from tests.factories import make_organisation, make_user
from trainhub.accreditation.models import CpdEntry, ExternalActivity
from trainhub.accreditation.models.cpd import APPROVED, PENDING, REJECTED
from trainhub.accreditation.services.cpd import (
    COURSE,
    EXTERNAL,
    REVERSAL,
    ActivityInput,
    bank_entry,
    decide_activity,
    ledger,
    log_activity,
    reverse_entry,
    totals_by_year,
)
from trainhub.auth.models import User
from trainhub.courses.models import local_today
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.financial_years import financial_year_bounds
from trainhub.storage import storage
from trainhub.uploads import JPEG, PNG, Upload


def banked(person: User, on: dt.date = dt.date(2024, 6, 1), hours: str = "7.5") -> CpdEntry:
    return bank_entry(
        person, COURSE, on, "Core training", hours=Decimal(hours), credits=Decimal("1.5")
    )


def activity_input(**changes: object) -> ActivityInput:
    values: dict[str, object] = {
        "title": "Motivational interviewing workshop",
        "occurred_on": local_today() - dt.timedelta(days=10),
        "hours": Decimal("6"),
        "credits": Decimal("1"),
        "provider": "Cardiff University",
    }
    values.update(changes)
    return ActivityInput(**values)  # type: ignore[arg-type]


# Reversal --------------------------------------------------------------------------------


def test_a_reversal_is_a_negated_line_pointing_at_the_original(app: Flask) -> None:
    person = learner()
    entry = banked(person)
    manager = make_user(roles=["manager"])

    reversal = reverse_entry(manager, entry, "  Banked   twice ")
    db.session.commit()

    assert reversal.source == REVERSAL
    assert reversal.reverses_id == entry.id
    assert (reversal.hours, reversal.credits) == (Decimal("-7.5"), Decimal("-1.5"))
    assert reversal.occurred_on == entry.occurred_on
    assert reversal.note == "Banked twice"
    assert reversal.recorded_by_id == manager.id
    assert (entry.hours, entry.credits) == (Decimal("7.5"), Decimal("1.5"))  # kept
    assert totals_by_year(ledger(person))[0].hours == 0
    assert count(CpdEntry) == 2


def test_a_line_is_reversed_once_and_a_reversal_never(app: Flask) -> None:
    entry = banked(learner())
    boss = admin()
    reversal = reverse_entry(boss, entry, "Wrong course")
    db.session.commit()

    with pytest.raises(ConflictError) as twice:
        reverse_entry(boss, entry, "Again")
    with pytest.raises(ValidationFailed) as of_reversal:
        reverse_entry(boss, reversal, "Undo the undo")

    assert twice.value.message == "This line has already been reversed"
    assert of_reversal.value.field == "reason"
    assert of_reversal.value.message == "A correction cannot itself be reversed"
    assert count(CpdEntry) == 2


def test_a_reversal_needs_a_reason(app: Flask) -> None:
    entry = banked(learner())

    with pytest.raises(ValidationFailed) as refused:
        reverse_entry(admin(), entry, "   ")

    assert (refused.value.field, refused.value.message) == (
        "reason",
        "Enter the reason for the correction",
    )
    assert count(CpdEntry) == 1


@pytest.mark.parametrize("roles", [["learner"], ["assessor"], ["trainer"]])
def test_only_a_manager_or_admin_reverses(app: Flask, roles: list[str]) -> None:
    person = make_user(roles=roles)
    entry = banked(person)

    with pytest.raises(PermissionDenied):
        reverse_entry(person, entry, "I would rather not")

    assert count(CpdEntry) == 1


# Totals ----------------------------------------------------------------------------------


def test_totals_are_per_april_to_march_year_latest_first(app: Flask) -> None:
    person = learner()
    banked(person, dt.date(2023, 3, 31), "1")  # 2022-23
    banked(person, dt.date(2023, 4, 1), "2")  # 2023-24
    banked(person, dt.date(2024, 3, 31), "4")  # 2023-24
    late = banked(person, dt.date(2024, 4, 1), "8")  # 2024-25
    reverse_entry(admin(), late, "Not attended")
    other = learner()
    banked(other, dt.date(2023, 6, 1), "100")

    totals = totals_by_year(ledger(person))

    assert [(t.start_year, t.hours, t.credits) for t in totals] == [
        (2024, Decimal("0"), Decimal("0")),
        (2023, Decimal("6"), Decimal("3")),
        (2022, Decimal("1"), Decimal("1.5")),
    ]
    assert [e.occurred_on for e in ledger(person)] == sorted(e.occurred_on for e in ledger(person))


# External activities ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "evidence", "field", "message"),
    [
        pytest.param({"title": "  "}, pdf(), "title", "Enter what the activity was", id="no-title"),
        pytest.param(
            {"occurred_on": None},
            pdf(),
            "occurred_on",
            "Enter the date of the activity",
            id="no-date",
        ),
        pytest.param(
            {"occurred_on": local_today() + dt.timedelta(days=1)},
            pdf(),
            "occurred_on",
            "The date of the activity must be today or in the past",
            id="future",
        ),
        pytest.param(
            {"hours": Decimal("0")},
            pdf(),
            "hours",
            "Enter the hours of learning, more than 0 and up to 1000",
            id="zero-hours",
        ),
        pytest.param(
            {"hours": Decimal("-3")},
            pdf(),
            "hours",
            "Enter the hours of learning, more than 0 and up to 1000",
            id="negative-hours",
        ),
        pytest.param(
            {"credits": Decimal("-1")},
            pdf(),
            "credits",
            "Enter credits between 0 and 1000, or leave it empty",
            id="negative-credits",
        ),
        pytest.param({}, None, "evidence", "Choose a file to upload", id="no-evidence"),
        pytest.param(
            {},
            Upload("certificate.pdf", EXE_BYTES),
            "evidence",
            "The selected file must be a DOCX, JPG, ODT, PDF, PNG",
            id="exe-evidence",
        ),
    ],
)
def test_a_refused_activity_stores_nothing(
    app: Flask,
    changes: dict[str, object],
    evidence: Upload | None,
    field: str,
    message: str,
) -> None:
    person = learner(supervisor=make_user(roles=["manager"]))

    with pytest.raises(ValidationFailed) as refused:
        log_activity(person, activity_input(**changes), evidence)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert count(ExternalActivity) == 0
    assert stored_files() == []
    assert outbox() == []


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
    ],
)
def test_an_activity_is_logged_pending_and_the_supervisor_is_told(
    app: Flask, data: bytes, content_type: str
) -> None:
    supervisor = make_user(roles=["manager"])
    person = learner(supervisor=supervisor)

    activity = log_activity(person, activity_input(), Upload("Tystysgrif.bin", data))
    db.session.commit()

    assert activity.status == PENDING
    assert activity.user_id == person.id
    assert activity.evidence_content_type == content_type
    assert storage().load(activity.evidence_key) == data
    assert count(CpdEntry) == 0  # nothing banked before approval
    assert [m.subject for m in outbox(supervisor)] == [f"CPD to approve for {person.full_name}"]


def test_the_learner_cannot_approve_their_own_activity_even_as_a_manager(app: Flask) -> None:
    person = make_user(roles=["learner", "manager"])
    activity = log_activity(person, activity_input(), pdf())
    stranger = learner()

    with pytest.raises(PermissionDenied):
        decide_activity(person, activity, approve=True)
    with pytest.raises(PermissionDenied):
        decide_activity(stranger, activity, approve=True)

    assert activity.status == PENDING
    assert count(CpdEntry) == 0


@pytest.mark.parametrize("decider", ["supervisor", "manager", "admin"])
def test_approval_banks_an_external_entry(app: Flask, decider: str) -> None:
    supervisor = learner()  # any person named as supervisor may decide
    council = make_organisation()
    person = learner(supervisor=supervisor, organisation=council)
    activity = log_activity(person, activity_input(), pdf())
    actor = {
        "supervisor": supervisor,
        # a manager of the learner's own organisation (R49)
        "manager": make_user(roles=["manager"], organisation=council),
        "admin": admin(),
    }[decider]

    decide_activity(actor, activity, approve=True)
    db.session.commit()

    assert activity.status == APPROVED
    assert activity.decided_by_id == actor.id
    assert activity.decided_at is not None
    [entry] = ledger(person)
    assert entry.source == EXTERNAL
    assert entry.activity_id == activity.id
    assert (entry.hours, entry.credits) == (Decimal("6"), Decimal("1"))
    assert entry.occurred_on == activity.occurred_on
    assert entry.recorded_by_id == actor.id
    assert outbox(person)[-1].subject == "CPD activity approved"


def test_rejection_needs_a_note_and_banks_nothing(app: Flask) -> None:
    supervisor = learner()
    person = learner(supervisor=supervisor)
    activity = log_activity(person, activity_input(), pdf())
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        decide_activity(supervisor, activity, approve=False, note=" ")
    assert (refused.value.field, refused.value.message) == (
        "note",
        "Say why the activity cannot be counted",
    )
    assert activity.status == PENDING

    decide_activity(supervisor, activity, approve=False, note="No certificate of attendance")
    db.session.commit()

    assert activity.status == REJECTED
    assert activity.decision_note == "No certificate of attendance"
    assert count(CpdEntry) == 0
    assert outbox(person)[-1].subject == "CPD activity not approved"


def test_an_activity_is_decided_once(app: Flask) -> None:
    supervisor = learner()
    person = learner(supervisor=supervisor)
    activity = log_activity(person, activity_input(), pdf())
    decide_activity(supervisor, activity, approve=True)
    db.session.commit()

    with pytest.raises(ConflictError) as twice:
        decide_activity(admin(), activity, approve=False, note="Changed my mind")

    assert twice.value.message == "This activity has already been decided"
    assert activity.status == APPROVED
    assert count(CpdEntry) == 1


# A property of the ledger ----------------------------------------------------------------

day = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
amount = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)


@given(st.lists(st.tuples(day, amount, amount, st.booleans()), max_size=30))
def test_yearly_totals_add_up_and_reversed_lines_cancel_out(
    lines: list[tuple[dt.date, Decimal, Decimal, bool]],
) -> None:
    entries = []
    for occurred_on, hours, credits, reversed_ in lines:
        entries.append(CpdEntry(occurred_on=occurred_on, hours=hours, credits=credits))
        if reversed_:
            entries.append(CpdEntry(occurred_on=occurred_on, hours=-hours, credits=-credits))

    totals = totals_by_year(entries)

    assert [t.start_year for t in totals] == sorted({t.start_year for t in totals}, reverse=True)
    assert sum((t.hours for t in totals), Decimal(0)) == sum(
        (h for _, h, _, r in lines if not r), Decimal(0)
    )
    assert sum((t.credits for t in totals), Decimal(0)) == sum(
        (c for _, _, c, r in lines if not r), Decimal(0)
    )
    for total in totals:
        start, end = financial_year_bounds(total.start_year)
        assert total.hours == sum(
            (h for d, h, _, r in lines if start <= d <= end and not r), Decimal(0)
        )
