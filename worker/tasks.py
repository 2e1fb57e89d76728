"""Thin tasks: load by id, return if gone or done, call an expo service, commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from celery import shared_task
from flask import current_app

from expo.background import enqueue_after_commit
from expo.badges import prints as badge_prints
from expo.broadcasts import services as broadcasts
from expo.catalog import images as product_images
from expo.engagement.buffer import MAX_BATCHES_PER_RUN, current_buffer
from expo.engagement.services import store_events
from expo.extensions import db
from expo.leads import digest as lead_digest
from expo.leads import reports as lead_reports
from expo.leads import retention as lead_retention
from expo.matchmaking import hosted as hosted_programme
from expo.matchmaking import services as matchmaking
from expo.meetings import notify as meeting_notices
from expo.notifications import delivery, mailer
from expo.notifications import services as notifications
from expo.registrations import notify as registration_notices
from expo.registrations import reminders
from expo.webhooks import services as webhooks


@shared_task(name="notifications.deliver_email", acks_late=True)
def deliver_email(message_id: int) -> str:
    # Claims, sends and records, committing before each network step; a temporary failure publishes
    # this task again after its backoff. Returns "sent", "skipped", "failed" or "retrying".
    try:
        run = delivery.deliver_messages([message_id])
    except mailer.ServerUnavailable:
        return "retrying"  # recorded on the message, and this task published again after its backoff
    return run.results[message_id]


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


@shared_task(name="broadcasts.prepare", acks_late=True)
def prepare_broadcast(broadcast_id: int) -> int:
    batches = broadcasts.prepare_broadcast(broadcast_id)
    db.session.commit()
    return batches


@shared_task(bind=True, name="broadcasts.send_batch", acks_late=True, max_retries=None)
def send_broadcast_batch(self, broadcast_id: int, batch_number: int) -> dict:
    config = current_app.config
    try:
        outcome = broadcasts.send_batch(broadcast_id, batch_number)
    except mailer.ServerUnavailable as exc:
        # Every message of the batch would fail the same way: try the batch again after a while.
        delay = notifications.retry_delay_seconds(self.request.retries + 1, config["MAIL_RETRY_BASE_SECONDS"])
        raise self.retry(countdown=delay, exc=exc)
    if outcome.held_elsewhere:
        # Claimed by a worker that may have died: back once its claim can be taken over.
        raise self.retry(countdown=notifications.delivery_lease(config).total_seconds())
    return vars(outcome)


@shared_task(name="broadcasts.requeue_stalled")
def requeue_stalled_broadcasts() -> int:
    count = broadcasts.requeue_stalled_broadcasts()
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


def _run_job(
    job_id: int,
    claim: Callable[[int], bool],
    steps: Callable[[int], Iterator[str]],
    record_failure: Callable[[int, BaseException], None],
) -> str:
    """A job of expo.lib.jobs: claimed, run step by step, a failure recorded for its page.
    Returns "done", "failed", or "skipped" (done already, or running elsewhere)."""
    claimed = claim(job_id)
    db.session.commit()
    if not claimed:
        return "skipped"
    try:
        for _step in steps(job_id):
            db.session.commit()  # the page sees the progress, and no transaction spans the whole job
    except Exception as exc:
        db.session.rollback()
        record_failure(job_id, exc)
        db.session.commit()
        return "failed"
    return "done"


@shared_task(name="leads.compile_lead_report", acks_late=True)
def compile_lead_report(report_id: int) -> str:
    """Idempotent by the claim: a done report is left alone, a crashed one (stale heartbeat) is redone."""
    return _run_job(report_id, lead_reports.claim, lead_reports.compile_steps, lead_reports.record_failure)


@shared_task(name="badges.make_badge_print", acks_late=True)
def make_badge_print(print_id: int) -> str:
    """Idempotent by the claim: a done print is left alone, a crashed one (stale heartbeat) is made again."""
    return _run_job(print_id, badge_prints.claim, badge_prints.make_steps, badge_prints.record_failure)


@shared_task(name="badges.issue_badges")
def issue_badges(edition_id: int, actor_id: int | None) -> int:
    """Idempotent: a badge is created once per person and edition (a unique key), whoever runs first."""
    created = badge_prints.issue_for_task(edition_id, actor_id)
    db.session.commit()
    return created


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


@shared_task(name="leads.apply_lead_retention")
def apply_lead_retention() -> int:
    """Daily: remove the personal data of the leads of every edition whose retention period is over.
    Idempotent: a second run (or a second beat) finds nothing left and records nothing."""
    removed = 0
    for removal in lead_retention.apply_due_retention():
        db.session.commit()  # one edition at a time
        removed += removal.stand_scans
    return removed


@shared_task(name="leads.send_lead_digest", acks_late=True)
def send_lead_digest(user_id: int, day: str) -> bool:
    sent = lead_digest.send_digest(user_id, date.fromisoformat(day))
    db.session.commit()
    return sent


# Meetings: a notice per event, published after the commit that made it; reminders claimed once.
@shared_task(name="meetings.notify", acks_late=True)
def notify_meeting(meeting_id: int, event: str, acting: str, revision: int) -> int:
    told = meeting_notices.tell(meeting_id, event, acting, revision)
    db.session.commit()
    return told


@shared_task(name="meetings.claim_due_reminders")
def claim_due_meeting_reminders() -> int:
    claimed = meeting_notices.claim_due_reminders()
    db.session.commit()
    return len(claimed)


@shared_task(name="meetings.send_reminder", acks_late=True)
def send_meeting_reminder(meeting_id: int, person_id: int) -> bool:
    sent = meeting_notices.send_reminder(meeting_id, person_id)
    db.session.commit()
    return sent


# Matchmaking: a task computes only if the change it was queued for is not computed yet (the stale flag).
@shared_task(name="matchmaking.recompute_buyer", acks_late=True)
def recompute_buyer_recommendations(user_id: int) -> int | None:
    stored = matchmaking.recompute_for_buyer(user_id)
    db.session.commit()
    return stored


@shared_task(name="matchmaking.recompute_company", acks_late=True)
def recompute_company_recommendations(company_id: int) -> int | None:
    stored = matchmaking.recompute_for_company(company_id)
    db.session.commit()
    return stored


@shared_task(name="matchmaking.build_plan", acks_late=True)
def build_hosted_buyer_plan(edition_id: int, version: int) -> str:
    outcome = hosted_programme.build_plan(
        edition_id, version, time_limit=float(current_app.config["HOSTED_PLAN_TIME_LIMIT"])
    )
    db.session.commit()
    return outcome


@shared_task(name="matchmaking.book_plan", acks_late=True)
def book_hosted_buyer_plan(edition_id: int) -> str:
    # Idempotent by the programme's status: only a plan being published is booked, once.
    outcome = hosted_programme.book_plan(edition_id)
    db.session.commit()
    return outcome


@shared_task(name="matchmaking.notify_published", acks_late=True)
def notify_hosted_plan_published(edition_id: int) -> int:
    sent = hosted_programme.notify_published(edition_id)
    db.session.commit()
    return sent


# Webhooks: on the default queue (the mail and report queues route other names).
@shared_task(name="webhooks.deliver", acks_late=True)
def deliver_webhook(delivery_id: int) -> str:
    """Idempotent by the claim: a delivered, failed or held delivery is left alone."""
    claim = webhooks.claim(delivery_id)
    db.session.commit()  # the claim (and the attempt it counts) stands before the request goes out
    if claim is None:
        return "skipped"
    response = webhooks.send(claim)
    status = webhooks.record_outcome(claim, response)
    db.session.commit()  # publishes the retry, if any, with its backoff
    return status or "skipped"


@shared_task(name="webhooks.requeue_stalled")
def requeue_stalled_webhooks() -> int:
    count = webhooks.requeue_stalled_deliveries()
    db.session.commit()
    return count
