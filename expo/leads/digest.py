"""The daily lead digest: each exhibitor team member hears about the previous day's inquiries and leads.

Beat runs ``due_users`` once a day and publishes one task per user; each task notifies at most once
(an in-app notice and an e-mail, as the person chose for the "Daily lead digest" category) with the
dedupe key ``lead-digest:<user>:<day>``, so a second beat firing (or a redelivered task) adds
nothing more. Members who turned both channels off in their notification settings are left out,
and so are days without anything new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, union
from sqlalchemy.orm import selectinload

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.engagement.models import EngagementEvent
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
from expo.leads import notify
from expo.leads.models import TradeInquiry
from expo.notifications import preferences
from expo.notifications.categories import category_of

SEND_TASK = "leads.send_lead_digest"
DIGEST_CATEGORY = category_of(notify.DIGEST_KIND)
INQUIRIES_LISTED = 10
LEADS_LISTED = 10


def digest_day(now: datetime | None = None) -> date:
    """The day a digest sent now reports on: yesterday, in UTC (the morning in China and ASEAN)."""
    return (now or utcnow()).astimezone(UTC).date() - timedelta(days=1)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, UTC)
    return start, start + timedelta(days=1)


def _active_booths(day: date):
    start, end = _day_bounds(day)
    return union(
        select(TradeInquiry.booth_id).where(TradeInquiry.created_at >= start, TradeInquiry.created_at < end),
        select(EngagementEvent.booth_id).where(
            EngagementEvent.occurred_at >= start,
            EngagementEvent.occurred_at < end,
            EngagementEvent.user_id.is_not(None),
            EngagementEvent.kind != EngagementEvent.INQUIRY,
        ),
    ).subquery()


def due_users(day: date) -> list[int]:
    """Team members of booths with something new that day who want the digest. One query."""
    active = _active_booths(day)
    return list(
        db.session.scalars(
            select(CompanyMember.user_id)
            .distinct()
            .join(Booth, Booth.company_id == CompanyMember.company_id)
            .join(User, User.id == CompanyMember.user_id)
            .where(
                Booth.id.in_(select(active.c.booth_id)),
                User.is_disabled.is_(False),
                preferences.receives(CompanyMember.user_id, DIGEST_CATEGORY),
            )
            .order_by(CompanyMember.user_id)
        )
    )


@dataclass
class BoothDigest:
    booth: Booth
    inquiries: list[TradeInquiry] = field(default_factory=list)
    inquiry_count: int = 0
    order_request_count: int = 0
    unanswered: int = 0
    # Visitors who share their contact details and engaged that day: (user, interactions).
    named_visitors: list[tuple[User, int]] = field(default_factory=list)
    named_visitor_count: int = 0

    @property
    def has_news(self) -> bool:
        return bool(self.inquiry_count or self.named_visitor_count)


def booth_digest(booth: Booth, day: date) -> BoothDigest:
    start, end = _day_bounds(day)
    digest = BoothDigest(booth=booth)
    counts = db.session.execute(
        select(TradeInquiry.kind, func.count())
        .where(TradeInquiry.booth_id == booth.id, TradeInquiry.created_at >= start, TradeInquiry.created_at < end)
        .group_by(TradeInquiry.kind)
    ).all()
    by_kind = dict(counts)
    digest.inquiry_count = sum(by_kind.values())
    digest.order_request_count = by_kind.get(TradeInquiry.Kind.ORDER_REQUEST, 0)
    digest.inquiries = list(
        db.session.scalars(
            select(TradeInquiry)
            .where(TradeInquiry.booth_id == booth.id, TradeInquiry.created_at >= start, TradeInquiry.created_at < end)
            .options(selectinload(TradeInquiry.items))
            .order_by(TradeInquiry.created_at.desc())
            .limit(INQUIRIES_LISTED)
        )
    )
    digest.unanswered = db.session.scalar(
        select(func.count())
        .select_from(TradeInquiry)
        .where(TradeInquiry.booth_id == booth.id, TradeInquiry.status == TradeInquiry.Status.NEW)
    )
    event = EngagementEvent
    team = select(CompanyMember.user_id).where(CompanyMember.company_id == booth.company_id)
    visitors = (
        select(User, func.count(event.id).label("interactions"))
        .join(event, event.user_id == User.id)
        .where(
            event.booth_id == booth.id,
            event.occurred_at >= start,
            event.occurred_at < end,
            event.kind != event.INQUIRY,
            User.share_contact_with_booths.is_(True),
            User.id.not_in(team),
        )
        .group_by(User.id)
        .order_by(func.count(event.id).desc(), User.id)
    )
    rows = db.session.execute(visitors.limit(LEADS_LISTED)).all()
    digest.named_visitors = [(user, interactions) for user, interactions in rows]
    digest.named_visitor_count = db.session.scalar(select(func.count()).select_from(visitors.subquery()))
    return digest


def send_digest(user_id: int, day: date) -> bool:
    """Notify the user of ``day``'s digest unless there is nothing new or they turned it off."""
    user = db.session.get(User, user_id)
    if user is None or user.is_disabled:
        return False
    # They may have turned it off since beat listed them; then there is nothing to compile.
    choice = preferences.choices_for([user.id], DIGEST_CATEGORY)[user.id]
    if not (choice.in_app or choice.email):
        return False
    booths = db.session.scalars(
        select(Booth)
        .join(CompanyMember, CompanyMember.company_id == Booth.company_id)
        .where(CompanyMember.user_id == user.id)
        .order_by(Booth.slug)
    ).all()
    digests = [digest for digest in (booth_digest(booth, day) for booth in booths) if digest.has_news]
    if not digests:
        return False
    notify.daily_digest(user, day, digests)
    return True
