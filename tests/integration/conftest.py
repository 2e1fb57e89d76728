"""Integration fixtures: real PostgreSQL, real Redis, a real Celery worker process and a real
SMTP server, so a test sees what production would see.

The root conftest's autouse ``_clean_state`` depends on ``app``; overriding ``app`` here points
it (and ``client``, ``factory``) at PostgreSQL, where it truncates the tables after each test.

When PostgreSQL or Redis is unreachable the tests fail (tests.conftest.require_service): a missing
service must never pass silently.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from expo import create_app
from expo.background import QUEUES
from expo.config import load_config
from expo.extensions import db
from expo.notifications.models import OutboxMessage
from tests.conftest import require_service

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"

PG_HOST, PG_PORT = "127.0.0.1", 5432
# Overridable so two checkouts on one machine can run their integration tests side by side.
DATABASE_NAME = os.environ.get("EXPO_TEST_INTEGRATION_DB", "expo_integration")
DATABASE_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{DATABASE_NAME}"
ADMIN_DSN = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('EXPO_TEST_REDIS_DB', '11')}"
SMTP_HOST = "127.0.0.1"
BASE_URL = "http://expo.test"
# The web app and the worker must share it: the worker signs the links the web app checks.
SECRET_KEY = "integration-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

# The session's worker consumes every queue (expo.background.QUEUES), each a Redis list of that name,
# as the embedded default's one worker does; tests/integration/test_queues.py starts one per queue.

DEADLINE_SECONDS = 20.0
WORKER_START_SECONDS = 30.0

# Settings load_config reads; an inherited value (say EXPO_ENV=production or MAIL_USE_TLS=1 in the
# developer's shell) must not change what the app or the worker do here.
_CONFIG_ENV_NAMES = {
    "EXPO_ENV",
    "HOST",
    "PORT",
    "BASE_URL",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "STORAGE_PATH",
    "MAX_UPLOAD_BYTES",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    "LOGIN_SLOWDOWN_AFTER",
    "LOGIN_SLOWDOWN_MAX_SECONDS",
    "ACCOUNT_MAIL_LIMIT",
    "SIGNUP_RATE_LIMIT",
    "RESET_RATE_LIMIT",
    "LOG_LEVEL",
    "INSTANCE_PATH",
    "FLASK_APP",
    "TRUSTED_PROXIES",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
}

T = TypeVar("T")


def wait_for(
    probe: Callable[[], T | None],
    *,
    what: str | Callable[[], str],
    timeout: float = DEADLINE_SECONDS,
    interval: float = 0.1,
) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` at the deadline.

    Polling with a deadline instead of sleeping keeps fast runs fast and slow machines green.
    ``what`` may be a callable, to describe the state at the deadline rather than at the start.
    """
    __tracebackhide__ = True  # a timeout is reported at the test's line, not in here
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            description = what() if callable(what) else what
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {description}")
        time.sleep(interval)


def _service_environment(*, instance_path: Path, smtp_port: int) -> dict[str, str]:
    """The environment shared by the migration run, the worker and the in-process app."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _CONFIG_ENV_NAMES and not name.startswith("MAIL_")
    }
    env.update(
        EXPO_ENV="development",
        FLASK_APP="wsgi",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        MAIL_SERVER=SMTP_HOST,
        MAIL_PORT=str(smtp_port),
        SECRET_KEY=SECRET_KEY,
        BASE_URL=BASE_URL,
        INSTANCE_PATH=str(instance_path),
        # One second of base backoff lets the retry test finish in seconds, not minutes.
        MAIL_RETRY_BASE_SECONDS="1",
        # A killed worker's claim is taken over after 12 x MAIL_TIMEOUT, and its unacknowledged
        # tasks come back after the visibility timeout: seconds here, so the crash tests can wait.
        MAIL_TIMEOUT="2",
        BROKER_VISIBILITY_TIMEOUT="8",
        # Webhook receivers in the tests listen on 127.0.0.1; retries a second apart, timeouts of two.
        WEBHOOKS_ALLOW_PRIVATE="1",
        WEBHOOKS_RETRY_BASE_SECONDS="1",
        WEBHOOKS_TIMEOUT_SECONDS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


# --------------------------------------------------------------------------------------------
# Services: checked once, required as a whole.


@pytest.fixture(scope="session")
def services_available() -> None:
    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        require_service(f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable: {exc}")
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        require_service(f"Redis at {REDIS_URL} is unreachable: {exc}")


@pytest.fixture(scope="session")
def integration_database(services_available: None, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh ``expo_integration`` database whose schema the real migrations built."""
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        # A leftover worker or an aborted run may still hold connections; DROP would refuse.
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (DATABASE_NAME,),
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}"')
        connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    instance = tmp_path_factory.mktemp("migrate-instance")
    env = _service_environment(instance_path=instance, smtp_port=25)
    # Not db.create_all(): running the migrations is how production gets its schema.
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`flask db upgrade` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}", pytrace=False
        )
    return DATABASE_URL


# --------------------------------------------------------------------------------------------
# SMTP: a real server in this process, scriptable per test.


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part in:\n{self.message}"
        return body.get_content()


