"""The SQLite-file event buffer (the embedded default): appends, batches, trims, the cap and the lock.

The Redis buffer passes the same behaviour in tests/integration/test_engagement_drain.py.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from expo.engagement import buffer as buffer_module
from expo.engagement.buffer import RedisBuffer, SQLiteFileBuffer


@pytest.fixture()
def buffer(tmp_path):
    return SQLiteFileBuffer(tmp_path / "buffer.sqlite", cap=5)


def event(number: int) -> dict:
    return {
        "key": f"key-{number}",
        "kind": "booth_visit",
        "booth": 1,
        "visitor": "v",
        "at": "2027-09-10T01:00:00+00:00",
    }


def test_events_come_back_oldest_first_and_stay_until_trimmed(buffer):
    for number in range(3):
        assert buffer.append(event(number))
    first = buffer.read_batch(2)
    assert [item["key"] for item in first.events] == ["key-0", "key-1"]
    assert buffer.read_batch(2).events == first.events, "reading removes nothing"
    with buffer.drain_lock() as lock:
        assert buffer.trim(first, lock)
    assert [item["key"] for item in buffer.read_batch(10).events] == ["key-2"]
    assert buffer.size() == 1


def test_events_appended_while_a_batch_is_written_survive_its_trim(buffer):
    buffer.append(event(0))
    batch = buffer.read_batch(10)
    buffer.append(event(1))
    with buffer.drain_lock() as lock:
        buffer.trim(batch, lock)
    assert [item["key"] for item in buffer.read_batch(10).events] == ["key-1"]


def test_past_the_cap_new_events_are_dropped_with_one_warning(buffer, caplog):
    with caplog.at_level(logging.WARNING, logger="expo.engagement.buffer"):
        assert all(buffer.append(event(number)) for number in range(5))
        assert not buffer.append(event(5))
        assert not buffer.append(event(6))
    assert buffer.size() == 5
    assert [item["key"] for item in buffer.read_batch(10).events] == [f"key-{n}" for n in range(5)]
    assert len([r for r in caplog.records if "cap" in r.getMessage()]) == 1, "one warning, not one per page view"
    with buffer.drain_lock() as lock:
        buffer.trim(buffer.read_batch(2), lock)
    assert buffer.append(event(7)), "draining makes room again"


def test_only_one_drainer_holds_the_lock_and_a_lost_lock_trims_nothing(buffer, tmp_path):
    other_process = SQLiteFileBuffer(tmp_path / "buffer.sqlite", cap=5)
    buffer.append(event(0))
    batch = buffer.read_batch(10)
    with buffer.drain_lock() as lock:
        assert lock is not None
        with other_process.drain_lock() as second:
            assert second is None
        assert not other_process.trim(batch, "somebody-else's-token")
        assert buffer.size() == 1
    with other_process.drain_lock() as after_release:
        assert after_release is not None
        assert not buffer.trim(batch, lock), "a drainer whose lock ran out must not trim"
        assert buffer.size() == 1


def test_an_expired_lock_is_taken_over(buffer):
    with buffer.drain_lock(seconds=-1) as stale:
        assert stale is not None
        with buffer.drain_lock() as fresh:
            assert fresh is not None and fresh != stale


def test_unreadable_records_are_trimmed_with_their_batch(buffer):
    buffer.append(event(0))
    connection = sqlite3.connect(buffer.path)
    connection.execute("INSERT INTO buffered_events (payload) VALUES ('not json'), ('[1, 2]')")
    connection.commit()
    connection.close()
    batch = buffer.read_batch(10)
    assert [item["key"] for item in batch.events] == ["key-0"] and batch.unreadable == 2
    with buffer.drain_lock() as lock:
        buffer.trim(batch, lock)
    assert buffer.size() == 0


def test_each_thread_appends_through_its_own_connection(buffer):
    buffer.cap = 1000
    threads = [
        threading.Thread(target=lambda base=base: [buffer.append(event(base * 100 + n)) for n in range(20)])
        for base in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert buffer.size() == 80


def test_an_unwritable_buffer_file_drops_the_event_instead_of_failing(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    broken = SQLiteFileBuffer(blocked / "buffer.sqlite", cap=5)  # its folder is a file
    with caplog.at_level(logging.WARNING, logger="expo.engagement.buffer"):
        assert broken.append(event(0)) is False
    assert "unavailable" in caplog.text


def test_an_unreachable_redis_drops_the_event_instead_of_failing(caplog):
    unreachable = RedisBuffer("redis://127.0.0.1:6390/0", cap=5)  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="expo.engagement.buffer"):
        assert unreachable.append(event(0)) is False
        assert unreachable.append(event(1)) is False
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1


def test_the_buffer_is_redis_with_redis_url_and_a_file_in_the_instance_folder_without(tmp_path):
    from expo.config import load_config
    from expo.engagement.buffer import build_buffer

    embedded = build_buffer(load_config(tmp_path, {"ENGAGEMENT_BUFFER_CAP": "500"}))
    assert isinstance(embedded, SQLiteFileBuffer) and embedded.cap == 500
    assert embedded.path == str(tmp_path / "engagement-buffer.sqlite")
    production = build_buffer(load_config(tmp_path, {"REDIS_URL": "redis://cache:6379/0"}))
    assert isinstance(production, RedisBuffer) and production.cap == 200_000


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_cap_that_is_not_a_positive_number_stops_the_start(tmp_path, value):
    from expo.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="ENGAGEMENT_BUFFER_CAP"):
        load_config(tmp_path, {"ENGAGEMENT_BUFFER_CAP": value})


def test_a_moment_of_lock_contention_drops_one_event_and_the_next_is_kept(buffer, monkeypatch, caplog):
    """A busy file costs the one event that met it; only an unavailable buffer holds appends off."""
    real_append = buffer._append_many

    def busy_once(records):
        monkeypatch.setattr(buffer, "_append_many", real_append)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(buffer, "_append_many", busy_once)
    with caplog.at_level(logging.WARNING, logger="expo.engagement.buffer"):
        assert buffer.append(event(1)) is False
        assert buffer.append(event(2)) is True
    assert buffer.size() == 1 and "busy" in caplog.text


# --- written behind: page views queue their events, a thread of the process writes them --------


def _written(tmp_path) -> list[str]:
    """What is in the file, as another process (the drainer) sees it: nothing still queued here."""
    with sqlite3.connect(tmp_path / "buffer.sqlite") as connection:
        return [row[0] for row in connection.execute("SELECT payload FROM buffered_events ORDER BY seq")]


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the writing thread did not write the queued events"
        time.sleep(0.02)


def test_queued_page_views_reach_the_buffer_without_anyone_asking_and_in_one_round_trip(buffer, tmp_path, monkeypatch):
    buffer.append(event(0))  # the file exists, as the drainer would find it
    round_trips = []
    real_append = buffer._append_many
    monkeypatch.setattr(
        buffer, "_append_many", lambda records: round_trips.append(len(records)) or real_append(records)
    )
    assert all(buffer.append_soon(event(number)) for number in range(1, 4))
    assert len(_written(tmp_path)) == 1, "the page views did not wait on the buffer"
    _wait_until(lambda: len(_written(tmp_path)) == 4)
    assert [item["key"] for item in buffer.read_batch(10).events] == ["key-0", "key-1", "key-2", "key-3"]
    assert round_trips == [3], "the three views of that moment shared one write"


def test_reading_the_buffer_first_writes_what_this_process_queued(buffer, monkeypatch):
    monkeypatch.setattr(buffer_module, "WRITE_BEHIND_SECONDS", 30)  # the thread will not get there first
    for number in range(3):
        buffer.append_soon(event(number))
    assert buffer.size() == 3
    assert [item["key"] for item in buffer.read_batch(10).events] == ["key-0", "key-1", "key-2"]


def test_a_write_in_flight_is_waited_for_by_a_read_and_by_a_clear(buffer, monkeypatch):
    """The writing thread has taken the queue but not written it yet: a read in the meantime still
    sees those views, and a clear in the meantime is not undone by them a moment later."""
    monkeypatch.setattr(buffer_module, "WRITE_BEHIND_SECONDS", 0)
    taken, release = threading.Event(), threading.Event()
    real_append = buffer._append_many

    def slow_append(records):
        taken.set()
        release.wait(5)
        return real_append(records)

    monkeypatch.setattr(buffer, "_append_many", slow_append)
    for number in range(2):
        buffer.append_soon(event(number))
    assert taken.wait(5), "the writing thread took the queue"
    threading.Timer(0.2, release.set).start()
    assert buffer.size() == 2, "the read waited for the write in flight"

    taken.clear()
    release.clear()
    buffer.append_soon(event(2))
    assert taken.wait(5)
    threading.Timer(0.2, release.set).start()
    buffer.clear()
    monkeypatch.setattr(buffer, "_append_many", real_append)
    time.sleep(0.3)
    assert buffer.size() == 0, "nothing written after the clear"


def test_queued_views_past_the_cap_are_dropped_with_a_warning(buffer, caplog, monkeypatch):
    monkeypatch.setattr(buffer_module, "WRITE_BEHIND_SECONDS", 30)
    with caplog.at_level(logging.WARNING, logger="expo.engagement.buffer"):
        for number in range(7):
            assert buffer.append_soon(event(number)), "queueing never waits on the cap"
        assert buffer.flush() == 5
    assert buffer.size() == 5 and "cap" in caplog.text


def test_a_process_that_exits_writes_what_it_queued(tmp_path):
    """gunicorn stopping or replacing a worker: its last page views are not lost."""
    path = tmp_path / "buffer.sqlite"
    program = (
        "from expo.engagement import buffer as b\n"
        "b.WRITE_BEHIND_SECONDS = 60\n"
        f"q = b.SQLiteFileBuffer({str(path)!r}, cap=10)\n"
        "for n in range(3): q.append_soon({'key': str(n)})\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=60)
    assert len(_written(tmp_path)) == 3


def test_an_unreachable_redis_drops_queued_views_without_failing_the_page(caplog):
    unreachable = RedisBuffer("redis://127.0.0.1:6390/0", cap=5)
    with caplog.at_level(logging.WARNING, logger="expo.engagement.buffer"):
        assert unreachable.append_soon(event(0)) is True
        assert unreachable.flush() == 0
        assert unreachable.append_soon(event(1)) is False, "known unreachable: not even queued"
    assert "unavailable" in caplog.text
