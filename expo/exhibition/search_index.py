"""The full-text index behind exhibition search: what text a booth or product is found by, how a
visitor's query is read, and the database structures that index it (PostgreSQL GIN over a stored
tsvector, SQLite FTS5).

Both databases index one column, ``search_text``, which a flush listener keeps current from the
fields visitors search by (the company's name and country, the category path in every shipped
language, the specifications...). Bulk loaders that bypass the ORM (the volume generator) call the
same ``*_search_text`` functions.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import pycountry
from babel import Locale
from babel.support import NullTranslations
from sqlalchemy import (
    DDL,
    Connection,
    MetaData,
    Table,
    bindparam,
    event,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from expo.booths.models import Booth
from expo.catalog.models import Product, ProductCategory
from expo.exhibitors.models import ExhibitorCompany

# English stemming on both databases ("masks" finds "mask"); words of other languages pass unstemmed.
# Both index the first line of search_text (the product's or company's name) apart from the rest,
# so that ranking can weigh a match in the name above a match elsewhere: PostgreSQL's
# ``search_vector`` column (generated, under a GIN index: expo.db_types.SEARCH_VECTOR) gives the
# first line weight A and the rest weight D, and relevance ranks ``title_vector``, the first line's
# own small vector (expo.db_types.TITLE_VECTOR); SQLite's FTS5 table has the columns title and
# body, ranked with bm25 weights 10 and 1.
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
TITLE_WEIGHT = 10.0


def _title_and_body(row: str) -> str:
    return (
        f"substr({row}.search_text, 1, instr({row}.search_text || char(10), char(10)) - 1), "
        f"substr({row}.search_text, instr({row}.search_text || char(10), char(10)) + 1)"
    )


def sqlite_fts_statements(table: str, index: str) -> list[str]:
    """A contentless FTS5 table over ``table.search_text`` (its first line as title, the rest as
    body) and the triggers that keep it in step: it only ever answers with rowids.

    Migrations keep their own copy of these statements: a migration is a snapshot of its day.
    """
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5(title, body, content='', tokenize='{SQLITE_TOKENIZER}')",
        f"CREATE TRIGGER {index}_after_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {index}(rowid, title, body) VALUES (new.id, {_title_and_body('new')}); END",
        f"CREATE TRIGGER {index}_after_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, title, body) VALUES ('delete', old.id, {_title_and_body('old')}); END",
        f"CREATE TRIGGER {index}_after_update AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, title, body) VALUES ('delete', old.id, {_title_and_body('old')}); "
        f"INSERT INTO {index}(rowid, title, body) VALUES (new.id, {_title_and_body('new')}); END",
    ]


SQLITE_INDEXES = {"products": "product_search", "booths": "booth_search"}

for _table, _index in SQLITE_INDEXES.items():
    _model_table = Product.__table__ if _table == "products" else Booth.__table__
    for _statement in sqlite_fts_statements(_table, _index):
        event.listen(_model_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
    event.listen(_model_table, "before_drop", DDL(f"DROP TABLE IF EXISTS {_index}").execute_if(dialect="sqlite"))


def is_search_index_table(name: str) -> bool:
    """FTS5's virtual table and its shadow tables: the models don't describe them, Alembic must not drop them."""
    return any(name == index or name.startswith(f"{index}_") for index in SQLITE_INDEXES.values())


# --- what a booth or product is found by ---------------------------------------------------------


def _join(parts: Iterable[str | None]) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


@lru_cache(maxsize=512)
def country_words(code: str | None) -> str:
    """'VN' -> 'Viet Nam Vietnam 越南': visitors search by the names they know, in English or Chinese."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return ""
    names = {country.name, getattr(country, "common_name", country.name)}
    for locale in ("en", "zh"):
        names.add(Locale.parse(locale).territories.get(code, country.name))
    return " ".join(sorted(names))


def _one_line(text: str) -> str:
    """The name goes on the first line, which search weighs as the title: it must stay one line."""
    return " ".join(text.split())


# Translations as expo.content_languages stores them: language -> field -> text.
TranslatedFields = Mapping[str, Mapping[str, Any]]


