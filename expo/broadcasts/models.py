"""A broadcast, and the people it was addressed to when it went out."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.extensions import db


class Broadcast(db.Model):
    """An organizer's message to one audience of an edition, by e-mail, in the app, or both."""

    __tablename__ = "broadcasts"
    __table_args__ = (
        CheckConstraint(
            "audience IN ('session', 'forum', 'edition_attendees', 'pavilion_exhibitors', 'edition_exhibitors')",
            name="audience_known",
        ),
        # Exactly the target the audience names is set: a session's audience has its session, and so on.
        CheckConstraint("(audience = 'session') = (session_id IS NOT NULL)", name="session_audience"),
        CheckConstraint("(audience = 'forum') = (forum_id IS NOT NULL)", name="forum_audience"),
        CheckConstraint("(audience = 'pavilion_exhibitors') = (pavilion_id IS NOT NULL)", name="pavilion_audience"),
        CheckConstraint("registrants IN ('confirmed', 'all_active')", name="registrants_known"),
        CheckConstraint("send_email OR send_in_app", name="some_channel"),
        CheckConstraint("status IN ('queued', 'sending', 'done')", name="status_known"),
        Index("ix_broadcasts_edition_created", "edition_id", "created_at"),
    )

    SESSION, FORUM, EDITION_ATTENDEES = "session", "forum", "edition_attendees"
    PAVILION_EXHIBITORS, EDITION_EXHIBITORS = "pavilion_exhibitors", "edition_exhibitors"
    AUDIENCES = (EDITION_ATTENDEES, FORUM, SESSION, EDITION_EXHIBITORS, PAVILION_EXHIBITORS)
    ATTENDEE_AUDIENCES = (EDITION_ATTENDEES, FORUM, SESSION)
    CONFIRMED, ALL_ACTIVE = "confirmed", "all_active"

    # queued: composed, the recipients not yet listed; sending: listed, batches going out;
    # done: every recipient's messages are stored (e-mails may still be retrying).
    class Status(StrEnum):
        """The broadcast's own progress (pages say it in sentences, not labels)."""

        QUEUED = "queued"
        SENDING = "sending"
        DONE = "done"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(30))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_sessions.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    pavilion_id: Mapped[int | None] = mapped_column(ForeignKey("pavilions.id", ondelete="CASCADE"), index=True)
    # For attendee audiences, which registrations count: "confirmed", or "all_active" (confirmed,
    # awaiting approval and on the waiting list).
    registrants: Mapped[str] = mapped_column(String(20), default=CONFIRMED)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    send_email: Mapped[bool] = mapped_column(default=True)
    send_in_app: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.QUEUED)
    recipients_total: Mapped[int] = mapped_column(default=0)
    batches_total: Mapped[int] = mapped_column(default=0)
    # Stored as each batch runs: in-app notices created and e-mails queued (people's choices applied).
    in_app_count: Mapped[int] = mapped_column(default=0)
    email_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[User | None] = relationship()

    @property
    def batch_key(self) -> str:
        """The outbox's batch for this broadcast's e-mails: its progress and report count by it."""
        return f"broadcast:{self.id}"

    def dedupe_key(self, user_id: int) -> str:
        return f"broadcast:{self.id}:{user_id}"


class BroadcastRecipient(db.Model):
    """One person a broadcast was addressed to, and the batch that sends it to them.

    Listed once when the broadcast starts, so people who register meanwhile neither change the
    batches nor get half a broadcast.
    """

    __tablename__ = "broadcast_recipients"
    __table_args__ = (Index("ix_broadcast_recipients_batch", "broadcast_id", "batch_number"),)

    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    batch_number: Mapped[int] = mapped_column()
    # When this person's in-app notice and e-mail were stored (None: their batch has not run yet).
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
