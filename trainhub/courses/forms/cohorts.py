"""Forms for scheduling cohorts, booking, the waitlist and registers."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import FieldList, FormField

from trainhub.courses.models import ATTENDANCE_STATUSES
from trainhub.courses.services.attendance import Mark
from trainhub.courses.services.follow_ups import FollowUpInput
from trainhub.courses.services.scheduling import (
    DIAL_IN_PHONE,
    MAX_LINK_HOURS,
    CohortInput,
    DayInput,
    FacilitatorInput,
    valid_meeting_url,
)
from trainhub.forms import (
    Checkboxes,
    Date,
    Email,
    File,
    InputRequired,
    Integer,
    Length,
    NumberRange,
    Optional,
    Radios,
    Select,
    Submit,
    Text,
    TextArea,
    Time,
    required,
)

LANGUAGE_CHOICES = [
    ("en", _l("English")),
    ("cy", _l("Welsh")),
    ("bilingual", _l("Bilingual (Welsh and English)")),
]
POLICY_CHOICES = [
    ("offer", _l("Offer it to the next person, who has a set time to accept")),
    ("auto_book", _l("Book the next person straight away and tell them")),
]
ATTENDANCE_LABELS = {
    "present": _l("Present"),
    "late": _l("Late"),
    "left_early": _l("Left early"),
    "absent": _l("Absent"),
}
#: Where a day is: tick one or both (both is a hybrid day, trainhub.courses.models.DAY_MODES).
WHERE_CHOICES = [("venue", _l("At a venue")), ("online", _l("Online"))]
WHERE_MODES = {
    frozenset({"venue"}): "in_person",
    frozenset({"online"}): "online",
    frozenset({"venue", "online"}): "hybrid",
}
#: Rows offered for facilitators: a lead and up to this many co-facilitators minus one.
FACILITATOR_ROWS = 4


class CohortDayForm(FlaskForm):
    class Meta:
        csrf = False

    date = Date(_l("Date"), validators=[Optional()])
    start_time = Time(_l("Starts"), validators=[Optional()])
    end_time = Time(_l("Ends"), validators=[Optional()])
    #: "venue", "online" or both (hybrid); the venue and online details are revealed by them.
    mode = Checkboxes(
        _l("Where is the day?"),
        description=_l("Select both for a hybrid day, with people in the room and online."),
        choices=WHERE_CHOICES,
        validate_choice=False,
    )
    venue_id = Select(_l("Venue"), coerce=int, validators=[Optional()])
    platform = Text(
        _l("Platform"),
        description=_l("For example, Microsoft Teams or Zoom."),
        validators=[Optional(), Length(max=100)],
    )
    meeting_url = Text(
        _l("Meeting link"),
        description=_l(
            "The full address, starting https://. Only people booked see it, from the time "
            "set below."
        ),
        validators=[Optional(), Length(max=500)],
    )
    dial_in_phone = Text(_l("Dial-in number (optional)"), validators=[Optional(), Length(max=40)])
    dial_in_code = Text(_l("Conference ID (optional)"), validators=[Optional(), Length(max=100)])

    @property
    def day_mode(self) -> str | None:
        """The DAY_MODES value the ticked boxes make, or None."""
        return WHERE_MODES.get(frozenset(self.mode.data or ()))


class FacilitatorForm(FlaskForm):
    class Meta:
        csrf = False

    user_id = Select(_l("Trainer"), coerce=int, validators=[Optional()])
    professional_title = Text(
        _l("Professional title"),
        description=_l("For example, Intervention Specialist or Consultant Social Worker."),
        validators=[Optional(), Length(max=200)],
    )


class CohortForm(FlaskForm):
    title = Text(_l("Title"), validators=[required(_l("Enter a title")), Length(max=300)])
    title_cy = Text(_l("Title in Welsh (optional)"), validators=[Optional(), Length(max=300)])
    capacity = Integer(
        _l("Places"),
        description=_l("No more than the smallest venue holds."),
        validators=[
            InputRequired(_l("Enter the number of places, like 20")),
            NumberRange(min=1, max=10000, message=_l("Places must be between 1 and 10,000")),
        ],
    )
    delivery_language = Radios(_l("Language of delivery"), choices=LANGUAGE_CHOICES, default="en")
    partner_organisation_id = Select(
        _l("Who can book"),
        description=_l(
            "A closed cohort is for one partner's learners: it is hidden from public booking "
            "and the training team books its learners."
        ),
        coerce=int,
    )
    days = FieldList(FormField(CohortDayForm), min_entries=1)
    facilitators = FieldList(FormField(FacilitatorForm), min_entries=FACILITATOR_ROWS)
    bookings_open = Date(_l("Bookings open (optional)"), validators=[Optional()])
    bookings_close = Date(
        _l("Bookings close (optional)"),
        description=_l("Leave blank to take bookings until the first day."),
        validators=[Optional()],
    )
    waitlist_policy = Radios(_l("When a place is freed"), choices=POLICY_CHOICES, default="offer")
    offer_hours = Integer(
        _l("Hours to accept an offer"),
        default=48,
        validators=[
            InputRequired(_l("Enter a number of hours, like 48")),
            NumberRange(min=1, max=336, message=_l("Enter a number of hours from 1 to 336")),
        ],
    )
    cutoff_days = Integer(
        _l("Cut-off, in days before the first day"),
        description=_l(
            "From then on learners cannot cancel online and freed places are filled by hand."
        ),
        default=2,
        validators=[
            InputRequired(_l("Enter a number of days, like 2")),
            NumberRange(min=0, max=60, message=_l("Enter a number of days from 0 to 60")),
        ],
    )
    link_shown_hours = Integer(
        _l("Show the meeting link to learners, in hours before each day"),
        description=_l(
            "Only for online and hybrid days. Learners booked see the link on the course page "
            "from this many hours before the day starts; facilitators see it at any time."
        ),
        validators=[
            InputRequired(_l("Enter a number of hours, like 24")),
            NumberRange(
                min=0,
                max=MAX_LINK_HOURS,
                message=_l("Enter a number of hours from 0 to 336"),
            ),
        ],
    )
    override_reason = TextArea(
        _l("Reason for overriding a clash (managers only)"),
        description=_l("Only needed when a trainer or venue is already booked at that time."),
        validators=[Optional(), Length(max=2000)],
    )
    submit = Submit(_l("Save cohort"))

    def setup(
        self,
        days: int,
        venues: list[tuple[int, str]],
        trainers: list[tuple[int, str]],
        partners: list[tuple[int, str]],
    ) -> None:
        """Set the choices, and one row per day of the course."""
        while len(self.days.entries) < days:
            self.days.append_entry()
        while len(self.days.entries) > days:
            self.days.pop_entry()
        for entry in self.days.entries:
            entry.form.venue_id.choices = [(0, _l("Choose a venue")), *venues]
        for index, entry in enumerate(self.facilitators.entries):
            blank = _l("Choose the lead") if index == 0 else _l("No co-facilitator")
            entry.form.user_id.choices = [(0, blank), *trainers]
        self.partner_organisation_id.choices = [(0, _l("Open to everyone")), *partners]

    def start(self, link_shown_hours: int, platform: str) -> None:
        """A new cohort's defaults: each day at a venue, online days on ``platform``."""
        self.link_shown_hours.data = link_shown_hours
        for entry in self.days.entries:
            entry.form.mode.data = ["venue"]
            entry.form.platform.data = platform

    def validate(self, extra_validators: Any = None) -> bool:
        """Each field's own checks, then the shape of the days and the facilitators, so every
        problem is shown at once, next to its field (the service checks them again)."""
        fields_valid = super().validate(extra_validators)
        days_valid = self._check_days()
        facilitators_valid = self._check_facilitators()
        # A list of subforms keeps its own copy of its entries' errors: bring it up to date.
        for rows in (self.days, self.facilitators):
            errors = [entry.errors for entry in rows.entries]
            rows.errors = errors if any(errors) else []
        return fields_valid and days_valid and facilitators_valid

    def _check_days(self) -> bool:
        valid = True
        previous = None
        for n, entry in enumerate(self.days.entries, start=1):
            day = entry.form
            if day.date.data is None and not day.date.errors:
                day.date.errors.append(_("Enter the date of day %(n)d", n=n))
            if day.start_time.data is None and not day.start_time.errors:
                day.start_time.errors.append(_("Enter the time day %(n)d starts, like 09:30", n=n))
            start, end = day.start_time.data, day.end_time.data
            if end is None and not day.end_time.errors:
                day.end_time.errors.append(_("Enter the time day %(n)d ends, like 16:30", n=n))
            elif start is not None and end is not None and end <= start:
                day.end_time.errors.append(_("Day %(n)d must end after it starts", n=n))
            self._check_where(n, day)
            if previous is not None and day.date.data is not None:
                if day.date.data == previous:
                    day.date.errors.append(
                        _(
                            "Day %(n)d is on the same date as day %(p)d: each day needs its own "
                            "date",
                            n=n,
                            p=n - 1,
                        )
                    )
                elif day.date.data < previous:
                    day.date.errors.append(_("Day %(n)d must be after day %(p)d", n=n, p=n - 1))
            previous = day.date.data
            valid = valid and not any(field.errors for field in day)
        first: date | None = self.days.entries[0].form.date.data if self.days.entries else None
        opens: date | None = self.bookings_open.data
        closes: date | None = self.bookings_close.data
        if opens and closes and closes < opens:
            self.bookings_close.errors.append(_("Bookings must close after they open"))
            valid = False
        elif closes and first and closes >= first:
            self.bookings_close.errors.append(_("Bookings must close before the first day"))
            valid = False
        return valid

    @staticmethod
    def _check_where(n: int, day: Any) -> None:
        """The venue or online details the ticked boxes need (the service checks again)."""
        mode = day.day_mode
        if mode is None:
            day.mode.errors.append(_("Choose where day %(n)d is: at a venue, online or both", n=n))
            return
        if mode != "online" and not day.venue_id.data and not day.venue_id.errors:
            day.venue_id.errors.append(_("Choose a venue for day %(n)d", n=n))
        if mode == "in_person":
            return
        url = (day.meeting_url.data or "").strip()
        if not url and not day.meeting_url.errors:
            day.meeting_url.errors.append(_("Enter the meeting link of day %(n)d", n=n))
        elif url and not valid_meeting_url(url) and not day.meeting_url.errors:
            day.meeting_url.errors.append(
                _(
                    "Enter the meeting link of day %(n)d as a full address starting https://, "
                    "like https://teams.microsoft.com/…",
                    n=n,
                )
            )
        phone = " ".join((day.dial_in_phone.data or "").split())
        if phone and not DIAL_IN_PHONE.match(phone) and not day.dial_in_phone.errors:
            day.dial_in_phone.errors.append(
                _(
                    "Enter the dial-in number of day %(n)d as a phone number, like 029 2018 0123",
                    n=n,
                )
            )
        elif not phone and (day.dial_in_code.data or "").strip():
            day.dial_in_phone.errors.append(
                _("Enter the dial-in number of day %(n)d, or leave out the conference ID", n=n)
            )

    def _check_facilitators(self) -> bool:
        entries = [entry.form for entry in self.facilitators.entries]
        if entries and not entries[0].user_id.data and not entries[0].user_id.errors:
            entries[0].user_id.errors.append(_("Choose the lead facilitator"))
            return False
        seen: set[int] = set()
        for row in entries:
            if row.user_id.data and row.user_id.data in seen:
                row.user_id.errors.append(_("Each facilitator can be listed once only"))
                return False
            seen.add(row.user_id.data)
        return True

    def fill(self, data: CohortInput) -> None:
        for name in (
            "title",
            "title_cy",
            "capacity",
            "delivery_language",
            "bookings_open",
            "bookings_close",
            "waitlist_policy",
            "offer_hours",
            "cutoff_days",
            "link_shown_hours",
        ):
            self[name].data = getattr(data, name)
        self.partner_organisation_id.data = data.partner_organisation_id or 0
        for entry, day in zip(self.days.entries, data.days, strict=False):
            entry.form.date.data = day.date
            entry.form.start_time.data = day.start_time
            entry.form.end_time.data = day.end_time
            entry.form.venue_id.data = day.venue_id or 0
            entry.form.mode.data = [
                where
                for where, wanted in (("venue", "in_person"), ("online", "online"))
                if day.mode in (wanted, "hybrid")
            ]
            entry.form.platform.data = day.platform
            entry.form.meeting_url.data = day.meeting_url
            entry.form.dial_in_phone.data = day.dial_in_phone
            entry.form.dial_in_code.data = day.dial_in_code
        for entry, facilitator in zip(self.facilitators.entries, data.facilitators, strict=False):
            entry.form.user_id.data = facilitator.user_id
            entry.form.professional_title.data = facilitator.professional_title

    def to_input(self) -> CohortInput:
        return CohortInput(
            title=self.title.data or "",
            title_cy=self.title_cy.data or "",
            capacity=self.capacity.data or 0,
            days=[
                DayInput(
                    e.form.date.data,
                    e.form.start_time.data,
                    e.form.end_time.data,
                    e.form.venue_id.data or None,
                    e.form.day_mode or "",
                    e.form.platform.data or "",
                    e.form.meeting_url.data or "",
                    e.form.dial_in_phone.data or "",
                    e.form.dial_in_code.data or "",
                )
                for e in self.days.entries
            ],
            facilitators=[
                FacilitatorInput(e.form.user_id.data, e.form.professional_title.data or "")
                for e in self.facilitators.entries
                if e.form.user_id.data
            ],
            delivery_language=self.delivery_language.data or "",
            partner_organisation_id=self.partner_organisation_id.data or None,
            bookings_open=self.bookings_open.data,
            bookings_close=self.bookings_close.data,
            waitlist_policy=self.waitlist_policy.data or "",
            offer_hours=self.offer_hours.data or 0,
            cutoff_days=self.cutoff_days.data if self.cutoff_days.data is not None else 2,
            link_shown_hours=self.link_shown_hours.data,
            override_reason=self.override_reason.data or "",
        )


