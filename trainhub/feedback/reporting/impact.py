"""Is anyone better off: the follow-up impact survey (R34) of the period — how many were
asked, how many answered and, once the answers reach the anonymity floor, the share who
said yes to each yes-or-no question and the mean of each rating statement.

Its parts join the outcomes' one statement (``outcomes.outcomes``). The floor is applied in
that statement: below it, the answers' part returns no row, so nothing but n reaches
trainhub; :func:`impact_from` then passes n through ``anonymity.hide_below_floor`` like
every breakdown. Written examples are never read here: the report counts them, nothing
more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Row, Select, func, select

from trainhub.feedback.models import RATING, YES_NO, ImpactAnswer, ImpactRequest, ImpactResponse
from trainhub.feedback.reporting._sql import local_midnight, mean, rate
from trainhub.feedback.reporting.anonymity import Floored, hide_below_floor
from trainhub.feedback.reporting.tables import Column, Table, as_decimal
from trainhub.feedback.services.impact import QUESTIONS
from trainhub.financial_years import Period


class ImpactItem(TypedDict):
    key: str
    #: Answers given (a yes-or-no question that did not apply is no answer).
    n: int
    #: Yes-or-no questions: the percentage who said yes.
    yes: float | None
    #: Rating statements: the mean, to two places.
    mean: str | None


class Impact(TypedDict):
    #: People sent the survey in the period.
    asked: int
    #: Surveys answered in the period.
    responses: int
    floor: int
    #: Empty below the floor.
    items: list[ImpactItem]


def impact_parts(period: Period, floor: int) -> dict[str, Select[Any]]:
    """The statement's parts: ``impact`` (asked, answered: ``n``, ``n2``) and
    ``impact_answers`` (by question key in ``title``: values ``n``, their sum ``number``,
    answers ``n2``), the latter empty below ``floor`` responses."""
    start, end = local_midnight(period.start), local_midnight(period.end + dt.timedelta(days=1))
    in_period = (ImpactResponse.submitted_on >= period.start) & (
        ImpactResponse.submitted_on <= period.end
    )
    responses = select(func.count(ImpactResponse.id)).where(in_period).scalar_subquery()
    return {
        "impact": select(
            select(func.count(ImpactRequest.id))
            .where(ImpactRequest.created_at >= start, ImpactRequest.created_at < end)
            .scalar_subquery()
            .label("n"),
            responses.label("n2"),
        ),
        "impact_answers": select(
            ImpactAnswer.key.label("title"),
            func.count(ImpactAnswer.value).label("n"),
            func.sum(ImpactAnswer.value).label("number"),
            func.count(ImpactAnswer.id).label("n2"),
        )
        .join(ImpactResponse, ImpactResponse.id == ImpactAnswer.response_id)
        .where(in_period, responses >= floor)
        .group_by(ImpactAnswer.key),
    }


def impact_from(found: Mapping[str, Sequence[Row[Any]]], floor: int) -> Impact:
    """The figures from the rows of :func:`impact_parts`."""
    (counts,) = found["impact"]
    by_key = {row.title: row for row in found["impact_answers"]}

    def load() -> list[ImpactItem]:
        items: list[ImpactItem] = []
        for question in QUESTIONS:
            row = by_key.get(question.key)
            values, total = (int(row.n), int(row.number or 0)) if row else (0, 0)
            if question.kind == YES_NO:
                items.append(
                    {"key": question.key, "n": values, "yes": rate(total, values), "mean": None}
                )
            elif question.kind == RATING:
                mean_rating = mean(total / values) if values else None
                items.append({"key": question.key, "n": values, "yes": None, "mean": mean_rating})
            else:
                # Written examples: how many, never what they say.
                written = int(row.n2) if row else 0
                items.append({"key": question.key, "n": written, "yes": None, "mean": None})
        return items

    shown: Floored[list[ImpactItem]] = hide_below_floor(int(counts.n2), load, floor)
    return {
        "asked": int(counts.n),
        "responses": shown.n,
        "floor": shown.floor,
        "items": shown.value or [],
    }


def impact_tables(figures: Impact | None) -> list[Table]:
    """The survey's table in "Is anyone better off?" (none for a snapshot published before
    the survey existed)."""
    if figures is None:
        return []
    wording = {q.key: str(q.text) for q in QUESTIONS}
    n, floor = figures["responses"], figures["floor"]
    note = ngettext(
        "%(num)d person answered, of %(asked)s.",
        "%(num)d people answered, of %(asked)s.",
        n,
        asked=ngettext(
            "%(num)d asked in this period", "%(num)d asked in this period", figures["asked"]
        ),
    )
    if n < floor:
        empty = (
            _("Too few answers to show.")
            + " "
            + _(
                "%(n)d responses so far (n = %(n)d). Results are shown from %(floor)d responses, "
                "so that no one can be recognised from their answers.",
                n=n,
                floor=floor,
            )
        )
    else:
        empty = _("No follow-up survey answers in this period.")
    return [
        Table(
            "impact",
            "better_off",
            _("Follow-up survey: change in practice some months after the training"),
            [
                Column("question", _("Question"), "text"),
                Column("n", _("Answers (n)")),
                Column("yes", _("Yes"), "percent"),
                Column("mean", _("Mean rating (1 to 5)"), "mean"),
            ],
            [
                [wording.get(i["key"], i["key"]), i["n"], i["yes"], as_decimal(i["mean"])]
                for i in figures["items"]
            ],
            empty=empty,
            note=note,
        )
    ]
