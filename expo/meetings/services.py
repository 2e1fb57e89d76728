"""Requesting, answering, placing and following up 1:1 meetings; the organizers' rules and statistics.

Services take an explicit actor, flush and never commit; the view (or the task) commits once.
Notices are published after the commit (``MEETING_TASK``), one per event.

How a meeting moves (``Meeting.status``; ``awaiting`` says whose turn it is):

- a buyer asks a team, or a team asks a buyer (``request_meeting``): ``requested``, awaiting the other side;
- the side awaited accepts (``accept``), declines with a reason (``decline``) or proposes another slot
  (``counter``: ``countered``, awaiting the other side, who answers the same three ways);
- the side that asked may withdraw an open request (``cancel``);
- an accepted meeting may be cancelled by either side with a reason (``cancel``), or rescheduled to a
  slot the other side then accepts or declines (``reschedule``: ``countered``, its holds given back);
- once it has begun, each side marks it held or missed, with a note (``record_outcome``).

A proposal always comes from the availability of the side that must answer it. The team sets the
place (a table or its stand at the venue, a video room online) and who of it attends whenever it
proposes or accepts, so a buyer who accepts accepts a complete arrangement.

Nobody is booked twice: accepting inserts a ``MeetingHold`` for every ``HOLD_MINUTES`` stretch of the
meeting for the buyer, each attending team member and the table, under unique keys, in the
accepting transaction. Of two acceptances racing for one person's slot the database lets one
through; the other gets ``SlotTaken`` ("… is no longer free at 10:20; pick another slot").
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from expo.accounts.models import User
from expo.audit.models import AuditAction, AuditObject
from expo.audit.services import Subject, record
from expo.background import enqueue_after_commit
from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product
from expo.db_types import utcnow
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.i18n import datetime_in_zone
from expo.lib.rules import RuleBroken
from expo.meetings import slots
from expo.meetings.models import (
    OPEN_STATUSES,
    SLOT_LENGTHS,
    Availability,
    Meeting,
    MeetingAttendee,
    MeetingHold,
    MeetingProduct,
    MeetingSettings,
    MeetingStatus,
    MeetingTable,
    Mode,
    Origin,
    Outcome,
    Place,
    Side,
    TeamMeetingSettings,
)
from expo.permissions import NotAllowed, can_manage_edition, ensure, is_company_member
from expo.webhooks import announce as webhooks

MEETING_TASK = "meetings.notify"
MAX_MESSAGE_LENGTH = 2000
MAX_PRODUCTS = 20
MAX_AVAILABILITY_WINDOWS = 200
MAX_TABLES = 500


class MeetingError(RuleBroken):
    """A meeting rule said no; the message is safe to show."""


class MeetingConflict(MeetingError):
    """The meeting is no longer in a state that allows this (the other side acted meanwhile)."""

    status = 409


class SlotTaken(MeetingConflict):
    """Someone (or the table) is booked for that slot already."""


class QuotaReached(MeetingConflict):
    pass


class RequestsPaused(MeetingConflict):
    pass


def _guarded() -> bool:
    # Only the concurrency tests turn this off, to prove that they catch a double booking.
    return current_app.config.get("MEETING_HOLD_GUARD", True)


# --- who is who ----------------------------------------------------------------------------------


def team_members(company: ExhibitorCompany) -> list[User]:
    return [member.user for member in company.members if not member.user.is_disabled]


def side_of(user: User | None, meeting: Meeting) -> Side | None:
    """The side ``user`` is on in ``meeting``: the buyer, a member of the team, or neither."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if meeting.buyer_id == user.id:
        return Side.BUYER
    if is_company_member(user, meeting.company):
        return Side.TEAM
    return None


def booth_of(company: ExhibitorCompany) -> Booth | None:
    return db.session.scalar(select(Booth).where(Booth.company_id == company.id))


def team_settings(company: ExhibitorCompany) -> TeamMeetingSettings:
    settings = db.session.get(TeamMeetingSettings, company.id)
    return settings or TeamMeetingSettings(company_id=company.id, requests_paused=False, video_url="")


def meeting_edition(booth: Booth | None, today: date | None = None) -> Edition | None:
    """The edition a meeting with this booth is arranged under: the next (or current) published
    edition the booth stands in, else the next published edition, else the latest one (online
    meetings go on all year)."""
    today = today or utcnow().date()
    published = select(Edition).where(Edition.status == Edition.Status.PUBLISHED)
    if booth is not None:
        placed = db.session.scalar(
            published.join(BoothPlacement, BoothPlacement.edition_id == Edition.id)
            .where(BoothPlacement.booth_id == booth.id, Edition.ends_on >= today)
            .order_by(Edition.starts_on)
            .limit(1)
        )
        if placed is not None:
            return placed
    upcoming = db.session.scalar(published.where(Edition.ends_on >= today).order_by(Edition.starts_on).limit(1))
    return upcoming or db.session.scalar(published.order_by(Edition.ends_on.desc()).limit(1))


def stand_of(company: ExhibitorCompany, edition: Edition) -> BoothPlacement | None:
    return db.session.scalar(
        select(BoothPlacement)
        .join(Booth, Booth.id == BoothPlacement.booth_id)
        .where(Booth.company_id == company.id, BoothPlacement.edition_id == edition.id)
    )


def tables_of(edition: Edition) -> list[MeetingTable]:
    return list(
        db.session.scalars(
            select(MeetingTable).where(MeetingTable.edition_id == edition.id).order_by(MeetingTable.name)
        )
    )


# --- slots each side can be offered --------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A slot: where (venue or online) and when it starts (UTC)."""

    mode: Mode
    starts_at: datetime


def side_people(side: Side, *, buyer: User, company: ExhibitorCompany) -> list[int]:
    return [buyer.id] if side == Side.BUYER else [user.id for user in team_members(company)]


