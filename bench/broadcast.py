"""A broadcast of 10,000 e-mails into a local SMTP server with two Celery worker processes on Redis
and PostgreSQL, in messages per second, beside Celery's own no-op task rate on the same workers."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

from bench.database import DEFAULT_DATABASE_URL, bench_database_url, rebuild_schema
from bench.results import machine, write
from expo.background import QUEUES

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "broadcast.json"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
MESSAGES, WORKERS, NOOP_TASKS = 10_000, 2, 10_000
TARGET_RATIO = 0.40
SECRET_KEY = "bench-secret-key-that-is-long-enough-to-pass-0123456789"
STARTS_AT = datetime(2027, 9, 11, 1, 0, tzinfo=UTC)


class CountingHandler:
    """Accepts every message and counts it per recipient; no parsing, so the server stays cheap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.per_recipient: Counter[str] = Counter()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            for address in envelope.rcpt_tos:
                self.per_recipient[address] += 1
        return "250 OK"

    @property
    def received(self) -> int:
        with self.lock:
            return sum(self.per_recipient.values())


def _environment(database_url: str, redis_url: str, smtp_port: int, instance: str, mailer: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MAIL_", "EXPO_"))}
    env.update(
        EXPO_ENV="development",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        SECRET_KEY=SECRET_KEY,
        BASE_URL="http://expo.bench",
        INSTANCE_PATH=instance,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        BENCH_MAILER=mailer,
    )
    return env


def _start_workers(count: int, env: dict[str, str], instance: str) -> list[subprocess.Popen]:
    workers = []
    for number in range(count):
        log = open(Path(instance) / f"worker-{number}.log", "wb")  # noqa: SIM115 - kept open for the process
        workers.append(
            subprocess.Popen(
                [
                    str(PROJECT_ROOT / ".venv" / "bin" / "celery"),
                    "-A",
                    "bench.broadcast_worker",
                    "worker",
                    "--pool=solo",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"bench{number}@%h",
                ],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return workers


def _cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """CPU the worker processes have used (Linux): a cost per task that the machine's other work
    does not change, unlike the rates, when the benchmark cannot have the machine to itself."""
    ticks = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait(probe, timeout: float, what: str, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def _idle(broker: redis.Redis) -> bool:
    return all(broker.llen(queue) == 0 for queue in QUEUES) and broker.hlen("unacked") == 0


def _workers_ready(app, count: int) -> None:
    inspector = app.extensions["celery"].control
    _wait(lambda: len(inspector.ping(timeout=1.0) or []) >= count, 60, f"{count} workers to answer", interval=0.5)


def measure_noop(app, broker: redis.Redis, tasks: int) -> dict[str, float]:
    """Publish ``tasks`` empty tasks and time the two workers until the last one is acknowledged."""
    celery = app.extensions["celery"]
    start = time.perf_counter()
    with celery.producer_or_acquire() as producer:
        for _ in range(tasks):
            celery.send_task("bench.noop", producer=producer)
    published = time.perf_counter()
    _wait(lambda: _idle(broker) and _idle(broker), 600, "the no-op tasks")
    done = time.perf_counter()
    return {
        "tasks": tasks,
        "seconds": round(done - start, 3),
        "publish_seconds": round(published - start, 3),
        "per_second": round(tasks / (done - start), 1),
    }


def arrange(app, people: int) -> int:
    """An edition, a session with ``people`` confirmed participants and its organizer; the session's id."""
    from expo.accounts.models import EditionRole, User
    from expo.editions.models import Edition
    from expo.extensions import db
    from expo.forums.models import Forum, ProgrammeSession
    from expo.registrations.models import Registration

    with app.app_context():
        edition = Edition(
            slug="bench",
            name="Bench Expo",
            starts_on=date(2027, 9, 10),
            ends_on=date(2027, 9, 13),
            status=Edition.Status.PUBLISHED,
        )
        forum = Forum(edition=edition, slug="bench", title="Bench Forum", kind=Forum.SUB)
        session = ProgrammeSession(
            forum=forum, title="Bench session", starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=1)
        )
        organizer = User(email="organizer@bench.example", name="Organizer", password_hash="!")
        db.session.add_all([edition, forum, session, organizer])
        db.session.flush()
        db.session.add(EditionRole(user_id=organizer.id, edition_id=edition.id, kind=EditionRole.ORGANIZER))
        # Half the audience reads English, half Chinese: the e-mail is rendered once per language.
        ids = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"delegate{n:05d}@bench.example",
                    "name": f"Delegate {n}",
                    "password_hash": "!",
                    "language": "zh" if n % 2 else "en",
                }
                for n in range(people)
            ],
        )
        db.session.execute(
            insert(Registration),
            [
                {"user_id": user_id, "session_id": session.id, "status": Registration.Status.CONFIRMED}
                for user_id in ids
            ],
        )
        db.session.commit()
        return session.id


