"""The outbox: dedupe, publishing after commit only, claiming, retries and the stalled sweep."""

from __future__ import annotations

from datetime import timedelta

from expo.background import forget_pending
from expo.db_types import utcnow
from expo.extensions import db
from expo.notifications import services
from expo.notifications.models import OutboxMessage


def queue(key: str = "test:1", recipient: str = "a@example.com") -> OutboxMessage:
    return services.queue_email(
        recipient=recipient,
        kind="test",
        template="confirm_email",
        dedupe_key=key,
        context={"user": type("U", (), {"name": "Ana"})(), "confirm_url": "http://expo.test/confirm/x"},
    )


def test_task_is_published_only_after_commit(app_ctx, recorded_tasks):
    message = queue()
    assert recorded_tasks == []
    db.session.commit()
    assert recorded_tasks == [(services.DELIVER_EMAIL_TASK, (message.id,))]


def test_rollback_drops_the_task_and_the_message(app_ctx, recorded_tasks):
    queue()
    db.session.rollback()
    db.session.commit()
    assert recorded_tasks == []
    assert db.session.query(OutboxMessage).count() == 0


def test_a_released_savepoint_publishes_nothing_before_the_commit(app_ctx, recorded_tasks):
    first = queue("outer:1")
    second = queue("outer:2")  # its savepoint is released while the first message is not committed yet
    assert recorded_tasks == []
    db.session.commit()
    assert recorded_tasks == [(services.DELIVER_EMAIL_TASK, (first.id,)), (services.DELIVER_EMAIL_TASK, (second.id,))]


def test_forgotten_deliveries_of_deleted_messages_are_not_published(app_ctx, recorded_tasks):
    dropped, kept = queue("history:1"), queue("history:2", "b@example.com")
    db.session.delete(dropped)
    forget_pending(services.DELIVER_EMAIL_TASK, {dropped.id})
    forget_pending("another.task", {kept.id})  # only the named task's calls are forgotten
    db.session.commit()
    assert recorded_tasks == [(services.DELIVER_EMAIL_TASK, (kept.id,))]


def test_same_dedupe_key_is_queued_once(app_ctx, recorded_tasks):
    first = queue("signup:7")
    second = queue("signup:7")
    db.session.commit()
    assert first.id == second.id
    assert len(recorded_tasks) == 1


def test_message_is_rendered_in_text_and_html(app_ctx):
    message = queue()
    assert message.subject == "Confirm your e-mail address for Expo"
    assert "http://expo.test/confirm/x" in message.body_text
    assert 'href="http://expo.test/confirm/x"' in message.body_html


def test_a_message_is_claimed_once(app_ctx):
    message = queue()
    db.session.commit()
    assert services.claim_for_delivery(message.id).recipient == "a@example.com"
    db.session.commit()
    assert services.claim_for_delivery(message.id) is None
    assert db.session.get(OutboxMessage, message.id).attempts == 1


def test_temporary_failure_backs_off_exponentially_then_gives_up(app_ctx):
    message = queue()
    db.session.commit()
    delays = []
    for _ in range(4):
        services.claim_for_delivery(message.id)
        delays.append(
            services.record_failure(message.id, "451 later", permanent=False, max_attempts=4, retry_base_seconds=30)
        )
        db.session.commit()
    assert delays == [30, 60, 120, None]
    failed = db.session.get(OutboxMessage, message.id)
    assert failed.status == "failed" and failed.attempts == 4 and "451" in failed.last_error


def test_permanent_failure_is_recorded_without_retry(app_ctx):
    message = queue()
    db.session.commit()
    services.claim_for_delivery(message.id)
    assert (
        services.record_failure(message.id, "550 no such user", permanent=True, max_attempts=6, retry_base_seconds=30)
        is None
    )
    assert db.session.get(OutboxMessage, message.id).status == "failed"


def test_backoff_stays_below_the_broker_visibility_timeout():
    assert services.retry_delay_seconds(30, 30) < 3600