def offered_slots(
    answering: Side, *, buyer: User, company: ExhibitorCompany, edition: Edition, now: datetime | None = None
) -> list[slots.FreeSlot]:
    """The slots that can be proposed to the side ``answering``: its own availability, venue and
    online, less what it is booked for. The proposing side's own bookings are checked on acceptance."""
    people = side_people(answering, buyer=buyer, company=company)
    found = []
    for mode in (Mode.VENUE, Mode.ONLINE):
        found += slots.free_slots(people, edition, mode, now=now)
    return sorted(found, key=lambda slot: (slot.starts_at, slot.mode))


def _check_proposal(
    proposal: Proposal, answering: Side, *, buyer: User, company: ExhibitorCompany, edition: Edition, now: datetime
) -> datetime:
    """The proposal's end, if the answering side is free then; else a reason."""
    settings = slots.settings_for(edition)
    if proposal.starts_at <= now:
        raise MeetingError(_("Choose a slot in the future."), "slot")
    if not slots.is_slot(edition, settings, proposal.mode, proposal.starts_at):
        raise MeetingError(_("Choose one of the slots offered."), "slot")
    people = side_people(answering, buyer=buyer, company=company)
    if not any(slots.is_free(person, edition, proposal.mode, proposal.starts_at, now=now) for person in people):
        if answering == Side.BUYER:
            message = _("%(name)s is not available then any more; choose another slot.", name=buyer.name)
        else:
            message = _("%(name)s is not available then any more; choose another slot.", name=company.name)
        raise SlotTaken(message, "slot")
    return proposal.starts_at + timedelta(minutes=settings.slot_minutes)


# --- the team's arrangement: who attends, where ----------------------------------------------------


@dataclass(frozen=True)
class Arrangement:
    """What the team decides: who of it attends, and the place (table or stand at the venue; a video
    link online, blank for a generated room)."""

    attendee_ids: tuple[int, ...]
    place: Place | None = None
    table_id: int | None = None
    video_url: str = ""


def is_https_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname) and " " not in url and len(url) <= 500


def generated_room_url() -> str:
    base = current_app.config.get("MEETING_ROOM_BASE_URL", "https://meet.jit.si/")
    return f"{base.rstrip('/')}/expo-{secrets.token_urlsafe(12).replace('_', 'x').replace('-', 'y')}"


def _apply_arrangement(meeting: Meeting, arrangement: Arrangement, mode: Mode) -> None:
    members = {user.id: user for user in team_members(meeting.company)}
    chosen = tuple(dict.fromkeys(arrangement.attendee_ids))
    if not chosen:
        raise MeetingError(_("Choose who of your team attends."), "attendees")
    if any(user_id not in members for user_id in chosen):
        raise MeetingError(_("Choose members of your team only."), "attendees")
    meeting.attendees = [MeetingAttendee(user_id=user_id) for user_id in chosen]
    # The relationship set with its column, so nothing read before (a webhook payload) keeps a stale table.
    meeting.table, meeting.table_id = None, None
    meeting.video_url = ""
    if mode == Mode.ONLINE:
        url = arrangement.video_url.strip() or team_settings(meeting.company).video_url
        if url and not is_https_url(url):
            raise MeetingError(_("Enter the video link as a full https:// address."), "video_url")
        meeting.place = Place.VIDEO
        meeting.video_url = url or generated_room_url()
        return
    if arrangement.place == Place.TABLE:
        table = db.session.get(MeetingTable, arrangement.table_id) if arrangement.table_id else None
        if table is None or table.edition_id != meeting.edition_id:
            raise MeetingError(_("Choose one of the edition's meeting tables."), "place")
        if table.capacity < len(chosen) + 1:
            raise MeetingError(
                _(
                    "%(table)s seats %(count)s people: choose a bigger table or fewer attendees.",
                    table=table.name,
                    count=table.capacity,
                ),
                "place",
            )
        meeting.place, meeting.table, meeting.table_id = Place.TABLE, table, table.id
    elif arrangement.place == Place.STAND:
        if stand_of(meeting.company, meeting.edition) is None:
            raise MeetingError(_("Your booth has no stand at this edition's venue: choose a meeting table."), "place")
        meeting.place = Place.STAND
    else:
        raise MeetingError(_("Choose where you meet: a meeting table or your stand."), "place")


# --- requesting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestData:
    proposal: Proposal
    message: str = ""
    product_ids: tuple[int, ...] = ()
    arrangement: Arrangement | None = None  # the team's, when the team asks


def _lock(model, row_id: int) -> None:
    """Serialise requests counted against one quota (a buyer's, a team's) on PostgreSQL; SQLite's
    writers are serialised already (BEGIN IMMEDIATE)."""
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def pending_count(
    edition: Edition, *, side: Side, buyer: User | None = None, company: ExhibitorCompany | None = None
) -> int:
    query = select(func.count(Meeting.id)).where(
        Meeting.edition_id == edition.id, Meeting.requested_by == side, Meeting.status.in_(OPEN_STATUSES)
    )
    query = (
        query.where(Meeting.buyer_id == buyer.id)
        if side == Side.BUYER
        else query.where(Meeting.company_id == company.id)
    )
    return db.session.scalar(query) or 0


def _products(company: ExhibitorCompany, product_ids: Sequence[int]) -> list[Product]:
    if not product_ids:
        return []
    if len(product_ids) > MAX_PRODUCTS:
        raise MeetingError(_("Choose at most %(count)s products.", count=MAX_PRODUCTS), "products")
    products = list(
        db.session.scalars(
            select(Product)
            .join(Booth, Booth.id == Product.booth_id)
            .where(Booth.company_id == company.id, Product.id.in_(list(product_ids)))
            .order_by(Product.position, Product.id)
        )
    )
    if len(products) != len(set(product_ids)):
        raise MeetingError(_("Choose products of this booth only."), "products")
    return products


