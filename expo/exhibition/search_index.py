"""The full-text index behind exhibition search: what text a booth or product is found by, how a
visitor's query is read, and the database structures that index it (PostgreSQL GIN over a stored
tsvector, SQLite FTS5).

Both databases index one column, ``search_text``, which a flush listener keeps current from the
fields visitors search by (the company's name and country, the category path in every shipped
language, the specifications...). Bulk loaders that bypass the ORM (the volume generator) call the
same ``*_search_text`` functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry
from babel import Locale
from babel.support import NullTranslations, Translations
from sqlalchemy import DDL, event, inspect, select
from sqlalchemy.orm import Session

from expo.booths.models import Booth
from expo.catalog.models import Product, ProductCategory
from expo.exhibitors.models import ExhibitorCompany

# English stemming on both databases ("masks" finds "mask"); words of other languages pass unstemmed.
# Both index the first line of search_text (the product's or company's name) apart from the rest,
# so that ranking can weigh a match in the name ten times a match elsewhere: PostgreSQL's
# ``search_vector`` column (generated, under a GIN index: expo.db_types.SEARCH_VECTOR) gives the
# first line weight A and the rest weight D (ts_rank's weights 1.0 and 0.1); SQLite's FTS5 table has the columns title and body,
# ranked with bm25 weights 10 and 1.
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
TITLE_WEIGHT = 10.0


def _title_and_body(row: str) -> str:
    return (f"substr({row}.search_text, 1, instr({row}.search_text || char(10), char(10)) - 1), "
            f"substr({row}.search_text, instr({row}.search_text || char(10), char(10)) + 1)")


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


def booth_search_text(*, company_name: str, sector: str, tagline: str, description: str,
                      country: str | None) -> str:
    return searchable_text(_join([_one_line(company_name), sector, tagline, country_words(country), description]))


def product_search_text(*, name: str, category_path: Sequence[str], description: str,
                        specifications: Sequence[Sequence[str]] | None, hs_code: str, company_name: str,
                        country: str | None = None) -> str:
    """The country is the booth's: buyers look for "Vietnam coffee" and "Thai rice"."""
    specs = " ".join(f"{pair[0]} {pair[1]}" for pair in specifications or () if len(pair) == 2)
    categories = " ".join(category_words(name) for name in category_path)
    return searchable_text(_join([_one_line(name), categories, hs_code, company_name, country_words(country), specs,
                                  description]))


_TRANSLATIONS_PATH = Path(__file__).resolve().parent.parent / "translations"


@lru_cache(maxsize=8)
def _catalogue(locale: str) -> NullTranslations:
    return Translations.load(str(_TRANSLATIONS_PATH), [locale])


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


# --- the text both databases tokenise ---------------------------------------------------------
#
# PostgreSQL's parser and FTS5's unicode61 disagree about punctuation ('N95/KN95' is one "file"
# token to PostgreSQL), accents (FTS5 folds 'café' to 'cafe', PostgreSQL keeps it) and underscores.
# The stored text is therefore normalised first, so that both see the same words separated by
# spaces, and queries go through the same normalisation.
#
# Chinese (and Japanese) is written without spaces, and both tokenisers make one token of a whole
# run of ideographs, so '口罩' would never find '医用口罩'. Each run is indexed as itself, then as
# its overlapping character pairs, then as its single characters: a query of two or more characters
# asks for all of its pairs ('越南咖啡' for 越南, 南咖 and 咖啡), a query of one character for that
# character. All pairs rather than the phrase of them: almost as precise, and PostgreSQL can answer
# it from the index alone, where a phrase makes it re-read every candidate row.

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_IS_CJK_RUN = re.compile(f"[{_CJK}]+$")
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


# Anything that is neither a letter, a digit, a mark nor a space separates words; so does "_".
_SEPARATOR = re.compile(f"[^\\w\\s{_mark_ranges()}]|_")
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
    pairs = " ".join(run[i:i + 2] for i in range(len(run) - 1))
    return f" {run} {pairs} {' '.join(run)} " if len(run) > 2 else f" {run} {' '.join(run)} "


def searchable_text(text: str) -> str:
    """What goes into ``search_text``: the words of ``text`` as both databases should see them."""
    text = _normalised(text)
    if not text.isascii():
        text = _CJK_RUN.sub(_cjk_grams, text)
    return _BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip()


# --- what a visitor's query looks for ---------------------------------------------------------

# Queries longer than this are cut (a pasted page must not become a thousand-term query).
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 10
# Longer "words" are pasted junk; PostgreSQL would refuse to index them anyway.
MAX_WORD_LENGTH = 60
# Fifteen character pairs are already very specific.
MAX_CJK_RUN = 16
# A last word this long or longer also finds longer words ("glov" finds gloves): results appear
# while the visitor is still typing. Shorter prefixes would match half the catalogue.
MIN_PREFIX_LENGTH = 3

