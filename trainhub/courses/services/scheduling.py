"""Scheduling cohorts: days, facilitators, presenters, clashes, publishing and cancelling."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainhub import bilingual
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.auth.permissions import people_visible_to
from trainhub.auth.roles import Role
from trainhub.courses import permissions, queries
from trainhub.courses.models import (
    ACTIVE_STATUSES,
    DAY_MODES,
    DELIVERY_LANGUAGES,
    ONLINE_MODES,
    PLACE_STATUSES,
    VENUE_MODES,
    WAITLIST_POLICIES,
    Booking,
    ClashOverride,
    Cohort,
    CohortDay,
    CohortFacilitator,
    CohortPresenter,
    Course,
    Venue,
    local_today,
)
from trainhub.courses.services import notices, trainers
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.localtime import bank_holidays_in_wales

log = logging.getLogger(__name__)

#: A suggested capacity for a new cohort (DOMAIN.md R9).
DEFAULT_CAPACITY = 20


#: A dial-in number as people write one: digits, spaces, +, brackets and hyphens.
DIAL_IN_PHONE = re.compile(r"^\+?[0-9 ()-]{6,40}$")
#: Longest link, dial-in number and conference id.
MAX_URL, MAX_PHONE, MAX_CODE, MAX_PLATFORM = 500, 40, 100, 100
#: The most hours before a day its meeting link may show (two weeks).
MAX_LINK_HOURS = 24 * 14


@dataclass
class DayInput:
    date: date | None
    start_time: time | None
    end_time: time | None
    venue_id: int | None
    #: One of DAY_MODES; the venue is for in person and hybrid days, the rest for online
    #: and hybrid ones.
    mode: str = "in_person"
    platform: str = ""
    meeting_url: str = ""
    dial_in_phone: str = ""
    dial_in_code: str = ""


@dataclass
class FacilitatorInput:
    user_id: int
    professional_title: str = ""


@dataclass
class CohortInput:
    title: str
    capacity: int
    days: list[DayInput]
    #: The first is the lead; the others co-facilitate.
    facilitators: list[FacilitatorInput] = field(default_factory=list)
    delivery_language: str = "en"
    partner_organisation_id: int | None = None
    bookings_open: date | None = None
    bookings_close: date | None = None
    waitlist_policy: str = "offer"
    offer_hours: int = 48
    cutoff_days: int = 2
    #: Hours before each online or hybrid day from which learners booked see its link
    #: (None: ONLINE_LINK_SHOWN_HOURS_BEFORE).
    link_shown_hours: int | None = None
    #: A manager's reason for scheduling despite a trainer or venue clash.
    override_reason: str = ""
    #: The title in Welsh (trainhub.bilingual): "" is no Welsh yet.
    title_cy: str = ""


@dataclass(frozen=True)
class Clash:
    kind: str  # "venue" or "trainer"
    message: str


def cohort_input(cohort: Cohort) -> CohortInput:
    """The cohort as the input its edit form starts from."""
    return CohortInput(
        title=cohort.title,
        title_cy=cohort.title_cy or "",
        capacity=cohort.capacity,
        days=[
            DayInput(
                d.date,
                d.start_time,
                d.end_time,
                d.venue_id,
                d.mode,
                d.platform,
                d.meeting_url,
                d.dial_in_phone,
                d.dial_in_code,
            )
            for d in cohort.days
        ],
        facilitators=[
            FacilitatorInput(f.user_id, f.professional_title) for f in cohort.facilitators
        ],
        delivery_language=cohort.delivery_language,
        partner_organisation_id=cohort.partner_organisation_id,
        bookings_open=cohort.bookings_open,
        bookings_close=cohort.bookings_close,
        waitlist_policy=cohort.waitlist_policy,
        offer_hours=cohort.offer_hours,
        cutoff_days=cohort.cutoff_days,
        link_shown_hours=cohort.link_shown_hours,
    )


def _day_label(number: int) -> str:
    return _("Day %(number)d", number=number)


def _check_days(course: Course, days: Sequence[DayInput]) -> dict[int, Venue]:
    """Shape of the days; returns the venues used, by id."""
    if len(days) != course.duration_days:
        raise ValidationFailed(
            "days",
            ngettext(
                "This course lasts %(num)d day, so the cohort needs %(num)d day, not %(found)d",
                "This course lasts %(num)d days, so the cohort needs %(num)d days, not %(found)d",
                course.duration_days,
                found=len(days),
            ),
        )
    for index, day in enumerate(days):
        if day.date is None:
            raise ValidationFailed(
                f"days-{index}-date", _("Enter the date of day %(n)d", n=index + 1)
            )
        if day.start_time is None or day.end_time is None:
            raise ValidationFailed(
                f"days-{index}-start_time",
                _("Enter the start and end times of day %(n)d, like 09:30", n=index + 1),
            )
        if day.end_time <= day.start_time:
            raise ValidationFailed(
                f"days-{index}-end_time",
                _("Day %(n)d must end after it starts", n=index + 1),
            )
        _check_mode(index, day)
        if index and days[index - 1].date is not None:
            previous = days[index - 1].date
            assert previous is not None
            if day.date == previous:
                raise ValidationFailed(
                    f"days-{index}-date",
                    _(
                        "Day %(n)d is on the same date as day %(p)d: each day needs its own date",
                        n=index + 1,
                        p=index,
                    ),
                )
            if day.date < previous:
                raise ValidationFailed(
                    f"days-{index}-date",
                    _("Day %(n)d must be after day %(p)d", n=index + 1, p=index),
                )
    venue_ids = {d.venue_id for d in days if d.venue_id is not None}
    venues = {
        v.id: v for v in db.session.execute(select(Venue).where(Venue.id.in_(venue_ids))).scalars()
    }
    for index, day in enumerate(days):
        if day.venue_id is not None and day.venue_id not in venues:
            raise ValidationFailed(
                f"days-{index}-venue_id", _("Choose a venue for day %(n)d", n=index + 1)
            )
    return venues


def valid_meeting_url(url: str) -> bool:
    """An https address with a host, no spaces, and not too long."""
    if not url or len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc


def _check_mode(index: int, day: DayInput) -> None:
    """The venue or the online details a day's mode needs; tidies them (an online day has
    no venue, an in person day no link)."""
    n = index + 1
    if day.mode not in DAY_MODES:
        raise ValidationFailed(f"days-{index}-mode", _("Choose how day %(n)d is delivered", n=n))
    if day.mode in VENUE_MODES:
        if day.venue_id is None:
            raise ValidationFailed(f"days-{index}-venue_id", _("Choose a venue for day %(n)d", n=n))
    else:
        day.venue_id = None
    if day.mode not in ONLINE_MODES:
        day.platform = day.meeting_url = day.dial_in_phone = day.dial_in_code = ""
        return
    day.platform = " ".join(day.platform.split()) or str(
        current_app.config["ONLINE_DEFAULT_PLATFORM"]
    )
    if len(day.platform) > MAX_PLATFORM:
        raise ValidationFailed(
            f"days-{index}-platform",
            _("The platform of day %(n)d must be 100 characters or fewer", n=n),
        )
    day.meeting_url = day.meeting_url.strip()
    if not day.meeting_url:
        raise ValidationFailed(
            f"days-{index}-meeting_url", _("Enter the meeting link of day %(n)d", n=n)
        )
    if not valid_meeting_url(day.meeting_url):
        raise ValidationFailed(
            f"days-{index}-meeting_url",
            _(
                "Enter the meeting link of day %(n)d as a full address starting https://, "
                "like https://teams.microsoft.com/…",
                n=n,
            ),
        )
    day.dial_in_phone = " ".join(day.dial_in_phone.split())
    if day.dial_in_phone and not DIAL_IN_PHONE.match(day.dial_in_phone):
        raise ValidationFailed(
            f"days-{index}-dial_in_phone",
            _("Enter the dial-in number of day %(n)d as a phone number, like 029 2018 0123", n=n),
        )
    day.dial_in_code = " ".join(day.dial_in_code.split())
    if len(day.dial_in_code) > MAX_CODE:
        raise ValidationFailed(
            f"days-{index}-dial_in_code",
            _("The conference ID of day %(n)d must be 100 characters or fewer", n=n),
        )
    if day.dial_in_code and not day.dial_in_phone:
        raise ValidationFailed(
            f"days-{index}-dial_in_phone",
            _("Enter the dial-in number of day %(n)d, or leave out the conference ID", n=n),
        )


#: The longest cohort title, in either language (the columns' length).
MAX_TITLE = 300


def _welsh_title_left_behind(course: Course, cohort: Cohort | None, data: CohortInput) -> bool:
    """The Welsh title is still the course's (a new cohort starts with it) while the English
    has been changed from what it was: it no longer says the same, so it is "no Welsh yet"
    rather than a Welsh title for something else."""
    course_welsh = bilingual.own(course.title_cy)
    english_before = cohort.title if cohort is not None else course.title
    return (
        course_welsh is not None
        and data.title != " ".join(english_before.split())
        and data.title_cy == " ".join(course_welsh.split())
    )


def _check(
    actor: User, course: Course, data: CohortInput, cohort: Cohort | None
) -> dict[int, Venue]:
    data.title = " ".join(data.title.split())
    if not data.title or len(data.title) > 300:
        raise ValidationFailed("title", _("Enter a title of 300 characters or fewer"))
    data.title_cy = bilingual.fitted(data.title_cy, MAX_TITLE, field="title_cy")
    if _welsh_title_left_behind(course, cohort, data):
        data.title_cy = ""
    if not 1 <= data.capacity <= 10000:
        raise ValidationFailed("capacity", _("Capacity must be between 1 and 10,000"))
    if data.delivery_language not in DELIVERY_LANGUAGES:
        raise ValidationFailed("delivery_language", _("Choose the language of delivery"))
    if data.waitlist_policy not in WAITLIST_POLICIES:
        raise ValidationFailed("waitlist_policy", _("Choose what happens when a place is freed"))
    if not 1 <= data.offer_hours <= 24 * 14:
        raise ValidationFailed(
            "offer_hours", _("An offer lasts between 1 hour and 14 days (336 hours)")
        )
    if not 0 <= data.cutoff_days <= 60:
        raise ValidationFailed("cutoff_days", _("The cut-off is between 0 and 60 days"))
    if (
        data.partner_organisation_id is not None
        and db.session.get(Organisation, data.partner_organisation_id) is None
    ):
        raise ValidationFailed("partner_organisation_id", _("Choose a partner organisation"))
    if data.link_shown_hours is None:
        data.link_shown_hours = int(current_app.config["ONLINE_LINK_SHOWN_HOURS_BEFORE"])
    if not 0 <= data.link_shown_hours <= MAX_LINK_HOURS:
        raise ValidationFailed(
            "link_shown_hours",
            _("Show the meeting link between 0 and 336 hours (14 days) before each day"),
        )
    venues = _check_days(course, data.days)
    smallest = min(venues.values(), key=lambda v: v.capacity) if venues else None
    if smallest is not None and data.capacity > smallest.capacity:
        raise ValidationFailed(
            "capacity",
            _(
                "Capacity cannot be more than %(venue)s holds (%(n)d)",
                venue=smallest.name,
                n=smallest.capacity,
            ),
        )
    for venue in venues.values():
        if not venue.is_active and (
            cohort is None or venue.id not in {d.venue_id for d in cohort.days}
        ):
            raise ValidationFailed(
                "days", _("%(venue)s is not available for new cohorts", venue=venue.name)
            )
    first = data.days[0].date
    assert first is not None
    if data.bookings_open and data.bookings_close and data.bookings_close < data.bookings_open:
        raise ValidationFailed("bookings_close", _("Bookings must close after they open"))
    if data.bookings_close and data.bookings_close >= first:
        raise ValidationFailed("bookings_close", _("Bookings must close before the first day"))
    if cohort is not None:
        held = queries.places_held(cohort.id)
        if data.capacity < held:
            raise ValidationFailed(
                "capacity",
                _("Capacity cannot go below the %(n)d places already taken", n=held),
            )
    _check_facilitators(data.facilitators)
    return venues


def _check_facilitators(facilitators: list[FacilitatorInput]) -> None:
    if not facilitators:
        raise ValidationFailed("facilitators-0-user_id", _("Choose the lead facilitator"))
    ids = [f.user_id for f in facilitators]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("facilitators", _("Each facilitator can be listed once only"))
    trainers = set(
        db.session.execute(
            select(UserRole.user_id)
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.user_id.in_(ids), UserRole.role == Role.TRAINER, User.active.is_(True))
        ).scalars()
    )
    if set(ids) - trainers:
        raise ValidationFailed("facilitators", _("Facilitators must have active trainer accounts"))
    for f in facilitators:
        f.professional_title = " ".join(f.professional_title.split())[:200]


def find_clashes(
    days: Sequence[DayInput], trainer_ids: Sequence[int], exclude_cohort_id: int | None = None
) -> list[Clash]:
    """Other live cohorts that use the same venue or trainer at overlapping times; an online
    day uses no venue, so only its trainers can clash."""
    dates = {d.date for d in days if d.date}
    if not dates:
        return []
    others = queries.live_cohort_days(dates, exclude_cohort_id)
    clashes: list[Clash] = []
    for day in days:
        if day.date is None or day.start_time is None or day.end_time is None:
            continue
        for other in others:
            if other.date != day.date:
                continue
            if not (day.start_time < other.end_time and other.start_time < day.end_time):
                continue
            when = _(
                "%(date)s, %(start)s to %(end)s",
                date=format_date(other.date, "d MMMM yyyy"),
                start=other.start_time.strftime("%H:%M"),
                end=other.end_time.strftime("%H:%M"),
            )
            if day.venue_id is not None and other.venue and other.venue_id == day.venue_id:
                clashes.append(
                    Clash(
                        "venue",
                        _(
                            "%(venue)s is already booked for “%(cohort)s” on %(when)s",
                            venue=other.venue.name,
                            cohort=other.cohort.title,
                            when=when,
                        ),
                    )
                )
            for facilitator in other.cohort.facilitators:
                if facilitator.user_id in trainer_ids:
                    clashes.append(
                        Clash(
                            "trainer",
                            _(
                                "%(trainer)s is already facilitating “%(cohort)s” on %(when)s",
                                trainer=facilitator.user.full_name,
                                cohort=other.cohort.title,
                                when=when,
                            ),
                        )
                    )
    return clashes


def _resolve_clashes(actor: User, cohort: Cohort, data: CohortInput) -> None:
    clashes = find_clashes(
        data.days, [f.user_id for f in data.facilitators], exclude_cohort_id=cohort.id
    )
    if clashes and cohort.id is not None:
        # A clash the cohort already stands in was overridden (here or by the other cohort):
        # only a change that makes a new one needs a manager's reason.
        current = cohort_input(cohort)
        standing = find_clashes(
            current.days, [f.user_id for f in current.facilitators], exclude_cohort_id=cohort.id
        )
        clashes = [c for c in clashes if c not in standing]
    if not clashes:
        return
    reason = data.override_reason.strip()
    if not reason or not permissions.can_override_clashes(actor):
        message = " ".join(c.message for c in clashes)
        if permissions.can_override_clashes(actor):
            message += " " + _("To schedule it anyway, give a reason for overriding the clash.")
        raise ValidationFailed("days", message)
    for clash in clashes:
        cohort.overrides.append(
            ClashOverride(description=clash.message, reason=reason[:2000], overridden_by=actor)
        )
    log.info("Clash overridden on cohort %s by user %s", cohort.id, actor.id)


def _apply(cohort: Cohort, data: CohortInput) -> bool:
    """Write the input onto the cohort; whether anything a learner's calendar shows changed."""
    before = _calendar_shape(cohort) if cohort.id else None
    cohort.title = data.title
    cohort.title_cy = data.title_cy or None
    cohort.capacity = data.capacity
    cohort.delivery_language = data.delivery_language
    cohort.partner_organisation_id = data.partner_organisation_id
    cohort.bookings_open = data.bookings_open
    cohort.bookings_close = data.bookings_close
    cohort.waitlist_policy = data.waitlist_policy
    cohort.offer_hours = data.offer_hours
    cohort.cutoff_days = data.cutoff_days
    if data.link_shown_hours is not None:
        cohort.link_shown_hours = data.link_shown_hours
    existing = {d.day_number: d for d in cohort.days}
    for number, day in enumerate(data.days, start=1):
        row = existing.get(number)
        if row is None:
            row = CohortDay(day_number=number)
            cohort.days.append(row)
        assert day.date and day.start_time and day.end_time
        row.date, row.start_time, row.end_time, row.venue_id = (
            day.date,
            day.start_time,
            day.end_time,
            day.venue_id,
        )
        row.mode, row.platform, row.meeting_url = day.mode, day.platform, day.meeting_url
        row.dial_in_phone, row.dial_in_code = day.dial_in_phone, day.dial_in_code
    cohort.first_day = data.days[0].date  # type: ignore[assignment]
    cohort.last_day = data.days[-1].date  # type: ignore[assignment]
    current = {f.user_id: f for f in cohort.facilitators}
    wanted = []
    for position, entry in enumerate(data.facilitators):
        row = current.get(entry.user_id) or CohortFacilitator(user_id=entry.user_id)
        row.role = "lead" if position == 0 else "co"
        row.professional_title = entry.professional_title
        row.position = position
        wanted.append(row)
    cohort.facilitators = wanted
    db.session.flush()
    return before is not None and before != _calendar_shape(cohort)


