"""The demo's month of activity: analytics with a weekly rhythm, inquiries in every status with their
quotations, compiled reports that open, a check-in account that checks in, a buyer with tickets, a
waiting-list place and favourites, notifications in the bell; loading again changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from expo.accounts.models import EditionRole, User
from expo.booths.models import Booth
from expo.demo.seed import DEMO_ACCOUNTS, load_demo_data
from expo.engagement.analytics import booth_analytics
from expo.engagement.models import EngagementEvent, Favourite
from expo.extensions import db
from expo.leads import services as leads
from expo.leads.models import InquiryMessage, InquiryNote, LeadReport, Quotation, TradeInquiry
from expo.leads.scoring import leads_query
from expo.notifications.models import Notification, OutboxMessage
from expo.registrations.models import Registration
from expo.registrations.services import TICKET_TASK
from tests.conftest import run_recorded_tasks

MODELS = (
    User,
    EngagementEvent,
    Favourite,
    TradeInquiry,
    InquiryMessage,
    InquiryNote,
    Quotation,
    LeadReport,
    Registration,
    Notification,
    EditionRole,
    OutboxMessage,
)


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in MODELS}


def account(role: str):
    return next(account for account in DEMO_ACCOUNTS if account.role == role)


def test_the_demo_shows_a_month_of_activity_and_loads_once(app, recorded_tasks):
    """One test, as the demo takes seconds to load: the checks share one load."""
    with app.test_request_context():
        edition = load_demo_data()
        db.session.commit()
        edition_slug = edition.slug
        # The past mails nothing and its reports are compiled; the buyer's three tickets go out as any do.
        # (The catalogues it loads queue their teams' matchmaking recomputation, as any catalogue does.)
        assert [name for name, _args in recorded_tasks if not name.startswith("matchmaking.")] == [TICKET_TASK] * 3
        db.session.commit()  # SQLite: the worker's session needs the write lock this one took reading
        run_recorded_tasks(app)
        buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
        assert {message.recipient for message in db.session.scalars(select(OutboxMessage))} == {buyer.email}
        loaded = counts()
        booth = db.session.scalar(select(Booth).where(Booth.slug == "nanning-mask-machinery"))
        check_analytics_and_ranking(booth)
        check_inquiries(booth)
        check_reports(app, booth)
        check_buyer(edition)
        check_meetings(edition)

        # A second load (and the seed command's --if-empty) adds nothing, sends nothing.
        load_demo_data()
        db.session.commit()
        assert counts() == loaded and recorded_tasks == []
    result = app.test_cli_runner().invoke(args=["expo", "seed-demo", "--if-empty"])
    assert "already has data" in result.output
    with app.app_context():
        assert counts() == loaded
    check_pages(app, edition_slug)


def check_analytics_and_ranking(booth: Booth) -> None:
    analytics = booth_analytics(booth, 30)
    # Every day of the month had visitors; today may have only just begun in the edition's zone
    # (at 16:00 UTC it is midnight in Nanning), so it is not held to it.
    assert len(analytics.daily) == 30 and all(day.visits > 0 for day in analytics.daily[:-1])
    assert analytics.totals.product_views > analytics.totals.visits / 2 and analytics.top_products
    # The week's rhythm: weekdays are busier than weekends.
    weekdays = [day.visits for day in analytics.daily if day.day.weekday() < 5]
    weekends = [day.visits for day in analytics.daily if day.day.weekday() >= 5]
    assert sum(weekdays) / len(weekdays) > 1.5 * sum(weekends) / len(weekends)
    # Nothing older than the month, nothing in the future; the demo exhibitor's booth is the busiest.
    first, last = db.session.execute(
        select(func.min(EngagementEvent.occurred_at), func.max(EngagementEvent.occurred_at))
    ).one()
    assert analytics.period.starts_at - timedelta(days=1) < first and last <= analytics.period.ends_at
    busiest = db.session.execute(
        select(EngagementEvent.booth_id).group_by(EngagementEvent.booth_id).order_by(func.count().desc()).limit(1)
    ).scalar()
    assert busiest == booth.id
    others = db.session.scalars(select(Booth).where(Booth.status == Booth.Status.PUBLISHED, Booth.id != booth.id)).all()
    assert all(not booth_analytics(other, 30).is_empty for other in others[:3])
    # The ranking names the buyers who wrote and those who share their details, never the team.
    ranked = db.session.execute(leads_query(booth, days=30)).all()
    names = [row[0].name for row in ranked]
    assert "Somchai Prasert" in names and len(names) >= 8
    assert "Chen Yuehe" not in names and "Nguyen Thi Lan" not in names


def check_inquiries(booth: Booth) -> None:
    statuses = leads.status_counts(booth)
    assert all(statuses[status] >= 1 for status in tuple(TradeInquiry.Status)), statuses
    quotations = set(db.session.scalars(select(Quotation.status)))
    assert quotations == {
        Quotation.Status.OPEN,
        Quotation.Status.ACCEPTED,
        Quotation.Status.DECLINED,
        Quotation.Status.SUPERSEDED,
        Quotation.Status.WITHDRAWN,
    }
    inquiries = db.session.scalars(select(TradeInquiry).where(TradeInquiry.booth_id == booth.id)).all()
    buyers = {inquiry.buyer.email for inquiry in inquiries}
    assert "buyer@example.com" in buyers and len(buyers) >= 6
    orders = [inquiry for inquiry in inquiries if inquiry.is_order_request]
    assert orders and all(100 <= inquiry.quantity <= 200 for inquiry in orders)
    assert any(inquiry.assignee and inquiry.assignee.email == "staff@example.com" for inquiry in inquiries)
    assert db.session.scalar(select(func.count(InquiryNote.id))) >= 5
    # Threads happened over the month, in order, and the team's answers give a public median.
    for inquiry in inquiries:
        times = db.session.scalars(
            select(InquiryMessage.created_at).where(InquiryMessage.inquiry_id == inquiry.id).order_by(InquiryMessage.id)
        ).all()
        assert times == sorted(times) and times[0] == inquiry.created_at and times[-1] <= inquiry.last_activity_at
    assert min(inquiry.created_at for inquiry in inquiries) < max(
        inquiry.created_at for inquiry in inquiries
    ) - timedelta(days=20)
    response = leads.response_time(booth)
    assert response.is_public and timedelta(hours=1) < response.median < timedelta(hours=12)
    # The past sent no e-mail: nothing about it waits in the outbox.
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind.like("leads.%"))) == 0


def check_reports(app, booth: Booth) -> None:
    reports = db.session.scalars(select(LeadReport).order_by(LeadReport.id)).all()
    assert [(report.scope, report.status) for report in reports] == [
        (LeadReport.BOOTH, LeadReport.Status.DONE),
        (LeadReport.EXPO, LeadReport.Status.DONE),
    ]
    booth_report = reports[0]
    assert booth_report.booth_id == booth.id and booth_report.rows_total == sum(leads.status_counts(booth).values())
    root = Path(app.config["STORAGE_PATH"])
    for report in reports:
        with open(root / report.csv_path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) == report.rows_total + 1
        workbook = load_workbook(root / report.xlsx_path, read_only=True)
        assert workbook.sheetnames == ["Summary", "Leads"]
        assert len(list(workbook["Leads"].iter_rows(values_only=True))) == report.rows_total + 1
        workbook.close()


def check_meetings(edition) -> None:
    """The organizers' rules and tables, and meetings requested, accepted and held (with its lead signal)."""
    from expo.meetings.models import Meeting, MeetingTable
    from expo.meetings.services import agenda_meetings, statistics_by_country

    assert db.session.scalar(select(func.count(MeetingTable.id)).where(MeetingTable.edition_id == edition.id)) == 10
    meetings = db.session.scalars(select(Meeting).where(Meeting.edition_id == edition.id)).all()
    assert {meeting.status for meeting in meetings} == {"requested", "accepted"}
    assert sum(meeting.is_held for meeting in meetings) == 1
    buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
    assert len(agenda_meetings(buyer)) == 2
    assert ("TH", 2, 2, 1) in statistics_by_country(edition)


