"""Who holds the database while a request runs: page views never wait for SQLite's write lock,
and password hashing (slow on purpose) runs with no transaction open, on either database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from expo.accounts import services as accounts
from expo.extensions import db
from expo.transactions import PendingChanges, end_read_transaction, wants_write_lock
from tests.conftest import TEST_PASSWORD, first_link, log_in, outbox_messages, run_recorded_tasks
from tests.http.test_accounts import SIGN_UP


def _sqlite_path(app) -> str | None:
    with app.app_context():
        url = db.engine.url
    return url.database if url.get_backend_name() == "sqlite" else None


@contextmanager
def write_lock_held_elsewhere(path: str) -> Iterator[None]:
    """Another process's writer in the middle of a transaction (the worker, say)."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def write_lock_is_free(path: str) -> bool:
    connection = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


class WatchingHasher:
    """The real hasher, noting for each hash or verify whether a transaction was open around it."""

    def __init__(self, real: PasswordHasher, sqlite_path: str | None) -> None:
        self.real, self.sqlite_path = real, sqlite_path
        self.calls: list[tuple[str, bool, bool]] = []  # (what, session in a transaction, write lock free)

    def _note(self, what: str) -> None:
        free = write_lock_is_free(self.sqlite_path) if self.sqlite_path else True
        self.calls.append((what, db.session().in_transaction(), free))

    def hash(self, password: str) -> str:
        self._note("hash")
        return self.real.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        self._note("verify")
        return self.real.verify(stored, password)

    def check_needs_rehash(self, stored: str) -> bool:
        return self.real.check_needs_rehash(stored)


@pytest.fixture()
def hasher(app, monkeypatch) -> WatchingHasher:
    with app.app_context():
        real, dummy = accounts._password_hasher()
    watching = WatchingHasher(real, _sqlite_path(app))
    monkeypatch.setattr(accounts, "_password_hasher", lambda: (watching, dummy))
    return watching


def assert_hashed_outside_transactions(hasher: WatchingHasher, expected: list[str]) -> None:
    assert [what for what, _, _ in hasher.calls] == expected
    assert [(what, False, True) for what in expected] == hasher.calls


def test_log_in_verifies_the_password_with_no_transaction_open(client, factory, hasher):
    user = factory.user()
    hasher.calls.clear()
    log_in(client, user)
    assert_hashed_outside_transactions(hasher, ["verify"])
    assert client.get("/account").status_code == 200


def test_a_wrong_password_is_refused_after_a_verify_outside_transactions(client, factory, hasher):
    user = factory.user()
    hasher.calls.clear()
    response = client.post("/login", data={"email": user.email, "password": "not-the-password"})
    assert response.status_code == 200
    assert "The e-mail address or password is not right." in response.get_data(as_text=True)
    assert_hashed_outside_transactions(hasher, ["verify"])


def test_sign_up_hashes_with_no_transaction_open(client, hasher):
    response = client.post("/signup", data=SIGN_UP)
    assert response.status_code == 302
    assert_hashed_outside_transactions(hasher, ["hash"])


def test_password_change_verifies_and_hashes_with_no_transaction_open(app, client, factory, hasher):
    user = factory.user()
    log_in(client, user)
    hasher.calls.clear()
    response = client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "password": "a-brand-new-password", "confirm": "a-brand-new-password"},
    )
    assert response.status_code == 302
    assert_hashed_outside_transactions(hasher, ["verify", "hash"])
    log_in(app.test_client(), user, "a-brand-new-password")


def test_password_reset_hashes_with_no_transaction_open(app, client, factory, hasher):
    user = factory.user()
    client.post("/reset", data={"email": user.email})
    run_recorded_tasks(app)
    link = first_link(outbox_messages(app)[0], "/reset/")
    hasher.calls.clear()
    response = client.post(link, data={"password": "a-fresh-password-1", "confirm": "a-fresh-password-1"})
    assert response.status_code == 302
    assert_hashed_outside_transactions(hasher, ["hash"])
    log_in(app.test_client(), user, "a-fresh-password-1")


