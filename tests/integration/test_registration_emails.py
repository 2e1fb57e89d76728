"""Registration e-mails through the real stack: request → Redis → worker → SMTP, with attachments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from expo.accounts.models import User
from expo.accounts.services import hash_password
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.registrations.models import Registration

if TYPE_CHECKING:
    from tests.integration.conftest import SmtpServer, WorkerProcess

pytestmark = pytest.mark.integration

PASSWORD = "saffron-lantern-harbour"


def arrange(app: Flask, *, capacity: int, starts_at: datetime) -> tuple[int, list[str]]:
    with app.app_context():
        edition = Edition(
            slug="18th",
            name="18th China-ASEAN Expo",
            starts_on=starts_at.date(),
            ends_on=starts_at.date() + timedelta(days=3),
            timezone="Asia/Shanghai",
            status="published",
        )
        forum = Forum(edition=edition, slug="dentistry", title="Forum on Dentistry", kind="sub")
        session = ProgrammeSession(
            forum=forum,
            title="Dental care",
            capacity=capacity,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            stream_url="https://stream.example.com/d",
        )
        emails = [f"delegate{n}@example.com" for n in range(capacity + 1)]
        db.session.add_all([edition, forum, session])
        db.session.add_all(
            User(
                email=email,
                name=email.split("@")[0],
                password_hash=hash_password(PASSWORD),
                email_confirmed_at=utcnow(),
                timezone="Asia/Bangkok",
            )
            for email in emails
        )
        db.session.commit()
        return session.id, emails


def register(app: Flask, email: str, session_id: int):
    client: FlaskClient = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    response = client.post(f"/editions/18th/sessions/{session_id}/register")
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def test_ticket_arrives_with_calendar_and_qr_and_promotion_follows_a_cancellation(
    app: Flask, smtp_server: SmtpServer, celery_worker: WorkerProcess
) -> None:
    session_id, (holder, waiting) = arrange(app, capacity=1, starts_at=datetime(2027, 9, 11, 1, tzinfo=UTC))
    holder_client = register(app, holder, session_id)
    register(app, waiting, session_id)

    [ticket] = smtp_server.wait_for_messages(1)
    assert ticket.recipients == (holder,)
    assert ticket.message["Subject"] == "Your ticket: Dental care"
    attachments = {part.get_filename(): part for part in ticket.message.iter_attachments()}
    calendar = Calendar.from_ical(attachments["expo-agenda.ics"].get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Dental care"
    assert attachments["expo-ticket.png"].get_content()[:8] == b"\x89PNG\r\n\x1a\n"

    with app.app_context():
        registration_id = db.session.scalar(
            db.select(Registration.id).join(User, Registration.user_id == User.id).where(User.email == holder)
        )
    assert holder_client.post(f"/registrations/{registration_id}/cancel").status_code == 302
    messages = smtp_server.wait_for_messages(2)
    assert messages[1].recipients == (waiting,)
    assert messages[1].message["Subject"] == "A seat is yours: Dental care"
    celery_worker.wait_until_idle()
    assert len(smtp_server.handler.received) == 2


def test_reminder_task_run_twice_sends_each_reminder_once(
    app: Flask, smtp_server: SmtpServer, celery_worker: WorkerProcess
) -> None:
    session_id, emails = arrange(app, capacity=1, starts_at=utcnow() + timedelta(hours=20))
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == emails[0]))
        db.session.add(Registration(user_id=user_id, session_id=session_id, status="confirmed", confirmed_at=utcnow()))
        db.session.commit()
        celery = app.extensions["celery"]
        # Two beat processes firing at once: both publish the sweep.
        celery.send_task("registrations.claim_due_reminders")
        celery.send_task("registrations.claim_due_reminders")
    [reminder] = smtp_server.wait_for_messages(1)
    assert reminder.message["Subject"] == "Tomorrow: Dental care"
    celery_worker.wait_until_idle()
    assert len(smtp_server.handler.received) == 1
