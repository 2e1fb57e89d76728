"""The worker's heartbeat: a timestamp the worker renews every few seconds, which /healthz reads.

With REDIS_URL it is a Redis key that expires (the web and the worker may run on different
machines); on the embedded default it is the modification time of a file in the instance folder
(web and worker run side by side). Either way /healthz pays one cheap read.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Protocol

from flask import Flask

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 5.0
# Three missed beats: a worker busy with long tasks still beats (from its own thread).
MAX_AGE_SECONDS = 20.0
REDIS_KEY = "expo:worker-heartbeat"


class HeartbeatStore(Protocol):
    def beat(self) -> None: ...

    def age_seconds(self) -> float | None:
        """Seconds since the last beat, or None if there never was one (or it expired)."""


class FileHeartbeat:
    def __init__(self, path: Path) -> None:
        self.path = path

    def beat(self) -> None:
        self.path.touch()
        os.utime(self.path)  # touch leaves an existing file's time alone on some systems

    def age_seconds(self) -> float | None:
        try:
            return max(0.0, time.time() - self.path.stat().st_mtime)
        except FileNotFoundError:
            return None


class RedisHeartbeat:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    def beat(self) -> None:
        self.client.set(REDIS_KEY, repr(time.time()), ex=int(MAX_AGE_SECONDS * 3))

    def age_seconds(self) -> float | None:
        value = self.client.get(REDIS_KEY)
        return None if value is None else max(0.0, time.time() - float(value))


def store_for(app: Flask) -> HeartbeatStore:
    store = app.extensions.get("expo.heartbeat")
    if store is None:
        redis_url = app.config.get("REDIS_URL")
        store = RedisHeartbeat(redis_url) if redis_url else FileHeartbeat(app.config["WORKER_HEARTBEAT_PATH"])
        app.extensions["expo.heartbeat"] = store
    return store


def worker_state(app: Flask) -> str:
    """ "ok" when a worker beat within MAX_AGE_SECONDS, "missing" otherwise (or "error: ..." if unreadable)."""
    try:
        age = store_for(app).age_seconds()
    except Exception as exc:  # noqa: BLE001 - the store being down is reported, not raised
        log.error("health check: worker heartbeat unreadable: %s", exc)
        return f"error: {type(exc).__name__}"
    return "ok" if age is not None and age <= MAX_AGE_SECONDS else "missing"


class Heartbeat:
    """A daemon thread in the worker's main process that beats until stopped."""

    def __init__(self, app: Flask, interval: float = INTERVAL_SECONDS) -> None:
        self.store = store_for(app)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="expo-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.store.beat()
            except Exception as exc:  # noqa: BLE001 - a missed beat shows on /healthz; keep trying
                log.warning("worker heartbeat not written: %s", exc)
            self._stop.wait(self.interval)
