"""Wales-scale synthetic history for benchmarks and load tests (``python -m benchmarks.synth``).

Everything is fictional and made from a seeded random generator, so one seed always
gives the same data (relative to the start of the current financial year). At
``--scale 1`` it writes about 100,000 learners in 30 organisations, 30,000 cohorts
over ten financial years, a million bookings with waiting lists, cancellations and
day-by-day registers, completions with certificates and CPD, accreditation
applications with small workbook files and sign-offs, and a million feedback
answers. Rows go in with bulk ``INSERT``s (SQLAlchemy Core, many rows a statement)
inside one transaction, with the ids chosen here, so the load is quick and either
all there or not at all. Loading the same seed twice adds nothing the second time.

A few named accounts make the data easy to use: a learner with a long history, a
trainer who has led about 700 cohorts, an assessor with a queue, a manager and an
administrator (``SYNTH_ACCOUNTS``), and a 1-day cohort with a 400-person register.

Not part of the application: trainhub never imports it and the wheel leaves it out. Its
rules are the services' (the financial year, certificate codes, a level's achievement and
clock, the completion rule, statuses); one module a stage: ``people``, ``cohorts``,
``bookings``, ``accreditation``, ``feedback``, run in order by ``loader``.
"""

from benchmarks.synth.base import (
    BIG_REGISTER_TITLE,
    PASSWORD,
    SYNTH_ACCOUNTS,
    YEARS,
    Summary,
    synth_email,
)
from benchmarks.synth.loader import load

__all__ = [
    "BIG_REGISTER_TITLE",
    "PASSWORD",
    "SYNTH_ACCOUNTS",
    "YEARS",
    "Summary",
    "load",
    "synth_email",
]
