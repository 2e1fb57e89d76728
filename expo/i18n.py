"""Languages, countries, time zones, and how dates and times are shown to each viewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pycountry
from babel import Locale, support
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval, format_skeleton, get_datetime_format, get_timezone_location
from babel.dates import format_time as babel_format_time
from flask import current_app, has_app_context, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import force_locale, get_locale, get_timezone, get_translations
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.i18n import messages_path as wtforms_messages_path

# The languages with a full catalogue. More ASEAN languages are added by adding catalogues here.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "zh": "简体中文",
    "vi": "Tiếng Việt",
    "th": "ไทย",
    "id": "Bahasa Indonesia",
    "ms": "Bahasa Melayu",
}

# China and the ten ASEAN member states come first in every country list.
PRIORITY_COUNTRIES = ("CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")

# A language's BCP 47 tag where it says more than the catalogue's code ("zh" is written in the
# simplified script). Used for <html lang>, lang="" on text in another language and hreflang.
LANGUAGE_TAGS: dict[str, str] = {"zh": "zh-Hans"}

# Languages written right to left; none ship yet, the markup is ready for them.
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa", "he", "ur"})

# "?lang=vi" shows one page in that language without changing anybody's choice: the address of a
# page in each language, for hreflang alternates and for links shared across languages.
LANGUAGE_PARAMETER = "lang"

TZ_COOKIE = "expo_tz"


def language_tag(code: str | None) -> str:
    """The BCP 47 tag of a catalogue's language: "zh" -> "zh-Hans", "vi" -> "vi"."""
    code = str(code or "en")
    return LANGUAGE_TAGS.get(code, code.replace("_", "-"))


def language_direction(code: str | None) -> str:
    return "rtl" if str(code or "en").split("_")[0] in RTL_LANGUAGES else "ltr"


def in_language(text, language: str | None) -> Markup:
    """Text shown in another language than the page's, marked so screen readers, fonts and
    hyphenation treat it in its own language: ``<span lang="th">…</span>`` (with ``dir`` when the
    direction differs). Text in the page's language is returned unwrapped. Templates use the
    ``in_language`` global; ``language`` is a catalogue code ("zh") or a BCP 47 tag ("zh-Hans")."""
    if text is None or text == "":
        return Markup("")
    attributes = lang_attributes(language)
    if not attributes:
        return escape(text)
    return Markup("<span{}>{}</span>").format(attributes, text)


def lang_attributes(language: str | None) -> Markup:
    """`` lang="th"`` (and ``dir``) for an element whose whole content is in ``language``, or nothing
    when that is the page's language: ``<div class="description"{{ lang_attributes(language) }}>``.
    For a block (a description of several paragraphs), where a span from ``in_language`` won't do."""
    page = str(get_locale() or "en")
    if not language or language_tag(language) == language_tag(page):
        return Markup("")
    direction = language_direction(language)
    dir_attribute = f' dir="{direction}"' if direction != language_direction(page) else ""
    return Markup(' lang="{}"').format(language_tag(language)) + Markup(dir_attribute)


def language_from_url() -> str | None:
    chosen = request.args.get(LANGUAGE_PARAMETER)
    return chosen if chosen in LANGUAGES else None


def select_locale() -> str:
    if not has_request_context():  # shell commands and workers choose with force_locale
        return "en"
    from_url = language_from_url()
    if from_url:
        return from_url
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


TRANSLATIONS_PATH = Path(__file__).resolve().parent / "translations"

# Locale code -> its catalogue; catalogues do not change while the process runs.
_CATALOGUES: dict[str, support.NullTranslations] = {}


def viewer_locale() -> Locale | None:
    """flask_babel's get_locale(), read straight from the state it keeps on the app context once
    the locale is chosen (and where force_locale puts its own): get_locale went through the ``g``
    proxy three times, some 4 µs, and a search page asks some 300 times (every card's texts,
    labels and prices), 1.2 ms of its CPU. None outside an app context, as get_locale."""
    app_context = _cv_app.get(None)
    if app_context is not None:
        locale = getattr(app_context.g.__dict__.get("_flask_babel"), "babel_locale", None)
        if locale is not None:
            return locale
    return get_locale()


def catalogue() -> tuple[support.NullTranslations, Locale]:
    """The viewer's catalogue and locale, for code that translates a few strings for every row of a
    page (product cards): flask_babel's gettext looks the request up a dozen times for each string,
    some 2 ms of a search page. The locale is read every time, so force_locale is obeyed."""
    locale = viewer_locale()
    if locale is None:  # no app context
        return support.NullTranslations(), Locale.parse("en")
    key = str(locale)
    translations = _CATALOGUES.get(key)
    if translations is None:
        translations = _CATALOGUES[key] = get_translations()
    return translations, locale


