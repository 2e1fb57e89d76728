"""Finding things in the online exhibition: one search over booths and products that answers
alike on PostgreSQL and SQLite, and the figures the exhibition's front door shows.

Only published booths, and the products in them, are ever found.

At volume (10,000 booths, 100,000 products) a popular word matches tens of thousands of products.
Three rules keep every search cheap whatever it matches:

* Counts stop at ``RESULT_LIMIT``: past it the tab reads "1,000+" and pages stop there, so nothing
  ever counts or pages through the whole catalogue. Counting takes the first matches found, in
  whatever order the database finds them, so any plan stops early.
* Relevance over more matches than that ranks a candidate set: the most recently listed matches
  among the newest ``RECENT_WINDOW`` rows (every match, when there are fewer than the limit).
* The other sorts over more matches than that walk the sort's index and test each row against the
  words, instead of sorting every match; fewer matches are simply sorted.

PostgreSQL matches the stored tsvector column under its GIN index and ranks the names' own small
vector with ts_rank_cd (a match in the name, then the newest); SQLite matches its FTS5 table and ranks with bm25. Both read the same words out of the query
(``search_index.parse_query``) from the same normalised text. Before the score come tiers that
need no query of their own: products in a category the words name, then products and booths of a
company whose sector they name (``_Finder._tiered``). The counts beside the results (``facets``)
group the first matches, like the tabs' counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import (
    Integer,
    Select,
    String,
    any_,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import ColumnElement

from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product, ProductCategory, ProductImage
from expo.content_languages import DEFAULT_SOURCE_LANGUAGE, TranslatedTexts
from expo.editions.models import Edition
from expo.exhibition.filter_options import CategoryOption, filter_options
from expo.exhibition.search_index import (
    SQLITE_INDEXES,
    TITLE_WEIGHT,
    SearchTerm,
    category_words,
    fts5_expression,
    parse_query,
    searchable_text,
    tsquery_expression,
)
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.leads.services import response_times

PRODUCTS, BOOTHS = "products", "booths"
KINDS = (PRODUCTS, BOOTHS)
RELEVANCE, NEWEST, NAME, MIN_ORDER = "relevance", "newest", "name", "min_order"
SORTS = {PRODUCTS: (RELEVANCE, NEWEST, NAME, MIN_ORDER), BOOTHS: (RELEVANCE, NEWEST, NAME)}
PER_PAGE = 24
# Counts past this read "1,000+", and results past it are not paged through: narrower words or
# filters serve a visitor better than page 400, and nothing has to count the whole catalogue.
RESULT_LIMIT = 1000
# Filters passing at most this share of the booths are few: on SQLite their products are listed
# first (see _Finder._fts_select), on PostgreSQL their booths (see _few_passing_booths). A branch
# of the category tree holding more than this share of the categories is broad (_broad_branch).
SELECTIVE_SHARE = 0.25
# Relevance over a popular query ranks matches among this many newest rows (see _Finder).
RECENT_WINDOW = 5 * RESULT_LIMIT


@dataclass(frozen=True)
class SearchCriteria:
    """What the visitor asked for, already checked (ids that exist, a known kind and sort)."""

    text: str = ""
    kind: str = PRODUCTS
    country: str | None = None
    pavilion_id: int | None = None
    edition_id: int | None = None
    # The chosen category and everything below it.
    category_ids: tuple[int, ...] = ()
    # "I want to order 100": products whose minimum order is at most this (or that state none).
    order_quantity: int | None = None
    # Results available in this language (a code of their ``languages`` column).
    language: str | None = None
    # "" means the default: relevance when there are words to rank by, newest otherwise.
    sort: str = ""
    page: int = 1

    @property
    def has_booth_filters(self) -> bool:
        return bool(self.country or self.pavilion_id or self.edition_id)

    @property
    def has_product_filters(self) -> bool:
        return bool(self.category_ids or self.order_quantity)


@dataclass(frozen=True)
class ResultCount:
    """How many results, up to RESULT_LIMIT; ``more`` when there are more than that."""

    value: int
    more: bool = False


@dataclass
class ResultPage:
    """One page of results, in the shape templates/_pagination.html expects."""

    items: list[Any]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PER_PAGE + 1


@dataclass
class SearchResults:
    criteria: SearchCriteria
    # The sort applied: the one asked for, or the default.
    sort: str
    counts: dict[str, ResultCount]
    page: ResultPage
    # The visitor typed something, but nothing in it can be searched for (only punctuation or
    # words too common to index, such as "the").
    nothing_searchable: bool = False
    facets: Facets | None = None

    @property
    def at_the_limit(self) -> bool:
        """On the last page we show while more results exist than we page through."""
        return self.counts[self.criteria.kind].more and self.page.page == self.page.pages


@dataclass
class Found:
    """What a search found before anything is loaded to show it: the ids of the asked-for page.
    The API answers a client whose copy is current (ETag) from this alone."""

    criteria: SearchCriteria
    sort: str
    counts: dict[str, ResultCount]
    ids: list[int]
    page: int
    pages: int
    terms: list[SearchTerm]
    ranked: list | None = None
    nothing_searchable: bool = False


def find(criteria: SearchCriteria) -> Found:
    """The ids of the page of results the criteria ask for, and the count of each kind (for the tabs)."""
    terms = parse_query(criteria.text)
    sort = criteria.sort if criteria.sort in SORTS[criteria.kind] else ""
    if sort == RELEVANCE and not terms:
        sort = ""
    sort = sort or (RELEVANCE if terms else NEWEST)
    if criteria.text.strip() and not terms:
        return Found(criteria, sort, {kind: ResultCount(0) for kind in KINDS}, [], 1, 1, terms, nothing_searchable=True)
    shown = _Finder.for_kind(criteria.kind, criteria, terms)
    other_kind = BOOTHS if criteria.kind == PRODUCTS else PRODUCTS
    ids, count = shown.page(sort, max(1, criteria.page))
    if not ids and count.value and criteria.page > 1:
        # A link to a page past the end (results went away, or the address was edited): the last one.
        last = _page_count(count)
        ids, count = shown.page(sort, last)
    page_number = min(max(1, criteria.page), _page_count(count))
    counts = {criteria.kind: count, other_kind: _Finder.for_kind(other_kind, criteria, terms).count()}
    return Found(criteria, sort, counts, list(ids), page_number, _page_count(count), terms, ranked=shown.ranked)


def search(criteria: SearchCriteria) -> SearchResults:
    """The page of results the criteria ask for, and the count of each kind (for the tabs)."""
    found = find(criteria)
    if found.nothing_searchable:
        return SearchResults(criteria, found.sort, found.counts, ResultPage([], 1, 1), nothing_searchable=True)
    ids = found.ids
    items = product_cards(ids, with_supplier=True) if criteria.kind == PRODUCTS else load_booths(ids)
    return SearchResults(
        criteria,
        found.sort,
        found.counts,
        ResultPage(items, found.page, found.pages),
        facets=facets(criteria, found.terms, ranked=found.ranked),
    )


# --- counts beside the results -------------------------------------------------------------------


@dataclass(frozen=True)
class Facets:
    """How many results each country and (for products) each top-level category would leave, for
    the words and the other filters (a facet's own filter is left out, so every choice shows what
    it gives).

    Counted among the first RESULT_LIMIT + 1 matches, like the tabs: exact up to the limit; past
    it (``sampled``) each count is how many of those first matches it holds, shown as "412+", and
    a value none of them holds is not listed. At most one query a facet, whatever the number of
    matches (products: one for both while neither filter is chosen)."""

    countries: tuple[tuple[str, ResultCount], ...]
    categories: tuple[tuple[CategoryOption, ResultCount], ...]
    sampled: bool
    # How many first matches a sampled count looked at.
    limit: int = 0
    # Language code -> how many results are available in it (a result counts once per language).
    languages: tuple[tuple[str, ResultCount], ...] = ()


def facets(criteria: SearchCriteria, terms: list[SearchTerm], ranked: list | None = None) -> Facets:
    """``ranked``: the rows a page ranked or found first, the first matches of the criteria
    already: products (id, score, category id, booth id, languages), and on PostgreSQL booths
    ranked by relevance (id, score, languages). Every facet whose own filter is not chosen counts
    them, no query. Otherwise one grouped query for each filter chosen (each facet leaves its own
    out; the criteria's own counts are those rows), or one when none is."""
    options = filter_options()
    top_of = _top_categories(options.categories)
    any_country, any_category = replace(criteria, country=None), replace(criteria, category_ids=())
    any_language = replace(criteria, language=None)
    # Each facet counts the matches of the criteria without its own filter. Rows are (country,
    # category id, languages, matches), with whether they stopped at RESULT_LIMIT.
    grouped: dict[SearchCriteria, tuple[list[tuple], bool]] = {}
    # Counting the rows ranked (or read) saves reading those matches again (for `medical` on the
    # booths tab at 100,000 products 7,149 buffers, 10 ms). SQLite's booth rows carry no languages.
    if ranked is not None and (criteria.kind == PRODUCTS or not _is_sqlite()):
        counted: dict[tuple[str | None, int | None, str], int] = {}
        for row in ranked:
            if criteria.kind == PRODUCTS:
                key = (options.booths.get(row[3], _NO_BOOTH)[0], row[2], row[4])
            else:
                key = (options.booths.get(row[0], _NO_BOOTH)[0], None, row[2])
            counted[key] = counted.get(key, 0) + 1
        grouped[criteria] = _sampled([(*key, number) for key, number in counted.items()])
    # The rows of the criteria themselves follow from a facet's rows with its filter applied again.
    narrowing = (
        (any_country, lambda row: row[0] == criteria.country),
        (any_category, lambda row: row[1] in criteria.category_ids),
        (any_language, lambda row: criteria.language in (row[2] or "").split()),
    )

    def rows(variant: SearchCriteria) -> tuple[list[tuple], bool]:
        if variant not in grouped:
            wider = next(
                (
                    (grouped[other], keep)
                    for other, keep in narrowing
                    if variant == criteria and other != criteria and other in grouped
                ),
                None,
            )
            if wider is not None:
                (wider_rows, sampled), keep = wider
                grouped[variant] = ([row for row in wider_rows if keep(row)], sampled)
            else:
                grouped[variant] = _sampled(
                    _product_facet_rows(variant, terms)
                    if criteria.kind == PRODUCTS
                    else _booth_facet_rows(variant, terms)
                )
        return grouped[variant]

    by_country, countries_sampled = _sum_rows(rows(any_country), lambda row: (row[0],))
    if criteria.kind == PRODUCTS:
        by_category, categories_sampled = _sum_rows(rows(any_category), lambda row: (top_of.get(row[1]),))
    else:
        # Booths are counted by country only: by category would read every product of the first
        # thousand booths matched (some 8 ms at 30,000 products), and the products tab has it.
        by_category, categories_sampled = {}, False
    by_language, languages_sampled = _sum_rows(rows(any_language), lambda row: tuple((row[2] or "").split()))
    countries = tuple(
        (code, ResultCount(number, more=countries_sampled))
        for code, number in sorted(by_country.items(), key=lambda item: (-item[1], item[0] or ""))
        if code
    )
    tops = sorted(
        (category for category in options.categories if category.parent_id is None),
        key=lambda category: (category.position, category.id),
    )
    categories = tuple(
        (category, ResultCount(by_category[category.id], more=categories_sampled))
        for category in tops
        if by_category.get(category.id)
    )
    languages = tuple(
        (code, ResultCount(number, more=languages_sampled))
        for code, number in sorted(by_language.items(), key=lambda item: (-item[1], item[0]))
    )
    return Facets(
        countries, categories, countries_sampled or categories_sampled or languages_sampled, RESULT_LIMIT, languages
    )


def _top_categories(categories: Sequence[CategoryOption]) -> dict[int, int]:
    """Category id -> the id of its top-level ancestor."""
    parents = {category.id: category.parent_id for category in categories}
    top_of = {}
    for category_id in parents:
        top, seen = category_id, set()
        while parents.get(top) is not None and top not in seen:
            seen.add(top)
            top = parents[top]
        top_of[category_id] = top
    return top_of


def _sampled(rows: list[tuple]) -> tuple[list[tuple], bool]:
    """Grouped facet rows (matches last in each), and whether they went past RESULT_LIMIT."""
    return rows, sum(row[-1] for row in rows) > RESULT_LIMIT


def _sum_rows(grouped: tuple[list[tuple], bool], keys) -> tuple[dict[Any, int], bool]:
    """(value -> matches, whether the rows were sampled) from grouped facet rows; ``keys`` gives
    the values a row counts for (a result available in three languages counts for each)."""
    rows, sampled = grouped
    counts: dict[Any, int] = {}
    for row in rows:
        for value in keys(row):
            if value is not None:
                counts[value] = counts.get(value, 0) + row[-1]
    return counts, sampled


def _booth_facet_rows(criteria: SearchCriteria, terms: list[SearchTerm]) -> list[tuple]:
    """(country, None, languages, booths) over the first RESULT_LIMIT + 1 booth matches."""
    matches = (
        _Finder.for_kind(BOOTHS, criteria, terms)
        ._first_matches(Booth.country.label("country"), Booth.language_codes.label("languages"))
        .subquery()
    )
    return [
        (country, None, languages, number)
        for country, languages, number in db.session.execute(
            select(matches.c.country, matches.c.languages, func.count()).group_by(
                matches.c.country, matches.c.languages
            )
        )
    ]


def _product_facet_rows(criteria: SearchCriteria, terms: list[SearchTerm]) -> list[tuple]:
    """(country, category id, languages, matches) among the first RESULT_LIMIT + 1 product
    matches; the matches' booth, category and languages come with them, only the booths'
    countries are looked up."""
    finder = _Finder.for_kind(PRODUCTS, criteria, terms)
    matches = finder._first_matches(
        Product.booth_id.label("booth_id"),
        Product.category_id.label("category_id"),
        Product.language_codes.label("languages"),
    ).subquery()
    return [
        tuple(row)
        for row in db.session.execute(
            select(Booth.country, matches.c.category_id, matches.c.languages, func.count())
            .select_from(matches)
            .join(Booth, Booth.id == matches.c.booth_id)
            .group_by(Booth.country, matches.c.category_id, matches.c.languages)
        )
    ]


def _page_count(count: ResultCount) -> int:
    return max(1, math.ceil(min(count.value, RESULT_LIMIT) / PER_PAGE))


def _capped(value: int) -> ResultCount:
    return ResultCount(min(value, RESULT_LIMIT), more=value > RESULT_LIMIT)


# --- the queries ---------------------------------------------------------------------------------


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _unindexed(column: ColumnElement) -> ColumnElement:
    """The column as a plain value, so that SQLite's planner cannot pick an index for a condition
    on it (``id + 0``, ``status || ''``), and walks the index of the sort instead."""
    if not _is_sqlite():
        return column
    if isinstance(column.type, String) or isinstance(getattr(column.type, "impl_instance", None), String):
        # A status column's type (StrEnumType) would take the '' for one of its members: plain text.
        return type_coerce(column, String()).concat("")
    return column + 0


def _booth_conditions(criteria: SearchCriteria, plain=lambda column: column) -> list[ColumnElement[bool]]:
    """Booths that may be shown and pass the booth filters (country, pavilion, edition)."""
    conditions: list[ColumnElement[bool]] = [plain(Booth.status) == Booth.Status.PUBLISHED]
    if criteria.country:
        conditions.append(plain(Booth.country) == criteria.country)
    # The placements are a list to test booths against: SQLite would otherwise seek every booth
    # of the list for every row (the (status, country, id) index invites it).
    if criteria.pavilion_id:
        conditions.append(
            _unindexed(Booth.id).in_(
                select(BoothPlacement.booth_id).where(BoothPlacement.pavilion_id == criteria.pavilion_id)
            )
        )
    if criteria.edition_id:
        conditions.append(
            _unindexed(Booth.id).in_(
                select(BoothPlacement.booth_id).where(BoothPlacement.edition_id == criteria.edition_id)
            )
        )
    return conditions


def _few_booths_pass(criteria: SearchCriteria) -> bool:
    """Do the booth filters leave only a small share of the published booths (one country among
    eleven, one pavilion), rather than most of them (an edition most booths stand in)?

    Estimated without reading booths: a country's published booths from the cached filter
    options, a pavilion's or an edition's placements from their index (unpublished booths' too,
    so it errs towards "many", which only costs speed), the filters together passing at most the
    fewest of those. Counted exactly, every published booth was read (7 ms with an edition), and a
    page asks twice, for its results and for its counts."""
    options = filter_options()
    limit = len(options.booths) * SELECTIVE_SHARE
    passing = [dict(options.countries).get(criteria.country, 0)] if criteria.country else []
    if passing and passing[0] <= limit:
        return True  # the country alone is selective: no placements to count
    for column, value in (
        (BoothPlacement.pavilion_id, criteria.pavilion_id),
        (BoothPlacement.edition_id, criteria.edition_id),
    ):
        if value:
            passing.append(db.session.scalar(select(func.count()).select_from(BoothPlacement).where(column == value)))
    return bool(passing) and min(passing) <= limit


# session.info key: (the transaction, booth filters -> the ids they pass or None).
_PASSING_BOOTHS = "expo.few_passing_booths"


def _few_passing_booths(criteria: SearchCriteria) -> list[int] | None:
    """PostgreSQL: the ids of the booths the booth filters pass when they are few (one country
    among eleven, a pavilion; see ``_few_booths_pass``), else None. Read once a transaction.

    Given as a list, the planner knows how many products they hold and takes those products from
    the index on booth_id, intersected with the words' matches (BitmapAnd); given as a subquery it
    can only join, so it read every match of the words to keep those of the booths. `durian` in
    Thailand in an edition at a million products: 71,154 matches, 20,174 pages read for the 979
    in 553 booths (106 ms). A page asks for every statement. SQLite lists products first instead
    (``_Finder._fts_select``): always None."""
    if _is_sqlite():
        return None
    session = db.session()
    transaction = session.get_transaction()
    kept_for, known = session.info.get(_PASSING_BOOTHS, (None, {}))
    if transaction is None or kept_for is not transaction:
        known = {}
    key = (criteria.country, criteria.pavilion_id, criteria.edition_id)
    if key not in known:
        known[key] = (
            list(session.scalars(select(Booth.id).where(*_booth_conditions(criteria))))
            if _few_booths_pass(criteria)
            else None
        )
        # The transaction the reading began, when it was the first statement.
        session.info[_PASSING_BOOTHS] = (session.get_transaction(), known)
    return known[key]


def in_language(column: ColumnElement, language: str) -> ColumnElement[bool]:
    """A ``languages`` column ("en th zh") holds the code.

    On PostgreSQL a regular expression over the column itself, which the planner estimates from
    the column's statistics (a few dozen distinct sets of languages): it guessed 0.5 % of the
    rows for the padded ``' ' || languages || ' ' LIKE '% th %'`` (Thai is 58 % of products), and
    sorted every Thai product of a country for a page of the newest instead of walking them."""
    if _is_sqlite():
        return (literal(" ") + column + literal(" ")).like(f"% {language} %")
    return column.regexp_match(f"(^| ){re.escape(language)}( |$)")


def _broad_branch(category_ids: Sequence[int]) -> bool:
    """Does a branch of the category tree hold a large share of the categories (Medical supplies
    with its eight kinds: 9 of 34), and so, counting their products alike, of the catalogue?"""
    return len(category_ids) >= len(filter_options().categories) * SELECTIVE_SHARE


def _product_conditions(
    criteria: SearchCriteria, plain=lambda column: column, *, beside_words: bool = False
) -> list[ColumnElement[bool]]:
    """``beside_words``: on PostgreSQL, the minimum order, and a broad branch of the category tree
    (``_broad_branch``), are then tested on the rows the words' index finds, never looked up in
    an index of their own. "At most 100, or none stated" passes half the catalogue or more, and the
    planner prices the bitmap of those rows as cheap next to the pages it spares: at a million
    products it built one of 837,000 rows for `mask` in China at 1,000 or less (37 ms of a 78 ms
    statement), where the word's 46,670 matches held the first 1,001 within 3,400 rows (36 ms in
    all). Medical supplies' nine categories: a bitmap of 342,000 rows, 45-72 ms. A narrower
    branch keeps its index, which spares reading most of a common word's matches."""
    conditions: list[ColumnElement[bool]] = []
    if criteria.category_ids:
        category = plain(Product.category_id)
        if beside_words and not _is_sqlite() and _broad_branch(criteria.category_ids):
            category = Product.category_id + 0
        conditions.append(category.in_(criteria.category_ids))
    if criteria.order_quantity:
        quantity = Product.min_order_quantity
        if beside_words and not _is_sqlite():
            quantity = quantity + 0
        conditions.append(or_(quantity.is_(None), quantity <= criteria.order_quantity))
    return conditions


@dataclass
class _Finder:
    """Matches one kind of result (products or booths) against the criteria, on either database.

    A page costs one to three statements. Relevance first ranks the newest matches among the
    newest ``RECENT_WINDOW`` rows; a popular query ends there. Otherwise, and for the other sorts,
    one statement lists the ids of the first RESULT_LIMIT + 1 matches found, which any plan stops
    at whatever the planner guessed; when that is all of them, they are ordered (ranked with the
    recent ones, for relevance), and past it the other sorts walk their index and stop at the page.
    """

    criteria: SearchCriteria
    terms: list[SearchTerm]
    entity: Any
    fts_name: str
    # Sort name -> (column, descending, may be missing); each ends with a unique tie-breaker so
    # pages never overlap. Missing values (no minimum order stated, never published) come last.
    sort_keys: dict[str, tuple[tuple[ColumnElement, bool, bool], ...]] = field(default_factory=dict)
    _list_products_first: bool | None = None
    # After a relevance page: the rows ranked, (id, score[, category id, booth id, languages]);
    # after another sort's page of products without a country, category or language filter, the
    # first matches found (score None).
    ranked: list | None = None

    @classmethod
    def for_kind(cls, kind: str, criteria: SearchCriteria, terms: list[SearchTerm]) -> _Finder:
        if kind == PRODUCTS:
            return cls(
                criteria,
                terms,
                Product,
                SQLITE_INDEXES["products"],
                sort_keys={
                    NEWEST: ((Product.id, True, False),),
                    NAME: ((Product.name, False, False), (Product.id, False, False)),
                    MIN_ORDER: ((Product.min_order_quantity, False, True), (Product.id, False, False)),
                },
            )
        return cls(
            criteria,
            terms,
            Booth,
            SQLITE_INDEXES["booths"],
            sort_keys={
                NEWEST: ((Booth.published_at, True, True), (Booth.id, True, False)),
                NAME: ((ExhibitorCompany.name, False, False), (Booth.id, False, False)),
            },
        )

    def _conditions(self, plain=lambda column: column) -> list[ColumnElement[bool]]:
        """What restricts rows of this kind, besides the words."""
        conditions = self._kind_conditions(plain)
        if self.criteria.language:
            # A result in the language: the row's own languages (a booth's, a product's).
            conditions.append(in_language(self.entity.language_codes, self.criteria.language))
        return conditions

    def _kind_conditions(self, plain) -> list[ColumnElement[bool]]:
        criteria = self.criteria
        if self.entity is Product:
            conditions = _product_conditions(criteria, plain, beside_words=bool(self.terms))
            if criteria.has_booth_filters:
                passing = _few_passing_booths(criteria)
                if passing is not None:
                    conditions.append(_one_of(Product.booth_id, passing))
                else:
                    conditions.append(plain(Product.booth_id).in_(select(Booth.id).where(*_booth_conditions(criteria))))
            else:
                # Nearly every booth is published: excluding the few others is cheaper than
                # looking each match's booth up.
                unpublished = [status for status in tuple(Booth.Status) if status != Booth.Status.PUBLISHED]
                conditions.append(Product.booth_id.not_in(select(Booth.id).where(Booth.status.in_(unpublished))))
            return conditions
        conditions = _booth_conditions(criteria, plain)
        if criteria.has_product_filters:
            # Booths that offer something in the category, at the quantity asked (answered from
            # the index ix_products_booth_filters, booth by booth).
            conditions.append(exists().where(Product.booth_id == Booth.id, *_product_conditions(criteria)))
        return conditions

    # --- PostgreSQL -----------------------------------------------------------------------------

    def _tsquery(self, *, phrases: bool = True) -> ColumnElement:
        return func.to_tsquery(literal_column("'english'::regconfig"), tsquery_expression(self.terms, phrases=phrases))

    def _runs(self) -> ColumnElement:
        """The words with each run as itself only, not the phrase of its pairs: some of the
        matches, which the GIN index answers without checking a row's vector."""
        return func.to_tsquery(
            literal_column("'english'::regconfig"),
            tsquery_expression([replace(term, pairs=()) for term in self.terms]),
        )

    def _pg_match(self) -> ColumnElement[bool]:
        return self.entity.search_vector.op("@@")(self._tsquery())

    def _rank_tsquery(self) -> ColumnElement:
        """What relevance ranks names by: any of the terms (a match holds them all, its name some
        or none). Ranked over the name's own small vector (``title_vector``), not the whole
        text's: reading every ranked match's whole vector again (kept apart from the row, TOAST)
        and walking the positions of the words in every translation cost more than finding the
        matches (17 ms of 27 for 1,001 booths in Chinese)."""
        return func.to_tsquery(literal_column("'english'::regconfig"), tsquery_expression(self.terms, any_term=True))

    # --- SQLite ---------------------------------------------------------------------------------

    def _fts_select(self, *, scored: bool, extra: Sequence[ColumnElement] = ()) -> tuple[Select, ColumnElement]:
        """``extra``: columns of the matching rows to select as well (each match's row is read)."""
        rowid = literal_column(f"{self.fts_name}.rowid")
        columns = [rowid.label("id")]
        if scored:
            columns.append(self._bm25())
        query = (
            select(*columns, *extra)
            .select_from(table(self.fts_name))
            .where(literal_column(self.fts_name).op("MATCH")(fts5_expression(self.terms)))
        )
        if self.entity is Product and self._products_listed_first():
            # Filters that leave few products: list those products once (from indexes alone), and
            # test each match against the list, rather than look every match's product and booth up
            # (rowid + 0: a plain test, not a lookup FTS5 would do match by match).
            # The language is not in those indexes: tested on the matches' rows, not on every listed
            # product's (榴莲 in Thailand in Chinese: 52 ms listing Thailand's Chinese products,
            # 5 ms testing the 13 matches' languages).
            listed = select(Product.id).where(*self._kind_conditions(lambda column: column))
            query = query.where((rowid + 0).in_(listed))
            if extra or self.criteria.language:
                query = query.join(self.entity, self.entity.id == rowid)
            if self.criteria.language:
                query = query.where(in_language(self.entity.language_codes, self.criteria.language))
        else:
            query = query.join(self.entity, self.entity.id == rowid).where(*self._conditions())
        return query, rowid

    def _bm25(self) -> ColumnElement:
        # bm25 is lower for better matches; negated, both databases sort the score descending.
        return (-func.bm25(literal_column(self.fts_name), TITLE_WEIGHT, 1.0)).label("score")

    def _products_listed_first(self) -> bool:
        """Whether the filters leave few products: a category without subcategories (one of some
        thirty), or booth filters few booths pass. A whole branch of the tree or a minimum order
        leaves too many to be worth listing."""
        if self._list_products_first is None:
            criteria = self.criteria
            self._list_products_first = len(criteria.category_ids) == 1 or (
                criteria.has_booth_filters and _few_booths_pass(criteria)
            )
        return self._list_products_first

    def _fts_rowids(self) -> Select:
        return (
            select(literal_column("rowid"))
            .select_from(table(self.fts_name))
            .where(literal_column(self.fts_name).op("MATCH")(fts5_expression(self.terms)))
        )

    # --- both -----------------------------------------------------------------------------------

    def _first_matches(self, *extra: ColumnElement) -> Select:
        """The ids of the first RESULT_LIMIT + 1 matches found, in no particular order (one more
        than we show, to tell "1,000" from "1,000+"), with the ``extra`` columns of their rows."""
        limit = RESULT_LIMIT + 1
        if not self.terms:
            return select(self.entity.id, *extra).where(*self._conditions()).limit(limit)
        if _is_sqlite():
            return self._fts_select(scored=False, extra=extra)[0].limit(limit)
        # The conditions before the words: a row failing one is then never opened for its vector
        # (stored apart from the row), when the planner tests rows one by one rather than taking
        # the words' matches from the GIN index (it orders tests of the same price as written).
        if not self._has_phrases():
            matches = _planned_for_all(
                select(self.entity.id, *extra).where(*self._conditions(), self._pg_match()), "first_matches"
            )
            return select(*matches.c).limit(limit)
        # A phrase (Chinese, Thai) is checked again in each candidate's vector, stored apart from
        # the row (TOAST, 4-5 buffers), for every row of a page holding one. First the rows
        # holding each run itself (the index holds runs beside their pairs): the GIN index answers
        # that alone, and for a common run it is all we read (the first 1,001 products of 医疗用品
        # at 100,000 products, by hand: 519 buffers instead of 4,823). Then, when too few, the
        # others holding every pair anywhere, and the phrase checked only in those that pass the
        # filters (PostgreSQL checks a bitmap's rows again before its filters).
        return self._runs_then_phrases((self.entity.id, *extra), self._conditions(), "first").limit(limit)

    def _runs_then_phrases(self, columns: Sequence[ColumnElement], conditions: Sequence[ColumnElement], name: str):
        """PostgreSQL, words with a run: the ``columns`` of the rows passing ``conditions`` that
        hold each run itself (from the GIN index alone), then of the other matches (the phrase
        checked in their vectors), as one UNION ALL that a LIMIT stops in the first part when it
        holds enough. Each part planned for all its rows (see ``_planned_for_all``)."""
        entity = self.entity
        holding_runs = _planned_for_all(
            select(*columns).where(*conditions, entity.search_vector.op("@@")(self._runs())), f"{name}_runs"
        )
        candidates = _planned_for_all(
            select(*columns, entity.search_vector.label("search_vector")).where(
                *conditions,
                entity.search_vector.op("@@")(self._tsquery(phrases=False)),
                entity.id.not_in(select(holding_runs.c.id)),
            ),
            f"{name}_candidates",
        )
        return union_all(
            select(*holding_runs.c),
            select(*(column for column in candidates.c if column.key != "search_vector")).where(
                candidates.c.search_vector.op("@@")(self._tsquery())
            ),
        )

    def count(self) -> ResultCount:
        counted = select(func.count()).select_from(self._first_matches().subquery())
        # A word common among booths was otherwise counted by scanning them (_pages_in_memory).
        # With filters the planner already takes the GIN index's matches, and a page with filters
        # runs up to 11 statements: no room for the setting's two.
        with _pages_in_memory(bool(self.terms) and not (self._filtered() or self._has_phrases())):
            return _capped(db.session.scalar(counted))

    def page(self, sort: str, page: int) -> tuple[list[int], ResultCount]:
        """The ids on ``page`` in ``sort`` order, and the capped count of all matches."""
        offset = (min(page, math.ceil(RESULT_LIMIT / PER_PAGE)) - 1) * PER_PAGE
        # The last page stops at RESULT_LIMIT.
        size = min(PER_PAGE, RESULT_LIMIT - offset)
        if sort == RELEVANCE:
            return self._relevance_page(offset, size)
        # First the ids of the first matches found (cheap, whatever the plan): when that is all of
        # them, ordering those ids is cheap too. Past RESULT_LIMIT the sort's index is walked.
        criteria = self.criteria
        if self.entity is Product and not (criteria.country or criteria.category_ids or criteria.language):
            found = self._first_products_for_the_counts()
        else:
            # Products under booth filters without words: which matches come first does not matter
            # here (only how many, or all of them), so the planner may fetch each passing booth's
            # products from ix_products_booth_filters rather than scan the products in table
            # order: with pages priced as in memory it does where that reads less. Thai products of
            # Viet Nam's booths at 100,000 products: the scan read 18,000 rows (3,573 pages,
            # 22-43 ms) for the first 1,001, the booths' products 2,176 buffers, 4-6 ms.
            with _pages_in_memory(self.entity is Product and not self.terms and criteria.has_booth_filters):
                found = list(db.session.scalars(self._first_matches()))
        count = _capped(len(found))
        if not found:
            return [], count
        if count.more:
            return self._walk(sort, offset, size), count
        return self._order_found(found, sort, offset, size), count

    def _first_products_for_the_counts(self) -> list[int]:
        """No country, category or language filter: the ids of the first matches, which are also
        what the counts beside the results count (``facets``); read with their category, booth
        and languages, the counts need no statement of their own. Reading the first matches again
        cost as much as reading them once: on PostgreSQL at 100,000 products some 10,000 buffers
        for `medical` (the word is checked in each row's vector, stored apart from the row), on
        SQLite 7-9 ms over 1,001 matches (FTS5 finding them again; each match's row is read here
        anyway, to leave out unpublished booths). With such a filter each count leaves it out and
        has its statement anyway, and the ids alone may come from an index without the rows."""
        rows = db.session.execute(
            self._first_matches(Product.category_id, Product.booth_id, Product.language_codes)
        ).all()
        self.ranked = [(id_, None, category_id, booth_id, languages) for id_, category_id, booth_id, languages in rows]
        return [row[0] for row in rows]

    def _order_found(self, found: list[int], sort: str, offset: int, size: int) -> list[int]:
        """The page of ``found`` (every match) in a sort other than relevance."""
        query = self._sorted(select(self.entity.id).where(_one_of(self.entity.id, found)), sort)
        return list(db.session.scalars(query.limit(size).offset(offset)))

    def _sorted(self, query: Select, sort: str) -> Select:
        if self.entity is Booth and sort == NAME:
            query = query.join(ExhibitorCompany, ExhibitorCompany.id == Booth.company_id)
        return query.order_by(*_ordering(self.sort_keys[sort]))

    def _relevance_page(self, offset: int, size: int) -> tuple[list[int], ResultCount]:
        """A page by relevance. Ranked are the newest RESULT_LIMIT + 1 matches among the newest
        RECENT_WINDOW rows: bounded work however common the words, and fresh listings always have
        their chance. When the window holds that many, there are more matches than we count, and
        nothing else is read. Otherwise the first matches found among the older rows are ranked
        with them, up to RESULT_LIMIT + 1 in all: every match when there are at most RESULT_LIMIT,
        and enough that every page the count offers is full when there are more (a word common in
        the catalogue, rare among the newest listings)."""
        if _is_sqlite():
            # FTS5's bm25 first counts, for each phrase of the query, the rows of the whole index
            # holding it (its rarity), in every statement that scores: for a Thai or Chinese phrase
            # that is most of the work (ทุเรียน: its four letter pairs checked in the 4,401 rows
            # holding them, 15 ms before the first row). So one statement: the newest
            # RESULT_LIMIT + 1 matches, read from the index newest first. The window's when it
            # holds that many; otherwise the newest of the older rows top them up, not the first
            # found.
            scored = self._scored_matches(RESULT_LIMIT + 1)
        else:
            window_start = self._oldest_recent_id()
            scored = self._scored_matches(RESULT_LIMIT + 1, since=window_start)
            if len(scored) <= RESULT_LIMIT:
                scored += self._scored_matches(RESULT_LIMIT + 1 - len(scored), before=window_start)
        self.ranked = scored
        return _ranked_page(self._tiered(scored), offset, size), _capped(len(scored))

    def _tiered(self, scored: list) -> list:
        """Each (id, score) with a tier before its score: a product in a category the words name
        (or below it) ranks above the rest, and within each, a product or booth of a company whose
        sector the words name ranks above those of other companies. "mask" thus lists respirators
        and surgical masks (Masks and respirators) before a cosmetic face mask, whose name alone
        holds the word. No query: the scored rows carry their category and booth, the sectors are
        cached with the filter options."""
        booths = filter_options().booths
        in_sector = _sector_test(self.terms)
        if self.entity is Booth:
            return [(row[0], (in_sector(booths.get(row[0], _NO_BOOTH)[1]), row[1])) for row in scored]
        categories = matching_categories(self.terms)
        sector_tier, by_sector = {}, {}
        for booth_id in {row[3] for row in scored}:
            sector = booths.get(booth_id, _NO_BOOTH)[1]
            hit = by_sector.get(sector)
            if hit is None:
                hit = by_sector[sector] = in_sector(sector)
            if hit:
                sector_tier[booth_id] = 1
        if not categories and not sector_tier:
            return scored
        return [(row[0], (2 * (row[2] in categories) + sector_tier.get(row[3], 0), row[1])) for row in scored]

    def _scored_matches(self, limit: int, *, since: int | None = None, before: int | None = None) -> list[tuple]:
        """(id, score) of up to ``limit`` matches: the newest from id ``since`` up (of all, given
        neither), or the first found below id ``before``; products with their category and booth
        (for the tiers)."""
        entity = self.entity
        if entity is Product:
            extra = (Product.category_id, Product.booth_id, Product.language_codes)
        else:
            # PostgreSQL: for the counts beside the results (``facets``).
            extra = () if _is_sqlite() else (Booth.language_codes,)
        if _is_sqlite():
            query, rowid = self._fts_select(scored=True, extra=extra)
            if before is not None:
                query = query.where(rowid < before)
            else:
                if since is not None:
                    query = query.where(rowid >= since)
                query = query.order_by(rowid.desc())
            query = query.limit(limit)
        elif since is not None:
            # Scored outside the subquery: only the candidates are ranked, whichever plan finds them.
            candidates = self._newest_matches(since, limit, extra)
            query = select(
                candidates.c.id,
                func.ts_rank_cd(candidates.c.vector, self._rank_tsquery()),
                *(candidates.c[column.key] for column in extra),
            )
            if self._filtered():
                with _intersecting_indexes():
                    return db.session.execute(query).all()
            # A walk of the window only where it stops early (see _pages_in_memory).
            with _pages_in_memory():
                return db.session.execute(query).all()
        else:
            older_columns = (entity.id, entity.title_vector.label("vector"), *extra)
            if self._has_phrases():
                older = self._runs_then_phrases(
                    older_columns, (entity.id < before, *self._conditions()), "older"
                ).subquery("older_matches")
            else:
                older = _planned_for_all(
                    select(*older_columns).where(entity.id < before, *self._conditions(), self._pg_match()),
                    "older_matches",
                )
            query = select(
                older.c.id,
                func.ts_rank_cd(older.c.vector, self._rank_tsquery()),
                *(older.c[column.key] for column in extra),
            ).limit(limit)
        return db.session.execute(query).all()

    def _newest_matches(self, since: int, limit: int, extra: Sequence[ColumnElement]):
        """PostgreSQL: the newest ``limit`` matches from id ``since`` up, with their names' vectors
        (a subquery). With filters, a phrase is checked only in the candidates that pass them,
        newest first until there are enough (see ``_first_matches``); without, the newest rows are
        walked: for an unfiltered phrase that read fewer buffers (at 100,000 products `医疗用品`
        15,872 against 20,110, `ข้าวหอมมะลิ` 1,471 against 2,278)."""
        entity = self.entity
        if not (self._filtered() and self._has_phrases()):
            return (
                select(entity.id, entity.title_vector.label("vector"), *extra)
                .where(entity.id >= since, *self._conditions(), self._pg_match())
                .order_by(entity.id.desc())
                .limit(limit)
                .subquery()
            )
        candidates = (
            select(entity.id, entity.title_vector.label("vector"), *extra, entity.search_vector.label("search_vector"))
            .where(entity.id >= since, *self._conditions(), entity.search_vector.op("@@")(self._tsquery(phrases=False)))
            .order_by(entity.id.desc())
            # A fence: the phrase must not be pushed down into the scan, before the filters.
            .offset(0)
            .subquery()
        )
        return (
            select(*(column for column in candidates.c if column.key != "search_vector"))
            .where(candidates.c.search_vector.op("@@")(self._tsquery()))
            .order_by(candidates.c.id.desc())
            .limit(limit)
            .subquery()
        )

    def _has_phrases(self) -> bool:
        """Whether a word is a Chinese or Thai run, matched as the phrase of its letter pairs."""
        return any(term.pairs for term in self.terms)

    def _filtered(self) -> bool:
        """Whether filters other than the words restrict the matches (booth, product or language)."""
        criteria = self.criteria
        return bool(criteria.has_booth_filters or criteria.has_product_filters or criteria.language)

    def _oldest_recent_id(self) -> int:
        # The newest RECENT_WINDOW ids, from the highest one (one index lookup; a deleted listing
        # leaves its id unused, so the window holds at most that many rows). A number rather than
        # a subquery: PostgreSQL then knows the window is a tenth of the table, and chooses between
        # walking it and intersecting it with the word's matches (3-5 ms less for rarer words).
        return (db.session.scalar(select(func.max(self.entity.id))) or 0) - (RECENT_WINDOW - 1)

    def _walk(self, sort: str, offset: int, size: int) -> list[int]:
        """A page in ``sort`` order over many matches: walk the sort's index, test each row, stop
        at the page (many rows match, so that is soon)."""
        entity = self.entity
        if _is_sqlite() and self.terms and sort == NEWEST and entity is Product:
            # FTS5 lists matches newest first by itself.
            query, rowid = self._fts_select(scored=False)
            return list(db.session.scalars(query.order_by(rowid.desc()).limit(size).offset(offset)))
        query = select(entity.id).where(*self._conditions(_unindexed))
        if self.terms and _is_sqlite():
            query = query.where(_unindexed(entity.id).in_(self._fts_rowids()))
        elif self._has_phrases():
            return self._walk_phrase(query, sort, offset, size)
        elif self.terms:
            # PostgreSQL's statistics tell it how common the words are: it walks the sort's index
            # for a common word and sorts the matches of a rarer one.
            query = query.where(self._pg_match())
        page = self._sorted(query, sort).limit(size).offset(offset)
        # Booths offering something in the category: with pages priced as in memory the planner
        # looks those booths up by id rather than scanning every booth to keep them (coffee and
        # tea at 100 or less at 100,000 products: 1,191 lookups, 3,598 buffers, 3-4 ms, against
        # 9,198 booths scanned, 2,118 buffers, 9-11 ms).
        with _pages_in_memory(entity is Booth and not self.terms and self.criteria.has_product_filters):
            return list(db.session.scalars(page))

    def _walk_phrase(self, query: Select, sort: str, offset: int, size: int) -> list[int]:
        """PostgreSQL, words of Chinese or Thai (a phrase of letter pairs): the rows holding every
        pair, as the GIN index finds them without opening a row's vector, in the sort's order;
        then the phrase checked in that order, only until the page is full. In one statement the
        phrase was checked in every match before sorting (its frequency is guessed from the pairs'
        as if they were unrelated, far too low for a walk): 4,401 vectors read for a page of
        ทุเรียน by name at 100,000 products, some ten times that at a million."""
        keys = self.sort_keys[sort]
        candidates = (
            self._sorted(
                query.add_columns(
                    self.entity.search_vector.label("vector"),
                    *(column.label(f"sort_{i}") for i, (column, _desc, _missing) in enumerate(keys)),
                ).where(self.entity.search_vector.op("@@")(self._tsquery(phrases=False))),
                sort,
            )
            # A fence: the phrase must not be pushed down into the scan (it would be checked in
            # every candidate again).
            .offset(0)
            .subquery()
        )
        ordered = [
            (candidates.c[f"sort_{i}"], descending, missing) for i, (_column, descending, missing) in enumerate(keys)
        ]
        page = (
            select(candidates.c.id)
            .where(candidates.c.vector.op("@@")(self._tsquery()))
            .order_by(*_ordering(ordered))
            .limit(size)
            .offset(offset)
        )
        return list(db.session.scalars(page))


def _planned_for_all(matches: Select, name: str):
    """PostgreSQL: the matches as a MATERIALIZED common table expression, which the planner plans
    for all its rows while the statement still reads only as many as it asks for (its LIMIT).

    Asked for the first 1,001 matches directly, the planner scanned the table in order and tested
    each row, expecting the matches soon: it takes ``@@`` for a cheap operator, but each test
    opens the row's multilingual vector, stored apart from the row (TOAST, 4-5 buffers). At a
    million products `mask` with the language filter opened some 45,000 vectors (116,000 buffers,
    218 ms), with three filters some 75,000 (281,000 buffers); planned for all the matches it
    takes them from the GIN index (intersected with the filters' indexes when they are selective)
    and reads only matching rows, without their vectors (some 1,000-17,000 buffers). A word common
    enough that a scan is cheaper even for all its matches is still scanned."""
    return matches.cte(name).prefix_with("MATERIALIZED")


@contextmanager
def _intersecting_indexes():
    """PostgreSQL, for the statements run inside: no walk of an index row by row, so that the
    planner intersects the GIN index's matches with the other conditions' indexes (BitmapAnd)
    and reads only the rows in both.

    The planner prices ``@@`` as one cheap operator, but checking a row opens its vector, which
    holds every translation and is stored apart from the row (TOAST, 4-5 buffers a row). With
    filters the newest listings hold few matches, and it walked the newest RECENT_WINDOW ids
    testing each: at 100,000 products 22,000 buffers for `mask` with three filters, or `durian`
    in Thailand in an edition, where intersecting the word's matches with the window's ids read
    some 1,000. Index-only scans go too (the same setting): a list of booths is then read from
    the booths' rows, some 800 buffers. Without filters the window is left to the planner: for a
    popular word its walk stops early, and for booths the window is half the table."""
    db.session.execute(text("SET LOCAL enable_indexscan = off"))
    yield
    # Not on an error: the transaction is then rolled back, and the setting with it.
    db.session.execute(text("SET LOCAL enable_indexscan TO DEFAULT"))


@contextmanager
def _pages_in_memory(wanted: bool = True):
    """PostgreSQL, when ``wanted``, for the statements run inside: a page read out of order
    priced as little above one read in order (random_page_cost 1.1 rather than the default 4), as
    it is when the tables are in memory. The planner then weighs scanning or walking a table
    against fetching the rows it needs through an index (the GIN index's bitmap of a word's
    matches, the products of the booths a filter passes) on the pages each reads. Used only where
    EXPLAIN showed the plan changing for the better: set for every statement, it had `filters and
    edition` read 30,373 buffers instead of 9,499 (its older matches walked), and the facets' first
    matches must stay those found in table order (their sampled counts would change).

    It prices ``@@`` as one cheap operator, but each row tested opens the row's vector, which
    holds every translation and is stored apart from the row (TOAST, 3-5 buffers a row); the
    matches a plain tsquery takes from the GIN index need no test. With the bitmap's heap pages
    priced as random reads from disk, at 100,000 products:

    * Counting the booths matching `medical` (half of them), a scan testing each row looked
      cheaper: 7,172 buffers, 10-12 ms; from the GIN index 429 buffers, 3 ms.
    * The relevance window (the newest RECENT_WINDOW ids, without filters) was walked newest
      first testing each row even when the planner expected it to hold fewer matches than
      RESULT_LIMIT + 1, every row then tested: `rice` (216 expected, 386 found) opened all 5,000
      rows' vectors, 20,672 buffers, 22-54 ms; from the GIN index 388 buffers, 5 ms. A word
      common among the newest listings is still walked, rightly: `medical` (1,104 expected) stops
      after some 2,300 rows, 9,286 buffers, where building the GIN bitmap of 'medic':* alone
      takes 13 ms."""
    if not wanted or _is_sqlite():
        yield
        return
    db.session.execute(text("SET LOCAL random_page_cost = 1.1"))
    yield
    # Not on an error: the transaction is then rolled back, and the setting with it.
    db.session.execute(text("SET LOCAL random_page_cost TO DEFAULT"))


def _ranked_page(scored: list, offset: int, size: int) -> list[int]:
    """The ids of one page of (id, score) pairs, best first (the newest first among equals)."""
    ordered = sorted(scored, key=lambda pair: (pair[1], pair[0]), reverse=True)
    return [pair[0] for pair in ordered[offset : offset + size]]


def _singulars(word: str) -> frozenset[str]:
    """The word and what it would be without a plural ending: a crude English stem, enough to tell
    that "masks" names "mask" (full stemming is the index's; this only compares a visitor's words
    with category names and sectors)."""
    forms = {word}
    for ending, replacement in (("ies", "y"), ("es", ""), ("s", "")):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            forms.add(word[: -len(ending)] + replacement)
    return frozenset(forms)


def _names(term: SearchTerm, words: frozenset[str], forms: frozenset[str], text: str) -> bool:
    """Whether a category name (its ``words`` in lower case, their ``forms`` with and without a
    plural ending; ``text``, all of it) holds the term: a run of Chinese characters anywhere in it,
    a word as a word or its plural, the last word typed also as the start of one."""
    if term.pairs or not term.token.isascii():
        return term.token in text
    return bool(_singulars(term.token) & forms) or (term.prefix and any(word.startswith(term.token) for word in words))


@lru_cache(maxsize=1024)
def _category_name_words(name: str) -> tuple[frozenset[str], frozenset[str], str]:
    text = searchable_text(category_words(name)).lower()
    words = frozenset(text.split())
    return words, frozenset(form for word in words for form in _singulars(word)), text


def matching_categories(terms: Sequence[SearchTerm]) -> frozenset[int]:
    """The categories whose name, in English or a shipped language, holds one of the words, and
    every category below them (from the cached filter options: no query)."""
    options = filter_options()
    named = [
        category.id
        for category in options.categories
        if any(_names(term, *_category_name_words(category.name)) for term in terms)
    ]
    return frozenset(id_ for category_id in named for id_ in options.category_descendants(category_id))


_NO_BOOTH = (None, "")


def _sector_test(terms: Sequence[SearchTerm]):
    """A test of a company's free-text sector in every language it is written in (normalised like
    the index, as FilterOptions.booths keeps it): does it hold one of the words, at the start of a
    word and in the singular ("masks" finds "Face masks"), or a run of Chinese or Thai letters
    anywhere?"""
    needles = [
        term.token if term.pairs or not term.token.isascii() else " " + min(_singulars(term.token), key=len)
        for term in terms
    ]
    return lambda sector: int(bool(sector) and any(needle in " " + sector for needle in needles))


def _one_of(column: ColumnElement, ids: list[int]) -> ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL as ``= ANY(array)``: one parameter however many ids (as an
    expanded IN list, 500 ids cost some 5 ms to bind, send and parse, a new statement every time)."""
    if _is_sqlite():
        return column.in_(ids)
    return column == any_(bindparam("ids", ids, type_=ARRAY(Integer), unique=True))


def _ordering(keys) -> list[ColumnElement]:
    clauses = []
    for column, descending, may_be_missing in keys:
        clause = column.desc() if descending else column.asc()
        clauses.append(clause.nulls_last() if may_be_missing else clause)
    return clauses


# What templates/catalog/_product_card.html reads of a product.
CARD_COLUMNS = (
    Product.id,
    Product.booth_id,
    Product.slug,
    Product.name,
    Product.category_id,
    Product.price_min,
    Product.price_max,
    Product.currency,
    Product.order_unit,
    Product.min_order_quantity,
    Product.availability,
    Product.source_language,
    Product.translations,
)


@dataclass(frozen=True)
class CardImage:
    id: int
    alt_text: str


@dataclass(frozen=True)
class CardBooth:
    id: int
    slug: str
    status: str
    country: str | None


@dataclass(frozen=True)
class CardSupplier(TranslatedTexts):
    """Who sells a product, as a search result shows it to a buyer: the company, its country, and
    how fast it usually replies (None until that is public: ResponseTime.is_public)."""

    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]] = ("name",)

    name: str
    country: str | None
    response_time: timedelta | None
    source_language: str = DEFAULT_SOURCE_LANGUAGE
    translations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProductCard(TranslatedTexts):
    """A product as a result card shows it: the card template and expo.catalog.display read it as
    they read a Product. Plain values from two queries (the category comes from the cached filter
    options): building ORM objects for a page of cards, their booths, images and categories cost
    some 4 ms of CPU a search. Its texts are read by language like a Product's (the translations
    are a column of the same row)."""

    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]] = ("name",)

    id: int
    booth_id: int
    slug: str
    name: str
    category_id: int | None
    price_min: Decimal | None
    price_max: Decimal | None
    currency: str
    order_unit: str
    min_order_quantity: int | None
    availability: str
    source_language: str
    translations: dict
    category: CategoryOption | None
    images: tuple[CardImage, ...]
    booth: CardBooth
    # Search results only (product_cards(..., with_supplier=True)).
    supplier: CardSupplier | None = None

    Availability: ClassVar = Product.Availability  # as on a Product, for the card's template


# The cards' two statements, built once: building them for every page (and SQLAlchemy's cache key of
# each) cost some 0.5 ms of a search page's CPU.
_CARD_IMAGES = (
    select(ProductImage.product_id, ProductImage.id, ProductImage.alt_text)
    .where(ProductImage.product_id.in_(bindparam("ids", expanding=True)))
    .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
)
_CARD_ROWS = (
    select(
        *CARD_COLUMNS,
        Booth.slug.label("booth_slug"),
        Booth.status.label("booth_status"),
        Booth.country.label("booth_country"),
        ExhibitorCompany.name.label("company_name"),
        ExhibitorCompany.source_language.label("company_language"),
        ExhibitorCompany.translations.label("company_translations"),
    )
    .join(Booth, Booth.id == Product.booth_id)
    .join(ExhibitorCompany, ExhibitorCompany.id == Booth.company_id)
    .where(Product.id.in_(bindparam("ids", expanding=True)))
)


def product_cards(ids: Sequence[int], *, with_supplier: bool = False) -> list[ProductCard]:
    """The page's product cards, in the order found; ``with_supplier``: each with its supplier's
    name, country and response time (one more query for the page's booths, whatever their number)."""
    if not ids:
        return []
    categories = {category.id: category for category in filter_options().categories}
    images: dict[int, list[CardImage]] = {}
    for product_id, image_id, alt_text in db.session.execute(_CARD_IMAGES, {"ids": list(ids)}):
        images.setdefault(product_id, []).append(CardImage(image_id, alt_text))
    rows = db.session.execute(_CARD_ROWS, {"ids": list(ids)}).all()
    replies = response_times({row.booth_id for row in rows}) if with_supplier else {}
    by_id = {}
    for row in rows:
        supplier = None
        if with_supplier:
            reply = replies.get(row.booth_id)
            supplier = CardSupplier(
                row.company_name,
                row.booth_country,
                reply.median if reply is not None and reply.is_public else None,
                row.company_language,
                row.company_translations or {},
            )
        by_id[row.id] = ProductCard(
            id=row.id,
            booth_id=row.booth_id,
            slug=row.slug,
            name=row.name,
            category_id=row.category_id,
            price_min=row.price_min,
            price_max=row.price_max,
            currency=row.currency,
            order_unit=row.order_unit,
            min_order_quantity=row.min_order_quantity,
            availability=row.availability,
            source_language=row.source_language,
            translations=row.translations or {},
            category=categories.get(row.category_id),
            images=tuple(images.get(row.id, ())),
            booth=CardBooth(row.booth_id, row.booth_slug, row.booth_status, row.booth_country),
            supplier=supplier,
        )
    return [by_id[id_] for id_ in ids if id_ in by_id]


def load_booths(ids: Sequence[int]) -> list[Booth]:
    if not ids:
        return []
    rows = db.session.scalars(select(Booth).where(Booth.id.in_(ids)).options(joinedload(Booth.company)))
    by_id = {booth.id: booth for booth in rows}
    return [by_id[id_] for id_ in ids if id_ in by_id]


# --- the exhibition's front door -----------------------------------------------------------------


def published_booths_by_pavilion(edition: Edition) -> dict[int, int]:
    """Pavilion id -> how many published booths stand in it this edition (one grouped query)."""
    rows = db.session.execute(
        select(BoothPlacement.pavilion_id, func.count(BoothPlacement.id))
        .join(Booth, Booth.id == BoothPlacement.booth_id)
        .where(BoothPlacement.edition_id == edition.id, Booth.status == Booth.Status.PUBLISHED)
        .group_by(BoothPlacement.pavilion_id)
    )
    return {pavilion_id: count for pavilion_id, count in rows}


def top_categories() -> list[ProductCategory]:
    return list(
        db.session.scalars(
            select(ProductCategory).where(ProductCategory.parent_id.is_(None)).order_by(ProductCategory.position)
        )
    )


def newest_booths(limit: int = 8) -> list[Booth]:
    """The booths published last, then (should too few record when) the newest others.

    Two halves rather than one ORDER BY published_at DESC NULLS LAST: PostgreSQL cannot read that
    order from an ascending index, and would sort every published booth for eight of them.
    """
    published = Booth.status == Booth.Status.PUBLISHED
    dated = (
        select(Booth.id, literal_column("0").label("half"), Booth.published_at.label("at"))
        .where(published, Booth.published_at.is_not(None))
        .order_by(Booth.published_at.desc(), Booth.id.desc())
        .limit(limit)
        .subquery()
    )
    undated = (
        select(Booth.id, literal_column("1").label("half"), Booth.published_at.label("at"))
        .where(published, Booth.published_at.is_(None))
        .order_by(Booth.id.desc())
        .limit(limit)
        .subquery()
    )
    both = union_all(select(dated), select(undated)).subquery()
    ids = db.session.scalars(
        select(both.c.id).order_by(both.c.half, both.c.at.desc(), both.c.id.desc()).limit(limit)
    ).all()
    return load_booths(ids)
