"""Trade matchmaking: buyers' sourcing profiles, teams' offers, the stored recommendations, and the
hosted-buyer programme (invitations, both sides' choices, and the organizers' meeting plan)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum

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
    """An edition's hosted-buyer programme: its meeting grid and where its plan stands.

    draft (choices being made) → planning (the worker builds the plan) → planned (organizers review
    and adjust) → published (meetings created, everyone told). Planning again from planned goes
    back to planning; a published plan is final.
    """

    __tablename__ = "hosted_programmes"
    __table_args__ = (
        CheckConstraint("slot_minutes IN (15, 20, 30, 45, 60)", name="slot_length_known"),
        CheckConstraint("day_ends > day_starts", name="hours_in_order"),
        CheckConstraint("tables BETWEEN 1 AND 1000", name="tables_sensible"),
    )

    class Status(LabelledStrEnum):
        DRAFT = "draft", _l("Collecting choices")
        PLANNING = "planning", _l("Planning")
        PLANNED = "planned", _l("Plan ready for review")
        PUBLISHED = "published", _l("Published")

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    slot_minutes: Mapped[int] = mapped_column(default=20)
    day_starts: Mapped[time] = mapped_column(Time(), default=time(9, 0))
    day_ends: Mapped[time] = mapped_column(Time(), default=time(17, 0))
    tables: Mapped[int] = mapped_column(default=20)
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.DRAFT)
    # Bumped by every "build the plan": a task for an older request does nothing.
    plan_version: Mapped[int] = mapped_column(default=0)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mutual_must_pairs: Mapped[int] = mapped_column(default=0)
    mutual_must_placed: Mapped[int] = mapped_column(default=0)
    plan_seconds: Mapped[float] = mapped_column(default=0.0)

    edition: Mapped[Edition] = relationship()


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
    # Edition days (ISO dates) the buyer is not at the venue; empty: every day.
    away_days: Mapped[list[str]] = mapped_column(JSON, default=list)

    edition: Mapped[Edition] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class HostedTeam(db.Model):
    """An exhibitor team's presence in an edition's programme: the days it cannot meet."""

    __tablename__ = "hosted_teams"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"), primary_key=True)
    away_days: Mapped[list[str]] = mapped_column(JSON, default=list)


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
    """One meeting of the organizers' plan. The unique keys are the plan's rules: nobody (buyer or
    team) and no table twice in a slot, whatever an adjustment tries."""

    __tablename__ = "planned_meetings"
    __table_args__ = (
        UniqueConstraint("edition_id", "buyer_id", "starts_at", name="uq_planned_meetings_buyer_slot"),
        UniqueConstraint("edition_id", "company_id", "starts_at", name="uq_planned_meetings_company_slot"),
        UniqueConstraint("edition_id", "table_number", "starts_at", name="uq_planned_meetings_table_slot"),
        UniqueConstraint("edition_id", "buyer_id", "company_id", name="uq_planned_meetings_pair"),
        CheckConstraint("tier BETWEEN 0 AND 4", name="tier_known"),
        Index("ix_planned_meetings_slot", "edition_id", "starts_at", "table_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    table_number: Mapped[int] = mapped_column()
    tier: Mapped[int] = mapped_column()
    # Moved by an organizer: planning again keeps it where it is.
    adjusted: Mapped[bool] = mapped_column(default=False)
    # The meeting created when the plan was published (expo.matchmaking.publishing).
    meeting_ref: Mapped[str] = mapped_column(String(40), default="")

    buyer: Mapped[User] = relationship()
    company: Mapped[ExhibitorCompany] = relationship()

    @property
    def mutual_must(self) -> bool:
        return self.tier == 0
