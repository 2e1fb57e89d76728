"""What catalogue values may be and how typed text becomes one: prices, quantities, units, currencies,
HS codes, availability and specifications. The product form and the file import share these, so a
value the form refuses is refused by the import with the same words.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pycountry
from babel.numbers import format_decimal, get_currency_name
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from expo.catalog.models import Product

MAX_PRICE = Decimal("999999999999.99")  # what Numeric(14, 2) holds
MAX_QUANTITY = 1_000_000_000
MAX_SPECIFICATIONS = 40
MAX_SPECIFICATION_NAME = 80
MAX_SPECIFICATION_VALUE = 300
MAX_UNIT_LENGTH = 30
DEFAULT_CURRENCY = "USD"
DEFAULT_UNIT = "piece"
OTHER_UNIT = "other"


class InvalidValue(ValueError):
    """Typed text that is not a value of its kind; the message is safe to show next to the field."""


# --- availability ----------------------------------------------------------------------------------


def availability_choices() -> list[tuple[str, str]]:
    return Product.Availability.choices()


# --- units -----------------------------------------------------------------------------------------


def _number(quantity: int) -> str:
    return format_decimal(quantity, locale=get_locale() or "en")


# Code -> (the unit's name, how a quantity of it reads). Literal ngettext calls, so the catalogue has
# both forms of every unit; languages without plurals (Chinese) translate both the same way.
ORDER_UNITS = {
    "piece": (_l("piece"), lambda n: ngettext("%(count)s piece", "%(count)s pieces", n, count=_number(n))),
    "pair": (_l("pair"), lambda n: ngettext("%(count)s pair", "%(count)s pairs", n, count=_number(n))),
    "set": (_l("set"), lambda n: ngettext("%(count)s set", "%(count)s sets", n, count=_number(n))),
    "dozen": (_l("dozen"), lambda n: ngettext("%(count)s dozen", "%(count)s dozen", n, count=_number(n))),
    "box": (_l("box"), lambda n: ngettext("%(count)s box", "%(count)s boxes", n, count=_number(n))),
    "carton": (_l("carton"), lambda n: ngettext("%(count)s carton", "%(count)s cartons", n, count=_number(n))),
    "pack": (_l("pack"), lambda n: ngettext("%(count)s pack", "%(count)s packs", n, count=_number(n))),
    "bag": (_l("bag"), lambda n: ngettext("%(count)s bag", "%(count)s bags", n, count=_number(n))),
    "bottle": (_l("bottle"), lambda n: ngettext("%(count)s bottle", "%(count)s bottles", n, count=_number(n))),
    "roll": (_l("roll"), lambda n: ngettext("%(count)s roll", "%(count)s rolls", n, count=_number(n))),
    "pallet": (_l("pallet"), lambda n: ngettext("%(count)s pallet", "%(count)s pallets", n, count=_number(n))),
    "kg": (_l("kg"), lambda n: ngettext("%(count)s kg", "%(count)s kg", n, count=_number(n))),
    "tonne": (_l("tonne"), lambda n: ngettext("%(count)s tonne", "%(count)s tonnes", n, count=_number(n))),
    "litre": (_l("litre"), lambda n: ngettext("%(count)s litre", "%(count)s litres", n, count=_number(n))),
    "metre": (_l("metre"), lambda n: ngettext("%(count)s metre", "%(count)s metres", n, count=_number(n))),
    "square-metre": (
        _l("square metre"),
        lambda n: ngettext("%(count)s square metre", "%(count)s square metres", n, count=_number(n)),
    ),
    "container-20ft": (
        _l("20-foot container"),
        lambda n: ngettext("%(count)s 20-foot container", "%(count)s 20-foot containers", n, count=_number(n)),
    ),
    "container-40ft": (
        _l("40-foot container"),
        lambda n: ngettext("%(count)s 40-foot container", "%(count)s 40-foot containers", n, count=_number(n)),
    ),
}

# Spellings spreadsheets use for the units above (the English names and plurals are added below).
UNIT_ALIASES = {
    "pc": "piece",
    "pcs": "piece",
    "pce": "piece",
    "unit": "piece",
    "units": "piece",
    "each": "piece",
    "prs": "pair",
    "sets": "set",
    "doz": "dozen",
    "dozens": "dozen",
    "ctn": "carton",
    "ctns": "carton",
    "packs": "pack",
    "pkg": "pack",
    "bags": "bag",
    "bottles": "bottle",
    "rolls": "roll",
    "pallets": "pallet",
    "kilogram": "kg",
    "kilograms": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "t": "tonne",
    "ton": "tonne",
    "tons": "tonne",
    "tonnes": "tonne",
    "mt": "tonne",
    "metric ton": "tonne",
    "l": "litre",
    "liter": "litre",
    "liters": "litre",
    "litres": "litre",
    "m": "metre",
    "meter": "metre",
    "meters": "metre",
    "metres": "metre",
    "m2": "square-metre",
    "m²": "square-metre",
    "sqm": "square-metre",
    "square meter": "square-metre",
    "square meters": "square-metre",
    "square metres": "square-metre",
    "20ft": "container-20ft",
    "20' container": "container-20ft",
    "20gp": "container-20ft",
    "40ft": "container-40ft",
    "40' container": "container-40ft",
    "40gp": "container-40ft",
    "40hq": "container-40ft",
    "boxes": "box",
    "cartons": "carton",
    "pieces": "piece",
    "pairs": "pair",
}


def unit_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, (name, _quantity) in ORDER_UNITS.items()] + [(OTHER_UNIT, _("other…"))]


def unit_name(unit: str) -> str:
    """A known unit in the viewer's language; a unit the exhibitor typed, as typed."""
    known = ORDER_UNITS.get(unit)
    return str(known[0]) if known else unit


