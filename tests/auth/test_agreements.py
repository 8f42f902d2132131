"""Data-sharing agreements per organisation: the rules (dates in order, one reference in force,
administrators only, ended ones kept), audited; the organisation's page warns when a review
date has passed and the organisations list marks it, found by moving the date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask

from tests.factories import make_organisation, make_user
from tests.helpers import QueryCounter, as_user, count, login
from trainhub.audit import AuditEvent
from trainhub.auth.models import DataSharingAgreement, Organisation
from trainhub.auth.services import agreements
from trainhub.auth.services.agreements import AgreementData
from trainhub.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from trainhub.extensions import db

TODAY = dt.date(2026, 12, 6)


def data(**changes: Any) -> AgreementData:
    values: dict[str, Any] = {
        "reference": "DSA-2025-07",
        "agreed_on": dt.date(2025, 4, 1),
        "review_on": dt.date(2027, 4, 1),
        "partner_contact": "Bethan Rees, IG lead, bethan@cardiff.example",
        "notes": "Covers training records only.",
    }
    return AgreementData(**{**values, **changes})


def parts(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "reference": "DSA-2025-07",
        "agreed_on": parts(dt.date(2025, 4, 1)),
        "review_on": parts(dt.date(2027, 4, 1)),
        "partner_contact": "Bethan Rees",
        "notes": "",
    }
    return {**values, **changes}


def audited(action: str) -> int:
    return count(AuditEvent, AuditEvent.action == action)


# The rules -------------------------------------------------------------------------------------


def test_an_admin_records_an_agreement_and_it_is_audited(app: Flask) -> None:
    admin, organisation = make_user(roles=["admin"]), make_organisation("Cardiff Council")
    agreement = agreements.save_agreement(admin, organisation, None, data(), on=TODAY)
    assert agreement.organisation_id == organisation.id and agreement.in_force
    assert agreement.partner_contact.startswith("Bethan") and agreement.updated_by_id == admin.id
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert event.action == "agreement.added" and "Cardiff Council: DSA-2025-07" in event.detail

    agreements.save_agreement(
        admin, organisation, agreement, data(review_on=dt.date(2028, 1, 1)), on=TODAY
    )
    assert agreement.review_on == dt.date(2028, 1, 1)
    assert audited("agreement.changed") == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reference": "  "}, "reference", "Enter the agreement's reference"),
        ({"agreed_on": None}, "agreed_on", "Enter the date the agreement was made"),
        ({"agreed_on": TODAY + dt.timedelta(days=1)}, "agreed_on", "today or in the past"),
        ({"review_on": None}, "review_on", "Enter the date the agreement is due for review"),
        ({"review_on": dt.date(2025, 4, 1)}, "review_on", "must be after the date"),
        ({"review_on": dt.date(2024, 4, 1)}, "review_on", "must be after the date"),
        ({"notes": "x" * 4001}, "notes", "4000 characters or fewer"),
    ],
)
def test_bad_agreements_are_refused_on_their_field(
    app: Flask, changes: dict[str, Any], field: str, message: str
) -> None:
    admin, organisation = make_user(roles=["admin"]), make_organisation()
    with pytest.raises(ValidationFailed) as refused:
        agreements.save_agreement(admin, organisation, None, data(**changes), on=TODAY)
    assert refused.value.field == field and message in refused.value.message
    assert count(DataSharingAgreement) == 0 and audited("agreement.added") == 0


def test_one_agreement_in_force_per_reference(app: Flask) -> None:
    admin, organisation = make_user(roles=["admin"]), make_organisation("Powys")
    first = agreements.save_agreement(admin, organisation, None, data(), on=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        agreements.save_agreement(
            admin, organisation, None, data(reference="dsa-2025-07"), on=TODAY
        )
    assert refused.value.field == "reference"
    # Another organisation may use it, and once the first has ended it may be used again.
    agreements.save_agreement(admin, make_organisation(), None, data(), on=TODAY)
    agreements.end_agreement(admin, first, TODAY, "Replaced", on=TODAY)
    agreements.save_agreement(admin, organisation, None, data(), on=TODAY)


def test_only_administrators_record_agreements(app: Flask) -> None:
    manager, organisation = make_user(roles=["manager"]), make_organisation()
    with pytest.raises(PermissionDenied):
        agreements.save_agreement(manager, organisation, None, data(), on=TODAY)
    admin = make_user(roles=["admin"])
    agreement = agreements.save_agreement(admin, organisation, None, data(), on=TODAY)
    with pytest.raises(PermissionDenied):
        agreements.end_agreement(manager, agreement, TODAY, "No", on=TODAY)
    with pytest.raises(NotFound):
        agreements.save_agreement(admin, make_organisation(), agreement, data(), on=TODAY)


def test_ending_an_agreement_keeps_it_with_its_date_and_reason(app: Flask) -> None:
    admin, organisation = make_user(roles=["admin"]), make_organisation()
    agreement = agreements.save_agreement(admin, organisation, None, data(), on=TODAY)
    for ended_on, reason, field in (
        (None, "Replaced", "ended_on"),
        (TODAY + dt.timedelta(days=1), "Replaced", "ended_on"),
        (dt.date(2025, 3, 31), "Replaced", "ended_on"),
        (TODAY, "  ", "end_reason"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            agreements.end_agreement(admin, agreement, ended_on, reason, on=TODAY)
        assert refused.value.field == field
    agreements.end_agreement(
        admin, agreement, dt.date(2026, 11, 30), "Replaced by DSA-2026", on=TODAY
    )
    assert agreement.ended_on == dt.date(2026, 11, 30) and not agreement.in_force
    assert audited("agreement.ended") == 1
    with pytest.raises(ConflictError):
        agreements.end_agreement(admin, agreement, TODAY, "Again", on=TODAY)
    with pytest.raises(ConflictError):
        agreements.save_agreement(admin, organisation, agreement, data(), on=TODAY)


def test_an_agreement_is_overdue_the_day_after_its_review_date(app: Flask) -> None:
    admin, organisation = make_user(roles=["admin"]), make_organisation()
    agreement = agreements.save_agreement(
        admin, organisation, None, data(review_on=dt.date(2027, 4, 1)), on=TODAY
    )
    assert agreements.overdue([agreement], dt.date(2027, 4, 1)) == []
    assert agreements.overdue([agreement], dt.date(2027, 4, 2)) == [agreement]
    agreements.end_agreement(admin, agreement, TODAY, "Ended", on=TODAY)
    assert agreements.overdue([agreement], dt.date(2030, 1, 1)) == []


# The pages -------------------------------------------------------------------------------------


def test_adding_an_agreement_through_the_form(app: Flask) -> None:
    admin, organisation = make_user(roles=["admin"]), make_organisation("Cardiff Council")
    client = as_user(app, admin)
    url = f"/admin/organisations/{organisation.id}/agreements/new"
    assert "Add a data-sharing agreement" in client.get(url).get_data(as_text=True)

    refused = client.post(url, data=form(review_on=parts(dt.date(2024, 1, 1))))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "The review date must be after the date the agreement was made" in page
    assert 'href="#review_on-day"' in page
    assert count(DataSharingAgreement) == 0 and audited("agreement.added") == 0

    missing = client.post(url, data=form(reference="", agreed_on=["", "", ""]))
    assert missing.status_code == 400
    assert re.search(
        r"Enter the agreement(&#39;|&#x27;|')s reference", missing.get_data(as_text=True)
    )

    done = client.post(url, data=form())
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/admin/organisations/{organisation.id}#agreements")
    assert count(DataSharingAgreement) == 1 and audited("agreement.added") == 1


def test_the_organisation_page_warns_once_the_review_date_passes(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    organisation = make_organisation("Cardiff and Vale UHB")
    agreement = agreements.save_agreement(
        admin, organisation, None, data(review_on=agreements.today() + dt.timedelta(days=1))
    )
    manager = make_user(roles=["manager"], organisation=organisation)
    as_admin, as_manager = as_user(app, admin), as_user(app, manager)
    page_url = f"/admin/organisations/{organisation.id}"

    page = as_admin.get(page_url).get_data(as_text=True)
    assert "DSA-2025-07" in page and "In force" in page and "passed on" not in page
    assert "Agreement review overdue" not in as_admin.get("/admin/organisations").get_data(
        as_text=True
    )

    # The date moves on: the review date is now yesterday.
    agreement.review_on = agreements.today() - dt.timedelta(days=1)
    db.session.commit()
    for client in (as_admin, as_manager):
        page = client.get(page_url).get_data(as_text=True)
        assert "govuk-warning-text" in page
        assert "The review date of agreement DSA-2025-07 passed on" in page
        assert "Review overdue" in page
        listing = client.get("/admin/organisations").get_data(as_text=True)
        assert "Agreement review overdue" in listing
    # Managers see the agreements; only administrators change them.
    assert "Add a data-sharing agreement" in as_admin.get(page_url).get_data(as_text=True)
    manager_page = as_manager.get(page_url).get_data(as_text=True)
    assert "Add a data-sharing agreement" not in manager_page
    assert f"/admin/agreements/{agreement.id}" not in manager_page

    # Ended, it is kept on the page and no longer overdue.
    response = as_admin.post(
        f"/admin/agreements/{agreement.id}/end",
        data={"ended_on": parts(agreements.today()), "end_reason": "Replaced"},
    )
    assert response.status_code == 302
    page = as_admin.get(page_url).get_data(as_text=True)
    assert "Ended on" in page and "passed on" not in page
    listing = as_admin.get("/admin/organisations").get_data(as_text=True)
    assert "Agreement review overdue" not in listing


def test_changing_an_agreement_and_an_ended_one_stays_as_it_was(app: Flask) -> None:
    admin, organisation = make_user(roles=["admin"]), make_organisation()
    agreement = agreements.save_agreement(admin, organisation, None, data())
    client = as_user(app, admin)
    url = f"/admin/agreements/{agreement.id}"
    assert 'value="DSA-2025-07"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data=form(reference="DSA-2025-08")).status_code == 302
    assert agreement.reference == "DSA-2025-08"

    refused = client.post(
        f"{url}/end", data={"ended_on": parts(dt.date(2020, 1, 1)), "end_reason": "Old"}
    )
    assert refused.status_code == 400
    assert "on or after the date the agreement was made" in refused.get_data(as_text=True)

    agreements.end_agreement(admin, agreement, agreements.today(), "Replaced")
    db.session.commit()
    assert "it is kept as it was" in client.get(url).get_data(as_text=True)
    again = client.post(url, data=form(reference="DSA-X"))
    assert again.status_code == 400 and agreement.reference == "DSA-2025-08"


def test_the_organisations_list_sends_a_fixed_number_of_queries(
    app: Flask, count_queries: QueryCounter
) -> None:
    admin = make_user(roles=["admin"])
    make_organisation("Partner without agreements")
    client = login(app.test_client(), admin)

    def measured() -> int:
        client.get("/admin/organisations")
        before = count_queries.count
        assert client.get("/admin/organisations").status_code == 200
        return count_queries.count - before

    few = measured()
    for n in range(6):
        review_on = dt.date(2026, 1, 1) if n % 2 else dt.date(2030, 1, 1)
        organisation = make_organisation(f"Partner {n}")
        agreements.save_agreement(admin, organisation, None, data(review_on=review_on), on=TODAY)
    db.session.commit()
    assert measured() == few
    assert db.session.execute(db.select(db.func.count()).select_from(Organisation)).scalar() == 7
