"""Trade inquiries and order requests, their threads, quotations and notes, stand scans, and compiled lead reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum
from expo.lib.jobs import Job


class Incoterm(LabelledStrEnum):
    """Incoterms 2020, in the ICC's order: the buyer picks the one the price should be quoted for."""

    EXW = "EXW", _l("Ex Works")
    FCA = "FCA", _l("Free Carrier")
    FAS = "FAS", _l("Free Alongside Ship")
    FOB = "FOB", _l("Free On Board")
    CFR = "CFR", _l("Cost and Freight")
    CIF = "CIF", _l("Cost, Insurance and Freight")
    CPT = "CPT", _l("Carriage Paid To")
    CIP = "CIP", _l("Carriage and Insurance Paid To")
    DAP = "DAP", _l("Delivered at Place")
    DPU = "DPU", _l("Delivered at Place Unloaded")
    DDP = "DDP", _l("Delivered Duty Paid")

    @property
    def described(self) -> str:
        """ "CIF (Cost, Insurance and Freight)"."""
        return f"{self.value} ({self.label})"


_INCOTERM_LIST = ", ".join(f"'{term}'" for term in Incoterm)


class TradeInquiry(db.Model):
    """A buyer's inquiry or order request to one booth, and where the team is with it.

    new → contacted (the team's first reply) → quoted (a quotation is out) → won (the buyer accepted
    one) or lost. See expo.leads.services for every move that is allowed.
    """

    __tablename__ = "trade_inquiries"
    __table_args__ = (
        CheckConstraint("kind IN ('inquiry', 'order_request')", name="kind_known"),
        CheckConstraint("status IN ('new', 'contacted', 'quoted', 'won', 'lost')", name="status_known"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        CheckConstraint("target_price IS NULL OR target_price >= 0", name="target_price_not_negative"),
        CheckConstraint(f"incoterm IS NULL OR incoterm IN ({_INCOTERM_LIST})", name="incoterm_known"),
        # The inbox lists a booth's inquiries newest activity first, filtered by status or assignee.
        Index("ix_trade_inquiries_booth_activity", "booth_id", "last_activity_at"),
        Index("ix_trade_inquiries_booth_status", "booth_id", "status"),
        # The report reads a booth's (or every booth's) period in chunks ordered by (created_at, id):
        # with the id in the index each chunk is a range of it, whatever the planner's statistics.
        Index("ix_trade_inquiries_booth_created", "booth_id", "created_at", "id"),
        Index("ix_trade_inquiries_buyer", "buyer_id", "last_activity_at"),
        Index("ix_trade_inquiries_assignee", "assignee_id"),
        Index("ix_trade_inquiries_created", "created_at", "id"),
    )

    class Kind(LabelledStrEnum):
        INQUIRY = "inquiry", _l("Inquiry")
        ORDER_REQUEST = "order_request", _l("Order request")

    class Status(LabelledStrEnum):
        NEW = "new", lazy_pgettext("inquiry status", "New")
        CONTACTED = "contacted", _l("Contacted")
        QUOTED = "quoted", _l("Quoted")
        WON = "won", _l("Won")
        LOST = "lost", _l("Lost")

    CLOSED = (Status.WON, Status.LOST)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    # The buyer's own record: deleting the account deletes what they sent.
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(StrEnumType(Kind, 20), default=Kind.INQUIRY)
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.NEW)
    quantity: Mapped[int | None] = mapped_column()
    unit: Mapped[str] = mapped_column(String(30), default="")
    target_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    incoterm: Mapped[str | None] = mapped_column(String(3))
    destination_country: Mapped[str | None] = mapped_column(String(2))
    destination_port: Mapped[str] = mapped_column(String(120), default="")
    delivery_date: Mapped[date | None] = mapped_column(Date)
    # Taken from the account when sending and editable on the form: the company the buyer buys for.
    buyer_organisation: Mapped[str] = mapped_column(String(200), default="")
    buyer_country: Mapped[str | None] = mapped_column(String(2))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the team first answered (a message or a quotation): the booth's response time.
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The latest message or decision of each side: unread markers compare these with read marks.
    buyer_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    team_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship()
    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    items: Mapped[list[InquiryItem]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="InquiryItem.id", passive_deletes=True
    )

    @property
    def is_order_request(self) -> bool:
        return self.kind == self.Kind.ORDER_REQUEST

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    def __repr__(self) -> str:
        return f"<TradeInquiry {self.id} {self.kind} {self.status}>"


