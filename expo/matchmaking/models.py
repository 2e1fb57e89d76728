"""Trade matchmaking: buyers' sourcing profiles, teams' offers, the stored recommendations, and the
hosted-buyer programme (invitations, both sides' choices, and the organizers' meeting plan)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum
from expo.meetings.models import Meeting, MeetingTable

MAX_NOTE_LENGTH = 500
MIN_SCORE = 35


class BuyerProfile(db.Model):
    """What a buyer is sourcing. Lists are JSON: categories (ids), HS codes (digits), Incoterms,
    delivery countries (ISO 3166), languages spoken (ISO 639-1), certifications needed."""

    __tablename__ = "buyer_profiles"
    __table_args__ = (
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        CheckConstraint("price_min IS NULL OR price_min >= 0", name="price_not_negative"),
        CheckConstraint("price_min IS NULL OR price_max IS NULL OR price_max >= price_min", name="price_range_ordered"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    hs_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    quantity: Mapped[int | None] = mapped_column()
    unit: Mapped[str] = mapped_column(String(30), default="piece")
    price_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    price_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    incoterms: Mapped[list[str]] = mapped_column(JSON, default=list)
    delivery_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    # Off until the buyer says otherwise: exhibitors never see a buyer who has not opted in.
    discoverable: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set in the transaction that changes the profile, cleared by the computation that sees it.
    stale: Mapped[bool] = mapped_column(default=True)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class TeamOffer(db.Model):
    """What an exhibitor team adds to its catalogue for matchmaking."""

    __tablename__ = "team_offers"

    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"), primary_key=True)
    export_markets: Mapped[list[str]] = mapped_column(JSON, default=list)
    incoterms: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set in the transaction that changes the offer, the catalogue or the booth, cleared by the
    # computation that sees the change.
    stale: Mapped[bool] = mapped_column(default=True)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    company: Mapped[ExhibitorCompany] = relationship()


class Recommendation(db.Model):
    """One buyer–exhibitor fit, computed by the worker (expo.matchmaking.scoring): its score, the
    reasons as codes and values (worded when shown, in the reader's language) and the products
    that fit. Read a page at a time from the two indexes, best first."""

    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("buyer_id", "company_id"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_in_range"),
        Index("ix_recommendations_buyer_score", "buyer_id", "score", "company_id"),
        Index("ix_recommendations_company_score", "company_id", "score", "buyer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column()
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    product_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    buyer: Mapped[User] = relationship()
    company: Mapped[ExhibitorCompany] = relationship()


class Choice(LabelledStrEnum):
    MUST = "must", _l("Must meet")
    WOULD = "would", _l("Would meet")
    NO = "no", _l("No")


class HostedProgramme(db.Model):
    """An edition's hosted-buyer programme and where its plan stands. Its grid is the edition's
    meetings grid: the slot length and meeting hours of ``MeetingSettings``, the ``MeetingTable``
    rows, and each person's free times (``Availability``), all in expo.meetings.

    draft (choices being made) → planning (the worker builds the plan) → planned (organizers review
    and adjust) → publishing (the worker books each planned meeting through the meetings service)
    → published. Planning again from planned goes back to planning; a published plan is final,
    except that a planned meeting which could not be booked may be moved (and is booked then) or
    removed.
    """

    __tablename__ = "hosted_programmes"

    class Status(LabelledStrEnum):
        DRAFT = "draft", _l("Collecting choices")
        PLANNING = "planning", _l("Planning")
        PLANNED = "planned", _l("Plan ready for review")
        PUBLISHING = "publishing", _l("Publishing")
        PUBLISHED = "published", _l("Published")

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.DRAFT)
    # Bumped by every "build the plan": a task for an older request does nothing.
    plan_version: Mapped[int] = mapped_column(default=0)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who asked to publish: the meetings are booked in their name.
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mutual_must_pairs: Mapped[int] = mapped_column(default=0)
    mutual_must_placed: Mapped[int] = mapped_column(default=0)
    plan_seconds: Mapped[float] = mapped_column(default=0.0)

    edition: Mapped[Edition] = relationship()

    @property
    def is_final(self) -> bool:
        """Published, or being published: the choices and the plan no longer change."""
        return self.status in (self.Status.PUBLISHING, self.Status.PUBLISHED)


class HostedBuyer(db.Model):
    """A buyer the organizers invited to an edition's programme, and their answer."""

    __tablename__ = "hosted_buyers"
    __table_args__ = (
        UniqueConstraint("edition_id", "user_id"),
        Index("ix_hosted_buyers_user", "user_id"),
    )

    class Status(LabelledStrEnum):
        INVITED = "invited", _l("Invited")
        ACCEPTED = "accepted", _l("Accepted")
        DECLINED = "declined", _l("Declined")

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.INVITED)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    edition: Mapped[Edition] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class HostedChoice(db.Model):
    """One side's mark on one pair: a hosted buyer on an exhibitor, or a team on a hosted buyer."""

    __tablename__ = "hosted_choices"
    __table_args__ = (
        UniqueConstraint("edition_id", "buyer_id", "company_id", "side"),
        CheckConstraint("side IN ('buyer', 'team')", name="side_known"),
        Index("ix_hosted_choices_company", "edition_id", "company_id", "side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(8))
    choice: Mapped[str] = mapped_column(StrEnumType(Choice, 8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlannedMeeting(db.Model):
    """One meeting of the organizers' plan, at one of the edition's meeting tables. The unique keys
    are the plan's rules: nobody (buyer or team) and no table twice in a slot, whatever an adjustment
    tries. Once published it names the meeting booked for it, or why none could be."""

    __tablename__ = "planned_meetings"
    __table_args__ = (
        UniqueConstraint("edition_id", "buyer_id", "starts_at", name="uq_planned_meetings_buyer_slot"),
        UniqueConstraint("edition_id", "company_id", "starts_at", name="uq_planned_meetings_company_slot"),
        UniqueConstraint("edition_id", "table_id", "starts_at", name="uq_planned_meetings_table_slot"),
        UniqueConstraint("edition_id", "buyer_id", "company_id", name="uq_planned_meetings_pair"),
        CheckConstraint("tier BETWEEN 0 AND 4", name="tier_known"),
        Index("ix_planned_meetings_slot", "edition_id", "starts_at", "table_id"),
    )

    class Problem(LabelledStrEnum):
        """Why publishing could not book the meeting (the rest of the plan was booked)."""

        BUYER_BUSY = "buyer_busy", _l("The buyer has another meeting then.")
        BUYER_AWAY = "buyer_away", _l("The buyer is no longer free then.")
        TEAM_BUSY = "team_busy", _l("Nobody from the exhibitor's team is free then.")
        TABLE_BUSY = "table_busy", _l("The table is taken then.")
        NO_TABLE = "no_table", _l("Its table was removed.")
        OFF_GRID = "off_grid", _l("The slot is no longer one of the edition's meeting slots.")
        REFUSED = "refused", _l("It could not be booked; move it to another slot.")

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    table_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_tables.id", ondelete="SET NULL"))
    tier: Mapped[int] = mapped_column()
    # Moved by an organizer: planning again keeps it where it is.
    adjusted: Mapped[bool] = mapped_column(default=False)
    # Set by publishing: the meeting booked (expo.meetings), or why none could be.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    problem: Mapped[str | None] = mapped_column(StrEnumType(Problem, 20))

    buyer: Mapped[User] = relationship()
    company: Mapped[ExhibitorCompany] = relationship()
    table: Mapped[MeetingTable | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()

    @property
    def mutual_must(self) -> bool:
        return self.tier == 0
