"""Every task worker/ defines goes to the queue meant for it: e-mail, reports, or default.

A new task fails the first test until it is added to INTENDED below, so its queue is a decision
and not an accident (an e-mail task left on "default" would wait behind the engagement drain).
"""

from __future__ import annotations

import ast
from pathlib import Path

from expo.background import DEFAULT_QUEUE, EMAIL_QUEUE, QUEUES, REPORTS_QUEUE, TASK_ROUTES
from worker.schedule import BEAT_SCHEDULE

WORKER = Path(__file__).resolve().parents[2] / "worker"

INTENDED = {
    # E-mail: whatever sends, or renders and queues, a message to a person.
    "notifications.deliver_email": EMAIL_QUEUE,
    "registrations.send_ticket": EMAIL_QUEUE,
    "registrations.notify_promoted": EMAIL_QUEUE,
    "registrations.send_reminder": EMAIL_QUEUE,
    "broadcasts.prepare": EMAIL_QUEUE,
    "broadcasts.send_batch": EMAIL_QUEUE,
    "leads.send_lead_digest": EMAIL_QUEUE,
    "meetings.notify": EMAIL_QUEUE,
    "meetings.send_reminder": EMAIL_QUEUE,
    "matchmaking.notify_published": EMAIL_QUEUE,
    # Reports and exports: seconds of work each, never urgent to the second.
    "leads.compile_lead_report": REPORTS_QUEUE,
    "matchmaking.build_plan": REPORTS_QUEUE,
    "leads.apply_lead_retention": REPORTS_QUEUE,
    "badges.make_badge_print": REPORTS_QUEUE,
    # Everything else: sweeps, fan-outs, thumbnails, the engagement drain.
    "notifications.requeue_stalled_emails": DEFAULT_QUEUE,
    "registrations.claim_due_reminders": DEFAULT_QUEUE,
    "broadcasts.requeue_stalled": DEFAULT_QUEUE,
    "engagement.drain_events": DEFAULT_QUEUE,
    "catalog.make_thumbnails": DEFAULT_QUEUE,
    "leads.requeue_stalled_lead_reports": DEFAULT_QUEUE,
    "leads.send_daily_lead_digests": DEFAULT_QUEUE,
    "meetings.claim_due_reminders": DEFAULT_QUEUE,
    "matchmaking.recompute_buyer": DEFAULT_QUEUE,
    "matchmaking.recompute_company": DEFAULT_QUEUE,
    "webhooks.deliver": DEFAULT_QUEUE,
    "webhooks.requeue_stalled": DEFAULT_QUEUE,
    "badges.issue_badges": DEFAULT_QUEUE,
}


def _task_names_defined_in_worker() -> set[str]:
    """The ``name=`` of every ``@shared_task(...)`` or ``@<app>.task(...)`` in worker/*.py."""
    names = set()
    for path in WORKER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                if not isinstance(decorator, ast.Call):
                    continue
                target = decorator.func
                called = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if called not in ("shared_task", "task"):
                    continue
                name = next((keyword.value.value for keyword in decorator.keywords if keyword.arg == "name"), None)
                assert isinstance(name, str), f"{path.name}: task {node.name} has no explicit name="
                names.add(name)
    return names


def test_every_task_in_worker_has_an_intended_queue():
    defined = _task_names_defined_in_worker()
    assert defined, "no task found in worker/: the scan is broken"
    assert defined == set(INTENDED), (
        f"decide the queue of {sorted(defined - set(INTENDED))}; no longer defined: {sorted(set(INTENDED) - defined)}"
    )


def test_the_router_sends_each_task_to_its_queue(app):
    router = app.extensions["celery"].amqp.router
    for name, queue in INTENDED.items():
        assert router.route({}, name)["queue"].name == queue, name


def test_routing_is_declared_once_and_names_only_known_tasks_and_queues():
    assert set(TASK_ROUTES) <= set(INTENDED), "a route for a task worker/ does not define"
    assert {route["queue"] for route in TASK_ROUTES.values()} <= set(QUEUES)
    assert all(queue in QUEUES for queue in INTENDED.values())


def test_a_worker_without_queue_options_consumes_every_queue(app):
    # The embedded default's one worker and the integration tests' worker start without -Q.
    assert sorted(app.extensions["celery"].amqp.queues) == sorted(QUEUES)


def test_beat_publishes_only_defined_tasks():
    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert scheduled <= set(INTENDED)
