"""Slots and availability: the grid meetings start on, who is free when, and the stretches a meeting holds.

Kept apart from the request flow so that the hosted-buyer scheduler can ask the same questions
(``free_slots``) and book through the same guard (``expo.meetings.services.take_holds``).

- At the venue, slots run every ``slot_minutes`` from the edition's daily opening of meeting hours
  to their close, in the venue's zone, on each day of the edition.
- Online, all year: slots run every ``slot_minutes`` from midnight in the edition's zone.
- A person is free for a slot when one of their availability windows of that mode contains it
  whole and no accepted meeting holds them for any part of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.i18n import is_known_timezone
from expo.meetings.models import HOLD_MINUTES, Availability, MeetingHold, MeetingSettings, Mode

# Online slots are offered this far ahead; availability further out waits until it comes closer.
ONLINE_HORIZON = timedelta(days=120)
# A form lists at most this many slots: the earliest ones.
MAX_SLOTS_OFFERED = 300


def zone_of(name: str | None) -> ZoneInfo:
    return ZoneInfo(name if is_known_timezone(name) else "UTC")


def settings_for(edition: Edition) -> MeetingSettings:
    """The edition's meeting rules; the defaults (not stored) until its organizers save their own."""
    settings = db.session.get(MeetingSettings, edition.id)
    if settings is None:
        settings = MeetingSettings(
            edition_id=edition.id,
            slot_minutes=20,
            day_starts=time(9, 0),
            day_ends=time(17, 0),
            max_pending_per_buyer=10,
            max_pending_per_team=30,
        )
    return settings


def edition_days(edition: Edition) -> list[date]:
    return [edition.starts_on + timedelta(days=n) for n in range((edition.ends_on - edition.starts_on).days + 1)]


def at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a day in ``zone``, as an aware UTC datetime."""
    return datetime.combine(day, moment, zone).astimezone(UTC)


def venue_hours(edition: Edition, settings: MeetingSettings) -> list[tuple[datetime, datetime]]:
    """Each edition day's meeting hours, in UTC."""
    zone = zone_of(edition.timezone)
    return [(at(day, settings.day_starts, zone), at(day, settings.day_ends, zone)) for day in edition_days(edition)]


def venue_slots(edition: Edition, settings: MeetingSettings) -> list[datetime]:
    step = timedelta(minutes=settings.slot_minutes)
    slots = []
    for opens, closes in venue_hours(edition, settings):
        start = opens
        while start + step <= closes:
            slots.append(start)
            start += step
    return slots


def online_slots(
    window_start: datetime, window_end: datetime, edition: Edition, settings: MeetingSettings
) -> list[datetime]:
    """The online grid's slots lying whole inside the window."""
    zone = zone_of(edition.timezone)
    step = timedelta(minutes=settings.slot_minutes)
    slots = []
    day = window_start.astimezone(zone).date()
    last = window_end.astimezone(zone).date()
    while day <= last:
        start = at(day, time(0), zone)
        next_day = at(day + timedelta(days=1), time(0), zone)
        while start + step <= next_day:
            if start >= window_start and start + step <= window_end:
                slots.append(start)
            start += step
        day += timedelta(days=1)
    return slots


def is_slot(edition: Edition, settings: MeetingSettings, mode: Mode, starts_at: datetime) -> bool:
    """Whether a meeting may start then: on the grid (and, at the venue, inside the meeting hours)."""
    if mode == Mode.VENUE:
        return starts_at in set(venue_slots(edition, settings))
    step = timedelta(minutes=settings.slot_minutes)
    return starts_at in online_slots(starts_at, starts_at + step, edition, settings)


def stretches(starts_at: datetime, ends_at: datetime) -> list[datetime]:
    """The HOLD_MINUTES stretches a meeting covers (its start is on that grid: slots are)."""
    step = timedelta(minutes=HOLD_MINUTES)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    first = epoch + ((starts_at - epoch) // step) * step
    result = []
    while first < ends_at:
        result.append(first)
        first += step
    return result


def held_stretches(person_ids: Iterable[int], since: datetime, until: datetime) -> dict[int, set[datetime]]:
    """{person: the stretches accepted meetings hold them for} between two moments; one query."""
    ids = list(set(person_ids))
    held: dict[int, set[datetime]] = defaultdict(set)
    if not ids:
        return held
    rows = db.session.execute(
        select(MeetingHold.person_id, MeetingHold.slot_start).where(
            MeetingHold.person_id.in_(ids),
            MeetingHold.slot_start >= since - timedelta(hours=2),
            MeetingHold.slot_start < until,
        )
    )
    for person_id, start in rows:
        held[person_id].add(start)
    return held


@dataclass(frozen=True)
class FreeSlot:
    mode: Mode
    starts_at: datetime
    ends_at: datetime
    people: frozenset[int]  # who of those asked about is free then


def windows_of(
    person_ids: Iterable[int], mode: Mode, edition: Edition | None, since: datetime, until: datetime
) -> list[Availability]:
    query = (
        select(Availability)
        .where(
            Availability.user_id.in_(list(set(person_ids))),
            Availability.mode == mode,
            Availability.ends_at > since,
            Availability.starts_at < until,
        )
        .order_by(Availability.starts_at)
    )
    if mode == Mode.VENUE:
        query = query.where(Availability.edition_id == edition.id)
    return list(db.session.scalars(query))


def free_slots(
    person_ids: Iterable[int],
    edition: Edition,
    mode: Mode,
    *,
    now: datetime | None = None,
    settings: MeetingSettings | None = None,
    limit: int = MAX_SLOTS_OFFERED,
) -> list[FreeSlot]:
    """The slots, earliest first, at which at least one of ``person_ids`` is available and not held
    (each slot says who). A side of one person (a buyer) asks about one id; a team about its members."""
    now = now or utcnow()
    settings = settings or settings_for(edition)
    step = timedelta(minutes=settings.slot_minutes)
    ids = list(set(person_ids))
    if mode == Mode.VENUE:
        grid = [start for start in venue_slots(edition, settings) if start >= now]
        if not grid:
            return []
        since, until = grid[0], grid[-1] + step
    else:
        since, until = now, now + ONLINE_HORIZON
    windows = windows_of(ids, mode, edition, since, until)
    held = held_stretches(ids, since, until)
    free: dict[datetime, set[int]] = defaultdict(set)
    for window in windows:
        if mode == Mode.VENUE:
            starts = [start for start in grid if start >= window.starts_at and start + step <= window.ends_at]
        else:
            starts = online_slots(max(window.starts_at, now), min(window.ends_at, until), edition, settings)
        for start in starts:
            if start < now:
                continue
            if held[window.user_id].isdisjoint(stretches(start, start + step)):
                free[start].add(window.user_id)
    return [FreeSlot(mode, start, start + step, frozenset(free[start])) for start in sorted(free)][:limit]


def is_free(person_id: int, edition: Edition, mode: Mode, starts_at: datetime, *, now: datetime | None = None) -> bool:
    """Whether one person is available for the slot at ``starts_at`` and not held then."""
    settings = settings_for(edition)
    ends_at = starts_at + timedelta(minutes=settings.slot_minutes)
    windows = windows_of([person_id], mode, edition, starts_at, ends_at)
    if not any(window.starts_at <= starts_at and ends_at <= window.ends_at for window in windows):
        return False
    return held_stretches([person_id], starts_at, ends_at)[person_id].isdisjoint(stretches(starts_at, ends_at))
