"""Queueing e-mail in the outbox and recording how its delivery went."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import Connection, and_, bindparam, case, or_, select, update
from sqlalchemy.exc import IntegrityError

from expo.background import enqueue_after_commit
from expo.db_types import utcnow
from expo.extensions import db
from expo.lib.text import one_line
from expo.notifications.mailer import Envelope
from expo.notifications.models import OutboxMessage

log = logging.getLogger(__name__)

DELIVER_EMAIL_TASK = "notifications.deliver_email"
# A message left in "sending" this long belongs to a worker that died mid-delivery.
STALLED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes

    def as_json(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "base64": base64.b64encode(self.content).decode(),
        }


def queue_email(
    *,
    recipient: str,
    kind: str,
    template: str,
    dedupe_key: str,
    context: dict[str, Any],
    language: str = "en",
    user_id: int | None = None,
    attachments: list[Attachment] | None = None,
    batch: str | None = None,
) -> OutboxMessage:
    """Render ``templates/email/<template>.{txt,html}`` in the recipient's language and queue it.

    Idempotent by ``dedupe_key``: queueing the same event twice returns the first message.
    """
    existing = db.session.scalar(select(OutboxMessage).filter_by(dedupe_key=dedupe_key))
    if existing is not None:
        return existing
    with force_locale(language):
        # One line, whatever names it holds: a line break would make the message unsendable.
        subject = one_line(render_template(f"email/{template}.subject.txt", **context))
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", subject=subject, **context)
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        kind=kind,
        recipient=recipient,
        user_id=user_id,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=[attachment.as_json() for attachment in attachments or []],
        batch=batch,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        # Another transaction queued the same event first.
        return db.session.scalars(select(OutboxMessage).filter_by(dedupe_key=dedupe_key)).one()
    enqueue_after_commit(DELIVER_EMAIL_TASK, message.id)
    return message


_OUTBOX = OutboxMessage.__table__  # Core, not the ORM: these run once per message of a broadcast


class ClaimLost(Exception):
    """The message is no longer this worker's to deliver: its claim ran out and another took it over."""


def claim_messages(connection: Connection, message_ids: Sequence[int]) -> dict[int, Envelope]:
    """Take the pending ones of ``message_ids`` for delivery, in one UPDATE ... RETURNING.

    Gone, sent, failed and claimed messages are left out. Each claim counts an attempt, and the
    count is the claim's token (Envelope.attempt).
    """
    if not message_ids:
        return {}
    rows = connection.execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.id.in_(list(message_ids)), _OUTBOX.c.status == OutboxMessage.Status.PENDING)
        .values(status=OutboxMessage.Status.SENDING, attempts=_OUTBOX.c.attempts + 1, updated_at=utcnow())
        .returning(
            _OUTBOX.c.id,
            _OUTBOX.c.recipient,
            _OUTBOX.c.subject,
            _OUTBOX.c.body_text,
            _OUTBOX.c.body_html,
            _OUTBOX.c.attachments,
            _OUTBOX.c.attempts,
        )
    ).all()
    return {
        row.id: Envelope(
            message_id=row.id,
            recipient=row.recipient,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            attachments=tuple(row.attachments or ()),
            attempt=row.attempts,
        )
        for row in rows
    }


def claim_for_delivery(message_id: int) -> Envelope | None:
    """Take one pending message for delivery in the session's transaction; None if it is gone,
    sent, failed or taken by another worker."""
    return claim_messages(db.session.connection(), [message_id]).get(message_id)