def check_buyer(edition) -> None:
    buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
    registrations = db.session.scalars(select(Registration).where(Registration.user_id == buyer.id)).all()
    confirmed = [registration for registration in registrations if registration.status == Registration.Status.CONFIRMED]
    waiting = [registration for registration in registrations if registration.status == Registration.Status.WAITLISTED]
    assert len(confirmed) == 3 and all(registration.ticket_code for registration in confirmed)
    assert len(waiting) == 1 and waiting[0].session.seats_taken == waiting[0].session.capacity
    # Not the session the browser journey registers for, and not checked in: the journey does that.
    titles = {registration.session.title for registration in registrations}
    assert not any(title.startswith("Prevention and control technology") for title in titles)
    assert all(registration.checked_in_at is None for registration in registrations)
    assert db.session.scalar(select(func.count(Favourite.id)).where(Favourite.user_id == buyer.id)) >= 5
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == buyer.id, Notification.kind == "registration.ticket"
            )
        )
        == 3
    )
    # The bell: something unread for the buyer and for the exhibitor.
    owner = db.session.scalar(select(User).where(User.email == "exhibitor@example.com"))
    for user in (buyer, owner):
        assert (
            db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.user_id == user.id, Notification.read_at.is_(None)
                )
            )
            >= 1
        )
    # Some delegates are already through the door, checked in by the check-in account.
    checker = db.session.scalar(select(User).where(User.email == "checkin@example.com"))
    assert (
        db.session.scalar(select(func.count(Registration.id)).where(Registration.checked_in_by_id == checker.id)) >= 10
    )
    seats = [(registration.session_id, registration.session.seats_taken) for registration in confirmed]
    for session_id, taken in seats:
        assert taken == db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.session_id == session_id, Registration.status == Registration.Status.CONFIRMED
            )
        )


