"""Booth analytics: the numbers an exhibitor team and the organizers see, aggregated in SQL.

Days are the booth's own days (midnight to midnight in Booth.timezone): a team in Nanning reads
"Tuesday" as its Tuesday. Rather than truncate timestamps to days, which SQLite and PostgreSQL do
differently and SQLite cannot do in a named zone at all, every query joins the events to a small
table of the period's days, each with its start and end as UTC instants computed here. The same
SQL then gives the same numbers on both databases, for zones with half-hour offsets (Myanmar) and
daylight-saving changes alike, and a day without events is a row of zeros rather than a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Integer, Subquery, and_, case, distinct, func, literal, select, union_all

from expo.booths.models import Booth, BoothDocument
from expo.catalog.models import Product
from expo.content_languages import DEFAULT_SOURCE_LANGUAGE, TranslatedTexts
from expo.db_types import UTCDateTime, utcnow
from expo.engagement.models import EngagementEvent
from expo.exports import csv_bytes
from expo.extensions import db
from expo.i18n import is_known_timezone

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
TOP_LIMIT = 10

Event = EngagementEvent


@dataclass(frozen=True)
class Period:
    """The last ``days`` days of the booth's calendar, today included."""

    zone: str
    first_day: date
    days: int

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)

    @property
    def previous(self) -> Period:
        return Period(self.zone, self.first_day - timedelta(days=self.days), self.days)

    def day_start(self, day: date) -> datetime:
        """When ``day`` begins in the booth's zone, as a UTC instant."""
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def starts_at(self) -> datetime:
        return self.day_start(self.first_day)

    @property
    def ends_at(self) -> datetime:
        return self.day_start(self.last_day + timedelta(days=1))


def booth_zone(booth: Booth) -> str:
    return booth.timezone if is_known_timezone(booth.timezone) else "UTC"


def period_ending_today(booth: Booth, days: int, now: datetime | None = None) -> Period:
    zone = booth_zone(booth)
    today = (now or utcnow()).astimezone(ZoneInfo(zone)).date()
    return Period(zone, today - timedelta(days=days - 1), days)


def local_day_windows(period: Period) -> Subquery:
    """The period's days as rows (n, starts_at, ends_at), n = 0 for the first day: join events to it."""
    rows = []
    for n in range(period.days):
        day = period.first_day + timedelta(days=n)
        rows.append(
            select(
                literal(n, Integer).label("n"),
                literal(period.day_start(day), UTCDateTime()).label("starts_at"),
                literal(period.day_start(day + timedelta(days=1)), UTCDateTime()).label("ends_at"),
            )
        )
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("days")


@dataclass(frozen=True)
class Counts:
    visits: int = 0
    unique_visitors: int = 0
    product_views: int = 0
    brochure_downloads: int = 0
    video_plays: int = 0


@dataclass(frozen=True)
class Day(Counts):
    day: date = date.min


@dataclass(frozen=True)
class TopProduct(TranslatedTexts):
    """A product among the most viewed, named like a Product in the reader's language."""

    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]] = ("name",)

    product_id: int
    name: str
    slug: str
    views: int
    viewers: int
    source_language: str = DEFAULT_SOURCE_LANGUAGE
    translations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TopBrochure:
    document_id: int
    title: str
    downloads: int
    downloaders: int


@dataclass(frozen=True)
class BoothAnalytics:
    period: Period
    totals: Counts
    previous: Counts
    daily: list[Day]
    top_products: list[TopProduct]
    top_brochures: list[TopBrochure]

    @property
    def is_empty(self) -> bool:
        return self.totals == Counts()


def _counted(kind: str, within=None):
    condition = Event.kind == kind if within is None else and_(within, Event.kind == kind)
    return func.count(case((condition, 1)))


def daily_series(booth: Booth, period: Period) -> list[Day]:
    """One row per day of the period, zeros included; unique visitors counted once per day."""
    days = local_day_windows(period)
    query = (
        select(
            days.c.n,
            _counted(Event.BOOTH_VISIT),
            func.count(distinct(Event.visitor)),
            _counted(Event.PRODUCT_VIEW),
            _counted(Event.BROCHURE_DOWNLOAD),
            _counted(Event.VIDEO_PLAY),
        )
        .select_from(days)
        .outerjoin(
            Event,
            and_(Event.booth_id == booth.id, Event.occurred_at >= days.c.starts_at, Event.occurred_at < days.c.ends_at),
        )
        .group_by(days.c.n)
        .order_by(days.c.n)
    )
    return [
        Day(
            day=period.first_day + timedelta(days=n),
            visits=visits,
            unique_visitors=visitors,
            product_views=views,
            brochure_downloads=downloads,
            video_plays=plays,
        )
        for n, visits, visitors, views, downloads, plays in db.session.execute(query)
    ]