class CohortCancelForm(FlaskForm):
    reason = TextArea(
        _l("Why is it cancelled?"),
        description=_l("Everyone booked is told, with this reason."),
        validators=[required(_l("Say why the cohort is cancelled")), Length(max=2000)],
    )
    submit = Submit(_l("Cancel the cohort"))


class LeadExceptionForm(FlaskForm):
    """A manager lets a facilitator lead without Training the IFSS Trainer (R13)."""

    user_id = Select(
        _l("Who may lead this cohort without the training?"),
        coerce=int,
        validators=[required(_l("Choose the facilitator"))],
    )
    reason = TextArea(
        _l("Why?"),
        description=_l("For example, the experience or the supervision that stands in for it."),
        validators=[required(_l("Say why they may lead without the training")), Length(max=2000)],
    )
    submit = Submit(_l("Record the exception"))


class ActionForm(FlaskForm):
    """A button that posts (publish, complete, book, accept…): CSRF only."""

    submit = Submit(_l("Continue"))


class BookingCancelForm(FlaskForm):
    reason = TextArea(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])
    submit = Submit(_l("Cancel this booking"))


class OfferForm(FlaskForm):
    accept = Submit(_l("Accept the place"))
    decline = Submit(_l("Decline"))


class DecisionForm(FlaskForm):
    reason = Text(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])
    approve = Submit(_l("Approve"))
    decline = Submit(_l("Decline"))


