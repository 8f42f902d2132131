"""Read-side helpers for accounts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from trainhub import bilingual
from trainhub.auth.models import DataSharingAgreement, Organisation, User, UserRole, UserSession
from trainhub.extensions import db


def organisation_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    """Active organisations (and the one already chosen), named and sorted in the visitor's
    language (``trainhub.bilingual``)."""
    query = select(Organisation.id, Organisation.name, Organisation.name_cy)
    condition: ColumnElement[bool] = Organisation.is_active.is_(True)
    if include_id is not None:
        condition = or_(condition, Organisation.id == include_id)
    named = [
        (row.id, bilingual.shown(row.name, row.name_cy).text)
        for row in db.session.execute(query.where(condition))
    ]
    return sorted(named, key=lambda choice: (choice[1].casefold(), choice[0]))


#: An organisation's text that has Welsh beside it.
ORGANISATION_WELSH_FIELDS = {"name": _l("Name")}


def _active_organisations() -> Select[int, str, str | None]:
    return (
        select(Organisation.id, Organisation.name, Organisation.name_cy)
        .where(Organisation.is_active.is_(True))
        .order_by(Organisation.name, Organisation.id)
    )


def organisation_welsh_gaps() -> list[bilingual.Gap]:
    """The names of active organisations that have no Welsh, by name, in one query
    (``trainhub.bilingual``'s completeness page)."""
    return [
        bilingual.Gap(
            item=row.name,
            field=str(ORGANISATION_WELSH_FIELDS["name"]),
            endpoint="auth.admin_organisation_edit",
            args=(("organisation_id", row.id),),
            anchor="name_cy",
        )
        for row in db.session.execute(_active_organisations())
        if bilingual.own(row.name) and not bilingual.own(row.name_cy)
    ]


def organisation_units() -> list[bilingual.TextUnit]:
    """The name of every active organisation, by name, in one query (export)."""
    return [
        bilingual.TextUnit(
            key=bilingual.unit_key("organisations", row.id, "name"),
            item=row.name,
            field=str(ORGANISATION_WELSH_FIELDS["name"]),
            english=row.name,
            welsh=bilingual.own(row.name_cy),
        )
        for row in db.session.execute(_active_organisations())
        if bilingual.own(row.name)
    ]


def session_user(user_id: int, token_hash: str) -> tuple[User, UserSession] | None:
    """The signed-in user with their roles and whether they supervise anyone, and the sign-in
    whose token the browser holds (ended or not): one query."""
    supervisee = aliased(User)
    supervises = exists().where(supervisee.supervisor_id == User.id)
    query = (
        select(User, supervises, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.token_hash == token_hash)
        .options(joinedload(User.role_rows))
    )
    row = db.session.execute(query).unique().first()
    if row is None:
        return None
    user, has_supervisees, sign_in = row
    user.remember_has_supervisees(bool(has_supervisees))
    return user, sign_in


def open_sessions(
    user: User, now: datetime, idle: timedelta, max_age: timedelta
) -> list[UserSession]:
    """The person's sign-ins that still let a browser in, the most recently active first."""
    query = (
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at > now - idle,
            UserSession.created_at > now - max_age,
        )
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return list(db.session.execute(query).scalars())


def users_query(search: str = "", role: str = "", active: str = "") -> Select[tuple[User]]:
    query = select(User).order_by(User.full_name, User.id).options(selectinload(User.role_rows))
    if search.strip():
        term = search.strip()
        query = query.where(
            or_(
                User.email.contains(term.lower(), autoescape=True),
                User.full_name.icontains(term, autoescape=True),
            )
        )
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if active in ("yes", "no"):
        query = query.where(User.active.is_(active == "yes"))
    return query


def supervisees_of(user: User) -> list[User]:
    query = select(User).where(User.supervisor_id == user.id).order_by(User.full_name)
    return list(db.session.execute(query).scalars())


def organisations_query() -> Select[tuple[Organisation]]:
    return select(Organisation).order_by(Organisation.name)


def organisations_overdue_for_review(ids: list[int], on: date) -> set[int]:
    """Which of the organisations ``ids`` have an agreement in force whose review date passed
    before ``on``: one query for a page of organisations."""
    if not ids:
        return set()
    query = select(DataSharingAgreement.organisation_id).where(
        DataSharingAgreement.organisation_id.in_(ids),
        DataSharingAgreement.ended_on.is_(None),
        DataSharingAgreement.review_on < on,
    )
    return set(db.session.execute(query.distinct()).scalars())


def agreement_in_force_with_reference(
    organisation_id: int, reference: str, other_than: int | None = None
) -> bool:
    """Whether the organisation has an agreement in force with this reference (any case)."""
    query = select(DataSharingAgreement.id).where(
        DataSharingAgreement.organisation_id == organisation_id,
        DataSharingAgreement.ended_on.is_(None),
        func.lower(DataSharingAgreement.reference) == reference.lower(),
    )
    if other_than is not None:
        query = query.where(DataSharingAgreement.id != other_than)
    return db.session.execute(query.limit(1)).first() is not None
