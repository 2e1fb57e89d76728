"""The forum programme of an edition: main forums, sub-forums, training courses, promotions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.extensions import db

if TYPE_CHECKING:
    from expo.editions.models import Edition


class Forum(db.Model):
    __tablename__ = "forums"
    __table_args__ = (
        UniqueConstraint("edition_id", "slug"),
        CheckConstraint(
            "kind IN ('main', 'sub', 'training', 'promotion')", name="kind_known"
        ),
    )

    MAIN, SUB, TRAINING, PROMOTION = "main", "sub", "training", "promotion"
    KINDS = (MAIN, SUB, TRAINING, PROMOTION)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="SET NULL"))
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default=MAIN)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped["Edition"] = relationship(back_populates="forums")
    parent: Mapped["Forum | None"] = relationship(remote_side=[id], back_populates="sub_forums")
    sub_forums: Mapped[list["Forum"]] = relationship(back_populates="parent", order_by="Forum.position")
