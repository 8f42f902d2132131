"""The public catalogue, course pages, course editing, and venues."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from trainhub import data_version
from trainhub.auth.permissions import public, role_required
from trainhub.auth.roles import EDITORS
from trainhub.bilingual import sees_missing_welsh
from trainhub.boundary import act
from trainhub.courses import permissions, queries
from trainhub.courses.forms.catalogue import (
    AUDIENCE_CHOICES,
    KIND_CHOICES,
    CourseForm,
    CourseNotesForm,
    VenueForm,
)
from trainhub.courses.models import Venue
from trainhub.courses.services import catalogue as services
from trainhub.courses.signals import course_detail_sections
from trainhub.courses.views import bp
from trainhub.extensions import db
from trainhub.forms import form_page


def _is_editor() -> bool:
    return current_user.is_authenticated and permissions.can_edit_catalogue(current_user)


#: Catalogue contents kept per process when CATALOGUE_CACHE_SIZE is not set: the two
#: languages, the filters' 12 combinations, editors or not, 10 KB or so each.
DEFAULT_LISTINGS = 64
_LISTINGS = "trainhub.catalogue_listings"


def _listings() -> data_version.VersionedCache:
    """The catalogue's contents as drawn (``courses/_catalogue_listing.html``), kept per
    process under the data version they were drawn at (``trainhub.data_version``).

    Every commit that changes a course gives the data a new version (the ``courses`` table
    is watched), and every reader asks the database for the version in the same statement
    that would load the courses (``queries.catalogue_listing``), so a change made through
    any worker is seen by all of them at once. What else the contents depend on is the key:
    the language, the script root the links start with, the filters, whether the reader
    edits the catalogue (unpublished courses and the "Add a course" button) and whether they
    are shown the texts that lack Welsh.
    """
    return data_version.cache_of(_LISTINGS, "CATALOGUE_CACHE_SIZE", DEFAULT_LISTINGS)


def _translated(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Markup]]:
    """``choices`` with their lazy labels translated once, not on every card; as Markup,
    as a lazy label writes itself into a template (the catalogue is trusted)."""
    return [(key, Markup(str(label))) for key, label in choices]  # noqa: S704


def _listing(audience: str, kind: str, editor: bool) -> Markup:
    """The catalogue's contents: kept ones while no course has changed, in one query."""
    store = _listings()
    # Staff see which texts lack Welsh (trainhub.bilingual): that is drawn too.
    gaps = sees_missing_welsh(current_user)
    key = (str(get_locale()), request.script_root, audience, kind, editor, gaps)
    # What this transaction has changed itself is not in the version: never kept, nor kept
    # contents shown over it.
    usable = store.size > 0 and not data_version.changed_here()
    kept = store.peek(key) if usable else None
    version, courses = queries.catalogue_listing(
        audience, kind, editor, unless_version=kept[0] if kept is not None else None
    )
    if courses is None and kept is not None:
        drawn_before: Markup = kept[1]
        return drawn_before
    drawn = Markup(  # noqa: S704 (our own template's autoescaped output)
        render_template(
            "courses/_catalogue_listing.html",
            courses=courses or [],
            audience=audience,
            kind=kind,
            audiences=_translated(AUDIENCE_CHOICES),
            kinds=_translated(KIND_CHOICES),
            can_add=editor,
        )
    )
    if version is not None and usable:
        store.put(key, version, drawn)
    return drawn


@bp.get("/courses")
@public
def catalogue() -> ResponseReturnValue:
    audience = request.args.get("audience", "")
    kind = request.args.get("kind", "")
    if audience not in dict(AUDIENCE_CHOICES):
        audience = ""
    if kind not in dict(KIND_CHOICES):
        kind = ""
    listing = _listing(audience, kind, _is_editor())
    return render_template("courses/catalogue.html", listing=listing)


@bp.get("/courses/<code>")
@public
def course_detail(code: str) -> ResponseReturnValue:
    course = queries.course_by_code(code)
    editor = _is_editor()
    if course is None or (not course.published and not editor):
        abort(404)
    sections = [html for _receiver, html in course_detail_sections.send(course=course) if html]
    upcoming = db.session.execute(queries.open_cohorts_query(course.id).limit(10)).scalars().all()
    return render_template(
        "courses/course_detail.html",
        course=course,
        sections=sections,
        can_edit=editor,
        upcoming=upcoming,
        counts=queries.place_counts(c.id for c in upcoming),
        can_schedule=current_user.is_authenticated
        and permissions.can_schedule_cohorts(current_user),
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def course_new() -> ResponseReturnValue:
    form = CourseForm()
    form.prerequisite_ids.choices = queries.prerequisite_choices()
    if request.method == "GET":
        form.published.data = True
    if form.validate_on_submit():
        done = act(
            lambda: services.create_course(
                current_user, services.CourseInput(**form.changes(admin=current_user.is_admin))
            ),
            form,
            success=_("Course added to the catalogue."),
            conflict="form",
        )
        if done:
            return redirect(url_for("courses.course_detail", code=done.result.code))
    return form_page("courses/course_form.html", form, course=None, full=True)


@bp.route("/courses/<code>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def course_edit(code: str) -> ResponseReturnValue:
    course = queries.course_by_code(code) or abort(404)
    full = permissions.can_change_canonical_content(current_user, course)
    form = CourseForm() if full else CourseNotesForm()
    if isinstance(form, CourseForm):
        form.prerequisite_ids.choices = queries.prerequisite_choices(
            exclude_id=course.id, chosen=[p.id for p in course.prerequisites]
        )
    if request.method == "GET":
        form.fill(services.course_input(course))
    if form.validate_on_submit() and act(
        lambda: services.update_course(
            current_user, course, form.changes(admin=current_user.is_admin)
        ),
        form,
        success=_("Course saved."),
        conflict="form",
    ):
        return redirect(url_for("courses.course_detail", code=course.code))
    return form_page("courses/course_form.html", form, course=course, full=full)


@bp.get("/venues")
@role_required(*EDITORS)
def venues() -> ResponseReturnValue:
    page = db.paginate(
        queries.venues_query(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("courses/venues.html", page=page)


@bp.route("/venues/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
def venue_edit(venue_id: int | None) -> ResponseReturnValue:
    venue = db.get_or_404(Venue, venue_id) if venue_id else None
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        data = services.VenueInput(
            name=form.name.data,
            address=form.address.data,
            capacity=form.capacity.data,
            accessibility_notes=form.accessibility_notes.data or "",
            is_active=form.is_active.data,
            name_cy=form.name_cy.data or "",
            accessibility_notes_cy=form.accessibility_notes_cy.data or "",
        )
        if act(
            lambda: services.save_venue(current_user, venue, data), form, success=_("Venue saved.")
        ):
            return redirect(url_for("courses.venues"))
    return form_page("courses/venue_form.html", form, venue=venue)