def can_invite_buyer(company: ExhibitorCompany, buyer: User) -> bool:
    """A team may ask for a meeting only buyers it knows by name: who are named to its booth (they
    wrote to it, met it, or shared their contact details online or on a badge scan at its stand:
    expo.leads.scoring.named_clause) or have a meeting with it already."""
    from expo.leads import scoring

    if buyer.is_disabled or any(member.user_id == buyer.id for member in company.members):
        return False
    booth = booth_of(company)
    if booth is None:
        return False
    met = select(Meeting.id).where(Meeting.company_id == company.id, Meeting.buyer_id == buyer.id)
    known = db.session.scalar(
        select(or_(met.exists(), scoring.named_clause(booth, User.id))).select_from(User).where(User.id == buyer.id)
    )
    return bool(known)


def known_buyers(company: ExhibitorCompany, limit: int = 200) -> list[User]:
    """The buyers the team may invite (see ``can_invite_buyer``), by name; one query."""
    from expo.leads import scoring

    booth = booth_of(company)
    if booth is None:
        return []
    leads = scoring.leads_query(booth, days=None).subquery()
    met = select(Meeting.buyer_id).where(Meeting.company_id == company.id)
    members = select(CompanyMember.user_id).where(CompanyMember.company_id == company.id)
    return list(
        db.session.scalars(
            select(User)
            .where(
                or_(User.id.in_(select(leads.c.id).where(leads.c.named)), User.id.in_(met)),
                User.id.not_in(members),
                User.is_disabled.is_(False),
            )
            .order_by(User.name, User.id)
            .limit(limit)
        )
    )


def request_meeting(
    actor: User,
    *,
    side: Side,
    buyer: User,
    company: ExhibitorCompany,
    edition: Edition,
    data: RequestData,
    now: datetime | None = None,
) -> Meeting:
    """``actor`` (the buyer, or a member of the team) asks the other side for a meeting in ``data``'s slot."""
    now = now or utcnow()
    if side == Side.BUYER:
        ensure(actor.id == buyer.id and not is_company_member(actor, company))
        if company.status != ExhibitorCompany.Status.APPROVED:
            raise MeetingError(_("This exhibitor does not take meeting requests."))
        if team_settings(company).requests_paused:
            raise RequestsPaused(_("%(company)s is not taking meeting requests at the moment.", company=company.name))
    else:
        ensure(is_company_member(actor, company))
        if not can_invite_buyer(company, buyer):
            raise NotAllowed(_("You can invite buyers who wrote to your booth or shared their contact details."))
    if edition.status != Edition.Status.PUBLISHED:
        raise MeetingError(_("Meetings can be arranged in published editions only."))
    message = data.message.strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise MeetingError(_("Keep the message under %(count)s characters.", count=MAX_MESSAGE_LENGTH), "message")
    products = _products(company, data.product_ids)
    answering = side.other
    ends_at = _check_proposal(data.proposal, answering, buyer=buyer, company=company, edition=edition, now=now)
    settings = slots.settings_for(edition)
    if side == Side.BUYER:
        _lock(User, buyer.id)
        if pending_count(edition, side=side, buyer=buyer) >= settings.max_pending_per_buyer:
            raise QuotaReached(
                _(
                    "You have %(count)s meeting requests waiting for an answer, the most this edition "
                    "allows. Wait for answers or withdraw one first.",
                    count=settings.max_pending_per_buyer,
                )
            )
    else:
        _lock(ExhibitorCompany, company.id)
        if pending_count(edition, side=side, company=company) >= settings.max_pending_per_team:
            raise QuotaReached(
                _(
                    "Your team has %(count)s meeting requests waiting for an answer, the most this "
                    "edition allows. Wait for answers or withdraw one first.",
                    count=settings.max_pending_per_team,
                )
            )
    meeting = Meeting(
        edition_id=edition.id,
        buyer_id=buyer.id,
        company_id=company.id,
        origin=Origin.REQUESTED,
        requested_by=side,
        requester_id=actor.id,
        status=MeetingStatus.REQUESTED,
        awaiting=answering,
        mode=data.proposal.mode,
        starts_at=data.proposal.starts_at,
        ends_at=ends_at,
        message=message,
        created_at=now,
        updated_at=now,
        revision=1,
    )
    meeting.edition, meeting.company, meeting.buyer = edition, company, buyer
    meeting.products = [MeetingProduct(product_id=product.id, product_name=product.name) for product in products]
    if side == Side.TEAM:
        _apply_arrangement(meeting, data.arrangement or Arrangement((actor.id,)), data.proposal.mode)
    db.session.add(meeting)
    db.session.flush()
    _announce(meeting, "requested", side)
    return meeting


# --- answering -----------------------------------------------------------------------------------


def _turn(actor: User, meeting: Meeting) -> Side:
    side = side_of(actor, meeting)
    ensure(side is not None)
    return side


def _expect_turn(actor: User, meeting: Meeting, revision: int) -> Side:
    side = _turn(actor, meeting)
    if not meeting.is_open or meeting.revision != revision:
        raise MeetingConflict(_("This meeting changed meanwhile; here is where it stands now."))
    if meeting.awaiting != side:
        raise MeetingConflict(_("It is the other side's turn to answer."))
    return side


