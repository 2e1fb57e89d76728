"""Lead scores: each signed-in visitor's engagement with a booth, aggregated in SQL and ranked.

One visitor is one lead of a booth, however they reached it: online (the booth's engagement log,
engagement_events), by writing (trade_inquiries), in a meeting (meetings) or at the stand, where the
team scanned their badge (stand_scans). Score = Σ weight(interaction) × recency(interaction):

| interaction       | weight |     | age of the interaction | recency |
| ----------------- | ------ | --- | ---------------------- | ------- |
| booth visit       | 1      |     | up to 7 days           | 1       |
| product view      | 2      |     | 8 to 30 days           | 0.5     |
| video play        | 3      |     | 31 to 90 days          | 0.25    |
| brochure download | 5      |     | older                  | 0.1     |
| inquiry           | 20     |     |                        |         |
| stand scan        | 25     |     |                        |         |
| order request     | 30     |     |                        |         |
| meeting held      | 40     |     |                        |         |
| rated 4 at the stand | +10 |     |                        |         |
| rated 5 at the stand | +20 |     |                        |         |

A meeting counts once either side marked it held (expo.meetings), dated by its start. A stand scan
counts each time the team scanned the badge (a second conversation is worth as much as the first),
dated by the device's clock; the rating bonus counts once per lead, for the team's latest rating of
the visitor (a later 2 takes back an earlier 5) and dated by that scan. The `inquiry` rows of the
engagement log are not counted: the inquiries table scores them, with the order request's higher
weight. Recency comes in steps rather than a smooth curve so it is the same plain CASE on SQLite and
PostgreSQL and keeps the ranking readable ("this week counts double").

Privacy: a visitor is named (name, organisation, country, job title, e-mail) only when they sent the
booth an inquiry, met its team, chose "share my contact details with booths I visit" and visited it
online, or chose "share my contact details when an exhibitor scans my badge" and the team scanned it
(``named_clause``: one rule for the ranking, the lead page, the report and the API). A visitor the
team scanned without that consent is a lead shown by organisation and country only. Everybody else
is counted in aggregate only (visitors by country); the booth's own team is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.engagement.models import EngagementEvent
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
from expo.leads.models import StandScan, TradeInquiry
from expo.meetings.models import Meeting, Outcome

EVENT_WEIGHTS = {
    EngagementEvent.BOOTH_VISIT: 1,
    EngagementEvent.PRODUCT_VIEW: 2,
    EngagementEvent.VIDEO_PLAY: 3,
    EngagementEvent.BROCHURE_DOWNLOAD: 5,
}
INQUIRY_WEIGHTS = {TradeInquiry.Kind.INQUIRY: 20, TradeInquiry.Kind.ORDER_REQUEST: 30}
MEETING_HELD_WEIGHT = 40
STAND_SCAN_WEIGHT = 25
# The team's latest rating of a visitor at the stand: a hot lead climbs, once.
RATING_BONUS = {4: 10, 5: 20}
# (age up to, factor); anything older counts OLDER_FACTOR.
RECENCY_STEPS = ((timedelta(days=7), 1.0), (timedelta(days=30), 0.5), (timedelta(days=90), 0.25))
OLDER_FACTOR = 0.1
WINDOWS = (30, 90, 365)  # the ranking's period choices, in days; None = all time
DEFAULT_WINDOW = 90
COUNTRIES_SHOWN = 8


def recency(column, now: datetime):
    return case(*[(column >= now - age, factor) for age, factor in RECENCY_STEPS], else_=OLDER_FACTOR)


def _team_ids(booth: Booth):
    return select(CompanyMember.user_id).where(CompanyMember.company_id == booth.company_id)


def _count_of(column, value):
    return func.sum(case((column == value, 1), else_=0))


_HELD = or_(Meeting.buyer_outcome == Outcome.HELD, Meeting.team_outcome == Outcome.HELD)


def named_clause(booth: Booth, user_id) -> ColumnElement[bool]:
    """Whether the visitor ``user_id`` (a column, in a query that also reads their ``User`` row) is
    named to the booth's team: they wrote to it, met it, shared their contact details with the booths
    they visit and visited it online, or shared them on a badge scan and the team scanned their badge."""
    wrote = select(TradeInquiry.id).where(TradeInquiry.booth_id == booth.id, TradeInquiry.buyer_id == user_id)
    met = select(Meeting.id).where(Meeting.company_id == booth.company_id, Meeting.buyer_id == user_id, _HELD)
    visited = select(EngagementEvent.id).where(
        EngagementEvent.booth_id == booth.id,
        EngagementEvent.user_id == user_id,
        EngagementEvent.kind != EngagementEvent.INQUIRY,
    )
    scanned = select(StandScan.id).where(
        StandScan.booth_id == booth.id,
        StandScan.visitor_id == user_id,
        StandScan.outcome == StandScan.Outcome.RECORDED,
    )
    return or_(
        wrote.exists(),
        met.exists(),
        and_(User.share_contact_with_booths.is_(True), visited.exists()),
        and_(User.share_contact_on_badge_scan.is_(True), scanned.exists()),
    )


def named_visitor_ids(booth: Booth, user_ids) -> set[int]:
    """Which of ``user_ids`` are named to the booth's team (``named_clause``); one query."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(User.id).where(User.id.in_(list(user_ids)), named_clause(booth, User.id))))


