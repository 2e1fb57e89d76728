"""500 people press "Register" for 50 seats at the same instant: how long until it settles, and does it oversell.

Also holds the race driver the concurrency tests use, so the tests and the benchmark exercise the
same thing: N threads, each in its own application context (so its own session and pooled
connection, like concurrent web requests), released together by a barrier, each committing once.
The benchmark serves the crowd as production does, with gunicorn-like worker processes
(``race_in_processes``).
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select
from sqlalchemy.orm import joinedload

from bench.database import DEFAULT_DATABASE_URL, bench_database_url, rebuild_schema
from bench.results import machine, write
from expo.accounts.models import User
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.registrations import services
from expo.registrations.models import Registration

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "registration_race.json"
PEOPLE, SEATS, ROUNDS = 500, 50, 3
# Production serves requests with gunicorn's four sync worker processes (Dockerfile, docker-compose.yml),
# each handling one request at a time; so does the race by default.
PROCESSES, THREADS = 4, 1
TARGET_SECONDS = 2.0

# PostgreSQL refuses clients past max_connections (100 by default), so one connection per racer is
# not on offer: the pool takes what the server can spare, up to MAX_CONNECTIONS, leaving HEADROOM
# for everything else using the server. Racers without a connection queue for one, as requests do.
MAX_CONNECTIONS = 60
HEADROOM = 20
STARTS_AT = datetime(2027, 9, 11, 1, 0, tzinfo=UTC)


# --------------------------------------------------------------------------------------------
# The race driver


@dataclass
class Outcome:
    """What one racer's request returned or raised, and how long it took (barrier to commit)."""

    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0


@dataclass
class Race:
    outcomes: list[Outcome]
    seconds: float  # from the barrier's release to the last commit
    cpu_seconds: float = 0.0  # CPU the racing process(es) used meanwhile
    # time.perf_counter() at the release and at the last commit: CLOCK_MONOTONIC, so races run in
    # several processes on one machine can be put on one time line.
    released_at: float = 0.0
    finished_at: float = 0.0

    @property
    def errors(self) -> list[BaseException]:
        return [o.error for o in self.outcomes if o.error is not None]

    @property
    def values(self) -> list[Any]:
        return [o.value for o in self.outcomes if o.error is None]

    @property
    def latencies(self) -> list[float]:
        return [o.seconds for o in self.outcomes]


