"""The forum programme of an edition: forums (main, sub-forum, training course, promotion
conference), their sessions and speakers, and the questions asked at registration."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.content_languages import Translatable
from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db

if TYPE_CHECKING:
    from expo.accounts.models import User
    from expo.editions.models import Edition


class CapacityMixin:
    """What can be registered for: a session, or a whole training course.

    ``seats_taken`` is only ever changed by conditional UPDATEs in the registration service,
    and ``waitlist_seq`` hands out unique, increasing waiting-list numbers.
    """

    capacity: Mapped[int | None] = mapped_column()  # None: no limit
    seats_taken: Mapped[int] = mapped_column(default=0)
    waitlist_seq: Mapped[int] = mapped_column(default=0)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.seats_taken >= self.capacity

    def registration_state(self, now: datetime) -> str:
        """'not_yet', 'open' or 'closed'."""
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"


class Forum(CapacityMixin, Translatable, db.Model):
    __tablename__ = "forums"
    TRANSLATED_FIELDS = ("title", "description")
    __table_args__ = (
        UniqueConstraint("edition_id", "slug"),
        CheckConstraint("kind IN ('main', 'sub', 'training', 'promotion')", name="kind_known"),
        CheckConstraint("registration_mode IN ('open', 'approval')", name="registration_mode_known"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("capacity IS NULL OR seats_taken <= capacity", name="never_overbooked"),
    )

    MAIN, SUB, TRAINING, PROMOTION = "main", "sub", "training", "promotion"
    KINDS = (MAIN, SUB, TRAINING, PROMOTION)
    OPEN, APPROVAL = "open", "approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="SET NULL"))
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default=MAIN)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    registration_mode: Mapped[str] = mapped_column(String(20), default=OPEN)
    # Training courses take enrolments for the whole course instead of per-session registrations.
    enrols_whole_course: Mapped[bool] = mapped_column(default=False)

    edition: Mapped[Edition] = relationship(back_populates="forums")
    parent: Mapped[Forum | None] = relationship(remote_side=[id], back_populates="sub_forums")
    sub_forums: Mapped[list[Forum]] = relationship(back_populates="parent", order_by="Forum.position")
    sessions: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="forum", order_by="ProgrammeSession.starts_at", cascade="all, delete-orphan"
    )
    questions: Mapped[list[ForumQuestion]] = relationship(
        back_populates="forum", order_by="ForumQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def needs_approval(self) -> bool:
        return self.registration_mode == self.APPROVAL


session_speakers = Table(
    "session_speakers",
    db.metadata,
    Column("session_id", ForeignKey("programme_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True),
)


class ProgrammeSession(CapacityMixin, Translatable, db.Model):
    """One slot of a forum's programme (named so as not to be confused with a web session)."""

    __tablename__ = "programme_sessions"
    TRANSLATED_FIELDS = ("title", "abstract", "room")
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("capacity IS NULL OR seats_taken <= capacity", name="never_overbooked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    room: Mapped[str] = mapped_column(String(200), default="")
    stream_url: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(40), default="")
    tags: Mapped[str] = mapped_column(String(300), default="")  # comma-separated, for filters
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    forum: Mapped[Forum] = relationship(back_populates="sessions")
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=session_speakers, back_populates="sessions", order_by="Speaker.name"
    )

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class Speaker(Translatable, db.Model):
    __tablename__ = "speakers"
    TRANSLATED_FIELDS = ("name", "title", "organisation", "biography")

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    biography: Mapped[str] = mapped_column(Text, default="")
    photo_path: Mapped[str | None] = mapped_column(String(300))
    # The speaker's own account, when they have one: it is what their venue badge is issued to.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    sessions: Mapped[list[ProgrammeSession]] = relationship(
        secondary=session_speakers, back_populates="speakers", order_by="ProgrammeSession.starts_at"
    )
    user: Mapped[User | None] = relationship("User")


class ForumQuestion(Translatable, db.Model):
    """A custom question an organizer asks everyone registering for a forum's sessions."""

    __tablename__ = "forum_questions"
    TRANSLATED_FIELDS = ("label", "choices")
    __table_args__ = (CheckConstraint("kind IN ('text', 'choice', 'checkbox')", name="kind_known"),)

    TEXT, CHOICE, CHECKBOX = "text", "choice", "checkbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default=TEXT)
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    forum: Mapped[Forum] = relationship(back_populates="questions")
