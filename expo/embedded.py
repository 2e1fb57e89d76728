"""The embedded default's supervisor: gunicorn, one Celery worker (every queue) and one celery beat on this machine.

``make run`` runs ``python -m expo.embedded``. It starts the three as separate processes and:

- starts the worker again when it dies, and the beat too, after a back-off that doubles from one
  second up to thirty (reset once a process has run a minute), logging how it ended;
- runs at most one worker and one beat per instance folder, each holding an exclusive
  ``flock`` on a file there (``worker.lock``, ``beat.lock``). The lock's file descriptor is handed
  to the child, so a child left behind by a supervisor killed with ``kill -9`` still holds it:
  a second ``make run`` on the same instance serves pages but waits for the locks rather than
  start a second beat (every periodic task twice) or a second worker;
- tells its one worker so (``EXPO_SOLE_WORKER=1``): on start it publishes at once the e-mail a
  dead worker had taken from the SQLite broker (see worker/app.py);
- on Ctrl-C or SIGTERM sends SIGTERM to every child, waits STOP_GRACE_SECONDS, then SIGKILLs
  what is left of each child's process group: Celery's warm shutdown would otherwise wait for running tasks
  (an SMTP conversation, a report), and tasks are acknowledged late and idempotent, so a killed
  task runs again. Children also get SIGTERM if the supervisor itself dies (PR_SET_PDEATHSIG).

gunicorn is not restarted: its master already restarts its own worker processes, so its exit
means the site cannot be served (the port is taken, the app does not import); everything stops.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("expo.embedded")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE_SECONDS = 5.0
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0  # a process that ran this long starts its next back-off from the first step
LOCK_RETRY_SECONDS = 5.0
POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the supervisor dies (Linux; elsewhere nothing)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (AttributeError, OSError):
        pass


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with code {returncode}"


class InstanceLock:
    """An exclusive, non-blocking flock on a file in the instance folder, kept open while held."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        if self.fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # a child still holding a copy keeps the lock until it exits
            self.fd = None


@dataclass
class Child:
    """One supervised process: how to start it, and whether to start it again."""

    name: str
    command: list[str]
    env: dict[str, str]
    restart: bool = True
    lock: InstanceLock | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = FIRST_BACKOFF_SECONDS
    next_start: float = 0.0
    waiting_for_lock: bool = False

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> bool:
        if self.lock is not None and not self.lock.acquire():
            if not self.waiting_for_lock:
                log.warning(
                    "%s: another one runs on this instance (%s is locked); trying again every %.0f s",
                    self.name,
                    self.lock.path,
                    LOCK_RETRY_SECONDS,
                )
                self.waiting_for_lock = True
            self.next_start = time.monotonic() + LOCK_RETRY_SECONDS
            return False
        self.waiting_for_lock = False
        pass_fds = (self.lock.fd,) if self.lock is not None else ()
        # A process group of its own: Ctrl-C reaches only the supervisor, which decides who stops how,
        # and the worker's pool processes are stopped with it.
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            process_group=0,
            pass_fds=pass_fds,
            preexec_fn=_die_with_parent,
        )
        self.started_at = time.monotonic()
        log.info("%s started (pid %s)", self.name, self.process.pid)
        return True

    def reap(self) -> int | None:
        """If the process has ended: clear up its group, plan the restart, and return its exit code."""
        if self.process is None or self.process.poll() is None:
            return None
        returncode = self.process.returncode
        _signal_group(self.process.pid, signal.SIGKILL)  # pool processes it left behind
        self.process = None
        ran = time.monotonic() - self.started_at
        if ran >= STABLE_AFTER_SECONDS:
            self.backoff = FIRST_BACKOFF_SECONDS
        self.next_start = time.monotonic() + self.backoff
        log.error(
            "%s %s after %.0f s%s",
            self.name,
            describe_exit(returncode),
            ran,
            f"; starting it again in {self.backoff:.0f} s" if self.restart else "",
        )
        self.backoff = min(self.backoff * 2, MAX_BACKOFF_SECONDS)
        return returncode


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


