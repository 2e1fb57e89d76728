"""How work leaves the request: the Celery binding and tasks published only after commit.

The web process never imports the task code in ``worker/``; it publishes tasks by name.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from celery import Celery, Task
from flask import Flask, current_app
from flask_sqlalchemy.session import Session
from kombu import Queue
from sqlalchemy import event

from expo.extensions import db

log = logging.getLogger(__name__)

_PENDING_KEY = "expo.tasks_after_commit"

# Queues, so that one kind of work cannot starve another (as pretix does): a 100,000-lead report
# takes seconds of a worker, and a ticket e-mail must not wait behind it. Production runs a worker
# per queue (docker-compose.yml); a worker started without -Q consumes every queue below (the
# embedded default's one worker, the integration tests'), since they are its ``task_queues``.
EMAIL_QUEUE = "email"
REPORTS_QUEUE = "reports"  # reports and exports: long, heavy, never urgent to the second
DEFAULT_QUEUE = "default"  # everything else: sweeps, thumbnails, the engagement drain...
QUEUES = (DEFAULT_QUEUE, EMAIL_QUEUE, REPORTS_QUEUE)

# The one place a task's queue is decided. Publishers (the web process, beat, other tasks) route
# by task name, so this lives beside the Celery binding and not in worker/, which expo never
# imports. A task not named here goes to DEFAULT_QUEUE; tests/unit/test_task_routes.py holds
# every task worker/ defines to its intended queue.
TASK_ROUTES: dict[str, dict[str, str]] = {
    name: {"queue": queue}
    for queue, names in (
        (
            EMAIL_QUEUE,
            (
                "notifications.deliver_email",
                "registrations.send_ticket",
                "registrations.notify_promoted",
                "registrations.send_reminder",
                "broadcasts.prepare",
                "broadcasts.send_batch",
                "leads.send_lead_digest",
                "meetings.notify",
                "meetings.send_reminder",
                "matchmaking.notify_published",
            ),
        ),
        (
            REPORTS_QUEUE,
            (
                "leads.compile_lead_report",
                "matchmaking.build_plan",  # a solver run of up to a minute
                "leads.apply_lead_retention",  # daily UPDATEs over whole editions' stand scans
                "badges.make_badge_print",  # two thousand badges: half a minute to a minute
            ),
        ),
    )
    for name in names
}


def queue_settings() -> dict[str, Any]:
    """The routing part of the Celery configuration (the app's CELERY settings may override it)."""
    return {
        "task_routes": TASK_ROUTES,
        "task_default_queue": DEFAULT_QUEUE,
        "task_queues": [Queue(name, routing_key=name) for name in QUEUES],
    }


def init_celery(app: Flask) -> Celery:
    """Flask's Celery pattern: every task runs inside an application context."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object({**queue_settings(), **app.config["CELERY"]})
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    app.extensions["expo.recorded_tasks"] = []
    return celery_app


def enqueue_after_commit(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Publish ``task_name(*args)`` once the current transaction commits; drop it on rollback.

    Arguments must be JSON values (ids, not objects): the row they name exists by then.
    ``countdown`` delays the task by that many seconds (a retry's backoff).
    """
    db.session.info.setdefault(_PENDING_KEY, []).append((task_name, args, countdown))


def forget_pending(task_name: str, first_args: Collection[Any]) -> None:
    """Publish none of the pending ``task_name`` calls whose first argument is in ``first_args``.

    For rows deleted in the same transaction before anything was published: the demo writes its
    past through the real services and drops the e-mails they queued, which must not be sent.
    """
    pending = db.session.info.get(_PENDING_KEY)
    if pending:
        pending[:] = [
            (name, args, countdown)
            for name, args, countdown in pending
            if not (name == task_name and args and args[0] in first_args)
        ]


def publish(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Send a task now. Only for code that has nothing to commit (CLI, periodic tasks)."""
    if current_app.config["TASKS_RECORD_ONLY"]:
        current_app.extensions["expo.recorded_tasks"].append((task_name, args))
        return
    try:
        current_app.extensions["celery"].send_task(task_name, args=list(args), countdown=countdown)
    except Exception:  # noqa: BLE001 - the periodic sweep re-sends what the broker missed
        log.exception("could not publish task %s%r; the periodic sweep will retry it", task_name, args)


@event.listens_for(Session, "after_commit")
def _publish_pending(session: Session) -> None:
    # SQLAlchemy also calls this when a savepoint is released (queue_email's, the favourites'...):
    # the outer transaction is still open then, and its rows are not visible to a worker yet.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING_KEY, [])
    for task_name, args, countdown in pending:
        publish(task_name, *args, countdown=countdown)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    # A savepoint rolling back (queue_email's dedupe race) must not discard the tasks of the
    # outer transaction, which may still commit; only the outermost transaction's end may.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)
