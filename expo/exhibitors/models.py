"""Exhibitor companies, the people on their teams, and the invitations to join them."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.content_languages import Translatable
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum


class ExhibitorCompany(Translatable, db.Model):
    __tablename__ = "exhibitor_companies"
    TRANSLATED_FIELDS = ("name", "sector", "description")
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
        # The applicant is always told why; a rejection without a reason cannot be stored.
        CheckConstraint("status != 'rejected' OR rejection_reason != ''", name="rejection_has_reason"),
        # Exhibition search lists booths by company name.
        Index("ix_exhibitor_companies_name", "name"),
    )

    class Status(LabelledStrEnum):
        PENDING = "pending", _l("Awaiting approval")
        APPROVED = "approved", _l("Approved exhibitor")
        REJECTED = "rejected", _l("Application rejected")

    id: Mapped[int] = mapped_column(primary_key=True)
    # Derived from the name; unique, so two companies cannot share a name that reads the same.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    sector: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    logo_path: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the application (or its latest re-submission) arrived: the review queue's order.
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The latest decision; kept through a re-submission so the reviewer sees why it came back.
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    members: Mapped[list[CompanyMember]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyMember.id"
    )
    invitations: Mapped[list[CompanyInvitation]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyInvitation.id"
    )
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def owner(self) -> CompanyMember | None:
        return next((member for member in self.members if member.role == CompanyMember.OWNER), None)


class CompanyMember(db.Model):
    """A user on an exhibitor's team: the one owner, or staff."""

    __tablename__ = "company_members"
    __table_args__ = (
        UniqueConstraint("company_id", "user_id"),
        CheckConstraint("role IN ('owner', 'staff')", name="role_known"),
        Index(
            "uq_company_members_one_owner",
            "company_id",
            unique=True,
            postgresql_where=text("role = 'owner'"),
            sqlite_where=text("role = 'owner'"),
        ),
    )

    OWNER, STAFF = "owner", "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=STAFF)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    company: Mapped[ExhibitorCompany] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class CompanyInvitation(db.Model):
    """An owner's invitation for an e-mail address to join the team as staff.

    Only a hash of the token is stored: the link in the e-mail is the one copy of the secret.
    One open invitation per address and company; inviting again replaces it.
    """

    __tablename__ = "company_invitations"
    __table_args__ = (UniqueConstraint("company_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    company: Mapped[ExhibitorCompany] = relationship(back_populates="invitations")
    invited_by: Mapped[User | None] = relationship()

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at