def _calendar_shape(cohort: Cohort) -> tuple[object, ...]:
    return (
        cohort.title,
        cohort.title_cy,
        tuple(
            (
                d.day_number,
                d.date,
                d.start_time,
                d.end_time,
                d.venue_id,
                d.mode,
                d.platform,
                d.meeting_url,
                d.dial_in_phone,
                d.dial_in_code,
            )
            for d in cohort.days
        ),
        tuple((f.user_id, f.role, f.professional_title) for f in cohort.facilitators),
    )


def schedule_cohort(actor: User, course: Course, data: CohortInput) -> Cohort:
    """A new draft cohort of ``course``.

    :raises PermissionDenied: when ``actor`` does not schedule cohorts.
    :raises ValidationFailed: on the field at fault (title, capacity, days, venues,
        facilitators, booking window) or ``days`` for a clash not overridden.
    """
    if not permissions.can_schedule_cohorts(actor):
        raise PermissionDenied(_("Only trainers, managers and administrators schedule cohorts"))
    _check(actor, course, data, None)
    cohort = Cohort(
        course=course,
        status="draft",
        created_by_id=actor.id,
        kind="event" if course.is_event else "course",
    )
    _resolve_clashes(actor, cohort, data)
    db.session.add(cohort)
    _apply(cohort, data)
    log.info("Cohort %s of %s scheduled by user %s", cohort.id, course.code, actor.id)
    return cohort


