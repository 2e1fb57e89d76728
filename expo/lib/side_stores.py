"""The small stores beside the database that page views write to: Redis in production, a SQLite file
of their own in the instance folder in the embedded default (the engagement buffer, the page cache).

Both are opened so that a page never waits long on them: Redis fails fast and never retries inside a
request, and each thread (and each forked process) has its own SQLite connection, set up once per
process under a lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app

_Store = TypeVar("_Store")
_creating = threading.Lock()


def per_app(app: Flask | None, key: str, build: Callable[[dict[str, Any]], _Store]) -> _Store:
    """The app's one store under ``key``, built from its config on first use (the web process and
    the worker each build their own); two threads asking at once get the same one."""
    app = app or current_app._get_current_object()
    store = app.extensions.get(key)
    if store is None:
        with _creating:
            store = app.extensions.get(key)
            if store is None:
                store = app.extensions[key] = build(app.config)
    return store


def fail_fast_redis(url: str):
    """A Redis client that gives up after half a second and never retries: a missing buffer or cache
    costs an event or a render, never a slow page."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=Retry(NoBackoff(), 0))


class SQLiteFile:
    """One SQLite file (WAL, a short busy timeout), a connection per thread and process."""

    SETUP_TIMEOUT_SECONDS = 5.0

    def __init__(self, path: Path | str, schema: str, busy_timeout: float) -> None:
        self.path = str(path)
        self.schema = schema
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._setup_lock = threading.Lock()
        self._set_up_in_pid: int | None = None

    def connection(self) -> sqlite3.Connection:
        # sqlite3 connections must not cross threads, and a forked worker must not share its
        # parent's file handle.
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            self._set_up_file()
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            # NORMAL in WAL mode: no fsync per write; a power cut may lose the last few writes,
            # never corrupt the file.
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def _set_up_file(self) -> None:
        """WAL (kept by the file) and the tables, once per process: these write under the file's
        exclusive lock, which writes in other threads would otherwise meet, each thread's setup
        holding them past their busy timeout. Setup itself may wait SETUP_TIMEOUT_SECONDS."""
        with self._setup_lock:
            if self._set_up_in_pid == os.getpid():
                return
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            setup = sqlite3.connect(self.path, timeout=self.SETUP_TIMEOUT_SECONDS, isolation_level=None)
            try:
                setup.execute("PRAGMA journal_mode=WAL")
                setup.executescript(self.schema)
            finally:
                setup.close()
            self._set_up_in_pid = os.getpid()
