"""Delivering claimed outbox messages over one SMTP session, so that a worker killed at any moment
loses no message and sends none twice.

Each message moves pending → sending (claimed, committed before SMTP) → handed_over (committed
just before the end-of-data line) → sent or failed. After a crash:

- ``sending``: the server never received the end of data, so it discarded the message; once the
  claim is older than any live worker could hold it (``services.delivery_lease``) it is sent again.
- ``handed_over``: the server may have accepted it. It is never sent again, and the report shows
  it as handed over without an answer. It is lost only if the worker died in the instant between
  that commit and writing the final "." to the socket — a window of one database round trip,
  where the classic order (send, then record) would resend on every crash between the server's
  "250" and the record.

No transaction stays open while SMTP talks: every state change is committed before the next
network step. This is the one place where delivery commits, like a task's shell does.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import text, update

from expo.background import enqueue_after_commit
from expo.db_types import utcnow
from expo.extensions import db
from expo.notifications import mailer, services
from expo.notifications.models import OutboxMessage

log = logging.getLogger(__name__)


@dataclass
class DeliveryRun:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0  # already taken, sent or failed by someone else
    results: dict[int, str] = field(default_factory=dict)


def _mark_handed_over(message_id: int) -> None:
    outbox = OutboxMessage.__table__
    db.session.connection().execute(
        update(outbox).where(outbox.c.id == message_id, outbox.c.status == OutboxMessage.SENDING)
        .values(status=OutboxMessage.HANDED_OVER, updated_at=utcnow())
    )
    db.session.commit()


@contextmanager
def _commits_without_waiting_for_the_disk():
    """PostgreSQL: this connection's commits return before their WAL reaches the disk.

    Two commits a message would otherwise wait for two fsyncs. A worker that dies loses nothing
    by it (the server has the commit); only a crash of PostgreSQL itself can forget the last
    fraction of a second of states, and then those messages may be sent again once.
    """
    postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:
        db.session.execute(text("SET synchronous_commit TO off"))
    try:
        yield
    finally:
        if postgresql:
            db.session.rollback()
            db.session.execute(text("RESET synchronous_commit"))
            db.session.commit()


def _record_failure(message_id: int, exc: Exception, run: DeliveryRun) -> None:
    config = current_app.config
    delay = services.record_failure(
        message_id, str(exc), permanent=isinstance(exc, mailer.PermanentFailure),
        max_attempts=config["MAIL_MAX_ATTEMPTS"], retry_base_seconds=config["MAIL_RETRY_BASE_SECONDS"],
    )
    if delay is None:
        run.failed += 1
        run.results[message_id] = "failed"
    else:
        run.retrying += 1
        run.results[message_id] = "retrying"
        enqueue_after_commit(services.DELIVER_EMAIL_TASK, message_id, countdown=delay)
    db.session.commit()


def deliver_messages(message_ids: Sequence[int]) -> DeliveryRun:
    """Claim and send each message in turn over one SMTP session; commits as it goes.

    Raises ServerUnavailable (after recording it on the message in hand) when no session with
    the mail server can be opened: the caller retries the rest later instead of timing out on each.
    """
    run = DeliveryRun()
    with _commits_without_waiting_for_the_disk(), mailer.MailConnection() as connection:
        for message_id in message_ids:
            envelope = services.claim_for_delivery(message_id)
            db.session.commit()  # the claim (and the previous message's "sent") is visible before SMTP
            if envelope is None:
                run.skipped += 1
                run.results[message_id] = "skipped"
                continue
            try:
                try:
                    connection.send(envelope, before_end_of_data=lambda: _mark_handed_over(message_id))
                except (mailer.TemporaryFailure, mailer.PermanentFailure):
                    raise
                except Exception as exc:  # an unexpected bug must not leave the message "sending" forever
                    db.session.rollback()
                    raise mailer.TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
            except mailer.ServerUnavailable as exc:
                _record_failure(message_id, exc, run)
                raise
            except (mailer.TemporaryFailure, mailer.PermanentFailure) as exc:
                _record_failure(message_id, exc, run)
                continue
            # Committed with the next claim: until then "handed_over" already means "do not resend".
            services.record_delivery(message_id)
            run.sent += 1
            run.results[message_id] = "sent"
        db.session.commit()
    return run


def reclaim_abandoned(message_ids: Sequence[int], now: datetime | None = None) -> int:
    """Put back messages a dead worker claimed but never handed over; live workers' claims stay."""
    if not message_ids:
        return 0
    now = now or utcnow()
    return db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.status == OutboxMessage.SENDING,
               OutboxMessage.updated_at < now - services.delivery_lease(current_app.config))
        .values(status=OutboxMessage.PENDING, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
