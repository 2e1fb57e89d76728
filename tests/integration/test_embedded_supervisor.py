"""`make run`'s stack under faults and a crowd: the supervisor (expo.embedded) with its gunicorn,
worker and beat, on a throwaway instance folder migrated and seeded with the demo data.

These need no PostgreSQL, Redis or SMTP server: the embedded default has none. The package's
autouse fixtures, which start them, are replaced here by no-ops.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.embedded_load import EmbeddedStack, crowd, demo_site, running_stack
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _integration_isolation() -> Iterator[None]:
    yield


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    yield


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStack]:
    # Successful log-ins are never throttled (expo.accounts.throttle): the crowd runs with the real limits.
    with running_stack(tmp_path_factory.mktemp("embedded") / "instance") as stack:
        yield stack


def one_each(stack: EmbeddedStack) -> dict[str, int] | None:
    children = stack.children()
    if all(len(pids) == 1 for pids in children.values()):
        return {kind: pids[0] for kind, pids in children.items()}
    return None


def beats_on_the_machine(instance: Path) -> list[int]:
    from bench.embedded_load import _processes

    # Any beat for this instance, whoever started it: an orphan would show up here too.
    return [
        pid
        for pid, _, command in _processes()
        if "-m celery" in command and " beat" in command and _environ_instance(pid) == str(instance)
    ]


def _environ_instance(pid: int) -> str | None:
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for entry in environ:
        if entry.startswith(b"INSTANCE_PATH="):
            return entry.split(b"=", 1)[1].decode()
    return None


def test_a_crowd_of_visitors_and_log_ins_gets_no_server_error(stack: EmbeddedStack) -> None:
    site = demo_site(stack.instance)
    tally, _ = crowd(stack.base_url, site, visitors=30, logins=10, rounds=1)

    assert tally.server_errors == 0, f"{tally.statuses}: {tally.failures}"
    assert tally.statuses[302] >= 10 + 10  # every log-in and every favourite saved
    assert set(tally.statuses) <= {200, 302}, tally.statuses


def claimed_by_a_dead_worker(instance: Path) -> int:
    """An e-mail a worker claimed (``sending``) half a minute ago and died with: no task will come for it."""
    when = (datetime.now(UTC) - timedelta(seconds=30)).strftime("%Y-%m-%d %H:%M:%S.%f")
    connection = sqlite3.connect(instance / "expo.sqlite", timeout=30)
    try:
        with connection:
            cursor = connection.execute(
                "INSERT INTO outbox_messages (dedupe_key, kind, recipient, subject, body_text, body_html, status,"
                " attempts, created_at, updated_at, attachments) VALUES (?, 'test', 'lost@example.com',"
                " 'Left behind by a dead worker', 'Hello', '<p>Hello</p>', 'sending', 1, ?, ?, '[]')",
                (f"orphan:{time.time()}", when, when),
            )
        return cursor.lastrowid
    finally:
        connection.close()


def test_a_killed_worker_is_started_again_and_the_site_keeps_answering(stack: EmbeddedStack) -> None:
    before = wait_for(lambda: one_each(stack), what=lambda: f"one of each child, not {stack.children()}")
    assert stack.get("/healthz")[0] == 200
    orphan = claimed_by_a_dead_worker(stack.instance)

    os.kill(before["celery worker"], signal.SIGKILL)  # kill -9, as the out-of-memory killer would
    assert stack.get("/")[0] == 200  # gunicorn does not care

    after = wait_for(
        lambda: (lambda now: now if now and now["celery worker"] != before["celery worker"] else None)(one_each(stack)),
        what=lambda: f"a new worker; children now {stack.children()}",
        timeout=20,
    )
    assert after["celery beat"] == before["celery beat"]  # the beat was left alone
    assert after["gunicorn"] == before["gunicorn"]
    assert beats_on_the_machine(stack.instance) == [before["celery beat"]]
    # The new worker beats too: /healthz sees it (the old heartbeat may still be fresh meanwhile).
    wait_for(lambda: stack.get("/healthz")[0] == 200, what="/healthz 200 with the new worker", timeout=40)
    assert "celery worker killed by SIGKILL" in stack.log_tail(400)
    # The new worker, the only one, sends at once what the dead one held (the sweep waits 10 minutes).
    wait_for(
        lambda: (stack.instance / "outbox" / f"{orphan:08d}.eml").exists(),
        what="the dead worker's e-mail in the outbox",
        timeout=30,
    )


def test_a_second_supervisor_on_the_same_instance_starts_no_second_beat(stack: EmbeddedStack) -> None:
    first = wait_for(lambda: one_each(stack), what=lambda: f"one of each child, not {stack.children()}")
    second = EmbeddedStack(stack.instance)
    # Both stacks write to the instance's one log: read what was written since the second started
    # (the first's worker may log dozens of lines meanwhile, more than any fixed tail).
    written_before = second.log_path.stat().st_size
    second.start()  # its own port: its gunicorn serves, its worker and beat wait for the locks
    try:
        assert second.get("/")[0] == 200
        time.sleep(1)  # it tried the locks at once; give a wrong second beat a moment to show itself
        assert second.children()["celery beat"] == [] and second.children()["celery worker"] == []
        assert beats_on_the_machine(stack.instance) == [first["celery beat"]]
        since_second_started = second.log_path.read_bytes()[written_before:].decode(errors="replace")
        assert "celery beat: another one runs on this instance" in since_second_started
    finally:
        assert second.stop() < 10


def test_sigterm_stops_every_child_within_seconds(stack: EmbeddedStack) -> None:
    """Last: it stops the module's stack (Ctrl-C reaches the supervisor the same way)."""
    wait_for(lambda: one_each(stack), what=lambda: f"one of each child, not {stack.children()}")
    pids = [pid for pids in stack.children().values() for pid in pids]
    seconds = stack.stop()

    assert seconds < 15  # Celery's warm shutdown used to hang here; the supervisor SIGKILLs after 5 s
    assert [pid for pid in pids if _state(pid) not in ("gone", "Z")] == []
    assert beats_on_the_machine(stack.instance) == []
    assert stack.get("/")[0] == 0  # nobody answers


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
