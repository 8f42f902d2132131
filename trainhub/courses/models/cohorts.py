"""Cohorts (one delivery of a course), their days and facilitators, bookings, attendance
and completions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub import bilingual
from trainhub.extensions import UTCDateTime, db, utcnow
from trainhub.localtime import LOCAL_TIME as LOCAL_TIME  # cohort days are in Welsh time
from trainhub.localtime import local_today as local_today

if TYPE_CHECKING:
    from trainhub.auth.models import Organisation, User
    from trainhub.courses.models.catalogue import Course, Venue
    from trainhub.courses.models.sessions import FollowUpSession

COHORT_STATUSES = ("draft", "published", "completed", "cancelled")
#: A cohort in one of these is still to run: it may be edited or cancelled, and it counts
#: for trainer and venue clashes.
LIVE_COHORT_STATUSES = ("draft", "published")
DELIVERY_LANGUAGES = ("en", "cy", "bilingual")
WAITLIST_POLICIES = ("offer", "auto_book")
FACILITATOR_ROLES = ("lead", "co")

BOOKING_STATUSES = (
    "requested",
    "declined",
    "waitlisted",
    "offered",
    "booked",
    "cancelled",
    "no_show",
    "partially_attended",
    "attended",
)
#: A booking in one of these is still going somewhere (blocks a second booking).
ACTIVE_STATUSES = ("requested", "waitlisted", "offered", "booked")
#: A booking in one of these holds one of the cohort's places.
PLACE_STATUSES = ("offered", "booked", "attended", "partially_attended", "no_show")
#: A booking in one of these puts the learner on the register.
REGISTER_STATUSES = ("booked", "attended", "partially_attended", "no_show")
#: A booking in one of these stands (active, or held a place): the learner cannot book the
#: cohort again, and its page shows their booking instead of a button.
STANDING_STATUSES = ACTIVE_STATUSES + tuple(s for s in PLACE_STATUSES if s not in ACTIVE_STATUSES)
#: An active booking that holds a place: cancelling it frees the place for the waiting list,
#: and inside the cut-off counts as late.
FREEABLE_STATUSES = tuple(s for s in ACTIVE_STATUSES if s in PLACE_STATUSES)
#: Who or what ended a booking.
CANCEL_REASONS = ("learner", "cohort", "staff", "offer_declined", "offer_expired")

#: How a cohort day is delivered: at its venue, online (a meeting link), or both.
DAY_MODES = ("in_person", "online", "hybrid")
#: Modes with a venue (required), and modes with a meeting link (required).
VENUE_MODES = ("in_person", "hybrid")
ONLINE_MODES = ("online", "hybrid")
#: "course" (counts toward completion and every course figure) or "event" (R18: a cohort of
#: an event type, registered but never completed; counted apart). Follows the course's type.
COHORT_KINDS = ("course", "event")

ATTENDANCE_STATUSES = ("present", "late", "left_early", "absent")
#: Marks that count as having attended the day.
ATTENDED = ("present", "late", "left_early")


class Cohort(db.Model):  # type: ignore[name-defined]
    """One delivery of a course: its days, facilitators, capacity and bookings."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The title in Welsh (trainhub.bilingual): None is "no Welsh yet".
    title_cy: Mapped[str | None] = mapped_column(String(300))
    #: One of COHORT_KINDS, set from the course's ``event_type`` when scheduled.
    kind: Mapped[str] = mapped_column(String(10), default="course", server_default="course")
    #: draft → published → completed, or cancelled (with a reason).
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    #: Learners may book from this date (None: as soon as it is published)…
    bookings_open: Mapped[dt.date | None] = mapped_column(Date)
    #: …until the end of this date (None: until the first day starts).
    bookings_close: Mapped[dt.date | None] = mapped_column(Date)
    delivery_language: Mapped[str] = mapped_column(String(10), default="en")
    #: A closed cohort belongs to one partner and is hidden from public booking.
    partner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    #: "offer" (the first on the waitlist gets an offer that expires) or "auto_book".
    waitlist_policy: Mapped[str] = mapped_column(String(20), default="offer")
    offer_hours: Mapped[int] = mapped_column(Integer, default=48)
    #: No automatic promotion or learner cancellation this many days before the first day.
    cutoff_days: Mapped[int] = mapped_column(Integer, default=2)
    #: Learners booked see an online or hybrid day's meeting link from this many hours before
    #: the day starts (set from ONLINE_LINK_SHOWN_HOURS_BEFORE when the cohort is scheduled).
    link_shown_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Bumped on every change to a published cohort; the iCalendar SEQUENCE of its days.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Dates of the first and last day, kept by the scheduling service for lists and sorting.
    first_day: Mapped[dt.date] = mapped_column(Date, index=True)
    last_day: Mapped[dt.date] = mapped_column(Date)
    #: Delivered before trainhub and entered from its records (the history area): it lands
    #: completed, is never published, e-mails nobody, is in no calendar and can't be booked.
    recorded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Facilitators without an account (a recorded cohort's trainers), one per line.
    facilitator_names: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    partner_organisation: Mapped[Organisation | None] = relationship()
    days: Mapped[list[CohortDay]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortDay.day_number"
    )
    facilitators: Mapped[list[CohortFacilitator]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortFacilitator.position"
    )
    presenters: Mapped[list[CohortPresenter]] = relationship(
        back_populates="cohort",
        cascade="all, delete-orphan",
        order_by="CohortPresenter.day_number",
    )
    bookings: Mapped[list[Booking]] = relationship(back_populates="cohort")
    overrides: Mapped[list[ClashOverride]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="ClashOverride.id"
    )
    follow_ups: Mapped[list[FollowUpSession]] = relationship(
        back_populates="cohort",
        cascade="all, delete-orphan",
        order_by="(FollowUpSession.date, FollowUpSession.start_time, FollowUpSession.id)",
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.title!r}>"

    @property
    def shown_title(self) -> str:
        """The title in the language being written (a page's visitor's, a message's
        recipient's), else the other: plain text for subjects, messages and calendars."""
        return bilingual.shown(self.title, self.title_cy).text

    @property
    def is_event(self) -> bool:
        """A briefing, conference or other event (R18): no completion or certificates."""
        return self.kind == "event"

    @property
    def is_closed(self) -> bool:
        return self.partner_organisation_id is not None

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_published(self) -> bool:
        """Open: people can book, and bookings can change."""
        return self.status == "published"

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_live(self) -> bool:
        """Still to run (``LIVE_COHORT_STATUSES``): it may be edited or cancelled."""
        return self.status in LIVE_COHORT_STATUSES

    @property
    def has_registers(self) -> bool:
        """Published or completed: its days have registers to take or to read."""
        return self.status in ("published", "completed")

    @property
    def facilitators_without_accounts(self) -> list[str]:
        return [name for name in self.facilitator_names.splitlines() if name.strip()]

    def places_left(self, held: int) -> int:
        """The free places when ``held`` are taken (``PLACE_STATUSES``); never below 0."""
        return max(self.capacity - held, 0)

    @property
    def lead(self) -> CohortFacilitator | None:
        return next((f for f in self.facilitators if f.role == "lead"), None)

    def starts_at(self) -> dt.datetime:
        return self.days[0].starts_at


class CohortDay(db.Model):  # type: ignore[name-defined]
    """One day of a cohort; day numbers follow the course's agenda (day 1, day 2 …)."""

    __tablename__ = "cohort_days"
    __table_args__ = (UniqueConstraint("cohort_id", "day_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    day_number: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    #: Local (Europe/London) wall-clock times.
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    #: One of DAY_MODES: in person and hybrid days have a venue, online days have none.
    mode: Mapped[str] = mapped_column(String(10), default="in_person", server_default="in_person")
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    #: Online and hybrid days: the platform (e.g. Microsoft Teams), the https meeting link
    #: (shown only to those booked, from ``Cohort.link_shown_hours`` before) and an optional
    #: dial-in number and conference id.
    platform: Mapped[str] = mapped_column(String(100), default="", server_default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    dial_in_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    dial_in_code: Mapped[str] = mapped_column(String(100), default="", server_default="")

    cohort: Mapped[Cohort] = relationship(back_populates="days")
    venue: Mapped[Venue | None] = relationship()

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start_time, LOCAL_TIME)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.end_time, LOCAL_TIME)

    @property
    def is_online(self) -> bool:
        """Online or hybrid: it has a meeting link."""
        return self.mode in ONLINE_MODES

    @property
    def at_venue(self) -> bool:
        """In person or hybrid: it has a venue."""
        return self.mode in VENUE_MODES

    @property
    def link_shown_from(self) -> dt.datetime:
        """When learners booked start to see the meeting link."""
        return self.starts_at - dt.timedelta(hours=self.cohort.link_shown_hours)


class CohortFacilitator(db.Model):  # type: ignore[name-defined]
    __tablename__ = "cohort_facilitators"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    #: "lead" (exactly one) or "co".
    role: Mapped[str] = mapped_column(String(10))
    #: As it should appear to learners, e.g. Intervention Specialist or Consultant Social Worker.
    professional_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    cohort: Mapped[Cohort] = relationship(back_populates="facilitators")
    user: Mapped[User] = relationship()


class CohortPresenter(db.Model):  # type: ignore[name-defined]
    """Someone without an account who delivers a named module on one day (R12)."""

    __tablename__ = "cohort_presenters"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    day_number: Mapped[int] = mapped_column(Integer)
    module: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")

    cohort: Mapped[Cohort] = relationship(back_populates="presenters")


class ClashOverride(db.Model):  # type: ignore[name-defined]
    """A manager's decision to schedule despite a trainer or venue clash (append-only)."""

    __tablename__ = "clash_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    #: The clash as it was described to the manager.
    description: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="overrides")
    overridden_by: Mapped[User | None] = relationship()


class LeadException(db.Model):  # type: ignore[name-defined]
    """A manager's decision that someone who has not completed Training the IFSS Trainer may
    lead this cohort of a wider-workforce framework course (R13), with their reason;
    append-only, one for a person and cohort."""

    __tablename__ = "lead_exceptions"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    #: The facilitator who may lead without the training.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class Booking(db.Model):  # type: ignore[name-defined]
    """One learner's place (or wish for one) on a cohort; one row per learner and cohort."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        # A cohort's bookings by status, counted from the index alone (the statistics).
        Index("ix_bookings_cohort_id_status", "cohort_id", "status", "late_cancellation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: Waitlist order, lowest first: arrival order unless staff move someone.
    queue_rank: Mapped[int | None] = mapped_column(Integer)
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who or what ended it: one of CANCEL_REASONS.
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    #: Cancelled inside the cut-off before the first day.
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: SEQUENCE of the last calendar invitation this learner was sent for the cohort.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Sent invitations with an event for each day (before each cohort was one recurring
    #: event): the next calendar message to this learner first cancels those events.
    calendar_per_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="bookings")
    user: Mapped[User] = relationship()
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingEvent.id"
    )

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status}>"

    @property
    def is_active(self) -> bool:
        """Still going somewhere (``ACTIVE_STATUSES``): it can be cancelled."""
        return self.status in ACTIVE_STATUSES

    @property
    def holds_place(self) -> bool:
        """It takes one of the cohort's places (``PLACE_STATUSES``)."""
        return self.status in PLACE_STATUSES

    @property
    def stands(self) -> bool:
        """Active or held a place (``STANDING_STATUSES``): the learner cannot book again."""
        return self.status in STANDING_STATUSES

    @property
    def frees_place_when_cancelled(self) -> bool:
        """An offer or a place (``FREEABLE_STATUSES``): cancelling it frees the place, and
        inside the cut-off counts as late."""
        return self.status in FREEABLE_STATUSES

    @property
    def is_request(self) -> bool:
        """Waiting for a manager's approval."""
        return self.status == "requested"

    @property
    def is_waiting(self) -> bool:
        """On the waiting list."""
        return self.status == "waitlisted"

    @property
    def is_offer(self) -> bool:
        """A freed place offered to the learner, until ``offer_expires_at``."""
        return self.status == "offered"

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


class BookingEvent(db.Model):  # type: ignore[name-defined]
    """Append-only history of a booking: every change of status and every waitlist move."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    #: None when the system acted (an offer expired, a place was filled automatically).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Attendance(db.Model):  # type: ignore[name-defined]
    """A learner's mark on one cohort day's register."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("cohort_day_id", "user_id"),
        # Who attended a day, read from the index alone (the statistics).
        Index("ix_attendances_cohort_day_id_status", "cohort_day_id", "status", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_day_id: Mapped[int] = mapped_column(ForeignKey("cohort_days.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: present, late, left_early or absent.
    status: Mapped[str] = mapped_column(String(20))
    #: Minutes late or minutes left early.
    minutes: Mapped[int | None] = mapped_column(Integer)
    #: On the register to make up a day missed in an earlier cohort of the course.
    makeup: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    day: Mapped[CohortDay] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CohortAttendee(db.Model):  # type: ignore[name-defined]
    """Someone who attended at least one day of a cohort (an ``ATTENDED`` mark on any of its
    days, a made-up day included): derived from the registers and kept in step with them by
    ``services.attendance.refresh_attendees``, so that figures over many years read one row
    per person and cohort instead of every mark of every day."""

    __tablename__ = "cohort_attendees"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    #: No index of its own: nothing looks attendees up by person (the registers do that).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class Completion(db.Model):  # type: ignore[name-defined]
    """A learner completed a course (possibly over several cohorts, with made-up days)."""

    __tablename__ = "completions"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        # The completions of a period's cohorts, by course (the statistics).
        Index("ix_completions_cohort_id_course_id", "cohort_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Found by the unique constraint's index, which begins with it.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: The date of the last day that counted.
    completed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: The cohort whose register completed it.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    #: Entered from records (a past completion, or a recorded cohort's register): a later
    #: register correction never takes it away; only withdrawing the record does.
    recorded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


class CalendarFeed(db.Model):  # type: ignore[name-defined]
    """The secret in a person's private calendar address; a new one revokes the old."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
