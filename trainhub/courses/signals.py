"""What the catalogue announces, so that higher areas can act without being imported here."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent with ``course=`` when the course page is drawn; a receiver returns extra HTML
#: as ``Markup`` (e.g. the accreditation levels whose outcomes the course teaches) or None.
course_detail_sections = _signals.signal("course-detail-sections")

#: Sent with ``completions=`` (a list of ``Completion`` rows of one course, already flushed)
#: and ``actor=`` when learners complete a course — once for a whole register, so receivers
#: in higher areas (bank CPD, issue certificates, ask for feedback) work in bulk, in the
#: same transaction.
course_completed = _signals.signal("course-completed")

#: Sent with ``user_ids=`` (a list), ``course_id=`` and ``actor=`` when a register correction
#: means learners no longer meet a course's completion rule (their ``Completion`` rows are gone).
course_completion_withdrawn = _signals.signal("course-completion-withdrawn")

#: Sent with ``cohort=``, ``user_ids=`` (a list) and ``actor=`` when the register of a cohort's
#: last day marks learners as there (attended, late or left early): feedback asks them then.
last_day_attended = _signals.signal("last-day-attended")

#: Sent with ``course=`` before a course becomes an event (which nobody ever completes): a
#: receiver returns why it may not (what in a higher area needs the course completed, e.g.
#: an accreditation level it opens), as a message, or None.
course_needed_completed = _signals.signal("course-needed-completed")
