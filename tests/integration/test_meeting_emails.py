"""Meeting notices and reminders through the real stack: request → Redis → worker → SMTP, each once."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from icalendar import Calendar

from expo.accounts.models import User
from expo.accounts.services import hash_password
from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.meetings import services
from expo.meetings.models import Availability, Meeting, MeetingAttendee, MeetingStatus, Mode, Place, Side

if TYPE_CHECKING:
    from tests.integration.conftest import SmtpServer, WorkerProcess

pytestmark = pytest.mark.integration

PASSWORD = "saffron-lantern-harbour"


def arrange(app: Flask) -> dict:
    """A published edition, a team of two with a booth, a buyer; the owner is free online tomorrow."""
    with app.app_context():
        today = utcnow().date()
        edition = Edition(
            slug="19th",
            name="19th China-ASEAN Expo",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=33),
            timezone="Asia/Shanghai",
            status="published",
        )
        people = {
            name: User(
                email=f"{name}@example.com",
                name=name.title(),
                password_hash=hash_password(PASSWORD),
                email_confirmed_at=utcnow(),
                timezone=zone,
            )
            for name, zone in (("owner", "Asia/Shanghai"), ("staff", "Asia/Ho_Chi_Minh"), ("buyer", "Asia/Bangkok"))
        }
        company = ExhibitorCompany(slug="nanning-masks", name="Nanning Masks", status="approved")
        db.session.add_all([edition, company, *people.values()])
        db.session.flush()
        company.members = [
            CompanyMember(user_id=people["owner"].id, role="owner"),
            CompanyMember(user_id=people["staff"].id, role="staff"),
        ]
        booth = Booth(company_id=company.id, slug="nanning-masks", status="published")
        start = utcnow() + timedelta(days=1)
        db.session.add_all(
            [
                booth,
                Availability(
                    user_id=people["owner"].id, mode="online", starts_at=start, ends_at=start + timedelta(hours=3)
                ),
            ]
        )
        db.session.commit()
        [first, *_] = services.offered_slots(Side.TEAM, buyer=people["buyer"], company=company, edition=edition)
        return {
            "slot": f"online@{int(first.starts_at.timestamp())}",
            "edition_id": edition.id,
            **{name: user.id for name, user in people.items()},
            "company_id": company.id,
        }


def client_for(app: Flask, name: str):
    client = app.test_client()
    assert client.post("/login", data={"email": f"{name}@example.com", "password": PASSWORD}).status_code == 302
    return client


def test_request_and_acceptance_are_mailed_once_each_with_the_calendar(
    app: Flask, smtp_server: SmtpServer, celery_worker: WorkerProcess
) -> None:
    world = arrange(app)
    buyer = client_for(app, "buyer")
    response = buyer.post("/booths/nanning-masks/meetings/request", data={"slot": world["slot"], "message": "Hello"})
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])

    requests = smtp_server.wait_for_messages(2)
    assert sorted(mail.recipients for mail in requests) == [("owner@example.com",), ("staff@example.com",)]
    assert {mail.message["Subject"] for mail in requests} == {"Meeting request from Buyer"}

    owner = client_for(app, "owner")
    accepted = owner.post(
        f"/meetings/{meeting_id}/accept", data={"revision": 1, "attendees": [world["owner"]], "video_url": ""}
    )
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    mails = smtp_server.wait_for_messages(3)
    confirmation = mails[2]
    assert confirmation.recipients == ("buyer@example.com",)
    assert confirmation.message["Subject"] == "Meeting confirmed with Nanning Masks"
    [ics] = [part for part in confirmation.message.iter_attachments() if part.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Meeting with Nanning Masks"
    assert str(event["LOCATION"]).startswith("https://meet.jit.si/expo-")
    celery_worker.wait_until_idle()
    assert len(smtp_server.handler.received) == 3


def test_the_reminder_goes_out_once_to_each_person_however_often_the_sweep_runs(
    app: Flask, smtp_server: SmtpServer, celery_worker: WorkerProcess
) -> None:
    world = arrange(app)
    with app.app_context():
        starts_at = utcnow() + timedelta(minutes=30)
        meeting = Meeting(
            edition_id=world["edition_id"],
            buyer_id=world["buyer"],
            company_id=world["company_id"],
            requested_by="buyer",
            status=MeetingStatus.ACCEPTED,
            mode=Mode.ONLINE,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=20),
            place=Place.VIDEO,
            video_url="https://meet.example.com/r",
            accepted_at=utcnow(),
        )
        meeting.attendees = [MeetingAttendee(user_id=world["staff"])]
        db.session.add(meeting)
        db.session.commit()
        celery = app.extensions["celery"]
        # Two beat processes firing at once, and a third a minute later: all publish the sweep.
        for _ in range(3):
            celery.send_task("meetings.claim_due_reminders")
    reminders = smtp_server.wait_for_messages(2)
    assert sorted(mail.recipients for mail in reminders) == [("buyer@example.com",), ("staff@example.com",)]
    assert {mail.message["Subject"] for mail in reminders} == {
        "Your meeting with Nanning Masks starts within the hour",
        "Your meeting with Buyer starts within the hour",
    }
    celery_worker.wait_until_idle()
    assert len(smtp_server.handler.received) == 2
