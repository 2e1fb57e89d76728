"""What each role sees first after signing in: an attendee's next sessions and saved booths, an
exhibitor team's day at its booth, an organizer's day at their edition. Reads only: each part
names the page where the work is done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from expo.accounts.models import User
from expo.booths.models import Booth, BoothDocument
from expo.broadcasts.models import Broadcast
from expo.catalog.models import Product, ProductImage
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.engagement import analytics
from expo.engagement.charts import Bar
from expo.engagement.services import favourites_of
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.i18n import is_known_timezone
from expo.leads.models import TradeInquiry
from expo.leads.services import team_booths
from expo.permissions import can_review_booths, can_review_exhibitors, organized_edition_ids
from expo.registrations.models import Registration
from expo.registrations.services import registrations_of

NEXT_SESSIONS = 3
SAVED_BOOTHS = 4
WAITING_INQUIRIES = 5
NEARLY_FULL_SHARE = 0.9
NEARLY_FULL_SHOWN = 5
REGISTRATION_DAYS = 14


# --- a small bar chart, drawn by the server ------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_GAP = 280, 64, 4


@dataclass(frozen=True)
class SmallChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    summary: str


def small_chart(values: Sequence[tuple[str, int]], summary: str) -> SmallChart:
    """One bar per (label, value), scaled to the largest; an empty bar keeps a hairline so a day
    without any still shows as a day."""
    peak = max((value for _label, value in values), default=0) or 1
    slot = CHART_WIDTH / max(len(values), 1)
    bars = []
    for index, (label, value) in enumerate(values):
        height = max(value / peak * CHART_HEIGHT, 1.0)
        bars.append(
            Bar(
                x=round(index * slot + CHART_GAP / 2, 1),
                y=round(CHART_HEIGHT - height, 1),
                width=round(slot - CHART_GAP, 1),
                height=round(height, 1),
                label=f"{label}: {format_number(value)}",
            )
        )
    return SmallChart(CHART_WIDTH, CHART_HEIGHT, tuple(bars), summary)


# --- an attendee ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeDay:
    next_registrations: list[Registration]
    saved_booths: list[Booth]


def _starts(registration: Registration, now: datetime) -> datetime | None:
    """When the registration's next session starts: a course by its next session."""
    if registration.session is not None:
        return registration.session.starts_at if registration.session.ends_at > now else None
    upcoming = [session.starts_at for session in registration.forum.sessions if session.ends_at > now]
    return min(upcoming, default=None)


def attendee_day(user: User, now: datetime | None = None) -> AttendeeDay:
    now = now or utcnow()
    upcoming = [
        registration
        for registration in registrations_of(user)
        if registration.is_active and _starts(registration, now) is not None
    ]
    saved = db.session.scalars(favourites_of(user, "booths").limit(SAVED_BOOTHS)).all()
    return AttendeeDay(upcoming[:NEXT_SESSIONS], [favourite.booth for favourite in saved])


# --- an exhibitor team ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    endpoint: str  # where the team fills it in


@dataclass(frozen=True)
class WaitingInquiry:
    inquiry: TradeInquiry
    waited: timedelta


@dataclass(frozen=True)
class BoothDay:
    booth: Booth
    waiting: list[WaitingInquiry]
    waiting_count: int
    visits_this_week: int
    visits_chart: SmallChart
    checklist: list[ChecklistItem]

    @property
    def completeness(self) -> int:
        return round(sum(item.done for item in self.checklist) * 100 / len(self.checklist))


def _unanswered(booth: Booth):
    """Inquiries the team has not answered yet: no reply since the buyer last wrote."""
    return and_(
        TradeInquiry.booth_id == booth.id,
        TradeInquiry.status.not_in(TradeInquiry.CLOSED),
        or_(TradeInquiry.team_activity_at.is_(None), TradeInquiry.team_activity_at < TradeInquiry.buyer_activity_at),
    )


def booth_checklist(booth: Booth) -> list[ChecklistItem]:
    """What a visitor misses when it is not there, in the order the editor asks for it."""
    products = db.session.execute(
        select(
            select(func.count(Product.id)).where(Product.booth_id == booth.id).scalar_subquery(),
            select(func.count(Product.id))
            .where(
                Product.booth_id == booth.id,
                select(ProductImage.id).where(ProductImage.product_id == Product.id).exists(),
            )
            .scalar_subquery(),
            select(func.count(BoothDocument.id)).where(BoothDocument.booth_id == booth.id).scalar_subquery(),
        )
    ).one()
    product_count, pictured, documents = products
    return [
        ChecklistItem(_("Company logo"), bool(booth.company.logo_path), "booths.edit_images"),
        ChecklistItem(_("Banner picture"), bool(booth.banner_path), "booths.edit_images"),
        ChecklistItem(_("Tagline and description"), bool(booth.tagline and booth.description), "booths.edit_booth"),
        ChecklistItem(
            _("How buyers reach you"), bool(booth.contact_email or booth.contact_phone), "booths.edit_contacts"
        ),
        ChecklistItem(_("Opening hours"), bool(booth.opening_hours), "booths.edit_hours"),
        ChecklistItem(_("At least three products"), product_count >= 3, "catalog.manage_products"),
        ChecklistItem(
            _("A picture for every product"), product_count > 0 and pictured == product_count, "catalog.manage_products"
        ),
        ChecklistItem(
            _("A video or a brochure"),
            bool(booth.video_path or booth.video_embed_url or documents),
            "booths.edit_video",
        ),
        ChecklistItem(_("Published"), booth.status == Booth.Status.PUBLISHED, "booths.edit_booth"),
    ]


