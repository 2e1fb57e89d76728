"""Reminders 24 hours and 1 hour before a session: each exactly once, whatever the scheduler does."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from expo.extensions import db
from expo.registrations.models import SentReminder
from expo.registrations.reminders import REMINDER_TASK, claim_due_reminders
from tests.conftest import outbox_messages, run_recorded_tasks

NOW = datetime(2027, 9, 10, 0, 0, tzinfo=UTC)


@pytest.fixture()
def forum(factory):
    return factory.forum(factory.edition())


def test_each_reminder_is_claimed_once_even_if_the_scheduler_fires_twice(app, factory, forum, recorded_tasks):
    session = factory.programme_session(forum, starts_at=NOW + timedelta(hours=20))
    registration = factory.registration(factory.user(), session)
    with app.app_context():
        assert claim_due_reminders(NOW) == [(registration.id, session.id, "24h")]
        db.session.commit()
        assert claim_due_reminders(NOW) == []
        assert claim_due_reminders(NOW + timedelta(minutes=1)) == []
        db.session.commit()
    assert recorded_tasks == [(REMINDER_TASK, (registration.id, session.id, "24h"))]


def test_one_hour_reminder_follows_and_a_late_registration_gets_only_that_one(app, factory, forum):
    soon = factory.programme_session(forum, starts_at=NOW + timedelta(minutes=50))
    early, late = factory.user(), factory.user()
    early_registration = factory.registration(early, soon)
    with app.app_context():
        db.session.add(SentReminder(registration_id=early_registration.id, session_id=soon.id, window="24h"))
        db.session.commit()
    late_registration = factory.registration(late, soon)
    with app.app_context():
        claimed = claim_due_reminders(NOW)
        db.session.commit()
    assert sorted(claimed) == sorted([(early_registration.id, soon.id, "1h"), (late_registration.id, soon.id, "1h")])


def test_nothing_for_sessions_far_away_past_or_for_waitlisted_people(app, factory, forum):
    far = factory.programme_session(forum, starts_at=NOW + timedelta(days=3))
    past = factory.programme_session(forum, starts_at=NOW - timedelta(hours=1))
    near = factory.programme_session(forum, starts_at=NOW + timedelta(hours=5))
    factory.registration(factory.user(), far)
    factory.registration(factory.user(), past)
    factory.registration(factory.user(), near, status="waitlisted", waitlist_number=1)
    factory.registration(factory.user(), near, status="cancelled")
    with app.app_context():
        assert claim_due_reminders(NOW) == []


def test_course_enrolments_are_reminded_before_each_session(app, factory):
    edition = factory.edition()
    course = factory.forum(edition, kind="training", enrols_whole_course=True)
    first = factory.programme_session(course, starts_at=NOW + timedelta(hours=10))
    factory.programme_session(course, starts_at=NOW + timedelta(days=2))
    enrolment = factory.registration(factory.user(), course)
    with app.app_context():
        assert claim_due_reminders(NOW) == [(enrolment.id, first.id, "24h")]


def test_reminder_email_in_the_recipients_zone(app, factory, forum):
    session = factory.programme_session(forum, title="Dental care", starts_at=NOW + timedelta(hours=20))
    factory.registration(factory.user(timezone="Asia/Manila", email="lan@example.com"), session)
    with app.app_context():
        claim_due_reminders(NOW)
        db.session.commit()
    run_recorded_tasks(app)
    [message] = outbox_messages(app)
    assert "Subject: Tomorrow: Dental care" in message
    assert "(Asia/Manila)" in message and re.search(r"Sat, Sep 11(, 2027)?, 4:00", message)  # 20:00Z is 04:00 in Manila
