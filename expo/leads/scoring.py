"""Lead scores: each signed-in visitor's engagement with a booth, aggregated in SQL and ranked.

Score = Σ weight(interaction) × recency(interaction), over the booth's engagement log
(engagement_events) and the inquiries the visitor sent (trade_inquiries):

| interaction       | weight |     | age of the interaction | recency |
| ----------------- | ------ | --- | ---------------------- | ------- |
| booth visit       | 1      |     | up to 7 days           | 1       |
| product view      | 2      |     | 8 to 30 days           | 0.5     |
| video play        | 3      |     | 31 to 90 days          | 0.25    |
| brochure download | 5      |     | older                  | 0.1     |
| inquiry           | 20     |     |                        |         |
| order request     | 30     |     |                        |         |
| meeting held      | 40     |     |                        |         |

A meeting counts once either side marked it held (expo.meetings), dated by its start; a buyer met
is named to the team like one who wrote. The `inquiry` rows of the engagement log are not counted: the inquiries table scores them, with
the order request's higher weight. Recency comes in steps rather than a smooth curve so it is the
same plain CASE on SQLite and PostgreSQL and keeps the ranking readable ("this week counts double").

Privacy: a visitor is named (name, organisation, country, job title, e-mail) only when they sent
the booth an inquiry or chose "share my contact details with booths I visit" in their profile.
Everybody else is counted in aggregate only (visitors by country); the booth's own team is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, case, func, literal, or_, select, union_all

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.engagement.models import EngagementEvent
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
from expo.leads.models import TradeInquiry
from expo.meetings.models import Meeting, Outcome

EVENT_WEIGHTS = {
    EngagementEvent.BOOTH_VISIT: 1,
    EngagementEvent.PRODUCT_VIEW: 2,
    EngagementEvent.VIDEO_PLAY: 3,
    EngagementEvent.BROCHURE_DOWNLOAD: 5,
}
INQUIRY_WEIGHTS = {TradeInquiry.Kind.INQUIRY: 20, TradeInquiry.Kind.ORDER_REQUEST: 30}
MEETING_HELD_WEIGHT = 40
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


def _per_user(booth: Booth, since: datetime | None, now: datetime):
    """One row per (visitor, source): the engagement log's and the inquiries' part of each score."""
    event = EngagementEvent
    event_weight = case(*[(event.kind == kind, weight) for kind, weight in EVENT_WEIGHTS.items()], else_=0)
    events = (
        select(
            event.user_id.label("user_id"),
            func.sum(event_weight * recency(event.occurred_at, now)).label("score"),
            _count_of(event.kind, event.BOOTH_VISIT).label("visits"),
            _count_of(event.kind, event.PRODUCT_VIEW).label("product_views"),
            _count_of(event.kind, event.BROCHURE_DOWNLOAD).label("downloads"),
            _count_of(event.kind, event.VIDEO_PLAY).label("video_plays"),
            literal(0).label("inquiries"),
            literal(0).label("order_requests"),
            func.max(event.occurred_at).label("last_seen"),
        )
        .where(event.booth_id == booth.id, event.user_id.is_not(None), event.kind != event.INQUIRY)
        .group_by(event.user_id)
    )
    inquiry = TradeInquiry
    inquiry_weight = case(*[(inquiry.kind == kind, weight) for kind, weight in INQUIRY_WEIGHTS.items()], else_=0)
    inquiries = (
        select(
            inquiry.buyer_id.label("user_id"),
            func.sum(inquiry_weight * recency(inquiry.created_at, now)).label("score"),
            literal(0),
            literal(0),
            literal(0),
            literal(0),
            _count_of(inquiry.kind, inquiry.Kind.INQUIRY),
            _count_of(inquiry.kind, inquiry.Kind.ORDER_REQUEST),
            func.max(inquiry.created_at),
        )
        .where(inquiry.booth_id == booth.id)
        .group_by(inquiry.buyer_id)
    )
    held = or_(Meeting.buyer_outcome == Outcome.HELD, Meeting.team_outcome == Outcome.HELD)
    meetings = (
        select(
            Meeting.buyer_id,
            func.sum(MEETING_HELD_WEIGHT * recency(Meeting.starts_at, now)),
            literal(0),
            literal(0),
            literal(0),
            literal(0),
            literal(0),
            literal(0),
            func.max(Meeting.starts_at),
            func.count(Meeting.id),
        )
        .where(Meeting.company_id == booth.company_id, held)
        .group_by(Meeting.buyer_id)
    )
    events = events.add_columns(literal(0).label("meetings"))
    inquiries = inquiries.add_columns(literal(0))
    if since is not None:
        events = events.where(event.occurred_at >= since)
        inquiries = inquiries.where(inquiry.created_at >= since)
        meetings = meetings.where(Meeting.starts_at >= since)
    return union_all(events, inquiries, meetings).subquery("parts")


def leads_query(booth: Booth, *, days: int | None = DEFAULT_WINDOW, now: datetime | None = None) -> Select:
    """Named leads, best first: rows of (User, score, visits, product_views, downloads, video_plays,
    inquiries, order_requests, last_seen). One GROUP BY over the booth's rows; paginate it."""
    now = now or utcnow()
    since = now - timedelta(days=days) if days else None
    parts = _per_user(booth, since, now)
    totals = (
        select(
            parts.c.user_id,
            func.sum(parts.c.score).label("score"),
            *[
                func.sum(parts.c[name]).label(name)
                for name in (
                    "visits",
                    "product_views",
                    "downloads",
                    "video_plays",
                    "inquiries",
                    "order_requests",
                    "meetings",
                )
            ],
            func.max(parts.c.last_seen).label("last_seen"),
        )
        .group_by(parts.c.user_id)
        .subquery("totals")
    )
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
        )
        .join(totals, totals.c.user_id == User.id)
        .where(
            or_(
                totals.c.inquiries + totals.c.order_requests + totals.c.meetings > 0,
                User.share_contact_with_booths.is_(True),
            ),
            User.id.not_in(_team_ids(booth)),
        )
        .order_by(totals.c.score.desc(), totals.c.last_seen.desc(), User.id)
    )


@dataclass(frozen=True)
class AnonymousVisitors:
    total: int
    # (country code or None for unknown, visitors), most first, at most COUNTRIES_SHOWN.
    by_country: list[tuple[str | None, int]]


def anonymous_visitors(
    booth: Booth, *, days: int | None = DEFAULT_WINDOW, now: datetime | None = None
) -> AnonymousVisitors:
    """Visitors who are not named: signed out, or signed in without sharing and without an inquiry.

    Counted by the log's visitor key (one per account, or per browser for the signed-out); a
    signed-in visitor's country is their account's, a signed-out one's is unknown. One query.
    """
    now = now or utcnow()
    event = EngagementEvent
    contacted = (
        select(TradeInquiry.id)
        .where(TradeInquiry.booth_id == booth.id, TradeInquiry.buyer_id == event.user_id)
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
                (User.share_contact_with_booths.is_(False)) & ~contacted & User.id.not_in(_team_ids(booth)),
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
