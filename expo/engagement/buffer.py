"""The engagement event buffer: where page views leave events for the drain task to write in batches.

A page view hands one small JSON record over and returns; the worker reads a batch, inserts it into
``engagement_events`` (the unique ``event_key`` makes a second write of the same batch a no-op) and
only then trims the batch from the buffer. A drainer killed at any point therefore loses nothing and
duplicates nothing. Draining is single-flight, and a trim happens only while the drainer still holds
the lock, so a drainer whose lock ran out can never trim events another one has not written.

Production keeps the buffer in a Redis list (REDIS_URL). The embedded default keeps it in a small
SQLite file of its own in the instance folder, so a page view never waits for the main database's
write lock. Both are bounded: past ENGAGEMENT_BUFFER_CAP events new ones are dropped with a warning.
Appending never raises: an unreachable buffer costs an event, never a page.

**Written behind.** A page view does not wait on the buffer: ``append_soon`` queues the record in
the process, and a thread of the process writes what gathered within ``WRITE_BEHIND_SECONDS`` in one
round trip (one Redis call, one SQLite transaction). The round trip per view was the largest cost of
a booth or product page served from the page cache (bench/README.md, "pages"). Reading the buffer's
size or a batch first writes what this process holds, and so does a process that exits normally
(gunicorn stopping or replacing a worker); a process killed outright loses at most that fraction of
a second of views. ``append`` still writes at once.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from expo.lib.side_stores import SQLiteFile, fail_fast_redis, per_app

log = logging.getLogger(__name__)

# Longer than any drain run takes (a run writes at most MAX_BATCHES_PER_RUN batches); if a drainer
# hangs past it, the next one takes over and the hung one can no longer trim.
DRAIN_LOCK_SECONDS = 120
BATCH_SIZE = 1000
MAX_BATCHES_PER_RUN = 50
# After a failed append the buffer is not tried again for this long: a Redis that times out must
# not add its timeout to every page view.
RETRY_AFTER_FAILURE_SECONDS = 5.0
# A full or broken buffer would otherwise log once per page view.
WARNING_INTERVAL_SECONDS = 60.0
# How long a queued page view waits for others to share its round trip to the buffer.
WRITE_BEHIND_SECONDS = 0.2
# The writing thread stops after this long without a page view (a new one starts it again).
WRITER_IDLE_SECONDS = 10.0

_EXTENSION_KEY = "expo.engagement_buffer"


@dataclass(frozen=True)
class Batch:
    """Events read from the front of the buffer; ``marker`` tells the buffer how far to trim."""

    events: list[dict[str, Any]]
    marker: int
    # Records that were not JSON objects: trimmed with the batch, never stored.
    unreadable: int = 0

    def __bool__(self) -> bool:
        return bool(self.events) or self.unreadable > 0


@dataclass
class _Throttle:
    """At most one warning per interval for each reason."""

    last: dict[str, float] = field(default_factory=dict)

    def warn(self, reason: str, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self.last.get(reason, -WARNING_INTERVAL_SECONDS) >= WARNING_INTERVAL_SECONDS:
            self.last[reason] = now
            log.warning(message, *args)


class EventBuffer(ABC):
    """The interface both buffers share; callers never learn which one they have."""

    def __init__(self, cap: int):
        self.cap = cap
        self._throttle = _Throttle()
        self._retry_at = 0.0
        # Records queued by append_soon, which this process (pid) has yet to write.
        self._queued: list[str] = []
        self._queued_in_pid = os.getpid()
        self._queue_lock = threading.Lock()
        # Held from taking the queue until it is written, so that a read or a clear in this process
        # never runs while the writing thread holds records it took but has not written yet.
        self._flush_lock = threading.Lock()
        self._wake_writer = threading.Event()
        self._writer: threading.Thread | None = None
        self._flushes_at_exit_in_pid: int | None = None

    def append(self, event: dict[str, Any]) -> bool:
        """Add one event at the end now; False when it was dropped (buffer full or unreachable)."""
        return self._write([_record(event)]) == 1

    def append_soon(self, event: dict[str, Any]) -> bool:
        """Queue one event for this process's writing thread (see the module's docstring) and return
        at once; False when the buffer is known to be unreachable (the event is dropped)."""
        if time.monotonic() < self._retry_at:
            return False
        record = _record(event)
        with self._queue_lock:
            if self._queued_in_pid != os.getpid():
                # A forked child: its parent writes what it had queued; the child has no writer yet.
                self._queued, self._queued_in_pid, self._writer = [], os.getpid(), None
            self._queued.append(record)
            if self._writer is None:
                self._start_writer()
            elif len(self._queued) == 1:
                self._wake_writer.set()
        return True

    def flush(self) -> int:
        """Write what this process has queued now; the number of events kept."""
        with self._flush_lock:
            with self._queue_lock:
                records, self._queued = self._queued, []
                if self._queued_in_pid != os.getpid():
                    records, self._queued_in_pid, self._writer = [], os.getpid(), None
            return self._write(records) if records else 0

    def _start_writer(self) -> None:
        """Under the queue lock: a daemon thread writing the queue, and (once per process) a final
        flush when the process exits normally."""
        if self._flushes_at_exit_in_pid != os.getpid():
            self._flushes_at_exit_in_pid = os.getpid()
            atexit.register(self.flush)
        self._wake_writer.clear()
        self._writer = threading.Thread(target=self._write_behind, name="engagement-write-behind", daemon=True)
        self._writer.start()

    def _write_behind(self) -> None:
        while True:
            time.sleep(WRITE_BEHIND_SECONDS)  # let the page views of this moment join the round trip
            self.flush()
            with self._queue_lock:
                if self._queued:
                    continue
                self._wake_writer.clear()
            if not self._wake_writer.wait(WRITER_IDLE_SECONDS):
                with self._queue_lock:
                    if not self._queued:
                        self._writer = None
                        return

    def _write(self, records: list[str]) -> int:
        """Write ``records`` at the end, as many as the cap leaves room for; never raises."""
        if time.monotonic() < self._retry_at:
            return 0
        try:
            added = self._append_many(records)
        except Exception as exc:  # noqa: BLE001 - a page view must never fail because of analytics
            if self._is_momentary(exc):
                self._throttle.warn("busy", "engagement buffer busy, %s events dropped: %s", len(records), exc)
                return 0
            self._retry_at = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
            self._throttle.warn("unreachable", "engagement buffer unavailable, events are dropped: %s", exc)
            return 0
        if added < len(records):
            self._throttle.warn(
                "full",
                "engagement buffer holds %s events (its cap); new events are dropped until the worker drains it",
                self.cap,
            )
        return added

    def _is_momentary(self, exc: Exception) -> bool:
        """A failure of this one append only: the next one tries again at once. Anything else
        (an unreachable server) holds every append of this process off for a while, so that pages
        do not each wait on it."""
        return False

    def read_batch(self, limit: int | None = None) -> Batch:
        """Up to ``limit`` (BATCH_SIZE) events from the front, oldest first; nothing is removed.
        What this process has queued is written first."""
        self.flush()
        raw, marker = self._read(limit or BATCH_SIZE)
        events, unreadable = [], 0
        for record in raw:
            try:
                event = json.loads(record)
            except (TypeError, ValueError):
                event = None
            if isinstance(event, dict):
                events.append(event)
            else:
                unreadable += 1
        if unreadable:
            log.warning("engagement buffer: %s unreadable records skipped", unreadable)
        return Batch(events, marker, unreadable)

    @contextmanager
    def drain_lock(self, seconds: int = DRAIN_LOCK_SECONDS) -> Iterator[str | None]:
        """The drain lock's token while held, or None when another drainer has it."""
        token = secrets.token_hex(16)
        if not self._acquire(token, seconds):
            yield None
            return
        try:
            yield token
        finally:
            self._release(token)

    @abstractmethod
    def _append_many(self, records: list[str]) -> int:
        """Add ``records`` at the end, in order, as many as the cap leaves room for; how many."""

    @abstractmethod
    def _read(self, limit: int) -> tuple[list[str | bytes], int]: ...

    @abstractmethod
    def trim(self, batch: Batch, lock: str) -> bool:
        """Remove ``batch`` from the front if ``lock`` is still held; False (nothing removed) if not."""

    def size(self) -> int:
        """Events waiting to be stored, this process's queue written first."""
        self.flush()
        return self._size()

    @abstractmethod
    def _size(self) -> int: ...

    def clear(self) -> None:
        """Empty the buffer and this process's queue, free the lock and try appending again at once
        (starting over)."""
        with self._flush_lock:
            with self._queue_lock:
                self._queued = []
            self._clear()
        self._retry_at = 0.0
        self._throttle = _Throttle()

    @abstractmethod
    def _clear(self) -> None: ...

    @abstractmethod
    def _acquire(self, token: str, seconds: int) -> bool: ...

    @abstractmethod
    def _release(self, token: str) -> None: ...


