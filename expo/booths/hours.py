"""A booth's weekly opening hours: checking what the team typed, "open now", and the week as a viewer reads it.

Hours are local times in the booth's IANA zone, stored as {"mon": [["09:00", "12:00"], ["13:30", "17:30"]],
"sun": [], ...}: each day closed or open for one or two intervals that end after they start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel.dates import format_time, get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _

from expo.i18n import is_known_timezone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_INTERVALS = 2
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::00)?$")


class InvalidHours(ValueError):
    """What the team typed is not a valid week; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def field_name(day: str, interval: int, end: str) -> str:
    """The form input of one end of one interval: 'mon_opens_1', 'mon_closes_2'."""
    return f"{day}_{end}_{interval}"


def day_names(width: str = "wide") -> dict[str, str]:
    """{'mon': 'Monday', ...} in the viewer's language."""
    names = get_day_names(width, locale=str(get_locale() or "en"))
    return {day: names[index] for index, day in enumerate(WEEKDAYS)}


def _clock(value: str, field: str) -> str:
    match = _CLOCK.match(value.strip())
    if not match:
        raise InvalidHours(_("Enter a time as HH:MM on the 24-hour clock, for example 09:00 or 17:30."), field)
    return f"{match.group(1)}:{match.group(2)}"


def clean_week(typed: dict[str, list[tuple[str, str]]]) -> dict[str, list[list[str]]]:
    """The week as stored, from up to two (opens, closes) pairs per day as typed; empty pairs are skipped.

    A week with no open day at all is stored as {} (no hours given), which pages leave out.
    """
    names = day_names()
    week: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        intervals: list[list[str]] = []
        for number, (opens, closes) in enumerate(typed.get(day, [])[:MAX_INTERVALS], start=1):
            opens, closes = (opens or "").strip(), (closes or "").strip()
            if not opens and not closes:
                continue
            if not opens or not closes:
                missing = field_name(day, number, "opens" if not opens else "closes")
                raise InvalidHours(
                    _("%(day)s: give both the opening and the closing time, or neither.", day=names[day]), missing
                )
            opens, closes = (
                _clock(opens, field_name(day, number, "opens")),
                _clock(closes, field_name(day, number, "closes")),
            )
            if closes <= opens:
                raise InvalidHours(
                    _(
                        "%(day)s: the closing time must be after the opening time (%(opens)s).",
                        day=names[day],
                        opens=opens,
                    ),
                    field_name(day, number, "closes"),
                )
            if intervals and opens <= intervals[-1][1]:
                raise InvalidHours(
                    _(
                        "%(day)s: the second period must start after the first one ends (%(closes)s).",
                        day=names[day],
                        closes=intervals[-1][1],
                    ),
                    field_name(day, number, "opens"),
                )
            intervals.append([opens, closes])
        week[day] = intervals
    return week if any(week.values()) else {}


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone)


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name if is_known_timezone(name) else "UTC")


@dataclass(frozen=True)
class OpenState:
    """Whether the booth's team is there now, and when that changes (aware datetimes in the booth's zone)."""

    is_open: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None


def open_state(week: dict[str, list[list[str]]], zone_name: str, now: datetime) -> OpenState | None:
    """Open or closed at ``now`` in the booth's zone; None when the booth gives no hours."""
    if not any(week.values()):
        return None
    zone = _zone(zone_name)
    local_now = now.astimezone(zone)
    for offset in range(8):
        day = local_now.date() + timedelta(days=offset)
        for opens, closes in week.get(WEEKDAYS[day.weekday()], []):
            start, end = _at(day, opens, zone), _at(day, closes, zone)
            if start <= local_now < end:
                return OpenState(True, closes_at=end)
            if start > local_now:
                return OpenState(False, opens_at=start)
    return OpenState(False)


@dataclass(frozen=True)
class DayRow:
    day: str
    label: str
    is_today: bool
    # One text per period ("9:00 AM–12:00 PM"), or ("Closed",).
    booth_times: tuple[str, ...]
    viewer_times: tuple[str, ...]


