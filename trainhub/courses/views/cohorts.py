"""Scheduling cohorts: the overview, the schedule form, publishing, cancelling, presenters,
partner lists and recorded clash overrides."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainhub.auth.permissions import checks, public, role_required
from trainhub.auth.roles import MANAGERS, STAFF, Role
from trainhub.boundary import act, authorise, load
from trainhub.courses import permissions, queries
from trainhub.courses.forms.cohorts import (
    ActionForm,
    AddLearnerForm,
    CohortCancelForm,
    CohortForm,
    LeadExceptionForm,
    PartnerListForm,
    PresenterForm,
)
from trainhub.courses.forms.needs import BookingForm
from trainhub.courses.models import (
    COHORT_STATUSES,
    REGISTER_STATUSES,
    Booking,
    Cohort,
    CohortPresenter,
    Course,
)
from trainhub.courses.services import booking as booking_services
from trainhub.courses.services import follow_ups, partners, scheduling, trainers
from trainhub.courses.views import bp
from trainhub.extensions import db, utcnow
from trainhub.forms import form_page


def load_cohort(cohort_id: int) -> Cohort:
    return queries.cohort_for_page(cohort_id) or abort(404)


def viewable_cohort(cohort_id: int) -> tuple[Cohort, Booking | None]:
    """A cohort the user may see, with their own booking on it; anyone signed out is asked
    to sign in (a partner's learner following a link to a closed cohort), anyone else
    without the right gets 403."""
    cohort = load_cohort(cohort_id)
    booking = None
    if current_user.is_authenticated:
        booking = queries.booking_of(cohort.id, current_user.id)
    authorise(permissions.can_view_cohort(current_user, cohort, booked=booking is not None))
    return cohort, booking


#: ``@managed_cohort``: the cohort of the URL's ``cohort_id``, for those who manage it.
managed_cohort = load("cohort", queries.cohort_for_page, can=permissions.can_manage_cohort)


@bp.get("/cohorts")
@role_required(*STAFF)
def cohorts() -> ResponseReturnValue:
    everyone = permissions.can_see_all_cohorts(current_user)
    scope = request.args.get("scope", "all" if everyone else "mine")
    status = request.args.get("status", "")
    if status not in COHORT_STATUSES:
        status = ""
    query = queries.cohorts_query(
        trainer_id=current_user.id if scope == "mine" else None,
        status=status,
        upcoming=request.args.get("when") == "upcoming",
    )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "courses/cohorts.html",
        page=page,
        counts=queries.place_counts(c.id for c in page.items),
        scope=scope,
        status=status,
        courses=db.session.execute(queries.catalogue_query()).scalars().all(),
    )


def _cohort_form(course: Course) -> CohortForm:
    form = CohortForm()
    form.setup(
        course.duration_days,
        queries.venue_choices(),
        [(t.id, t.full_name) for t in queries.trainers()],
        queries.partner_choices(),
    )
    return form


@bp.route("/cohorts/new", methods=["GET", "POST"])
@role_required(*STAFF)
def cohort_new() -> ResponseReturnValue:
    """Choose a course (``?course=CODE``), then schedule a cohort of it."""
    code = request.args.get("course", "")
    course = queries.course_by_code(code) if code else None
    if course is None:
        courses = db.session.execute(queries.catalogue_query()).scalars().all()
        return render_template(
            "courses/cohort_choose_course.html", courses=courses, unknown=bool(code)
        )
    form = _cohort_form(course)
    if request.method == "GET":
        form.title.data = course.title
        form.title_cy.data = course.title_cy or ""
        form.capacity.data = scheduling.DEFAULT_CAPACITY
        form.start(
            current_app.config["ONLINE_LINK_SHOWN_HOURS_BEFORE"],
            current_app.config["ONLINE_DEFAULT_PLATFORM"],
        )
        if current_user.has_role(Role.TRAINER):
            form.facilitators.entries[0].form.user_id.data = current_user.id
            form.facilitators.entries[0].form.professional_title.data = current_user.job_title
    if form.validate_on_submit():
        done = act(
            lambda: scheduling.schedule_cohort(current_user, course, form.to_input()),
            form,
            success=_("Cohort saved as a draft. Publish it when it is ready for booking."),
        )
        if done:
            return redirect(url_for("courses.cohort_detail", cohort_id=done.result.id))
    return form_page("courses/cohort_form.html", form, course=course, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_cohort
def cohort_edit(cohort: Cohort) -> ResponseReturnValue:
    if cohort.status in ("cancelled", "completed"):
        flash(_("A cancelled or completed cohort cannot be changed."), "error")
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))
    form = _cohort_form(cohort.course)
    if request.method == "GET":
        form.fill(scheduling.cohort_input(cohort))
    if form.validate_on_submit() and act(
        lambda: scheduling.update_cohort(current_user, cohort, form.to_input()),
        form,
        success=_("Cohort saved."),
    ):
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))
    return form_page("courses/cohort_form.html", form, course=cohort.course, cohort=cohort)


@bp.get("/cohorts/<int:cohort_id>")
@public
@checks(permissions.can_view_cohort)  # by viewable_cohort
def cohort_detail(cohort_id: int) -> ResponseReturnValue:
    cohort, booking = viewable_cohort(cohort_id)
    manage = current_user.is_authenticated and permissions.can_manage_cohort(current_user, cohort)
    problems = None
    if current_user.is_authenticated:
        problems = booking_services.booking_problems(cohort, current_user)
    sessions = follow_ups.sessions_for(cohort.id)
    return render_template(
        "courses/cohort_detail.html",
        cohort=cohort,
        counts=queries.place_count(cohort.id),
        manage=manage,
        booking=booking,
        position=queries.waitlist_position(booking) if booking else None,
        problems=problems,
        action_form=ActionForm(),
        booking_form=BookingForm(formdata=None),
        needs_visible=manage and permissions.can_view_access_needs(current_user, cohort),
        presenter_form=_presenter_form(cohort),
        lead=trainers.lead_check(cohort) if manage else None,
        day_warnings=scheduling.day_warnings(cohort) if manage and cohort.is_live else [],
        links=permissions.meeting_links(current_user, cohort, booking, utcnow()),
        # R14: for those who run the cohort and the learners on it. Read for everyone, so
        # the page sends the same statements whoever looks.
        follow_ups=sessions
        if manage or (booking is not None and booking.status in REGISTER_STATUSES)
        else None,
    )


def _presenter_form(cohort: Cohort) -> PresenterForm:
    form = PresenterForm()
    form.day_number.choices = [(d.day_number, _("Day %(n)d", n=d.day_number)) for d in cohort.days]
    return form


@bp.post("/cohorts/<int:cohort_id>/publish")
@role_required(*STAFF)
@managed_cohort
def cohort_publish(cohort: Cohort) -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        act(
            lambda: scheduling.publish_cohort(current_user, cohort),
            success=_("Cohort published: learners can now book it."),
        )
    return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/complete")
@role_required(*STAFF)
@managed_cohort
def cohort_complete(cohort: Cohort) -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        act(
            lambda: scheduling.complete_cohort(current_user, cohort),
            success=_("Cohort marked as completed."),
        )
    return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/cancel", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_cohort
def cohort_cancel(cohort: Cohort) -> ResponseReturnValue:
    form = CohortCancelForm()
    if form.validate_on_submit() and act(
        lambda: scheduling.cancel_cohort(current_user, cohort, form.reason.data or ""),
        form,
        success=lambda told: ngettext(
            "Cohort cancelled. %(num)d person has been told.",
            "Cohort cancelled. %(num)d people have been told.",
            told,
        ),
        conflict="form",
    ):
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))
    counts = queries.place_count(cohort.id)
    return form_page("courses/cohort_cancel.html", form, cohort=cohort, counts=counts)


@bp.route("/cohorts/<int:cohort_id>/lead-exception", methods=["GET", "POST"])
@role_required(*MANAGERS)
@managed_cohort
def lead_exception(cohort: Cohort) -> ResponseReturnValue:
    """R13: a manager lets a facilitator lead without Training the IFSS Trainer."""
    form = LeadExceptionForm()
    candidates = trainers.exception_candidates(cohort)
    form.user_id.choices = [
        (0, _("Choose the facilitator")),
        *((p.id, p.full_name) for p in candidates),
    ]
    if form.validate_on_submit() and act(
        lambda: trainers.record_lead_exception(
            current_user, cohort, form.user_id.data or 0, form.reason.data or ""
        ),
        form,
        success=lambda exception: _(
            "Exception recorded: %(name)s may lead this cohort.", name=exception.user.full_name
        ),
        conflict="form",
    ):
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id))
    return form_page(
        "courses/lead_exception.html",
        form,
        cohort=cohort,
        candidates=candidates,
        check=trainers.lead_check(cohort),
    )


@bp.post("/cohorts/<int:cohort_id>/presenters")
@role_required(*STAFF)
@managed_cohort
def presenter_add(cohort: Cohort) -> ResponseReturnValue:
    form = _presenter_form(cohort)
    if form.validate_on_submit() and act(
        lambda: scheduling.add_presenter(
            current_user,
            cohort,
            form.day_number.data,
            form.module.data or "",
            form.name.data or "",
            form.organisation.data or "",
        ),
        form,
        success=_("Presenter added."),
    ):
        return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id) + "#presenters")
    return form_page("courses/presenter_form.html", form, cohort=cohort)


@bp.post("/cohorts/<int:cohort_id>/presenters/<int:presenter_id>/remove")
@role_required(*STAFF)
@managed_cohort
def presenter_remove(cohort: Cohort, presenter_id: int) -> ResponseReturnValue:
    presenter = db.get_or_404(CohortPresenter, presenter_id)
    if presenter.cohort_id != cohort.id:
        abort(404)
    if ActionForm().validate_on_submit():
        act(
            lambda: scheduling.remove_presenter(current_user, presenter),
            success=_("Presenter removed."),
        )
    return redirect(url_for("courses.cohort_detail", cohort_id=cohort.id) + "#presenters")


@bp.route("/cohorts/<int:cohort_id>/partner-learners", methods=["GET", "POST"])
@role_required(*STAFF)
@managed_cohort
def partner_learners(cohort: Cohort) -> ResponseReturnValue:
    """Upload a partner's learner list and share it between its closed cohorts."""
    if not cohort.is_closed:
        abort(404)
    # Only the cohorts this person may book onto are offered.
    siblings = [
        c
        for c in queries.sibling_closed_cohorts(cohort)
        if permissions.can_manage_cohort(current_user, c)
    ]
    form = PartnerListForm()
    form.cohort_ids.choices = [(c.id, c.title) for c in siblings]
    if request.method == "GET":
        form.cohort_ids.data = [c.id for c in siblings]
    text = form.text() if form.validate_on_submit() else None
    if text is not None:
        chosen = [c for c in siblings if c.id in set(form.cohort_ids.data or [])]
        if act(
            lambda: partners.import_partner_learners(current_user, chosen, text),
            form,
            success=_partner_summary,
        ):
            return redirect(url_for("courses.cohort_bookings", cohort_id=cohort.id))
    return form_page("courses/partner_learners.html", form, cohort=cohort)


def _partner_summary(result: partners.PartnerImport) -> str:
    booked = ngettext(
        "%(num)d learner booked (%(shares)s).",
        "%(num)d learners booked (%(shares)s).",
        sum(len(people) for people in result.placed.values()),
        shares=", ".join(str(len(people)) for people in result.placed.values()),
    )
    invited = ngettext(
        "%(num)d new account invited.", "%(num)d new accounts invited.", len(result.created)
    )
    skipped = ngettext(
        "%(num)d already had a place or was waiting, and was left as they were.",
        "%(num)d already had a place or were waiting, and were left as they were.",
        len(result.skipped),
    )
    return " ".join([booked, invited, *([skipped] if result.skipped else [])])


@bp.get("/cohorts/overrides")
@role_required(*MANAGERS)
def clash_overrides() -> ResponseReturnValue:
    page = db.paginate(
        queries.clash_overrides_query(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("courses/clash_overrides.html", page=page)


@bp.get("/cohorts/<int:cohort_id>/bookings")
@role_required(*STAFF)
@managed_cohort
def cohort_bookings(cohort: Cohort) -> ResponseReturnValue:
    return bookings_page(cohort, AddLearnerForm())


def bookings_page(cohort: Cohort, add_form: AddLearnerForm) -> tuple[str, int]:
    """The bookings and waiting list page (400 when ``add_form`` came back with errors)."""
    bookings = queries.cohort_bookings(cohort.id)
    return form_page(
        "courses/cohort_bookings.html",
        add_form,
        cohort=cohort,
        bookings=bookings,
        named=permissions.named_attendees(current_user, cohort, (b.user for b in bookings)),
        counts=queries.place_count(cohort.id),
        add_form=add_form,
        action_form=ActionForm(),
        inside_cutoff=booking_services.inside_cutoff(cohort),
    )
