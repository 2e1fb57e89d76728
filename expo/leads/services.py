"""Inquiries and order requests: sending one, the team's inbox, the thread, quotations, notes, the status.

Services take an explicit actor, flush and never commit; the view commits once. Notices go out
through expo.leads.notify, one function per event, queued on the session until the commit.

How an inquiry moves (``TradeInquiry.status``):

- by itself: the team's first reply moves ``new`` to ``contacted``; sending a quotation moves it to
  ``quoted`` (also out of ``lost``: a better offer reopens it); the buyer accepting a quotation
  moves it to ``won``; the buyer declining one moves it back to ``contacted`` (the talk goes on,
  the team decides whether it is lost);
- by the team (MANUAL_MOVES): ``new`` → contacted (they phoned) or lost; ``contacted``/``quoted``
  → won (closed outside the platform) or lost; ``won`` → lost (the deal fell through); ``lost`` →
  contacted (reopened). Closing it by hand withdraws the open quotation.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, bindparam, case, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, load_only, selectinload

from expo import permissions
from expo.accounts.models import User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.content_languages import localized
from expo.db_types import utcnow
from expo.engagement.models import EngagementEvent
from expo.engagement.services import visitor_hash
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.i18n import format_day, is_known_timezone
from expo.leads import notify
from expo.leads.attachments import StoredAttachment
from expo.leads.models import (
    Incoterm,
    InquiryItem,
    InquiryMessage,
    InquiryNote,
    InquiryReadMark,
    Quotation,
    TradeInquiry,
)
from expo.lib.rules import RuleBroken
from expo.webhooks import announce as webhooks

MAX_PRODUCTS_PER_INQUIRY = 20
MAX_MESSAGE_LENGTH = 5000
# The booth page shows the median first-response time once this many inquiries were answered.
RESPONSE_TIME_MIN_ANSWERED = 5
# The median is taken over the booth's latest inquiries: it follows how the team answers now.
RESPONSE_TIME_SAMPLE = 100

MANUAL_MOVES = {
    TradeInquiry.Status.NEW: (TradeInquiry.Status.CONTACTED, TradeInquiry.Status.LOST),
    TradeInquiry.Status.CONTACTED: (TradeInquiry.Status.WON, TradeInquiry.Status.LOST),
    TradeInquiry.Status.QUOTED: (TradeInquiry.Status.WON, TradeInquiry.Status.LOST),
    TradeInquiry.Status.WON: (TradeInquiry.Status.LOST,),
    TradeInquiry.Status.LOST: (TradeInquiry.Status.CONTACTED,),
}


class LeadError(RuleBroken):
    """An inquiry rule said no; the message is safe to show, ``field`` names the form field at fault."""


class InquiryConflict(LeadError):
    """The inquiry or quotation is not in a state that allows this (any more)."""

    status = 409


class QuotationExpired(InquiryConflict):
    pass


@dataclass(frozen=True)
class InquiryData:
    kind: str
    product_ids: tuple[int, ...]
    message: str
    quantity: int | None = None
    unit: str = ""
    target_price: Decimal | None = None
    currency: str = "USD"
    incoterm: str | None = None
    destination_country: str | None = None
    destination_port: str = ""
    delivery_date: date | None = None
    buyer_organisation: str = ""
    buyer_country: str | None = None


@dataclass(frozen=True)
class QuotationData:
    unit_price: Decimal
    currency: str
    quantity: int
    unit: str
    incoterm: str
    lead_time_days: int
    valid_until: date
    note: str = ""


def booth_today(booth: Booth, now: datetime | None = None) -> date:
    """Today where the exhibitor is: quotations are valid through a day of the booth's calendar."""
    zone = ZoneInfo(booth.timezone if is_known_timezone(booth.timezone) else "UTC")
    return (now or utcnow()).astimezone(zone).date()


# --- sending -------------------------------------------------------------------------------------


def _booth_products(booth: Booth, product_ids: tuple[int, ...]) -> list[Product]:
    if not product_ids:
        return []
    if len(product_ids) > MAX_PRODUCTS_PER_INQUIRY:
        raise LeadError(_("Choose at most %(count)s products.", count=MAX_PRODUCTS_PER_INQUIRY), "products")
    products = db.session.scalars(
        select(Product)
        .where(Product.booth_id == booth.id, Product.id.in_(product_ids))
        .order_by(Product.position, Product.id)
    ).all()
    if len(products) != len(set(product_ids)):
        raise LeadError(_("Choose products of this booth only."), "products")
    return list(products)


