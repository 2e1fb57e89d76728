"""Reading the programme: filtered agendas grouped by day in the venue's time zone."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.lib.ranges import query_day


def now() -> datetime:
    return utcnow()


@dataclass(frozen=True)
class ProgrammeFilters:
    day: date | None = None
    forum: str = ""
    tag: str = ""
    language: str = ""

    @classmethod
    def from_args(cls, args) -> ProgrammeFilters:
        # A mangled day shows the whole programme rather than an error; a far one is a 404.
        return cls(
            day=query_day("day", args),
            forum=args.get("forum", "").strip(),
            tag=args.get("tag", "").strip(),
            language=args.get("language", "").strip(),
        )

    @property
    def active(self) -> bool:
        return bool(self.day or self.forum or self.tag or self.language)


def sessions_matching(edition: Edition, filters: ProgrammeFilters) -> list[ProgrammeSession]:
    query = (
        select(ProgrammeSession)
        .join(Forum)
        .where(Forum.edition_id == edition.id)
        .options(selectinload(ProgrammeSession.speakers), selectinload(ProgrammeSession.forum))
        .order_by(ProgrammeSession.starts_at, Forum.position, ProgrammeSession.id)
    )
    if filters.day:
        zone = ZoneInfo(edition.timezone)
        start = datetime.combine(filters.day, time.min, zone)
        query = query.where(ProgrammeSession.starts_at >= start, ProgrammeSession.starts_at < start + timedelta(days=1))
    if filters.forum:
        # A main forum's filter includes its sub-forums: the "1+6" programme reads as one.
        parent = select(Forum.id).where(Forum.edition_id == edition.id, Forum.slug == filters.forum)
        query = query.where((Forum.slug == filters.forum) | Forum.parent_id.in_(parent))
    if filters.language:
        query = query.where(ProgrammeSession.language == filters.language)
    sessions = list(db.session.scalars(query))
    if filters.tag:
        sessions = [session for session in sessions if filters.tag in session.tag_list]
    return sessions


def group_by_day(sessions: list[ProgrammeSession], zone_name: str) -> OrderedDict[date, list[ProgrammeSession]]:
    zone = ZoneInfo(zone_name)
    days: OrderedDict[date, list[ProgrammeSession]] = OrderedDict()
    for session in sessions:
        days.setdefault(session.starts_at.astimezone(zone).date(), []).append(session)
    return days


def programme_days(edition: Edition) -> list[date]:
    zone = ZoneInfo(edition.timezone)
    starts = db.session.scalars(
        select(ProgrammeSession.starts_at).join(Forum).where(Forum.edition_id == edition.id)
    ).all()
    return sorted({start.astimezone(zone).date() for start in starts})


def forum_tree(edition: Edition) -> list[Forum]:
    """Top-level forums in order; their sub-forums hang off ``sub_forums``."""
    return [forum for forum in edition.forums if forum.parent_id is None]


def all_tags(edition: Edition) -> list[str]:
    rows = db.session.scalars(
        select(ProgrammeSession.tags).join(Forum).where(Forum.edition_id == edition.id, ProgrammeSession.tags != "")
    ).all()
    return sorted({tag.strip() for row in rows for tag in row.split(",") if tag.strip()})


def all_languages(edition: Edition) -> list[str]:
    return sorted(
        set(
            db.session.scalars(
                select(ProgrammeSession.language)
                .join(Forum)
                .where(Forum.edition_id == edition.id, ProgrammeSession.language != "")
            ).all()
        )
    )