_HANDED = bindparam("handed")
_SENT = bindparam("sent")
_NOW = bindparam("now")
# "handed_over" for one message and, in the same statement, "sent" for the one before it.
_RECORD_HANDOVER = (
    update(_OUTBOX)
    .where(
        or_(
            and_(
                _OUTBOX.c.id == _HANDED,
                _OUTBOX.c.status == OutboxMessage.Status.SENDING,
                _OUTBOX.c.attempts == bindparam("handed_attempt"),
            ),
            and_(
                _OUTBOX.c.id == _SENT,
                _OUTBOX.c.status == OutboxMessage.Status.HANDED_OVER,
                _OUTBOX.c.attempts == bindparam("sent_attempt"),
            ),
        )
    )
    .values(
        status=case((_OUTBOX.c.id == _HANDED, OutboxMessage.Status.HANDED_OVER), else_=OutboxMessage.Status.SENT),
        sent_at=case((_OUTBOX.c.id == _HANDED, _OUTBOX.c.sent_at), else_=_NOW),
        last_error=case((_OUTBOX.c.id == _HANDED, _OUTBOX.c.last_error), else_=None),
        updated_at=_NOW,
    )
    .returning(_OUTBOX.c.id)
)


def record_handover(connection: Connection, envelope: Envelope, *, sent: Envelope | None = None) -> None:
    """Record that ``envelope`` is about to be handed over (only its end of data is left to send)
    and, in the same statement, that the server accepted ``sent``.

    Raises ClaimLost, with ``sent`` recorded all the same, if ``envelope`` is no longer this
    claim's: then its end of data must not be sent.
    """
    no_message = {"sent": 0, "sent_attempt": 0}  # ids start at 1
    updated = (
        connection.execute(
            _RECORD_HANDOVER,
            {
                "handed": envelope.message_id,
                "handed_attempt": envelope.attempt,
                "now": utcnow(),
                **({"sent": sent.message_id, "sent_attempt": sent.attempt} if sent is not None else no_message),
            },
        )
        .scalars()
        .all()
    )
    if envelope.message_id not in updated:
        raise ClaimLost(f"message {envelope.message_id} was taken over by another worker")


def record_sent(connection: Connection, envelope: Envelope) -> None:
    """Record that the server accepted ``envelope`` (handed over by this claim)."""
    now = utcnow()
    connection.execute(
        update(_OUTBOX)
        .where(
            _OUTBOX.c.id == envelope.message_id,
            _OUTBOX.c.status == OutboxMessage.Status.HANDED_OVER,
            _OUTBOX.c.attempts == envelope.attempt,
        )
        .values(status=OutboxMessage.Status.SENT, sent_at=now, updated_at=now, last_error=None)
    )


def release_claims(connection: Connection, envelopes: Sequence[Envelope]) -> None:
    """Put back messages this worker claimed and never started to send, as if never claimed."""
    connection.execute(
        update(_OUTBOX)
        .where(
            _OUTBOX.c.id == bindparam("message_id"),
            _OUTBOX.c.status == OutboxMessage.Status.SENDING,
            _OUTBOX.c.attempts == bindparam("attempt"),
        )
        .values(status=OutboxMessage.Status.PENDING, attempts=_OUTBOX.c.attempts - 1, updated_at=utcnow()),
        [{"message_id": envelope.message_id, "attempt": envelope.attempt} for envelope in envelopes],
    )


def record_failure(
    message_id: int,
    error: str,
    *,
    permanent: bool,
    max_attempts: int,
    retry_base_seconds: float,
    attempt: int | None = None,
) -> float | None:
    """Note a failed attempt. Returns the delay before the next one, or None if it has failed for good.

    With ``attempt`` (the claim's token), raises ClaimLost if the message is no longer held by that
    claim: another worker took it over and its outcome is theirs to record.
    """
    message = db.session.get(OutboxMessage, message_id, populate_existing=True, with_for_update=True)
    if attempt is not None and (
        message is None
        or message.attempts != attempt
        or message.status not in (OutboxMessage.Status.SENDING, OutboxMessage.Status.HANDED_OVER)
    ):
        raise ClaimLost(f"message {message_id} was taken over by another worker")
    give_up = permanent or message.attempts >= max_attempts
    now = utcnow()
    message.status = OutboxMessage.Status.FAILED if give_up else OutboxMessage.Status.PENDING
    message.last_error = error[:2000]
    message.updated_at = now
    if give_up:
        log.error(
            "giving up on message %s to %s after %s attempts: %s",
            message.id,
            message.recipient,
            message.attempts,
            error,
        )
        return None
    delay = retry_delay_seconds(message.attempts, retry_base_seconds)
    message.next_attempt_at = now + timedelta(seconds=delay)
    log.warning("message %s attempt %s failed, retrying in %ss: %s", message.id, message.attempts, delay, error)
    return delay


