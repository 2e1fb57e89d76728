"""How catalogue values read on a page: category names in the viewer's language, price ranges, units
and availability."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

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
    if product.price_min is None and product.price_max is None:
        return ""
    return _price_range(product.price_min, product.price_max, product.currency, _language())


def price_per_unit(product: Product) -> str:
    """'US$2.50 – US$3.10 / box', or '' when no price is given."""
    if product.price_min is None and product.price_max is None:
        return ""
    return _price_per_unit(product.price_min, product.price_max, product.currency, product.order_unit, _language())


def order_quantity(product: Product) -> str:
    """'200 boxes' (a unit the exhibitor named, as named), or '' without a minimum order."""
    if product.min_order_quantity is None:
        return ""
    return _order_quantity(product.min_order_quantity, product.order_unit, _language())


def minimum_order(product: Product) -> str:
    """'Minimum order: 200 boxes'."""
    if product.min_order_quantity is None:
        return ""
    return _minimum_order(product.min_order_quantity, product.order_unit, _language())


# Each text below is made once per value and language and kept while the process runs (catalogues
# and Babel's locale data never change under it): Babel took some 20 µs a price, 13 % of a search
# page's CPU for its 24 cards, and a page of cards repeats the same minimum orders and units. The
# language is part of every key, so force_locale is obeyed; Decimal("2.5") and Decimal("2.50") share
# a key and read the same, as a currency's digits fix the decimals shown.
_FORMATTED_TEXTS = 8192


def _language() -> str:
    _translations, locale = catalogue()
    return str(locale)


@lru_cache(maxsize=_FORMATTED_TEXTS)
def _price_range(low: Decimal | None, high: Decimal | None, currency: str, _language: str) -> str:
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


@lru_cache(maxsize=_FORMATTED_TEXTS)
def _price_per_unit(low: Decimal | None, high: Decimal | None, currency: str, unit: str, language: str) -> str:
    translations, _locale = catalogue()
    price = _price_range(low, high, currency, language)
    return translations.ugettext("%(price)s / %(unit)s") % {"price": price, "unit": values.unit_name(unit)}


@lru_cache(maxsize=_FORMATTED_TEXTS)
def _order_quantity(quantity: int, unit: str, _language: str) -> str:
    return values.quantity_with_unit(quantity, unit)


@lru_cache(maxsize=_FORMATTED_TEXTS)
def _minimum_order(quantity: int, unit: str, language: str) -> str:
    translations, _locale = catalogue()
    return translations.ugettext("Minimum order: %(quantity)s") % {
        "quantity": _order_quantity(quantity, unit, language)
    }


def availability_label(product: Product) -> str:
    return Product.Availability(product.availability).label