def _check_inquiry(data: InquiryData, today: date) -> None:
    if data.kind not in tuple(TradeInquiry.Kind):
        raise LeadError(_("Choose whether this is an inquiry or an order request."), "kind")
    if not data.message.strip():
        raise LeadError(_("Write your message to the exhibitor."), "message")
    if len(data.message) > MAX_MESSAGE_LENGTH:
        raise LeadError(_("Keep the message under %(count)s characters.", count=MAX_MESSAGE_LENGTH), "message")
    if data.kind == TradeInquiry.Kind.ORDER_REQUEST:
        if not data.product_ids:
            raise LeadError(_("An order request names at least one product."), "products")
        if not data.quantity:
            raise LeadError(_("An order request needs the quantity you want."), "quantity")
    if data.quantity is not None and data.quantity <= 0:
        raise LeadError(_("The quantity must be at least 1."), "quantity")
    if data.quantity and not data.unit.strip():
        raise LeadError(_("Say what the quantity counts, for example boxes or pieces."), "unit")
    if data.target_price is not None and data.target_price < 0:
        raise LeadError(_("The target price cannot be negative."), "target_price")
    if data.incoterm is not None and data.incoterm not in tuple(Incoterm):
        raise LeadError(_("Choose an Incoterm from the list."), "incoterm")
    if data.delivery_date is not None and data.delivery_date < today:
        raise LeadError(_("The delivery date is in the past."), "delivery_date")


def send_inquiry(
    buyer: User, booth: Booth, data: InquiryData, attachment: StoredAttachment | None = None
) -> TradeInquiry:
    """The buyer's inquiry or order request, its first message, and the `inquiry` engagement event."""
    permissions.ensure(permissions.can_send_inquiry(buyer, booth), _("You cannot send an inquiry to this booth."))
    now = utcnow()
    _check_inquiry(data, booth_today(booth, now))
    products = _booth_products(booth, data.product_ids)
    inquiry = TradeInquiry(
        booth=booth,
        buyer_id=buyer.id,
        kind=data.kind,
        status=TradeInquiry.Status.NEW,
        quantity=data.quantity,
        unit=data.unit.strip() if data.quantity else "",
        target_price=data.target_price,
        currency=data.currency,
        incoterm=data.incoterm,
        destination_country=data.destination_country,
        destination_port=data.destination_port.strip(),
        delivery_date=data.delivery_date,
        buyer_organisation=data.buyer_organisation.strip(),
        buyer_country=data.buyer_country,
        buyer_activity_at=now,
        last_activity_at=now,
        status_changed_at=now,
        created_at=now,
    )
    inquiry.items = [InquiryItem(product_id=product.id, product_name=product.name) for product in products]
    db.session.add(inquiry)
    db.session.flush()
    db.session.add(_message(inquiry, buyer, InquiryMessage.BUYER, data.message, attachment, now))
    # Named as engagement.record names the buyer's page views, so the analytics count one visitor.
    db.session.add(
        EngagementEvent(
            event_key=str(uuid.uuid4()),
            kind=EngagementEvent.INQUIRY,
            booth_id=booth.id,
            product_id=products[0].id if products else None,
            user_id=buyer.id,
            visitor=visitor_hash(f"user:{buyer.id}"),
            occurred_at=now,
        )
    )
    db.session.flush()
    _mark_read(buyer, inquiry, now)
    notify.inquiry_received(inquiry)
    webhooks.inquiry_received(inquiry)
    return inquiry


def _message(
    inquiry: TradeInquiry, author: User, side: str, body: str, attachment: StoredAttachment | None, now: datetime
) -> InquiryMessage:
    return InquiryMessage(
        inquiry_id=inquiry.id,
        author_id=author.id,
        side=side,
        body=body.strip(),
        created_at=now,
        attachment_path=attachment.path if attachment else None,
        attachment_name=attachment.name if attachment else "",
        attachment_size=attachment.size if attachment else 0,
    )


