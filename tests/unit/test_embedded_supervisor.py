"""The embedded supervisor's parts: the instance locks that keep one beat and one worker, and
the restart plan for a child that died (the whole stack is in tests/integration)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from expo import embedded
from expo.embedded import Child, InstanceLock, describe_exit


def test_an_instance_lock_is_held_by_one_holder_at_a_time(tmp_path):
    first, second = InstanceLock(tmp_path / "beat.lock"), InstanceLock(tmp_path / "beat.lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_a_child_given_the_lock_keeps_it_after_its_supervisor_let_go(tmp_path):
    """A beat left running by a supervisor killed with kill -9 still holds the lock: no second beat."""
    lock = InstanceLock(tmp_path / "beat.lock")
    assert lock.acquire()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], pass_fds=(lock.fd,))
    try:
        lock.release()
        assert not InstanceLock(tmp_path / "beat.lock").acquire()
    finally:
        child.kill()
        child.wait()
    assert InstanceLock(tmp_path / "beat.lock").acquire()


def test_a_dead_child_is_started_again_after_a_growing_back_off(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "PROJECT_ROOT", tmp_path)
    child = Child(
        "celery beat",
        [sys.executable, "-c", "import sys; sys.exit(3)"],
        env={},
        lock=InstanceLock(tmp_path / "beat.lock"),
    )
    delays = []
    for _ in range(3):
        assert child.start()
        child.process.wait()
        before = time.monotonic()
        assert child.reap() == 3
        delays.append(round(child.next_start - before, 1))
    assert child.process is None
    assert delays == [1.0, 2.0, 4.0]
    child.lock.release()


def test_how_a_child_ended_is_said_plainly():
    assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL"
    assert describe_exit(1) == "exited with code 1"


def test_the_one_embedded_worker_consumes_every_queue(tmp_path):
    from expo.background import QUEUES

    children = {child.name: child for child in embedded.build_children(tmp_path, "127.0.0.1", "5000", {})}
    command = children["celery worker"].command
    assert set(command[command.index("--queues") + 1].split(",")) == set(QUEUES)