class Supervisor:
    def __init__(self, children: list[Child], grace: float = STOP_GRACE_SECONDS) -> None:
        self.children = children
        self.grace = grace
        self.stop_requested: str | None = None

    def request_stop(self, signum: int, _frame=None) -> None:
        if self.stop_requested is None:
            self.stop_requested = signal.Signals(signum).name
        # A second Ctrl-C while stopping changes nothing: the SIGKILL deadline is already set.

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGHUP, self.request_stop)
        exit_code = 0
        try:
            for child in self.children:
                child.start()
            while self.stop_requested is None:
                for child in self.children:
                    returncode = child.reap()
                    if returncode is not None and not child.restart:
                        log.error("%s is gone: stopping everything", child.name)
                        exit_code = returncode or 1
                        self.stop_requested = child.name
                        break
                    if child.process is None and child.restart and time.monotonic() >= child.next_start:
                        child.start()
                time.sleep(POLL_SECONDS)
            log.info("stopping (%s)", self.stop_requested)
        finally:
            self.stop_all()
        return exit_code

    def stop_all(self) -> None:
        running = [child for child in self.children if child.running]
        for child in running:
            # The main process only: it stops its own pool (Celery) or workers (gunicorn) in order.
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %.0f s: killing it", child.name, self.grace)
                _signal_group(child.process.pid, signal.SIGKILL)
                child.process.wait()
            _signal_group(child.process.pid, signal.SIGKILL)  # anything left in its group
        for child in self.children:
            if child.lock is not None:
                child.lock.release()
        log.info("stopped")


def prepare_broker(broker_url: str) -> None:
    """Create the SQLite broker's tables before anyone uses them: the web process's first publish
    and the worker's start would otherwise race to create them."""
    if broker_url.startswith("sqla+"):
        from kombu import Connection

        with Connection(broker_url) as connection:
            connection.default_channel  # noqa: B018 - opening the channel creates the tables


def build_children(
    instance_path: Path, host: str, port: str, env: dict[str, str], *, sole_worker: bool = True
) -> list[Child]:
    from expo.background import QUEUES

    python = sys.executable
    worker_env = {**env, "EXPO_SOLE_WORKER": "1"} if sole_worker else env
    # One worker consumes every queue (production runs one per queue); of its two processes one is
    # free for an e-mail while the other compiles a report.
    return [
        Child(
            "celery worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "worker.app",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--queues",
                ",".join(QUEUES),
            ],
            worker_env,
            lock=InstanceLock(instance_path / "worker.lock"),
        ),
        Child(
            "celery beat",
            [python, "-m", "celery", "-A", "worker.app", "beat", "--loglevel=INFO"],
            env,
            lock=InstanceLock(instance_path / "beat.lock"),
        ),
        # One web process: the embedded rate-limit counts live in its memory.
        Child(
            "gunicorn",
            [
                python,
                "-m",
                "gunicorn",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--graceful-timeout",
                str(int(STOP_GRACE_SECONDS) - 1),
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            env,
            restart=False,
        ),
    ]


def main() -> int:
    from expo.config import load_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    env = dict(os.environ)
    host, port = env.get("HOST") or "127.0.0.1", env.get("PORT") or "5000"
    env.setdefault("BASE_URL", f"http://{host}:{port}")
    instance_path = Path(env.get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    config = load_config(instance_path, env)
    # With Redis other workers may share the broker and the database: this one is not the only one.
    sole_worker = not config["REDIS_URL"]
    prepare_broker(config["CELERY"]["broker_url"])
    log.info("Expo is starting on %s (worker and beat beside it); Ctrl-C stops everything", env["BASE_URL"])
    return Supervisor(build_children(instance_path, host, port, env, sole_worker=sole_worker)).run()


if __name__ == "__main__":
    sys.exit(main())