def check_pages(app, edition_slug: str) -> None:
    def logged_in(role: str):
        client = app.test_client()
        demo = account(role)
        assert client.post("/login", data={"email": demo.email, "password": demo.password}).status_code == 302
        return client

    exhibitor = logged_in("exhibitor owner")
    booth = "/booths/nanning-mask-machinery"
    for path in (f"{booth}/analytics", f"{booth}/leads/", f"{booth}/leads/ranking", f"{booth}/leads/reports"):
        assert exhibitor.get(path).status_code == 200, path
    with app.app_context():
        report_id = db.session.scalar(select(LeadReport.id).where(LeadReport.scope == LeadReport.BOOTH))
    download = exhibitor.get(f"{booth}/leads/reports/{report_id}/xlsx")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.data), read_only=True).sheetnames == ["Summary", "Leads"]

    buyer = logged_in("attendee (buyer)")
    agenda = buyer.get("/my/agenda").get_data(as_text=True)
    assert "China-ASEAN drug cooperation development summit" in agenda and "Dental care" in agenda

    # The check-in account opens the desk and checks a delegate in; it can do nothing else.
    desk = logged_in("check-in staff")
    assert desk.get(f"/editions/{edition_slug}/checkin/").status_code == 200
    with app.app_context():
        from expo.registrations.tickets import ticket_payload

        waiting = db.session.scalars(
            select(Registration)
            .where(Registration.status == Registration.Status.CONFIRMED, Registration.checked_in_at.is_(None))
            .order_by(Registration.id)
        ).first()
        payload, name = ticket_payload(waiting), waiting.user.name
    response = desk.post(f"/editions/{edition_slug}/checkin/scan", json={"code": payload})
    assert response.status_code == 200 and name in response.get_data(as_text=True)
    assert desk.get("/organize/lead-reports").status_code in (403, 404)
    assert desk.get(f"{booth}/leads/").status_code in (403, 404)
