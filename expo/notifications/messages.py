"""A notice's words kept as data (message keys and their parameters) and written out in the reader's
language when the notice is read, not in the language its recipient had when it was created.

Callers build a notice's title and body from the usual translation calls, ``lazy_gettext`` /
``lazy_ngettext`` / ``lazy_pgettext`` (so ``pybabel extract`` finds them), whose parameters may be
plain text and numbers, other lazy strings, or the values below, which format themselves by CLDR in
whatever language is current: :class:`expo.i18n.LocalDay`, :class:`expo.i18n.LocalMoment`,
:class:`Money`, :class:`Quantity`; pieces are put together with :class:`Lines` and :class:`Joined`.
Plain text (a booth's review note, a message a buyer wrote) stays as written.

``to_data`` turns such a value into JSON for the ``notifications.message`` column and ``render``
turns the JSON back into text in the current locale. Anything ``to_data`` cannot keep (a callable,
an object of another kind) raises ``CannotKeep``; ``notify`` then stores the text as it reads now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, gettext, ngettext, npgettext, pgettext
from flask_babel.speaklater import LazyString

from expo.i18n import LocalDay, LocalMoment

# A lazy string's function, by the name stored for it: only these are ever called by render.
_FUNCTIONS = {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


class CannotKeep(TypeError):
    """The value cannot be stored as data to be rendered later."""


def _locale() -> str:
    return str(get_locale() or "en")


@dataclass(frozen=True)
class Money:
    """An amount of a currency: 'US$1,234.50', '1.234,50 US$', 'US$1,234.50' by the reader's locale."""

    amount: Decimal | float | int | str
    currency: str

    def __str__(self) -> str:
        return format_currency(Decimal(str(self.amount)), self.currency, locale=_locale())


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as typed ('12,000 boxes'): the number by the reader's locale."""

    amount: int | float | Decimal | str
    unit: str = ""

    def __str__(self) -> str:
        number = format_decimal(Decimal(str(self.amount)), locale=_locale())
        return f"{number} {self.unit}".strip()


class Lines:
    """Parts on lines of their own; empty parts are left out."""

    separator = "\n"

    def __init__(self, *parts: Any) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return self.separator.join(filter(None, (str(part) for part in self.parts if part is not None)))


class Joined(Lines):
    """Parts side by side, e.g. a translated label and a value: ``Joined(_l("Quantity:"), Quantity(5, "t"))``."""

    def __init__(self, *parts: Any, separator: str = " ") -> None:
        super().__init__(*parts)
        self.separator = separator


def _lazy_function_name(value: LazyString) -> str:
    for name, function in _FUNCTIONS.items():
        if value._func is function:
            return name
    raise CannotKeep(f"a lazy string made by {value._func!r}")


def to_data(value: Any) -> Any:
    """JSON that ``render`` turns back into ``str(value)``, in whichever language is current then."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise CannotKeep("a boolean")
    if isinstance(value, (int, float)):
        return {"number": value}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, LazyString):
        name = _lazy_function_name(value)
        return {
            name: [to_data(arg) if not isinstance(arg, str) else arg for arg in value._args],
            "params": {key: to_data(param) for key, param in value._kwargs.items()},
        }
    if isinstance(value, LocalDay):
        return {"day": value.day.isoformat()}
    if isinstance(value, LocalMoment):
        return {"moment": value.moment.isoformat(), "zone": value.zone, "style": value.style}
    if isinstance(value, Money):
        return {"money": [str(value.amount), value.currency]}
    if isinstance(value, Quantity):
        return {"quantity": [str(value.amount), value.unit]}
    if isinstance(value, Joined):
        return {"joined": [to_data(part) for part in value.parts], "separator": value.separator}
    if isinstance(value, Lines):
        return {"lines": [to_data(part) for part in value.parts]}
    raise CannotKeep(f"a {type(value).__name__}")


def _value(data: Any) -> Any:
    """The object ``to_data`` was given, rebuilt; its str() is written in the current locale."""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return str(data)
    if "number" in data:
        return data["number"]
    if "decimal" in data:
        return Decimal(data["decimal"])
    if "day" in data:
        return LocalDay(date.fromisoformat(data["day"]))
    if "moment" in data:
        return LocalMoment(datetime.fromisoformat(data["moment"]), data["zone"], data.get("style", "medium"))
    if "money" in data:
        return Money(*data["money"])
    if "quantity" in data:
        return Quantity(*data["quantity"])
    if "joined" in data:
        return Joined(*(_value(part) for part in data["joined"]), separator=data.get("separator", " "))
    if "lines" in data:
        return Lines(*(_value(part) for part in data["lines"]))
    for name, function in _FUNCTIONS.items():
        if name in data:
            return _Translated(
                function,
                [_value(arg) for arg in data[name]],
                {key: _value(param) for key, param in data.get("params", {}).items()},
            )
    return ""


@dataclass(frozen=True)
class _Translated:
    function: Any
    args: list[Any]
    params: dict[str, Any]

    def __str__(self) -> str:
        # Parameters are written out first, in the same locale, as a lazy string's would be.
        params = {
            key: value if isinstance(value, (int, float, Decimal)) else str(value) for key, value in self.params.items()
        }
        return self.function(*self.args, **params)


def render(data: Any) -> str:
    """The text of stored message data in the current locale (use force_locale for another)."""
    return str(_value(data))
