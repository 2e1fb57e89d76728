"""Delivering outbox messages over one SMTP session, so that a worker killed at any moment
loses no message and sends none twice.

Each message moves pending → sending (claimed, committed before SMTP) → handed_over (committed
just before the end-of-data line) → sent or failed. Claims are taken a chunk at a time (one
UPDATE ... RETURNING); each claim counts an attempt and that count is the claim's token. The
hand-over is one conditional UPDATE: "handed_over" for this message if it is still ``sending``
under this worker's token, and "sent" for the message before it, whose "250" came in meanwhile.
So a message costs one statement, and a worker killed at any point leaves:

- messages ``sending`` (the one in hand before its hand-over, those claimed after it): the server
  never received their end of data, so it discarded them; once the claim is older than the lease
  (``services.delivery_lease``) they are sent again.
- one message ``handed_over`` at most: the one in hand after its hand-over, or the one before it
  (accepted, its "sent" not yet recorded). Never sent again; the report shows it as handed over
  without an answer. It is lost only if the worker died in the instant between that commit and
  writing the final "." to the socket — where the classic order (send, then record) would resend
  on every crash between the server's "250" and the record.

The lease only decides how soon a dead worker's claims are retried, never whether a message goes
out twice: a live worker slower than its lease finds its hand-over (and any failure record)
refused once another worker has taken the message over under a newer token, and drops the session
before the end of data. Claimed messages a worker never reaches (the server went away) are put
back as they were.

No transaction stays open while SMTP talks: delivery's states go through a connection of its own,
each committed by itself before the next network step. This is the one place where delivery
commits, like a task's shell does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import Connection, update

from expo.background import enqueue_after_commit
from expo.db_types import utcnow
from expo.extensions import db
from expo.notifications import mailer, services
from expo.notifications.mailer import Envelope
from expo.notifications.models import OutboxMessage

log = logging.getLogger(__name__)


@dataclass
class DeliveryRun:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0  # already taken, sent or failed by someone else
    results: dict[int, str] = field(default_factory=dict)


# Messages claimed per statement: one round trip for many, and few enough that a claim is young
# when its message goes out.
CLAIM_CHUNK = 100


@contextmanager
def _state_connection() -> Iterator[Connection]:
    """A connection of delivery's own on which every state change commits by itself.

    PostgreSQL: autocommit, one round trip per state change (not BEGIN, statement, COMMIT),
    and commits that return before their WAL reaches the disk (``synchronous_commit=off``). A
    worker that dies loses nothing by it (the server has the commit); only a crash of PostgreSQL
    itself can forget the last fraction of a second of states, and then those messages may be
    sent again once. The session stays free meanwhile: no transaction is open while SMTP talks.
    """
    with db.engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("SET synchronous_commit TO off")
        try:
            yield connection
        finally:
            connection.rollback()
            if postgresql and not connection.invalidated:
                connection.exec_driver_sql("RESET synchronous_commit")


class _States:
    """Delivery's record, one statement per message: a message's "handed_over" carries the
    previous message's "sent", which waits until then (meanwhile "handed_over" already means
    "never send again")."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.unrecorded_sent: Envelope | None = None

    @contextmanager
    def _committed(self) -> Iterator[None]:
        # PostgreSQL's autocommit makes commit a no-op; on SQLite it ends the statement's
        # transaction, which must not stay open (and hold the write lock) after a failure either.
        try:
            yield
        except services.ClaimLost:
            self.connection.commit()  # the rest of the statement stands
            raise
        except BaseException:
            self.connection.rollback()
            raise
        self.connection.commit()

    def claim(self, message_ids: Sequence[int]) -> dict[int, Envelope]:
        with self._committed():
            return services.claim_messages(self.connection, message_ids)

    def hand_over(self, envelope: Envelope) -> None:
        sent, self.unrecorded_sent = self.unrecorded_sent, None
        with self._committed():
            services.record_handover(self.connection, envelope, sent=sent)

    def accepted(self, envelope: Envelope) -> None:
        self.unrecorded_sent = envelope

    def flush(self) -> None:
        sent, self.unrecorded_sent = self.unrecorded_sent, None
        if sent is not None:
            with self._committed():
                services.record_sent(self.connection, sent)

    def release(self, envelopes: Sequence[Envelope]) -> None:
        if envelopes:
            with self._committed():
                services.release_claims(self.connection, envelopes)


