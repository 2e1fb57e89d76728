"""Delivery's states: what a worker that dies at each step leaves behind, and what happens next."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import create_engine, select, text

from expo.db_types import utcnow
from expo.extensions import db
from expo.notifications import delivery, mailer, services
from expo.notifications.models import OutboxMessage
from tests.conftest import outbox_messages


def queue(key: str, recipient: str = "a@example.com") -> OutboxMessage:
    return services.queue_email(
        recipient=recipient,
        kind="test",
        template="confirm_email",
        dedupe_key=key,
        context={"user": type("U", (), {"name": "Ana"})(), "confirm_url": "http://expo.test/confirm/x"},
    )


def test_the_message_is_recorded_as_handed_over_before_the_server_can_accept_it(app, app_ctx, monkeypatch):
    message = queue("handover:1")
    db.session.commit()
    seen = {}
    write = mailer._write_to_outbox

    def watch(envelope, built):
        # What another connection sees at the moment the message leaves: the state is committed,
        # and this worker holds no transaction open while it talks to the mail server.
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as other:
            seen["status"] = other.execute(
                text("SELECT status FROM outbox_messages WHERE id = :id"), {"id": envelope.message_id}
            ).scalar_one()
        engine.dispose()
        seen["in_transaction"] = db.session().in_transaction()
        write(envelope, built)

    monkeypatch.setattr(mailer, "_write_to_outbox", watch)
    run = delivery.deliver_messages([message.id])
    assert (run.sent, seen) == (1, {"status": "handed_over", "in_transaction": False})
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    assert len(outbox_messages(app)) == 1


def test_a_claim_of_a_dead_worker_is_taken_over_only_after_its_lease(app_ctx):
    message = queue("dead:1")
    db.session.commit()
    assert services.claim_for_delivery(message.id) is not None  # then the worker dies
    db.session.commit()
    assert delivery.reclaim_abandoned([message.id]) == 0  # a live worker could still hold it
    lease = services.delivery_lease(current_app.config)
    assert delivery.reclaim_abandoned([message.id], now=utcnow() + lease + timedelta(seconds=1)) == 1
    db.session.commit()
    assert delivery.deliver_messages([message.id]).sent == 1
    assert db.session.get(OutboxMessage, message.id).attempts == 2


def test_a_message_handed_over_when_its_worker_died_is_never_sent_again(app, app_ctx, recorded_tasks):
    message = queue("handed:1")
    db.session.commit()
    envelope = services.claim_for_delivery(message.id)
    services.record_handover(db.session.connection(), envelope)  # then the worker dies before the answer
    db.session.commit()
    recorded_tasks.clear()
    later = utcnow() + timedelta(days=1)
    assert services.requeue_stalled_messages(now=later) == 0
    assert delivery.reclaim_abandoned([message.id], now=later) == 0
    assert delivery.deliver_messages([message.id]).skipped == 1
    assert db.session.get(OutboxMessage, message.id).status == "handed_over"
    assert outbox_messages(app) == []


def test_one_batch_goes_over_one_connection_and_a_refusal_spoils_only_its_message(
    app, app_ctx, monkeypatch, recorded_tasks
):
    messages = [queue(f"batch:{n}", f"person{n}@example.com") for n in range(3)]
    db.session.commit()
    recorded_tasks.clear()
    opened, sent = [], []

    class FakeSMTP(mailer._EndOfDataHook):
        def __init__(self, *args, **kwargs):
            opened.append(args)
            self.sock = type("Socket", (), {"setsockopt": lambda *option: None})()

        def sendmail(self, from_addr, to_addrs, content, mail_options=()):
            if to_addrs == ["person1@example.com"]:
                raise mailer.smtplib.SMTPRecipientsRefused({"person1@example.com": (550, b"no such user")})
            assert b"\r\nTo: " + to_addrs[0].encode() + b"\r\n" in content
            self.before_end_of_data()
            sent.append(to_addrs[0])

        def quit(self):
            pass

    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.com")
    monkeypatch.setattr(mailer, "_SMTP", FakeSMTP)
    run = delivery.deliver_messages([message.id for message in messages])
    assert (run.sent, run.failed, len(opened)) == (2, 1, 1)
    assert sent == ["person0@example.com", "person2@example.com"]
    statuses = [db.session.get(OutboxMessage, message.id).status for message in messages]
    assert statuses == ["sent", "failed", "sent"]
    assert "550" in db.session.get(OutboxMessage, messages[1].id).last_error
    assert recorded_tasks == []  # a permanent refusal is not retried


def test_an_unreachable_server_stops_the_batch_and_leaves_the_rest_waiting(app, app_ctx, monkeypatch, recorded_tasks):
    import pytest

    messages = [queue(f"down:{n}") for n in range(3)]
    db.session.commit()
    recorded_tasks.clear()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.com")
    monkeypatch.setattr(mailer, "_SMTP", refuse)
    with pytest.raises(mailer.ServerUnavailable):
        delivery.deliver_messages([message.id for message in messages])
    first, *rest = (db.session.get(OutboxMessage, message.id) for message in messages)
    assert (first.status, first.attempts, first.next_attempt_at is not None) == ("pending", 1, True)
    assert [(m.status, m.attempts) for m in rest] == [("pending", 0), ("pending", 0)]
    assert recorded_tasks == [(services.DELIVER_EMAIL_TASK, (first.id,))]


def test_a_worker_killed_mid_chunk_leaves_its_claims_for_after_the_lease_and_sends_no_handed_over_one(app, app_ctx):
    messages = [queue(f"chunk:{n}", f"person{n}@example.com") for n in range(4)]
    db.session.flush()
    ids = [message.id for message in messages]
    db.session.commit()
    with db.engine.connect() as dying_worker:
        claimed = services.claim_messages(dying_worker, ids)
        services.record_handover(dying_worker, claimed[ids[0]])  # the server answers "250" for it, then
        services.record_handover(dying_worker, claimed[ids[1]], sent=claimed[ids[0]])  # the worker dies
        dying_worker.commit()

    def statuses():
        db.session.expire_all()
        return [db.session.get(OutboxMessage, message_id).status for message_id in ids]

    assert statuses() == ["sent", "handed_over", "sending", "sending"]
    assert delivery.reclaim_abandoned(ids) == 0  # a live worker could still hold them
    db.session.commit()
    assert delivery.deliver_messages(ids).skipped == 4
    assert outbox_messages(app) == []
    later = utcnow() + services.delivery_lease(current_app.config) + timedelta(seconds=1)
    assert delivery.reclaim_abandoned(ids, now=later) == 2
    db.session.commit()
    run = delivery.deliver_messages(ids)
    assert (run.sent, run.skipped) == (2, 2)
    assert statuses() == ["sent", "handed_over", "sent", "sent"]
    assert [message.split("To: ")[1].split("\n")[0] for message in outbox_messages(app)] == [
        "person2@example.com",
        "person3@example.com",
    ]


def test_a_worker_whose_claim_was_taken_over_never_ends_that_message(app, app_ctx, monkeypatch):
    messages = [queue(f"taken:{n}", f"person{n}@example.com") for n in range(2)]
    db.session.flush()
    ids = [message.id for message in messages]
    db.session.commit()
    claim = services.claim_messages

    def claim_then_lose_the_first(connection, message_ids):
        claimed = claim(connection, message_ids)
        # Meanwhile the claim ran out and another worker reclaimed the first and claimed it again.
        connection.execute(text("UPDATE outbox_messages SET attempts = attempts + 1 WHERE id = :id"), {"id": ids[0]})
        return claimed

    monkeypatch.setattr(services, "claim_messages", claim_then_lose_the_first)
    run = delivery.deliver_messages(ids)
    assert (run.results[ids[0]], run.results[ids[1]]) == ("skipped", "sent")
    assert len(outbox_messages(app)) == 1 and "person1@example.com" in outbox_messages(app)[0]
    db.session.expire_all()
    first = db.session.get(OutboxMessage, ids[0])
    assert (first.status, first.attempts) == ("sending", 2)  # the other worker's, untouched

    # Nor may the first worker record a failure on it.
    try:
        services.record_failure(ids[0], "451 later", permanent=False, max_attempts=6, retry_base_seconds=30, attempt=1)
    except services.ClaimLost:
        pass
    else:
        raise AssertionError("a failure was recorded under a lost claim")
    db.session.rollback()
    assert db.session.get(OutboxMessage, ids[0]).status == "sending"


def test_each_message_costs_one_statement(app, app_ctx):
    from sqlalchemy import event

    messages = [queue(f"count:{n}", f"person{n}@example.com") for n in range(5)]
    db.session.flush()
    ids = [message.id for message in messages]
    db.session.commit()
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "outbox_messages" in statement:
            statements.append(statement.split()[0])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert delivery.deliver_messages(ids).sent == 5
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # One claim for the chunk, one hand-over per message (carrying the previous one's "sent"), the last "sent".
    assert statements == ["UPDATE"] * 7
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}