# --- finding -------------------------------------------------------------------------------------


class RowPagination(SelectPagination):
    """db.paginate for selects of several columns: each item is a row, not only its first column."""

    def _query_items(self) -> list:
        select_ = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select_).all())


def paginate_rows(select_: Select, page: int, per_page: int, *, total: int | None = None) -> RowPagination:
    """A page of ``select_``'s rows; ``total``, when the caller already knows how many rows there are,
    saves the statement that would count them."""
    pagination = RowPagination(
        select=select_,
        session=db.session(),
        page=page,
        per_page=per_page,
        error_out=False,
        max_per_page=None,
        count=total is None,
    )
    if total is not None:
        pagination.total = total
    return pagination


def _unread_for(user: User, activity_column):
    """True where the other side did something after ``user`` last opened the inquiry."""
    mark = (
        select(InquiryReadMark.read_at)
        .where(InquiryReadMark.inquiry_id == TradeInquiry.id, InquiryReadMark.user_id == user.id)
        .correlate(TradeInquiry)
        .scalar_subquery()
    )
    return case((activity_column.is_(None), False), (mark.is_(None), True), else_=activity_column > mark).label(
        "unread"
    )


def _listed_with() -> list:
    # Each item's product, still listed, names it in the reader's language (one query for all items).
    return [selectinload(TradeInquiry.items).joinedload(InquiryItem.product), joinedload(TradeInquiry.assignee)]


@dataclass(frozen=True)
class InboxFilters:
    status: str | None = None
    # An assignee's user id, or UNASSIGNED.
    assignee: int | None = None
    product_id: int | None = None
    unread_only: bool = False

    def total_from(self, counts: dict[str, int]) -> int | None:
        """How many inquiries these filters leave, read from the booth's status counts when nothing
        but a status narrows them; None when another filter needs a count of its own."""
        if self.assignee is not None or self.product_id or self.unread_only:
            return None
        return counts.get(self.status, 0) if self.status else sum(counts.values())


UNASSIGNED = 0


def inbox_query(viewer: User, booth: Booth, filters: InboxFilters) -> Select:
    """The booth's inquiries, newest activity first, each with whether ``viewer`` has read it."""
    unread = _unread_for(viewer, TradeInquiry.buyer_activity_at)
    query = (
        select(TradeInquiry, unread)
        .where(TradeInquiry.booth_id == booth.id)
        .options(*_listed_with(), joinedload(TradeInquiry.buyer))
        .order_by(TradeInquiry.last_activity_at.desc(), TradeInquiry.id.desc())
    )
    if filters.status:
        query = query.where(TradeInquiry.status == filters.status)
    if filters.assignee == UNASSIGNED:
        query = query.where(TradeInquiry.assignee_id.is_(None))
    elif filters.assignee is not None:
        query = query.where(TradeInquiry.assignee_id == filters.assignee)
    if filters.product_id:
        query = query.where(TradeInquiry.items.any(InquiryItem.product_id == filters.product_id))
    if filters.unread_only:
        query = query.where(unread == literal(True))
    return query


def status_counts(booth: Booth) -> dict[str, int]:
    rows = db.session.execute(
        select(TradeInquiry.status, func.count(TradeInquiry.id))
        .where(TradeInquiry.booth_id == booth.id)
        .group_by(TradeInquiry.status)
    ).all()
    return {status: 0 for status in tuple(TradeInquiry.Status)} | dict(rows)


def buyer_inquiries_query(buyer: User) -> Select:
    unread = _unread_for(buyer, TradeInquiry.team_activity_at)
    return (
        select(TradeInquiry, unread)
        .where(TradeInquiry.buyer_id == buyer.id)
        .options(*_listed_with(), joinedload(TradeInquiry.booth).joinedload(Booth.company))
        .order_by(TradeInquiry.last_activity_at.desc(), TradeInquiry.id.desc())
    )


