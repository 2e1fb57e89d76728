"""Meetings through the API: free slots, a buyer's request and a team's invitation, every answer,
and the pages' rules (quotas, paused teams, no double booking) as 409 problems."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from expo.extensions import db
from tests.api_helpers import bearer, free_at_venue, make_token

PROBLEM = "application/problem+json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 9, 1, tzinfo=UTC)


def venue(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 9, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def slot(starts_at: datetime, mode: str = "venue") -> dict:
    return {"mode": mode, "starts_at": starts_at.isoformat()}


@pytest.fixture()
def world(app, factory, monkeypatch):
    from expo.meetings.models import MeetingTable

    # Slots are offered from "now" on: freeze now before the edition.
    for module in ("expo.meetings.slots", "expo.meetings.services"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: NOW)
    edition = factory.edition(slug="caexpo-2027")
    owner = factory.user(name="Chen Yuehe", timezone="Asia/Shanghai")
    staff = factory.user(name="Nguyen Thi Lan", timezone="Asia/Shanghai")
    buyer = factory.user(name="Somchai Prasert", timezone="Asia/Bangkok", country="TH", organisation="Siam Health")
    second_buyer = factory.user(name="Dewi Lestari", country="ID")
    stranger = factory.user(name="Stranger")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Masks", slug="nanning-masks")
    booth = factory.booth(company)
    product = factory.product(booth, name="KN95 respirator")
    pavilion = factory.pavilion(edition, name="Public Health")
    factory.placement(booth, pavilion, stand="A-12")
    other_owner = factory.user()
    other_booth = factory.booth(factory.company(owner=other_owner, slug="other-co"))
    organizer = factory.organizer(edition=edition)
    free_at_venue(app, edition, venue(11, 9), venue(11, 12), owner, staff)
    free_at_venue(app, edition, venue(11, 9), venue(11, 17), buyer, second_buyer)
    with app.app_context():
        db.session.add(MeetingTable(edition_id=edition.id, name="T1", capacity=4))
        db.session.commit()
        table_id = db.session.scalar(select(MeetingTable.id))
    return dict(
        edition=edition,
        owner=owner,
        staff=staff,
        buyer=buyer,
        second_buyer=second_buyer,
        stranger=stranger,
        company=company,
        booth=booth,
        product=product,
        other_booth=other_booth,
        other_owner=other_owner,
        organizer=organizer,
        table_id=table_id,
    )


def ask(client, secret, starts_at=None, **fields):
    body = {"slot": slot(starts_at or venue(11, 10, 20)), "message": "Prices for 200,000 pieces?", **fields}
    return client.post("/api/v1/booths/nanning-masks/meetings", json=body, headers=bearer(secret))


def test_a_buyer_sees_the_team_s_free_slots_asks_and_the_team_accepts_with_attendees(
    app, client, world, recorded_tasks
):
    buyer = make_token(app, world["buyer"], ["meetings:write"])
    slots = client.get("/api/v1/booths/nanning-masks/meeting-slots?limit=100", headers=bearer(buyer))
    assert slots.status_code == 200, slots.get_json()
    starts = [item["starts_at"] for item in slots.get_json()["items"]]
    assert len(starts) == 9 and venue(11, 9).isoformat() == datetime.fromisoformat(starts[0]).isoformat()
    online = client.get("/api/v1/booths/nanning-masks/meeting-slots?mode=online", headers=bearer(buyer)).get_json()
    assert online["items"] == []
    response = ask(client, buyer, product_ids=[world["product"].id])
    assert response.status_code == 201, response.get_json()
    meeting = response.get_json()
    assert (meeting["status"], meeting["awaiting"], meeting["your_side"]) == ("requested", "team", "buyer")
    assert meeting["exhibitor"]["booth_slug"] == "nanning-masks" and meeting["products"][0]["product_name"] == (
        "KN95 respirator"
    )
    assert ("meetings.notify", (meeting["id"], "requested", "buyer", 1)) in recorded_tasks

    team = make_token(app, world["owner"], ["meetings:write"], company=world["company"])
    listed = client.get("/api/v1/booths/nanning-masks/meetings", headers=bearer(team)).get_json()["items"]
    assert [(item["id"], item["your_side"]) for item in listed] == [(meeting["id"], "team")]
    early = client.post(f"/api/v1/meetings/{meeting['id']}/accept", json={"revision": 1}, headers=bearer(buyer))
    assert early.status_code == 409 and "other side" in early.get_json()["detail"]
    no_place = client.post(
        f"/api/v1/meetings/{meeting['id']}/accept",
        json={"revision": 1, "arrangement": {"attendee_ids": [world["staff"].id]}},
        headers=bearer(team),
    )
    assert no_place.status_code == 400 and "arrangement.place" in no_place.get_json()["errors"]
    accepted = client.post(
        f"/api/v1/meetings/{meeting['id']}/accept",
        json={
            "revision": 1,
            "arrangement": {"attendee_ids": [world["staff"].id], "place": "table", "table_id": world["table_id"]},
        },
        headers=bearer(team),
    )
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert (body["status"], body["table"], body["revision"]) == ("accepted", "T1", 2)
    assert [person["name"] for person in body["attendees"]] == ["Nguyen Thi Lan"]
    # The attendee's own list has it, as the team side.
    staff = make_token(app, world["staff"], ["meetings:read"])
    mine = client.get("/api/v1/me/meetings", headers=bearer(staff)).get_json()["items"]
    assert [(item["id"], item["your_side"]) for item in mine] == [(meeting["id"], "team")]
    stale = client.post(
        f"/api/v1/meetings/{meeting['id']}/cancel", json={"revision": 1, "reason": "Ill"}, headers=bearer(buyer)
    )
    assert stale.status_code == 409 and stale.mimetype == PROBLEM


def test_two_acceptances_of_one_buyer_s_slot_the_second_is_a_409_and_nothing_is_double_booked(app, client, world):
    from expo.meetings.models import Meeting

    buyer = make_token(app, world["buyer"], ["meetings:write"])
    first = ask(client, buyer).get_json()["id"]
    # The team, meanwhile, invites the same buyer at the same time (with another member).
    team = make_token(app, world["owner"], ["meetings:write"])
    second = client.post(
        "/api/v1/booths/nanning-masks/invitations",
        json={
            "buyer_id": world["buyer"].id,
            "slot": slot(venue(11, 10, 20)),
            "arrangement": {"attendee_ids": [world["staff"].id], "place": "stand"},
        },
        headers=bearer(team),
    )
    assert second.status_code == 201, second.get_json()  # the buyer wrote to the booth: they may be invited
    second_id = second.get_json()["id"]
    arrangement = {"attendee_ids": [world["owner"].id], "place": "stand"}
    ok = client.post(
        f"/api/v1/meetings/{first}/accept", json={"revision": 1, "arrangement": arrangement}, headers=bearer(team)
    )
    assert ok.status_code == 200
    taken = client.post(f"/api/v1/meetings/{second_id}/accept", json={"revision": 1}, headers=bearer(buyer))
    assert taken.status_code == 409 and "no longer free" in taken.get_json()["detail"]
    with app.app_context():
        assert db.session.get(Meeting, second_id).status == "requested"


def test_decline_counter_reschedule_cancel_and_outcome(app, client, world, monkeypatch):
    buyer = make_token(app, world["buyer"], ["meetings:write"])
    team = make_token(app, world["staff"], ["meetings:write"])
    meeting_id = ask(client, buyer).get_json()["id"]
    no_reason = client.post(
        f"/api/v1/meetings/{meeting_id}/decline", json={"revision": 1, "reason": " "}, headers=bearer(team)
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.get_json()["errors"]
    options = client.get(f"/api/v1/meetings/{meeting_id}/slots", headers=bearer(team)).get_json()["items"]
    assert options  # the buyer's free slots
    countered = client.post(
        f"/api/v1/meetings/{meeting_id}/counter",
        json={
            "revision": 1,
            "slot": slot(venue(11, 11)),
            "reason": "Later suits us",
            "arrangement": {"place": "stand"},
        },
        headers=bearer(team),
    )
    assert countered.status_code == 200, countered.get_json()
    assert (countered.get_json()["status"], countered.get_json()["awaiting"]) == ("countered", "buyer")
    off_grid = client.post(
        f"/api/v1/meetings/{meeting_id}/counter",
        json={"revision": 2, "slot": slot(venue(11, 11, 7))},
        headers=bearer(buyer),
    )
    assert off_grid.status_code == 400 and "slot" in off_grid.get_json()["errors"]
    accepted = client.post(f"/api/v1/meetings/{meeting_id}/accept", json={"revision": 2}, headers=bearer(buyer))
    assert accepted.get_json()["status"] == "accepted"
    moved = client.post(
        f"/api/v1/meetings/{meeting_id}/reschedule",
        json={"revision": 3, "slot": slot(venue(11, 9, 40)), "reason": "Flight moved"},
        headers=bearer(buyer),
    )
    assert moved.status_code == 200 and moved.get_json()["status"] == "countered"
    assert moved.get_json()["reason"] == "Flight moved"
    back = client.post(
        f"/api/v1/meetings/{meeting_id}/accept",
        json={"revision": 4, "arrangement": {"place": "stand"}},
        headers=bearer(team),
    )
    assert back.get_json()["status"] == "accepted"
    too_early = client.post(f"/api/v1/meetings/{meeting_id}/outcome", json={"outcome": "held"}, headers=bearer(buyer))
    assert too_early.status_code == 409
    later = venue(11, 10)
    monkeypatch.setattr("expo.meetings.services.utcnow", lambda: later)
    held = client.post(
        f"/api/v1/meetings/{meeting_id}/outcome",
        json={"outcome": "held", "note": "Samples next week"},
        headers=bearer(buyer),
    )
    assert held.status_code == 200
    assert (held.get_json()["buyer_outcome"], held.get_json()["your_note"]) == ("held", "Samples next week")
    # The team sees the buyer's outcome, not the buyer's note.
    seen = client.get(f"/api/v1/meetings/{meeting_id}", headers=bearer(team)).get_json()
    assert (seen["buyer_outcome"], seen["your_note"]) == ("held", "")
    begun = client.post(
        f"/api/v1/meetings/{meeting_id}/cancel", json={"revision": 5, "reason": "Late"}, headers=bearer(team)
    )
    assert begun.status_code == 409


def test_a_buyer_withdraws_an_open_request(app, client, world):
    buyer = make_token(app, world["buyer"], ["meetings:write"])
    meeting_id = ask(client, buyer).get_json()["id"]
    cancelled = client.post(
        f"/api/v1/meetings/{meeting_id}/cancel", json={"revision": 1, "reason": "Plans changed"}, headers=bearer(buyer)
    )
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    listed = client.get("/api/v1/me/meetings?status=cancelled", headers=bearer(buyer)).get_json()["items"]
    assert [item["id"] for item in listed] == [meeting_id]


def test_a_paused_team_and_the_quota_are_409s(app, client, world):
    from expo.accounts.models import User
    from expo.exhibitors.models import ExhibitorCompany
    from expo.meetings import services
    from expo.meetings.models import MeetingSettings

    buyer = make_token(app, world["buyer"], ["meetings:write"])
    with app.app_context():
        db.session.add(MeetingSettings(edition_id=world["edition"].id, max_pending_per_buyer=1))
        db.session.commit()
    assert ask(client, buyer).status_code == 201
    over = ask(client, buyer, starts_at=venue(11, 10, 40))
    assert over.status_code == 409 and "the most this edition allows" in over.get_json()["detail"]
    with app.test_request_context():
        services.set_team_settings(
            db.session.get(User, world["owner"].id),
            db.session.get(ExhibitorCompany, world["company"].id),
            requests_paused=True,
            video_url="",
        )
        db.session.commit()
    other = make_token(app, world["second_buyer"], ["meetings:write"])
    paused = ask(client, other)
    assert paused.status_code == 409 and "not taking meeting requests" in paused.get_json()["detail"]
    assert client.get("/api/v1/booths/nanning-masks/meeting-slots", headers=bearer(other)).status_code == 409


def test_who_reaches_what(app, client, world, factory):
    buyer = make_token(app, world["buyer"], ["meetings:write"])
    meeting_id = ask(client, buyer).get_json()["id"]
    stranger = make_token(app, world["stranger"], ["meetings:write"])
    assert client.get(f"/api/v1/meetings/{meeting_id}", headers=bearer(stranger)).status_code == 404
    refused = client.post(
        f"/api/v1/meetings/{meeting_id}/decline", json={"revision": 1, "reason": "x"}, headers=bearer(stranger)
    )
    assert refused.status_code == 404
    assert client.get("/api/v1/booths/nanning-masks/meetings", headers=bearer(stranger)).status_code == 404
    # Another team's token knows nothing of it.
    other_team = make_token(
        app, world["other_owner"], ["meetings:write"], company=_company_of(app, world["other_booth"])
    )
    assert client.get(f"/api/v1/meetings/{meeting_id}", headers=bearer(other_team)).status_code == 404
    assert client.get("/api/v1/booths/nanning-masks/meetings", headers=bearer(other_team)).status_code == 404
    # The edition's organizer may look (as on the page) but not answer.
    organizer = make_token(app, world["organizer"], ["meetings:write"])
    looked = client.get(f"/api/v1/meetings/{meeting_id}", headers=bearer(organizer))
    assert looked.status_code == 200 and looked.get_json()["your_side"] is None
    answer = client.post(
        f"/api/v1/meetings/{meeting_id}/decline", json={"revision": 1, "reason": "x"}, headers=bearer(organizer)
    )
    assert answer.status_code == 403
    # A team does not ask itself, and a team token does not ask as a buyer.
    own = make_token(app, world["staff"], ["meetings:write"])
    assert ask(client, own).status_code == 403
    as_buyer = ask(client, other_team)
    assert as_buyer.status_code == 403 and "personal token" in as_buyer.get_json()["detail"]
    reader = make_token(app, world["buyer"], ["meetings:read"])
    assert ask(client, reader).status_code == 403
    # A stranger the team never heard from cannot be invited, nor their free times read.
    team = make_token(app, world["owner"], ["meetings:write"])
    url = f"/api/v1/booths/nanning-masks/buyers/{world['stranger'].id}/meeting-slots"
    assert client.get(url, headers=bearer(team)).status_code == 404
    invite = client.post(
        "/api/v1/booths/nanning-masks/invitations",
        json={"buyer_id": world["stranger"].id, "slot": slot(venue(11, 10))},
        headers=bearer(team),
    )
    assert invite.status_code == 404


def _company_of(app, booth):
    from expo.booths.models import Booth

    with app.app_context():
        return db.session.get(Booth, booth.id).company


def test_bad_input_is_a_400_with_the_fields(app, client, world):
    buyer = make_token(app, world["buyer"], ["meetings:write"])
    for body, field in [
        ({}, "slot"),
        ({"slot": {"mode": "teleport", "starts_at": venue(11, 10).isoformat()}}, "slot.mode"),
        ({"slot": {"mode": "venue", "starts_at": "tomorrow"}}, "slot.starts_at"),
        ({"slot": slot(venue(11, 10)), "message": "x" * 2001}, "message"),
        ({"slot": slot(venue(11, 10)), "product_ids": [999999]}, "product_ids"),
    ]:
        response = client.post("/api/v1/booths/nanning-masks/meetings", json=body, headers=bearer(buyer))
        assert response.status_code == 400 and response.mimetype == PROBLEM, (body, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())
