"""Thin tasks: load by id, return if gone or done, call an expo service, commit."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from expo.catalog import images as product_images
from expo.engagement.buffer import MAX_BATCHES_PER_RUN, current_buffer
from expo.engagement.services import store_events
from expo.extensions import db
from expo.notifications import mailer
from expo.notifications import services as notifications
from expo.organize import messaging as audience_messaging
from expo.registrations import notify as registration_notices
from expo.registrations import reminders


@shared_task(bind=True, name="notifications.deliver_email", max_retries=None, acks_late=True)
def deliver_email(self, message_id: int) -> str:
    envelope = notifications.claim_for_delivery(message_id)
    db.session.commit()  # the claim is visible to every other worker before we talk to SMTP
    if envelope is None:
        return "skipped"
    config = current_app.config
    try:
        try:
            mailer.send(envelope)
        except (mailer.TemporaryFailure, mailer.PermanentFailure):
            raise
        except Exception as exc:  # an unexpected bug must not leave the message "sending" forever
            raise mailer.TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
    except (mailer.TemporaryFailure, mailer.PermanentFailure) as exc:
        delay = notifications.record_failure(
            message_id, str(exc), permanent=isinstance(exc, mailer.PermanentFailure),
            max_attempts=config["MAIL_MAX_ATTEMPTS"], retry_base_seconds=config["MAIL_RETRY_BASE_SECONDS"],
        )
        db.session.commit()
        if delay is None:
            return "failed"
        raise self.retry(countdown=delay, exc=exc)
    notifications.record_delivery(message_id)
    db.session.commit()
    return "sent"


@shared_task(name="notifications.requeue_stalled_emails")
def requeue_stalled_emails() -> int:
    count = notifications.requeue_stalled_messages()
    db.session.commit()
    return count


@shared_task(name="registrations.send_ticket", acks_late=True)
def send_ticket(registration_id: int) -> None:
    registration_notices.send_ticket(registration_id)
    db.session.commit()


@shared_task(name="registrations.notify_promoted", acks_late=True)
def notify_promoted(registration_id: int) -> None:
    registration_notices.notify_promoted(registration_id)
    db.session.commit()


@shared_task(name="registrations.send_reminder", acks_late=True)
def send_reminder(registration_id: int, session_id: int, window: str) -> None:
    registration_notices.send_reminder(registration_id, session_id, window)
    db.session.commit()


@shared_task(name="registrations.claim_due_reminders")
def claim_due_reminders() -> int:
    claimed = reminders.claim_due_reminders()
    db.session.commit()
    return len(claimed)




@shared_task(name="registrations.fan_out_audience_message", acks_late=True)
def fan_out_audience_message(message_id: int) -> int:
    queued = audience_messaging.fan_out_audience_message(message_id)
    db.session.commit()
    return queued


@shared_task(name="registrations.requeue_stalled_audience_messages")
def requeue_stalled_audience_messages() -> int:
    count = audience_messaging.requeue_stalled_audience_messages()
    db.session.commit()
    return count


# Engagement: buffered page views become engagement_events rows, a batch per transaction.
@shared_task(name="engagement.drain_events")
def drain_engagement_events() -> int:
    buffer = current_buffer()
    stored = 0
    with buffer.drain_lock() as lock:
        if lock is None:
            return 0  # another beat process is draining; it will take these too
        for _ in range(MAX_BATCHES_PER_RUN):
            batch = buffer.read_batch()
            if not batch:
                break
            stored += store_events(batch.events)
            db.session.commit()  # durable before trimmed: a crash in between writes the batch again, once
            if not buffer.trim(batch, lock):
                break  # the lock ran out; its new holder trims what we wrote
    return stored


@shared_task(name="catalog.make_thumbnails", acks_late=True)
def make_thumbnails(image_id: int) -> str | None:
    thumbnail = product_images.make_product_thumbnail(image_id)
    db.session.commit()
    return thumbnail
