"""Registrations for sessions and enrolments in whole training courses, with their tickets."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.lib.enums import LabelledStrEnum

ACTIVE_STATUSES_SQL = "status IN ('pending', 'confirmed', 'waitlisted')"


def new_ticket_code() -> str:
    # 128 bits of randomness; tickets are also signed, so a guessed code is useless without the key.
    return secrets.token_urlsafe(16)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("(session_id IS NULL) <> (forum_id IS NULL)", name="one_target"),
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'waitlisted', 'cancelled', 'declined')", name="status_known"
        ),
        CheckConstraint("status <> 'waitlisted' OR waitlist_number IS NOT NULL", name="waitlisted_numbered"),
        # One active registration per person and session (or course); a cancelled one may be renewed.
        Index(
            "uq_registrations_active_session",
            "user_id",
            "session_id",
            unique=True,
            postgresql_where=text(f"session_id IS NOT NULL AND {ACTIVE_STATUSES_SQL}"),
            sqlite_where=text(f"session_id IS NOT NULL AND {ACTIVE_STATUSES_SQL}"),
        ),
        Index(
            "uq_registrations_active_forum",
            "user_id",
            "forum_id",
            unique=True,
            postgresql_where=text(f"forum_id IS NOT NULL AND {ACTIVE_STATUSES_SQL}"),
            sqlite_where=text(f"forum_id IS NOT NULL AND {ACTIVE_STATUSES_SQL}"),
        ),
        Index("ix_registrations_session_status", "session_id", "status", "waitlist_number"),
        Index("ix_registrations_forum_status", "forum_id", "status", "waitlist_number"),
    )

    class Status(LabelledStrEnum):
        PENDING = "pending", _l("Awaiting approval")
        CONFIRMED = "confirmed", _l("Confirmed")
        WAITLISTED = "waitlisted", _l("Waiting list")
        CANCELLED = "cancelled", _l("Cancelled")
        DECLINED = "declined", _l("Declined")

    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_sessions.id", ondelete="CASCADE"))
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20))
    # Unique per session or course, increasing: the order of the waiting list.
    waitlist_number: Mapped[int | None] = mapped_column()
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ticket_code: Mapped[str] = mapped_column(String(64), unique=True, default=new_ticket_code)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    session: Mapped[ProgrammeSession | None] = relationship()
    forum: Mapped[Forum | None] = relationship()

    @property
    def target(self) -> ProgrammeSession | Forum:
        return self.session if self.session_id is not None else self.forum

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class SentReminder(db.Model):
    """One reminder for one session to one registration: the primary key makes it happen once."""

    __tablename__ = "sent_reminders"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_sessions.id", ondelete="CASCADE"), primary_key=True)
    window: Mapped[str] = mapped_column(String(8), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