def update_cohort(actor: User, cohort: Cohort, data: CohortInput) -> Cohort:
    """Change a cohort; everyone booked on a published one gets an updated invitation.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the cohort is cancelled or completed.
    :raises ValidationFailed: on the field at fault, ``days`` for a clash not overridden or a
        learner booked elsewhere at the new times, or a published cohort moved into the past.
    """
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot change this cohort"))
    lock_cohort(cohort.id)  # capacity is compared with the places held, which must not move
    if cohort.status in ("cancelled", "completed"):
        raise ConflictError(_("A cancelled or completed cohort cannot be changed"))
    _check(actor, cohort.course, data, cohort)
    first = data.days[0].date
    assert first is not None  # checked by _check
    if cohort.status == "published" and first != cohort.first_day and first < local_today():
        raise ValidationFailed("days-0-date", _("A published cohort cannot move into the past"))
    _resolve_clashes(actor, cohort, data)
    lead_before = next((f.user_id for f in cohort.facilitators if f.role == "lead"), None)
    changed = _apply(cohort, data)
    lead_after = data.facilitators[0].user_id if data.facilitators else None
    if cohort.status == "published" and lead_after != lead_before:
        db.session.flush()
        trainers.require_trained_lead(cohort, field="facilitators-0-user_id")  # R13
    if cohort.status == "published" and changed:
        _refuse_learner_overlaps(actor, cohort)
    if cohort.status == "published":
        if changed:
            _announce_change(cohort)
        from trainhub.courses.services.booking import fill_freed_places

        fill_freed_places(cohort, actor=None)
    return cohort


