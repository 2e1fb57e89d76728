"""Read-only statements a request runs beside its other work, on a second database connection.

A search page asks for its results, then for the other tab's count and the counts beside the
results (the facets). The counts do not depend on the page: on PostgreSQL they run in a server
process of their own while this one finds the page, loads the cards and renders, and the request
waits only for whatever is still running when it needs a count. On 100,000 products that took
the other tab's count (3-18 ms) and the facets' statements (8-13 ms each with a filter chosen)
off the request's wall time; the CPU spent is the same.

SQLite runs in the web process itself, under the same interpreter lock: a thread would only
share the CPU, so there a value is computed when it is first asked for, as before.

What runs alongside reads committed data through its own session, in an app context of its own:
it must not depend on the request (``g``, the session's uncommitted changes, the viewer's locale).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from flask import current_app

from expo.extensions import db

T = TypeVar("T")

# Statements of one request at once: a search sends at most four (the other tab's count and
# a facet for each of three filters); a threaded server's requests share them.
WORKERS = 4

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None


class Later(Generic[T]):
    """A value being computed alongside the request, or (SQLite) computed when first asked for."""

    def __init__(self, compute: Callable[[], T] | None = None, future: Future | None = None):
        self._compute = compute
        self._future = future
        self._done = False
        self._value: T | None = None

    def result(self) -> T:
        if self._future is not None:
            return self._future.result()
        if not self._done:
            self._value, self._done = self._compute(), True
        return self._value


def alongside(compute: Callable[[], T]) -> Later[T]:
    """Start ``compute`` (read statements only) on another connection now, on PostgreSQL; the
    caller asks for its ``result()`` when it needs it. An exception is raised there."""
    if db.session.get_bind().dialect.name == "sqlite":
        return Later(compute)
    app = current_app._get_current_object()

    def run() -> T:
        # An app context of its own: its own scoped session and connection, removed at the end.
        with app.app_context():
            return compute()

    return Later(future=_executor().submit(run))


def _executor() -> ThreadPoolExecutor:
    """This process's threads (made again in a forked child: a parent's threads do not follow)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="expo-alongside")
            _pool_pid = os.getpid()
        return _pool