def run_broadcast(app, session_id: int, handler: CountingHandler, people: int) -> dict[str, Any]:
    from expo.accounts.models import User
    from expo.broadcasts import services as broadcasts
    from expo.broadcasts.models import Broadcast
    from expo.editions.models import Edition
    from expo.extensions import db
    from expo.notifications.models import OutboxMessage

    with app.test_request_context():
        organizer = db.session.scalar(select(User).where(User.email == "organizer@bench.example"))
        edition = db.session.scalar(select(Edition).where(Edition.slug == "bench"))
        broadcast = broadcasts.send_broadcast(
            organizer,
            edition,
            broadcasts.Draft(
                audience=Broadcast.SESSION,
                session_id=session_id,
                subject="Room change",
                body="The session moves to Hall B.\nBring your badge.",
            ),
        )
        start = time.perf_counter()
        db.session.commit()  # publishes the broadcast's first task
        batch = broadcast.batch_key

    def sent() -> int:
        with app.app_context():
            count = db.session.scalar(
                select(func.count()).where(
                    OutboxMessage.batch == batch, OutboxMessage.status == OutboxMessage.Status.SENT
                )
            )
            db.session.remove()
            return count

    _wait(lambda: handler.received >= people, 1800, f"{people} messages at the SMTP server", interval=0.05)
    at_smtp = time.perf_counter()
    _wait(lambda: sent() >= people, 600, "every message recorded as sent", interval=0.05)
    done = time.perf_counter()
    duplicates = sum(1 for count in handler.per_recipient.values() if count > 1)
    return {
        "messages": people,
        "seconds": round(done - start, 3),
        "seconds_to_smtp": round(at_smtp - start, 3),
        "per_second": round(people / (done - start), 1),
        "smtp_sessions": handler.sessions,
        "recipients_received": len(handler.per_recipient),
        "duplicates": duplicates,
        "correct": duplicates == 0 and len(handler.per_recipient) == people,
    }


