"""How lead values read on pages and in e-mails: money, quantities, response times, labels."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from babel.dates import format_timedelta
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, gettext

from expo.leads.forms import INCOTERM_NAMES
from expo.leads.services import KIND_LABELS, QUOTATION_LABELS, STATUS_LABELS


def _locale() -> str:
    return str(get_locale() or "en")


def money(amount: Decimal | float | None, currency: str) -> str:
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=_locale())


def quantity(amount: int | None, unit: str = "") -> str:
    if amount is None:
        return ""
    number = format_decimal(amount, locale=_locale())
    return f"{number} {unit}".strip()


def response_duration(value: timedelta | None) -> str:
    """'3 hours', '2 days': rounded the way people say it."""
    if value is None:
        return ""
    if value < timedelta(minutes=1):
        return gettext("less than a minute")
    return format_timedelta(value, threshold=1.5, locale=_locale())


def inquiry_status(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def inquiry_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def quotation_status(status: str) -> str:
    return str(QUOTATION_LABELS.get(status, status))


def incoterm(term: str | None) -> str:
    return f"{term} ({INCOTERM_NAMES[term]})" if term in INCOTERM_NAMES else ""


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return gettext("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1), locale=_locale()))
    return gettext("%(size)s KB", size=format_decimal(max(1, round(size / 1024)), locale=_locale()))


STATUS_BADGES = {"new": "text-bg-primary", "contacted": "text-bg-info", "quoted": "text-bg-warning",
                 "won": "text-bg-success", "lost": "text-bg-secondary"}

FILTERS = {
    "lead_money": money,
    "lead_quantity": quantity,
    "response_duration": response_duration,
    "inquiry_status": inquiry_status,
    "inquiry_kind": inquiry_kind,
    "quotation_status": quotation_status,
    "incoterm_name": incoterm,
    "file_size": file_size,
}
