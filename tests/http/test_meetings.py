"""Meeting pages and actions through the test client: the buyer's request from a booth, the team's
inbox and answers, the agenda and .ics, the organizers' rules, tables and statistics."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from expo.audit.models import AuditEntry
from expo.editions.models import Pavilion
from expo.extensions import db
from expo.meetings import services
from expo.meetings.models import Meeting, MeetingAttendee, MeetingProduct, MeetingStatus, MeetingTable
from tests.conftest import count_queries, log_in
from tests.dates import EDITION_ENDS, EDITION_STARTS, EDITION_YEAR, short_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


def venue(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the edition (10–13 September next year), venue time, in UTC."""
    return datetime(EDITION_YEAR, 9, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def when(start: datetime, zone: str, end: datetime | None = None) -> str:
    """A meeting's time as the pages write it in ``zone``: 'Sat, Sep 11, 8:00 AM – 8:20 AM' (with the
    year when it is not this year's)."""
    local = start.astimezone(ZoneInfo(zone))
    text = f"{short_day(local.date())}, {clock(local)}"
    return f"{text} – {clock(end.astimezone(ZoneInfo(zone)))}" if end is not None else text


def clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M}\u202f{'AM' if moment.hour < 12 else 'PM'}"


def slot_value(starts_at: datetime, mode: str = "venue") -> str:
    return f"{mode}@{int(starts_at.timestamp())}"


@pytest.fixture()
def world(app, factory, monkeypatch):
    # Pages offer slots from "now" on: freeze now before the edition.
    monkeypatch.setattr("expo.meetings.slots.utcnow", lambda: datetime(EDITION_YEAR, 9, 1, tzinfo=UTC))
    monkeypatch.setattr("expo.meetings.services.utcnow", lambda: datetime(EDITION_YEAR, 9, 1, tzinfo=UTC))
    edition = factory.edition(starts_on=EDITION_STARTS, ends_on=EDITION_ENDS)
    owner = factory.user(name="Chen Yuehe", timezone="Asia/Shanghai")
    staff = factory.user(name="Nguyen Thi Lan", timezone="Asia/Shanghai")
    buyer = factory.user(name="Somchai Prasert", timezone="Asia/Bangkok", country="TH")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Masks")
    booth = factory.booth(company)
    product = factory.product(booth, name="KN95 respirator")
    pavilion = factory.pavilion(edition, name="Public Health")
    factory.placement(booth, pavilion, stand="A-12")
    with app.app_context():
        db.session.add(MeetingTable(edition_id=edition.id, name="T1", capacity=4))
        for user in (owner, staff):
            db.session.add(
                services.Availability(
                    user_id=user.id, mode="venue", edition_id=edition.id, starts_at=venue(11, 9), ends_at=venue(11, 12)
                )
            )
        db.session.add(
            services.Availability(
                user_id=buyer.id, mode="venue", edition_id=edition.id, starts_at=venue(11, 9), ends_at=venue(11, 17)
            )
        )
        db.session.commit()
        table_id = db.session.query(MeetingTable.id).scalar()
    return dict(
        edition=edition,
        owner=owner,
        staff=staff,
        buyer=buyer,
        company=company,
        booth=booth,
        product=product,
        table_id=table_id,
    )