def _move(meeting: Meeting, revision: int, statuses: Iterable[str], now: datetime, **values) -> None:
    """The conditional UPDATE that makes two clicks (or two people) decide once."""
    result = db.session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.revision == revision,
            Meeting.status.in_([str(status) for status in statuses]),
        )
        .values(revision=Meeting.revision + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(meeting)
        raise MeetingConflict(_("This meeting changed meanwhile; here is where it stands now."))
    db.session.expire(meeting, ["revision", "status", "awaiting", "updated_at", *values])


def _holders(meeting: Meeting) -> list[int]:
    return [meeting.buyer_id] + [attendee.user_id for attendee in meeting.attendees]


def _describe_busy(meeting: Meeting, person_ids: Iterable[int], table_id: int | None) -> str:
    when = datetime_in_zone(meeting.starts_at, _viewer_zone(), "time", named=False)
    busy_table = table_id is not None and db.session.scalar(
        select(MeetingHold.id)
        .join(Meeting, Meeting.id == MeetingHold.meeting_id)
        .where(
            MeetingHold.table_id == table_id,
            MeetingHold.meeting_id != meeting.id,
            MeetingHold.slot_start.in_(slots.stretches(meeting.starts_at, meeting.ends_at)),
        )
        .limit(1)
    )
    if busy_table:
        name = meeting.table.name if meeting.table else _("The table")
    else:
        names = [user.name for user in _busy_people(meeting, person_ids)]
        name = ", ".join(names) if names else _("Someone")
    return _("%(name)s is no longer free at %(time)s; pick another slot.", name=name, time=when)


def _viewer_zone() -> str:
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and current_user.is_authenticated:
        return current_user.timezone
    return "UTC"


def _busy_people(meeting: Meeting, person_ids: Iterable[int]) -> list[User]:
    """The people of ``person_ids`` an accepted meeting other than this one holds during its slot."""
    overlapping = select(Meeting.id).where(
        Meeting.id != meeting.id,
        Meeting.status == MeetingStatus.ACCEPTED,
        Meeting.starts_at < meeting.ends_at,
        Meeting.ends_at > meeting.starts_at,
    )
    ids = list(person_ids)
    busy_ids = set(
        db.session.scalars(select(Meeting.buyer_id).where(Meeting.id.in_(overlapping), Meeting.buyer_id.in_(ids)))
    )
    busy_ids |= set(
        db.session.scalars(
            select(MeetingAttendee.user_id).where(
                MeetingAttendee.meeting_id.in_(overlapping), MeetingAttendee.user_id.in_(ids)
            )
        )
    )
    return [db.session.get(User, user_id) for user_id in ids if user_id in busy_ids]


def _table_busy(meeting: Meeting) -> bool:
    if meeting.table_id is None:
        return False
    return (
        db.session.scalar(
            select(func.count(Meeting.id)).where(
                Meeting.id != meeting.id,
                Meeting.status == MeetingStatus.ACCEPTED,
                Meeting.table_id == meeting.table_id,
                Meeting.starts_at < meeting.ends_at,
                Meeting.ends_at > meeting.starts_at,
            )
        )
        > 0
    )


def take_holds(meeting: Meeting) -> None:
    """Hold the meeting's slot for the buyer, each attendee and its table, or say who is busy.

    First a read (who already has an accepted meeting then), for a clear message in the common
    case; then the guard: the holds' unique keys, which a concurrent acceptance cannot pass.
    """
    people = _holders(meeting)
    if _busy_people(meeting, people) or _table_busy(meeting):
        raise SlotTaken(_describe_busy(meeting, people, meeting.table_id if _table_busy(meeting) else None), "slot")
    if not _guarded():
        return
    rows = [
        {"meeting_id": meeting.id, "person_id": person, "table_id": None, "slot_start": start}
        for person in people
        for start in slots.stretches(meeting.starts_at, meeting.ends_at)
    ]
    if meeting.place == Place.TABLE and meeting.table_id is not None:
        rows += [
            {"meeting_id": meeting.id, "person_id": None, "table_id": meeting.table_id, "slot_start": start}
            for start in slots.stretches(meeting.starts_at, meeting.ends_at)
        ]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(MeetingHold), rows)
    except IntegrityError:
        # Another acceptance committed a hold on one of these stretches first (on PostgreSQL we
        # waited for it): now it is visible, and the message can name who is busy.
        raise SlotTaken(_describe_busy(meeting, people, meeting.table_id), "slot") from None


def release_holds(meeting: Meeting) -> None:
    db.session.execute(delete(MeetingHold).where(MeetingHold.meeting_id == meeting.id))


def accept(
    actor: User, meeting: Meeting, revision: int, *, arrangement: Arrangement | None = None, now: datetime | None = None
) -> Meeting:
    """The awaited side accepts the slot proposed; the team with its arrangement (who, where)."""
    now = now or utcnow()
    side = _expect_turn(actor, meeting, revision)
    if meeting.starts_at <= now:
        raise MeetingConflict(_("This slot has passed; propose another one."), "slot")
    if side == Side.TEAM:
        _apply_arrangement(meeting, arrangement or Arrangement((actor.id,)), Mode(meeting.mode))
        db.session.flush()
    elif meeting.place is None or not meeting.attendees:
        raise MeetingConflict(_("The team has not said where and with whom yet."))
    _move(meeting, revision, OPEN_STATUSES, now, status=MeetingStatus.ACCEPTED, awaiting=None, accepted_at=now)
    take_holds(meeting)
    _announce(meeting, "accepted", side)
    return meeting


def decline(actor: User, meeting: Meeting, revision: int, reason: str, *, now: datetime | None = None) -> Meeting:
    now = now or utcnow()
    side = _expect_turn(actor, meeting, revision)
    reason = _reason(reason)
    _move(meeting, revision, OPEN_STATUSES, now, status=MeetingStatus.DECLINED, awaiting=None, reason=reason)
    _announce(meeting, "declined", side)
    return meeting


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise MeetingError(_("Give a reason: the other side reads it."), "reason")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MeetingError(_("Keep the message under %(count)s characters.", count=MAX_MESSAGE_LENGTH), "reason")
    return text


