"""Buyers racing to accept the same staff member's slots on the embedded SQLite database.

As for registrations (tests/unit/test_registration_concurrency_sqlite.py): every writing
transaction begins IMMEDIATE, so writers queue one at a time and even the naive read-then-accept
(the holds' guard switched off) cannot double-book here. The proof that these tests can see a
double booking is to take BEGIN IMMEDIATE away as well: each statement then commits on its own,
two acceptances read "free" before either writes, and one slot ends up with two meetings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from bench.meeting_race import meetings_race, tally
from expo.extensions import db
from tests.standalone_app import standalone_app
from tests.unit.test_registration_concurrency_sqlite import without_begin_immediate

RACERS, SLOTS = 40, 4
NAIVE_ATTEMPTS = 5


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Replaces the root fixture, which would build the shared session app; each test here has its own."""
    yield


@pytest.fixture()
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    app = standalone_app(
        f"sqlite:///{tmp_path / 'm.sqlite'}",
        tmp_path / "instance",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS, "max_overflow": 0, "pool_timeout": 60},
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_racing_acceptances_book_each_slot_once(sqlite_app: Flask) -> None:
    result, arranged = meetings_race(sqlite_app, RACERS, SLOTS, timeout=60)

    assert Counter(type(error).__name__ for error in result.errors) == {"SlotTaken": RACERS - SLOTS}
    assert result.values == ["accepted"] * SLOTS
    with sqlite_app.app_context():
        counts = tally(arranged)
    assert set(counts.accepted_per_slot.values()) == {1} and len(counts.accepted_per_slot) == SLOTS
    assert counts.holds == SLOTS * 4  # four 5-minute stretches of each 20-minute slot


def test_without_the_guard_begin_immediate_still_serialises_everyone(sqlite_app: Flask) -> None:
    # The read (who already has an accepted meeting then) and the write happen under SQLite's one
    # write lock, taken at BEGIN: no two acceptances overlap. The guard stays on for PostgreSQL
    # (tests/integration/test_meeting_concurrency.py), and for a SQLite run without the lock:
    sqlite_app.config["MEETING_HOLD_GUARD"] = False
    result, arranged = meetings_race(sqlite_app, RACERS, SLOTS, timeout=60)

    assert Counter(type(error).__name__ for error in result.errors) == {"SlotTaken": RACERS - SLOTS}
    with sqlite_app.app_context():
        assert tally(arranged).double_booked == 0


def test_without_begin_immediate_and_without_the_guard_a_slot_is_booked_twice(sqlite_app: Flask) -> None:
    """The proof that these tests can catch a double booking on SQLite."""
    sqlite_app.config["MEETING_HOLD_GUARD"] = False
    without_begin_immediate(sqlite_app)
    double_booked = []
    for _ in range(NAIVE_ATTEMPTS):
        result, arranged = meetings_race(sqlite_app, RACERS, SLOTS, timeout=60)
        with sqlite_app.app_context():
            double_booked.append(tally(arranged).double_booked)
        if double_booked[-1]:
            break
    assert max(double_booked) > 0, (
        f"no slot was booked twice in {len(double_booked)} naive races: this test could not catch a double booking"
    )