# What a lead's row counts, per visitor (the score and what makes it).
COUNTS = (
    "score",
    "visits",
    "product_views",
    "downloads",
    "video_plays",
    "inquiries",
    "order_requests",
    "meetings",
    "stand_scans",
)
# The columns every part of a score has, in the order of the union; a part leaves out what it does not count.
_COLUMNS = (*COUNTS, "last_seen")


def _part(user_id, **columns) -> Select:
    return select(user_id.label("user_id"), *[columns.get(name, literal(0)).label(name) for name in _COLUMNS])


def _per_user(booth: Booth, since: datetime | None, now: datetime):
    """One row per (visitor, source): the engagement log's, inquiries', meetings' and stand scans' part of each score."""
    event = EngagementEvent
    event_weight = case(*[(event.kind == kind, weight) for kind, weight in EVENT_WEIGHTS.items()], else_=0)
    events = (
        _part(
            event.user_id,
            score=func.sum(event_weight * recency(event.occurred_at, now)),
            visits=_count_of(event.kind, event.BOOTH_VISIT),
            product_views=_count_of(event.kind, event.PRODUCT_VIEW),
            downloads=_count_of(event.kind, event.BROCHURE_DOWNLOAD),
            video_plays=_count_of(event.kind, event.VIDEO_PLAY),
            last_seen=func.max(event.occurred_at),
        )
        .where(event.booth_id == booth.id, event.user_id.is_not(None), event.kind != event.INQUIRY)
        .group_by(event.user_id)
    )
    inquiry = TradeInquiry
    inquiry_weight = case(*[(inquiry.kind == kind, weight) for kind, weight in INQUIRY_WEIGHTS.items()], else_=0)
    inquiries = (
        _part(
            inquiry.buyer_id,
            score=func.sum(inquiry_weight * recency(inquiry.created_at, now)),
            inquiries=_count_of(inquiry.kind, inquiry.Kind.INQUIRY),
            order_requests=_count_of(inquiry.kind, inquiry.Kind.ORDER_REQUEST),
            last_seen=func.max(inquiry.created_at),
        )
        .where(inquiry.booth_id == booth.id)
        .group_by(inquiry.buyer_id)
    )
    meetings = (
        _part(
            Meeting.buyer_id,
            score=func.sum(MEETING_HELD_WEIGHT * recency(Meeting.starts_at, now)),
            meetings=func.count(Meeting.id),
            last_seen=func.max(Meeting.starts_at),
        )
        .where(Meeting.company_id == booth.company_id, _HELD)
        .group_by(Meeting.buyer_id)
    )
    scan = StandScan
    recorded = (scan.booth_id == booth.id, scan.visitor_id.is_not(None), scan.outcome == scan.Outcome.RECORDED)
    scans = (
        _part(
            scan.visitor_id,
            score=func.sum(STAND_SCAN_WEIGHT * recency(scan.scanned_at, now)),
            stand_scans=func.count(scan.id),
            last_seen=func.max(scan.scanned_at),
        )
        .where(*recorded)
        .group_by(scan.visitor_id)
    )
    # The latest rated scan of each visitor: no rated scan of theirs at this booth is later.
    later = aliased(StandScan)
    rating_bonus = case(*[(scan.rating == rating, bonus) for rating, bonus in RATING_BONUS.items()], else_=0)
    ratings = _part(
        scan.visitor_id, score=rating_bonus * recency(scan.scanned_at, now), last_seen=scan.scanned_at
    ).where(
        *recorded,
        scan.rating.in_(list(RATING_BONUS)),
        ~select(later.id)
        .where(
            later.booth_id == booth.id,
            later.visitor_id == scan.visitor_id,
            later.outcome == StandScan.Outcome.RECORDED,
            later.rating.is_not(None),
            or_(later.scanned_at > scan.scanned_at, and_(later.scanned_at == scan.scanned_at, later.id > scan.id)),
        )
        .exists(),
    )
    if since is not None:
        events = events.where(event.occurred_at >= since)
        inquiries = inquiries.where(inquiry.created_at >= since)
        meetings = meetings.where(Meeting.starts_at >= since)
        scans = scans.where(scan.scanned_at >= since)
        ratings = ratings.where(scan.scanned_at >= since)
    return union_all(events, inquiries, meetings, scans, ratings).subquery("parts")


