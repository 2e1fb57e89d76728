"""What counting a page view costs the page (``engagement.services.record``), and how fast the drain task
writes buffered events to PostgreSQL.

record() is measured alone, inside a fresh request context per call (as a view calls it), on each
buffer: the embedded default's SQLite file, Redis, and a Redis nobody answers. The drain is the
worker's task run in this process against BENCH_DATABASE_URL, whose tables are dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from bench.database import DEFAULT_DATABASE_URL, ensure_postgres_database, rebuild_schema
from expo.engagement.buffer import EventBuffer, RedisBuffer, SQLiteFileBuffer

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "engagement_record.json"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def _app(database_url: str, instance: Path) -> Flask:
    from expo import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": ensure_postgres_database(database_url),
            "SECRET_KEY": "b" * 40,
            "TASKS_RECORD_ONLY": True,
            "REDIS_URL": None,
        },
        instance_path=str(instance),
    )


def _booth(app: Flask):
    from expo.booths.models import Booth
    from expo.exhibitors.models import ExhibitorCompany
    from expo.extensions import db

    with app.app_context():
        rebuild_schema()
        company = ExhibitorCompany(slug="bench", name="Bench", status=ExhibitorCompany.Status.APPROVED)
        booth = Booth(company=company, slug="bench", status=Booth.Status.PUBLISHED)
        db.session.add(booth)
        db.session.commit()
        db.session.refresh(booth)
        db.session.expunge(booth)
        return booth


def _clear(buffer: EventBuffer) -> int:
    """Empty the buffer; how many events it held (0 for one that cannot be reached)."""
    try:
        held = buffer.size()
        buffer.clear()
    except Exception:  # noqa: BLE001 - the unreachable Redis is part of the benchmark
        return 0
    return held


def measure_record(app: Flask, booth, buffer: EventBuffer, calls: int, with_cookie: bool) -> dict:
    from expo.engagement import services

    app.extensions["expo.engagement_buffer"] = buffer
    _clear(buffer)
    headers = {"User-Agent": BROWSER}
    if with_cookie:
        headers["Cookie"] = f"{services.VISITOR_COOKIE}={'c' * 24}"
    timings = []
    for _ in range(calls):
        with app.test_request_context("/booths/bench", headers=headers):
            started = time.perf_counter()
            services.record("booth_visit", booth)
            timings.append(time.perf_counter() - started)
    kept = _clear(buffer)
    timings.sort()
    return {
        "calls": calls,
        "kept": kept,
        "mean_us": statistics.fmean(timings) * 1e6,
        "p50_us": timings[len(timings) // 2] * 1e6,
        "p95_us": timings[int(len(timings) * 0.95)] * 1e6,
    }


def measure_drain(app: Flask, booth, buffer: EventBuffer, events: int) -> dict:
    import uuid

    import worker.tasks as tasks
    from expo.db_types import utcnow

    app.extensions["expo.engagement_buffer"] = buffer
    buffer.clear()
    buffer.cap = max(buffer.cap, events)
    at = utcnow().isoformat()
    for number in range(events):
        buffer.append(
            {
                "key": str(uuid.uuid4()),
                "kind": "booth_visit",
                "booth": booth.id,
                "visitor": f"visitor-{number % 500}",
                "at": at,
            }
        )
    started = time.perf_counter()
    stored = 0
    with app.app_context():
        while buffer.size():
            stored += tasks.drain_engagement_events.run()
    seconds = time.perf_counter() - started
    return {"events": events, "stored": stored, "seconds": seconds, "events_per_second": stored / seconds}


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench engagement_record", description=__doc__)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--drain-events", type=int, default=20000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    options = parser.parse_args(argv)

    instance = Path(tempfile.mkdtemp(prefix="expo-bench-"))
    app = _app(options.database_url, instance)
    booth = _booth(app)
    buffers = {
        "sqlite file": lambda: SQLiteFileBuffer(instance / "engagement-buffer.sqlite", cap=10_000_000),
        "redis": lambda: RedisBuffer(options.redis_url, cap=10_000_000, key="expo:bench:engagement-buffer"),
        "redis unreachable": lambda: RedisBuffer("redis://127.0.0.1:6390/0", cap=10_000_000),
    }
    results: dict = {"record": {}, "drain": {}}
    print("record(), one call per request context:")
    print(f"{'buffer':<20} {'cookie':<8} {'mean µs':>8} {'p50 µs':>8} {'p95 µs':>8} {'kept':>6}")
    for name, make in buffers.items():
        for with_cookie in (True, False):
            row = measure_record(app, booth, make(), options.calls, with_cookie)
            results["record"][f"{name}, {'cookie' if with_cookie else 'first visit'}"] = row
            print(
                f"{name:<20} {'yes' if with_cookie else 'new':<8} {row['mean_us']:8.0f} {row['p50_us']:8.0f} "
                f"{row['p95_us']:8.0f} {row['kept']:6d}"
            )
    print("drain task, in process, to PostgreSQL:")
    wrong = False
    for name in ("sqlite file", "redis"):
        row = measure_drain(app, booth, buffers[name](), options.drain_events)
        results["drain"][name] = row
        wrong |= row["stored"] != row["events"]
        print(f"{name:<20} {row['stored']} events in {row['seconds']:.1f} s: {row['events_per_second']:.0f} a second")
    RESULTS_PATH.parent.mkdir(exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=2))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
