"""Periodic tasks run by celery beat."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "requeue-stalled-emails": {
        "task": "notifications.requeue_stalled_emails",
        "schedule": 300.0,
        # A sweep that waited longer than one interval is obsolete: the next one does the same work.
        "options": {"expires": 290},
    },
    "requeue-stalled-broadcasts": {
        "task": "broadcasts.requeue_stalled",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "claim-due-reminders": {
        "task": "registrations.claim_due_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "claim-due-meeting-reminders": {
        "task": "meetings.claim_due_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "requeue-stalled-webhooks": {
        "task": "webhooks.requeue_stalled",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "requeue-stalled-lead-reports": {
        "task": "leads.requeue_stalled_lead_reports",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # 00:15 UTC is the morning in China and ASEAN; each user's digest is keyed by day, so a second
    # firing (two beats, a restart) sends nothing twice.
    # 01:30 UTC, after the digests: each edition's period is counted in whole days at its venue.
    "apply-lead-retention": {
        "task": "leads.apply_lead_retention",
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": 12 * 3600},
    },
    "send-daily-lead-digests": {
        "task": "leads.send_daily_lead_digests",
        "schedule": crontab(hour=0, minute=15),
        "options": {"expires": 6 * 3600},
    },
}

# Engagement: page views wait in a buffer; analytics lag behind by at most about this interval.
BEAT_SCHEDULE["drain-engagement-events"] = {
    "task": "engagement.drain_events",
    "schedule": 15.0,
    "options": {"expires": 14},
}
