"""Accreditation: levels, applications, workbooks, assessment, the CPD ledger, certificates."""

from flask_babel import lazy_gettext as _l

from trainhub import bilingual
from trainhub.accreditation import queries
from trainhub.accreditation import receivers as _receivers  # noqa: F401  (connects signals)
from trainhub.accreditation.services import levels
from trainhub.accreditation.views import bp

# The levels' titles and outcomes are listed on the page of what lacks Welsh.
bilingual.register_kind(
    "levels",
    _l("Accreditation levels"),
    queries.level_welsh_gaps,
    lambda actor: bool(actor.is_authenticated and actor.is_admin),
    units=queries.level_welsh_units,
    apply=lambda changes, actor: levels.write_level_welsh(actor, changes),
)

__all__ = ["bp"]
