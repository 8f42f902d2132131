"""The catalogue (courses, agendas, outcomes) and venues; cohorts and booking come next."""

from trainhub.courses import places
from trainhub.courses.views import bp

# Templates ask the same rules as the services instead of working places out themselves.
bp.add_app_template_global(places.places_left)
bp.add_app_template_global(places.places_taken)

__all__ = ["bp"]