def day_warnings(cohort: Cohort) -> list[str]:
    """The cohort's days on a weekend or a bank holiday in Wales: a warning for those who run
    it, never a refusal (some training runs then, and a closed cohort may be asked for it)."""
    bank_holidays = bank_holidays_in_wales(day.date.year for day in cohort.days)
    warnings = []
    for day in cohort.days:
        when = format_date(day.date, "EEEE d MMMM yyyy")
        if day.date in bank_holidays:
            warnings.append(
                _("Day %(n)d, %(date)s, is a bank holiday in Wales.", n=day.day_number, date=when)
            )
        elif day.date.weekday() >= 5:
            warnings.append(
                _("Day %(n)d, %(date)s, is at the weekend.", n=day.day_number, date=when)
            )
    return warnings


def _refuse_learner_overlaps(actor: User, cohort: Cohort) -> None:
    """After new days are written (the caller rolls back on the error): no one booked here
    may be booked elsewhere at an overlapping time. People ``actor`` may not see on the
    cohort (``permissions.can_see_attendee``, R49) are not named."""
    visible = None if permissions.runs_cohort(actor, cohort) else people_visible_to(actor)
    found = queries.learners_booked_at_the_same_time(cohort.id, visible=visible)
    if found:
        raise ValidationFailed(
            "days",
            " ".join(
                _(
                    "%(name)s is already booked on “%(title)s” at an overlapping time.",
                    name=name,
                    title=title,
                )
                if name is not None
                else _(
                    "Someone outside your organisation is already booked on “%(title)s” at "
                    "an overlapping time.",
                    title=title,
                )
                for name, title in found
            ),
        )


