"""The benchmarks' disposable databases: emptied and rebuilt from the models before every run."""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable

from sqlalchemy import text

from expo import models  # noqa: F401 - every mapper known before a benchmark builds loader options
from expo.extensions import db

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/expo_bench"


def bench_database_url(given: str | None, default: str = DEFAULT_DATABASE_URL) -> str:
    """The database a benchmark empties and rebuilds: ``given`` (its --database-url), else
    $BENCH_DATABASE_URL, else ``default``. A PostgreSQL one is created if missing and returned as
    the SQLAlchemy (psycopg 3) URL; a SQLite one as it is."""
    url = given or os.environ.get("BENCH_DATABASE_URL") or default
    if url.startswith(("postgres://", "postgresql")):
        return ensure_postgres_database(url.replace("postgres://", "postgresql://", 1))
    return url


def ensure_postgres_database(url: str) -> str:
    """Create the named PostgreSQL database if it is missing; returns the SQLAlchemy (psycopg 3) URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    sa_url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin_dsn = sa_url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sa_url.database,)).fetchone():
            connection.execute(f'CREATE DATABASE "{sa_url.database}"')
    return sa_url.render_as_string(hide_password=False)


def rebuild_schema() -> str:
    """Empty the bench database and create the models' tables; returns 'postgresql 15.20' or the like.

    On PostgreSQL the whole schema goes, so tables an older version of the models left behind (and
    the constraints tying them to today's tables) cannot stop the rebuild. Call in an app context.
    """
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
    db.create_all()
    return f"{engine.dialect.name} {'.'.join(map(str, engine.dialect.server_version_info or ()))}"


def load_in_child(load: Callable[..., None], *args, what: str) -> float:
    """Run ``load(*args, results)`` in a process of its own and return the seconds it puts on
    ``results``: the process that serves or measures never built the data in its own memory (a heap
    grown and fragmented by a load cost every later request some 5 ms of CPU)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=load, args=(*args, results))
    child.start()
    while True:
        try:
            seconds = results.get(timeout=1)
            break
        except queue.Empty:
            if not child.is_alive():
                raise RuntimeError(f"loading {what} failed (exit code {child.exitcode})") from None
    child.join()
    return seconds