def run(
    database_url: str | None = None,
    redis_url: str | None = None,
    *,
    messages: int = MESSAGES,
    workers: int = WORKERS,
    noop_tasks: int = NOOP_TASKS,
    mailer: str = "own",
    results_path: Path | None = RESULTS_PATH,
) -> dict:
    from expo import create_app
    from expo.extensions import db

    sqlalchemy_url = bench_database_url(database_url)
    redis_url = redis_url or os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
    handler = CountingHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=free_port)
    controller.start()
    before_load = os.getloadavg()[0]
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="expo-bench-broadcast-") as instance:
        port = free_port
        env = _environment(sqlalchemy_url, redis_url, port, instance, mailer)
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": sqlalchemy_url,
                "BASE_URL": "http://expo.bench",
                "REDIS_URL": redis_url,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": port,
                "RATELIMIT_STORAGE_URI": "memory://",
                "LOG_LEVEL": "WARNING",
                "CELERY": {**create_app_celery_defaults(instance, env), "broker_url": redis_url},
            },
            instance_path=instance,
        )
        try:
            with app.app_context():
                server = rebuild_schema()
            session_id = arrange(app, messages)
            processes = _start_workers(workers, env, instance)
            _workers_ready(app, workers)
            measure_noop(app, broker, 500)  # warm-up: connections and imports, not timed
            cpu = _cpu_seconds(processes)
            noop = measure_noop(app, broker, noop_tasks)
            noop["worker_cpu_ms_each"] = round((_cpu_seconds(processes) - cpu) / noop_tasks * 1000, 3)
            cpu = _cpu_seconds(processes)
            broadcast = run_broadcast(app, session_id, handler, messages)
            broadcast["worker_cpu_ms_each"] = round((_cpu_seconds(processes) - cpu) / messages * 1000, 3)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            controller.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    ratio = round(broadcast["per_second"] / noop["per_second"], 3)
    cpu_ratio = round(noop["worker_cpu_ms_each"] / broadcast["worker_cpu_ms_each"], 3)
    report = {
        "benchmark": "broadcast",
        **machine(before_load),
        "database": server,
        "workers": workers,
        "mailer": mailer,
        "noop": noop,
        "broadcast": broadcast,
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "target_ratio": TARGET_RATIO,
        "met_target": ratio >= TARGET_RATIO,
        "correct": broadcast["correct"],
    }
    write(results_path, report)
    return report


def create_app_celery_defaults(instance: str, env: dict[str, str]) -> dict:
    """The worker's own Celery settings (from the same environment), for the publishing side."""
    from expo.config import load_config

    return load_config(Path(instance), env)["CELERY"]


def format_report(report: dict) -> str:
    noop, broadcast = report["noop"], report["broadcast"]
    verdict = "met" if report["met_target"] else "MISSED"
    return "\n".join(
        [
            f"broadcast: {broadcast['messages']} e-mails built by the {report['mailer']} mailer, "
            f"{report['workers']} worker processes, {report['database']}, "
            f"{report['cpus']} CPUs",
            f"  no-op tasks:  {noop['tasks']} in {noop['seconds']:.2f} s = {noop['per_second']:.0f} tasks/s",
            f"  broadcast:    {broadcast['messages']} in {broadcast['seconds']:.2f} s = {broadcast['per_second']:.0f} "
            f"messages/s (all at the SMTP server after {broadcast['seconds_to_smtp']:.2f} s; "
            f"{broadcast['smtp_sessions']} SMTP sessions)",
            f"  workers' CPU: {noop['worker_cpu_ms_each']:.3f} ms a no-op task, {broadcast['worker_cpu_ms_each']:.3f} ms "
            f"a message: {report['cpu_ratio']:.0%} (costs the machine's other work changes less than the rates)",
            f"  ratio {report['ratio']:.0%} of the no-op rate; target >= {report['target_ratio']:.0%} {verdict}; "
            f"{'correct' if report['correct'] else 'WRONG'}: {broadcast['recipients_received']} recipients, "
            f"{broadcast['duplicates']} received twice",
            f"  load average {report['load_average'][0]:.1f} before, {report['load_average'][1]:.1f} after",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench broadcast", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--noop-tasks", type=int, default=NOOP_TASKS)
    parser.add_argument("--database-url", help=f"default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}")
    parser.add_argument("--redis-url", help=f"default: $BENCH_REDIS_URL or {DEFAULT_REDIS_URL}")
    parser.add_argument(
        "--mailer",
        choices=("own", "library"),
        default="own",
        help="build messages with expo's mailer (own) or the email package (bench/mail_library.py)",
    )
    args = parser.parse_args(argv)
    report = run(
        args.database_url,
        args.redis_url,
        messages=args.messages,
        workers=args.workers,
        noop_tasks=args.noop_tasks,
        mailer=args.mailer,
    )
    print(format_report(report))
    print(f"written to {RESULTS_PATH}")
    return 0 if report["correct"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
