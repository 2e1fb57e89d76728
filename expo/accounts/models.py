"""User accounts and the roles they hold."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db

if TYPE_CHECKING:
    from expo.editions.models import Edition


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; the unique index is what really prevents duplicates.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(10), default="en")
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of every session cookie; rotating it ends all sessions signed with the old value.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # The secret in the personal agenda feed URL; replacing it revokes the old URL.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Booths the user visits may see who they are (name, organisation, e-mail) among their leads.
    share_contact_with_booths: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A booth team that scans the user's badge at its stand may see who they are; off, only their
    # organisation and country (expo.leads.stand_scans). A choice of its own, asked at registration.
    share_contact_on_badge_scan: Mapped[bool] = mapped_column(default=False, server_default=false())

    roles: Mapped[list[EditionRole]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to log in inactive users
        return not self.is_disabled

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class EditionRole(db.Model):
    """An organizer role for one edition or (edition_id NULL) for every edition, or a
    check-in staff role for one edition."""

    __tablename__ = "edition_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "edition_id", "kind"),
        # NULLs are distinct in a unique constraint, so global roles need their own index.
        Index(
            "uq_edition_roles_global",
            "user_id",
            "kind",
            unique=True,
            postgresql_where=text("edition_id IS NULL"),
            sqlite_where=text("edition_id IS NULL"),
        ),
    )

    ORGANIZER = "organizer"
    CHECKIN = "checkin"  # scans tickets for one edition and can do nothing else
    KINDS = (ORGANIZER, CHECKIN)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default=ORGANIZER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    edition: Mapped[Edition | None] = relationship()
