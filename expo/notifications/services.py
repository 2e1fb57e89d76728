"""Queueing e-mail in the outbox and recording how its delivery went."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from expo.background import enqueue_after_commit
from expo.db_types import utcnow
from expo.extensions import db
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
        return {"filename": self.filename, "content_type": self.content_type,
                "base64": base64.b64encode(self.content).decode()}


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
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
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


def claim_for_delivery(message_id: int) -> Envelope | None:
    """Take a pending message for delivery; None if it is gone, sent, failed or taken by another worker.

    One conditional UPDATE ... RETURNING: claiming and reading the message are one round trip.
    """
    now = utcnow()
    outbox = OutboxMessage.__table__  # Core, not the ORM: this runs once per message of a broadcast
    row = db.session.connection().execute(
        update(outbox)
        .where(outbox.c.id == message_id, outbox.c.status == OutboxMessage.PENDING)
        .values(status=OutboxMessage.SENDING, attempts=outbox.c.attempts + 1, updated_at=now)
        .returning(outbox.c.recipient, outbox.c.subject, outbox.c.body_text, outbox.c.body_html,
                   outbox.c.attachments)
    ).one_or_none()
    if row is None:
        return None
    return Envelope(
        message_id=message_id,
        recipient=row.recipient,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
        attachments=tuple(row.attachments or ()),
    )


def record_delivery(message_id: int) -> None:
    now = utcnow()
    outbox = OutboxMessage.__table__
    db.session.connection().execute(
        update(outbox).where(outbox.c.id == message_id)
        .values(status=OutboxMessage.SENT, sent_at=now, updated_at=now, last_error=None)
    )


def record_failure(
    message_id: int, error: str, *, permanent: bool, max_attempts: int, retry_base_seconds: float
) -> float | None:
    """Note a failed attempt. Returns the delay before the next one, or None if it has failed for good."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    give_up = permanent or message.attempts >= max_attempts
    now = utcnow()
    message.status = OutboxMessage.FAILED if give_up else OutboxMessage.PENDING
    message.last_error = error[:2000]
    message.updated_at = now
    if give_up:
        log.error("giving up on message %s to %s after %s attempts: %s",
                  message.id, message.recipient, message.attempts, error)
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


def requeue_stalled_messages(now: datetime | None = None) -> int:
    """Give messages whose worker died, or whose task never reached the broker, another chance.

    Publishing twice is harmless: delivery claims a message with a conditional UPDATE. A message
    handed over to the mail server is never sent again (see expo.notifications.delivery).
    """
    now = now or utcnow()
    # Never earlier than a live worker could still be holding the message.
    stalled_before = now - max(STALLED_AFTER, delivery_lease(current_app.config))
    stalled = or_(
        OutboxMessage.status == OutboxMessage.SENDING,
        and_(
            OutboxMessage.status == OutboxMessage.PENDING,
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
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_([OutboxMessage.SENDING, OutboxMessage.PENDING]))
        .values(status=OutboxMessage.PENDING, updated_at=now)
    )
    for message_id in ids:
        enqueue_after_commit(DELIVER_EMAIL_TASK, message_id)
    return len(ids)
