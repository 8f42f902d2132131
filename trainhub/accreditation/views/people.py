"""Read-only views of people's accreditation: a supervisee's record, the workforce clock list."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from trainhub.accreditation import queries
from trainhub.accreditation.services import clock as clock_services
from trainhub.accreditation.services import cpd
from trainhub.accreditation.services.applications import level_clock
from trainhub.accreditation.views import bp
from trainhub.accreditation.views.cpd import record_of, source_label
from trainhub.auth.models import User
from trainhub.auth.permissions import can_view_training_record, role_required, signed_in
from trainhub.auth.roles import MANAGERS
from trainhub.financial_years import financial_year_label

CLOCK_FILTERS = ("", "on_track", "due", "overdue")


@bp.get("/people/<int:user_id>/accreditation")
@signed_in
@record_of
def person_record(person: User) -> ResponseReturnValue:
    entries = cpd.ledger(person)
    applications = queries.applications_of(person.id)
    return render_template(
        "accreditation/person_record.html",
        person=person,
        applications=applications,
        clocks={
            a.id: level_clock(a.level, a.clock_started_on, achieved=a.status == "achieved")
            for a in applications
        },
        entries=entries,
        totals=cpd.totals_by_year(entries),
        certificates=queries.certificates_of(person.id),
        completions=queries.completions_with_courses(person.id),
        can_correct=cpd.can_correct_cpd(current_user),
        source_label=source_label,
        financial_year_label=financial_year_label,
    )


@bp.get("/accreditation/progress")
@role_required(*MANAGERS)
def accreditation_progress() -> ResponseReturnValue:
    """Who is on a level's clock (R24, R30), due and overdue first when filtered."""
    state = request.args.get("clock", "")
    if state not in CLOCK_FILTERS:
        state = ""
    people = [
        item
        for item in clock_services.people_on_the_clock()
        if can_view_training_record(current_user, item.user)
        and (not state or item.clock.state == state)
    ]
    size = current_app.config["PAGE_SIZE"]
    number = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(people) + size - 1) // size, 1)
    return render_template(
        "accreditation/progress.html",
        people=people[(number - 1) * size : number * size],
        total=len(people),
        state=state,
        page_number=min(number, pages),
        pages=pages,
    )
