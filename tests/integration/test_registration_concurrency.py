"""Registrations, cancellations and decisions racing on PostgreSQL: never oversold, each seat given once.

Threads, each with its own app context (own session, own pooled connection), are released
together by a barrier (bench.registration_race.race). First the module proves it can see an
oversell: with the capacity guard switched off, the naive read-count-then-insert oversells; then
the guarded service must not, whether people register, cancel, submit twice or are decided on.

Only PostgreSQL is needed: the app here is built on its own database (``expo_integration_concurrency``), with
tasks recorded rather than sent, so the integration suite's Redis, worker and SMTP fixtures are
switched off for this module. PostgreSQL unreachable: the module fails, it never skips.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from sqlalchemy import func, select, text

from bench.database import ensure_postgres_database
from bench.registration_race import Race, add_people, add_session, connection_budget, race, register_work, tally
from expo.accounts.models import EditionRole, User
from expo.extensions import db
from expo.forums.models import ProgrammeSession
from expo.registrations import services
from expo.registrations.models import Registration
from tests.conftest import require_service
from tests.standalone_app import standalone_app
from tests.unguarded_registration import without_capacity_guard

pytestmark = pytest.mark.integration

DATABASE_URL = (
    "postgresql://postgres@127.0.0.1:5432/"
    + os.environ.get("EXPO_TEST_INTEGRATION_DB", "expo_integration")
    + "_concurrency"
)
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
RACERS, CAPACITY = 250, 20
NAIVE_ATTEMPTS = 3


@pytest.fixture()
def naive_path() -> Iterator[None]:
    """Registrations take the unguarded read-then-write path (tests/unguarded_registration.py)."""
    with without_capacity_guard():
        yield


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Replaces the root fixture, which would build the shared session app; this module cleans its own."""
    yield


@pytest.fixture(autouse=True)
def _integration_isolation() -> Iterator[None]:
    """Replaces the integration conftest's, which starts Redis, a Celery worker and SMTP: not needed here."""
    yield


def _require_postgres() -> None:
    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        require_service(f"PostgreSQL at 127.0.0.1:5432 is unreachable: {exc}")