class InquiryItem(db.Model):
    """A product the inquiry is about. The name is kept, so the inquiry still reads after the product goes."""

    __tablename__ = "inquiry_items"
    __table_args__ = (
        UniqueConstraint("inquiry_id", "product_id"),
        Index("ix_inquiry_items_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("trade_inquiries.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    product_name: Mapped[str] = mapped_column(String(200))

    inquiry: Mapped[TradeInquiry] = relationship(back_populates="items")
    product: Mapped[Product | None] = relationship()


class InquiryMessage(db.Model):
    """One message of the thread between the buyer and the team; the inquiry's own text is the first."""

    __tablename__ = "inquiry_messages"
    __table_args__ = (
        CheckConstraint("side IN ('buyer', 'team')", name="side_known"),
        Index("ix_inquiry_messages_inquiry", "inquiry_id", "id"),
    )

    BUYER, TEAM = "buyer", "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("trade_inquiries.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text, default="")
    # An optional PDF or image, checked by its content (expo.leads.attachments); stored under STORAGE_PATH.
    attachment_path: Mapped[str | None] = mapped_column(String(300))
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    attachment_size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    inquiry: Mapped[TradeInquiry] = relationship()
    author: Mapped[User | None] = relationship()


class InquiryNote(db.Model):
    """The team's internal note on an inquiry. Never shown or sent to the buyer: no buyer page reads this table."""

    __tablename__ = "inquiry_notes"
    __table_args__ = (Index("ix_inquiry_notes_inquiry", "inquiry_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("trade_inquiries.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()


class Quotation(db.Model):
    """The team's offer; the buyer accepts or declines it once, and only while it is valid.

    Sending a newer quotation supersedes the open one; closing the inquiry withdraws it.
    """

    __tablename__ = "quotations"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'accepted', 'declined', 'superseded', 'withdrawn')", name="status_known"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint(f"incoterm IN ({_INCOTERM_LIST})", name="incoterm_known"),
        Index("ix_quotations_inquiry", "inquiry_id", "id"),
    )

    class Status(LabelledStrEnum):
        OPEN = "open", _l("Awaiting the buyer")
        ACCEPTED = "accepted", _l("Accepted")
        DECLINED = "declined", _l("Declined")
        SUPERSEDED = "superseded", _l("Replaced by a newer quotation")
        WITHDRAWN = "withdrawn", _l("Withdrawn")

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("trade_inquiries.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[int] = mapped_column()
    unit: Mapped[str] = mapped_column(String(30), default="")
    incoterm: Mapped[str] = mapped_column(String(3))
    lead_time_days: Mapped[int] = mapped_column()
    # The last day the buyer can accept, in the booth's time zone.
    valid_until: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.OPEN)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    inquiry: Mapped[TradeInquiry] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


class InquiryReadMark(db.Model):
    """When a user last opened an inquiry: what is newer than this shows as unread for them."""

    __tablename__ = "inquiry_read_marks"
    __table_args__ = (UniqueConstraint("user_id", "inquiry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("trade_inquiries.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LeadReport(Job, db.Model):
    """A compiled order-lead report (CSV and XLSX) for one booth's team or for the organizers.

    queued → running → done, or failed; a failed or stalled one can be compiled again.
    """

    __tablename__ = "lead_reports"
    __table_args__ = (
        CheckConstraint("scope IN ('booth', 'expo')", name="scope_known"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        CheckConstraint("scope != 'booth' OR booth_id IS NOT NULL", name="booth_report_has_booth"),
        CheckConstraint("pavilion_id IS NULL OR edition_id IS NOT NULL", name="pavilion_within_edition"),
        CheckConstraint("period_to >= period_from", name="period_ordered"),
        Index("ix_lead_reports_booth", "booth_id", "id"),
        Index("ix_lead_reports_requester", "requested_by_id", "id"),
    )

    BOOTH, EXPO = "booth", "expo"

    class Status(LabelledStrEnum):
        QUEUED = "queued", _l("waiting for a worker")
        RUNNING = "running", _l("being compiled")
        DONE = "done", _l("ready")
        FAILED = "failed", _l("failed")

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    # Organizer reports: booths placed in this edition (and this pavilion of it); neither = every booth.
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    pavilion_id: Mapped[int | None] = mapped_column(ForeignKey("pavilions.id", ondelete="CASCADE"))
    # Inquiries received on these days (inclusive) in ``timezone``.
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.QUEUED)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    # The distinct buyers the report's rows name: the people whose data a download takes away.
    people_total: Mapped[int] = mapped_column(default=0, server_default="0")
    csv_path: Mapped[str | None] = mapped_column(String(300))
    xlsx_path: Mapped[str | None] = mapped_column(String(300))
    csv_size: Mapped[int] = mapped_column(default=0)
    xlsx_size: Mapped[int] = mapped_column(default=0)

    booth: Mapped[Booth | None] = relationship()
    edition: Mapped[Edition | None] = relationship()
    pavilion: Mapped[Pavilion | None] = relationship()
    requested_by: Mapped[User | None] = relationship()

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


stand_scan_products = Table(
    "stand_scan_products",
    db.metadata,
    Column("stand_scan_id", ForeignKey("stand_scans.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class StandScan(db.Model):
    """One scan of a visitor's badge at a booth's stand, from the offline app or the online form.

    ``scan_id`` is made by the scanning device (or the form) and is unique: a scan sent twice is
    stored once, and the second sending is answered with the first one's outcome. A recorded scan
    joins its visitor's lead for the booth (expo.leads.scoring): every scan stays a row of its own.
    A refused scan (a badge that is not genuine, of an edition the booth is not placed in...) is kept
    without a visitor, so that sending it again is refused for the same reason.

    ``visitor_organisation`` and ``visitor_country`` are copied from the visitor's account when the
    scan is recorded: the statistics still add up after the retention period removes the visitor,
    the notes, the tags and the scanner (expo.leads.retention).
    """

    __tablename__ = "stand_scans"
    __table_args__ = (
        CheckConstraint("outcome IN ('recorded', 'refused')", name="outcome_known"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("outcome != 'recorded' OR edition_id IS NOT NULL", name="recorded_has_edition"),
        CheckConstraint("outcome != 'refused' OR refusal IS NOT NULL", name="refused_has_reason"),
        # A booth's lead for one visitor, newest scan first; the report reads a booth's period by (scanned_at, id).
        Index("ix_stand_scans_booth_visitor", "booth_id", "visitor_id", "scanned_at"),
        Index("ix_stand_scans_booth_scanned", "booth_id", "scanned_at", "id"),
        Index("ix_stand_scans_scanned", "scanned_at", "id"),  # organizers' reports over every booth
        Index("ix_stand_scans_edition", "edition_id", "id"),
        Index("ix_stand_scans_visitor", "visitor_id"),
        Index("ix_stand_scans_scanned_by", "scanned_by_id"),
    )

    class Outcome(LabelledStrEnum):
        RECORDED = "recorded", _l("Recorded")
        REFUSED = "refused", _l("Refused")

    class Refusal(LabelledStrEnum):
        """Why a scan was refused; the label is the message the scanning device shows."""

        NOT_A_BADGE = "not_a_badge", _l("This is not an Expo badge.")
        NOT_GENUINE = "not_genuine", _l("This badge is not genuine: its signature does not match.")
        OTHER_EDITION = "other_edition", _l("This badge is for an edition your booth is not part of.")
        UNKNOWN = "unknown", _l("No badge of this edition has this code.")
        REVOKED = "revoked", _l("This badge was revoked: the visitor can ask at the help desk.")
        REPLACED = "replaced", _l("This badge was replaced by a reprint: ask the visitor for the new one.")
        EXPIRED = "expired", _l("This badge has expired: the edition is over.")
        OWN_TEAM = "own_team", _l("This badge belongs to a member of your own team.")

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(36), unique=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    # The edition whose badge was scanned (the booth is placed in it); unknown for some refusals.
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    # Emptied by the retention period, and by the account's deletion: the rest is kept for statistics.
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The device's clock (never later than received_at); received_at is the server's.
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(StrEnumType(Outcome, 10), default=Outcome.RECORDED)
    refusal: Mapped[str | None] = mapped_column(StrEnumType(Refusal, 20))
    rating: Mapped[int | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    visitor_organisation: Mapped[str] = mapped_column(String(200), default="")
    visitor_country: Mapped[str | None] = mapped_column(String(2))
    # When the retention period removed the personal data above (None: still there).
    personal_data_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    booth: Mapped[Booth] = relationship()
    edition: Mapped[Edition | None] = relationship()
    visitor: Mapped[User | None] = relationship(foreign_keys=[visitor_id])
    scanned_by: Mapped[User | None] = relationship(foreign_keys=[scanned_by_id])
    products: Mapped[list[Product]] = relationship(
        secondary=stand_scan_products, order_by="Product.position, Product.id"
    )

    def __repr__(self) -> str:
        return f"<StandScan {self.scan_id} {self.outcome}>"