def catalogue_of(language: str) -> support.NullTranslations:
    """The catalogue of one shipped language whatever the viewer's, for text kept in every language
    (the search index's category names): the same object the pages of that language translate
    with, so a process holds one copy of each catalogue, not two (some 0.8 MB each)."""
    translations = _CATALOGUES.get(language)
    if translations is None:
        if not has_app_context():  # flask_babel needs the app to find its catalogues
            return support.Translations.load(str(TRANSLATIONS_PATH), [language])
        with force_locale(language):
            translations = _CATALOGUES[language] = get_translations()
    return translations


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


def without_language_parameter(path: str) -> str:
    """A same-site path with any ``lang=`` dropped, so going back to it after choosing a language
    shows the choice rather than the language the address asked for."""
    parts = urlsplit(path)
    if not parts.query:
        return path
    kept = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != LANGUAGE_PARAMETER]
    return parts.path + (f"?{urlencode(kept)}" if kept else "")


def keep_language_on_redirect(response):
    """A page asked for in one language (``?lang=th``) that sends the visitor on (``/my/badges`` to
    their one badge, a signed-out visitor to the log-in page) keeps that language: the address it
    redirects to, on this site, gets the same ``lang=`` unless it names one. After every request."""
    chosen = language_from_url() if request.method in ("GET", "HEAD") else None
    location = response.headers.get("Location") if chosen and 300 <= response.status_code < 400 else None
    if not location:
        return response
    parts = urlsplit(location)
    if (parts.netloc and parts.netloc != request.host) or parts.scheme not in ("", "http", "https"):
        return response
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == LANGUAGE_PARAMETER for key, _value in query):
        return response
    response.headers["Location"] = parts._replace(query=urlencode([*query, (LANGUAGE_PARAMETER, chosen)])).geturl()
    return response


def alternate_links() -> list[tuple[str, str]]:
    """(hreflang, absolute address) of this page in every shipped language, then x-default (the
    address without ``lang=``, which negotiates). For public pages, built on BASE_URL."""
    base = current_app.config["BASE_URL"].rstrip("/")
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != LANGUAGE_PARAMETER]
    links = []
    for code in LANGUAGES:
        query = urlencode([*kept, (LANGUAGE_PARAMETER, code)])
        links.append((language_tag(code), f"{base}{request.path}?{query}"))
    links.append(("x-default", f"{base}{request.path}" + (f"?{urlencode(kept)}" if kept else "")))
    return links


def is_known_timezone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name longer than a file name may be
        return False
    return True


def browser_timezone() -> str | None:
    """The zone the visitor's browser reported (static/js/expo.js writes the cookie), if it is one."""
    # The browser writes the cookie with encodeURIComponent ("Asia%2FBangkok").
    from_browser = unquote(request.cookies.get(TZ_COOKIE, ""))[:100]
    return from_browser if is_known_timezone(from_browser) else None


def select_timezone() -> str:
    """The signed-in user's zone; for visitors, the zone their browser reported in a cookie."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if current_user.is_authenticated and is_known_timezone(current_user.timezone):
        return current_user.timezone
    return browser_timezone() or current_app.config["BABEL_DEFAULT_TIMEZONE"]


@lru_cache(maxsize=8)
def _country_names(locale_code: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(locale_code).territories
    names = []
    for country in pycountry.countries:
        names.append((country.alpha_2, territories.get(country.alpha_2, country.name)))
    priority = [(code, territories.get(code, code)) for code in PRIORITY_COUNTRIES]
    rest = sorted((item for item in names if item[0] not in PRIORITY_COUNTRIES), key=lambda item: item[1])
    return tuple(priority + rest)


def country_choices() -> list[tuple[str, str]]:
    """(code, localised name) pairs: China and ASEAN first, then the rest alphabetically."""
    return list(_country_names(str(get_locale() or "en")))


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return _viewer_locale().territories.get(code, code)


def country_name_in(code: str, language: str) -> str:
    """A country's name in ``language`` whatever the viewer's (CLDR's, as ``country_name``)."""
    return Locale.parse(language).territories.get(code, code)


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    """Every zone once: an old name ("Asia/Saigon", "Asia/Chongqing") is left out for the one it
    points to, which has the same times and city."""
    zones = {zone for zone in available_timezones() if "/" in zone and not zone.startswith("Etc/")}
    aliases = get_global("zone_aliases")
    return tuple(sorted(zone for zone in zones if aliases.get(zone, zone) == zone or aliases[zone] not in zones))


def canonical_timezone(zone: str) -> str:
    """The zone's current name ("Asia/Saigon" -> "Asia/Ho_Chi_Minh"): some browsers report old ones."""
    canonical = get_global("zone_aliases").get(zone, zone)
    return canonical if canonical in _zone_names() else zone


def _utc_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@lru_cache(maxsize=32)
def _timezone_choices(locale_code: str, day: str, extra: str | None = None) -> tuple[tuple[str, str], ...]:
    # Offsets as they are on ``day`` (summer time moves them), so the cache is per language and day.
    moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=ZoneInfo("UTC"))
    locale = Locale.parse(locale_code)
    entries = [(timedelta(0), "UTC", "UTC")]
    for zone in _zone_names() + ((extra,) if extra else ()):
        tz = ZoneInfo(zone)  # a zoneinfo object: Babel would build a pytz one from a name, ten times slower
        city = get_timezone_location(tz, locale=locale, return_city=True)
        entries.append((moment.astimezone(tz).utcoffset(), city, zone))
    entries.sort(key=lambda entry: (entry[0], entry[1], entry[2]))
    labels = [f"({_utc_offset(offset)}) {city}" for offset, city, _zone in entries]
    repeated = {label for label in labels if labels.count(label) > 1}
    # A zone kept under its old name reads like its new one: the zone's name tells them apart.
    return tuple(
        (zone, f"{label} · {zone}" if label in repeated else label)
        for (_offset, _city, zone), label in zip(entries, labels)
    )


