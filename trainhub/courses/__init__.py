"""The catalogue (courses, agendas, outcomes) and venues; cohorts and booking come next."""

from flask_babel import lazy_gettext as _l

from trainhub import bilingual
from trainhub.courses import permissions, places, queries
from trainhub.courses.services import catalogue, scheduling
from trainhub.courses.views import bp

# Templates ask the same rules as the services instead of working places out themselves.
bp.add_app_template_global(places.places_left)
bp.add_app_template_global(places.places_taken)

# The courses' texts are listed on the page of what lacks Welsh (trainhub.bilingual).
bilingual.register_kind(
    "courses",
    _l("Courses"),
    queries.course_welsh_gaps,
    permissions.can_edit_catalogue,
    units=queries.course_welsh_units,
    apply=lambda changes, actor: catalogue.write_course_welsh(actor, changes),
    writable=permissions.can_write_welsh_unit,
)
# Cohorts' titles and venues' names and access notes too, and exported with them.
bilingual.register_kind(
    "cohorts",
    _l("Cohorts"),
    queries.cohort_welsh_gaps,
    lambda actor: bool(actor.is_authenticated and permissions.can_see_all_cohorts(actor)),
    units=queries.cohort_units,
    apply=scheduling.apply_cohort_welsh,
)
bilingual.register_kind(
    "venues",
    _l("Venues"),
    queries.venue_welsh_gaps,
    lambda actor: bool(actor.is_authenticated and permissions.can_manage_venues(actor)),
    units=queries.venue_units,
    apply=catalogue.apply_venue_welsh,
)

__all__ = ["bp"]
