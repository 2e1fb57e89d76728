"""How lead values read on pages and in e-mails: money, quantities, response times, labels."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from babel.dates import format_timedelta
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, gettext

from expo.leads.models import Incoterm, Quotation, TradeInquiry


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
    return TradeInquiry.Status(status).label


def inquiry_kind(kind: str) -> str:
    return TradeInquiry.Kind(kind).label


def quotation_status(status: str) -> str:
    return Quotation.Status(status).label


def incoterm(term: str | None) -> str:
    """'CIF (Cost, Insurance and Freight)'; nothing when the buyer named none."""
    return Incoterm(term).described if term else ""


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return gettext("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1), locale=_locale()))
    return gettext("%(size)s KB", size=format_decimal(max(1, round(size / 1024)), locale=_locale()))


STATUS_BADGES = {
    TradeInquiry.Status.NEW: "text-bg-primary",
    TradeInquiry.Status.CONTACTED: "text-bg-info",
    TradeInquiry.Status.QUOTED: "text-bg-warning",
    TradeInquiry.Status.WON: "text-bg-success",
    TradeInquiry.Status.LOST: "text-bg-secondary",
}

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
