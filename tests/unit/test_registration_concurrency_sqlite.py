"""Registrations racing for the last seats on the embedded SQLite database.

SQLite cannot lock a row: what keeps the count right is that every transaction starts with
BEGIN IMMEDIATE (expo._tune_sqlite), so writers queue one at a time behind the busy timeout.
That whole-database lock covers the read as well as the write, which makes even the naive
read-count-then-insert safe here: unlike on PostgreSQL, switching the capacity guard off cannot
make SQLite oversell. The proof that these tests can fail is therefore to take BEGIN IMMEDIATE
away, after which the racers are turned away with "database is locked".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from bench.registration_race import Race, add_people, add_session, race, register_work, tally
from expo.extensions import db
from expo.registrations import services
from tests.standalone_app import standalone_app
from tests.unguarded_registration import without_capacity_guard

RACERS, CAPACITY = 50, 10
NAIVE_ATTEMPTS = 3


@pytest.fixture()
def naive_path() -> Iterator[None]:
    """Registrations take the unguarded read-then-write path (tests/unguarded_registration.py)."""
    with without_capacity_guard():
        yield


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Replaces the root fixture, which would build the shared session app; each test here has its own."""
    yield


@pytest.fixture()
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    app = standalone_app(
        f"sqlite:///{tmp_path / 'c.sqlite'}",
        tmp_path / "instance",
        # A connection per racer: they queue on SQLite's lock, not on the pool.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS, "max_overflow": 0, "pool_timeout": 60},
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def registrations_race(app: Flask, capacity: int = CAPACITY, racers: int = RACERS) -> tuple[Race, int]:
    with app.app_context():
        user_ids = add_people(racers)
        session_id = add_session(capacity)
    return race(app, racers, register_work(session_id, user_ids), timeout=60), session_id


def without_begin_immediate(app: Flask) -> None:
    """Take away expo's BEGIN IMMEDIATE: the driver stays in autocommit, so each statement commits alone."""
    with app.app_context():
        engine = db.engine
        listeners = [fn for fn in engine.dispatch.begin if fn.__name__ == "_on_begin"]
        assert listeners, "expo._tune_sqlite no longer installs its BEGIN IMMEDIATE listener"
        for listener in listeners:
            event.remove(engine, "begin", listener)


def test_a_crowd_never_overbooks_a_session(sqlite_app: Flask) -> None:
    result, session_id = registrations_race(sqlite_app)

    assert result.errors == []  # the busy timeout queues writers instead of failing them
    assert Counter(result.values) == {"confirmed": CAPACITY, "waitlisted": RACERS - CAPACITY}
    with sqlite_app.app_context():
        counts = tally(session_id)
    assert counts.statuses == {"confirmed": CAPACITY, "waitlisted": RACERS - CAPACITY}
    assert counts.seats_taken == CAPACITY
    assert counts.waitlist_numbers == list(range(1, RACERS - CAPACITY + 1))


def test_without_the_guard_begin_immediate_still_serialises_everyone(naive_path: None, sqlite_app: Flask) -> None:
    # Unlike PostgreSQL, the naive read-count-then-insert cannot oversell here: BEGIN IMMEDIATE
    # takes the database's single write lock before the count is read and keeps it until the
    # commit, so no two registrations ever overlap. Even so the guard must stay on: PostgreSQL
    # has no such lock (see tests/integration/test_registration_concurrency.py).
    result, session_id = registrations_race(sqlite_app)

    assert result.errors == []
    with sqlite_app.app_context():
        counts = tally(session_id)
    assert counts.statuses == {"confirmed": CAPACITY, "waitlisted": RACERS - CAPACITY}
    assert counts.waitlist_numbers == list(range(1, RACERS - CAPACITY + 1))


def test_without_begin_immediate_the_naive_path_turns_people_away(naive_path: None, sqlite_app: Flask) -> None:
    """The proof that these tests can fail on SQLite, and what BEGIN IMMEDIATE is for.

    Without it, each registration's count-then-insert runs in a deferred transaction (the
    savepoint opens it): it reads a snapshot, and when it then writes after another writer has
    committed, WAL refuses the upgrade at once (SQLITE_BUSY_SNAPSHOT; no busy timeout helps).
    SQLite still cannot oversell, being serialisable, but people are turned away with
    "database is locked" instead of queued.
    """
    without_begin_immediate(sqlite_app)
    errors: list[BaseException] = []
    for _ in range(NAIVE_ATTEMPTS):
        result, session_id = registrations_race(sqlite_app)
        with sqlite_app.app_context():
            assert tally(session_id).confirmed <= CAPACITY
        errors += result.errors
        if errors:
            break
    assert errors, "no registration was refused without BEGIN IMMEDIATE: this test could not catch a failure"
    assert {f"{type(error).__name__}: {getattr(error, 'orig', error)}" for error in errors} == {
        "OperationalError: database is locked"
    }


def test_a_double_submit_registers_once(sqlite_app: Flask) -> None:
    tabs = 10
    with sqlite_app.app_context():
        user_id = add_people(1)[0]
        session_id = add_session(CAPACITY)

    result = race(sqlite_app, tabs, register_work(session_id, [user_id] * tabs), timeout=60)

    assert result.values == ["confirmed"]
    assert [type(error) for error in result.errors] == [services.AlreadyRegistered] * (tabs - 1)
    with sqlite_app.app_context():
        counts = tally(session_id)
    assert (counts.statuses, counts.seats_taken) == ({"confirmed": 1}, 1)