def publish_cohort(actor: User, cohort: Cohort) -> None:
    """Open a draft cohort for booking.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when it is not a draft, or starts in the past.
    """
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot publish this cohort"))
    lock_cohort(cohort.id)
    if cohort.status != "draft":
        raise ConflictError(_("Only a draft cohort can be published"))
    if cohort.first_day < local_today():
        raise ConflictError(_("This cohort starts in the past: change its dates first"))
    trainers.require_trained_lead(cohort)  # R13
    cohort.status = "published"
    from trainhub.courses.services.interest import tell_interested

    tell_interested(cohort)
    log.info("Cohort %s published by user %s", cohort.id, actor.id)


def cancel_cohort(actor: User, cohort: Cohort, reason: str) -> int:
    """Cancel the cohort and every live booking on it; returns how many people were told.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ValidationFailed: on ``reason`` when it is empty.
    :raises ConflictError: when the cohort is already cancelled or completed.
    """
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot cancel this cohort"))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("reason", _("Say why the cohort is cancelled: learners are told"))
    lock_cohort(cohort.id)
    if cohort.status in ("cancelled", "completed"):
        raise ConflictError(
            _("This cohort is already %(status)s", status=_status_word(cohort.status))
        )
    from trainhub.courses.services import line_managers
    from trainhub.courses.services.booking import record_change

    cohort.status = "cancelled"
    cohort.cancel_reason = reason[:2000]
    cohort.cancelled_at = utcnow()
    cohort.sequence += 1
    bookings = (
        db.session.execute(
            select(Booking)
            .where(Booking.cohort_id == cohort.id, Booking.status.in_(ACTIVE_STATUSES))
            # Places first, then the queue in its order: the cancellation events keep the
            # order for moving these learners to another cohort (services.moves).
            .order_by(Booking.queue_rank.is_not(None), Booking.queue_rank, Booking.id)
            .options(selectinload(Booking.user))
        )
        .scalars()
        .all()
    )
    # Requests still waiting for a line manager end with the booking: withdrawn from them.
    line_managers.withdraw_all(bookings)
    for booking in bookings:
        # Only those who were sent an invitation get a calendar cancellation.
        had_place = booking.status in PLACE_STATUSES and booking.calendar_sequence > 0
        record_change(booking, actor, "cohort_cancelled", "cancelled", reason=reason)
        booking.cancel_reason = "cohort"
        booking.queue_rank = None
        booking.offer_expires_at = None
        notices.cohort_cancelled(booking, with_calendar=had_place)
    log.info("Cohort %s cancelled by user %s", cohort.id, actor.id)
    return len(bookings)


