"""Users and their memberships: a role held in a unit."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import Unit


class Role(enum.StrEnum):
    REPORTER = "reporter"
    HANDLER = "handler"
    LEADER = "leader"
    #: The organisation's "post office" for cross-level cases; scope is the organisation.
    COORDINATOR = "coordinator"
    #: Reviews trends for the organisation.
    QUALITY_ADVISER = "quality_adviser"
    #: The joint committee's secretariat; aggregates for the whole health community.
    SECRETARIAT = "secretariat"
    #: A member of the joint committee: reads its agenda and the cases on it, no more.
    COMMITTEE_MEMBER = "committee_member"


def _enum_values(kinds: type[enum.Enum]) -> list[str]:
    return [k.value for k in kinds]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    #: Set by the login layer: the token of the login session this object was loaded for.
    session_token = None

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    #: Who the person is at the single sign-on provider when AVVIK_OIDC_USER_CLAIM is not
    #: ``email``: the claim's value (an HPR number, an Entra object id, a national identity
    #: number from ID-porten), matched exactly. Never shown outside user administration.
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)
    #: argon2id hash (argon2-cffi); never the password itself.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Preferred interface language ("nb" or "en"); None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set on the one account that stands for an organisation's own systems (its service
    #: tokens, avvik/integrations/accounts.py): it has no password, signs in nowhere, and
    #: sees the cases the organisation is party to, as its coordinators do.
    service_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), unique=True, index=True)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the cookie: the login session's token, never the user
        # id, so ending the session on the server makes a copied cookie worthless.
        return self.session_token

    def roles_in(self, unit_id: int) -> set[Role]:
        return {m.role for m in self.memberships if m.unit_id == unit_id}

    def has_role(self, *roles: Role) -> bool:
        return any(m.role in roles for m in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=40, values_callable=_enum_values)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    unit: Mapped[Unit] = relationship()
