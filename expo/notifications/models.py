"""The outbox (every e-mail the platform sends, with its delivery state), in-app notifications
and each person's choice of what reaches them where."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'handed_over', 'sent', 'failed')", name="status_known"),
        Index("ix_outbox_messages_status_updated", "status", "updated_at"),
        # A broadcast's progress and report count and list its messages by batch and status.
        Index("ix_outbox_messages_batch_status", "batch", "status"),
    )

    # "handed_over": the whole message, end-of-data included, went to the mail server and its answer
    # is not recorded yet. A worker that dies then leaves it so; it is never sent again (see
    # expo.notifications.delivery), because the server most likely accepted it.
    class Status(StrEnum):
        """Where a message is on its way out; never shown to people, so no labels."""

        PENDING = "pending"
        SENDING = "sending"
        HANDED_OVER = "handed_over"
        SENT = "sent"
        FAILED = "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same dedupe key is never sent twice: it names the event (e.g. "confirm:42:<token hash>").
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    # Groups the messages of one send-out ("broadcast:12") so its delivery report is one query.
    batch: Mapped[str | None] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{"filename", "content_type", "base64"}]: small files only (calendar entries, ticket QR codes).
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship()


class Notification(db.Model):
    """A message in a person's in-app inbox (the bell in the navigation), in their language.

    ``message`` holds the title and body as message keys and parameters (expo.notifications.messages),
    so they are written in the reader's language whenever they are read: ``shown_title`` and
    ``shown_body``. ``title`` and ``body`` are the same words as they read in the recipient's
    language when the notice was made: what rows from before ``message`` existed show, and what a
    broadcast (an organizer's own text) shows.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_created", "user_id", "created_at"),
        # The bell counts unread rows on every page: a partial index keeps that one cheap lookup.
        Index(
            "ix_notifications_unread",
            "user_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    category: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # {"title": ..., "body": ...} as expo.notifications.messages.to_data writes them; None: show the text.
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A path on this site ("/my/tickets/12"), or "" for nothing to open.
    link: Mapped[str] = mapped_column(String(500), default="")
    # Names the event, like the outbox's key: the same event never shows twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def _shown(self, part: str, stored: str) -> str:
        if not self.message or part not in self.message:
            return stored
        from expo.notifications.messages import render

        return render(self.message[part])

    @property
    def shown_title(self) -> str:
        """The title in the current locale (the reader's on a page; force_locale elsewhere)."""
        return self._shown("title", self.title)[:300]

    @property
    def shown_body(self) -> str:
        return self._shown("body", self.body)


class NotificationPreference(db.Model):
    """One person's choice for one category; without a row, both channels are on."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
