"""How catalogue values read on a page: category names in the viewer's language, price ranges, units
and availability."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from flask_babel import get_locale, gettext

from expo.catalog import values
from expo.catalog.models import Product, ProductCategory


def category_label(category: ProductCategory | None) -> str:
    """The shared tree's names are catalogue msgids; a name added by hand reads as typed."""
    return gettext(category.name) if category is not None else ""


def category_trail(category: ProductCategory | None) -> list[ProductCategory]:
    """The category and its parents, from the top of the tree down (for a breadcrumb)."""
    trail: list[ProductCategory] = []
    while category is not None:
        trail.insert(0, category)
        category = category.parent
    return trail


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


def price_per_unit(product: Product) -> str:
    """'US$2.50 – US$3.10 / box', or '' when no price is given."""
    price = price_range(product)
    if not price:
        return ""
    return gettext("%(price)s / %(unit)s", price=price, unit=values.unit_name(product.order_unit))


def order_quantity(product: Product) -> str:
    """'200 boxes' (a unit the exhibitor named, as named), or '' without a minimum order."""
    if product.min_order_quantity is None:
        return ""
    return values.quantity_with_unit(product.min_order_quantity, product.order_unit)


def minimum_order(product: Product) -> str:
    """'Minimum order: 200 boxes'."""
    quantity = order_quantity(product)
    return gettext("Minimum order: %(quantity)s", quantity=quantity) if quantity else ""


def availability_label(product: Product) -> str:
    label = values.AVAILABILITY_LABELS.get(product.availability)
    return str(label) if label is not None else product.availability