class RecordingHandler:
    """An aiosmtpd handler that keeps what it accepts and can refuse on demand.

    aiosmtpd calls it from its own event-loop thread while tests read from the main thread,
    hence the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[ReceivedMail] = []
        self._data_attempts: list[float] = []
        self._temporary_failures_left = 0
        self._temporary_reply = ""
        self._refused: dict[str, str] = {}
        self._after_message: Callable[[int], None] | None = None

    def reset(self) -> None:
        with self._lock:
            self._received.clear()
            self._data_attempts.clear()
            self._temporary_failures_left = 0
            self._refused.clear()
            self._after_message = None

    def after_message(self, callback: Callable[[int], None] | None) -> None:
        """Call ``callback(count)`` once the server holds a whole message, before it answers "250"."""
        with self._lock:
            self._after_message = callback

    def fail_next(self, count: int, reply: str = "451 4.3.0 try again later") -> None:
        """Answer DATA with a temporary error for the next ``count`` messages."""
        with self._lock:
            self._temporary_failures_left = count
            self._temporary_reply = reply

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 no such user") -> None:
        with self._lock:
            self._refused[address.lower()] = reply

    @property
    def received(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._received)

    @property
    def data_attempts(self) -> list[float]:
        """Monotonic times of every DATA command, accepted or refused."""
        with self._lock:
            return list(self._data_attempts)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        with self._lock:
            refusal = self._refused.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self._data_attempts.append(time.monotonic())
            if self._temporary_failures_left > 0:
                self._temporary_failures_left -= 1
                return self._temporary_reply
            raw = envelope.original_content or envelope.content
            message = email.message_from_bytes(raw, policy=policy.default)
            self._received.append(ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), message))
            callback, count = self._after_message, len(self._received)
        if callback is not None:
            callback(count)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    def wait_for_messages(self, count: int, timeout: float = DEADLINE_SECONDS) -> list[ReceivedMail]:
        return wait_for(
            lambda: (lambda got: got if len(got) >= count else None)(self.handler.received),
            what=f"{count} e-mail(s) at the SMTP server",
            timeout=timeout,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((SMTP_HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname=SMTP_HOST, port=_free_port())
    controller.start()
    try:
        yield SmtpServer(SMTP_HOST, controller.port, handler)
    finally:
        controller.stop()


# --------------------------------------------------------------------------------------------
# The Celery worker: a separate process, configured only through its environment, like in production.


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path
    broker: redis.Redis
    command: list[str]
    env: dict[str, str]

    def start(self) -> None:
        """Start the worker process (again, after ``kill``) and wait until it is ready."""
        start = self.log_size() if self.log_path.exists() else 0
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + WORKER_START_SECONDS
        while not re.search(r"\bready\.", self.log(start)):
            if self.process.poll() is not None or time.monotonic() >= deadline:
                state = f"exited with {self.process.returncode}" if self.process.poll() is not None else "timed out"
                pytest.fail(f"celery worker did not become ready ({state}); its log:\n{self.log(start)}", pytrace=False)
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing handed back to the broker."""
        self.process.kill()
        self.process.wait(timeout=10)

    def log(self, start: int = 0) -> str:
        return self.log_path.read_bytes()[start:].decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def wait_for_log(self, pattern: str, *, start: int = 0, timeout: float = DEADLINE_SECONDS) -> re.Match[str]:
        return wait_for(
            lambda: re.search(pattern, self.log(start)), what=f"worker log to match {pattern!r}", timeout=timeout
        )

    def is_idle(self) -> bool:
        """Nothing queued and nothing held by the worker (running, or waiting for a retry's ETA).

        With acks_late the Redis transport keeps every delivered task in the ``unacked`` hash
        until it finishes, so an empty queue plus an empty hash means no work is in flight.
        """
        return all(self.broker.llen(queue) == 0 for queue in QUEUES) and self.broker.hlen("unacked") == 0

    def wait_until_idle(self, timeout: float = DEADLINE_SECONDS) -> None:
        # Several idle readings in a row: a task moves from the queue to ``unacked`` in two steps.
        streak = 0

        def settled() -> bool:
            nonlocal streak
            streak = streak + 1 if self.is_idle() else 0
            return streak >= 3

        wait_for(settled, what="the worker to finish every queued task", timeout=timeout)


WORKER_KEY = pytest.StashKey[WorkerProcess]()
LOG_OFFSET_KEY = pytest.StashKey[int]()  # where the worker log stood when a test started


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: unfinished tasks go back to the queue
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def worker_command(name: str, queues: tuple[str, ...] | list[str]) -> list[str]:
    """A solo-pool worker consuming ``queues``, named ``name@host``."""
    command = [
        str(VENV_BIN / "celery"),
        "-A",
        "worker.app",
        "worker",
        "--loglevel=INFO",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
        "--queues",
        ",".join(queues),
    ]
    setpriv = shutil.which("setpriv")
    if setpriv:
        # If pytest is killed, the worker dies with it instead of stealing the next run's tasks.
        command = [setpriv, "--pdeathsig", "TERM", "--", *command]
    return command