def _propose(
    actor: User, meeting: Meeting, side: Side, proposal: Proposal, arrangement: Arrangement | None, now: datetime
) -> datetime:
    ends_at = _check_proposal(
        proposal, side.other, buyer=meeting.buyer, company=meeting.company, edition=meeting.edition, now=now
    )
    if side == Side.TEAM:
        _apply_arrangement(meeting, arrangement or Arrangement((actor.id,)), proposal.mode)
    elif proposal.mode != meeting.mode:
        meeting.place, meeting.table, meeting.table_id, meeting.video_url = (
            None,
            None,
            None,
            "",
        )  # the team decides the new place
    db.session.flush()
    return ends_at


def counter(
    actor: User,
    meeting: Meeting,
    revision: int,
    proposal: Proposal,
    *,
    reason: str = "",
    arrangement: Arrangement | None = None,
    now: datetime | None = None,
) -> Meeting:
    """The awaited side proposes another slot, from the other side's availability."""
    now = now or utcnow()
    side = _expect_turn(actor, meeting, revision)
    ends_at = _propose(actor, meeting, side, proposal, arrangement, now)
    _move(
        meeting,
        revision,
        OPEN_STATUSES,
        now,
        status=MeetingStatus.COUNTERED,
        awaiting=side.other,
        mode=proposal.mode,
        starts_at=proposal.starts_at,
        ends_at=ends_at,
        reason=(reason or "").strip()[:2000],
    )
    _announce(meeting, "countered", side)
    return meeting


