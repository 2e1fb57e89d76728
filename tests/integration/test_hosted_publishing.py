"""The hosted-buyer plan through the real stack, on PostgreSQL: the organizer asks for a plan and
publishes it in the browser's requests; the real worker builds it, books each meeting through the
meetings service and tells everyone (e-mails with the calendar entry over SMTP)."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from sqlalchemy import func, select

from expo.extensions import db
from expo.matchmaking.models import Choice, HostedBuyer, HostedChoice, HostedProgramme, PlannedMeeting
from expo.meetings.models import Meeting, MeetingHold, MeetingSettings, MeetingTable
from expo.notifications.models import Notification
from tests.conftest import log_in
from tests.dates import EDITION_ENDS, EDITION_STARTS
from tests.integration.conftest import wait_for

if TYPE_CHECKING:
    from tests.integration.conftest import SmtpServer, WorkerProcess

pytestmark = pytest.mark.integration


def _status(app: Flask, edition_id: int) -> str | None:
    with app.app_context():
        status = db.session.scalar(select(HostedProgramme.status).where(HostedProgramme.edition_id == edition_id))
        db.session.remove()
    return status


def test_the_worker_plans_and_books_the_programme_into_everyones_agenda(
    app: Flask, factory, celery_worker: WorkerProcess, smtp_server: SmtpServer
) -> None:
    edition = factory.edition(slug="caexpo", name="CAEXPO", starts_on=EDITION_STARTS, ends_on=EDITION_ENDS)
    organizer = factory.organizer(edition=edition, name="Li Wei")
    pavilion = factory.pavilion(edition)
    buyers = [factory.user(name=f"Buyer {n}", email=f"buyer{n}@example.com") for n in range(2)]
    owner = factory.user(name="Chen Yuehe", email="owner@example.com")
    company = factory.company(owner=owner, name="Nanning Masks")
    factory.placement(factory.booth(company), pavilion, stand="A-12")
    with app.app_context():
        db.session.add(
            MeetingSettings(
                edition_id=edition.id,
                slot_minutes=20,
                day_starts=time(9),
                day_ends=time(10),
                max_pending_per_buyer=10,
                max_pending_per_team=30,
            )
        )
        db.session.add(MeetingTable(edition_id=edition.id, name="T1", capacity=4))
        for buyer in buyers:
            db.session.add(HostedBuyer(edition_id=edition.id, user_id=buyer.id, status="accepted"))
            for side in ("buyer", "team"):
                db.session.add(
                    HostedChoice(
                        edition_id=edition.id, buyer_id=buyer.id, company_id=company.id, side=side, choice=Choice.MUST
                    )
                )
        db.session.commit()

    client = app.test_client()
    log_in(client, organizer)
    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan").status_code == 302
    wait_for(lambda: _status(app, edition.id) == "planned" or None, what="the worker's plan")
    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/publish").status_code == 302
    wait_for(lambda: _status(app, edition.id) == "published" or None, what="the worker's booking of the plan")

    with app.app_context():
        meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
        assert [(m.buyer_id, m.origin, m.status) for m in sorted(meetings, key=lambda m: m.buyer_id)] == [
            (buyers[0].id, "scheduled", "accepted"),
            (buyers[1].id, "scheduled", "accepted"),
        ]
        assert meetings[0].starts_at != meetings[1].starts_at  # the team meets one buyer at a time
        # 20 minutes are four 5-minute holds, for the buyer, the owner and the table.
        assert db.session.scalar(select(func.count(MeetingHold.id))) == 2 * 3 * 4
        assert set(db.session.scalars(select(PlannedMeeting.meeting_id))) == {m.id for m in meetings}
        db.session.remove()

    mail = smtp_server.wait_for_messages(4)  # each meeting to its buyer and to the owner, calendar attached
    subjects = sorted(str(received.message["Subject"]) for received in mail)
    assert subjects == sorted(
        ["Meeting scheduled with Nanning Masks"] * 2
        + ["Meeting scheduled with Buyer 0", "Meeting scheduled with Buyer 1"]
    )
    assert all(any(part.get_content_type() == "text/calendar" for part in received.message.walk()) for received in mail)

    def summaries():
        with app.app_context():
            rows = db.session.scalars(
                select(Notification.title).where(Notification.kind == "matchmaking.schedule_published")
            ).all()
            db.session.remove()
        return sorted(rows) if len(rows) == 3 else None

    assert wait_for(summaries, what="the summary notices") == sorted(
        ["Your hosted-buyer meetings at CAEXPO: 1"] * 2 + ["Your hosted-buyer meetings at CAEXPO: 2"]
    )
    celery_worker.wait_until_idle()
