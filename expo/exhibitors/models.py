"""Exhibitor companies and the people on their teams."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db


class ExhibitorCompany(db.Model):
    __tablename__ = "exhibitor_companies"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
    )

    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    sector: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list["CompanyMember"]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyMember.id"
    )


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
    company_id: Mapped[int] = mapped_column(
        ForeignKey("exhibitor_companies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=STAFF)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    company: Mapped[ExhibitorCompany] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
