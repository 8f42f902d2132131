"""The feedback questionnaire: the current version, and new versions made by editing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainhub.auth.models import User
from trainhub.bilingual import Gap, TextUnit, fitted, own
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback.models import ITEM_KINDS, RATING, Questionnaire, QuestionnaireItem
from trainhub.feedback.seed_data import STANDARD_ITEMS

MAX_ITEMS = 20


@dataclass
class ItemDraft:
    """An item as an administrator wants it in the next version (``key`` empty when new)."""

    key: str
    kind: str
    text: str
    text_cy: str = ""


#: The note the first, standard version is saved with: shown in the reader's language.
STANDARD_NOTE = "Standard questionnaire"


def shown_note(questionnaire: Questionnaire) -> str:
    """A version's note as the reader sees it: the standard version's in their language,
    any other as its author wrote it."""
    if questionnaire.note == STANDARD_NOTE:
        return _("Standard questionnaire")
    return questionnaire.note


def current_questionnaire() -> Questionnaire:
    """The newest version, made from the standard items the first time it is needed."""
    query = (
        select(Questionnaire)
        .order_by(Questionnaire.version.desc())
        .limit(1)
        .options(selectinload(Questionnaire.items))
    )
    questionnaire = db.session.execute(query).scalar_one_or_none()
    if questionnaire is None:
        questionnaire = Questionnaire(version=1, note=STANDARD_NOTE)
        questionnaire.items = [
            QuestionnaireItem(position=i, **item) for i, item in enumerate(STANDARD_ITEMS, 1)
        ]
        db.session.add(questionnaire)
        db.session.flush()
    return questionnaire


def versions() -> list[Questionnaire]:
    """Every version of the questionnaire, newest first, with who made it."""
    query = select(Questionnaire).order_by(Questionnaire.version.desc())
    return list(db.session.execute(query.options(selectinload(Questionnaire.created_by))).scalars())


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:30] or "item"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def save_version(actor: User, drafts: list[ItemDraft], note: str) -> Questionnaire:
    """A new version with these items, in this order; responses keep the version they used.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on ``items`` when no rating statement is left, there are more
        than ``MAX_ITEMS``, nothing has changed or an item's kind is unknown.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators can change the feedback questionnaire"))
    drafts = [d for d in drafts if d.text.strip()]
    if not any(d.kind == RATING for d in drafts):
        raise ValidationFailed("items", _("Keep at least one rating statement"))
    if len(drafts) > MAX_ITEMS:
        raise ValidationFailed(
            "items", _("A questionnaire can have at most %(n)d items", n=MAX_ITEMS)
        )
    current = current_questionnaire()
    old = [(i.key, i.kind, i.text, i.text_cy) for i in current.items]
    new = [(d.key, d.kind, d.text.strip(), d.text_cy.strip()) for d in drafts]
    if old == new:
        raise ValidationFailed("items", _("Nothing has changed: the questionnaire is as it was"))
    # Keys ever used keep their meaning: a new item never takes the key of a retired one.
    taken = set(db.session.execute(select(func.distinct(QuestionnaireItem.key))).scalars())
    items = []
    seen: set[str] = set()
    for position, draft in enumerate(drafts, 1):
        if draft.kind not in ITEM_KINDS:
            raise ValidationFailed("items", _("Choose a kind of question"))
        key = draft.key if draft.key and draft.key not in seen else _slug(draft.text, taken | seen)
        seen.add(key)
        items.append(
            QuestionnaireItem(
                key=key,
                kind=draft.kind,
                position=position,
                text=draft.text.strip(),
                text_cy=draft.text_cy.strip(),
            )
        )
    questionnaire = Questionnaire(
        version=current.version + 1, note=note.strip(), created_by_id=actor.id, items=items
    )
    db.session.add(questionnaire)
    db.session.flush()
    return questionnaire


# -- Welsh gaps, export and import (trainhub.bilingual) -------------------------------------------

#: The longest Welsh wording, as the edit form allows.
MAX_WELSH_WORDING = 500
#: The field of an item a translator writes.
WORDING = _l("Wording")


def _newest() -> Questionnaire | None:
    """The newest version with its items (two queries), without making the standard one."""
    query = (
        select(Questionnaire)
        .order_by(Questionnaire.version.desc())
        .limit(1)
        .options(selectinload(Questionnaire.items))
    )
    return db.session.execute(query).scalar_one_or_none()


def _item_name(item: QuestionnaireItem) -> str:
    return _("Question %(n)d", n=item.position)


def questionnaire_welsh_gaps() -> list[Gap]:
    """The current version's items whose wording has no Welsh yet."""
    current = _newest()
    return [
        Gap(
            _item_name(item),
            str(WORDING),
            "feedback.questionnaire_edit",
            (),
            # The edit form's entries are numbered from 1 (entry 0 is its blank one).
            f"items-{item.position}-text_cy",
        )
        for item in (current.items if current else [])
        if own(item.text) and not own(item.text_cy)
    ]


def questionnaire_welsh_units() -> list[TextUnit]:
    """The current version's items, with their Welsh. Keys ``questionnaire:<item key>:text``:
    an item's key lasts across versions, its row does not."""
    current = _newest()
    return [
        TextUnit(
            f"questionnaire:{item.key}:text",
            _item_name(item),
            str(WORDING),
            item.text,
            own(item.text_cy),
        )
        for item in (current.items if current else [])
        if own(item.text)
    ]


def write_questionnaire_welsh(actor: User, changes: dict[str, str]) -> int:
    """Write a translator's Welsh of the current items (``{key: Welsh}``, "" clears it) as
    a new version (``save_version``), after checking every key. Returns how many items
    changed.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: naming the key: an item the current version does not have, or
        Welsh too long.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators can change the feedback questionnaire"))
    current = current_questionnaire()
    items = {item.key: item for item in current.items}
    wording: dict[str, str] = {}
    for key, text in changes.items():
        parts = key.split(":")
        if len(parts) != 3 or parts[0] != "questionnaire" or parts[2] != "text":
            raise ValidationFailed(key, _("%(key)s: trainhub has no such text", key=key))
        if parts[1] not in items:
            raise ValidationFailed(key, _("%(key)s: this text is no longer in trainhub", key=key))
        wording[parts[1]] = fitted(text, MAX_WELSH_WORDING, key=key)
    changed = sum(1 for key, text in wording.items() if items[key].text_cy != text)
    if changed:
        drafts = [
            ItemDraft(item.key, item.kind, item.text, wording.get(item.key, item.text_cy))
            for item in current.items
        ]
        save_version(actor, drafts, _("Welsh wording from a translator"))
    return changed
