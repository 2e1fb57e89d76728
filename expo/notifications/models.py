"""The outbox: every message the platform sends, with its delivery state."""

from __future__ import annotations

from datetime import datetime

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"
        ),
        Index("ix_outbox_messages_status_updated", "status", "updated_at"),
    )

    PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same dedupe key is never sent twice: it names the event (e.g. "confirm:42:<token hash>").
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    # Groups the messages of one send-out ("audience:12") so its delivery report is one query.
    batch: Mapped[str | None] = mapped_column(String(100), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{"filename", "content_type", "base64"}]: small files only (calendar entries, ticket QR codes).
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
