"""The pages every public service has: privacy notice, accessibility statement, cookies, help
and contact."""

from flask_babel import lazy_gettext as _l

from trainhub import bilingual
from trainhub.site import glossary, permissions
from trainhub.site import welsh_views as _welsh_views  # noqa: F401  (registers its route)
from trainhub.site.views import bp

# The glossary's terms are listed on the page of what lacks Welsh, and go to translators.
bilingual.register_kind(
    "glossary",
    _l("Glossary"),
    glossary.glossary_welsh_gaps,
    permissions.can_edit_glossary,
    units=glossary.glossary_welsh_units,
    apply=lambda changes, actor: glossary.write_glossary_welsh(actor, changes),
)

__all__ = ["bp"]