def _record_failure(envelope: Envelope, exc: Exception, run: DeliveryRun) -> None:
    config = current_app.config
    message_id = envelope.message_id
    try:
        delay = services.record_failure(
            message_id,
            str(exc),
            permanent=isinstance(exc, mailer.PermanentFailure),
            max_attempts=config["MAIL_MAX_ATTEMPTS"],
            retry_base_seconds=config["MAIL_RETRY_BASE_SECONDS"],
            attempt=envelope.attempt,
        )
    except services.ClaimLost:
        db.session.rollback()
        run.skipped += 1
        run.results[message_id] = "skipped"
        return
    if delay is None:
        run.failed += 1
        run.results[message_id] = "failed"
    else:
        run.retrying += 1
        run.results[message_id] = "retrying"
        enqueue_after_commit(services.DELIVER_EMAIL_TASK, message_id, countdown=delay)
    db.session.commit()


def deliver_messages(message_ids: Sequence[int]) -> DeliveryRun:
    """Claim and send the messages in turn over one SMTP session; commits as it goes.

    Raises ServerUnavailable (after recording it on the message in hand) when no session with
    the mail server can be opened: the caller retries the rest later instead of timing out on each.
    The messages claimed with it and not reached are put back as they were.
    """
    run = DeliveryRun()
    # The caller's work is committed first, as the first claim always did: on SQLite even a read
    # holds the write lock (BEGIN IMMEDIATE) that delivery's own connection needs.
    db.session.commit()
    with _state_connection() as connection, mailer.MailConnection() as smtp:
        states = _States(connection)
        for start in range(0, len(message_ids), CLAIM_CHUNK):
            chunk = message_ids[start : start + CLAIM_CHUNK]
            claimed = states.claim(chunk)
            try:
                for message_id in chunk:
                    envelope = claimed.pop(message_id, None)
                    if envelope is None:
                        run.skipped += 1
                        run.results[message_id] = "skipped"
                        continue
                    _deliver(smtp, states, envelope, run)
            finally:
                states.flush()
                # Claimed but not reached (the server went away): back to waiting, no attempt counted.
                states.release(list(claimed.values()))
    return run


def _deliver(smtp: mailer.MailConnection, states: _States, envelope: Envelope, run: DeliveryRun) -> None:
    message_id = envelope.message_id
    try:
        try:
            smtp.send(envelope, before_end_of_data=lambda: states.hand_over(envelope))
        except (mailer.TemporaryFailure, mailer.PermanentFailure, services.ClaimLost):
            raise
        except Exception as exc:  # an unexpected bug must not leave the message "sending" forever
            db.session.rollback()
            raise mailer.TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
    except services.ClaimLost:
        # Another worker holds it now; the end of data was not sent, so the server discarded ours.
        run.skipped += 1
        run.results[message_id] = "skipped"
        return
    except mailer.ServerUnavailable as exc:
        states.flush()
        _record_failure(envelope, exc, run)
        raise
    except (mailer.TemporaryFailure, mailer.PermanentFailure) as exc:
        states.flush()
        _record_failure(envelope, exc, run)
        return
    states.accepted(envelope)
    run.sent += 1
    run.results[message_id] = "sent"


def reclaim_abandoned(message_ids: Sequence[int], now: datetime | None = None) -> int:
    """Put back messages a dead worker claimed but never handed over; live workers' claims stay."""
    if not message_ids:
        return 0
    now = now or utcnow()
    return db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(message_ids)),
            OutboxMessage.status == OutboxMessage.Status.SENDING,
            OutboxMessage.updated_at < now - services.delivery_lease(current_app.config),
        )
        .values(status=OutboxMessage.Status.PENDING, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