def _short_time(moment: datetime) -> str:
    return format_time(moment, "short", locale=str(get_locale() or "en"))


def _periods(
    intervals, local_day: date, zone: ZoneInfo, viewer: ZoneInfo, short_names
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The day's periods as the booth reads them and as the viewer does (naming the viewer's day
    when a period falls on another date there)."""
    if not intervals:
        closed = (_("Closed"),)
        return closed, closed
    booth_text, viewer_text = [], []
    for opens, closes in intervals:
        start, end = _at(local_day, opens, zone), _at(local_day, closes, zone)
        booth_text.append(f"{_short_time(start)}–{_short_time(end)}")
        seen_start, seen_end = start.astimezone(viewer), end.astimezone(viewer)
        start_text, end_text = _short_time(seen_start), _short_time(seen_end)
        if seen_start.date() != local_day:
            start_text = f"{short_names[WEEKDAYS[seen_start.weekday()]]} {start_text}"
        if seen_end.date() != seen_start.date():
            end_text = f"{short_names[WEEKDAYS[seen_end.weekday()]]} {end_text}"
        viewer_text.append(f"{start_text}–{end_text}")
    return tuple(booth_text), tuple(viewer_text)


@dataclass(frozen=True)
class WeekView:
    rows: list[DayRow]
    booth_zone: str
    viewer_zone: str
    # False when the viewer's clock reads the same as the booth's all week: one column says it all.
    show_viewer: bool


def week_view(
    week: dict[str, list[list[str]]], zone_name: str, viewer_zone_name: str, now: datetime
) -> WeekView | None:
    """Monday to Sunday of the coming week, in the booth's zone and in the viewer's; None without hours.

    Each weekday is converted on its next date (today included), so summer time is counted right.
    """
    if not any(week.values()):
        return None
    zone, viewer = _zone(zone_name), _zone(viewer_zone_name)
    today = now.astimezone(zone).date()
    names, short_names = day_names(), day_names("abbreviated")
    rows = []
    for index, day in enumerate(WEEKDAYS):
        local_day = today + timedelta(days=(index - today.weekday()) % 7)
        booth_times, viewer_times = _periods(week.get(day, []), local_day, zone, viewer, short_names)
        rows.append(DayRow(day, names[day], local_day == today, booth_times, viewer_times))
    show_viewer = any(row.booth_times != row.viewer_times for row in rows)
    return WeekView(rows, zone.key, viewer.key, show_viewer)


@lru_cache(maxsize=1)
def _zones_by_country() -> dict[str, str]:
    """The first zone tzdata lists for each country (its most populous): CN → Asia/Shanghai."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones: dict[str, str] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone = line.split("\t")[:3]
            zones.setdefault(country, zone)
    return zones


def country_timezone(country: str | None) -> str | None:
    """A sensible first guess at a booth's zone from its company's country; None if unknown."""
    return _zones_by_country().get((country or "").upper())


def describe_open_state(state: OpenState, zone_name: str, now: datetime) -> str:
    """'Open now, until 17:30' / 'Closed now, opens Monday at 09:00', in the booth's own time."""
    zone = _zone(zone_name)
    if state.is_open and state.closes_at is not None:
        return _("Open now, until %(time)s", time=_short_time(state.closes_at.astimezone(zone)))
    if state.opens_at is None:
        return _("Closed now")
    opens = state.opens_at.astimezone(zone)
    today = now.astimezone(zone).date()
    if opens.date() == today:
        return _("Closed now, opens today at %(time)s", time=_short_time(opens))
    if opens.date() == today + timedelta(days=1):
        return _("Closed now, opens tomorrow at %(time)s", time=_short_time(opens))
    return _(
        "Closed now, opens %(day)s at %(time)s", day=day_names()[WEEKDAYS[opens.weekday()]], time=_short_time(opens)
    )