class LineManagerLinkForm(FlaskForm):
    """A line manager's answer through the e-mailed link. No CSRF token: that lives in a
    session, which someone without an account never gets; the link's own secret token,
    in the address the form posts to, is what a forged request could not know."""

    class Meta:
        csrf = False

    reason = Text(
        _l("Reason (optional)"),
        description=_l("It is sent to the learner with your decision."),
        validators=[Optional(), Length(max=2000)],
    )
    approve = Submit(_l("Approve"))
    decline = Submit(_l("Decline"))


class WaitlistMoveForm(FlaskForm):
    reason = Text(
        _l("Reason for the move"),
        validators=[required(_l("Give a reason for the move: it is recorded")), Length(max=2000)],
    )
    up = Submit(_l("Move up"))
    down = Submit(_l("Move down"))


class AddLearnerForm(FlaskForm):
    email = Email(
        _l("Email address of the learner"),
        validators=[required(_l("Enter the learner's email address")), Length(max=254)],
    )
    submit = Submit(_l("Book them"))


class MakeupForm(FlaskForm):
    email = Email(
        _l("Email address of the learner"),
        validators=[required(_l("Enter the learner's email address")), Length(max=254)],
    )
    submit = Submit(_l("Add to this register"))


class PresenterForm(FlaskForm):
    name = Text(
        _l("Name"), validators=[required(_l("Enter the presenter's name")), Length(max=200)]
    )
    organisation = Text(_l("Organisation (optional)"), validators=[Optional(), Length(max=200)])
    day_number = Select(_l("Day"), coerce=int)
    module = Text(
        _l("Module they deliver"),
        description=_l(
            "For example, Managing Conflict and Difficult Behaviour in Core Group meetings."
        ),
        validators=[required(_l("Enter the module they deliver")), Length(max=300)],
    )
    submit = Submit(_l("Add presenter"))


