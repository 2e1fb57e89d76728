"""Content in several languages: what a record's visitor-facing texts are in each language.

Each translatable record keeps its texts as typed in its *source language* in its ordinary columns
(``name``, ``description``...) and every other language's texts in one JSON column::

    product.source_language == "en"
    product.name == "KN95 respirator"
    product.translations == {"zh": {"name": "KN95 口罩", "description": "..."},
                             "vi": {"name": "Khẩu trang KN95"}}

A visitor reads their language, else the record's source language, else English
(:meth:`Translatable.text_in`); a page says which language it shows when that is not the reader's.
One JSON column rather than a table of translations: a page that shows a record already has all its
languages without another query, and the search index is built from the record alone.

Fields are plain text; where a field also has a rendered form (``description_html``), the
translation stores it beside under the same key with ``_html`` appended, written by the service
that sanitises the source's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup, escape
from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

# The language a record is written in when nobody said otherwise: everything written before
# records had a source language was written in English.
DEFAULT_SOURCE_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """A field's text in the language it was found in, and the language the reader asked for."""

    text: str
    language: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        """The reader asked for another language than the one shown."""
        return self.language != self.requested

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> Markup:
        # Plain escaped text, safe anywhere (a <title>, an attribute): marking the language with
        # a lang attribute is the template's choice, where an element can carry it.
        return escape(self.text)


class TranslatedTexts:
    """Reading a record's texts by language, for anything with ``source_language``, ``translations``
    and the source's texts as attributes: the models below, and the plain cards a search page builds
    from a few columns (expo.exhibition.services.ProductCard)."""

    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]] = ()
    source_language: str
    translations: dict[str, dict[str, Any]]

    def own_text(self, field: str, language: str) -> Any:
        """The field as written in ``language`` (the column for the source language), or None."""
        if field not in self.TRANSLATED_FIELDS and not field.endswith("_html"):
            raise KeyError(f"{type(self).__name__}.{field} is not translated")
        if language == (self.source_language or DEFAULT_SOURCE_LANGUAGE):
            return getattr(self, field)
        return ((self.translations or {}).get(language) or {}).get(field) or None

    def text_in(self, field: str, language: str) -> LocalizedText:
        """The field in ``language``, else in the source language, else in English."""
        source = self.source_language or DEFAULT_SOURCE_LANGUAGE
        for candidate in dict.fromkeys((language, source, DEFAULT_SOURCE_LANGUAGE)):
            text = self.own_text(field, candidate)
            if text:
                return LocalizedText(text, candidate, language)
        return LocalizedText("", language, language)

    def languages(self) -> list[str]:
        """The source language, then every language with at least one field filled, sorted."""
        source = self.source_language or DEFAULT_SOURCE_LANGUAGE
        filled = sorted(
            language
            for language, fields in (self.translations or {}).items()
            if language != source and any(fields.get(field) for field in self.TRANSLATED_FIELDS)
        )
        return [source, *filled]


class Translatable(TranslatedTexts):
    """Mixin for models whose visitor-facing texts exist in several languages.

    A model lists its translated fields in ``TRANSLATED_FIELDS``; the columns of those names hold
    the source language's text.
    """

    source_language: Mapped[str] = mapped_column(
        String(8), default=DEFAULT_SOURCE_LANGUAGE, server_default=DEFAULT_SOURCE_LANGUAGE
    )
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict, server_default="{}")

    def set_translation(self, language: str, fields: dict[str, Any]) -> None:
        """Replace ``language``'s texts (empty values dropped; no fields left removes the language).

        The JSON column is reassigned, never changed in place, so that the ORM sees the change.
        """
        if language == (self.source_language or DEFAULT_SOURCE_LANGUAGE):
            raise ValueError("the source language's texts live in the record's own columns")
        unknown = set(fields) - set(self.TRANSLATED_FIELDS) - {f"{name}_html" for name in self.TRANSLATED_FIELDS}
        if unknown:
            raise KeyError(f"not translated fields of {type(self).__name__}: {sorted(unknown)}")
        kept = {name: value for name, value in fields.items() if value}
        translations = {key: dict(value) for key, value in (self.translations or {}).items() if key != language}
        if kept:
            translations[language] = kept
        self.translations = translations


# --- the page's language: what templates and e-mails call ------------------------------------------


def content_languages() -> list[str]:
    """The languages editors can write content in: every language the interface is shipped in."""
    # i18n imports flask_login's user: read here, so that models can import this module.
    from expo.i18n import LANGUAGES

    return list(LANGUAGES)


def language_name(code: str) -> str:
    """A language in its own name ("Tiếng Việt", "ไทย"): the interface's name for it when it ships one,
    else CLDR's."""
    from expo.i18n import LANGUAGES

    if code in LANGUAGES:
        return LANGUAGES[code]
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code).get_display_name(code)
    except (ValueError, LookupError, UnknownLocaleError):  # UnknownLocaleError is neither
        return code
    return name[:1].upper() + name[1:] if name else code


def page_language() -> str:
    """The language the page (or e-mail, under force_locale) is being written in."""
    from expo.i18n import viewer_locale

    locale = viewer_locale()
    return locale.language if locale is not None else DEFAULT_SOURCE_LANGUAGE


def localized(record: TranslatedTexts | None, field: str) -> LocalizedText:
    """``record``'s ``field`` in the page's language, else its source language, else English."""
    language = page_language()
    if record is None:
        return LocalizedText("", language, language)
    return record.text_in(field, language)


def localized_html(record: TranslatedTexts, field: str) -> Markup:
    """The sanitised HTML of a Markdown field (``description_html``) in the language its text is shown in."""
    shown = localized(record, field)
    if not shown:
        return Markup("")
    html = record.own_text(f"{field}_html", shown.language)
    return Markup(html) if html else Markup("<p>{}</p>").format(shown.text)


def shown_language(record: TranslatedTexts | None, *fields: str) -> str | None:
    """The language ``record``'s block is shown in when it is not the page's (the first field shown in
    another language decides; empty fields do not count), else None: no note is needed."""
    if record is None:
        return None
    language = page_language()
    for field in fields:
        text = record.text_in(field, language)
        if text and text.is_fallback:
            return text.language
    return None


def language_label(code: str) -> Markup:
    """A language's own name marked with its language, for a sentence in the page's language."""
    return Markup('<span lang="{}">{}</span>').format(code, language_name(code))
