"""The analytics trend chart's geometry, computed on the server so the page needs no charting script."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from flask_babel import format_number, get_locale
from flask_babel import gettext as _

from expo.engagement.analytics import Day

WIDTH, HEIGHT = 900, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 30
X_LABELS = 7


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    bars: list[Bar]
    points: list[Point]
    line: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    summary: str


def short_day(day: date) -> str:
    """'3 Nov' / '11月3日': the locale's own short form."""
    return format_skeleton("MMMd", day, locale=get_locale() or "en")


def nice_ceiling(value: int) -> tuple[int, int]:
    """An axis maximum at or above ``value`` and its step: 1, 2 or 5 times a power of ten, 2–5 steps."""
    if value <= 0:
        return 4, 1
    magnitude = 10 ** int(math.floor(math.log10(value)))
    for factor in (0.1, 0.2, 0.5, 1, 2, 5, 10):
        step = max(1, int(factor * magnitude))
        if math.ceil(value / step) <= 5:
            return step * math.ceil(value / step), step
    return value, value  # pragma: no cover - the loop always finds a step


def trend_chart(daily: list[Day]) -> TrendChart:
    """Daily visits as bars and daily unique visitors as a line, on one axis."""
    peak = max([max(day.visits, day.unique_visitors) for day in daily] or [0])
    top_value, step = nice_ceiling(peak)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(daily), 1)

    def y(value: int) -> float:
        return round(TOP + plot_height * (1 - value / top_value), 1)

    bars, points = [], []
    for index, day in enumerate(daily):
        label = _(
            "%(day)s: %(visits)s visits, %(visitors)s unique visitors",
            day=short_day(day.day),
            visits=format_number(day.visits),
            visitors=format_number(day.unique_visitors),
        )
        x = LEFT + slot * index
        bar_width = max(slot * 0.7, 1)
        bars.append(
            Bar(
                round(x + (slot - bar_width) / 2, 1),
                y(day.visits),
                round(bar_width, 1),
                round(TOP + plot_height - y(day.visits), 1),
                label,
            )
        )
        points.append(Point(round(x + slot / 2, 1), y(day.unique_visitors), label))
    y_ticks = [Tick(y(value), format_number(value)) for value in range(0, top_value + 1, step)]
    every = max(1, math.ceil(len(daily) / X_LABELS))
    x_ticks = [
        Tick(point.x, short_day(day.day)) for index, (point, day) in enumerate(zip(points, daily)) if index % every == 0
    ]
    busiest = max(daily, key=lambda day: (day.visits, day.day), default=None)
    if busiest is None or busiest.visits == 0:
        summary = _("No booth visits in this period.")
    else:
        summary = _(
            "%(visits)s visits from %(first)s to %(last)s; the busiest day was %(day)s with %(most)s.",
            visits=format_number(sum(day.visits for day in daily)),
            first=short_day(daily[0].day),
            last=short_day(daily[-1].day),
            day=short_day(busiest.day),
            most=format_number(busiest.visits),
        )
    return TrendChart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        TOP + plot_height,
        bars,
        points,
        " ".join(f"{point.x},{point.y}" for point in points),
        y_ticks,
        x_ticks,
        summary,
    )
