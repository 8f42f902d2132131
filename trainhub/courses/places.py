"""Places on a cohort, for pages: how many are taken and how many are left, from the counts
``queries.place_counts`` gives (None for a cohort nobody has booked)."""

from __future__ import annotations

from trainhub.courses.models import Cohort
from trainhub.courses.queries import PlaceCounts


def places_taken(counts: PlaceCounts | None) -> int:
    """Bookings that hold a place (``PLACE_STATUSES``)."""
    return counts.held if counts else 0


def places_left(cohort: Cohort, counts: PlaceCounts | None) -> int:
    """The cohort's free places (``Cohort.places_left``); 0 when full or over-booked."""
    return cohort.places_left(places_taken(counts))
