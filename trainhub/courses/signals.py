"""What the catalogue announces, so that higher areas can act without being imported here."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent with ``course=`` when the course page is drawn; a receiver returns extra HTML
#: as ``Markup`` (e.g. the accreditation levels whose outcomes the course teaches) or None.
course_detail_sections = _signals.signal("course-detail-sections")
