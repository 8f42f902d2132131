"""Accounts, roles and organisations."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from trainhub import sealing
from trainhub.auth.roles import Role
from trainhub.extensions import UTCDateTime, db, utcnow

#: The authenticator secrets' sealing purpose (``trainhub.sealing``).
TOTP_SEALING = "trainhub two-step verification secret"


class Organisation(db.Model):  # type: ignore[name-defined]
    """A partner organisation that learners belong to (DOMAIN.md §3.2)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: The name in Welsh (trainhub.bilingual): None is "no Welsh yet".
    name_cy: Mapped[str | None] = mapped_column(String(200))
    #: The sector most of its people work in; a person's own sector may differ.
    sector: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Its people's line managers get a copy of their bookings, cancellations and no-shows.
    copy_line_managers: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    members: Mapped[list[User]] = relationship(back_populates="organisation")
    #: Newest agreement first (the organisation's page lists them).
    agreements: Mapped[list[DataSharingAgreement]] = relationship(
        back_populates="organisation",
        order_by="(DataSharingAgreement.agreed_on.desc(), DataSharingAgreement.id.desc())",
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class UserRole(db.Model):  # type: ignore[name-defined]
    """One role held by one user; a user may hold several."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"
    # The active IFST members (the workforce statistics).
    __table_args__ = (Index("ix_users_ifst_member_active", "ifst_member", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Always stored lower-cased, so uniqueness is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    #: None until the person sets a password (imported and admin-created accounts).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Deactivated accounts cannot sign in; nothing about them is deleted.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(40))
    local_authority: Mapped[str | None] = mapped_column(String(40))
    professional_background: Mapped[str | None] = mapped_column(String(40))
    job_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: A member of an Integrated Family Support Team (recommended accreditation: Level 6).
    ifst_member: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Works in the wider workforce supplying "family support functions" (Level 3).
    supplies_family_support: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="0"
    )
    preferred_language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    #: A line manager or supervisor who gets a read-only view of this person's training record.
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: When the account was made; a self-registration never confirmed is made again (and
    #: the links sent before then stop working) when its address registers again.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Wrong passwords in a row since the last sign-in or lock.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Sign-in is refused until then (after too many wrong passwords).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: False only for a self-registered account until its owner creates a password through
    #: the link e-mailed to them (or sets one through a reset link): until then it has no
    #: password and cannot sign in.
    email_confirmed: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    #: Loaded with the signed-in user (``auth.queries.session_user``); lists of other people
    #: that show roles ask for them (``selectinload``).
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    supervisor: Mapped[User | None] = relationship(remote_side=[id], back_populates="supervisees")
    supervisees: Mapped[list[User]] = relationship(back_populates="supervisor")
    sign_ins: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    #: The line manager this person names (not their Level 6 ``supervisor``).
    line_manager: Mapped[LineManager | None] = relationship(
        foreign_keys="LineManager.user_id",
        back_populates="user",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<User {self.email!r}>"

    # Flask-Login reads this.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def remember_has_supervisees(self, value: bool) -> None:
        self.__dict__["_has_supervisees"] = value

    def has_supervisees(self) -> bool:
        """Whether anyone names this user as their supervisor (one query, then remembered)."""
        if "_has_supervisees" not in self.__dict__:
            query = select(User.id).where(User.supervisor_id == self.id).limit(1)
            self.__dict__["_has_supervisees"] = db.session.execute(query).first() is not None
        return bool(self.__dict__["_has_supervisees"])

    def has_line_reports(self) -> bool:
        """Whether anyone names this user (their account) as their line manager."""
        if "_has_line_reports" not in self.__dict__:
            query = select(LineManager.user_id).where(LineManager.manager_id == self.id).limit(1)
            self.__dict__["_has_line_reports"] = db.session.execute(query).first() is not None
        return bool(self.__dict__["_has_line_reports"])

    def credentials_fingerprint(self) -> str:
        """Changes when the password or email address does (sessions and links hold it)."""
        material = f"{self.password_hash or 'unset'}|{self.email}"
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: a new password signs out other sessions."""
        return f"{self.id}:{self.credentials_fingerprint()}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)


class UserSession(db.Model):  # type: ignore[name-defined]
    """One sign-in on one browser: ending it signs that browser out, whatever its cookie says."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random token kept in the browser's session cookie; the token itself is
    #: never stored, so a copy of this table lets nobody in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The last request seen, written at most once every SESSION_TOUCH_INTERVAL seconds.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The browser's User-Agent header, cut to 300 characters.
    user_agent: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The client's address at sign-in (behind proxies: PROXY_FIX_X_FOR's).
    ip_address: Mapped[str] = mapped_column(String(45), default="", server_default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it ended: one of ``trainhub.auth.sign_ins.END_REASONS``.
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="sign_ins")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class DataSharingAgreement(db.Model):  # type: ignore[name-defined]
    """A data-sharing agreement with a partner organisation: what lets its managers see
    their own people's training (R49), reviewed on a date the agreement sets."""

    __tablename__ = "data_sharing_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    #: The agreement's own reference (the information governance register's, say).
    reference: Mapped[str] = mapped_column(String(100))
    agreed_on: Mapped[date] = mapped_column(Date)
    #: When the agreement is due for review: after that an unended agreement is overdue.
    review_on: Mapped[date] = mapped_column(Date, index=True)
    #: Who to contact at the partner about it (name, role, email address).
    partner_contact: Mapped[str] = mapped_column(String(300), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: When the agreement stopped applying (None while it applies), and why.
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship(back_populates="agreements")
    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<DataSharingAgreement {self.reference!r}>"

    @property
    def in_force(self) -> bool:
        return self.ended_on is None

    def review_overdue(self, today: date) -> bool:
        """In force, and its review date has passed."""
        return self.in_force and self.review_on < today


class TwoFactorAuthenticator(db.Model):  # type: ignore[name-defined]
    """A person's authenticator app (TOTP, RFC 6238): the secret shared with it when they
    set up two-step verification (``auth.services.two_factor``)."""

    __tablename__ = "two_factor_authenticators"

    #: One authenticator a person: setting up again replaces it.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: The base32 secret the QR code carries, sealed (``trainhub.sealing``): the server must
    #: read it to check codes, so it cannot be hashed, but a copy of the database or a backup
    #: alone does not reveal it. Read and set it as :attr:`secret`.
    secret_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the person proved the app works with a code; until then sign-in does not ask.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last 30-second time step whose code was accepted: a code is never taken twice,
    #: and never one older than the last accepted.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)

    user: Mapped[User] = relationship()

    @property
    def secret(self) -> str:
        """The base32 secret; ``trainhub.sealing.Unreadable`` when no configured key opens it
        (``SECRET_KEY`` changed without the old one as a fallback)."""
        return sealing.unseal(self.secret_sealed, TOTP_SEALING)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_sealed = sealing.seal(value, TOTP_SEALING)

    def __repr__(self) -> str:
        return f"<TwoFactorAuthenticator of user {self.user_id}>"


class RecoveryCode(db.Model):  # type: ignore[name-defined]
    """One of a person's one-time recovery codes, for when their authenticator is lost.
    Only a salted hash is kept; the codes are shown once, when made."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the code signs someone in: it never works again.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} of user {self.user_id}>"


class IdentityProvider(db.Model):  # type: ignore[name-defined]
    """An organisation's OpenID Connect sign-in service (Microsoft Entra ID, a university's).

    Its people sign in with their work account instead of, or as well as, a password.
    """

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    #: Shown on the button: "Sign in with <display_name>".
    display_name: Mapped[str] = mapped_column(String(100))
    #: The issuer URL; its ``/.well-known/openid-configuration`` names the endpoints and keys.
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    #: The client secret encrypted with a key derived from ``SECRET_KEY``
    #: (``trainhub.auth.services.oidc.seal``): a copy of the database alone does not reveal it.
    client_secret_sealed: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Lower-case e-mail domains, one per line: the addresses this provider may sign in.
    email_domains: Mapped[str] = mapped_column(Text, default="", server_default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    #: Addresses in these domains may not sign in with a password: only through this provider.
    passwords_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    identities: Mapped[list[ExternalIdentity]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def domains(self) -> list[str]:
        return [line for line in self.email_domains.split() if line]

    def __repr__(self) -> str:
        return f"<IdentityProvider {self.display_name!r}>"


class ExternalIdentity(db.Model):  # type: ignore[name-defined]
    """A person's account at an identity provider (its ``sub``), linked to their trainhub
    account. Later sign-ins match on the provider and ``sub``, never on the e-mail address."""

    __tablename__ = "external_identities"
    __table_args__ = (
        # One link per ``sub`` of a provider, and one per account at each provider.
        UniqueConstraint("subject", "provider_id"),
        UniqueConstraint("user_id", "provider_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_providers.id", ondelete="CASCADE")
    )
    #: The provider's ``sub`` claim: stable and unique within that provider.
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The address the provider gave when the link was made (for the admin's page).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None while a link to an account with admin, manager or assessor roles waits for
    #: that person's password or an administrator: until then it signs nobody in.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How it was confirmed: ``automatic``, ``password`` or ``admin``.
    confirmed_how: Mapped[str | None] = mapped_column(String(20))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[IdentityProvider] = relationship(back_populates="identities")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ExternalIdentity {self.provider_id}:{self.subject!r} of user {self.user_id}>"


class LineManager(db.Model):  # type: ignore[name-defined]
    """The line manager a learner names: someone with an account (found by e-mail address), or
    only a name and an e-mail address. They approve training where a course asks for it and,
    where the learner's organisation says so, are copied on bookings, cancellations and
    no-shows. Not the Level 6 workplace supervisor (``User.supervisor_id``)."""

    __tablename__ = "line_managers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: Their account, when they have one: then ``name`` and ``email`` are left empty.
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: Without an account: who they are and where their e-mail goes.
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], back_populates="line_manager")
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])

    @property
    def display_name(self) -> str:
        return self.manager.full_name if self.manager is not None else self.name

    @property
    def address(self) -> str:
        return self.manager.email if self.manager is not None else self.email

    @property
    def preferred_language(self) -> str:
        """Their language when they have an account; else the learner's (the best guess)."""
        if self.manager is not None:
            return self.manager.preferred_language
        return self.user.preferred_language