# PostgreSQL's English stop words (tsearch_data/english.stop). PostgreSQL leaves them out of the
# index, FTS5 keeps them; dropping them from every query makes both answer alike.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
hers herself it its itself they them their theirs themselves what which who whom this that these
those am is are was were be been being have has had having do does did doing a an the and but if or
because as until while of at by for with about against between into through during before after
above below to from up down in out on off over under again further then once here there when where
why how all any both each few more most other some such no nor not only own same so than too very s
t can will just don should now
""".split())


@dataclass(frozen=True)
class SearchTerm:
    """Something every result must contain: a word (``prefix``: or a longer word starting with it),
    or a run of CJK characters, which is all of its character ``pairs``.

    A run is matched as "the run itself, or all its pairs": the same results (the index holds a
    run's pairs beside it), but PostgreSQL estimates how common the run is from its statistics,
    where it would multiply the pairs' frequencies as if they were unrelated, guess far too few
    matches for a common word such as 医疗用品 and pick a plan that reads every one of them.
    """

    token: str
    prefix: bool = False
    pairs: tuple[str, ...] = ()


def parse_query(text: str) -> list[SearchTerm]:
    """The terms of a visitor's query; quotes, operators and punctuation are just separators."""
    terms: list[SearchTerm] = []
    spaced = _CJK_RUN.sub(lambda match: f" {match.group()} ", _normalised(text[:MAX_QUERY_LENGTH]))
    for word in spaced.split():
        if _IS_CJK_RUN.match(word):
            word = word[:MAX_CJK_RUN]
            term = SearchTerm(word, pairs=tuple(word[i:i + 2] for i in range(len(word) - 1)) if len(word) > 2 else ())
        elif (word := word.lower()) not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH:
            term = SearchTerm(word)
        else:
            continue
        if term not in terms:
            terms.append(term)
    terms = terms[:MAX_QUERY_TERMS]
    last = terms[-1] if terms else None
    if last is not None and len(last.token) >= MIN_PREFIX_LENGTH and not _IS_CJK_RUN.match(last.token):
        terms[-1] = SearchTerm(last.token, prefix=True)
    return terms


def fts5_expression(terms: Sequence[SearchTerm]) -> str:
    """An FTS5 MATCH expression requiring every term. Tokens hold only letters, digits and marks,
    so quoting them as strings is enough to keep FTS5's operators (NEAR, AND, *, ^, column:) out."""

    def one(term: SearchTerm) -> str:
        if term.pairs:
            return f'("{term.token}" OR (' + " AND ".join(f'"{pair}"' for pair in term.pairs) + "))"
        return f'"{term.token}"' + ("*" if term.prefix else "")

    return " AND ".join(one(term) for term in terms)


def tsquery_expression(terms: Sequence[SearchTerm]) -> str:
    """The same for PostgreSQL's ``to_tsquery('english', ...)``: quoted lexemes joined by & and |."""

    def one(term: SearchTerm) -> str:
        if term.pairs:
            return f"('{term.token}' | (" + " & ".join(f"'{pair}'" for pair in term.pairs) + "))"
        return f"'{term.token}'" + (":*" if term.prefix else "")

    return " & ".join(one(term) for term in terms)


def category_path(category: ProductCategory | None) -> list[str]:
    """Names from the root down: ['Medical supplies', 'Protective equipment']."""
    names: list[str] = []
    while category is not None:
        names.insert(0, category.name)
        category = category.parent
    return names


def _refresh_booth(booth: Booth, session: Session) -> None:
    # A new row may name its parents by id only: the relationship is not loaded until after the flush.
    company = booth.company or session.get(ExhibitorCompany, booth.company_id)
    value = booth_search_text(company_name=company.name, sector=company.sector, tagline=booth.tagline,
                              description=booth.description, country=booth.country)
    if booth.search_text != value:
        booth.search_text = value


def _refresh_product(product: Product, session: Session) -> None:
    booth = product.booth or session.get(Booth, product.booth_id)
    category = product.category
    if category is None and product.category_id is not None:
        category = session.get(ProductCategory, product.category_id)
    company = booth.company or session.get(ExhibitorCompany, booth.company_id)
    value = product_search_text(name=product.name, category_path=category_path(category),
                                description=product.description, specifications=product.specifications,
                                hs_code=product.hs_code, company_name=company.name, country=booth.country)
    if product.search_text != value:
        product.search_text = value


def _changed(obj, *attributes: str) -> bool:
    state = inspect(obj)
    return state.persistent and any(state.attrs[name].history.has_changes() for name in attributes)


@event.listens_for(Session, "before_flush")
def _keep_search_text_current(session: Session, flush_context, instances) -> None:
    changed = list(session.new) + list(session.dirty)
    with session.no_autoflush:
        # A booth's text names its company, a product's its company and country: renaming the
        # company or moving it to another country changes what its whole catalogue is found by.
        renamed = {obj.id for obj in changed if isinstance(obj, ExhibitorCompany)
                   and _changed(obj, "name", "sector", "translations", "source_language")}
        booths = [obj for obj in changed if isinstance(obj, Booth)]
        if renamed:
            booths += [booth for booth in session.scalars(select(Booth).where(Booth.company_id.in_(renamed)))
                       if booth not in booths]
        for booth in booths:
            _refresh_booth(booth, session)
        followed = {booth.id for booth in booths
                    if booth.company_id in renamed or _changed(booth, "country")}
        products = [obj for obj in changed if isinstance(obj, Product)]
        if followed:
            products += [product for product in session.scalars(select(Product).where(Product.booth_id.in_(followed)))
                         if product not in products]
        for product in products:
            _refresh_product(product, session)