def quantity_with_unit(quantity: int, unit: str) -> str:
    """'200 boxes', '1,000 kg'; a unit the exhibitor typed follows the number as typed."""
    known = ORDER_UNITS.get(unit)
    if known:
        return known[1](quantity)
    return _("%(count)s %(unit)s", count=_number(quantity), unit=unit)


def _unit_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace(".", "").split())


def unit_lookup(languages: list[str]) -> dict[str, str]:
    """Every spelling a file may use for a known unit -> its code: codes, aliases, and the names in
    each of ``languages`` (call inside a request; translations are looked up per language)."""
    from flask_babel import force_locale

    lookup = {_unit_key(code): code for code in ORDER_UNITS}
    lookup.update({_unit_key(alias): code for alias, code in UNIT_ALIASES.items()})
    for language in languages:
        with force_locale(language):
            for code, (name, _quantity) in ORDER_UNITS.items():
                lookup.setdefault(_unit_key(str(name)), code)
    return lookup


def parse_unit(text: str, lookup: dict[str, str]) -> str:
    """A known unit's code, or the text itself as a unit of the exhibitor's own."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return DEFAULT_UNIT
    code = lookup.get(_unit_key(cleaned))
    if code:
        return code
    if len(cleaned) > MAX_UNIT_LENGTH:
        raise InvalidValue(_("A unit has at most %(max)s characters.", max=MAX_UNIT_LENGTH))
    return cleaned


# --- currencies ------------------------------------------------------------------------------------

# China's and the ASEAN members' currencies come first, after the ones most quotes use.
PRIORITY_CURRENCIES = ("USD", "CNY", "EUR", "BND", "KHR", "IDR", "LAK", "MYR", "MMK", "PHP", "SGD", "THB", "VND")
# ISO 4217 codes that are not money a price is quoted in: precious metals, bond units, test codes.
NOT_MONEY = frozenset(
    {"XAD", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies if currency.alpha_3 not in NOT_MONEY)


@lru_cache(maxsize=8)
def _currency_choices(locale: str) -> tuple[tuple[str, str], ...]:
    def label(code: str) -> str:
        return f"{code} · {get_currency_name(code, locale=locale)}"

    rest = sorted(code for code in currency_codes() if code not in PRIORITY_CURRENCIES)
    return tuple((code, label(code)) for code in (*PRIORITY_CURRENCIES, *rest))


def currency_choices() -> list[tuple[str, str]]:
    """('CNY', 'CNY · 人民币') pairs in the viewer's language, the region's currencies first."""
    return list(_currency_choices(str(get_locale() or "en")))


def parse_currency(text: str) -> str:
    code = text.strip().upper()
    if not code:
        return DEFAULT_CURRENCY
    if code not in currency_codes():
        raise InvalidValue(_("“%(code)s” is not an ISO 4217 currency code such as USD, CNY or THB.", code=text.strip()))
    return code


# --- numbers ---------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def _plain_number(text: str) -> str:
    """'1,234.50', '1.234,50', '1 234,5' -> '1234.50', '1234.50', '1234.5': the separator that comes
    last, or a lone comma followed by one or two digits, is the decimal point."""
    number = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    if "," in number and "." in number:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        return number.replace(grouping, "").replace(decimal_mark, ".")
    if "," in number:
        if re.fullmatch(r"-?\d+,\d{1,2}", number):
            return number.replace(",", ".")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", number):
            return number.replace(",", "")
    return number


def parse_price(text: str) -> Decimal | None:
    """An amount of money of at most two decimals, or None for an empty field."""
    if not text.strip():
        return None
    try:
        amount = Decimal(_plain_number(text))
    except InvalidOperation:
        raise InvalidValue(_("Enter a number such as 2.50.")) from None
    if not amount.is_finite():
        raise InvalidValue(_("Enter a number such as 2.50."))
    if amount < 0:
        raise InvalidValue(_("A price cannot be negative."))
    if amount > MAX_PRICE:  # before quantize, which raises on a number longer than the context's precision
        raise InvalidValue(_("Enter a price below one trillion."))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidValue(_("Use at most two decimals."))
    return amount.quantize(Decimal("0.01"))


def parse_quantity(text: str) -> int | None:
    """A whole, positive number of units, or None for an empty field."""
    if not text.strip():
        return None
    try:
        amount = Decimal(_plain_number(text))
    except InvalidOperation:
        raise InvalidValue(_("Enter a whole number such as 200.")) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise InvalidValue(_("Enter a whole number such as 200."))
    if amount < 1:
        raise InvalidValue(_("The minimum order is at least 1."))
    if amount > MAX_QUANTITY:
        raise InvalidValue(_("Enter a minimum order of at most one billion."))
    return int(amount)


# --- HS codes --------------------------------------------------------------------------------------


def parse_hs_code(text: str) -> str:
    """'4015.19', '4015 19 00' -> '40151900': customs write HS codes with dots and spaces; we keep the digits."""
    digits = re.sub(r"[\s.\-]", "", unicodedata.normalize("NFKC", text))
    if not digits:
        return ""
    if not digits.isascii() or not digits.isdigit():
        raise InvalidValue(_("An HS code has digits only (dots and spaces are fine), for example 4015.19."))
    if not 6 <= len(digits) <= 10:
        raise InvalidValue(
            _(
                "An HS code has 6 to 10 digits; “%(code)s” has %(count)s. A code starting with 0 loses "
                "it when a spreadsheet treats the cell as a number.",
                code=text.strip(),
                count=len(digits),
            )
        )
    return digits


# --- specifications --------------------------------------------------------------------------------

# A full-width colon is what Chinese input methods type.
_SPEC_SEPARATOR = re.compile(r"[:：]")


def parse_specifications(text: str, *, item_separator: str = "\n") -> list[list[str]]:
    """'Material: Non-woven\\nSize: 17.5 × 9.5 cm' -> [['Material', 'Non-woven'], ['Size', '17.5 × 9.5 cm']].

    Each item is "Name: value" (the first colon separates, so values may contain colons); blank
    items are skipped. The import separates items with semicolons instead of new lines.
    """
    pairs: list[list[str]] = []
    items = [item.strip() for item in text.replace("\r\n", "\n").split(item_separator)]
    for number, item in enumerate((item for item in items if item), 1):
        parts = _SPEC_SEPARATOR.split(item, maxsplit=1)
        name, value = (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else (parts[0].strip(), "")
        if not name or not value:
            raise InvalidValue(
                _(
                    "Specification %(number)s (“%(item)s”) needs a name, a colon and a value, for "
                    "example “Material: Non-woven polypropylene”.",
                    number=number,
                    item=item[:60],
                )
            )
        pairs.append([name, value])
    check_specifications(pairs)
    return pairs


def check_specifications(pairs: list[list[str]]) -> None:
    """Raise InvalidValue unless ``pairs`` is a short list of distinct, non-empty [name, value] pairs."""
    if len(pairs) > MAX_SPECIFICATIONS:
        raise InvalidValue(_("List at most %(max)s specifications.", max=MAX_SPECIFICATIONS))
    seen: set[str] = set()
    for number, pair in enumerate(pairs, 1):
        if (
            not isinstance(pair, (list, tuple))
            or len(pair) != 2
            or not all(isinstance(part, str) and part.strip() for part in pair)
        ):
            raise InvalidValue(_("Specification %(number)s needs a name and a value.", number=number))
        name, value = pair
        if len(name) > MAX_SPECIFICATION_NAME:
            raise InvalidValue(
                _(
                    "The name of specification %(number)s is longer than %(max)s characters.",
                    number=number,
                    max=MAX_SPECIFICATION_NAME,
                )
            )
        if len(value) > MAX_SPECIFICATION_VALUE:
            raise InvalidValue(
                _(
                    "The value of specification %(number)s is longer than %(max)s characters.",
                    number=number,
                    max=MAX_SPECIFICATION_VALUE,
                )
            )
        if name.casefold() in seen:
            raise InvalidValue(_("“%(name)s” is given twice; list each specification once.", name=name))
        seen.add(name.casefold())


def format_specifications(pairs: list[list[str]], *, item_separator: str = "\n") -> str:
    return item_separator.join(f"{name}: {value}" for name, value in pairs)