def booth_day(booth: Booth, now: datetime | None = None) -> BoothDay:
    now = now or utcnow()
    waiting = db.session.scalars(
        select(TradeInquiry)
        .where(_unanswered(booth))
        .options(joinedload(TradeInquiry.buyer))
        .order_by(TradeInquiry.buyer_activity_at, TradeInquiry.id)
        .limit(WAITING_INQUIRIES)
    ).all()
    waiting_count = db.session.scalar(select(func.count(TradeInquiry.id)).where(_unanswered(booth))) or 0
    week = analytics.period_ending_today(booth, 7, now)
    days = analytics.daily_series(booth, week)
    visits = sum(day.visits for day in days)
    chart = small_chart(
        [(format_skeleton("Ed", day.day, locale=get_locale() or "en"), day.visits) for day in days],
        _("Visits on each of the last seven days: %(total)s in all.", total=format_number(visits)),
    )
    return BoothDay(
        booth,
        [WaitingInquiry(inquiry, now - inquiry.buyer_activity_at) for inquiry in waiting],
        waiting_count,
        visits,
        chart,
        booth_checklist(booth),
    )


def team_days(user: User, now: datetime | None = None) -> list[BoothDay]:
    return [booth_day(booth, now) for booth in team_booths(user)]


# --- an organizer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionDay:
    edition: Edition
    registrations_chart: SmallChart
    registrations_in_period: int
    nearly_full: list[ProgrammeSession]
    running_broadcasts: list[Broadcast]


@dataclass(frozen=True)
class ReviewQueue:
    applications: int
    booths: int


def _edition_zone(edition: Edition) -> ZoneInfo:
    return ZoneInfo(edition.timezone if is_known_timezone(edition.timezone) else "UTC")


def registrations_per_day(edition: Edition, today: date, days: int = REGISTRATION_DAYS) -> list[tuple[date, int]]:
    """New registrations (sessions and whole courses) on each of the last ``days`` days at the venue."""
    zone = _edition_zone(edition)
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), zone)
    forum_ids = select(Forum.id).where(Forum.edition_id == edition.id)
    session_ids = select(ProgrammeSession.id).where(ProgrammeSession.forum_id.in_(forum_ids))
    created = db.session.scalars(
        select(Registration.created_at).where(
            Registration.created_at >= since,
            or_(Registration.session_id.in_(session_ids), Registration.forum_id.in_(forum_ids)),
        )
    ).all()
    counts = {first + timedelta(days=offset): 0 for offset in range(days)}
    for moment in created:
        day = moment.astimezone(zone).date()
        if day in counts:
            counts[day] += 1
    return sorted(counts.items())


def nearly_full_sessions(edition: Edition, now: datetime) -> list[ProgrammeSession]:
    """Upcoming sessions with at least nine seats in ten taken, the fullest first."""
    share = ProgrammeSession.seats_taken * 1.0 / ProgrammeSession.capacity
    return list(
        db.session.scalars(
            select(ProgrammeSession)
            .join(Forum, Forum.id == ProgrammeSession.forum_id)
            .where(
                Forum.edition_id == edition.id,
                ProgrammeSession.ends_at > now,
                ProgrammeSession.capacity > 0,
                share >= NEARLY_FULL_SHARE,
            )
            .order_by(share.desc(), ProgrammeSession.starts_at)
            .limit(NEARLY_FULL_SHOWN)
        )
    )


def edition_day(edition: Edition, now: datetime | None = None) -> EditionDay:
    now = now or utcnow()
    today = now.astimezone(_edition_zone(edition)).date()
    per_day = registrations_per_day(edition, today)
    total = sum(count for _day, count in per_day)
    chart = small_chart(
        [(format_skeleton("MMMd", day, locale=get_locale() or "en"), count) for day, count in per_day],
        _(
            "New registrations on each of the last %(days)s days: %(total)s in all.",
            days=len(per_day),
            total=format_number(total),
        ),
    )
    broadcasts = list(
        db.session.scalars(
            select(Broadcast)
            .where(Broadcast.edition_id == edition.id, Broadcast.status != Broadcast.Status.DONE)
            .order_by(Broadcast.created_at.desc())
        )
    )
    return EditionDay(edition, chart, total, nearly_full_sessions(edition, now), broadcasts)


def organized_editions(user: User, today: date) -> list[Edition]:
    """The editions ``user`` organizes that are running or to come, the soonest first."""
    query = select(Edition).where(Edition.ends_on >= today).order_by(Edition.starts_on)
    ids = organized_edition_ids(user)
    if ids is not None:
        query = query.where(Edition.id.in_(ids))
    return list(db.session.scalars(query.options(selectinload(Edition.pavilions))))


def review_queue(user: User) -> ReviewQueue | None:
    """Applications and booths waiting for a decision, for those who make it."""
    if not (can_review_exhibitors(user) or can_review_booths(user)):
        return None
    applications = (
        db.session.scalar(
            select(func.count(ExhibitorCompany.id)).where(ExhibitorCompany.status == ExhibitorCompany.Status.PENDING)
        )
        or 0
    )
    booths = db.session.scalar(select(func.count(Booth.id)).where(Booth.status == Booth.Status.SUBMITTED)) or 0
    return ReviewQueue(applications, booths)


def organizer_days(user: User, now: datetime | None = None) -> list[EditionDay]:
    now = now or utcnow()
    return [edition_day(edition, now) for edition in organized_editions(user, now.date())]
