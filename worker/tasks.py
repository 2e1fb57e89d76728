"""Thin tasks: load by id, return if gone or done, call an expo service, commit."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from flask import current_app

from expo.background import enqueue_after_commit
from expo.extensions import db
from expo.leads import digest as lead_digest
from expo.leads import reports as lead_reports
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


@shared_task(name="leads.compile_lead_report", acks_late=True)
def compile_lead_report(report_id: int) -> str:
    """Idempotent by the claim: a done report is left alone, a crashed one (stale heartbeat) is redone."""
    claimed = lead_reports.claim(report_id)
    db.session.commit()
    if not claimed:
        return "skipped"
    try:
        for _step in lead_reports.compile_steps(report_id):
            db.session.commit()  # progress is visible to the page, and no transaction spans the compile
    except Exception as exc:
        db.session.rollback()
        lead_reports.record_failure(report_id, exc)
        db.session.commit()
        return "failed"
    return "done"


@shared_task(name="leads.requeue_stalled_lead_reports")
def requeue_stalled_lead_reports() -> int:
    count = lead_reports.requeue_stalled_reports()
    db.session.commit()
    return count


@shared_task(name="leads.send_daily_lead_digests")
def send_daily_lead_digests() -> int:
    day = lead_digest.digest_day()
    user_ids = lead_digest.due_users(day)
    for user_id in user_ids:
        enqueue_after_commit(lead_digest.SEND_TASK, user_id, day.isoformat())
    db.session.commit()
    return len(user_ids)


@shared_task(name="leads.send_lead_digest", acks_late=True)
def send_lead_digest(user_id: int, day: str) -> bool:
    sent = lead_digest.send_digest(user_id, date.fromisoformat(day))
    db.session.commit()
    return sent