def reschedule(
    actor: User,
    meeting: Meeting,
    revision: int,
    proposal: Proposal,
    *,
    reason: str,
    arrangement: Arrangement | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Either side moves an accepted meeting: the slot is given back and the other side answers."""
    now = now or utcnow()
    side = _turn(actor, meeting)
    if meeting.status != MeetingStatus.ACCEPTED or meeting.revision != revision:
        raise MeetingConflict(_("This meeting changed meanwhile; here is where it stands now."))
    reason = _reason(reason)
    release_holds(meeting)
    ends_at = _propose(actor, meeting, side, proposal, arrangement, now)
    _move(
        meeting,
        revision,
        (MeetingStatus.ACCEPTED,),
        now,
        status=MeetingStatus.COUNTERED,
        awaiting=side.other,
        mode=proposal.mode,
        starts_at=proposal.starts_at,
        ends_at=ends_at,
        reason=reason,
        accepted_at=None,
    )
    _announce(meeting, "rescheduled", side)
    return meeting


def cancel(actor: User, meeting: Meeting, revision: int, reason: str, *, now: datetime | None = None) -> Meeting:
    """Either side cancels an accepted meeting; the side that asked withdraws an open request."""
    now = now or utcnow()
    side = _turn(actor, meeting)
    if meeting.revision != revision:
        raise MeetingConflict(_("This meeting changed meanwhile; here is where it stands now."))
    if meeting.is_open and meeting.awaiting == side:
        raise MeetingConflict(_("Decline the request instead: it is waiting for your answer."))
    if not (meeting.is_open or meeting.is_accepted):
        raise MeetingConflict(_("This meeting is not on any more."))
    if meeting.is_accepted and meeting.starts_at <= now:
        raise MeetingConflict(_("This meeting has begun: mark it held or missed instead."))
    reason = _reason(reason)
    release_holds(meeting)
    _move(
        meeting,
        revision,
        (*OPEN_STATUSES, MeetingStatus.ACCEPTED),
        now,
        status=MeetingStatus.CANCELLED,
        awaiting=None,
        reason=reason,
    )
    _announce(meeting, "cancelled", side)
    return meeting


def record_outcome(
    actor: User, meeting: Meeting, outcome: Outcome, note: str = "", *, now: datetime | None = None
) -> Meeting:
    """Each side says, once the meeting has begun, whether it took place, with a note of its own."""
    now = now or utcnow()
    side = _turn(actor, meeting)
    if not meeting.is_accepted:
        raise MeetingConflict(_("Only an accepted meeting can be marked held or missed."))
    if meeting.starts_at > now:
        raise MeetingConflict(_("You can say how it went once the meeting has begun."))
    note = (note or "").strip()
    if len(note) > MAX_MESSAGE_LENGTH:
        raise MeetingError(_("Keep the message under %(count)s characters.", count=MAX_MESSAGE_LENGTH), "note")
    before = meeting.buyer_outcome if side == Side.BUYER else meeting.team_outcome
    if side == Side.BUYER:
        meeting.buyer_outcome, meeting.buyer_note = Outcome(outcome), note
    else:
        meeting.team_outcome, meeting.team_note = Outcome(outcome), note
    meeting.updated_at = now
    db.session.flush()
    if before != outcome:  # a note added later tells nobody
        webhooks.meeting_changed(meeting, str(Outcome(outcome)), str(side), booth_of(meeting.company))
    return meeting


def book_scheduled_meeting(
    actor: User,
    *,
    edition: Edition,
    buyer: User,
    company: ExhibitorCompany,
    proposal: Proposal,
    arrangement: Arrangement,
    now: datetime | None = None,
) -> Meeting:
    """A meeting the organizers' schedule places (the hosted-buyer programme): accepted at once,
    through the same holds, so a published plan can never double-book anyone either."""
    now = now or utcnow()
    ensure(can_manage_edition(actor, edition))
    settings = slots.settings_for(edition)
    if not slots.is_slot(edition, settings, proposal.mode, proposal.starts_at):
        raise MeetingError(_("Choose one of the slots offered."), "slot")
    meeting = Meeting(
        edition_id=edition.id,
        buyer_id=buyer.id,
        company_id=company.id,
        origin=Origin.SCHEDULED,
        requested_by=Side.TEAM,
        requester_id=actor.id,
        status=MeetingStatus.ACCEPTED,
        awaiting=None,
        mode=proposal.mode,
        starts_at=proposal.starts_at,
        ends_at=proposal.starts_at + timedelta(minutes=settings.slot_minutes),
        created_at=now,
        updated_at=now,
        accepted_at=now,
        revision=1,
    )
    meeting.edition, meeting.company, meeting.buyer = edition, company, buyer
    _apply_arrangement(meeting, arrangement, proposal.mode)
    db.session.add(meeting)
    db.session.flush()
    take_holds(meeting)
    _announce(meeting, "scheduled", Side.TEAM)
    return meeting


def _announce(meeting: Meeting, event: str, acting: Side) -> None:
    """The other side is told after the commit; webhook subscribers' deliveries are written now, with the change."""
    enqueue_after_commit(MEETING_TASK, meeting.id, event, str(acting), _current_revision(meeting))
    webhooks.meeting_changed(meeting, event, str(acting), booth_of(meeting.company))


def _current_revision(meeting: Meeting) -> int:
    return db.session.scalar(select(Meeting.revision).where(Meeting.id == meeting.id))


# --- lists ---------------------------------------------------------------------------------------


def _with_people(query):
    # One row each (a meeting's buyer, company, table and edition; an attendee's person) is joined
    # to the row that names it: as statements of their own they were four of the agenda's sixteen.
    return query.options(
        joinedload(Meeting.buyer),
        joinedload(Meeting.company),
        joinedload(Meeting.table),
        joinedload(Meeting.edition),
        selectinload(Meeting.attendees).joinedload(MeetingAttendee.user),
        selectinload(Meeting.products).joinedload(MeetingProduct.product),
    )


@dataclass(frozen=True)
class MeetingFilter:
    """Narrows a person's meetings to one edition's, and to those of one origin (the hosted-buyer
    programme's are ``Origin.SCHEDULED``)."""

    edition_id: int | None = None
    origin: Origin | None = None

    def apply(self, query):
        if self.edition_id is not None:
            query = query.where(Meeting.edition_id == self.edition_id)
        if self.origin is not None:
            query = query.where(Meeting.origin == self.origin)
        return query


def buyer_meetings_query(user: User, narrow: MeetingFilter | None = None):
    query = select(Meeting).where(Meeting.buyer_id == user.id)
    if narrow is not None:
        query = narrow.apply(query)
    return _with_people(query.order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


def person_meetings_query(user: User):
    """Every meeting ``user`` takes part in: as the buyer, or attending for a team; latest first."""
    attending = select(MeetingAttendee.meeting_id).where(MeetingAttendee.user_id == user.id)
    return _with_people(
        select(Meeting)
        .where(or_(Meeting.buyer_id == user.id, Meeting.id.in_(attending)))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


def company_meetings_query(company: ExhibitorCompany):
    """Every meeting of the team, latest first (the inbox's tabs, unsplit)."""
    return _with_people(
        select(Meeting).where(Meeting.company_id == company.id).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


def booths_of(company_ids: Iterable[int]) -> dict[int, Booth]:
    """Each company's booth, for a list of meetings: one query."""
    ids = set(company_ids)
    if not ids:
        return {}
    return {booth.company_id: booth for booth in db.session.scalars(select(Booth).where(Booth.company_id.in_(ids)))}


TEAM_TABS = ("awaiting_you", "awaiting_them", "upcoming", "past")


def team_meetings_query(company: ExhibitorCompany, tab: str, now: datetime | None = None):
    now = now or utcnow()
    query = select(Meeting).where(Meeting.company_id == company.id)
    if tab == "awaiting_you":
        query = query.where(Meeting.status.in_(OPEN_STATUSES), Meeting.awaiting == Side.TEAM).order_by(
            Meeting.starts_at
        )
    elif tab == "awaiting_them":
        query = query.where(Meeting.status.in_(OPEN_STATUSES), Meeting.awaiting == Side.BUYER).order_by(
            Meeting.starts_at
        )
    elif tab == "upcoming":
        query = query.where(Meeting.status == MeetingStatus.ACCEPTED, Meeting.ends_at > now).order_by(Meeting.starts_at)
    else:
        query = query.where(
            or_(Meeting.status.in_([MeetingStatus.DECLINED, MeetingStatus.CANCELLED]), Meeting.ends_at <= now)
        ).order_by(Meeting.starts_at.desc())
    return _with_people(query.order_by(Meeting.id))


def team_tab_counts(company: ExhibitorCompany, now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    is_open = Meeting.status.in_(OPEN_STATUSES)
    row = db.session.execute(
        select(
            func.sum(case((and_(is_open, Meeting.awaiting == Side.TEAM), 1), else_=0)),
            func.sum(case((and_(is_open, Meeting.awaiting == Side.BUYER), 1), else_=0)),
            func.sum(case((and_(Meeting.status == MeetingStatus.ACCEPTED, Meeting.ends_at > now), 1), else_=0)),
        ).where(Meeting.company_id == company.id)
    ).one()
    return {"awaiting_you": row[0] or 0, "awaiting_them": row[1] or 0, "upcoming": row[2] or 0}


def agenda_meetings(user: User, *, since: datetime | None = None, narrow: MeetingFilter | None = None) -> list[Meeting]:
    """The accepted meetings ``user`` attends (as the buyer or for the team), from ``since`` on:
    requested and scheduled (hosted-buyer programme) alike."""
    attending = select(MeetingAttendee.meeting_id).where(MeetingAttendee.user_id == user.id)
    query = select(Meeting).where(
        Meeting.status == MeetingStatus.ACCEPTED, or_(Meeting.buyer_id == user.id, Meeting.id.in_(attending))
    )
    if since is not None:
        query = query.where(Meeting.ends_at > since)
    if narrow is not None:
        query = narrow.apply(query)
    return list(db.session.scalars(_with_people(query.order_by(Meeting.starts_at, Meeting.id))))


def find_meeting(meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        _with_people(select(Meeting).where(Meeting.id == meeting_id)).options(
            joinedload(Meeting.company).selectinload(ExhibitorCompany.members)
        )
    )


# --- availability --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowData:
    mode: Mode
    day: date
    starts: time
    ends: time
    edition_id: int | None = None


def add_availability(actor: User, data: WindowData, *, now: datetime | None = None) -> Availability:
    """A window when ``actor`` can meet, typed in their own zone."""
    now = now or utcnow()
    zone = slots.zone_of(actor.timezone)
    if data.ends <= data.starts:
        raise MeetingError(_("The end must be after the start."), "ends")
    starts_at, ends_at = slots.at(data.day, data.starts, zone), slots.at(data.day, data.ends, zone)
    if ends_at <= now:
        raise MeetingError(_("Choose a time in the future."), "day")
    edition = None
    if data.mode == Mode.VENUE:
        edition = db.session.get(Edition, data.edition_id) if data.edition_id else None
        if edition is None or edition.status != Edition.Status.PUBLISHED:
            raise MeetingError(_("Choose the edition whose venue you will be at."), "edition")
        settings = slots.settings_for(edition)
        if not any(starts_at < closes and ends_at > opens for opens, closes in slots.venue_hours(edition, settings)):
            days = f"{edition.starts_on.isoformat()} – {edition.ends_on.isoformat()}"
            raise MeetingError(
                _(
                    "This is outside the meeting hours of %(edition)s: %(start)s to %(end)s venue time (%(zone)s), "
                    "%(days)s.",
                    edition=edition.name,
                    start=settings.day_starts.strftime("%H:%M"),
                    end=settings.day_ends.strftime("%H:%M"),
                    zone=edition.timezone,
                    days=days,
                ),
                "day",
            )
    elif data.day > (now + timedelta(days=366)).date():
        raise MeetingError(_("Choose a day within the coming year."), "day")
    count = db.session.scalar(
        select(func.count(Availability.id)).where(Availability.user_id == actor.id, Availability.ends_at > now)
    )
    if count >= MAX_AVAILABILITY_WINDOWS:
        raise MeetingError(
            _("You have %(count)s times set already; remove some you no longer need.", count=MAX_AVAILABILITY_WINDOWS)
        )
    window = Availability(
        user_id=actor.id,
        mode=data.mode,
        edition_id=edition.id if edition else None,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    db.session.add(window)
    db.session.flush()
    return window


def remove_availability(actor: User, window: Availability) -> None:
    ensure(window.user_id == actor.id)
    db.session.delete(window)
    db.session.flush()


def availability_of(user: User, *, now: datetime | None = None) -> list[Availability]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Availability)
            .options(selectinload(Availability.edition))
            .where(Availability.user_id == user.id, Availability.ends_at > now)
            .order_by(Availability.starts_at)
        )
    )


def meeting_editions(today: date | None = None) -> list[Edition]:
    """Published editions whose venue is still ahead (or on): where venue availability can be set."""
    today = today or utcnow().date()
    return list(
        db.session.scalars(
            select(Edition)
            .where(Edition.status == Edition.Status.PUBLISHED, Edition.ends_on >= today)
            .order_by(Edition.starts_on)
        )
    )


# --- the team's own settings ------------------------------------------------------------------------


def set_team_settings(actor: User, company: ExhibitorCompany, *, requests_paused: bool, video_url: str) -> None:
    ensure(is_company_member(actor, company))
    video_url = video_url.strip()
    if video_url and not is_https_url(video_url):
        raise MeetingError(_("Enter the video link as a full https:// address."), "video_url")
    settings = db.session.get(TeamMeetingSettings, company.id)
    if settings is None:
        settings = TeamMeetingSettings(company_id=company.id, requests_paused=False)
        db.session.add(settings)
    was_paused = bool(settings.requests_paused)
    settings.requests_paused = requests_paused
    settings.video_url = video_url
    db.session.flush()
    if was_paused != requests_paused:
        # The organizers of the edition the team's meetings are arranged under can trace it.
        edition = meeting_edition(booth_of(company))
        record(
            actor,
            AuditAction.MEETING_REQUESTS_PAUSED if requests_paused else AuditAction.MEETING_REQUESTS_RESUMED,
            company,
            edition_id=edition.id if edition is not None else None,
            before={"requests_paused": was_paused},
            after={"requests_paused": requests_paused},
        )


# --- the organizers' rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsData:
    slot_minutes: int
    day_starts: time
    day_ends: time
    max_pending_per_buyer: int
    max_pending_per_team: int


def save_settings(actor: User, edition: Edition, data: SettingsData) -> MeetingSettings:
    ensure(can_manage_edition(actor, edition))
    if data.slot_minutes not in SLOT_LENGTHS:
        raise MeetingError(_("Choose one of the slot lengths offered."), "slot_minutes")
    if data.day_ends <= data.day_starts:
        raise MeetingError(_("Meeting hours must end after they start."), "day_ends")
    if data.day_starts.minute % 5 or data.day_ends.minute % 5:
        raise MeetingError(_("Start and end meeting hours on a multiple of five minutes."), "day_starts")
    if not (1 <= data.max_pending_per_buyer <= 1000 and 1 <= data.max_pending_per_team <= 10000):
        raise MeetingError(_("Choose a limit of at least 1."), "max_pending_per_buyer")
    current = slots.settings_for(edition)
    if current.slot_minutes != data.slot_minutes and db.session.scalar(
        select(func.count(Meeting.id)).where(
            Meeting.edition_id == edition.id, Meeting.status.in_([*OPEN_STATUSES, MeetingStatus.ACCEPTED])
        )
    ):
        raise MeetingError(
            _(
                "Meetings are already arranged in %(minutes)s-minute slots: the slot length can no longer change.",
                minutes=current.slot_minutes,
            ),
            "slot_minutes",
        )
    settings = db.session.get(MeetingSettings, edition.id)
    if settings is None:
        settings = MeetingSettings(edition_id=edition.id)
        db.session.add(settings)
    before = _rules(current)
    settings.slot_minutes = data.slot_minutes
    settings.day_starts, settings.day_ends = data.day_starts, data.day_ends
    settings.max_pending_per_buyer = data.max_pending_per_buyer
    settings.max_pending_per_team = data.max_pending_per_team
    db.session.flush()
    after = _rules(settings)
    changed = [key for key in after if before[key] != after[key]]
    if changed:
        record(
            actor,
            AuditAction.MEETING_RULES_CHANGED,
            _rules_subject(edition),
            edition_id=edition.id,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return settings


def _rules(settings: MeetingSettings) -> dict[str, object]:
    return {
        "slot_minutes": settings.slot_minutes,
        "day_starts": settings.day_starts.strftime("%H:%M"),
        "day_ends": settings.day_ends.strftime("%H:%M"),
        "max_pending_per_buyer": settings.max_pending_per_buyer,
        "max_pending_per_team": settings.max_pending_per_team,
    }


def _rules_subject(edition: Edition) -> Subject:
    return Subject(AuditObject.MEETING_RULES, edition.id, edition.name)


def _record_table(actor: User, table: MeetingTable, *, added: bool) -> None:
    """Audit a table added or removed: its name and seats stand on the side of the change where it exists."""
    seats = {"name": table.name, "capacity": table.capacity}
    record(
        actor,
        AuditAction.MEETING_TABLE_ADDED if added else AuditAction.MEETING_TABLE_REMOVED,
        Subject(AuditObject.MEETING_TABLE, table.id, table.name),
        edition_id=table.edition_id,
        before=None if added else seats,
        after=seats if added else None,
    )


def add_table(actor: User, edition: Edition, name: str, capacity: int) -> MeetingTable:
    ensure(can_manage_edition(actor, edition))
    name = name.strip()
    if not name or len(name) > 60:
        raise MeetingError(_("Name the table (at most 60 characters)."), "name")
    if not 2 <= capacity <= 50:
        raise MeetingError(_("A table seats between 2 and 50 people."), "capacity")
    if (
        db.session.scalar(select(func.count(MeetingTable.id)).where(MeetingTable.edition_id == edition.id))
        >= MAX_TABLES
    ):
        raise MeetingError(_("An edition has at most %(count)s meeting tables.", count=MAX_TABLES))
    if db.session.scalar(
        select(MeetingTable.id).where(MeetingTable.edition_id == edition.id, MeetingTable.name == name)
    ):
        raise MeetingError(_("There is a table of that name already."), "name")
    table = MeetingTable(edition_id=edition.id, name=name, capacity=capacity)
    db.session.add(table)
    db.session.flush()
    _record_table(actor, table, added=True)
    return table


def delete_table(actor: User, table: MeetingTable) -> None:
    ensure(can_manage_edition(actor, table.edition))
    in_use = db.session.scalar(
        select(func.count(Meeting.id)).where(
            Meeting.table_id == table.id, Meeting.status.in_([*OPEN_STATUSES, MeetingStatus.ACCEPTED])
        )
    )
    if in_use:
        raise MeetingConflict(
            _("%(table)s has meetings arranged at it: they must move or end first.", table=table.name)
        )
    db.session.execute(
        update(Meeting)
        .where(Meeting.table_id == table.id)
        .values(table_id=None, place=None)
        .execution_options(synchronize_session=False)
    )
    _record_table(actor, table, added=False)
    db.session.delete(table)
    db.session.flush()


# --- statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsRow:
    label: str
    requested: int
    accepted: int
    held: int


def _counts():
    held = or_(Meeting.buyer_outcome == Outcome.HELD, Meeting.team_outcome == Outcome.HELD)
    return (
        func.count(Meeting.id),
        func.sum(case((Meeting.accepted_at.is_not(None), 1), else_=0)),
        func.sum(case((held, 1), else_=0)),
    )


def statistics_by_pavilion(edition: Edition) -> list[tuple[Pavilion | None, int, int, int]]:
    """(pavilion or None for booths not placed, requested, accepted, held), in the pavilions' order."""
    placement = (
        select(BoothPlacement.pavilion_id, Booth.company_id)
        .join(Booth, Booth.id == BoothPlacement.booth_id)
        .where(BoothPlacement.edition_id == edition.id)
        .subquery()
    )
    rows = db.session.execute(
        select(placement.c.pavilion_id, *_counts())
        .select_from(Meeting)
        .outerjoin(placement, placement.c.company_id == Meeting.company_id)
        .where(Meeting.edition_id == edition.id)
        .group_by(placement.c.pavilion_id)
    ).all()
    pavilions = {pavilion.id: pavilion for pavilion in edition.pavilions}
    result = [
        (pavilions.get(pavilion_id), requested, accepted or 0, held or 0)
        for pavilion_id, requested, accepted, held in rows
    ]
    return sorted(
        result, key=lambda row: (row[0] is None, row[0].position if row[0] else 0, row[0].name if row[0] else "")
    )


def statistics_by_country(edition: Edition) -> list[tuple[str | None, int, int, int]]:
    """(buyer's country or None, requested, accepted, held), most requested first."""
    rows = db.session.execute(
        select(User.country, *_counts())
        .select_from(Meeting)
        .join(User, User.id == Meeting.buyer_id)
        .where(Meeting.edition_id == edition.id)
        .group_by(User.country)
    ).all()
    return sorted(
        ((country, requested, accepted or 0, held or 0) for country, requested, accepted, held in rows),
        key=lambda row: (-row[1], row[0] or "~"),
    )


def held_meetings_with(buyer_id: int, company_id: int) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(
                Meeting.buyer_id == buyer_id,
                Meeting.company_id == company_id,
                or_(Meeting.buyer_outcome == Outcome.HELD, Meeting.team_outcome == Outcome.HELD),
            )
        )
    )
