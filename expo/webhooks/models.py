"""Webhook subscriptions, the deliveries owed to them (an outbox) and each attempt at one."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum


class WebhookSubscription(db.Model):
    """An HTTPS endpoint told about some events of one booth (its team) or one edition (its organizers)."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (
        # Exactly one owner: a booth's team or an edition's organizers.
        CheckConstraint("(booth_id IS NULL) <> (edition_id IS NULL)", name="one_owner"),
        CheckConstraint("consecutive_failures >= 0", name="failures_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Kept as given to the subscriber ("whsec_" + base64): HMAC needs the key itself, not a hash of it.
    secret: Mapped[str] = mapped_column(String(80))
    enabled: Mapped[bool] = mapped_column(default=True)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    booth = relationship("Booth")
    edition = relationship("Edition")

    def listens_to(self, event: str) -> bool:
        return self.enabled and event in (self.events or [])

    def __repr__(self) -> str:
        return f"<WebhookSubscription {self.id} {self.url}>"


class WebhookDelivery(db.Model):
    """One event owed to one subscription: its body is fixed when the event happens, so every attempt
    (and a replay) sends the same bytes; only the timestamp and signature are made per attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'succeeded', 'failed', 'cancelled')", name="status_known"),
        Index("ix_webhook_deliveries_subscription_created", "subscription_id", "created_at"),
        # The periodic sweep finds what the broker lost.
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
    )

    class Status(LabelledStrEnum):
        PENDING = "pending", _l("Waiting")
        SENDING = "sending", _l("Sending")
        SUCCEEDED = "succeeded", _l("Delivered")
        FAILED = "failed", _l("Failed")
        CANCELLED = "cancelled", _l("Not sent")

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))
    # The Standard Webhooks "webhook-id": the same for every attempt and replay of one message, so a
    # receiver can drop what it has already processed.
    message_id: Mapped[str] = mapped_column(String(40), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(300), default="")
    replay_of_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    subscription: Mapped[WebhookSubscription] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        order_by="WebhookAttempt.number", cascade="all, delete-orphan", back_populates="delivery"
    )


class WebhookAttempt(db.Model):
    """One HTTP request of a delivery: what came back and how long it took."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_code: Mapped[int | None] = mapped_column()  # None: no HTTP answer (timeout, refused, blocked)
    response_ms: Mapped[int | None] = mapped_column()
    error: Mapped[str] = mapped_column(String(300), default="")

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")
