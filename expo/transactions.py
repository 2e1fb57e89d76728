"""Which units of work take SQLite's write lock up front, and how slow work stays out of it.

SQLite has one write lock for the whole database. A transaction that reads, then writes, must
take it at BEGIN (IMMEDIATE): in WAL mode a deferred transaction that read a snapshot is refused
the upgrade at once (SQLITE_BUSY_SNAPSHOT, no busy timeout helps) if anyone committed meanwhile.
Taking it for every request, though, queued every page view behind every writer. So:

- a request whose method changes something (POST, PUT, PATCH, DELETE), a view marked
  ``writes_database`` (a GET that marks something read), and work outside a request (Celery
  tasks, CLI commands) begin IMMEDIATE;
- every other request begins DEFERRED: WAL lets it read alongside the one writer.

PostgreSQL locks rows and ignores all this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from expo.extensions import db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FLUSHED_KEY = "expo.flushed_in_transaction"

View = TypeVar("View", bound=Callable)


def writes_database(view: View) -> View:
    """Mark a view that writes although its method is GET, so its transaction takes the write lock first."""
    view.writes_database = True  # type: ignore[attr-defined]
    return view


def wants_write_lock() -> bool:
    """Whether a transaction beginning now should take SQLite's write lock up front."""
    if not has_request_context():
        return True
    if request.method in WRITE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "writes_database", False))


class PendingChanges(RuntimeError):
    """end_read_transaction was asked to end a transaction that has written: that needs a commit."""


def end_read_transaction() -> None:
    """End the session's transaction, which has only read, before slow work (password hashing,
    decoding an uploaded image, parsing a workbook).

    In a writing request the transaction holds SQLite's write lock from its first statement, and
    an argon2 hash is slow on purpose (over a second on a busy two-CPU machine): held across it,
    every other writer waits, and twenty log-ins queued past the busy timeout into
    "database is locked". On PostgreSQL it
    frees the connection. Objects loaded so far are expired and reload in the next transaction,
    so whatever the slow work decides is written against current rows.
    """
    session = db.session()  # the request's own Session behind the scoped proxy
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted or session.info.get(_FLUSHED_KEY):
        raise PendingChanges("this transaction has changes; only a read-only transaction may be ended here")
    if has_request_context():
        # Chosen now, by the user's language, and kept: an error message must not read the user again.
        get_locale()
    session.rollback()


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    session.info[_FLUSHED_KEY] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_FLUSHED_KEY, None)
