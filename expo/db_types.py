"""Column types shared by every feature's models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Computed, DateTime, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import mapped_column
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite forgets the zone, PostgreSQL keeps it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# What PostgreSQL indexes for search (see expo.exhibition.search_index): the first line of
# search_text, the name, with weight A; the rest with the default weight D.
SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, split_part(search_text, chr(10), 1)), 'A') || "
    "to_tsvector('english'::regconfig, substr(search_text, strpos(search_text || chr(10), chr(10)) + 1))"
)
# What PostgreSQL ranks relevance by: the name alone (every language's, the first line of
# search_text). A few hundred bytes kept in the row, where the whole text's vector is some 3.5 kB
# stored apart (TOAST): ranking 1,001 matches read each of those again and walked every position of
# the words in every translation (bench/README.md, "Ranking by the name").
TITLE_VECTOR = "to_tsvector('english'::regconfig, split_part(search_text, chr(10), 1))"


class _SearchVector(ColumnElement):
    """The expression PostgreSQL computes a search vector with; NULL on other databases (SQLite
    searches through its FTS5 tables instead)."""

    inherit_cache = True

    def __init__(self, expression: str):
        self.sql = expression


@compiles(_SearchVector)
def _no_search_vector(element: _SearchVector, compiler, **kw) -> str:
    return "NULL"


@compiles(_SearchVector, "postgresql")
def _postgresql_search_vector(element: _SearchVector, compiler, **kw) -> str:
    return element.sql


def search_vector_column(expression: str = SEARCH_VECTOR):
    """A stored tsvector that PostgreSQL keeps current itself (a generated column), never loaded.

    Stored rather than computed in queries: ranking and re-checking a match read it instead of
    parsing the whole text again, which costs some 60 µs a row.
    """
    return mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), Computed(_SearchVector(expression), persisted=True), deferred=True
    )


class StrEnumType(TypeDecorator[str]):
    """A column of a :class:`expo.lib.enums.LabelledStrEnum`: stored as its plain value (a short
    string, so adding a member needs no migration), loaded as the member, so pages can ask a
    loaded record's ``status.label``; a value outside the set is refused before it reaches the database."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)

    def copy(self, **kw) -> StrEnumType:
        return StrEnumType(self.enum, self.impl.length)
