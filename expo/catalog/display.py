"""How catalogue values read on a page: category names in the viewer's language, price ranges, units."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, gettext

from expo.catalog.models import Product, ProductCategory


def category_label(category: ProductCategory | None) -> str:
    """The shared tree's names are catalogue msgids; a name added by hand reads as typed."""
    return gettext(category.name) if category is not None else ""


def _money(amount: Decimal, currency: str) -> str:
    return format_currency(amount, currency, locale=str(get_locale() or "en"))


def price_range(product: Product) -> str:
    """'US$2.50 – US$3.10' per unit, 'from US$2.50', 'up to ...', or '' when no price is given."""
    low, high, currency = product.price_min, product.price_max, product.currency
    if low is None and high is None:
        return ""
    if low is not None and high is not None and low != high:
        return gettext("%(low)s – %(high)s", low=_money(low, currency), high=_money(high, currency))
    if low is not None and high is not None:
        return _money(low, currency)
    if low is not None:
        return gettext("from %(price)s", price=_money(low, currency))
    return gettext("up to %(price)s", price=_money(high, currency))


def minimum_order(product: Product) -> str:
    """'Minimum order: 200 boxes' (the unit as the exhibitor named it)."""
    if product.min_order_quantity is None:
        return ""
    quantity = format_decimal(product.min_order_quantity, locale=str(get_locale() or "en"))
    return gettext("Minimum order: %(quantity)s %(unit)s", quantity=quantity, unit=product.order_unit)
