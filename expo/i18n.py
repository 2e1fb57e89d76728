"""Languages, countries, time zones, and how dates and times are shown to each viewer."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pycountry
from babel import Locale, support
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_time as babel_format_time
from babel.dates import format_skeleton
from babel.dates import format_interval
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale, get_timezone, get_translations
from flask_login import current_user
from wtforms.i18n import messages_path as wtforms_messages_path

# The languages with a full catalogue. More ASEAN languages are added by adding catalogues here.
LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文", "vi": "Tiếng Việt", "th": "ไทย",
                             "id": "Bahasa Indonesia", "ms": "Bahasa Melayu"}

# China and the ten ASEAN member states come first in every country list.
PRIORITY_COUNTRIES = ("CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")

TZ_COOKIE = "expo_tz"


def select_locale() -> str:
    if not has_request_context():  # shell commands and workers choose with force_locale
        return "en"
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


# Locale code -> its catalogue; catalogues do not change while the process runs.
_CATALOGUES: dict[str, support.NullTranslations] = {}


def catalogue() -> tuple[support.NullTranslations, Locale]:
    """The viewer's catalogue and locale, for code that translates a few strings for every row of a
    page (product cards): flask_babel's gettext looks the request up a dozen times for each string,
    some 2 ms of a search page. The locale is read every time, so force_locale is obeyed."""
    locale = get_locale()
    if locale is None:  # no app context
        return support.NullTranslations(), Locale.parse("en")
    key = str(locale)
    translations = _CATALOGUES.get(key)
    if translations is None:
        translations = _CATALOGUES[key] = get_translations()
    return translations, locale


# WTForms' own messages ("This field is required.") for the languages WTForms ships no catalogue for,
# and for what its catalogue of a language lacks: domain "wtforms", compiled by `make translations`.
WTFORMS_CATALOGUES = Path(__file__).resolve().parent / "translations" / "wtforms"

# Locale code -> WTForms' messages in that language, ours in front of WTForms' own.
_WTFORMS_CATALOGUES: dict[str, support.NullTranslations] = {}


def wtforms_translations() -> support.NullTranslations:
    """WTForms' validator and field messages in the viewer's language, for the forms' Meta: our
    catalogue first, then the one WTForms ships (a message neither has stays in English)."""
    locale = get_locale()
    key = str(locale) if locale is not None else "en"
    translations = _WTFORMS_CATALOGUES.get(key)
    if translations is None:
        translations = support.Translations.load(str(WTFORMS_CATALOGUES), [key], domain="wtforms")
        translations.add_fallback(support.Translations.load(wtforms_messages_path(), [key], domain="wtforms"))
        _WTFORMS_CATALOGUES[key] = translations
    return translations


def is_known_timezone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name longer than a file name may be
        return False
    return True


def select_timezone() -> str:
    """The signed-in user's zone; for visitors, the zone their browser reported in a cookie."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if current_user.is_authenticated and is_known_timezone(current_user.timezone):
        return current_user.timezone
    # The browser writes the cookie with encodeURIComponent ("Asia%2FBangkok").
    from_browser = unquote(request.cookies.get(TZ_COOKIE, ""))
    if is_known_timezone(from_browser):
        return from_browser
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


@lru_cache(maxsize=8)
def _country_names(locale_code: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(locale_code).territories
    names = []
    for country in pycountry.countries:
        names.append((country.alpha_2, territories.get(country.alpha_2, country.name)))
    priority = [(code, territories.get(code, code)) for code in PRIORITY_COUNTRIES]
    rest = sorted(
        (item for item in names if item[0] not in PRIORITY_COUNTRIES), key=lambda item: item[1]
    )
    return tuple(priority + rest)


def country_choices() -> list[tuple[str, str]]:
    """(code, localised name) pairs: China and ASEAN first, then the rest alphabetically."""
    return list(_country_names(str(get_locale() or "en")))


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return Locale.parse(str(get_locale() or "en")).territories.get(code, code)


@lru_cache(maxsize=1)
def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith("Etc/"))
    return [("UTC", "UTC")] + [(zone, zone.replace("_", " ")) for zone in zones]


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


def _long_datetime(value: datetime, tz) -> str:
    """The date in full and the time without seconds or a zone name (the IANA zone follows)."""
    locale = get_locale() or "en"
    local = value.astimezone(tz)
    return f"{babel_format_date(local, 'full', locale=locale)} {babel_format_time(local, 'short', locale=locale)}"


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A moment in the viewer's zone, with the zone named so nobody has to guess."""
    if value is None:
        return ""
    tz = get_timezone()
    if fmt == "day_time":
        return datetime_in_zone(value, tz.zone, "day_time")
    text = _long_datetime(value, tz) if fmt == "full" else format_datetime(value, fmt)
    return f"{text} ({tz.zone})"


def datetime_in_zone(value: datetime | None, zone: str, fmt: str = "medium", named: bool = True) -> str:
    """A moment in a named zone (an e-mail's recipient, an edition's venue); the zone is named
    unless the page already says it once (``named=False``)."""
    if value is None:
        return ""
    tz = ZoneInfo(zone) if is_known_timezone(zone) else ZoneInfo("UTC")
    if fmt == "full":
        text = _long_datetime(value, tz)
    elif fmt == "time":
        text = babel_format_time(value, "short", tzinfo=tz, locale=get_locale() or "en")
    elif fmt == "day_time":
        # "Fri, Sep 10, 9:30 AM", "9月10日周五 09:30": the weekday and day in the locale's own order.
        locale = get_locale() or "en"
        day = format_skeleton("MMMEd", value, tzinfo=tz, locale=locale)
        text = f"{day} {babel_format_time(value, 'short', tzinfo=tz, locale=locale)}"
    else:
        text = babel_format_datetime(value, fmt, tzinfo=tz, locale=get_locale() or "en")
    return f"{text} ({tz.key})" if named else text


def format_day(value: date) -> str:
    """'Friday, September 10, 2027' / '2027年9月10日星期五'."""
    return format_date(value, "full")


def date_range(start: date, end: date) -> str:
    """'Sep 10 – 13, 2027' in English, '2027年9月10日 – 13日' in Chinese: the locale's own range rules."""
    return format_interval(start, end, "yMMMMd", locale=get_locale() or "en")
