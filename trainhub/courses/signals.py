"""What the catalogue announces, so that higher areas can act without being imported here."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent with ``course=`` when the course page is drawn; a receiver returns extra HTML
#: as ``Markup`` (e.g. the accreditation levels whose outcomes the course teaches) or None.
course_detail_sections = _signals.signal("course-detail-sections")

#: Sent with ``completion=`` (a ``Completion``, already flushed) and ``actor=`` when a
#: learner completes a course. Receivers in higher areas bank CPD, issue a certificate or
#: ask for feedback, in the same transaction.
course_completed = _signals.signal("course-completed")

#: Sent with ``user_id=``, ``course_id=`` and ``actor=`` when a register correction means a
#: learner no longer meets a course's completion rule (the ``Completion`` row is gone).
course_completion_withdrawn = _signals.signal("course-completion-withdrawn")