def _translated(translations: TranslatedFields | None, name_field: str | None) -> tuple[list[str], list[str]]:
    """(names, other texts) of every translation, languages in a fixed order: the names go on the
    title line, the rest in the body. A list value (a product's specifications) gives its strings."""
    names: list[str] = []
    texts: list[str] = []
    for language in sorted(translations or {}):
        for field, value in sorted((translations[language] or {}).items()):
            if field.endswith("_html"):  # the rendered copy of a field: markup, the same words
                continue
            if field == name_field and isinstance(value, str):
                names.append(_one_line(value))
            else:
                texts.extend(_strings(value))
    return names, texts


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


def _title(*names: str) -> str:
    """Every language's name once, on the one title line."""
    return " ".join(dict.fromkeys(name for name in names if name and name.strip()))


def language_codes(source_language: str | None, *translations: TranslatedFields | None) -> str:
    """The languages a record's text is available in: its source language and every language with
    at least one field filled in, sorted and space-separated ("en th zh"), as the ``languages``
    column keeps them (expo.content_languages' ``languages()``, as data a bulk loader has)."""
    codes = {source_language or "en"}
    for mapping in translations:
        for language, fields in (mapping or {}).items():
            if any(
                text.strip()
                for field, value in (fields or {}).items()
                if not field.endswith("_html")
                for text in _strings(value)
            ):
                codes.add(language)
    return " ".join(sorted(codes))


def booth_search_text(
    *,
    company_name: str,
    sector: str,
    tagline: str,
    description: str,
    country: str | None,
    translations: TranslatedFields | None = None,
    company_translations: TranslatedFields | None = None,
) -> str:
    """``translations``: the booth's (tagline, description) in other languages; ``company_translations``:
    the company's (its name in other languages goes on the title line)."""
    company_names, company_texts = _translated(company_translations, "name")
    _names, booth_texts = _translated(translations, None)
    return searchable_text(
        _join(
            [
                _title(_one_line(company_name), *company_names),
                sector,
                tagline,
                country_words(country),
                description,
                *company_texts,
                *booth_texts,
            ]
        )
    )


def product_search_text(
    *,
    name: str,
    category_path: Sequence[str],
    description: str,
    specifications: Sequence[Sequence[str]] | None,
    hs_code: str,
    company_name: str,
    country: str | None = None,
    translations: TranslatedFields | None = None,
    company_names: Sequence[str] = (),
) -> str:
    """The country is the booth's: buyers look for "Vietnam coffee" and "Thai rice". ``translations``:
    the product's in other languages (the names on the title line); ``company_names``: the company's
    name in other languages; ``category_path`` may hold a category's own translated names beside it."""
    specs = " ".join(f"{pair[0]} {pair[1]}" for pair in specifications or () if len(pair) == 2)
    categories = " ".join(category_search_words(name) for name in category_path)
    names, texts = _translated(translations, "name")
    return searchable_text(
        _join(
            [
                _title(_one_line(name), *names),
                categories,
                hs_code,
                " ".join([company_name, *company_names]),
                country_words(country),
                specs,
                description,
                *texts,
            ]
        )
    )


def _catalogue(locale: str) -> NullTranslations:
    from expo.i18n import catalogue_of

    return catalogue_of(locale)


@lru_cache(maxsize=1024)
def category_words(name: str) -> str:
    """'Masks and respirators 口罩与呼吸器': the shared tree's names are catalogue msgids, so a
    visitor searching in any shipped language finds the products filed under them."""
    from expo.i18n import LANGUAGES

    names = [name]
    for locale in LANGUAGES:
        translated = _catalogue(locale).gettext(name)
        if translated not in names:
            names.append(translated)
    return " ".join(names)


@lru_cache(maxsize=1024)
def category_search_words(name: str) -> str:
    """What a product is found by through its category: the names in every shipped language, and
    in every language but English the words for what the category holds ('Protective equipment':
    手套, ถุงมือ...), so that 手套 finds gloves written in English only. Not in English: an English
    product already holds its own words, and 'durian' must not find every tropical fruit."""
    from expo.catalog.category_tree import CATEGORY_KEYWORDS
    from expo.i18n import LANGUAGES

    words = [category_words(name)]
    keywords = CATEGORY_KEYWORDS.get(name)
    if keywords:
        for locale in LANGUAGES:
            translated = _catalogue(locale).gettext(keywords)
            if translated != keywords and translated not in words:
                words.append(translated)
    return " ".join(words)