def find_inquiry(inquiry_id: int) -> TradeInquiry | None:
    """The inquiry with what permission checks and its page read (booth, company team, buyer, items)."""
    return db.session.scalar(
        select(TradeInquiry)
        .where(TradeInquiry.id == inquiry_id)
        .options(
            joinedload(TradeInquiry.booth)
            .joinedload(Booth.company)
            .selectinload(ExhibitorCompany.members)
            .joinedload(CompanyMember.user),
            joinedload(TradeInquiry.buyer),
            joinedload(TradeInquiry.assignee),
            selectinload(TradeInquiry.items).joinedload(InquiryItem.product),
        )
    )


def thread_query(inquiry: TradeInquiry) -> Select:
    return (
        select(InquiryMessage)
        .where(InquiryMessage.inquiry_id == inquiry.id)
        .options(joinedload(InquiryMessage.author))
        .order_by(InquiryMessage.id)
    )


def quotations_of(inquiry: TradeInquiry) -> list[Quotation]:
    """Newest first. An inquiry gathers a handful of quotations, so they are listed whole."""
    return list(
        db.session.scalars(
            select(Quotation)
            .where(Quotation.inquiry_id == inquiry.id)
            .options(joinedload(Quotation.author))
            .order_by(Quotation.id.desc())
        )
    )


def notes_query(inquiry: TradeInquiry) -> Select:
    return (
        select(InquiryNote)
        .where(InquiryNote.inquiry_id == inquiry.id)
        .options(joinedload(InquiryNote.author))
        .order_by(InquiryNote.id.desc())
    )


def find_message(inquiry: TradeInquiry, message_id: int) -> InquiryMessage | None:
    return db.session.scalar(
        select(InquiryMessage).where(InquiryMessage.id == message_id, InquiryMessage.inquiry_id == inquiry.id)
    )


def find_quotation(inquiry: TradeInquiry, quotation_id: int) -> Quotation | None:
    return db.session.scalar(select(Quotation).where(Quotation.id == quotation_id, Quotation.inquiry_id == inquiry.id))


def team_members(booth: Booth) -> list[User]:
    """The people an inquiry can be assigned to (the company's members are loaded with the booth)."""
    return sorted((member.user for member in booth.company.members), key=lambda user: user.name.casefold())


def mark_read(user: User, inquiry: TradeInquiry) -> None:
    """Opening the inquiry reads everything in it, for this user only."""
    _mark_read(user, inquiry, utcnow())


def _mark_read(user: User, inquiry: TradeInquiry, now: datetime) -> None:
    updated = db.session.execute(
        update(InquiryReadMark)
        .where(InquiryReadMark.user_id == user.id, InquiryReadMark.inquiry_id == inquiry.id)
        .values(read_at=now)
    ).rowcount
    if updated:
        return
    try:
        with db.session.begin_nested():
            db.session.add(InquiryReadMark(user_id=user.id, inquiry_id=inquiry.id, read_at=now))
    except IntegrityError:
        pass  # the same user's other tab marked it at the same moment


# --- the thread ----------------------------------------------------------------------------------


