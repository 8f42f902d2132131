"""Paper feedback forms of a cohort, entered anonymously."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub.auth.models import User
from trainhub.courses.models import ATTENDED, Attendance, Cohort, CohortDay
from trainhub.extensions import db
from trainhub.feedback.models import (
    RATING,
    RATING_VALUES,
    TEXT,
    FeedbackAnswer,
    FeedbackResponse,
)
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.history.models import FEEDBACK, HistoryImport
from trainhub.history.services.common import (
    courses_by_code,
    existing_keys,
    require_recorder,
    unknown_course,
    write_records,
)
from trainhub.history.services.drafts import FeedbackDraft
from trainhub.history.services.outcome import Outcome

MAX_COMMENT = 5000


def _form_key(cohort_id: int, draft: FeedbackDraft, ordinal: int) -> str:
    """The cohort + the form's answers + which of the identical forms of a file it is: the
    same file imported twice adds nothing, and two identical forms are still two (a form
    entered by hand gets a key of its own)."""
    answers = json.dumps(
        [sorted(draft.ratings.items()), " ".join(draft.comment.split()), draft.consent_to_quote]
    )
    digest = hashlib.sha256(answers.encode()).hexdigest()[:24]
    return f"{cohort_id}|{digest}|{ordinal}"


def record_feedback(
    actor: User,
    drafts: Sequence[FeedbackDraft],
    *,
    source: HistoryImport | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Record paper feedback forms, anonymously, against the cohorts they were given on
    (found by course and first day; recorded or run in trainhub): ratings per statement of
    the questionnaire in use, a comment and whether it may be quoted. A cohort never gets
    more forms than it had attendees; the forms count in the cohort's year under the same
    response-count and anonymity rules as forms filled in online.

    Every draft is checked first; with any problem nothing is written.

    :raises PermissionDenied: when ``actor`` is not a manager or an administrator.
    """
    require_recorder(actor)
    outcome = Outcome()
    courses = courses_by_code()
    questionnaire = current_questionnaire()
    ratings = {i.key: i for i in questionnaire.items if i.kind == RATING}
    comment_item = next((i for i in questionnaire.items if i.kind == TEXT), None)
    wanted = {
        (courses[d.course_code.strip().upper()].id, d.cohort_first_day)
        for d in drafts
        if d.course_code.strip().upper() in courses
    }
    cohorts: dict[tuple[int, object], list[Cohort]] = defaultdict(list)
    if wanted:
        query = select(Cohort).where(
            Cohort.first_day.in_({day for _c, day in wanted}),
            Cohort.status.in_(("published", "completed")),
        )
        for cohort in db.session.execute(query).scalars():
            cohorts[(cohort.course_id, cohort.first_day)].append(cohort)
    found: list[tuple[FeedbackDraft, Cohort]] = []
    for draft in drafts:
        course = courses.get(draft.course_code.strip().upper())
        if course is None:
            outcome.problem(draft.line, unknown_course(draft.course_code, courses))
            continue
        matches = cohorts.get((course.id, draft.cohort_first_day), [])
        if not matches:
            outcome.problem(
                draft.line,
                _(
                    "no cohort of %(code)s began on %(date)s: record the cohort first",
                    code=course.code,
                    date=draft.cohort_first_day.isoformat(),
                ),
            )
            continue
        if len(matches) > 1:
            outcome.problem(
                draft.line,
                _(
                    "%(n)d cohorts of %(code)s began on %(date)s (%(titles)s): enter these "
                    "forms on the cohort's page instead",
                    n=len(matches),
                    code=course.code,
                    date=draft.cohort_first_day.isoformat(),
                    titles="; ".join(c.title for c in matches),
                ),
            )
            continue
        for key, value in draft.ratings.items():
            if key not in ratings:
                outcome.problem(
                    draft.line,
                    _(
                        "“%(key)s” is not a statement of the questionnaire; they are %(keys)s",
                        key=key,
                        keys=", ".join(ratings),
                    ),
                )
            elif value not in RATING_VALUES:
                outcome.problem(
                    draft.line,
                    _(
                        "the rating of %(key)s is %(value)s: ratings run from 1 to 5",
                        key=key,
                        value=value,
                    ),
                )
        if len(draft.comment) > MAX_COMMENT:
            outcome.problem(
                draft.line, _("the comment is longer than %(n)d characters", n=MAX_COMMENT)
            )
        if not draft.ratings and not draft.comment.strip():
            outcome.problem(draft.line, _("the form has no ratings and no comment"))
        found.append((draft, matches[0]))
    # Keys: identical forms of a cohort are told apart by their order.
    ordinals: Counter[str] = Counter()
    keyed = []
    for draft, cohort in found:
        base = _form_key(cohort.id, draft, 0)
        ordinals[base] += 1
        key = _form_key(cohort.id, draft, ordinals[base])
        if source is None:
            # Entered by hand, one form at a time: two identical forms are two forms.
            key = f"{key}|{secrets.token_hex(8)}"
        keyed.append((key, draft, cohort))
    done = existing_keys(FEEDBACK, [k for k, _d, _c in keyed])
    todo = [(k, d, c) for k, d, c in keyed if k not in done]
    _check_not_more_than_attendees(todo, outcome)
    if outcome.problems:
        outcome.sort()
        return outcome
    by_cohort: Counter[int] = Counter(c.id for _k, _d, c in todo)
    titles = {c.id: c for _k, _d, c in todo}
    for cohort_id, count in by_cohort.items():
        cohort = titles[cohort_id]
        outcome.added.append(
            ngettext(
                "%(num)d paper form for “%(title)s” (%(date)s)",
                "%(num)d paper forms for “%(title)s” (%(date)s)",
                count,
                title=cohort.title,
                date=format_date(cohort.first_day),
            )
        )
    skipped = Counter(c.title for k, _d, c in keyed if k in done)
    for title, count in skipped.items():
        outcome.skipped.append(
            ngettext(
                "%(num)d paper form for “%(title)s” was recorded already",
                "%(num)d paper forms for “%(title)s” were recorded already",
                count,
                title=title,
            )
        )
    if dry_run or not todo:
        return outcome
    responses = []
    for _key, draft, cohort in todo:
        answers = [
            FeedbackAnswer(item_id=ratings[key].id, rating=value)
            for key, value in sorted(draft.ratings.items(), key=lambda kv: ratings[kv[0]].position)
        ]
        if draft.comment.strip() and comment_item is not None:
            answers.append(FeedbackAnswer(item_id=comment_item.id, text=draft.comment.strip()))
        responses.append(
            FeedbackResponse(
                cohort_id=cohort.id,
                questionnaire_id=questionnaire.id,
                quote_consent=draft.consent_to_quote,
                submitted_on=cohort.last_day,
                on_paper=True,
                answers=answers,
            )
        )
    db.session.add_all(responses)
    db.session.flush()
    outcome.record_ids = write_records(
        actor,
        FEEDBACK,
        [
            {
                "natural_key": key,
                "occurred_on": cohort.last_day,
                "cohort_id": cohort.id,
                "line": draft.line,
            }
            for key, draft, cohort in todo
        ],
        source,
        "history.feedback_recorded",
        [
            ngettext(
                "Recorded %(num)d paper feedback form for cohort %(id)d",
                "Recorded %(num)d paper feedback forms for cohort %(id)d",
                count,
                id=cohort_id,
            )
            for cohort_id, count in by_cohort.items()
        ],
    )
    return outcome


