"""schema.org JSON-LD for the public pages: the edition, its forums and sessions, booths and products.

The dicts are built here from the models and serialised by ``script_json`` into a
``<script type="application/ld+json">`` block. A data block is never executed, so the site's
``script-src 'self'`` does not apply to it (browsers stop at the unknown type before any CSP check).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from expo.lib.urls import external_url

CONTEXT = "https://schema.org"
OFFLINE = "https://schema.org/OfflineEventAttendanceMode"
MIXED = "https://schema.org/MixedEventAttendanceMode"

# UN/CEFACT common codes for the order units the catalogue offers; others keep only their unitText.
UNIT_CODES = {
    "piece": "H87",
    "pieces": "H87",
    "set": "SET",
    "sets": "SET",
    "kg": "KGM",
    "kilogram": "KGM",
    "tonne": "TNE",
    "ton": "TNE",
    "metre": "MTR",
    "meter": "MTR",
    "litre": "LTR",
    "liter": "LTR",
    "box": "BX",
    "carton": "CT",
    "pair": "PR",
    "dozen": "DZN",
    "container": "CH",
    "pallet": "PF",
    "square metre": "MTK",
    "cubic metre": "MTQ",
    "bag": "BG",
    "roll": "RO",
}


def script_json(data: dict[str, Any]) -> Markup:
    """``data`` as JSON safe inside a script element: no ``</script>``, ``<!--`` or line separators.

    Escaping ``<``, ``>`` and ``&`` as \\u sequences keeps the JSON identical once parsed.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(text)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _text(record: Any, field: str) -> str:
    """The field in the reader's language when the record is translated, as the page shows it."""
    if hasattr(record, "text_in") and field in getattr(record, "TRANSLATED_FIELDS", ()):
        return str(record.text_in(field, _language()))
    return getattr(record, field) or ""


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local_iso(moment: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 with the offset of the place where it happens (2026-09-17T09:30:00+07:00)."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def organizer() -> dict[str, Any]:
    return _compact(
        {"@type": "Organization", "name": current_app.config["ORGANIZER_NAME"], "url": current_app.config["BASE_URL"]}
    )


def _place(edition, room: str = "") -> dict[str, Any]:
    address = _compact(
        {"@type": "PostalAddress", "addressLocality": _text(edition, "city"), "addressCountry": edition.country}
    )
    name = ", ".join(part for part in (room, _text(edition, "venue")) if part)
    return _compact(
        {
            "@type": "Place",
            "name": name or _text(edition, "city") or _text(edition, "name"),
            "address": address if len(address) > 1 else None,
        }
    )


def session_event(session, edition, zone: ZoneInfo) -> dict[str, Any]:
    online = bool(session.stream_url)
    location: list[dict[str, Any]] | dict[str, Any] = _place(edition, session.room)
    url = external_url("forums.show_session", slug=edition.slug, session_id=session.id)
    if online:
        location = [location, {"@type": "VirtualLocation", "url": url}]
    return _compact(
        {
            "@type": "Event",
            "name": session.title,
            "description": session.abstract,
            "url": url,
            "startDate": _local_iso(session.starts_at, zone),
            "endDate": _local_iso(session.ends_at, zone),
            "eventAttendanceMode": MIXED if online else OFFLINE,
            "location": location,
            "organizer": organizer(),
            "inLanguage": session.language,
            "performer": [{"@type": "Person", "name": speaker.name} for speaker in session.speakers],
        }
    )


def forum_event(forum, edition, zone: ZoneInfo) -> dict[str, Any]:
    sessions = sorted(forum.sessions, key=lambda session: session.starts_at)
    subevents = [session_event(session, edition, zone) for session in sessions]
    if sessions:
        start = _local_iso(sessions[0].starts_at, zone)
        end = _local_iso(max(session.ends_at for session in sessions), zone)
    else:  # a forum announced before its programme: it takes place during the edition
        start, end = edition.starts_on.isoformat(), edition.ends_on.isoformat()
    return _compact(
        {
            "@type": "Event",
            "name": forum.title,
            "description": forum.description,
            "url": external_url("forums.show_forum", slug=edition.slug, forum_slug=forum.slug),
            "startDate": start,
            "endDate": end,
            "eventAttendanceMode": MIXED if any(session.stream_url for session in sessions) else OFFLINE,
            "location": _place(edition),
            "organizer": organizer(),
            "subEvent": subevents,
        }
    )


def edition_event(edition, forums) -> dict[str, Any]:
    """The edition as an ``ExhibitionEvent``: the halls in person, the exhibition online all year."""
    zone = _zone(edition.timezone)
    url = external_url("editions.show_edition", slug=edition.slug)
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "ExhibitionEvent",
            "name": _text(edition, "name"),
            "description": _text(edition, "tagline") or _text(edition, "description"),
            "url": url,
            "startDate": edition.starts_on.isoformat(),
            "endDate": edition.ends_on.isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": MIXED,
            "location": [_place(edition), {"@type": "VirtualLocation", "url": url}],
            "organizer": organizer(),
            "subEvent": [forum_event(forum, edition, zone) for forum in forums],
        }
    )


def booth_organization(booth) -> dict[str, Any]:
    """An exhibitor's booth as the ``Organization`` behind it."""
    company = booth.company
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Organization",
            "name": company.name,
            "url": external_url("booths.show_booth", slug=booth.slug),
            "sameAs": [company.website] if company.website else None,
            "description": _text(booth, "tagline") or company.description,
            "email": booth.contact_email,
            "telephone": booth.contact_phone,
            "address": _compact({"@type": "PostalAddress", "addressCountry": booth.country or company.country})
            if (booth.country or company.country)
            else None,
            "knowsAbout": _text(company, "sector"),
        }
    )


def product(product, booth) -> dict[str, Any]:
    """A product with an ``Offer``: its price range per unit and its minimum order."""
    company = booth.company
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": external_url("catalog.show_product", slug=booth.slug, product_slug=product.slug),
        "seller": {
            "@type": "Organization",
            "name": company.name,
            "url": external_url("booths.show_booth", slug=booth.slug),
        },
        "availability": _availability(product),
    }
    unit_code = UNIT_CODES.get((product.order_unit or "").strip().lower())
    if product.price_min is not None or product.price_max is not None:
        offer["priceCurrency"] = product.currency
        offer["priceSpecification"] = _compact(
            {
                "@type": "UnitPriceSpecification",
                "minPrice": product.price_min if product.price_min is not None else product.price_max,
                "maxPrice": product.price_max if product.price_max is not None else product.price_min,
                "priceCurrency": product.currency,
                "unitText": product.order_unit,
                "unitCode": unit_code,
            }
        )
    if product.min_order_quantity:
        offer["eligibleQuantity"] = _compact(
            {
                "@type": "QuantitativeValue",
                "minValue": product.min_order_quantity,
                "unitText": product.order_unit,
                "unitCode": unit_code,
            }
        )
    images = [external_url("catalog.product_image", image_id=image.id) for image in product.images]
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Product",
            "name": _text(product, "name"),
            "description": _text(product, "description"),
            "url": offer["url"],
            "sku": product.slug,
            "category": product.category.name if product.category else None,
            "brand": {"@type": "Brand", "name": company.name},
            "image": images,
            "offers": offer,
        }
    )


def _availability(product) -> str:
    value = str(product.availability)
    return {
        "in_stock": "https://schema.org/InStock",
        "made_to_order": "https://schema.org/MadeToOrder",
        "pre_order": "https://schema.org/PreOrder",
        "out_of_stock": "https://schema.org/OutOfStock",
    }.get(value, "https://schema.org/InStock")
