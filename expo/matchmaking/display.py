"""How matchmaking reads on a page: reasons in words (in the reader's language, from the buyer's or the
team's side), spoken languages by name, Incoterms and choices."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _

from expo.catalog import values
from expo.i18n import country_name
from expo.leads.models import Incoterm
from expo.matchmaking.services import SPOKEN_LANGUAGES

BUYER = "buyer"  # the reader sources: "makes KN95 respirators you source"
TEAM = "team"  # the reader sells: "sources KN95 respirators you make"


def language_name(code: str) -> str:
    locale = Locale.parse(str(get_locale() or "en"))
    return locale.languages.get(code, code)


def spoken_language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in SPOKEN_LANGUAGES]


def incoterm_choices() -> list[tuple[str, str]]:
    return [(term.value, term.described) for term in Incoterm]


def _quantity(amount: int, unit: str) -> str:
    return values.quantity_with_unit(amount, unit)


def reason_text(code: str, data: dict, reader: str = BUYER) -> str:
    """One stored reason (expo.matchmaking.scoring) in words; an unknown code reads as nothing."""
    if code == "goods":
        if reader == BUYER:
            return _("makes %(product)s you source", product=data["product"])
        return _("sources %(product)s you make", product=data["product"])
    if code == "hs_code":
        return _("HS code %(code)s matches", code=data["code"])
    if code == "moq_within":
        if reader == BUYER:
            return _(
                "minimum order %(moq)s below your %(quantity)s",
                moq=_quantity(data["moq"], data["unit"]),
                quantity=_quantity(data["quantity"], data["unit"]),
            )
        return _(
            "wants %(quantity)s, above your minimum order of %(moq)s",
            quantity=_quantity(data["quantity"], data["unit"]),
            moq=_quantity(data["moq"], data["unit"]),
        )
    if code == "moq_above":
        if reader == BUYER:
            return _(
                "minimum order %(moq)s above your %(quantity)s",
                moq=_quantity(data["moq"], data["unit"]),
                quantity=_quantity(data["quantity"], data["unit"]),
            )
        return _(
            "wants %(quantity)s, below your minimum order of %(moq)s",
            quantity=_quantity(data["quantity"], data["unit"]),
            moq=_quantity(data["moq"], data["unit"]),
        )
    if code == "price":
        return _("prices within your target range") if reader == BUYER else _("target price within your prices")
    if code == "ships":
        if reader == BUYER:
            return _(
                "ships %(incoterm)s to %(country)s", incoterm=data["incoterm"], country=country_name(data["country"])
            )
        return _(
            "buys %(incoterm)s delivered to %(country)s, where you ship",
            incoterm=data["incoterm"],
            country=country_name(data["country"]),
        )
    if code == "incoterm":
        return (
            _("quotes %(incoterm)s", incoterm=data["incoterm"])
            if reader == BUYER
            else _("buys %(incoterm)s, as you quote", incoterm=data["incoterm"])
        )
    if code == "exports_to":
        return (
            _("exports to %(country)s", country=country_name(data["country"]))
            if reader == BUYER
            else _("delivers to %(country)s, where you export", country=country_name(data["country"]))
        )
    if code == "speaks":
        return _("speaks %(language)s", language=language_name(data["language"]))
    if code == "certified":
        if reader == BUYER:
            return _("certified %(certifications)s", certifications=", ".join(data["certifications"]))
        return _("needs %(certifications)s, which you hold", certifications=", ".join(data["certifications"]))
    return ""


def reasons_text(reasons: list, reader: str = BUYER) -> str:
    """The reasons joined as one sentence part: "makes …; minimum order …; ships CIF to Viet Nam"."""
    words = [reason_text(code, data, reader) for code, data in reasons]
    return _("; ").join(word for word in words if word)