def test_sweep_requeues_messages_of_a_dead_worker_and_lost_tasks(app_ctx, recorded_tasks):
    stuck, lost, fresh, sent = (queue(f"k{i}") for i in range(4))
    db.session.commit()
    recorded_tasks.clear()
    long_ago = utcnow() - timedelta(hours=1)
    stuck.status, stuck.updated_at = "sending", long_ago
    lost.updated_at = long_ago
    sent.status, sent.updated_at = "sent", long_ago
    db.session.commit()

    assert services.requeue_stalled_messages() == 2
    db.session.commit()
    assert sorted(args[0] for _, args in recorded_tasks) == sorted([stuck.id, lost.id])
    assert db.session.get(OutboxMessage, stuck.id).status == "pending"
    assert db.session.get(OutboxMessage, fresh.id).status == "pending"


def test_sweep_leaves_messages_waiting_for_their_backoff(app_ctx, recorded_tasks):
    message = queue()
    db.session.commit()
    recorded_tasks.clear()
    message.updated_at = utcnow() - timedelta(hours=1)
    message.next_attempt_at = utcnow() + timedelta(minutes=20)
    db.session.commit()
    assert services.requeue_stalled_messages() == 0


def test_a_savepoint_rollback_keeps_the_outer_transactions_tasks(app_ctx, recorded_tasks):
    first = queue("outer:1")
    try:
        with db.session.begin_nested():
            db.session.add(
                OutboxMessage(
                    dedupe_key="outer:1", kind="x", recipient="b@example.com", subject="s", body_text="t", body_html="h"
                )
            )
    except Exception:  # noqa: BLE001 - the duplicate key is the point
        pass
    db.session.commit()
    assert recorded_tasks == [(services.DELIVER_EMAIL_TASK, (first.id,))]


def test_an_unexpected_mailer_error_is_retried_not_stuck(app, app_ctx, monkeypatch, recorded_tasks):
    import worker.tasks as tasks
    from expo.notifications import mailer

    message = queue()
    db.session.commit()
    recorded_tasks.clear()

    def broken(envelope):
        raise KeyError("template bug")

    monkeypatch.setattr(mailer, "build_message", broken)
    assert tasks.deliver_email.run(message.id) == "retrying"
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.status == "pending" and "KeyError" in stored.last_error
    assert recorded_tasks == [(services.DELIVER_EMAIL_TASK, (message.id,))]  # again, after its backoff


def test_emails_can_be_rendered_by_a_worker_outside_any_request(app):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production, where forms would want a request
    try:
        with app.app_context():
            message = queue("worker:1")
            assert "http://expo.test/confirm/x" in message.body_html
            db.session.rollback()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_sole_worker_starting_takes_back_at_once_what_a_dead_worker_held(app_ctx, recorded_tasks):
    """Embedded default: a worker killed with tasks in hand lost them with it; the next one publishes
    them as it starts, instead of after the sweep's ten minutes."""
    claimed, fetched, retrying, handed, new = (queue(f"k{i}") for i in range(5))
    db.session.commit()
    recorded_tasks.clear()
    seconds_ago = utcnow() - timedelta(seconds=30)
    claimed.status, claimed.updated_at = "sending", seconds_ago
    fetched.updated_at = seconds_ago
    retrying.updated_at, retrying.next_attempt_at = seconds_ago, utcnow() + timedelta(minutes=4)
    handed.status, handed.updated_at = "handed_over", seconds_ago
    db.session.commit()
    started_at = utcnow() - timedelta(seconds=1)
    new.updated_at = utcnow()  # queued after the worker started: its task is on the way
    db.session.commit()

    assert services.requeue_after_worker_restart(started_at) == 3
    delays = {args[0]: countdown for _, args, countdown in db.session.info["expo.tasks_after_commit"]}
    db.session.commit()
    assert set(delays) == {claimed.id, fetched.id, retrying.id}
    assert delays[claimed.id] is None and delays[fetched.id] is None
    assert 200 < delays[retrying.id] <= 240  # at its backoff's time, not before
    assert sorted(args[0] for _, args in recorded_tasks) == sorted([claimed.id, fetched.id, retrying.id])
    assert db.session.get(OutboxMessage, claimed.id).status == "pending"
    assert db.session.get(OutboxMessage, handed.id).status == "handed_over"  # never sent twice