@pytest.fixture(scope="session")
def celery_worker(
    integration_database: str,
    smtp_server: SmtpServer,
    tmp_path_factory: pytest.TempPathFactory,
    pytestconfig: pytest.Config,
) -> Iterator[WorkerProcess]:
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()  # no task from an earlier run may reach this worker
    instance = tmp_path_factory.mktemp("worker-instance")
    log_path = instance / "worker.log"
    command = worker_command("integration", QUEUES)
    env = _service_environment(instance_path=instance, smtp_port=smtp_server.port)
    log_path.touch()
    worker = WorkerProcess(None, log_path, broker, command, env)  # type: ignore[arg-type]
    pytestconfig.stash[WORKER_KEY] = worker
    try:
        worker.start()
        yield worker
    finally:
        if worker.process is not None:
            _stop(worker.process)
        broker.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach what the worker logged during a failed test to the failure report."""
    report = yield
    worker = item.config.stash.get(WORKER_KEY, None)
    if report.failed and worker is not None:
        start = item.stash.get(LOG_OFFSET_KEY, 0)
        report.sections.append((f"celery worker log ({worker.log_path})", worker.log(start)))
    return report


# --------------------------------------------------------------------------------------------
# The web app, on the same database, broker and SMTP server as the worker.


def build_app(instance: Path, smtp: SmtpServer, *, broker_url: str = REDIS_URL) -> Flask:
    base = _service_environment(instance_path=instance, smtp_port=smtp.port)
    # load_config reads os.environ inside create_app: give it exactly the worker's environment.
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name not in base:
                patch.delenv(name)
        for name, value in base.items():
            patch.setenv(name, value)
        celery_config = {
            **load_config(instance)["CELERY"],  # the app's defaults, from the same environment
            "broker_url": broker_url,
            "broker_transport_options": {"visibility_timeout": 3600},
        }
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": SECRET_KEY,
                "BASE_URL": BASE_URL,
                "SQLALCHEMY_DATABASE_URI": DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                "REDIS_URL": broker_url,
                "CELERY": celery_config,
                # Tasks really go to Redis after commit, for the worker process to run.
                "TASKS_RECORD_ONLY": False,
                "WTF_CSRF_ENABLED": False,
                # Flask-Limiter keeps one storage for every app: memory keeps tests independent.
                "RATELIMIT_STORAGE_URI": "memory://",
                "MAIL_SERVER": smtp.host,
                "MAIL_PORT": smtp.port,
            },
            instance_path=str(instance),
        )
    return app


@pytest.fixture(scope="session")
def app(
    integration_database: str, smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    app = build_app(tmp_path_factory.mktemp("app-instance"), smtp_server)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _integration_isolation(
    request: pytest.FixtureRequest,
    _clean_state: None,
    app: Flask,
    celery_worker: WorkerProcess,
    smtp_server: SmtpServer,
) -> Iterator[None]:
    """Each test starts with an idle worker and an empty, well-behaved SMTP server.

    Requesting ``_clean_state`` makes this teardown run first: the worker must be idle before the
    tables are truncated, or a late retry would deliver a later test's message (ids restart at 1).
    """
    smtp_server.handler.reset()
    app.extensions["celery"].set_default()  # a test may have built another app
    request.node.stash[LOG_OFFSET_KEY] = celery_worker.log_size()
    yield
    smtp_server.handler.reset()  # let pending retries succeed rather than wait out every attempt
    celery_worker.wait_until_idle(timeout=45)


# --------------------------------------------------------------------------------------------
# Reading the outbox as the worker leaves it.


@dataclass(frozen=True)
class OutboxRow:
    id: int
    recipient: str
    kind: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: Any
    next_attempt_at: Any


class Outbox:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def rows(self) -> list[OutboxRow]:
        # A fresh app context is a fresh session: no identity-map copy hides the worker's writes.
        with self.app.app_context():
            messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            return [
                OutboxRow(m.id, m.recipient, m.kind, m.status, m.attempts, m.last_error, m.sent_at, m.next_attempt_at)
                for m in messages
            ]

    def wait_for_status(self, recipient: str, status: str, timeout: float = DEADLINE_SECONDS) -> OutboxRow:
        def probe() -> OutboxRow | None:
            return next((row for row in self.rows() if row.recipient == recipient and row.status == status), None)

        return wait_for(
            probe,
            what=lambda: f"the outbox message to {recipient} to be {status!r}; the outbox holds {self.rows()}",
            timeout=timeout,
        )


@pytest.fixture()
def outbox(app: Flask) -> Outbox:
    return Outbox(app)


UNREACHABLE_BROKER_URL = "redis://127.0.0.1:6390/0"


@pytest.fixture()
def unreachable_broker_app(app: Flask, smtp_server: SmtpServer, tmp_path: Path) -> Iterator[Flask]:
    """A second app on the real database whose broker address has nothing listening."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 6390)) == 0:
            pytest.fail("something listens on 127.0.0.1:6390; the unreachable-broker test needs it free")
    other = build_app(tmp_path, smtp_server, broker_url=UNREACHABLE_BROKER_URL)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    # create_app made the other app's Celery the default; later tests publish through ours.
    app.extensions["celery"].set_default()
