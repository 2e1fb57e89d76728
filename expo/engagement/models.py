"""What visitors do in booths (an append-only log the worker writes in batches) and what they keep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.booths.models import Booth, BoothDocument
from expo.catalog.models import Product
from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db

# SQLite only auto-numbers an INTEGER PRIMARY KEY; PostgreSQL gets room for billions of events.
EventId = BigInteger().with_variant(Integer, "sqlite")


class EngagementEvent(db.Model):
    """One interaction with a booth. Rows are only ever added, never changed."""

    __tablename__ = "engagement_events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('booth_visit', 'product_view', 'brochure_download', 'video_play', 'inquiry')",
            name="kind_known",
        ),
        Index("ix_engagement_events_booth_time", "booth_id", "occurred_at"),
        Index("ix_engagement_events_product", "product_id"),
        Index("ix_engagement_events_visitor", "visitor", "booth_id"),
    )

    BOOTH_VISIT, PRODUCT_VIEW, BROCHURE_DOWNLOAD, VIDEO_PLAY, INQUIRY = (
        "booth_visit",
        "product_view",
        "brochure_download",
        "video_play",
        "inquiry",
    )
    KINDS = (BOOTH_VISIT, PRODUCT_VIEW, BROCHURE_DOWNLOAD, VIDEO_PLAY, INQUIRY)

    id: Mapped[int] = mapped_column(EventId, primary_key=True)
    # Given when the event is buffered, so writing a batch twice (a worker died mid-way) adds it once.
    event_key: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("booth_documents.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A keyed hash of the visitor's anonymous cookie (or account): counts people, names nobody.
    visitor: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship()
    product: Mapped[Product | None] = relationship()
    document: Mapped[BoothDocument | None] = relationship()
    user: Mapped[User | None] = relationship()


class Favourite(db.Model):
    """A booth or a product an attendee saved to find again."""

    __tablename__ = "favourites"
    __table_args__ = (
        CheckConstraint("(booth_id IS NULL) <> (product_id IS NULL)", name="one_target"),
        Index(
            "uq_favourites_booth",
            "user_id",
            "booth_id",
            unique=True,
            postgresql_where=text("booth_id IS NOT NULL"),
            sqlite_where=text("booth_id IS NOT NULL"),
        ),
        Index(
            "uq_favourites_product",
            "user_id",
            "product_id",
            unique=True,
            postgresql_where=text("product_id IS NOT NULL"),
            sqlite_where=text("product_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth | None] = relationship()
    product: Mapped[Product | None] = relationship()