def test_a_password_changed_while_logging_in_is_not_accepted(app, client, factory, monkeypatch):
    """The verify happens outside the transaction: the write that follows checks the hash is still the one verified."""
    user = factory.user()
    with app.app_context():
        real, dummy = accounts._password_hasher()

    class ChangedMeanwhile:
        def verify(self, stored, password):
            result = real.verify(stored, password)
            with app.app_context():  # another request changes the password between verify and write
                other = db.session.get(type(user), user.id)
                other.password_hash = real.hash("someone-elses-new-password")
                db.session.commit()
            return result

        def check_needs_rehash(self, stored):
            return False

    monkeypatch.setattr(accounts, "_password_hasher", lambda: (ChangedMeanwhile(), dummy))
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "The e-mail address or password is not right." in response.get_data(as_text=True)


def test_ending_a_read_transaction_refuses_when_something_was_written(app, factory):
    user = factory.user()
    with app.test_request_context(method="POST"):
        loaded = db.session.get(type(user), user.id)
        loaded.name = "Changed"
        db.session.flush()
        with pytest.raises(PendingChanges):
            end_read_transaction()
        db.session.rollback()


def test_page_views_begin_deferred_and_writes_begin_immediate(app):
    cases = {
        ("GET", "/"): False,
        ("HEAD", "/"): False,
        ("POST", "/login"): True,
        ("GET", "/notifications/1"): True,
        ("GET", "/inquiries/1"): True,
        ("GET", "/confirm/x"): True,
    }
    found = {}
    for method, path in cases:
        with app.test_request_context(path, method=method):
            found[(method, path)] = wants_write_lock()
    assert found == cases
    with app.app_context():  # tasks and commands: everything may write
        assert wants_write_lock()


@contextmanager
def rows_locked_elsewhere(app) -> Iterator[None]:
    """Another connection's writer holding every account row (PostgreSQL locks rows, not the database)."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        try:
            connection.execute(text("UPDATE users SET name = name"))
            yield
        finally:
            transaction.rollback()
            connection.close()


def test_a_page_answers_while_another_process_holds_the_write_lock(app, client, factory):
    user = factory.user()
    log_in(client, user)
    path = _sqlite_path(app)
    # SQLite: the whole database's write lock; PostgreSQL: the signed-in user's own row, which the page reads.
    with write_lock_held_elsewhere(path) if path else rows_locked_elsewhere(app):
        # Under BEGIN IMMEDIATE for every request this waited out the busy timeout, then was a 500.
        response = client.get("/")
    assert response.status_code == 200


def test_a_reset_link_used_while_the_new_password_was_being_hashed_is_refused_plainly(
    app, client, factory, hasher, monkeypatch
):
    """The hash happens outside the transaction; the link is checked again in the one that writes."""
    user = factory.user()
    client.post("/reset", data={"email": user.email})
    run_recorded_tasks(app)
    link = first_link(outbox_messages(app)[0], "/reset/")
    real_hash = hasher.hash

    def hash_while_another_click_finishes(password: str) -> str:
        with app.app_context():  # the other click's request: the password changes, the link dies
            other = db.session.get(type(user), user.id)
            other.password_hash = hasher.real.hash("the-other-click-password")
            db.session.commit()
        return real_hash(password)

    monkeypatch.setattr(hasher, "hash", hash_while_another_click_finishes)
    response = client.post(link, data={"password": "a-fresh-password-1", "confirm": "a-fresh-password-1"})
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)
    log_in(app.test_client(), user, "the-other-click-password")


def test_each_database_s_connections_are_tuned_for_reading(app):
    """SQLite reads the file through a memory map, the operating system's page cache, not a copy
    per connection (a search rereads the same rows many times); PostgreSQL plans every statement
    for its own values and never compiles one (expo._tune_sqlite, expo._tune_postgresql)."""
    from expo import SQLITE_MMAP_BYTES

    with app.app_context():
        if _sqlite_path(app):
            assert db.session.execute(text("PRAGMA mmap_size")).scalar() == SQLITE_MMAP_BYTES
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        else:
            assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
            assert db.session.execute(text("SHOW jit")).scalar() == "off"
        db.session.rollback()