class PartnerListForm(FlaskForm):
    file = File(
        _l("Upload the partner's learner list"),
        description=_l("A CSV file with the columns email and full_name, one learner per line."),
    )
    cohort_ids = Checkboxes(
        _l("Share the learners between these cohorts"),
        coerce=int,
        validators=[required(_l("Choose at least one cohort"))],
    )
    submit = Submit(_l("Book the learners"))

    def text(self) -> str | None:
        """The uploaded file as text, or None with an error on the field."""
        upload = self.file.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            self.file.errors.append(_("Choose the partner's CSV file"))
            return None
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.file.errors.append(
                _("The file must be saved as CSV UTF-8 (in Excel: Save As, CSV UTF-8)")
            )
            return None


def parse_register(formdata: MultiDict[str, Any]) -> tuple[dict[int, Mark], dict[str, str]]:
    """The marks sent (``status-<user id>``, ``minutes-<user id>``), and a message for each
    field that cannot be read. Whether each person is on the register is the service's to
    check."""
    marks: dict[int, Mark] = {}
    errors: dict[str, str] = {}
    for key in formdata:
        prefix, _sep, user = key.partition("-")
        if prefix != "status" or not user.isdigit():
            continue
        status = formdata.get(key, "")
        if not status:
            continue
        if status not in ATTENDANCE_STATUSES:
            errors[key] = _("Choose present, late, left early or absent")
            continue
        raw = (formdata.get(f"minutes-{user}") or "").strip()
        if raw and not raw.isdigit():
            errors[f"minutes-{user}"] = _("Enter the minutes as a whole number, like 15")
            continue
        marks[int(user)] = Mark(status, int(raw) if raw else None)
    return marks, errors


