"""Meetings between a buyer and an exhibitor team, the organizers' rules for them, people's
availability, and the holds that keep everyone from being booked twice."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.catalog.models import Product
from expo.db_types import UTCDateTime, utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db

# A hold covers one stretch of this many minutes: a meeting holds every stretch it spans, so two
# meetings of different lengths (editions differ) or grids still cannot overlap for one person.
HOLD_MINUTES = 5
SLOT_LENGTHS = (15, 20, 30, 45, 60)


class MeetingStatus(StrEnum):
    REQUESTED = "requested"  # waiting for the side that did not ask
    COUNTERED = "countered"  # another slot proposed (or the meeting rescheduled): waiting for the other side
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    MeetingStatus.REQUESTED: _l("Requested"),
    MeetingStatus.COUNTERED: _l("Other time proposed"),
    MeetingStatus.ACCEPTED: _l("Accepted"),
    MeetingStatus.DECLINED: _l("Declined"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}
OPEN_STATUSES = (MeetingStatus.REQUESTED, MeetingStatus.COUNTERED)


class Side(StrEnum):
    BUYER = "buyer"
    TEAM = "team"

    @property
    def other(self) -> Side:
        return Side.TEAM if self is Side.BUYER else Side.BUYER


class Mode(StrEnum):
    VENUE = "venue"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return str(MODE_LABELS[self])


MODE_LABELS = {Mode.VENUE: _l("At the venue"), Mode.ONLINE: _l("Online")}


class Place(StrEnum):
    TABLE = "table"
    STAND = "stand"
    VIDEO = "video"


class Origin(StrEnum):
    REQUESTED = "requested"  # a buyer or a team asked, the other side accepted
    SCHEDULED = "scheduled"  # placed by the organizers' schedule (hosted-buyer programme)


class Outcome(StrEnum):
    HELD = "held"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {Outcome.HELD: _l("Held"), Outcome.MISSED: _l("Missed")}


def _known(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


class MeetingSettings(db.Model):
    """An edition's rules for meetings: slot length, daily meeting hours at the venue (venue time,
    every day of the edition), and how many requests a buyer or a team may have pending."""

    __tablename__ = "meeting_settings"
    __table_args__ = (
        CheckConstraint(f"slot_minutes IN ({', '.join(map(str, SLOT_LENGTHS))})", name="slot_length_known"),
        CheckConstraint("day_ends > day_starts", name="hours_in_order"),
        CheckConstraint("max_pending_per_buyer > 0 AND max_pending_per_team > 0", name="quotas_positive"),
    )

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    slot_minutes: Mapped[int] = mapped_column(default=20)
    day_starts: Mapped[time] = mapped_column(Time(), default=time(9, 0))
    day_ends: Mapped[time] = mapped_column(Time(), default=time(17, 0))
    max_pending_per_buyer: Mapped[int] = mapped_column(default=10)
    max_pending_per_team: Mapped[int] = mapped_column(default=30)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()


class MeetingTable(db.Model):
    """A meeting table the organizers set up at the venue; it seats ``capacity`` people."""

    __tablename__ = "meeting_tables"
    __table_args__ = (
        UniqueConstraint("edition_id", "name"),
        CheckConstraint("capacity BETWEEN 2 AND 50", name="capacity_sensible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    capacity: Mapped[int] = mapped_column(default=4)

    edition: Mapped[Edition] = relationship()


class TeamMeetingSettings(db.Model):
    """What an exhibitor team says about meetings: paused (no new requests from buyers) and its own
    video room, used for online meetings unless a meeting names another."""

    __tablename__ = "team_meeting_settings"

    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"), primary_key=True)
    requests_paused: Mapped[bool] = mapped_column(default=False)
    video_url: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Availability(db.Model):
    """When one person can meet: at an edition's venue, or online (any day of the year). Entered in
    the person's own zone, stored in UTC."""

    __tablename__ = "meeting_availability"
    __table_args__ = (
        CheckConstraint(_known("mode", Mode), name="mode_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("mode = 'online' OR edition_id IS NOT NULL", name="venue_has_edition"),
        Index("ix_meeting_availability_user", "user_id", "mode", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(10))
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    edition: Mapped[Edition | None] = relationship()


class Meeting(db.Model):
    """One 1:1 meeting between a buyer and an exhibitor team, in an edition's rules.

    requested ⇄ countered (each side may propose another slot; the other side answers) → accepted
    (holds taken) or declined; an accepted meeting may be cancelled, or rescheduled (back to
    countered, its holds released). Each side marks an accepted meeting held or missed afterwards.
    See expo.meetings.services for the moves; ``revision`` grows with each, so two clicks decide once.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(_known("status", MeetingStatus), name="status_known"),
        CheckConstraint(_known("mode", Mode), name="mode_known"),
        CheckConstraint(_known("origin", Origin), name="origin_known"),
        CheckConstraint(_known("requested_by", Side), name="requested_by_known"),
        CheckConstraint(f"awaiting IS NULL OR {_known('awaiting', Side)}", name="awaiting_known"),
        CheckConstraint(f"place IS NULL OR {_known('place', Place)}", name="place_known"),
        CheckConstraint("place <> 'table' OR table_id IS NOT NULL", name="table_named"),
        CheckConstraint(f"buyer_outcome IS NULL OR {_known('buyer_outcome', Outcome)}", name="buyer_outcome_known"),
        CheckConstraint(f"team_outcome IS NULL OR {_known('team_outcome', Outcome)}", name="team_outcome_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_meetings_buyer", "buyer_id", "starts_at"),
        Index("ix_meetings_company", "company_id", "status", "starts_at"),
        Index("ix_meetings_edition", "edition_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(String(12), default=Origin.REQUESTED)
    requested_by: Mapped[str] = mapped_column(String(8))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=MeetingStatus.REQUESTED)
    awaiting: Mapped[str | None] = mapped_column(String(8))
    revision: Mapped[int] = mapped_column(default=1)
    mode: Mapped[str] = mapped_column(String(10))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(8))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_tables.id", ondelete="SET NULL"))
    video_url: Mapped[str] = mapped_column(String(500), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    # The latest reason given: a decline, a cancellation, a new time proposed.
    reason: Mapped[str] = mapped_column(Text, default="")
    buyer_outcome: Mapped[str | None] = mapped_column(String(8))
    buyer_note: Mapped[str] = mapped_column(Text, default="")
    team_outcome: Mapped[str | None] = mapped_column(String(8))
    team_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    edition: Mapped[Edition] = relationship()
    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    company: Mapped[ExhibitorCompany] = relationship()
    table: Mapped[MeetingTable | None] = relationship()
    products: Mapped[list[MeetingProduct]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingProduct.id", passive_deletes=True
    )
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingAttendee.user_id", passive_deletes=True
    )

    @property
    def status_enum(self) -> MeetingStatus:
        return MeetingStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_accepted(self) -> bool:
        return self.status == MeetingStatus.ACCEPTED

    @property
    def is_scheduled(self) -> bool:
        """Placed by the organizers' schedule (the hosted-buyer programme), not asked for."""
        return self.origin == Origin.SCHEDULED

    @property
    def is_held(self) -> bool:
        return Outcome.HELD in (self.buyer_outcome, self.team_outcome)

    @property
    def attendee_users(self) -> list[User]:
        return [attendee.user for attendee in self.attendees]

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.status}>"


class MeetingProduct(db.Model):
    """A product of the booth's catalogue the meeting is about; the name is kept if the product goes."""

    __tablename__ = "meeting_products"
    __table_args__ = (UniqueConstraint("meeting_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    product_name: Mapped[str] = mapped_column(String(200))

    product: Mapped[Product | None] = relationship()


class MeetingAttendee(db.Model):
    """A member of the team who attends the meeting (the team chooses when accepting)."""

    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    user: Mapped[User] = relationship()


class MeetingHold(db.Model):
    """One HOLD_MINUTES stretch of a person's or a table's time, taken by one accepted meeting.

    The unique keys are the guarantee against double booking: whatever races, the database
    refuses a second hold of the same person (or table) for the same stretch. Inserted in the
    transaction that accepts the meeting, deleted in the one that cancels or reschedules it.
    """

    __tablename__ = "meeting_holds"
    __table_args__ = (
        UniqueConstraint("person_id", "slot_start", name="uq_meeting_holds_person_slot"),
        UniqueConstraint("table_id", "slot_start", name="uq_meeting_holds_table_slot"),
        CheckConstraint("(person_id IS NULL) <> (table_id IS NULL)", name="one_holder"),
        Index("ix_meeting_holds_meeting", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_tables.id", ondelete="CASCADE"))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingReminder(db.Model):
    """One reminder to one person for one meeting at one time: the primary key makes it happen once
    (a rescheduled meeting, at a new time, is reminded again)."""

    __tablename__ = "meeting_reminders"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
