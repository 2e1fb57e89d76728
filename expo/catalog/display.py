"""How catalogue values read on a page: category names in the viewer's language, price ranges, units
and availability."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency

from expo.catalog import values
from expo.catalog.models import Product, ProductCategory
from expo.i18n import catalogue


def category_label(category: ProductCategory | None) -> str:
    """The shared tree's names are catalogue msgids; a name added by hand reads as typed."""
    if category is None:
        return ""
    translations, _locale = catalogue()
    return translations.ugettext(category.name)


def category_trail(category: ProductCategory | None) -> list[ProductCategory]:
    """The category and its parents, from the top of the tree down (for a breadcrumb)."""
    trail: list[ProductCategory] = []
    while category is not None:
        trail.insert(0, category)
        category = category.parent
    return trail


def price_range(product: Product) -> str:
    """'US$2.50 – US$3.10' per unit, 'from US$2.50', 'up to ...', or '' when no price is given."""
    low, high, currency = product.price_min, product.price_max, product.currency
    if low is None and high is None:
        return ""
    translations, locale = catalogue()

    def money(amount: Decimal) -> str:
        return format_currency(amount, currency, locale=locale)

    if low is not None and high is not None and low != high:
        return translations.ugettext("%(low)s – %(high)s") % {"low": money(low), "high": money(high)}
    if low is not None and high is not None:
        return money(low)
    if low is not None:
        return translations.ugettext("from %(price)s") % {"price": money(low)}
    return translations.ugettext("up to %(price)s") % {"price": money(high)}


def price_per_unit(product: Product) -> str:
    """'US$2.50 – US$3.10 / box', or '' when no price is given."""
    price = price_range(product)
    if not price:
        return ""
    translations, _locale = catalogue()
    unit = values.unit_name(product.order_unit)
    return translations.ugettext("%(price)s / %(unit)s") % {"price": price, "unit": unit}


def order_quantity(product: Product) -> str:
    """'200 boxes' (a unit the exhibitor named, as named), or '' without a minimum order."""
    if product.min_order_quantity is None:
        return ""
    return values.quantity_with_unit(product.min_order_quantity, product.order_unit)


def minimum_order(product: Product) -> str:
    """'Minimum order: 200 boxes'."""
    quantity = order_quantity(product)
    if not quantity:
        return ""
    translations, _locale = catalogue()
    return translations.ugettext("Minimum order: %(quantity)s") % {"quantity": quantity}


def availability_label(product: Product) -> str:
    return Product.Availability(product.availability).label