@pytest.fixture(scope="module")
def race_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    _require_postgres()
    url = ensure_postgres_database(DATABASE_URL)
    # One connection per racer would be 250: past PostgreSQL's max_connections (100 by default). The pool
    # takes what the server can spare (up to 60); the other racers queue for a connection.
    connections = connection_budget(url, RACERS)
    app = standalone_app(
        url,
        tmp_path_factory.mktemp("concurrency-instance"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": connections, "max_overflow": 0, "pool_timeout": 120},
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture()
def clean(race_app: Flask) -> Iterator[Flask]:
    race_app.extensions["expo.recorded_tasks"].clear()
    yield race_app
    with race_app.app_context():
        db.session.remove()
        names = ", ".join(table.name for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()


def registrations_race(app: Flask, capacity: int, racers: int) -> tuple[Race, int]:
    with app.app_context():
        user_ids = add_people(racers)
        session_id = add_session(capacity)
    return race(app, racers, register_work(session_id, user_ids)), session_id


def test_without_the_guard_the_same_crowd_overbooks(naive_path: None, clean: Flask) -> None:
    """The proof that the next test can fail: without the guard, read-count-then-insert oversells."""
    confirmed_per_attempt = []
    for _ in range(NAIVE_ATTEMPTS):
        result, session_id = registrations_race(clean, CAPACITY, RACERS)
        assert result.errors == []
        with clean.app_context():
            confirmed_per_attempt.append(tally(session_id).confirmed)
        if confirmed_per_attempt[-1] > CAPACITY:
            break
    assert max(confirmed_per_attempt) > CAPACITY, (
        f"the naive path never oversold ({confirmed_per_attempt} confirmed for {CAPACITY} seats): "
        "this test could not catch an oversell"
    )


def test_a_crowd_never_overbooks_a_session(clean: Flask) -> None:
    result, session_id = registrations_race(clean, CAPACITY, RACERS)

    assert result.errors == []
    assert Counter(result.values) == {"confirmed": CAPACITY, "waitlisted": RACERS - CAPACITY}
    with clean.app_context():
        counts = tally(session_id)
    assert counts.statuses == {"confirmed": CAPACITY, "waitlisted": RACERS - CAPACITY}
    assert counts.seats_taken == CAPACITY
    assert counts.waitlist_numbers == list(range(1, RACERS - CAPACITY + 1))
    tickets = [args for name, args in clean.extensions["expo.recorded_tasks"] if name == services.TICKET_TASK]
    assert len(tickets) == len(set(tickets)) == CAPACITY


def test_simultaneous_cancellations_promote_each_waiting_person_once(clean: Flask) -> None:
    waiting_count = 40
    with clean.app_context():
        user_ids = add_people(CAPACITY + waiting_count)
        session_id = add_session(CAPACITY)
    with clean.app_context():
        register_one = register_work(session_id, user_ids)
        for index in range(len(user_ids)):  # one at a time: this is the arrangement, not the race
            register_one(index)
            db.session.commit()
        rows = db.session.scalars(
            select(Registration).where(Registration.session_id == session_id).order_by(Registration.id)
        ).all()
        confirmed_ids = [r.id for r in rows if r.status == Registration.Status.CONFIRMED]
        waiting_ids = [
            r.id
            for r in sorted(rows, key=lambda r: r.waitlist_number or 0)
            if r.status == Registration.Status.WAITLISTED
        ]
        db.session.remove()
    assert (len(confirmed_ids), len(waiting_ids)) == (CAPACITY, waiting_count)
    clean.extensions["expo.recorded_tasks"].clear()

    def cancel(index: int) -> list[int]:
        registration = db.session.get(Registration, confirmed_ids[index])
        actor = db.session.get(User, registration.user_id)
        return [promoted.id for promoted in services.cancel(actor, registration)]

    result = race(clean, CAPACITY, cancel)

    assert result.errors == []
    promoted = [registration_id for ids in result.values for registration_id in ids]
    assert sorted(promoted) == sorted(waiting_ids[:CAPACITY])  # the first twenty in line, each once
    notified = [args[0] for name, args in clean.extensions["expo.recorded_tasks"] if name == services.PROMOTED_TASK]
    assert sorted(notified) == sorted(waiting_ids[:CAPACITY])
    with clean.app_context():
        counts = tally(session_id)
        confirmed_now = set(
            db.session.scalars(
                select(Registration.id).where(
                    Registration.session_id == session_id, Registration.status == Registration.Status.CONFIRMED
                )
            )
        )
        db.session.remove()
    assert counts.statuses == {"cancelled": CAPACITY, "confirmed": CAPACITY, "waitlisted": waiting_count - CAPACITY}
    assert counts.seats_taken == CAPACITY
    assert confirmed_now == set(waiting_ids[:CAPACITY])
    assert counts.waitlist_numbers == list(range(CAPACITY + 1, waiting_count + 1))


@pytest.mark.parametrize(
    ("capacity", "mode", "expected"),
    [
        (5, "open", "confirmed"),  # a seat is free: the seat's row lock queues the tabs
        (0, "open", "waitlisted"),  # full: the waiting-list counter's row lock queues them
        (5, "approval", "pending"),  # no lock at all: only the partial unique index stops the copies
    ],
)
def test_a_double_submit_registers_once(clean: Flask, capacity: int, mode: str, expected: str) -> None:
    tabs = 10
    with clean.app_context():
        user_id = add_people(1)[0]
        session_id = add_session(capacity, registration_mode=mode)

    result = race(clean, tabs, register_work(session_id, [user_id] * tabs))

    assert result.values == [expected]
    assert [type(error) for error in result.errors] == [services.AlreadyRegistered] * (tabs - 1)
    with clean.app_context():
        counts = tally(session_id)
        active = db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.user_id == user_id, Registration.status.in_(Registration.ACTIVE)
            )
        )
        db.session.remove()
    assert (active, counts.statuses) == (1, {expected: 1})
    assert counts.seats_taken == (1 if expected == "confirmed" else 0)
    assert counts.waitlist_numbers == ([1] if expected == "waitlisted" else [])


def _wait_for_lock_waiters(count: int, timeout: float = 20.0) -> None:
    """Until ``count`` backends of this database wait for a lock (the interleaving is then certain)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        while True:
            waiting = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                (DATABASE_URL.rsplit("/", 1)[1],),
            ).fetchone()[0]
            if waiting >= count:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"no backend waited for a lock within {timeout:.0f}s")
            time.sleep(0.01)


def test_leaving_the_waiting_list_while_being_promoted_frees_the_seat(clean: Flask) -> None:
    """Someone leaves the waiting list (as the page showed them) just as a cancellation promotes them.

    The leaver must be treated as holding the seat they were just given, so the seat comes back.
    It does because cancel reads the status under the session's lock; reading it before the lock
    (as before commit a9d7719) left the seat taken by nobody.
    """
    with clean.app_context():
        holder_id, waiting_id = add_people(2)
        session_id = add_session(1)
        register_one = register_work(session_id, [holder_id, waiting_id])
        for index in range(2):
            register_one(index)
            db.session.commit()
        held_id, queued_id = db.session.scalars(
            select(Registration.id).where(Registration.session_id == session_id).order_by(Registration.id)
        ).all()
        db.session.remove()

    def leave_waiting_list(index: int) -> None:
        registration = db.session.get(Registration, queued_id)
        assert registration.status == Registration.Status.WAITLISTED  # as the page showed it
        services.cancel(db.session.get(User, waiting_id), registration)

    with clean.app_context():
        held = db.session.get(Registration, held_id)
        promoted = services.cancel(db.session.get(User, holder_id), held)  # promotes the waiting person...
        assert [r.id for r in promoted] == [queued_id]
        results: list[Race] = []
        leaving = threading.Thread(target=lambda: results.append(race(clean, 1, leave_waiting_list)))
        leaving.start()  # ...who, at that moment, leaves the waiting list
        _wait_for_lock_waiters(1)
        db.session.commit()
    leaving.join(30)
    assert results and results[0].errors == []

    with clean.app_context():
        counts = tally(session_id)
    assert counts.statuses == {"cancelled": 2}
    assert counts.seats_taken == 0  # the seat the promotion gave must come back


def test_organizers_accepting_the_same_registration_at_once_decide_once(clean: Flask) -> None:
    organizers = 5
    with clean.app_context():
        attendee_id, *organizer_ids = add_people(1 + organizers)
        session_id = add_session(3, registration_mode="approval")
        register_work(session_id, [attendee_id])(0)
        edition_id = db.session.get(ProgrammeSession, session_id).forum.edition_id
        db.session.add_all(
            EditionRole(user_id=user_id, edition_id=edition_id, kind=EditionRole.ORGANIZER) for user_id in organizer_ids
        )
        db.session.commit()
        registration_id = db.session.scalar(select(Registration.id).where(Registration.session_id == session_id))
        db.session.remove()
    clean.extensions["expo.recorded_tasks"].clear()

    def accept(index: int) -> str:
        organizer = db.session.get(User, organizer_ids[index])
        return services.decide(organizer, db.session.get(Registration, registration_id), accept=True).status

    result = race(clean, organizers, accept)

    assert result.values == ["confirmed"]
    assert [str(error) for error in result.errors] == ["This registration has already been decided."] * (organizers - 1)
    with clean.app_context():
        counts = tally(session_id)
    assert (counts.statuses, counts.seats_taken) == ({"confirmed": 1}, 1)
    assert clean.extensions["expo.recorded_tasks"] == [(services.TICKET_TASK, (registration_id,))]
