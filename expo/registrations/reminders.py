"""Reminders 24 hours and 1 hour before a session, each sent exactly once per registration."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from expo.background import enqueue_after_commit
from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db
from expo.forums.models import ProgrammeSession
from expo.registrations.models import Registration, SentReminder

REMINDER_TASK = "registrations.send_reminder"
WINDOWS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}


def _due(window: str, lower: datetime, upper: datetime, now: datetime):
    """(registration, session) pairs whose session starts in (lower, upper]: registrations for the
    session itself and enrolments in the course it belongs to."""
    in_window = (ProgrammeSession.starts_at > lower, ProgrammeSession.starts_at <= upper)
    columns = (literal(window), literal(now, UTCDateTime()))
    for_session = (
        select(Registration.id, ProgrammeSession.id, *columns)
        .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
        .where(Registration.status == Registration.Status.CONFIRMED, *in_window)
    )
    for_course = (
        select(Registration.id, ProgrammeSession.id, *columns)
        .join(ProgrammeSession, ProgrammeSession.forum_id == Registration.forum_id)
        .where(Registration.status == Registration.Status.CONFIRMED, *in_window)
    )
    return union_all(for_session, for_course)


def claim_due_reminders(now: datetime | None = None) -> list[tuple[int, int, str]]:
    """Claim the reminders that are due and queue them; returns (registration, session, window).

    INSERT ... ON CONFLICT DO NOTHING on the (registration, session, window) key is the guard: a
    scheduler that fires twice, or two beat processes at once, find nothing left to claim.
    A 24-hour reminder is skipped for sessions already less than an hour away: the 1-hour one covers them.
    """
    now = now or utcnow()
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    claimed: list[tuple[int, int, str]] = []
    for window, lower in (("24h", now + WINDOWS["1h"]), ("1h", now)):
        statement = (
            insert(SentReminder)
            .from_select(
                ["registration_id", "session_id", "window", "claimed_at"],
                _due(window, lower, now + WINDOWS[window], now),
            )
            .on_conflict_do_nothing()
            .returning(SentReminder.registration_id, SentReminder.session_id, SentReminder.window)
        )
        for registration_id, session_id, claimed_window in db.session.execute(statement).all():
            enqueue_after_commit(REMINDER_TASK, registration_id, session_id, claimed_window)
            claimed.append((registration_id, session_id, claimed_window))
    return claimed