def timezone_choices(keep: str | None = None) -> list[tuple[str, str]]:
    """Every zone as "(UTC+07:00) Bangkok" in the viewer's language ("(UTC+07:00) 曼谷"), by offset then
    city: for every form that picks a zone. ``keep``: the zone the form holds now, listed even when
    it is an old name left out of the list, so saving the form unchanged keeps it."""
    extra = keep if keep and keep != "UTC" and keep not in _zone_names() and is_known_timezone(keep) else None
    return list(_timezone_choices(str(get_locale() or "en"), datetime.now(ZoneInfo("UTC")).date().isoformat(), extra))


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


# --- dates and times: one rule for the whole site ------------------------------------------------
#
# A moment reads "Fri, Sep 10, 9:30 AM" in English, "9月10日周五 09:30" in Chinese, "09:30 Thứ 6, 10 thg 9"
# in Vietnamese: the day from the CLDR skeleton MMMEd (yMMMEd outside the current year), the time in
# the locale's short form, joined by the locale's own date-time pattern. A day alone is the same day
# part; a page that shows one moment in full (a session's own page) spells the date out. Nothing is
# ever numeric-only ("9/10/27"), whatever the language. Ranges of days use format_interval.


def _viewer_locale() -> Locale:
    locale = viewer_locale()
    return locale if locale is not None else Locale.parse("en")


def _day_part(day: date, locale: Locale, today: date) -> str:
    return format_skeleton("MMMEd" if day.year == today.year else "yMMMEd", day, locale=locale)


def _join(day: str, time: str, locale: Locale) -> str:
    return get_datetime_format("medium", locale=locale).replace("{1}", day).replace("{0}", time)


def format_moment(value: datetime, tz, style: str = "medium") -> str:
    """A moment in ``tz`` by the site's rule: ``style`` is "medium" (the day and the time), "full"
    (the date spelt out, then the time) or "time"."""
    locale = _viewer_locale()
    local = value.astimezone(tz) if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)
    time = babel_format_time(local, "short", tzinfo=tz, locale=locale)
    if style == "time":
        return time
    if style in ("full", "long"):
        day = babel_format_date(local.date(), "full", locale=locale)
    else:
        day = _day_part(local.date(), locale, datetime.now(tz).date())
    return _join(day, time, locale)


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A moment in the viewer's zone, with the zone named so nobody has to guess. ``fmt``: "full"
    (or "long") spells the date out, "time" is the time alone; anything else ("short", "medium",
    "day_time") is the site's one rule."""
    if value is None:
        return ""
    return datetime_in_zone(value, get_timezone().zone, fmt)


def datetime_in_zone(value: datetime | None, zone: str, fmt: str = "medium", named: bool = True) -> str:
    """A moment in a named zone (an e-mail's recipient, an edition's venue); the zone is named
    unless the page already says it once (``named=False``)."""
    if value is None:
        return ""
    tz = ZoneInfo(zone) if is_known_timezone(zone) else ZoneInfo("UTC")
    text = format_moment(value, tz, fmt if fmt in ("full", "long", "time") else "medium")
    return f"{text} ({tz.key})" if named else text


def format_day(value: date | None) -> str:
    """A day by the site's rule: 'Fri, Sep 10' ('Fri, Sep 10, 2027' in another year), '9月10日周五'."""
    if value is None:
        return ""
    tz = get_timezone() if has_request_context() else None
    today = datetime.now(tz).date() if tz is not None else date.today()
    return _day_part(value, _viewer_locale(), today)


@dataclass(frozen=True)
class LocalDay:
    """A day as a message parameter: it reads in the language the message is shown in, when shown."""

    day: date

    def __str__(self) -> str:
        return format_day(self.day)


@dataclass(frozen=True)
class LocalMoment:
    """A moment as a message parameter, shown in ``zone`` and the reader's language when shown."""

    moment: datetime
    zone: str
    style: str = "medium"

    def __str__(self) -> str:
        return datetime_in_zone(self.moment, self.zone, self.style)


def date_range(start: date, end: date) -> str:
    """'Sep 10 – 13, 2027' in English, '2027年9月10日至13日' in Chinese: the locale's own range rules."""
    return format_interval(start, end, "yMMMd", locale=_viewer_locale())
