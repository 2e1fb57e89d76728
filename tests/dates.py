"""Dates for tests that must pass whatever year they run in: an edition ahead of today, and the text
the site writes for a day (expo.i18n leaves the year out of this year's dates), computed from the
date a test made rather than written as a literal."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# Next year's 10–13 September: always ahead of today, so meetings in it are still to come.
EDITION_YEAR = date.today().year + 1
EDITION_STARTS, EDITION_ENDS = date(EDITION_YEAR, 9, 10), date(EDITION_YEAR, 9, 13)


def short_day(day: date) -> str:
    """'Sat, Sep 11' as the site writes a day in English; ', 2028' follows in any other year than this."""
    text = f"{day:%a}, {day:%b} {day.day}"
    return text if day.year == date.today().year else f"{text}, {day.year}"


def full_day(day: date) -> str:
    """'Saturday, September 11, 2028': a date spelt out (e-mails), always with its year."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def local_day(moment: datetime, zone: str) -> date:
    """The day a moment falls on in a zone (the buyer in Honolulu is a day behind the venue)."""
    return moment.astimezone(ZoneInfo(zone)).date()