def period_totals(booth: Booth, period: Period) -> tuple[Counts, Counts]:
    """The period's totals and the previous period's, in one query; a visitor counts once per period."""
    previous = period.previous
    current = Event.occurred_at >= period.starts_at
    columns = []
    for within in (current, ~current):
        columns += [
            _counted(Event.BOOTH_VISIT, within),
            func.count(distinct(case((within, Event.visitor)))),
            _counted(Event.PRODUCT_VIEW, within),
            _counted(Event.BROCHURE_DOWNLOAD, within),
            _counted(Event.VIDEO_PLAY, within),
        ]
    row = db.session.execute(
        select(*columns).where(
            Event.booth_id == booth.id, Event.occurred_at >= previous.starts_at, Event.occurred_at < period.ends_at
        )
    ).one()
    return Counts(*row[:5]), Counts(*row[5:])


def top_products(booth: Booth, period: Period, limit: int = TOP_LIMIT) -> list[TopProduct]:
    views = func.count(Event.id).label("views")
    query = (
        select(
            Product.id,
            Product.name,
            Product.slug,
            views,
            func.count(distinct(Event.visitor)),
            # Grouped by the product's key: its other columns follow from it (JSON cannot be grouped).
            Product.source_language,
            Product.translations,
        )
        .join(Product, Product.id == Event.product_id)
        .where(
            Event.booth_id == booth.id,
            Event.kind == Event.PRODUCT_VIEW,
            Event.occurred_at >= period.starts_at,
            Event.occurred_at < period.ends_at,
        )
        .group_by(Product.id, Product.name, Product.slug)
        .order_by(views.desc(), Product.name, Product.id)
        .limit(limit)
    )
    return [TopProduct(*row[:5], row[5] or DEFAULT_SOURCE_LANGUAGE, row[6] or {}) for row in db.session.execute(query)]


def top_brochures(booth: Booth, period: Period, limit: int = TOP_LIMIT) -> list[TopBrochure]:
    downloads = func.count(Event.id).label("downloads")
    query = (
        select(BoothDocument.id, BoothDocument.title, downloads, func.count(distinct(Event.visitor)))
        .join(BoothDocument, BoothDocument.id == Event.document_id)
        .where(
            Event.booth_id == booth.id,
            Event.kind == Event.BROCHURE_DOWNLOAD,
            Event.occurred_at >= period.starts_at,
            Event.occurred_at < period.ends_at,
        )
        .group_by(BoothDocument.id, BoothDocument.title)
        .order_by(downloads.desc(), BoothDocument.title, BoothDocument.id)
        .limit(limit)
    )
    return [TopBrochure(*row) for row in db.session.execute(query)]


def booth_analytics(booth: Booth, days: int = DEFAULT_PERIOD, now: datetime | None = None) -> BoothAnalytics:
    """Everything the analytics page shows, in four queries whatever the traffic."""
    if days not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {days}")
    period = period_ending_today(booth, days, now)
    totals, previous = period_totals(booth, period)
    return BoothAnalytics(
        period, totals, previous, daily_series(booth, period), top_products(booth, period), top_brochures(booth, period)
    )


def daily_csv(booth: Booth, period: Period) -> bytes:
    """The daily series as CSV."""
    header = [
        _("Date (%(zone)s)", zone=period.zone),
        _("Booth visits"),
        _("Unique visitors"),
        _("Product views"),
        _("Brochure downloads"),
        _("Video plays"),
    ]
    return csv_bytes(
        header,
        (
            [
                day.day.isoformat(),
                day.visits,
                day.unique_visitors,
                day.product_views,
                day.brochure_downloads,
                day.video_plays,
            ]
            for day in daily_series(booth, period)
        ),
    )


def csv_filename(booth: Booth, period: Period) -> str:
    return f"analytics-{booth.slug}-{period.first_day.isoformat()}-{period.last_day.isoformat()}.csv"