def _check_not_more_than_attendees(
    todo: Sequence[tuple[str, FeedbackDraft, Cohort]], outcome: Outcome
) -> None:
    """A cohort's forms, those held and those given, are never more than its attendees."""
    ids = {c.id for _k, _d, c in todo}
    if not ids:
        return
    attendees = dict(
        db.session.execute(
            select(CohortDay.cohort_id, func.count(func.distinct(Attendance.user_id)))
            .join(Attendance, Attendance.cohort_day_id == CohortDay.id)
            .where(CohortDay.cohort_id.in_(ids), Attendance.status.in_(ATTENDED))
            .group_by(CohortDay.cohort_id)
        ).all()
    )
    held = dict(
        db.session.execute(
            select(FeedbackResponse.cohort_id, func.count(FeedbackResponse.id))
            .where(FeedbackResponse.cohort_id.in_(ids))
            .group_by(FeedbackResponse.cohort_id)
        ).all()
    )
    counted: Counter[int] = Counter()
    for _key, draft, cohort in todo:
        counted[cohort.id] += 1
        limit = attendees.get(cohort.id, 0)
        if held.get(cohort.id, 0) + counted[cohort.id] == limit + 1:
            outcome.problem(
                draft.line,
                ngettext(
                    "“%(title)s” had %(num)d attendee: this form and any after it would be "
                    "more forms than attendees (forms held already: %(held)d)",
                    "“%(title)s” had %(num)d attendees: this form and any after it would be "
                    "more forms than attendees (forms held already: %(held)d)",
                    limit,
                    title=cohort.title,
                    held=held.get(cohort.id, 0),
                ),
            )