def _check_body(body: str, attachment: StoredAttachment | None) -> None:
    if not body.strip() and attachment is None:
        raise LeadError(_("Write a message or attach a file."), "body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise LeadError(_("Keep the message under %(count)s characters.", count=MAX_MESSAGE_LENGTH), "body")


def _record_team_reply(inquiry: TradeInquiry, now: datetime) -> None:
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    inquiry.team_activity_at = now
    inquiry.last_activity_at = now


def _move(inquiry: TradeInquiry, status: str, now: datetime) -> None:
    if inquiry.status != status:
        inquiry.status = status
        inquiry.status_changed_at = now


def post_message(
    actor: User, inquiry: TradeInquiry, body: str, attachment: StoredAttachment | None = None, *, as_team: bool
) -> InquiryMessage:
    """A message from the team (``as_team``) or from the buyer; each side's page says which it writes as."""
    if as_team:
        permissions.ensure(permissions.can_handle_inquiries(actor, inquiry.booth))
        side = InquiryMessage.TEAM
    else:
        permissions.ensure(actor.id == inquiry.buyer_id)
        side = InquiryMessage.BUYER
    _check_body(body, attachment)
    now = utcnow()
    message = _message(inquiry, actor, side, body, attachment, now)
    db.session.add(message)
    if side == InquiryMessage.TEAM:
        _record_team_reply(inquiry, now)
        if inquiry.status == TradeInquiry.Status.NEW:
            _move(inquiry, TradeInquiry.Status.CONTACTED, now)
    else:
        inquiry.buyer_activity_at = now
        inquiry.last_activity_at = now
    db.session.flush()
    _mark_read(actor, inquiry, now)
    notify.message_posted(message)
    return message


def add_note(actor: User, inquiry: TradeInquiry, body: str) -> InquiryNote:
    permissions.ensure(permissions.can_handle_inquiries(actor, inquiry.booth))
    if not body.strip():
        raise LeadError(_("Write the note."), "body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise LeadError(_("Keep the note under %(count)s characters.", count=MAX_MESSAGE_LENGTH), "body")
    note = InquiryNote(inquiry_id=inquiry.id, author_id=actor.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    return note


# --- quotations ----------------------------------------------------------------------------------


def send_quotation(actor: User, inquiry: TradeInquiry, data: QuotationData) -> Quotation:
    permissions.ensure(permissions.can_handle_inquiries(actor, inquiry.booth))
    now = utcnow()
    if inquiry.status == TradeInquiry.Status.WON:
        raise InquiryConflict(
            _("This inquiry is won: the buyer has accepted a quotation. A repeat order starts with a new inquiry.")
        )
    if data.unit_price < 0:
        raise LeadError(_("The unit price cannot be negative."), "unit_price")
    if data.quantity <= 0:
        raise LeadError(_("The quantity must be at least 1."), "quantity")
    if data.lead_time_days < 0:
        raise LeadError(_("The lead time cannot be negative."), "lead_time_days")
    if data.incoterm not in tuple(Incoterm):
        raise LeadError(_("Choose an Incoterm from the list."), "incoterm")
    if data.valid_until < booth_today(inquiry.booth, now):
        raise LeadError(_("The quotation must be valid until today or later."), "valid_until")
    # One offer stands at a time: the newer one replaces what the buyer had not answered yet.
    db.session.execute(
        update(Quotation)
        .where(Quotation.inquiry_id == inquiry.id, Quotation.status == Quotation.Status.OPEN)
        .values(status=Quotation.Status.SUPERSEDED, decided_at=now)
    )
    quotation = Quotation(
        inquiry_id=inquiry.id,
        author_id=actor.id,
        unit_price=data.unit_price,
        currency=data.currency,
        quantity=data.quantity,
        unit=data.unit.strip(),
        incoterm=data.incoterm,
        lead_time_days=data.lead_time_days,
        valid_until=data.valid_until,
        note=data.note.strip(),
        status=Quotation.Status.OPEN,
        created_at=now,
    )
    db.session.add(quotation)
    _record_team_reply(inquiry, now)
    _move(inquiry, TradeInquiry.Status.QUOTED, now)
    db.session.flush()
    _mark_read(actor, inquiry, now)
    notify.quotation_sent(quotation)
    return quotation


def decide_quotation(buyer: User, inquiry: TradeInquiry, quotation: Quotation, *, accept: bool) -> Quotation:
    """Accept or decline, once. Accepting an expired quotation is refused (409) with the reason."""
    permissions.ensure(buyer.id == inquiry.buyer_id and quotation.inquiry_id == inquiry.id)
    now = utcnow()
    if accept and quotation.status == Quotation.Status.OPEN and quotation.valid_until < booth_today(inquiry.booth, now):
        raise QuotationExpired(
            _(
                "This quotation expired on %(day)s. Ask the exhibitor for a new one in the conversation.",
                day=format_day(quotation.valid_until),
            )
        )
    decided = Quotation.Status.ACCEPTED if accept else Quotation.Status.DECLINED
    # Conditional, so two clicks (or two tabs) decide once.
    changed = db.session.execute(
        update(Quotation)
        .where(Quotation.id == quotation.id, Quotation.status == Quotation.Status.OPEN)
        .values(status=decided, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(quotation)
    if not changed:
        raise InquiryConflict(_closed_reason(quotation))
    inquiry.buyer_activity_at = now
    inquiry.last_activity_at = now
    _move(inquiry, TradeInquiry.Status.WON if accept else TradeInquiry.Status.CONTACTED, now)
    db.session.flush()
    notify.quotation_decided(quotation)
    webhooks.quotation_decided(quotation)
    return quotation


def _closed_reason(quotation: Quotation) -> str:
    return {
        Quotation.Status.ACCEPTED: _("You have already accepted this quotation."),
        Quotation.Status.DECLINED: _("You have already declined this quotation."),
        Quotation.Status.SUPERSEDED: _("The exhibitor has replaced this quotation with a newer one."),
        Quotation.Status.WITHDRAWN: _("The exhibitor has withdrawn this quotation."),
    }.get(quotation.status, _("This quotation can no longer be answered."))


def is_expired(quotation: Quotation, booth: Booth) -> bool:
    return quotation.status == Quotation.Status.OPEN and quotation.valid_until < booth_today(booth)


# --- status and assignee -------------------------------------------------------------------------


def allowed_moves(inquiry: TradeInquiry) -> tuple[str, ...]:
    return MANUAL_MOVES.get(inquiry.status, ())


def change_status(actor: User, inquiry: TradeInquiry, status: str) -> None:
    permissions.ensure(permissions.can_handle_inquiries(actor, inquiry.booth))
    if status not in tuple(TradeInquiry.Status):
        # An edited form (or an API client) naming no status at all: not a conflict, a bad request.
        raise LeadError(_("Choose a status from the list."), "status")
    if status not in allowed_moves(inquiry):
        raise InquiryConflict(
            _(
                "An inquiry that is %(current)s cannot be marked %(wanted)s.",
                current=inquiry.status.label,
                wanted=TradeInquiry.Status(status).label,
            ),
            "status",
        )
    now = utcnow()
    if status in TradeInquiry.CLOSED:
        db.session.execute(
            update(Quotation)
            .where(Quotation.inquiry_id == inquiry.id, Quotation.status == Quotation.Status.OPEN)
            .values(status=Quotation.Status.WITHDRAWN, decided_at=now)
        )
    _move(inquiry, status, now)
    db.session.flush()


def assign(actor: User, inquiry: TradeInquiry, assignee_id: int | None) -> None:
    permissions.ensure(permissions.can_handle_inquiries(actor, inquiry.booth))
    if assignee_id is not None and assignee_id not in {m.user_id for m in inquiry.booth.company.members}:
        raise LeadError(_("Choose a member of your team."), "assignee")
    if inquiry.assignee_id == assignee_id:
        return
    inquiry.assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
    db.session.flush()
    if assignee_id is not None and assignee_id != actor.id:
        notify.inquiry_assigned(inquiry, actor)


# --- response time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseTime:
    median: timedelta | None
    answered: int
    received: int
    public_minimum: int = RESPONSE_TIME_MIN_ANSWERED

    @property
    def is_public(self) -> bool:
        """Enough answered inquiries for the number to mean something to visitors."""
        return self.median is not None and self.answered >= self.public_minimum

    @property
    def answer_rate(self) -> int | None:
        return round(self.answered * 100 / self.received) if self.received else None


def response_time(booth: Booth) -> ResponseTime:
    """The median time from an inquiry to the team's first reply, over the booth's latest inquiries.

    Inquiries still waiting count in ``received`` (the answer rate), not in the median: their time
    is not known yet. One query for at most RESPONSE_TIME_SAMPLE rows.
    """
    rows = db.session.execute(
        select(TradeInquiry.created_at, TradeInquiry.first_response_at)
        .where(TradeInquiry.booth_id == booth.id)
        .order_by(TradeInquiry.created_at.desc())
        .limit(RESPONSE_TIME_SAMPLE)
    ).all()
    times = [answered - created for created, answered in rows if answered is not None]
    median = statistics.median(times) if times else None
    return ResponseTime(median=median, answered=len(times), received=len(rows))


def _latest_inquiries() -> Select:
    latest = (
        select(
            TradeInquiry.booth_id,
            TradeInquiry.created_at,
            TradeInquiry.first_response_at,
            func.row_number()
            .over(partition_by=TradeInquiry.booth_id, order_by=(TradeInquiry.created_at.desc(), TradeInquiry.id.desc()))
            .label("recency"),
        )
        .where(TradeInquiry.booth_id.in_(bindparam("booth_ids", expanding=True)))
        .subquery()
    )
    return select(latest.c.booth_id, latest.c.created_at, latest.c.first_response_at).where(
        latest.c.recency <= bindparam("sample")
    )


# Built once: building it (a subquery's columns, SQLAlchemy's cache key) for every search page cost
# some 0.6 ms of its CPU (of 1.0).
_LATEST_INQUIRIES = _latest_inquiries()


def response_times(booth_ids: Iterable[int]) -> dict[int, ResponseTime]:
    """``response_time`` for several booths (a page of search results) in one query: each booth's
    latest RESPONSE_TIME_SAMPLE inquiries picked by a window function, the medians taken here.
    Booths without inquiries are left out."""
    booth_ids = sorted(set(booth_ids))
    if not booth_ids:
        return {}
    rows = db.session.execute(_LATEST_INQUIRIES, {"booth_ids": booth_ids, "sample": RESPONSE_TIME_SAMPLE})
    by_booth: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for booth_id, created, answered in rows:
        by_booth.setdefault(booth_id, []).append((created, answered))
    found = {}
    for booth_id, inquiries in by_booth.items():
        times = [answered - created for created, answered in inquiries if answered is not None]
        found[booth_id] = ResponseTime(
            median=statistics.median(times) if times else None, answered=len(times), received=len(inquiries)
        )
    return found


def booth_has_inquiry_from(booth_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(TradeInquiry.id).where(TradeInquiry.booth_id == booth_id, TradeInquiry.buyer_id == user_id).limit(1)
        )
        is not None
    )


def inquiries_from(booth: Booth, buyer_id: int, limit: int = 20) -> list[TradeInquiry]:
    """A buyer's latest inquiries to the booth, newest first, with their products: the lead page lists them."""
    return list(
        db.session.scalars(
            select(TradeInquiry)
            .where(TradeInquiry.booth_id == booth.id, TradeInquiry.buyer_id == buyer_id)
            .options(selectinload(TradeInquiry.items))
            .order_by(TradeInquiry.created_at.desc(), TradeInquiry.id.desc())
            .limit(limit)
        )
    )


def _booth_products_named(booth: Booth) -> list[Product]:
    """The booth's products in their order, with what naming them in the reader's language needs."""
    return list(
        db.session.scalars(
            select(Product)
            .options(
                load_only(
                    Product.id,
                    Product.name,
                    Product.source_language,
                    Product.translations,
                    Product.min_order_quantity,
                    Product.order_unit,
                )
            )
            .where(Product.booth_id == booth.id)
            .order_by(Product.position, Product.id)
        )
    )


def products_for_form(booth: Booth) -> list[tuple[int, str]]:
    """The booth's products as a filter lists them: each named in the page's language."""
    return [(product.id, localized(product, "name").text) for product in _booth_products_named(booth)]


def inquiry_product_choices(booth: Booth) -> list[tuple[int, str]]:
    """The inquiry form's products, each with its minimum order so buyers ask for a quantity that works."""
    from types import SimpleNamespace

    from expo.catalog.display import minimum_order

    choices = []
    for product in _booth_products_named(booth):
        name = localized(product, "name").text
        moq, unit = product.min_order_quantity, product.order_unit
        hint = minimum_order(SimpleNamespace(min_order_quantity=moq, order_unit=unit)) if moq else ""
        choices.append((product.id, f"{name} ({hint})" if hint else name))
    return choices


def team_booths(user: User) -> list[Booth]:
    """The booths whose inquiries ``user`` handles (the navigation's Leads links)."""
    return list(
        db.session.scalars(
            select(Booth)
            .join(CompanyMember, CompanyMember.company_id == Booth.company_id)
            .where(CompanyMember.user_id == user.id)
            .options(joinedload(Booth.company))
            .order_by(Booth.slug)
        )
    )


def record_leads_taken(actor: User, booth: Booth, people: int) -> None:
    """A page of the API's lead list names buyers with their contact details, on their way to the
    team's CRM: personal data leaving the site, recorded as an export (who, when, how many people)
    in the caller's transaction."""
    permissions.ensure(permissions.can_handle_inquiries(actor, booth))
    record(actor, AuditAction.LEADS_TAKEN_THROUGH_API, booth, after={"format": "json", "people": people})
