"""Virtual booths: one per exhibitor company, open all year, placed in pavilions edition by edition."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.content_languages import Translatable
from expo.db_types import TITLE_VECTOR, StrEnumType, UTCDateTime, search_vector_column, utcnow
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum


class Booth(Translatable, db.Model):
    """A company's booth. It belongs to the company, not to an edition: it stays open between editions.

    Draft → submitted → published by an organizer, who can also suspend it (with a reason) and
    publish it again. Edits to a published booth are live at once.
    """

    __tablename__ = "booths"
    TRANSLATED_FIELDS = ("tagline", "description")
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'published', 'suspended')", name="status_known"),
        # The team is always told why its booth was taken down.
        CheckConstraint("status != 'suspended' OR suspended_reason != ''", name="suspension_has_reason"),
        # A booth shows one video: an uploaded file or an embedded player, never both.
        CheckConstraint("video_path IS NULL OR video_embed_url = ''", name="one_video"),
        Index("ix_booths_status_submitted", "status", "submitted_at"),
        # With id, PostgreSQL lists the published (or unpublished) booths of a country from the index alone.
        Index("ix_booths_status_country", "status", "country", "id"),
        # The newest published booths (the exhibition's front door, search sorted by newest).
        Index("ix_booths_status_published", "status", "published_at"),
        # Full-text search on PostgreSQL; SQLite gets an FTS5 table (expo.exhibition.search_index). Spelt
        # as an expression so that Alembic, which ignores ddl_if, does not look for it on SQLite.
        Index("ix_booths_search", text("search_vector"), postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    class Status(LabelledStrEnum):
        DRAFT = "draft", _l("Draft")
        SUBMITTED = "submitted", _l("Submitted")
        PUBLISHED = "published", _l("Published")
        SUSPENDED = "suspended", _l("Suspended")

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"), unique=True)
    # The company's slug when the booth was opened: the booth's address never changes under a link.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    tagline: Mapped[str] = mapped_column(String(200), default="")
    # Markdown as the team typed it, and the sanitised HTML made from it (what pages show).
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    banner_path: Mapped[str | None] = mapped_column(String(300))
    # An uploaded video file, or an embed from an allow-listed host (canonical player URL), or neither.
    video_path: Mapped[str | None] = mapped_column(String(300))
    video_embed_url: Mapped[str] = mapped_column(String(500), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    whatsapp: Mapped[str] = mapped_column(String(40), default="")
    wechat: Mapped[str] = mapped_column(String(60), default="")
    line_id: Mapped[str] = mapped_column(String(60), default="")
    # Opening hours are local times in this zone: {"mon": [["09:00", "17:30"]], "sat": [], ...}.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When an organizer last published, sent back or suspended the booth (each decision's e-mail is keyed by it).
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An organizer's note when sending a submission back, and the reason for a suspension.
    review_note: Mapped[str] = mapped_column(Text, default="")
    suspended_reason: Mapped[str] = mapped_column(Text, default="")
    # Copied from the company so search can filter booths and products by country without a join.
    country: Mapped[str | None] = mapped_column(String(2))
    # What full-text search indexes (see expo.exhibition.search_index); kept current on every flush.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # PostgreSQL's tsvector of search_text, kept by the database (NULL on SQLite); never loaded.
    search_vector: Mapped[str | None] = search_vector_column()
    # The name's tsvector alone, which relevance ranks by (NULL on SQLite); never loaded.
    title_vector: Mapped[str | None] = search_vector_column(TITLE_VECTOR)
    # The languages its text is available in, sorted and space-separated ("en th zh"): the search's
    # language facet and filter. Kept in step with search_text by the same listener. (The column is
    # "languages"; the attribute is named apart from the content's languages() method.)
    language_codes: Mapped[str] = mapped_column("languages", String(60), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    company: Mapped[ExhibitorCompany] = relationship()
    reviewed_by: Mapped[User | None] = relationship()
    documents: Mapped[list[BoothDocument]] = relationship(
        back_populates="booth", cascade="all, delete-orphan", order_by="[BoothDocument.position, BoothDocument.id]"
    )
    placements: Mapped[list[BoothPlacement]] = relationship(
        back_populates="booth", cascade="all, delete-orphan", order_by="BoothPlacement.edition_id"
    )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def __repr__(self) -> str:
        return f"<Booth {self.slug} {self.status}>"


class BoothDocument(db.Model):
    """A brochure (PDF) in a booth, downloadable by visitors."""

    __tablename__ = "booth_documents"
    __table_args__ = (Index("ix_booth_documents_booth_position", "booth_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(300))
    size_bytes: Mapped[int] = mapped_column(default=0)
    page_count: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship(back_populates="documents")


class BoothPlacement(db.Model):
    """Where a booth stands in one edition: its pavilion and stand number. One place per edition."""

    __tablename__ = "booth_placements"
    __table_args__ = (
        UniqueConstraint("booth_id", "edition_id"),
        # A stand number names one booth per edition. Partial: booths placed without a stand yet ("")
        # may share that; stands are stored normalised (upper case, single spaces), so "a-12" meets "A-12".
        Index(
            "uq_booth_placements_stand_per_edition",
            "edition_id",
            "stand",
            unique=True,
            postgresql_where=text("stand != ''"),
            sqlite_where=text("stand != ''"),
        ),
        Index("ix_booth_placements_pavilion", "pavilion_id"),
        Index("ix_booth_placements_edition", "edition_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    # No ON DELETE action: a pavilion with booths in it cannot be deleted from under them. (NO ACTION
    # rather than RESTRICT: it is checked at the statement's end, so deleting a whole edition works.)
    pavilion_id: Mapped[int] = mapped_column(ForeignKey("pavilions.id"))
    stand: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship(back_populates="placements")
    edition: Mapped[Edition] = relationship()
    pavilion: Mapped[Pavilion] = relationship()