# --- the text both databases tokenise ---------------------------------------------------------
#
# PostgreSQL's parser and FTS5's unicode61 disagree about punctuation ('N95/KN95' is one "file"
# token to PostgreSQL), accents (FTS5 folds 'café' to 'cafe', PostgreSQL keeps it) and underscores.
# The stored text is therefore normalised first, so that both see the same words separated by
# spaces, and queries go through the same normalisation.
#
# Chinese (and Japanese) is written without spaces, and both tokenisers make one token of a whole
# run of ideographs, so '口罩' would never find '医用口罩'. Each run is indexed as itself, then as
# its overlapping character pairs, then as its single characters: a query of three or more
# characters asks for its pairs standing next to each other, in order, as a phrase ('越南咖啡' for
# 越南 南咖 咖啡), a query of one character for that character. A phrase, not merely all the pairs:
# '口罩机' (mask machine) must not find a text that says 口罩 in one sentence and 罩机 in another.
# The pairs of a run stand next to each other in the index text (the run, its pairs, then its
# single characters), so their positions are consecutive on both databases, and a run's single
# characters part its pairs from the next run's, so a phrase never reaches across two runs. Words
# typed apart (with spaces) stay separate terms: each must be there, anywhere.
#
# Thai, Lao, Khmer and Burmese are written without spaces between words too, in letters that carry
# combining vowels and tone marks. A run of them is cut into units (a letter with the marks on it:
# 'ถุ', 'ง', 'มื', 'อ') and indexed as itself and its overlapping pairs of units ('ถุง', 'งมื',
# 'มือ'), and a query asks for its pairs the same way, as a phrase, so 'ถุงมือ' (gloves) finds
# 'ถุงมือยางไนไตรล์' but not a text with ถุง and มือ apart (the one case where a phrase reaches the
# next run: a run of two units right after the space is itself a pair, so 'ถุงมืออย' finds
# 'ถุงมือ อย', the same letters in the same order). Pairs, not dictionary words: measured on product names (bench/README.md,
# "Segmentation"), jieba and PyThaiNLP's newmm segment a word differently inside a longer one
# ('ไนไตรล์' cut in three, '口罩机' as 口罩 + 机 but '口罩' alone) and missed 2 of 22 Chinese and 4 of 17
# Thai expected matches that pairs found, at a quarter of the speed, with 110 MB of dictionaries and
# no Lao, Khmer or Burmese. Single units are not indexed (most are one consonant, in every text):
# a one-unit query looks for pairs starting with it.
#
# Both databases see these tokens alike: PostgreSQL's parser (C.UTF-8 ctype) and FTS5's unicode61
# keep a run of these letters and their marks as one token; neither stemmer nor stop-word list
# touches a non-Latin token, so 'english' is in effect 'simple' for them.

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_IS_CJK_RUN = re.compile(f"[{_CJK}]+$")
# Thai, Lao, Myanmar (and its extensions), Khmer (and its symbols).
_UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f"
_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
_IS_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+$")
# What NFKD splits off accented Latin, Greek and Cyrillic letters (Vietnamese tones included).
_LATIN_DIACRITICS = re.compile("[\u0300-\u036f]")
# Letters with a stroke have no decomposition; FTS5 would fold some of them, PostgreSQL none.
_STROKED = {"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H", "ı": "i"}
_STROKED_LETTER = re.compile(f"[{''.join(_STROKED)}]")


def _mark_ranges() -> str:
    """The combining marks of the Basic Multilingual Plane as a character-class body: Thai vowels
    and the like are part of words, though Python's \\w does not count them as word characters."""
    ranges, start = [], None
    for code in range(0x10000):
        is_mark = unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return "".join(ranges)