def request_as_buyer(client, world, starts_at=None) -> int:
    response = client.post(
        f"/booths/{world['booth'].slug}/meetings/request",
        data={
            "slot": slot_value(starts_at or venue(11, 10, 20)),
            "products": [world["product"].id],
            "message": "Prices for 200,000 pieces?",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_the_booth_page_offers_a_meeting_and_the_form_lists_the_teams_slots_in_the_buyers_zone(client, world):
    log_in(client, world["buyer"])
    page = client.get(f"/booths/{world['booth'].slug}").get_data(as_text=True)
    assert f"/booths/{world['booth'].slug}/meetings/request" in page and "Request a meeting" in page
    form = client.get(f"/booths/{world['booth'].slug}/meetings/request?product={world['product'].id}")
    text = form.get_data(as_text=True)
    assert form.status_code == 200
    # 09:00 at the venue is 08:00 in Bangkok.
    assert when(venue(11, 9), "Asia/Bangkok", venue(11, 9, 20)) in text
    assert when(venue(11, 9), "Asia/Bangkok").endswith("8:00\u202fAM")
    assert re.search(rf'value="{world["product"].id}" id="product-{world["product"].id}"[^>]* checked', text)


def test_a_buyer_requests_and_the_team_accepts_and_both_see_it_in_their_agenda(app, world):
    buyer, team = app.test_client(), app.test_client()
    log_in(buyer, world["buyer"])
    meeting_id = request_as_buyer(buyer, world)
    page = buyer.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Waiting for the other side" in page
    assert when(venue(11, 10, 20), "Asia/Bangkok", venue(11, 10, 40)) in page  # 10:20 at the venue: 9:20 in Bangkok

    log_in(team, world["staff"])
    inbox = team.get(f"/booths/{world['booth'].slug}/meetings").get_data(as_text=True)
    assert "Somchai Prasert" in inbox and "KN95 respirator" in inbox
    assert when(venue(11, 10, 20), "Asia/Shanghai") in inbox  # the team member's own zone
    page = team.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    response = team.post(
        f"/meetings/{meeting_id}/accept",
        data={"revision": revision, "attendees": [world["staff"].id], "place": f"table:{world['table_id']}"},
    )
    assert response.status_code == 302
    for client, other in ((buyer, "Nanning Masks"), (team, "Somchai Prasert")):
        agenda = client.get("/my/agenda").get_data(as_text=True)
        assert f"Meeting with {other}" in agenda
        ics = client.get(f"/meetings/{meeting_id}/meeting.ics")
        assert ics.mimetype == "text/calendar" and b"LOCATION:Meeting table T1" in ics.data
    feed_user = world["buyer"]
    with app.app_context():
        from expo.accounts.models import User

        token = db.session.get(User, feed_user.id).calendar_token
    assert b"Meeting with Nanning Masks" in buyer.get(f"/calendar/{token}.ics").data


def test_a_second_acceptance_of_the_same_slot_is_a_409_that_names_who_is_busy(app, world, factory):
    other_buyer = factory.user(name="Maria Santos", timezone="Asia/Manila")
    buyer, other, team = app.test_client(), app.test_client(), app.test_client()
    log_in(buyer, world["buyer"])
    log_in(other, other_buyer)
    first = request_as_buyer(buyer, world)
    second = request_as_buyer(other, world)
    log_in(team, world["staff"])
    for meeting_id, expected in ((first, 302), (second, 409)):
        response = team.post(
            f"/meetings/{meeting_id}/accept", data={"revision": 1, "attendees": [world["staff"].id], "place": "stand"}
        )
        assert response.status_code == expected
    text = response.get_data(as_text=True)
    assert "Nguyen Thi Lan is no longer free at 10:20\u202fAM; pick another slot." in text
    with app.app_context():
        assert db.session.get(Meeting, second).status == "requested"  # nothing half-done


def test_a_stale_page_cannot_decide_twice(app, world):
    buyer, team = app.test_client(), app.test_client()
    log_in(buyer, world["buyer"])
    meeting_id = request_as_buyer(buyer, world)
    log_in(team, world["owner"])
    data = {"revision": 1, "reason": "Not this year"}
    assert team.post(f"/meetings/{meeting_id}/decline", data=data).status_code == 302
    again = team.post(f"/meetings/{meeting_id}/decline", data=data)
    assert again.status_code == 409
    assert "changed meanwhile" in again.get_data(as_text=True)


def test_decline_without_reason_and_a_bad_slot_are_400s(app, world):
    buyer, team = app.test_client(), app.test_client()
    log_in(buyer, world["buyer"])
    assert (
        buyer.post(f"/booths/{world['booth'].slug}/meetings/request", data={"slot": "venue@notanumber"}).status_code
        == 400
    )
    meeting_id = request_as_buyer(buyer, world)
    log_in(team, world["owner"])
    response = team.post(f"/meetings/{meeting_id}/decline", data={"revision": 1, "reason": ""})
    assert response.status_code == 400


def test_counter_proposal_and_the_buyer_accepts(app, world):
    buyer, team = app.test_client(), app.test_client()
    log_in(buyer, world["buyer"])
    meeting_id = request_as_buyer(buyer, world)
    log_in(team, world["owner"])
    response = team.post(
        f"/meetings/{meeting_id}/counter",
        data={
            "revision": 1,
            "slot": slot_value(venue(11, 14, 0)),
            "attendees": [world["owner"].id],
            "place": "stand",
            "reason": "Afternoon suits us",
        },
    )
    assert response.status_code == 302
    page = buyer.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Waiting for your answer" in page and "Afternoon suits us" in page
    assert buyer.post(f"/meetings/{meeting_id}/accept", data={"revision": 2}).status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status == "accepted"


def test_cancel_and_outcome_and_open_an_inquiry(app, world, monkeypatch):
    buyer, team = app.test_client(), app.test_client()
    log_in(buyer, world["buyer"])
    meeting_id = request_as_buyer(buyer, world)
    log_in(team, world["owner"])
    team.post(
        f"/meetings/{meeting_id}/accept", data={"revision": 1, "attendees": [world["owner"].id], "place": "stand"}
    )
    later = venue(11, 12)
    monkeypatch.setattr("expo.meetings.services.utcnow", lambda: later)
    monkeypatch.setattr("expo.meetings.routes.utcnow", lambda: later)
    assert buyer.post(f"/meetings/{meeting_id}/outcome", data={"outcome": "held", "note": "Good"}).status_code == 302
    page = buyer.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    link = f"/booths/{world['booth'].slug}/inquire?product={world['product'].id}"
    assert link in page and "Open an inquiry" in page
    inquiry_form = buyer.get(link).get_data(as_text=True)
    assert re.search(rf'value="{world["product"].id}" id="product-{world["product"].id}"[^>]* checked', inquiry_form)


def test_the_team_pauses_requests_and_sets_its_room(app, world):
    team, buyer = app.test_client(), app.test_client()
    log_in(team, world["owner"])
    response = team.post(
        f"/booths/{world['booth'].slug}/meetings/settings",
        data={"requests_paused": "y", "video_url": "https://meet.example.com/nanning"},
    )
    assert response.status_code == 302
    log_in(buyer, world["buyer"])
    page = buyer.get(f"/booths/{world['booth'].slug}/meetings/request").get_data(as_text=True)
    assert "not taking meeting requests" in page
    refused = buyer.post(f"/booths/{world['booth'].slug}/meetings/request", data={"slot": slot_value(venue(11, 9))})
    assert refused.status_code == 409


def test_the_team_invites_a_buyer_who_wrote_to_it(app, world, factory):
    factory.inquiry(world["booth"], world["buyer"])
    team = app.test_client()
    log_in(team, world["owner"])
    chooser = team.get(f"/booths/{world['booth'].slug}/meetings/invite")
    assert "Somchai Prasert" in chooser.get_data(as_text=True)
    url = f"/booths/{world['booth'].slug}/meetings/invite?buyer={world['buyer'].id}"
    assert team.get(url).status_code == 200
    response = team.post(
        url,
        data={
            "slot": slot_value(venue(11, 9, 40)),
            "attendees": [world["owner"].id],
            "place": "stand",
            "message": "Visit our stand",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    stranger = factory.user(name="Stranger")
    assert team.get(f"/booths/{world['booth'].slug}/meetings/invite?buyer={stranger.id}").status_code == 404


def test_availability_in_the_persons_zone(app, world):
    client = app.test_client()
    log_in(client, world["buyer"])
    day = date(EDITION_YEAR, 10, 5)
    response = client.post(
        "/my/availability", data={"mode": "online", "day": day.isoformat(), "starts": "09:00", "ends": "11:00"}
    )
    assert response.status_code == 302
    page = client.get("/my/availability").get_data(as_text=True)
    bangkok = ZoneInfo("Asia/Bangkok")
    assert (
        when(datetime.combine(day, time(9), bangkok), "Asia/Bangkok", datetime.combine(day, time(11), bangkok)) in page
    )
    bad = client.post(
        "/my/availability",
        data={
            "mode": "venue",
            "edition": world["edition"].id,
            "day": date(EDITION_YEAR, 9, 11).isoformat(),
            "starts": "01:00",
            "ends": "02:00",
        },
    )
    assert bad.status_code == 400 and "outside the meeting hours" in bad.get_data(as_text=True)


def test_organizers_set_rules_tables_and_export_statistics(app, world, factory):
    organizer = factory.organizer(world["edition"])
    client = app.test_client()
    log_in(client, organizer)
    base = f"/editions/{world['edition'].slug}/organize/meetings"
    assert client.get(base).status_code == 200
    response = client.post(
        base,
        data={
            "slot_minutes": 30,
            "day_starts": "10:00",
            "day_ends": "16:00",
            "max_pending_per_buyer": 5,
            "max_pending_per_team": 40,
        },
    )
    assert response.status_code == 302
    assert client.post(f"{base}/tables", data={"name": "T9", "capacity": 6}).status_code == 302
    assert client.post(f"{base}/tables", data={"name": "T9", "capacity": 6}).status_code == 400
    csv = client.get(f"{base}/statistics.csv")
    assert csv.status_code == 200 and "Public Health" not in csv.get_data(as_text=True)
    assert client.get(f"{base}/statistics.xlsx").data[:2] == b"PK"
    assert client.get(f"{base}/statistics.pdf").status_code == 404


def test_the_statistics_speak_the_organizers_language(app, world, factory):
    with app.app_context():
        pavilion = db.session.scalar(select(Pavilion).where(Pavilion.name == "Public Health"))
        pavilion.set_translation("zh", {"name": "公共卫生展区"})
        db.session.commit()
    buyer = app.test_client()
    log_in(buyer, world["buyer"])
    request_as_buyer(buyer, world)
    client = app.test_client()
    log_in(client, factory.organizer(world["edition"]))
    base = f"/editions/{world['edition'].slug}/organize/meetings"
    page = client.get(f"{base}?lang=zh").get_data(as_text=True)
    assert "公共卫生展区" in page and "Public Health" not in page
    # "Requested" counts meetings here: not the time a badge print or a report was asked for.
    assert "已申请" in page and "申请时间" not in page
    csv = client.get(f"{base}/statistics.csv?lang=zh").get_data(as_text=True)
    assert "公共卫生展区" in csv and "已申请" in csv


def test_pages_run_a_constant_number_of_queries(app, world, factory):
    buyer = app.test_client()
    log_in(buyer, world["buyer"])
    request_as_buyer(buyer, world, venue(11, 9))
    team = app.test_client()
    log_in(team, world["owner"])
    path = f"/booths/{world['booth'].slug}/meetings?tab=awaiting_you"
    few = count_queries(app, team, path)
    for index, minute in enumerate((20, 40)):
        other = factory.user(name=f"Buyer {index}")
        client = app.test_client()
        log_in(client, other)
        request_as_buyer(client, world, venue(11, 9, minute))
    assert count_queries(app, team, path) == few


def test_the_agenda_runs_a_constant_number_of_queries_whatever_its_meetings(app, world, factory):
    """Each meeting's buyer, company, table, edition, products and attendees come with the list."""

    def accepted_meeting(hour: int) -> None:
        buyer = factory.user(name=f"Buyer at {hour}")
        with app.app_context():
            meeting = Meeting(
                edition_id=world["edition"].id,
                buyer_id=buyer.id,
                company_id=world["company"].id,
                requested_by="buyer",
                status=MeetingStatus.ACCEPTED,
                mode="venue",
                place="table",
                table_id=world["table_id"],
                starts_at=venue(11, hour),
                ends_at=venue(11, hour, 20),
            )
            meeting.products = [MeetingProduct(product_id=world["product"].id, product_name="KN95 respirator")]
            meeting.attendees = [MeetingAttendee(user_id=world["staff"].id)]
            db.session.add(meeting)
            db.session.commit()

    team = app.test_client()
    log_in(team, world["staff"])
    accepted_meeting(9)
    one = count_queries(app, team, "/my/agenda")
    accepted_meeting(10)
    accepted_meeting(11)
    assert count_queries(app, team, "/my/agenda") == one
    page = team.get("/my/agenda").get_data(as_text=True)
    assert all(f"Meeting with Buyer at {hour}" in page for hour in (9, 10, 11))


def test_organizers_trace_changes_to_the_meeting_rules_tables_and_pausing(app, world, factory):
    organizer = factory.organizer(world["edition"], name="Li Wei")
    client = app.test_client()
    log_in(client, organizer)
    base = f"/editions/{world['edition'].slug}/organize/meetings"
    rules = {
        "slot_minutes": 30,
        "day_starts": "10:00",
        "day_ends": "16:00",
        "max_pending_per_buyer": 5,
        "max_pending_per_team": 30,
    }
    assert client.post(base, data=rules).status_code == 302
    assert client.post(base, data=rules).status_code == 302  # nothing changed: nothing recorded
    assert client.post(f"{base}/tables", data={"name": "B7", "capacity": 6}).status_code == 302
    with app.app_context():
        table_id = db.session.scalar(select(MeetingTable.id).where(MeetingTable.name == "B7"))
    assert client.post(f"{base}/tables/{table_id}/delete").status_code == 302
    team = app.test_client()
    log_in(team, world["owner"])
    settings = f"/booths/{world['booth'].slug}/meetings/settings"
    assert team.post(settings, data={"requests_paused": "y", "video_url": ""}).status_code == 302
    assert team.post(settings, data={"video_url": ""}).status_code == 302

    with app.app_context():
        entries = db.session.execute(
            select(AuditEntry.actor_id, AuditEntry.action, AuditEntry.object_label, AuditEntry.before, AuditEntry.after)
            .where(AuditEntry.edition_id == world["edition"].id)
            .order_by(AuditEntry.id)
        ).all()
    owner = world["owner"].id
    assert [tuple(entry) for entry in entries] == [
        (
            organizer.id,
            "meeting_rules_changed",
            world["edition"].name,
            {"slot_minutes": 20, "day_starts": "09:00", "day_ends": "17:00", "max_pending_per_buyer": 10},
            {"slot_minutes": 30, "day_starts": "10:00", "day_ends": "16:00", "max_pending_per_buyer": 5},
        ),
        (organizer.id, "meeting_table_added", "B7", None, {"name": "B7", "capacity": 6}),
        (organizer.id, "meeting_table_removed", "B7", {"name": "B7", "capacity": 6}, None),
        (owner, "meeting_requests_paused", "Nanning Masks", {"requests_paused": False}, {"requests_paused": True}),
        (owner, "meeting_requests_resumed", "Nanning Masks", {"requests_paused": True}, {"requests_paused": False}),
    ]
    page = client.get(f"/editions/{world['edition'].slug}/organize/audit").get_data(as_text=True)
    for label in (
        "Meeting rules changed",
        "Meeting table added",
        "Meeting table removed",
        "Meeting requests paused",
        "Meeting requests resumed",
    ):
        assert label in page
    assert "09:00 → 10:00" in page
