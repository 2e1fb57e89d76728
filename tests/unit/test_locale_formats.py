"""Dates, times, numbers, prices and plurals read by CLDR in every shipped language, by one rule.

Whatever languages expo.i18n.LANGUAGES holds, the same moment, day, range, price and count are
rendered in each and compared with what CLDR (Babel) says for that language: never a numeric-only
date like 9/10/27.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_skeleton, format_time
from babel.numbers import format_currency, format_decimal
from flask_babel import force_locale, ngettext

from expo.i18n import LANGUAGES, LocalDay, date_range, datetime_in_zone, format_day, format_moment
from expo.leads import display

MOMENT = datetime(2027, 9, 10, 1, 30, tzinfo=UTC)  # 09:30 in Nanning
NANNING = ZoneInfo("Asia/Shanghai")
NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\b")


@pytest.fixture
def in_language(app):
    def enter(code):
        context = app.test_request_context("/")
        context.push()
        locale = force_locale(code)
        locale.__enter__()
        return lambda: (locale.__exit__(None, None, None), context.pop())

    leaves = []
    yield lambda code: leaves.append(enter(code))
    for leave in reversed(leaves):
        leave()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_moment_reads_by_cldr_in_every_language(in_language, language):
    in_language(language)
    text = format_moment(MOMENT, NANNING)

    assert not NUMERIC_DATE.search(text), f"{language}: {text!r} is a numeric-only date"
    local = MOMENT.astimezone(NANNING)
    day = format_skeleton("yMMMEd", local.date(), locale=language)
    same_year_day = format_skeleton("MMMEd", local.date(), locale=language)
    assert day in text or same_year_day in text, f"{language}: {text!r} lacks CLDR's day {day!r}"
    assert format_time(local, "short", locale=language) in text, f"{language}: {text!r} lacks the time"
    assert format_time(local, "short", locale=language) == format_moment(MOMENT, NANNING, "time")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_days_ranges_and_named_zones_have_no_numeric_dates(in_language, language):
    in_language(language)
    for text in (
        format_day(date(2027, 9, 10)),
        date_range(date(2027, 9, 10), date(2027, 9, 13)),
        datetime_in_zone(MOMENT, "Asia/Bangkok"),
        datetime_in_zone(MOMENT, "Asia/Bangkok", "full"),
        str(LocalDay(date(2027, 9, 10))),
    ):
        assert text and not NUMERIC_DATE.search(text), f"{language}: {text!r}"
    assert "(Asia/Bangkok)" in datetime_in_zone(MOMENT, "Asia/Bangkok")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_prices_and_numbers_by_cldr(in_language, language):
    in_language(language)
    assert display.money(Decimal("12345.5"), "USD") == format_currency(Decimal("12345.5"), "USD", locale=language)
    assert display.quantity(12345, "pcs") == f"{format_decimal(12345, locale=language)} pcs"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_plurals_by_the_catalogue(in_language, language):
    in_language(language)
    one = ngettext("%(num)d new inquiry", "%(num)d new inquiries", 1)
    many = ngettext("%(num)d new inquiry", "%(num)d new inquiries", 5)
    assert "1" in one and "5" in many
    if language != "en":
        assert many != "5 new inquiries", f"{language}: the plural is not translated"


def test_the_same_moment_in_english_and_chinese(in_language):
    in_language("en")
    assert format_moment(MOMENT, NANNING) in ("Fri, Sep 10, 2027, 9:30\u202fAM", "Fri, Sep 10, 9:30\u202fAM")
    in_language("zh")
    assert re.fullmatch(r"(2027年)?9月10日周五 09:30", format_moment(MOMENT, NANNING))