_MARKS = _mark_ranges()
# Anything that is neither a letter, a digit, a mark nor a space separates words; so does "_".
_SEPARATOR = re.compile(f"[^\\w\\s{_MARKS}]|_")
# A letter and the combining marks on it.
_UNIT = re.compile(f"[^{_MARKS}][{_MARKS}]*|[{_MARKS}]+")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def _normalised(text: str) -> str:
    """Compatibility forms unified ('ＫＮ９５' is 'KN95'), Latin accents dropped, punctuation made space."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", _LATIN_DIACRITICS.sub("", unicodedata.normalize("NFKD", text)))
        text = _STROKED_LETTER.sub(lambda match: _STROKED[match.group()], text)
    return _SEPARATOR.sub(" ", text)


def _cjk_grams(match: re.Match) -> str:
    run = match.group()
    if len(run) == 1:
        return f" {run} "
    pairs = " ".join(run[i : i + 2] for i in range(len(run) - 1))
    return f" {run} {pairs} {' '.join(run)} " if len(run) > 2 else f" {run} {' '.join(run)} "


def units(run: str) -> list[str]:
    """A run of Thai, Lao, Khmer or Burmese as letters with their marks: 'ถุงมือ' -> ถุ ง มื อ."""
    return _UNIT.findall(run)


def _unit_pairs(parts: Sequence[str]) -> tuple[str, ...]:
    return tuple(parts[i] + parts[i + 1] for i in range(len(parts) - 1))


def _unspaced_grams(match: re.Match) -> str:
    run = match.group()
    parts = units(run)
    if len(parts) <= 2:
        return f" {run} "
    # A whole sentence is no word anyone types, and PostgreSQL refuses lexemes past 2 kB.
    whole = run if len(run) <= MAX_WORD_LENGTH else ""
    return f" {whole} {' '.join(_unit_pairs(parts))} "


def searchable_text(text: str) -> str:
    """What goes into ``search_text``: the words of ``text`` as both databases should see them."""
    text = _normalised(text)
    if not text.isascii():
        text = _CJK_RUN.sub(_cjk_grams, text)
        text = _UNSPACED_RUN.sub(_unspaced_grams, text)
    return _BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip()


# --- what a visitor's query looks for ---------------------------------------------------------

# Queries longer than this are cut (a pasted page must not become a thousand-term query).
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 10
# Longer "words" are pasted junk; PostgreSQL would refuse to index them anyway.
MAX_WORD_LENGTH = 60
# Fifteen character (or Thai letter) pairs are already very specific.
MAX_CJK_RUN = 16
# A last word this long or longer also finds longer words ("glov" finds gloves): results appear
# while the visitor is still typing. Shorter prefixes would match half the catalogue.
MIN_PREFIX_LENGTH = 3

# PostgreSQL's English stop words (tsearch_data/english.stop). PostgreSQL leaves them out of the
# index, FTS5 keeps them; dropping them from every query makes both answer alike.
STOP_WORDS = frozenset(
    """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