class FollowUpForm(FlaskForm):
    """A follow-up or booster session of a cohort (R14)."""

    title = Text(
        _l("Title"),
        description=_l("For example, Safety Planning booster session."),
        validators=[required(_l("Enter a title, like Safety Planning booster")), Length(max=300)],
    )
    # Missing dates and times are the service's to name (on the field), as for cohort days.
    date = Date(_l("Date"), validators=[Optional()])
    start_time = Time(_l("Starts"), description=_l("For example, 09:30"), validators=[Optional()])
    end_time = Time(_l("Ends"), description=_l("For example, 12:30"), validators=[Optional()])
    venue_id = Select(_l("Venue"), coerce=int)
    facilitator_ids = Checkboxes(_l("Facilitators"), coerce=int, validators=[Optional()])
    notes = TextArea(
        _l("Notes for learners (optional)"),
        description=_l("What the session covers, or what to bring."),
        validators=[Optional(), Length(max=2000)],
    )
    submit = Submit(_l("Add session"))

    def setup(self, venues: list[tuple[int, str]], trainers: list[tuple[int, str]]) -> None:
        self.venue_id.choices = [(0, _("Choose a venue")), *venues]
        self.facilitator_ids.choices = trainers

    def to_input(self) -> FollowUpInput:
        return FollowUpInput(
            title=self.title.data or "",
            date=self.date.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            venue_id=self.venue_id.data or None,
            facilitator_ids=list(self.facilitator_ids.data or []),
            notes=self.notes.data or "",
        )
