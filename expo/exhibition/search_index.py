"""The full-text index behind exhibition search: what text a booth or product is found by, and
the database structures that index it (PostgreSQL GIN over a tsvector, SQLite FTS5).

Both databases index one column, ``search_text``, which a flush listener keeps current from the
fields visitors search by (the company's name, the category path, the specifications...). Bulk
loaders that bypass the ORM (the volume generator) call the same ``*_search_text`` functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pycountry
from babel import Locale
from sqlalchemy import DDL, event
from sqlalchemy.orm import Session

from expo.booths.models import Booth
from expo.catalog.models import Product, ProductCategory
from expo.exhibitors.models import ExhibitorCompany

# English stemming on both databases ("masks" finds "mask"); words of other languages pass unstemmed.
# On PostgreSQL the models declare GIN indexes over PG_SEARCH_VECTOR; queries must spell the
# expression exactly so for the planner to use them.
PG_SEARCH_VECTOR = "to_tsvector('english'::regconfig, search_text)"
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"


def sqlite_fts_statements(table: str, index: str) -> list[str]:
    """An external-content FTS5 table over ``table.search_text`` and the triggers that keep it in step.

    Migrations keep their own copy of these statements: a migration is a snapshot of its day.
    """
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5(search_text, content='{table}', content_rowid='id', "
        f"tokenize='{SQLITE_TOKENIZER}')",
        f"CREATE TRIGGER {index}_after_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER {index}_after_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER {index}_after_update AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text); END",
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


def booth_search_text(*, company_name: str, sector: str, tagline: str, description: str,
                      country: str | None) -> str:
    return _join([company_name, sector, tagline, country_words(country), description])


def product_search_text(*, name: str, category_path: Sequence[str], description: str,
                        specifications: Sequence[Sequence[str]] | None, hs_code: str, company_name: str) -> str:
    specs = " ".join(f"{pair[0]} {pair[1]}" for pair in specifications or () if len(pair) == 2)
    return _join([name, " ".join(category_path), hs_code, company_name, specs, description])


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
    value = product_search_text(name=product.name, category_path=category_path(category),
                                description=product.description, specifications=product.specifications,
                                hs_code=product.hs_code,
                                company_name=(booth.company or session.get(ExhibitorCompany, booth.company_id)).name)
    if product.search_text != value:
        product.search_text = value


@event.listens_for(Session, "before_flush")
def _keep_search_text_current(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Product):
            _refresh_product(obj, session)
        elif isinstance(obj, Booth):
            _refresh_booth(obj, session)