def complete_cohort(actor: User, cohort: Cohort) -> None:
    """Close the cohort after its last day; anyone not on a register yet is a no-show.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when it is not published, or its last day has not passed.
    """
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot complete this cohort"))
    lock_cohort(cohort.id)
    if cohort.status != "published":
        raise ConflictError(_("Only a published cohort can be marked as completed"))
    if cohort.last_day > local_today():
        raise ConflictError(_("A cohort can be completed after its last day"))
    from trainhub.courses.services import line_managers
    from trainhub.courses.services.attendance import settle_bookings
    from trainhub.courses.services.booking import record_change

    cohort.status = "completed"
    settle_bookings(cohort, actor, final=True)
    bookings = (
        db.session.execute(
            select(Booking).where(
                Booking.cohort_id == cohort.id,
                Booking.status.in_(("requested", "waitlisted", "offered")),
            )
        )
        .scalars()
        .all()
    )
    line_managers.withdraw_all(bookings)
    for booking in bookings:
        record_change(booking, actor, "cohort_completed", "cancelled")
        booking.cancel_reason = "cohort"
        booking.queue_rank = None


def _status_word(status: str) -> str:
    return {"cancelled": _("cancelled"), "completed": _("completed")}.get(status, status)


def lock_cohort(cohort_id: int) -> Cohort:
    """Lock the cohort row for the rest of the transaction (PostgreSQL; SQLite locks the file),
    and read it again: another transaction may have changed it while this one waited."""
    return db.session.execute(
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


# -- External presenters (R12) -------------------------------------------------


def add_presenter(
    actor: User, cohort: Cohort, day_number: int, module: str, name: str, organisation: str
) -> CohortPresenter:
    """An external presenter for one of the cohort's days.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ValidationFailed: on ``day_number`` not one of its days, or an empty ``name`` or
        ``module``.
    """
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot change this cohort"))
    if not 1 <= day_number <= len(cohort.days):
        raise ValidationFailed("day_number", _("Choose one of the cohort's days"))
    name, module, organisation = (" ".join(v.split()) for v in (name, module, organisation))
    if not name:
        raise ValidationFailed("name", _("Enter the presenter's name"))
    if not module:
        raise ValidationFailed("module", _("Enter the module they deliver"))
    presenter = CohortPresenter(
        day_number=day_number, module=module[:300], name=name[:200], organisation=organisation[:200]
    )
    cohort.presenters.append(presenter)
    db.session.flush()
    return presenter


def remove_presenter(actor: User, presenter: CohortPresenter) -> None:
    """Take an external presenter off a cohort.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    """
    if not permissions.can_manage_cohort(actor, presenter.cohort):
        raise PermissionDenied(_("You cannot change this cohort"))
    db.session.delete(presenter)


# -- Closed cohorts for a partner (R10) ----------------------------------------


def split_evenly(total: int, parts: int) -> list[int]:
    """``total`` people over ``parts`` cohorts as evenly as possible: 50 over 3 → 17, 17, 16.

    :raises ValueError: when ``parts`` is below 1.
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    base, extra = divmod(total, parts)
    return [base + 1 if index < extra else base for index in range(parts)]


def _announce_change(cohort: Cohort) -> None:
    """What learners' calendars show of a published cohort changed: a new sequence, and an
    updated invitation to everyone booked."""
    cohort.sequence += 1
    notices.cohort_changed(cohort)


def apply_cohort_welsh(changes: dict[str, str], actor: User) -> int:
    """Write imported Welsh titles (``{"cohorts:<id>:title": Welsh}``, "" clears one) for
    ``actor``: every change is checked before any is written; returns how many changed. A
    published cohort whose title changed is announced as the edit form does.

    :raises ValidationFailed: naming the first key that is unknown, whose cohort is gone or
        whose Welsh does not fit.
    :raises PermissionDenied: naming the first cohort ``actor`` cannot change.
    """

    def announce(cohort: Cohort) -> None:
        if cohort.status == "published":
            _announce_change(cohort)

    return bilingual.apply_columns(
        Cohort,
        "cohorts",
        dict.fromkeys(queries.COHORT_WELSH_FIELDS, MAX_TITLE),
        changes,
        options=[selectinload(Cohort.facilitators)],
        may=lambda cohort: permissions.can_manage_cohort(actor, cohort),
        changed=announce,
    )