hers herself it its itself they them their theirs themselves what which who whom this that these
those am is are was were be been being have has had having do does did doing a an the and but if or
because as until while of at by for with about against between into through during before after
above below to from up down in out on off over under again further then once here there when where
why how all any both each few more most other some such no nor not only own same so than too very s
t can will just don should now
""".split()
)


@dataclass(frozen=True)
class SearchTerm:
    """Something every result must contain: a word (``prefix``: or a longer word starting with it),
    or a run of CJK (or Thai, Lao, Khmer, Burmese) letters typed together, which is its ``pairs``
    standing next to each other, in that order: a phrase.

    A run is matched as "the run itself, or the phrase of its pairs": the same results (the index
    holds a run's pairs beside it), but PostgreSQL estimates how common the run is from its
    statistics, where it would multiply the pairs' frequencies as if they were unrelated, guess far
    too few matches for a common word such as 医疗用品 and pick a plan that reads every one of them;
    and a row holding the run itself needs no check of the pairs' positions.
    """

    token: str
    prefix: bool = False
    pairs: tuple[str, ...] = ()


def parse_query(text: str) -> list[SearchTerm]:
    """The terms of a visitor's query; quotes, operators and punctuation are just separators."""
    terms: list[SearchTerm] = []
    spaced = _CJK_RUN.sub(lambda match: f" {match.group()} ", _normalised(text[:MAX_QUERY_LENGTH]))
    spaced = _UNSPACED_RUN.sub(lambda match: f" {match.group()} ", spaced)
    for word in spaced.split():
        if _IS_CJK_RUN.match(word):
            word = word[:MAX_CJK_RUN]
            term = SearchTerm(word, pairs=tuple(word[i : i + 2] for i in range(len(word) - 1)) if len(word) > 2 else ())
        elif _IS_UNSPACED_RUN.match(word):
            parts = units(word)[:MAX_CJK_RUN]
            word = "".join(parts)
            # One unit is not indexed by itself: the pairs that start with it.
            term = SearchTerm(word, prefix=len(parts) == 1, pairs=_unit_pairs(parts) if len(parts) > 2 else ())
        elif (word := word.lower()) not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH:
            term = SearchTerm(word)
        else:
            continue
        if term not in terms:
            terms.append(term)
    terms = terms[:MAX_QUERY_TERMS]
    last = terms[-1] if terms else None
    if (
        last is not None
        and len(last.token) >= MIN_PREFIX_LENGTH
        and not _IS_CJK_RUN.match(last.token)
        and not _IS_UNSPACED_RUN.match(last.token)
    ):
        terms[-1] = SearchTerm(last.token, prefix=True)
    return terms


def fts5_expression(terms: Sequence[SearchTerm]) -> str:
    """An FTS5 MATCH expression requiring every term. Tokens hold only letters, digits and marks,
    so quoting them as strings is enough to keep FTS5's operators (NEAR, AND, *, ^, column:) out;
    a quoted string of several tokens is a phrase (``"口罩 罩机"``: 口罩 then 罩机, next to each other)."""

    def one(term: SearchTerm) -> str:
        if term.pairs:
            # The phrase alone: a row holding the run itself holds its pairs too, and FTS5, unlike
            # PostgreSQL, gains nothing from the run (no estimate to make, and the phrase is checked
            # either way). Asked as "run OR phrase", bm25 weighed both in every statement:
            # ทุเรียน's newest 1,001 matches scored in 22.1 ms, 15.5 ms as the phrase.
            return '"' + " ".join(term.pairs) + '"'
        return f'"{term.token}"' + ("*" if term.prefix else "")

    return " AND ".join(one(term) for term in terms)


def tsquery_expression(terms: Sequence[SearchTerm], *, any_term: bool = False, phrases: bool = True) -> str:
    """The same for PostgreSQL's ``to_tsquery('english', ...)``: quoted lexemes joined by & and |,
    a run's pairs by <-> (FOLLOWED BY: the next pair at the next position).

    ``any_term``: the terms joined by | instead, to rank names by: every result holds every term
    somewhere, and a name holding more of them ranks higher ('vietnam coffee' finds coffee from
    Viet Nam, whose name says coffee and whose country is in the rest of the text).

    ``phrases=False``: a run's pairs anywhere (joined by &), for candidates only: the GIN index
    answers that by itself, where a phrase must be checked again in each row's vector."""

    def one(term: SearchTerm) -> str:
        if term.pairs:
            pairs = (" <-> " if phrases else " & ").join(f"'{pair}'" for pair in term.pairs)
            return f"('{term.token}' | ({pairs}))"
        return f"'{term.token}'" + (":*" if term.prefix else "")

    return (" | " if any_term else " & ").join(one(term) for term in terms)


def category_path(category: ProductCategory | None) -> list[str]:
    """Names from the root down: ['Medical supplies', 'Protective equipment'], each followed by
    the category's own translations of its name, if it has any."""
    names: list[str] = []
    while category is not None:
        own, _texts = _translated(getattr(category, "translations", None), "name")
        names[0:0] = [category.name, *own]
        category = category.parent
    return names


def _refresh_booth(booth: Booth, session: Session) -> None:
    # A new row may name its parents by id only: the relationship is not loaded until after the flush.
    company = booth.company or session.get(ExhibitorCompany, booth.company_id)
    translations = getattr(booth, "translations", None)
    value = booth_search_text(
        company_name=company.name,
        sector=company.sector,
        tagline=booth.tagline,
        description=booth.description,
        country=booth.country,
        translations=translations,
        company_translations=_company_fields(company),
    )
    if booth.search_text != value:
        booth.search_text = value
    codes = language_codes(getattr(booth, "source_language", None), translations)
    if booth.language_codes != codes:
        booth.language_codes = codes


def _company_fields(company: ExhibitorCompany) -> dict[str, dict[str, Any]]:
    """The company's name and sector in other languages (its description is not what its booth
    is found by)."""
    return {
        language: {field: value for field, value in (fields or {}).items() if field in ("name", "sector")}
        for language, fields in (getattr(company, "translations", None) or {}).items()
    }


def _refresh_product(product: Product, session: Session) -> None:
    booth = product.booth or session.get(Booth, product.booth_id)
    category = product.category
    if category is None and product.category_id is not None:
        category = session.get(ProductCategory, product.category_id)
    company = booth.company or session.get(ExhibitorCompany, booth.company_id)
    translations = getattr(product, "translations", None)
    company_names, _texts = _translated(_company_fields(company), "name")
    value = product_search_text(
        name=product.name,
        category_path=category_path(category),
        description=product.description,
        specifications=product.specifications,
        hs_code=product.hs_code,
        company_name=company.name,
        country=booth.country,
        translations=translations,
        company_names=company_names,
    )
    if product.search_text != value:
        product.search_text = value
    codes = language_codes(getattr(product, "source_language", None), translations)
    if product.language_codes != codes:
        product.language_codes = codes


def _changed(obj, *attributes: str) -> bool:
    """Whether any of the attributes changed (those the model has: translations arrive with
    expo.content_languages)."""
    state = inspect(obj)
    return state.persistent and any(
        state.attrs[name].history.has_changes() for name in attributes if name in state.attrs
    )


@event.listens_for(Session, "before_flush")
def _keep_search_text_current(session: Session, flush_context, instances) -> None:
    changed = list(session.new) + list(session.dirty)
    with session.no_autoflush:
        # A booth's text names its company, a product's its company and country: renaming the
        # company (in any language) or moving it to another country changes what its whole
        # catalogue is found by; renaming a category, what every product under it is found by.
        renamed = {
            obj.id
            for obj in changed
            if isinstance(obj, ExhibitorCompany) and _changed(obj, "name", "sector", "translations", "source_language")
        }
        booths = [obj for obj in changed if isinstance(obj, Booth)]
        if renamed:
            booths += [
                booth
                for booth in session.scalars(select(Booth).where(Booth.company_id.in_(renamed)))
                if booth not in booths
            ]
        for booth in booths:
            _refresh_booth(booth, session)
        followed = {booth.id for booth in booths if booth.company_id in renamed or _changed(booth, "country")}
        products = [obj for obj in changed if isinstance(obj, Product)]
        if followed:
            products += [
                product
                for product in session.scalars(select(Product).where(Product.booth_id.in_(followed)))
                if product not in products
            ]
        recategorised = _renamed_categories(session, changed)
        if recategorised:
            products += [
                product
                for product in session.scalars(select(Product).where(Product.category_id.in_(recategorised)))
                if product not in products
            ]
        for product in products:
            _refresh_product(product, session)


def _renamed_categories(session: Session, changed: list) -> set[int]:
    """The categories renamed (in any language) or moved in this flush, and every one below them."""
    renamed = {
        obj.id
        for obj in changed
        if isinstance(obj, ProductCategory) and _changed(obj, "name", "translations", "parent_id")
    }
    if not renamed:
        return set()
    children: dict[int | None, list[int]] = {}
    for category_id, parent_id in session.execute(select(ProductCategory.id, ProductCategory.parent_id)):
        children.setdefault(parent_id, []).append(category_id)
    found, stack = set(), list(renamed)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


# --- rebuilding the index -------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def rebuild_search_text(connection: Connection, batch_size: int = 2_000) -> int:
    """Recompute ``search_text`` and ``languages`` of every booth and product (the database
    re-indexes what changed: PostgreSQL's generated vector, SQLite's triggers); how many rows
    changed. For when the text pipeline changes (a migration) or a catalogue brings category names
    in a new language (``flask expo reindex-search``).

    Through Core over the tables as they are in the database, so that a migration can call it:
    translations are read where the tables have them (expo.content_languages)."""
    meta = MetaData()
    companies = Table("exhibitor_companies", meta, autoload_with=connection)
    booths = Table("booths", meta, autoload_with=connection)
    products = Table("products", meta, autoload_with=connection)
    categories = Table("product_categories", meta, autoload_with=connection)

    def translations_of(table: Table) -> ColumnElement:
        return table.c.translations if "translations" in table.c else literal(None).label("translations")

    def source_of(table: Table) -> ColumnElement:
        return table.c.source_language if "source_language" in table.c else literal(None).label("source_language")

    company_rows = {
        row.id: row
        for row in connection.execute(
            select(companies.c.id, companies.c.name, companies.c.sector, translations_of(companies))
        )
    }
    category_rows = {
        row.id: row
        for row in connection.execute(
            select(categories.c.id, categories.c.name, categories.c.parent_id, translations_of(categories))
        )
    }

    @cache
    def path(category_id: int | None) -> tuple[str, ...]:
        row = category_rows.get(category_id)
        if row is None:
            return ()
        own, _texts = _translated(_json(row.translations), "name")
        return (*path(row.parent_id), row.name, *own)

    def company_fields(company_id: int) -> dict[str, dict[str, Any]]:
        row = company_rows[company_id]
        return {
            language: {field: value for field, value in (fields or {}).items() if field in ("name", "sector")}
            for language, fields in (_json(row.translations) or {}).items()
        }

    changed = 0
    booth_info: dict[int, tuple[int, str | None]] = {}
    updates: list[dict[str, Any]] = []
    for row in connection.execute(
        select(
            booths.c.id,
            booths.c.company_id,
            booths.c.tagline,
            booths.c.description,
            booths.c.country,
            booths.c.search_text,
            booths.c.languages,
            translations_of(booths),
            source_of(booths),
        )
    ).all():
        booth_info[row.id] = (row.company_id, row.country)
        company = company_rows[row.company_id]
        translations = _json(row.translations)
        text = booth_search_text(
            company_name=company.name,
            sector=company.sector,
            tagline=row.tagline,
            description=row.description,
            country=row.country,
            translations=translations,
            company_translations=company_fields(row.company_id),
        )
        codes = language_codes(row.source_language, translations)
        if (text, codes) != (row.search_text, row.languages):
            updates.append({"b_id": row.id, "b_text": text, "b_languages": codes})
    changed += _write(connection, booths, updates, batch_size)

    last_id = 0
    while True:
        rows = connection.execute(
            select(
                products.c.id,
                products.c.booth_id,
                products.c.name,
                products.c.category_id,
                products.c.description,
                products.c.specifications,
                products.c.hs_code,
                products.c.search_text,
                products.c.languages,
                translations_of(products),
                source_of(products),
            )
            .where(products.c.id > last_id)
            .order_by(products.c.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        updates = []
        for row in rows:
            company_id, country = booth_info[row.booth_id]
            company_names, _texts = _translated(company_fields(company_id), "name")
            translations = _json(row.translations)
            text = product_search_text(
                name=row.name,
                category_path=path(row.category_id),
                description=row.description,
                specifications=_json(row.specifications),
                hs_code=row.hs_code,
                company_name=company_rows[company_id].name,
                country=country,
                translations=translations,
                company_names=company_names,
            )
            codes = language_codes(row.source_language, translations)
            if (text, codes) != (row.search_text, row.languages):
                updates.append({"b_id": row.id, "b_text": text, "b_languages": codes})
        changed += _write(connection, products, updates, batch_size)
    return changed


def _write(connection: Connection, table: Table, updates: list[dict[str, Any]], batch_size: int) -> int:
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(search_text=bindparam("b_text"), languages=bindparam("b_languages"))
    )
    for start in range(0, len(updates), batch_size):
        connection.execute(statement, updates[start : start + batch_size])
    return len(updates)
