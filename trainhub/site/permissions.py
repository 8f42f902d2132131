"""Who may change the service's own pages (everyone may read them)."""

from __future__ import annotations

from typing import Any

from trainhub import bilingual
from trainhub.auth.models import User


def can_edit_site_pages(actor: User) -> bool:
    """Administrators: the privacy notice and the statements speak for the body that runs
    the service."""
    return bool(actor.is_authenticated and actor.is_admin)


def can_edit_site_page(actor: User, _page: Any) -> bool:
    """``can_edit_site_pages`` for a page loaded by ``boundary.load``."""
    return can_edit_site_pages(actor)


def can_edit_glossary(actor: User) -> bool:
    """Administrators: the glossary explains the framework in the service's own voice."""
    return can_edit_site_pages(actor)


def can_edit_glossary_term(actor: User, _term: Any) -> bool:
    """``can_edit_glossary`` for a term loaded by ``boundary.load``."""
    return can_edit_glossary(actor)


def sees_missing_welsh(actor: User) -> bool:
    """Staff are shown what has no Welsh yet (``trainhub.bilingual``: one rule for all content)."""
    return bilingual.sees_missing_welsh(actor)


def can_exchange_welsh(actor: User) -> bool:
    """Those who may write the Welsh of some kind of content that goes to translators
    (``trainhub.site.welsh_exchange``): each gets and gives back only the kinds they edit."""
    return bool(
        actor.is_authenticated
        and any(
            kind.units is not None and kind.apply is not None and kind.can_edit(actor)
            for kind in bilingual.kinds()
        )
    )
