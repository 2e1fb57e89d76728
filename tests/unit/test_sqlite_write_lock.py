"""A GET view that reads and then writes must take SQLite's write lock first (writes_database).

Unmarked, it works alone and fails under load: in WAL mode a transaction that began DEFERRED and
read is refused the upgrade at once ("database is locked", no busy timeout) when another
connection committed since its read. The offline check-in app's codes.json did so (its audit
entry) and failed in the browser tests while the worker wrote. The tests make a forgotten mark
fail on every request the suite makes; production says it in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from expo import UnmarkedWrite
from expo.extensions import db
from expo.transactions import writes_database
from tests.standalone_app import standalone_app


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Replaces the root fixture, which would build the shared session app; each test here has its own."""
    yield


def _app(tmp_path: Path, *, testing: bool) -> Flask:
    app = standalone_app(f"sqlite:///{tmp_path / 'w.sqlite'}", tmp_path / "instance", TESTING=testing)
    with app.app_context():
        db.session.execute(text("CREATE TABLE seen (n INTEGER)"))
        db.session.commit()

    def read_then_write():
        count = db.session.scalar(text("SELECT count(*) FROM seen"))
        db.session.execute(text("INSERT INTO seen VALUES (1)"))
        db.session.commit()
        return str(count + 1)

    def write_first():
        db.session.execute(text("INSERT INTO seen VALUES (1)"))
        db.session.commit()
        return "written"

    def write_first_in_a_savepoint():
        with db.session.begin_nested():
            db.session.execute(text("INSERT INTO seen VALUES (1)"))
        db.session.commit()
        return "written"

    def only_read():
        return str(db.session.scalar(text("SELECT count(*) FROM seen")))

    def begun_as():
        db.session.scalar(text("SELECT 1"))
        return "immediate" if db.session.connection().info.get("expo.deferred_transaction") is None else "deferred"

    def marked(view):
        # writes_database marks the function it is given: mark a copy, so the unmarked route stays unmarked.
        return writes_database(lambda: view())

    app.add_url_rule("/unmarked", view_func=read_then_write, endpoint="unmarked")
    app.add_url_rule("/marked", view_func=marked(read_then_write), endpoint="marked")
    app.add_url_rule("/write-first", view_func=write_first)
    app.add_url_rule("/write-first-in-a-savepoint", view_func=write_first_in_a_savepoint)
    app.add_url_rule("/read", view_func=only_read)
    app.add_url_rule("/begun-as", view_func=begun_as)
    app.add_url_rule("/begun-as-marked", view_func=marked(begun_as), endpoint="begun_as_marked")
    return app


def test_a_get_that_reads_then_writes_unmarked_fails_in_the_tests(tmp_path):
    client = _app(tmp_path, testing=True).test_client()
    with pytest.raises(UnmarkedWrite, match="unmarked reads, then writes, in a GET transaction"):
        client.get("/unmarked")


def test_a_marked_view_takes_the_lock_first_and_writes(tmp_path):
    client = _app(tmp_path, testing=True).test_client()
    assert client.get("/marked").text == "1"
    assert client.get("/marked").text == "2"
    assert client.get("/begun-as-marked").text == "immediate"
    assert client.get("/begun-as").text == "deferred"  # page views still read beside the writer


def test_reading_alone_or_writing_first_needs_no_mark(tmp_path):
    # A first statement that writes asks for the lock and queues behind the busy timeout: no stale read.
    client = _app(tmp_path, testing=True).test_client()
    assert client.get("/write-first").text == "written"
    assert client.get("/write-first-in-a-savepoint").text == "written"
    assert client.get("/read").text == "2"


def test_production_logs_the_missing_mark_and_serves_the_page(tmp_path, caplog):
    client = _app(tmp_path, testing=False).test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/unmarked")
    assert response.status_code == 200 and response.text == "1"
    assert "unmarked reads, then writes, in a GET transaction: mark it writes_database" in caplog.text


def test_service_calls_in_a_tests_own_request_context_are_not_views(tmp_path):
    app = _app(tmp_path, testing=True)
    with app.test_request_context("/read"):
        db.session.scalar(text("SELECT count(*) FROM seen"))
        db.session.execute(text("INSERT INTO seen VALUES (1)"))
        db.session.commit()