class RedisBuffer(EventBuffer):
    """A Redis list: RPUSH at the end, LRANGE and LTRIM at the front, a SET NX EX lock."""

    # LLEN and RPUSH in one step, or two processes could both pass the cap check. ARGV: the cap,
    # then the records.
    _APPEND = """
    local room = tonumber(ARGV[1]) - redis.call('LLEN', KEYS[1])
    local added = 0
    for i = 2, #ARGV do
      if added >= room then break end
      redis.call('RPUSH', KEYS[1], ARGV[i])
      added = added + 1
    end
    return added
    """
    _TRIM_IF_HELD = """
    if redis.call('GET', KEYS[2]) == ARGV[1] then
      redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
      return 1
    end
    return 0
    """
    _RELEASE_IF_HELD = """
    if redis.call('GET', KEYS[1]) == ARGV[1] then
      return redis.call('DEL', KEYS[1])
    end
    return 0
    """

    def __init__(self, url: str, cap: int, key: str = "expo:engagement:buffer"):
        super().__init__(cap)
        # Fail fast and never retry inside a page view: a lost event is cheaper than a slow page.
        self.client = fail_fast_redis(url)
        self.key = key
        self.lock_key = key + ":drain-lock"
        self._append_script = self.client.register_script(self._APPEND)
        self._trim_script = self.client.register_script(self._TRIM_IF_HELD)
        self._release_script = self.client.register_script(self._RELEASE_IF_HELD)

    def _append_many(self, records: list[str]) -> int:
        return int(self._append_script(keys=[self.key], args=[self.cap, *records]))

    def _read(self, limit: int) -> tuple[list[bytes], int]:
        records = self.client.lrange(self.key, 0, limit - 1)
        return records, len(records)

    def trim(self, batch: Batch, lock: str) -> bool:
        # Only drainers remove from the front and only one holds the lock, so the first
        # ``marker`` items are exactly the ones this batch read.
        return bool(self._trim_script(keys=[self.key, self.lock_key], args=[lock, batch.marker]))

    def _size(self) -> int:
        return int(self.client.llen(self.key))

    def _clear(self) -> None:
        self.client.delete(self.key, self.lock_key)

    def _acquire(self, token: str, seconds: int) -> bool:
        return bool(self.client.set(self.lock_key, token, nx=True, ex=seconds))

    def _release(self, token: str) -> None:
        self._release_script(keys=[self.lock_key], args=[token])