def leads_query(booth: Booth, *, days: int | None = DEFAULT_WINDOW, now: datetime | None = None) -> Select:
    """The booth's leads, best first: rows of (User, score, visits, product_views, downloads,
    video_plays, inquiries, order_requests, last_seen, meetings, stand_scans, named), over the
    period. A lead is a named visitor (``named_clause``) active in the period, or a visitor the team
    scanned in it: ``named`` False means the team may see their organisation and country only.
    One GROUP BY over the booth's rows; paginate it."""
    now = now or utcnow()
    since = now - timedelta(days=days) if days else None
    parts = _per_user(booth, since, now)
    totals = (
        select(
            parts.c.user_id,
            *[func.sum(parts.c[name]).label(name) for name in _COLUMNS if name != "last_seen"],
            func.max(parts.c.last_seen).label("last_seen"),
        )
        .group_by(parts.c.user_id)
        .subquery("totals")
    )
    named = named_clause(booth, User.id)
    return (
        select(
            User,
            totals.c.score,
            totals.c.visits,
            totals.c.product_views,
            totals.c.downloads,
            totals.c.video_plays,
            totals.c.inquiries,
            totals.c.order_requests,
            totals.c.last_seen,
            totals.c.meetings,
            totals.c.stand_scans,
            named.label("named"),
        )
        .join(totals, totals.c.user_id == User.id)
        .where(or_(named, totals.c.stand_scans > 0), User.id.not_in(_team_ids(booth)))
        .order_by(totals.c.score.desc(), totals.c.last_seen.desc(), User.id)
    )


def find_lead(booth: Booth, visitor_id: int, *, now: datetime | None = None):
    """The booth's lead for one visitor, over all time (a row of ``leads_query``), or None when the
    visitor is not one: neither named to the booth nor scanned at its stand, or on its team."""
    return db.session.execute(leads_query(booth, days=None, now=now).where(User.id == visitor_id)).first()


@dataclass(frozen=True)
class AnonymousVisitors:
    total: int
    # (country code or None for unknown, visitors), most first, at most COUNTRIES_SHOWN.
    by_country: list[tuple[str | None, int]]


def anonymous_visitors(
    booth: Booth, *, days: int | None = DEFAULT_WINDOW, now: datetime | None = None
) -> AnonymousVisitors:
    """Visitors who are not leads: signed out, or signed in but neither named nor scanned at the stand.

    Counted by the log's visitor key (one per account, or per browser for the signed-out); a
    signed-in visitor's country is their account's, a signed-out one's is unknown. One query.
    """
    now = now or utcnow()
    event = EngagementEvent
    # Listed in the ranking, by name or (scanned without consent) by organisation: not counted here.
    scanned = (
        select(StandScan.id)
        .where(
            StandScan.booth_id == booth.id,
            StandScan.visitor_id == event.user_id,
            StandScan.outcome == StandScan.Outcome.RECORDED,
        )
        .exists()
    )
    query = (
        select(User.country, func.count(func.distinct(event.visitor)))
        .select_from(event)
        .outerjoin(User, User.id == event.user_id)
        .where(
            event.booth_id == booth.id,
            event.kind != event.INQUIRY,
            or_(
                event.user_id.is_(None),
                ~named_clause(booth, event.user_id) & ~scanned & User.id.not_in(_team_ids(booth)),
            ),
        )
        .group_by(User.country)
    )
    if days:
        query = query.where(event.occurred_at >= now - timedelta(days=days))
    rows = db.session.execute(query).all()
    # Signed-out visitors and accounts without a country both read "unknown": merge them.
    counts: dict[str | None, int] = {}
    for country, visitors in rows:
        counts[country or None] = counts.get(country or None, 0) + visitors
    ranked = sorted(counts.items(), key=lambda item: (item[0] is None, -item[1], item[0] or ""))
    return AnonymousVisitors(total=sum(counts.values()), by_country=ranked[:COUNTRIES_SHOWN])


def parse_window(value: str | None) -> int | None:
    """The ranking's period from the query string: 30, 90 or 365 days, or "all"."""
    if value == "all":
        return None
    try:
        days = int(value) if value else DEFAULT_WINDOW
    except ValueError:
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW
