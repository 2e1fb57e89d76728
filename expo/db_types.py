"""Column types shared by every feature's models."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Computed, DateTime, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import mapped_column
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite forgets the zone, PostgreSQL keeps it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class _SearchVectorOf(ColumnElement):
    """PostgreSQL's English tsvector of a text column; NULL on other databases (SQLite searches
    through its FTS5 tables instead)."""

    inherit_cache = True

    def __init__(self, source: str):
        self.source = source


@compiles(_SearchVectorOf)
def _no_search_vector(element: _SearchVectorOf, compiler, **kw) -> str:
    return "NULL"


@compiles(_SearchVectorOf, "postgresql")
def _postgresql_search_vector(element: _SearchVectorOf, compiler, **kw) -> str:
    return f"to_tsvector('english'::regconfig, {element.source})"


def search_vector_column(source: str = "search_text"):
    """A stored tsvector of ``source`` that PostgreSQL keeps current itself (a generated column).

    Stored rather than computed in queries: ranking and re-checking a match read it instead of
    parsing the whole text again, which costs some 60 µs a row (see bench/README.md).
    """
    return mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), Computed(_SearchVectorOf(source), persisted=True),
                         deferred=True)