def delivery_lease(config) -> timedelta:
    """How long a live worker can keep one message claimed: every SMTP step it takes (connect,
    greeting, STARTTLS, login, MAIL, RCPT, DATA, the content) waits at most MAIL_TIMEOUT."""
    return timedelta(seconds=12 * float(config["MAIL_TIMEOUT"]))


def retry_delay_seconds(attempts: int, base_seconds: float) -> float:
    """Exponential backoff, capped below the broker's visibility timeout (one hour)."""
    return min(base_seconds * 2 ** (attempts - 1), 3000)


def requeue_after_worker_restart(started_at: datetime) -> int:
    """The only worker there is has just started: whatever a previous one held is orphaned.

    On the embedded default a task a worker has taken is gone from the SQLite broker, so a worker
    killed with its tasks in hand (retries waiting their countdown included) left them to the
    sweep, which waits out STALLED_AFTER and its own interval: mail stalled some 12 minutes.
    Only for a worker that knows no other one runs on this database (the embedded supervisor
    holds a lock and says so with EXPO_SOLE_WORKER): it puts the dead worker's claims back and
    publishes every message updated before it started, due ones now and the others at their
    time. A message whose task is still queued is published twice; delivery claims it once.
    """
    now = utcnow()
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.next_attempt_at)
        .where(
            OutboxMessage.status.in_([OutboxMessage.Status.SENDING, OutboxMessage.Status.PENDING]),
            OutboxMessage.updated_at < started_at,
        )
        .order_by(OutboxMessage.id)
        .limit(1000)  # more than that waits for the sweep
    ).all()
    claimed = [row.id for row in rows if row.status == OutboxMessage.Status.SENDING]
    if claimed:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed), OutboxMessage.status == OutboxMessage.Status.SENDING)
            .values(status=OutboxMessage.Status.PENDING, updated_at=now)
        )
    for row in rows:
        wait = (row.next_attempt_at - now).total_seconds() if row.next_attempt_at and row.id not in claimed else 0
        enqueue_after_commit(DELIVER_EMAIL_TASK, row.id, countdown=wait if wait > 0 else None)
    return len(rows)


def requeue_stalled_messages(now: datetime | None = None) -> int:
    """Give messages whose worker died, or whose task never reached the broker, another chance.

    Publishing twice is harmless: delivery claims a message with a conditional UPDATE. A message
    handed over to the mail server is never sent again (see expo.notifications.delivery).
    """
    now = now or utcnow()
    # Never earlier than a live worker could still be holding the message.
    stalled_before = now - max(STALLED_AFTER, delivery_lease(current_app.config))
    stalled = or_(
        OutboxMessage.status == OutboxMessage.Status.SENDING,
        and_(
            OutboxMessage.status == OutboxMessage.Status.PENDING,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at < stalled_before),
        ),
    )
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(stalled, OutboxMessage.updated_at < stalled_before)
        .order_by(OutboxMessage.id)
        .limit(1000)
    ).all()
    if not ids:
        return 0
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status.in_([OutboxMessage.Status.SENDING, OutboxMessage.Status.PENDING]),
        )
        .values(status=OutboxMessage.Status.PENDING, updated_at=now)
    )
    for message_id in ids:
        enqueue_after_commit(DELIVER_EMAIL_TASK, message_id)
    return len(ids)
