"""The values user input may take: ids the tables can hold, numbers written with the digits 0-9,
and days the calendar arithmetic can work with. Addresses, query strings and forms all read through
here, so an edited link or a hostile form answers 400 or 404 with a reason, never 500."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

# The largest whole number either database takes at all (PostgreSQL's bigint, SQLite's INTEGER): past
# it, psycopg and sqlite3 raise before the query runs.
MAX_INT64 = 2**63 - 1
# The tables' keys are INTEGER, 32 bits on PostgreSQL, which raises on a larger id (SQLite's could
# go further, but ids count up from 1 and the same data must work on both): a larger id names nothing.
MAX_ID = 2**31 - 1
# No list is this long; a page number past it is an edited link, and the offset it asks for would
# overflow the database's integer.
MAX_PAGE = 1_000_000
# Days a person plans a trade fair, a delivery or a report in. Far dates overflow the arithmetic that
# adds a day or converts a time zone (date.max + 1 day, 0001-01-01 east of UTC).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class IdConverter(IntegerConverter):
    """The ``int`` URL converter, for ids: the digits 0-9 only (Werkzeug's ``\\d`` also takes Arabic
    and other digits) and at most MAX_ID, so /product-images/9223372036854775808 is a page that
    does not exist (404), not a database error, on both databases."""

    regex = r"[0-9]+"

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False
    ) -> None:
        lowest = -MAX_ID if signed else 0
        super().__init__(
            map,
            fixed_digits=fixed_digits,
            min=lowest if min is None or min < lowest else min,
            max=MAX_ID if max is None or max > MAX_ID else max,
            signed=signed,
        )


def parse_whole_number(text: str | None, *, minimum: int = -MAX_INT64, maximum: int = MAX_INT64) -> int | None:
    """A whole number written with the digits 0-9 (an optional minus first) between minimum and
    maximum; None for anything else. ``int()`` alone accepts '²'-like digits that then fail,
    '١٢', '1_000' and numbers no column holds."""
    text = (text or "").strip()
    if not WHOLE_NUMBER.fullmatch(text) or len(text) > 20:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_id(text: str | None) -> int | None:
    """An id from a query string or a select box: 1 to MAX_ID, or None."""
    return parse_whole_number(text, minimum=1, maximum=MAX_ID)


def parse_day(text: str | None, *, first: date = FIRST_DAY, last: date = LAST_DAY) -> date | None:
    """A day written YYYY-MM-DD between first and last; None for anything else."""
    text = (text or "").strip()
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if first <= day <= last else None


def in_calendar(value: date | datetime | None) -> bool:
    """True when a typed day (or the day of a typed time) lies between FIRST_DAY and LAST_DAY."""
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def query_id(name: str) -> int | None:
    """The id a query string (or a posted form) names: None when it is missing or names no possible id."""
    return parse_id(request.values.get(name))


def query_day(name: str, args=None) -> date | None:
    """The day a query string (``args``, by default the request's values) names: None when it is
    missing or unreadable, so a mangled link shows the whole list. A day the site can never hold
    anything on is a page that does not exist (404)."""
    text = (request.values if args is None else args).get(name, "").strip()
    if not text:
        return None
    day = parse_day(text, first=date.min, last=date.max)
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        abort(
            404,
            _(
                "There is nothing on %(day)s: choose a day between %(first)s and %(last)s.",
                day=day.isoformat(),
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            ),
        )
    return day


def refuse_nul_characters() -> None:
    """Before every request: a NUL character in the address, the query string or a form's text is
    refused (400). PostgreSQL text cannot hold one, so psycopg raises wherever such a value meets a
    query (a slug, a search, a name), and no person types one."""
    values = [request.path, *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH"):
        values.extend(request.form.values())
        if request.is_json and b"\\u0000" in request.get_data():
            values.append("\x00")
    if any("\x00" in value for value in values):
        abort(
            400, _("The address or the form contains a NUL character, which no text can hold. Remove it and try again.")
        )
