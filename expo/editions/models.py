"""Expo editions and their pavilions."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.content_languages import Translatable
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum

if TYPE_CHECKING:
    from expo.forums.models import Forum


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 January + 1 = 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Edition(Translatable, db.Model):
    """One yearly physical edition of the expo (the online exhibition outlives it)."""

    __tablename__ = "editions"
    TRANSLATED_FIELDS = ("name", "tagline", "description", "venue", "city")
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status_known"),
        CheckConstraint("lead_retention_amount IS NULL OR lead_retention_amount > 0", name="lead_retention_positive"),
        CheckConstraint("lead_retention_unit IN ('days', 'months')", name="lead_retention_unit_known"),
    )

    class Status(LabelledStrEnum):
        DRAFT = "draft", _l("Draft")
        PUBLISHED = "published", _l("Published")
        ARCHIVED = "archived", _l("Archived")

    class RetentionUnit(LabelledStrEnum):
        DAYS = "days", _l("days after the edition ends")
        MONTHS = "months", _l("months after the edition ends")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tagline: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.DRAFT, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # How long exhibitors keep the personal data of this edition's stand scans after it ends
    # (expo.leads.retention); None keeps it until the organizers set a period.
    lead_retention_amount: Mapped[int | None] = mapped_column()
    lead_retention_unit: Mapped[str] = mapped_column(
        StrEnumType(RetentionUnit, 10), default=RetentionUnit.MONTHS, server_default="months"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    pavilions: Mapped[list[Pavilion]] = relationship(
        back_populates="edition", order_by="Pavilion.position", cascade="all, delete-orphan"
    )
    forums: Mapped[list[Forum]] = relationship(
        back_populates="edition", order_by="Forum.position", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_live_on(self, day: date) -> bool:
        return self.is_published and self.starts_on <= day <= self.ends_on

    @property
    def lead_data_removed_on(self) -> date | None:
        """The first day (in the venue's time zone) the retention period no longer covers; None: no period set."""
        if not self.lead_retention_amount:
            return None
        if self.lead_retention_unit == self.RetentionUnit.DAYS:
            return self.ends_on + timedelta(days=self.lead_retention_amount)
        return add_months(self.ends_on, self.lead_retention_amount)

    def __repr__(self) -> str:
        return f"<Edition {self.slug}>"


class Pavilion(Translatable, db.Model):
    """A themed or country area of an edition's exhibition."""

    __tablename__ = "pavilions"
    TRANSLATED_FIELDS = ("name", "description")
    __table_args__ = (
        UniqueConstraint("edition_id", "slug"),
        CheckConstraint("kind IN ('themed', 'country')", name="kind_known"),
        # One pavilion per country and edition: the form says so, this makes it true under races.
        Index(
            "uq_pavilions_country_per_edition",
            "edition_id",
            "country",
            unique=True,
            postgresql_where=text("kind = 'country'"),
            sqlite_where=text("kind = 'country'"),
        ),
    )

    THEMED, COUNTRY = "themed", "country"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=THEMED)
    country: Mapped[str | None] = mapped_column(String(2))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="pavilions")