def race(
    app: Flask,
    count: int,
    work: Callable[[int], Any],
    *,
    timeout: float = 120.0,
    gate: Callable[[], Any] | None = None,
    servers: int | None = None,
) -> Race:
    """Run ``work(i)`` for i in range(count), all at once, and commit each like a view would.

    By default every racer is a thread of its own. With ``servers``, the racers are requests that all
    arrive at the release and are served by that many threads, each taking the next waiting request
    as it finishes one (a web server's worker threads and its listen queue); a racer's latency then
    includes its wait in the queue. Each serving thread has its own app context per request, so its
    own session and pooled connection, as requests do; every database access happens after the
    release. Exceptions are kept per racer (and its transaction rolled back), never lost in a thread.
    ``gate``, when given, is called once every thread is lined up and holds the release back until it
    returns (so racers in several processes start together).
    """
    outcomes = [Outcome() for _ in range(count)]
    finished = [0.0] * count
    released: list[tuple[float, float]] = []
    threads_count = min(servers or count, count)
    barrier = threading.Barrier(
        threads_count + (1 if gate else 0),
        action=lambda: released.append((time.perf_counter(), time.process_time())),
        timeout=timeout,
    )
    waiting = iter(range(count))
    queue_lock = threading.Lock()

    def next_request() -> int | None:
        with queue_lock:
            return next(waiting, None)

    def serve(index: int) -> None:
        outcome = outcomes[index]
        with app.app_context():
            try:
                outcome.value = work(index)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the caller decides which errors were expected
                db.session.rollback()
                outcome.error = exc
            finally:
                db.session.remove()  # the connection goes back to the pool for the next racer
        finished[index] = time.perf_counter()
        outcome.seconds = finished[index] - released[0][0]

    def run(first: int) -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError as exc:
            outcomes[first].error = exc
            return
        index: int | None = first if servers is None else next_request()
        while index is not None:
            serve(index)
            index = None if servers is None else next_request()

    threads = [threading.Thread(target=run, args=(i,), name=f"racer-{i}", daemon=True) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    if gate:
        while barrier.n_waiting < threads_count:  # every thread lined up
            time.sleep(0.005)
        gate()
        barrier.wait()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    cpu_end = time.process_time()
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        raise RuntimeError(f"{stuck} of {threads_count} racing threads still running after {timeout:.0f}s")
    if not released:
        raise RuntimeError("the racers were never released together")
    ((wall_start, cpu_start),) = released
    return Race(outcomes, max(finished) - wall_start, cpu_end - cpu_start, wall_start, max(finished))


def _race_in_child(database_url: str, threads: int, session_id: int, user_ids: list[int], gate, results) -> None:
    """One web worker process of a multi-process race: its own app, ``threads`` serving threads with a
    pooled connection each, and its share of the requests."""
    with tempfile.TemporaryDirectory(prefix="expo-bench-worker-") as instance:
        app = build_app(database_url, connections=threads, instance_path=instance)
        warm_pool(app, threads)
        result = race(app, len(user_ids), register_work(session_id, user_ids), gate=gate.wait, servers=threads)
        with app.app_context():
            db.engine.dispose()
    # Exceptions may not pickle; their text is what the report shows.
    outcomes = [
        Outcome(o.value, None if o.error is None else RuntimeError(f"{type(o.error).__name__}: {o.error}"), o.seconds)
        for o in result.outcomes
    ]
    results.put(Race(outcomes, result.seconds, result.cpu_seconds, result.released_at, result.finished_at))


def race_in_processes(
    database_url: str, processes: int, threads: int, session_id: int, user_ids: Sequence[int], *, timeout: float = 180.0
) -> Race:
    """Every request arrives at once and is served by ``processes`` worker processes of ``threads``
    threads each, as gunicorn's ``--workers`` and ``--threads`` serve them; each takes the next
    waiting request as it finishes one (its share of the crowd: the listen queue)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connections
    gate = context.Barrier(processes, timeout=timeout)
    results = context.Queue()
    shares = [list(user_ids[i::processes]) for i in range(processes)]
    workers = [
        context.Process(target=_race_in_child, args=(database_url, threads, session_id, share, gate, results))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    races = [results.get(timeout=timeout) for _ in workers]
    for worker in workers:
        worker.join(timeout)
    released = min(r.released_at for r in races)
    finished = max(r.finished_at for r in races)
    return Race(
        [o for r in races for o in r.outcomes],
        finished - released,
        sum(r.cpu_seconds for r in races),
        released,
        finished,
    )


# --------------------------------------------------------------------------------------------
# Arranging a race and reading its result


def add_people(count: int) -> list[int]:
    """``count`` users in one INSERT, committed; no password hashing: they never log in."""
    tag = secrets.token_hex(4)
    rows = [
        {"email": f"racer-{tag}-{i}@bench.example", "password_hash": "!", "name": f"Racer {i}"} for i in range(count)
    ]
    ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows))
    db.session.commit()
    return ids


def add_session(capacity: int | None, **fields: Any) -> int:
    """A published edition, a forum (``fields`` for it) and one session of ``capacity`` seats; its id."""
    tag = secrets.token_hex(4)
    edition = Edition(
        slug=f"race-{tag}",
        name=f"Race {tag}",
        starts_on=date(2027, 9, 10),
        ends_on=date(2027, 9, 13),
        status=Edition.Status.PUBLISHED,
    )
    forum = Forum(edition=edition, slug=f"race-{tag}", title=f"Race {tag}", kind=Forum.SUB, **fields)
    session = ProgrammeSession(
        forum=forum, title=f"Race {tag}", starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=1), capacity=capacity
    )
    db.session.add_all([edition, forum, session])
    db.session.flush()
    session_id = session.id  # read before commit: an expired row would open a transaction (on SQLite, the write lock)
    db.session.commit()
    return session_id


# The session with what registering reads of it (its forum and the forum's questions), in one query.
REGISTRABLE_SESSION = [joinedload(ProgrammeSession.forum).joinedload(Forum.questions)]


def register_work(session_id: int, user_ids: Sequence[int]) -> Callable[[int], str]:
    """Racer i registers user_ids[i] for the session, as the registration view does."""

    def work(index: int) -> str:
        user = db.session.get(User, user_ids[index])  # Flask-Login's user loader
        # The view's loader brings the forum and its questions along (the form asks them).
        target = db.session.get(ProgrammeSession, session_id, options=REGISTRABLE_SESSION)
        return services.register(user, target).registration.status

    return work


@dataclass
class Tally:
    statuses: Counter[str]
    seats_taken: int
    capacity: int | None
    waitlist_numbers: list[int] = field(default_factory=list)

    @property
    def confirmed(self) -> int:
        return self.statuses[Registration.Status.CONFIRMED]

    @property
    def waitlisted(self) -> int:
        return self.statuses[Registration.Status.WAITLISTED]

    @property
    def oversold(self) -> bool:
        return self.capacity is not None and self.confirmed > self.capacity


def tally(session_id: int) -> Tally:
    """What the database holds for the session now (read in a fresh session)."""
    db.session.remove()
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.session_id == session_id)
        .group_by(Registration.status)
    ).all()
    numbers = db.session.scalars(
        select(Registration.waitlist_number)
        .where(Registration.session_id == session_id, Registration.status == Registration.Status.WAITLISTED)
        .order_by(Registration.waitlist_number)
    ).all()
    target = db.session.get(ProgrammeSession, session_id)
    result = Tally(Counter(dict(rows)), target.seats_taken, target.capacity, list(numbers))
    db.session.remove()
    return result


# --------------------------------------------------------------------------------------------
# The benchmark


def connection_budget(sqlalchemy_url: str, wanted: int, *, cap: int = MAX_CONNECTIONS, headroom: int = HEADROOM) -> int:
    """How many connections to pool: ``wanted``, within ``cap`` and what the server has free."""
    if not sqlalchemy_url.startswith("postgresql"):
        return min(wanted, cap)
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as connection:
        limit = int(connection.execute("SHOW max_connections").fetchone()[0])
        reserved = int(connection.execute("SHOW superuser_reserved_connections").fetchone()[0])
        in_use = connection.execute("SELECT count(*) FROM pg_stat_activity").fetchone()[0]
    return max(1, min(wanted, cap, limit - reserved - in_use - headroom))


def build_app(sqlalchemy_url: str, *, connections: int, instance_path: str) -> Flask:
    from expo import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-to-pass",
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url,
            # One pool, no overflow: past ``connections`` the server would refuse anyway.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": connections, "max_overflow": 0, "pool_timeout": 120},
            "TASKS_RECORD_ONLY": True,  # tickets are recorded, not sent: no broker needed
            "MAIL_SERVER": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOG_LEVEL": "WARNING",
        },
        instance_path=instance_path,
    )


def warm_pool(app: Flask, connections: int) -> None:
    """Open every pooled connection before timing, as a server that has been running would have."""
    barrier = threading.Barrier(connections, timeout=60)

    def hold() -> None:
        # Connected, but no transaction: on SQLite a BEGIN IMMEDIATE each would queue for the lock.
        with app.app_context(), db.engine.connect():
            barrier.wait()

    threads = [threading.Thread(target=hold) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def run_round(
    app: Flask, people: int, seats: int, *, processes: int = 1, threads: int = THREADS, database_url: str = ""
) -> dict[str, Any]:
    with app.app_context():
        user_ids = add_people(people)
        session_id = add_session(seats)
        app.extensions["expo.recorded_tasks"].clear()
    if processes > 1:
        result = race_in_processes(database_url, processes, threads, session_id, user_ids)
    else:
        result = race(app, people, register_work(session_id, user_ids))
    with app.app_context():
        counts = tally(session_id)
    latencies = result.latencies
    numbers_ok = counts.waitlist_numbers == list(range(1, counts.waitlisted + 1))
    return {
        "wall_seconds": round(result.seconds, 4),
        # CPU the racing processes spent during the race: close to wall time × processes means the
        # racers were waiting for Python, not for PostgreSQL's locks.
        "client_cpu_seconds": round(result.cpu_seconds, 3),
        "latency_ms": {
            name: round(percentile(latencies, q) * 1000, 1) for name, q in (("p50", 0.50), ("p95", 0.95), ("max", 1.0))
        },
        "confirmed": counts.confirmed,
        "waitlisted": counts.waitlisted,
        "errors": len(result.errors),
        "error_examples": sorted({f"{type(e).__name__}: {e}"[:200] for e in result.errors})[:3],
        "seats_taken": counts.seats_taken,
        "oversold": counts.oversold,
        "correct": (
            not result.errors
            and counts.confirmed == seats == counts.seats_taken
            and counts.waitlisted == people - seats
            and numbers_ok
        ),
    }


def sequential_cost(app: Flask, count: int = 50) -> dict[str, float]:
    """One registration after another on one connection: the cost of a registration with no contention."""
    with app.app_context():
        user_ids = add_people(count)
        session_id = add_session(count // 2)
        work = register_work(session_id, user_ids)
        wall, cpu = time.perf_counter(), time.process_time()
        for index in range(count):
            work(index)
            db.session.commit()
            db.session.remove()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_ms": round(wall / count * 1000, 2), "client_cpu_ms": round(cpu / count * 1000, 2)}


def run(
    database_url: str | None = None,
    *,
    people: int = PEOPLE,
    seats: int = SEATS,
    rounds: int = ROUNDS,
    processes: int = PROCESSES,
    threads: int = THREADS,
    results_path: Path | None = RESULTS_PATH,
) -> dict[str, Any]:
    url = bench_database_url(database_url)
    # One process: a pooled connection per racer, as far as the server allows. Several: one per serving thread.
    connections = connection_budget(url, people) if processes == 1 else processes * threads
    before_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="expo-bench-") as instance:
        # With worker processes, this one only arranges and counts: the connections are theirs.
        app = build_app(url, connections=connections if processes == 1 else 2, instance_path=instance)
        with app.app_context():
            server = rebuild_schema()
        if processes == 1:
            warm_pool(app, connections)
        sequential = sequential_cost(app)
        results = [
            run_round(app, people, seats, processes=processes, threads=threads, database_url=url) for _ in range(rounds)
        ]
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    median_wall = round(statistics.median(r["wall_seconds"] for r in results), 4)
    report = {
        "benchmark": "registration_race",
        **machine(before_load),
        "database": server,
        "people": people,
        "seats": seats,
        "connections": connections,
        "processes": processes,
        "threads_per_process": threads if processes > 1 else people,
        "target_seconds": TARGET_SECONDS,
        "median_wall_seconds": median_wall,
        "met_target": median_wall <= TARGET_SECONDS,
        "correct": all(r["correct"] for r in results),
        "sequential_per_registration": sequential,
        "rounds": results,
    }
    write(results_path, report)
    return report


def format_table(report: dict[str, Any]) -> str:
    header = (
        "round",
        "wall s",
        "client CPU s",
        "p50 ms",
        "p95 ms",
        "max ms",
        "confirmed",
        "waitlisted",
        "errors",
        "correct",
    )
    rows = [header]
    for number, r in enumerate(report["rounds"], 1):
        latency = r["latency_ms"]
        rows.append(
            (
                str(number),
                f"{r['wall_seconds']:.3f}",
                f"{r['client_cpu_seconds']:.2f}",
                f"{latency['p50']:.1f}",
                f"{latency['p95']:.1f}",
                f"{latency['max']:.1f}",
                str(r["confirmed"]),
                str(r["waitlisted"]),
                str(r["errors"]),
                "yes" if r["correct"] else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    verdict = "met" if report["met_target"] else "MISSED"
    title = (
        f"registration_race: {report['people']} people, {report['seats']} seats, "
        f"{report['processes']} processes × {report['threads_per_process']} threads, {report['database']}, "
        f"{report['cpus']} CPUs"
    )
    footer = (
        f"median wall {report['median_wall_seconds']:.3f} s; "
        f"target <= {report['target_seconds']:.0f} s {verdict}; "
        f"load average {report['load_average'][0]:.1f} before, {report['load_average'][1]:.1f} after"
    )
    sequential = report["sequential_per_registration"]
    baseline = (
        f"one at a time, uncontended: {sequential['wall_ms']:.1f} ms a registration "
        f"({sequential['client_cpu_ms']:.1f} ms of it Python CPU in this process)"
    )
    return "\n".join([title, *lines, footer, baseline])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench registration_race", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seats", type=int, default=SEATS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--processes",
        type=int,
        default=PROCESSES,
        help="web worker processes serving the crowd, as gunicorn's --workers "
        f"(default {PROCESSES}, as in the Dockerfile; 1 = every racer a thread of this process)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=THREADS,
        help=f"serving threads per process, as gunicorn's --threads (default {THREADS}: sync workers)",
    )
    parser.add_argument("--database-url", help=f"default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}")
    args = parser.parse_args(argv)
    report = run(
        args.database_url,
        people=args.people,
        seats=args.seats,
        rounds=args.rounds,
        processes=args.processes,
        threads=args.threads,
    )
    print(format_table(report))
    print(f"written to {RESULTS_PATH}")
    for number, r in enumerate(report["rounds"], 1):
        for example in r["error_examples"]:
            print(f"round {number} error: {example}", file=sys.stderr)
    # A wrong outcome (oversold, errors, gaps in the waiting list) fails; a slow one is reported.
    return 0 if report["correct"] else 1
