"""What the search filters offer (countries with published booths, the category tree, editions
with their pavilions) and the published booths' sectors (for ranking), read once and kept for a
minute.

Every search page lists these, and they change only when an organizer edits the programme or
a booth is published, moved or closed: reading them for every request cost four queries and some
5 ms at 10,000 booths. The cache keeps plain values, never ORM objects (they belong to one
session), and this process forgets it as soon as it commits a change to any of those tables;
other processes see the change within ``MAX_AGE``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, selectinload

from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import ProductCategory
from expo.editions.models import Edition, Pavilion
from expo.exhibition.search_index import searchable_text
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.i18n import LANGUAGES

# Seconds another process's change may take to show in this one's filters.
MAX_AGE = 60.0
# A change to a row of these tables forgets the cache (booth placements: a pavilion's booths;
# companies: their sectors).
_WATCHED_MODELS = (Booth, BoothPlacement, ProductCategory, Edition, Pavilion, ExhibitorCompany)
_WATCHED_TABLES = frozenset(model.__table__.name for model in _WATCHED_MODELS)
_EXTENSION = "expo.search_filter_options"
# session.info key: this transaction changed something the filters show.
_CHANGED = "expo.filter_options_changed"


@dataclass(frozen=True)
class CategoryOption:
    id: int
    parent_id: int | None
    slug: str
    # A catalogue msgid for the shared tree (translated when shown: expo.catalog.display.category_label).
    name: str
    position: int


@dataclass(frozen=True)
class PavilionOption:
    id: int
    name: str
    # The name in each interface language (its source text where it has no translation): the
    # options are kept for every visitor, each reads them in their own language.
    names: dict[str, str] = field(default_factory=dict, compare=False)

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


@dataclass(frozen=True)
class EditionOption:
    id: int
    slug: str
    name: str
    starts_on: date
    pavilions: tuple[PavilionOption, ...]
    names: dict[str, str] = field(default_factory=dict, compare=False)

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


@dataclass(frozen=True)
class FilterOptions:
    """Everything the filter form lists: countries with published booths (and how many), the
    category tree, and the visible editions (newest first) with their pavilions."""

    countries: tuple[tuple[str, int], ...]
    categories: tuple[CategoryOption, ...]
    editions: tuple[EditionOption, ...]
    # Published booth id -> (its country, its company's sector in every language, in lower case): search ranks the
    # booths whose sector a query names above the others, and counts its ranked products by
    # country, without reading booths and companies for every search.
    booths: dict[int, tuple[str | None, str]] = field(default_factory=dict)

    def category_descendants(self, category_id: int) -> tuple[int, ...]:
        children: dict[int | None, list[int]] = {}
        for category in self.categories:
            children.setdefault(category.parent_id, []).append(category.id)
        found, stack = [], [category_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(children.get(current, ()))
        return tuple(found)

    def category_tree(self) -> list[tuple[CategoryOption, int]]:
        """(category, depth) in the tree's order: parents, each followed by its children."""
        children: dict[int | None, list[CategoryOption]] = {}
        for category in sorted(self.categories, key=lambda item: (item.position, item.id)):
            children.setdefault(category.parent_id, []).append(category)
        ordered: list[tuple[CategoryOption, int]] = []

        def walk(parent_id: int | None, depth: int) -> None:
            for category in children.get(parent_id, ()):
                ordered.append((category, depth))
                walk(category.id, depth + 1)

        walk(None, 0)
        return ordered


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: FilterOptions | None = None
        self._read_at = 0.0
        # Bumped by every forgetting: a read that began before a change must not be kept after it.
        self._generation = 0

    def get(self) -> FilterOptions:
        value, read_at = self._value, self._read_at
        if value is not None and time.monotonic() - read_at < MAX_AGE:
            return value
        generation = self._generation
        started = time.monotonic()
        value = _read_options()
        with self._lock:
            if generation == self._generation:
                self._value, self._read_at = value, started
        return value

    def forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._value = None


def filter_options() -> FilterOptions:
    return current_app.extensions[_EXTENSION].get()


def forget_filter_options(app: Flask | None = None) -> None:
    (app or current_app).extensions[_EXTENSION].forget()


def countries_with_booths() -> list[tuple[str, int]]:
    """(country code, published booths) for every country with any, most booths first."""
    # count(*), not count(id): the (status, country) index alone answers it.
    rows = db.session.execute(
        select(Booth.country, func.count())
        .where(Booth.status == Booth.Status.PUBLISHED, Booth.country.is_not(None))
        .group_by(Booth.country)
        .order_by(func.count().desc(), Booth.country)
    )
    return [(country, count) for country, count in rows]


def _names(record) -> dict[str, str]:
    return {language: record.text_in("name", language).text for language in LANGUAGES}


def _read_options() -> FilterOptions:
    editions = db.session.scalars(
        select(Edition)
        .where(Edition.status != Edition.Status.DRAFT)
        .order_by(Edition.starts_on.desc())
        .options(selectinload(Edition.pavilions))
    )
    return FilterOptions(
        countries=tuple(countries_with_booths()),
        categories=tuple(
            CategoryOption(category.id, category.parent_id, category.slug, category.name, category.position)
            for category in db.session.scalars(select(ProductCategory))
        ),
        editions=tuple(
            EditionOption(
                edition.id,
                edition.slug,
                edition.name,
                edition.starts_on,
                tuple(PavilionOption(pavilion.id, pavilion.name, _names(pavilion)) for pavilion in edition.pavilions),
                _names(edition),
            )
            for edition in editions
        ),
        booths={
            booth_id: (country, _sector_words(sectors))
            for booth_id, country, *sectors in db.session.execute(
                select(Booth.id, Booth.country, ExhibitorCompany.sector, *_translated_sectors())
                .join(ExhibitorCompany, ExhibitorCompany.id == Booth.company_id)
                .where(Booth.status == Booth.Status.PUBLISHED)
            )
        },
    )


def _translated_sectors() -> list:
    """The sector's translation into each content language, read out of the JSON by the database
    (the whole column holds every name and description: far more than the sectors)."""
    from expo.content_languages import content_languages

    return [ExhibitorCompany.translations[(code, "sector")].as_string() for code in content_languages()]


def _sector_words(sectors: list[str | None]) -> str:
    """A company's sector in every language it is written in, as search reads words (lower case,
    accents dropped: "thiet bi bao ho" for "Thiết bị bảo hộ"), one string."""
    names = tuple(dict.fromkeys(name for name in sectors if isinstance(name, str) and name))
    return _searchable_sector(names)


@lru_cache(maxsize=4096)
def _searchable_sector(names: tuple[str, ...]) -> str:
    # Companies share a few hundred sectors at most: each is normalised once.
    return searchable_text(" ".join(names)).lower()


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = _Cache()


def _forget_current() -> None:
    if has_app_context() and _EXTENSION in current_app.extensions:
        current_app.extensions[_EXTENSION].forget()


# Whatever session makes a change (a request's, a task's, a command's) marks its transaction;
# its commit, or its rollback (reads inside it saw the change), forgets this process's cache.
@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _flush_context: UOWTransaction) -> None:
    changed = (obj for group in (session.new, session.dirty, session.deleted) for obj in group)
    if any(isinstance(obj, _WATCHED_MODELS) for obj in changed):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    # insert(), update() and delete() statements, ORM or table-level (the volume generator's).
    if state.is_insert or state.is_update or state.is_delete:
        if getattr(getattr(state.statement, "table", None), "name", None) in _WATCHED_TABLES:
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_changed(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        _forget_current()