class SQLiteFileBuffer(EventBuffer):
    """A SQLite file of its own (WAL, short busy timeout): the embedded default's buffer."""

    # A page view waits at most this long for the file's write lock (held for microseconds at a time).
    BUSY_TIMEOUT_SECONDS = 0.25
    _SCHEMA = """
    CREATE TABLE IF NOT EXISTS buffered_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        payload TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS drain_lock (
        name TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    """
    _LOCK_NAME = "drain"

    def __init__(self, path: Path | str, cap: int):
        super().__init__(cap)
        self.path = str(path)
        self._file = SQLiteFile(path, self._SCHEMA, self.BUSY_TIMEOUT_SECONDS)

    def _connection(self) -> sqlite3.Connection:
        return self._file.connection()

    def _is_momentary(self, exc: Exception) -> bool:
        # Another thread or process held the file's write lock past the busy timeout: this event is
        # lost, but the file is fine, and backing off would drop every thread's events for seconds.
        return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))

    def _append_many(self, records: list[str]) -> int:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")  # the count and the inserts as one, against other processes
        try:
            # AUTOINCREMENT keeps seq contiguous from the front (only drainers delete, oldest
            # first), so max - min + 1 is the row count in two index look-ups rather than a scan.
            held = connection.execute("SELECT coalesce(max(seq) - min(seq) + 1, 0) FROM buffered_events").fetchone()[0]
            kept = records[: max(0, self.cap - held)]
            connection.executemany("INSERT INTO buffered_events (payload) VALUES (?)", [(r,) for r in kept])
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return len(kept)

    def _read(self, limit: int) -> tuple[list[str], int]:
        rows = (
            self._connection()
            .execute("SELECT seq, payload FROM buffered_events ORDER BY seq LIMIT ?", (limit,))
            .fetchall()
        )
        return [payload for _seq, payload in rows], (rows[-1][0] if rows else 0)

    def trim(self, batch: Batch, lock: str) -> bool:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            held = (
                connection.execute(
                    "SELECT 1 FROM drain_lock WHERE name = ? AND token = ?", (self._LOCK_NAME, lock)
                ).fetchone()
                is not None
            )
            if held:
                connection.execute("DELETE FROM buffered_events WHERE seq <= ?", (batch.marker,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return held

    def _size(self) -> int:
        return self._connection().execute("SELECT count(*) FROM buffered_events").fetchone()[0]

    def _clear(self) -> None:
        connection = self._connection()
        connection.execute("DELETE FROM buffered_events")
        connection.execute("DELETE FROM drain_lock")

    def _acquire(self, token: str, seconds: int) -> bool:
        now = time.time()  # wall clock: the lock is shared between processes
        cursor = self._connection().execute(
            "INSERT INTO drain_lock (name, token, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at "
            "WHERE drain_lock.expires_at <= ?",
            (self._LOCK_NAME, token, now + seconds, now),
        )
        return cursor.rowcount == 1

    def _release(self, token: str) -> None:
        self._connection().execute("DELETE FROM drain_lock WHERE name = ? AND token = ?", (self._LOCK_NAME, token))


def _record(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"))


def build_buffer(config: dict[str, Any]) -> EventBuffer:
    if config.get("REDIS_URL"):
        return RedisBuffer(config["REDIS_URL"], config["ENGAGEMENT_BUFFER_CAP"])
    return SQLiteFileBuffer(config["ENGAGEMENT_BUFFER_PATH"], config["ENGAGEMENT_BUFFER_CAP"])


def current_buffer(app: Flask | None = None) -> EventBuffer:
    """The app's buffer, made on first use (the web process and the worker each make their own)."""
    return per_app(app, _EXTENSION_KEY, build_buffer)
