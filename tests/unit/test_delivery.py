"""Delivery's states: what a worker that dies at each step leaves behind, and what happens next."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import create_engine, text

from expo.db_types import utcnow
from expo.extensions import db
from expo.notifications import delivery, mailer, services
from expo.notifications.models import OutboxMessage
from tests.conftest import outbox_messages


def queue(key: str, recipient: str = "a@example.com") -> OutboxMessage:
    return services.queue_email(
        recipient=recipient, kind="test", template="confirm_email", dedupe_key=key,
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
            seen["status"] = other.execute(text("SELECT status FROM outbox_messages WHERE id = :id"),
                                           {"id": envelope.message_id}).scalar_one()
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
    services.claim_for_delivery(message.id)
    db.session.commit()
    delivery._mark_handed_over(message.id)  # then the worker dies before the server's answer
    recorded_tasks.clear()
    later = utcnow() + timedelta(days=1)
    assert services.requeue_stalled_messages(now=later) == 0
    assert delivery.reclaim_abandoned([message.id], now=later) == 0
    assert delivery.deliver_messages([message.id]).skipped == 1
    assert db.session.get(OutboxMessage, message.id).status == "handed_over"
    assert outbox_messages(app) == []


def test_one_batch_goes_over_one_connection_and_a_refusal_spoils_only_its_message(app, app_ctx, monkeypatch,
                                                                                  recorded_tasks):
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


def test_an_unreachable_server_stops_the_batch_and_leaves_the_rest_waiting(app, app_ctx, monkeypatch,
                                                                           recorded_tasks):
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
