"""The hosted-buyer programme through its pages: invitations, both sides' choices, the worker's plan on
the edition's meeting rules and tables, the organizers' adjustments, and publishing, which books every
meeting in the people's own agendas (and reports the one whose slot was taken meanwhile)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from expo.audit.models import AuditEntry
from expo.extensions import db
from expo.matchmaking.models import PlannedMeeting
from expo.meetings.models import Availability, Meeting, MeetingTable
from expo.notifications.models import Notification
from tests.conftest import count_queries, log_in, permission_failures, run_recorded_tasks
from tests.dates import EDITION_ENDS, EDITION_STARTS, EDITION_YEAR

SHANGHAI = ZoneInfo("Asia/Shanghai")
NAME = f"CAEXPO {EDITION_YEAR}"


def venue(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the edition (10–13 September next year), venue time, in UTC."""
    return datetime.combine(EDITION_STARTS.replace(day=day), time(hour, minute), SHANGHAI).astimezone(UTC)


# 09:00 in Shanghai on the edition's first day, and the slots after it.
FIRST_SLOT = venue(10, 9).isoformat()


def _programme(factory):
    edition = factory.edition(slug="caexpo", name=NAME, starts_on=EDITION_STARTS, ends_on=EDITION_ENDS)
    pavilion = factory.pavilion(edition)
    organizer = factory.organizer(edition=edition, name="Organizer")
    teams = []
    for number, name in enumerate(("Guangxi Masks", "Hanoi Coffee")):
        owner = factory.user(name=f"{name} owner")
        company = factory.company(owner=owner, name=name)
        booth = factory.booth(company)
        factory.placement(booth, pavilion, stand=f"A-{number}")
        teams.append((owner, company, booth))
    buyers = [factory.user(name=f"Buyer {n}", email=f"buyer{n}@example.com") for n in range(2)]
    return edition, organizer, teams, buyers


def _meeting_rules(client, edition, *, ends="10:00", tables=("T1",)):
    """The organizer's meeting rules: 20-minute slots from 09:00 to ``ends``, and the tables."""
    base = f"/editions/{edition.slug}/organize/meetings"
    response = client.post(
        base,
        data={
            "slot_minutes": "20",
            "day_starts": "09:00",
            "day_ends": ends,
            "max_pending_per_buyer": "10",
            "max_pending_per_team": "30",
        },
    )
    assert response.status_code == 302
    for name in tables:
        assert client.post(f"{base}/tables", data={"name": name, "capacity": "4"}).status_code == 302


def _invite_and_choose(client, edition, organizer, teams, buyers):
    log_in(client, organizer)
    response = client.post(
        f"/editions/{edition.slug}/organize/hosted-buyers/invite",
        data={"emails": "buyer0@example.com\nbuyer1@example.com, nobody@example.com"},
    )
    assert response.status_code == 302
    page = client.get(f"/editions/{edition.slug}/organize/hosted-buyers").get_data(as_text=True)
    assert "Invited: 2." in page and "nobody@example.com" in page
    client.post("/logout")
    for buyer in buyers:
        log_in(client, buyer)
        assert (
            client.post(f"/editions/{edition.slug}/hosted-buyers/invitation", data={"answer": "accept"}).status_code
            == 302
        )
        masks, coffee = teams[0][1], teams[1][1]
        assert (
            client.post(
                f"/editions/{edition.slug}/hosted-buyers/choices",
                data={f"company-{masks.id}": "must", f"company-{coffee.id}": "would"},
            ).status_code
            == 302
        )
        client.post("/logout")
    owner, company, booth = teams[0]
    log_in(client, owner)
    fit = client.get(f"/booths/{booth.slug}/buyers-who-fit").get_data(as_text=True)
    assert f"/editions/{edition.slug}/hosted-buyers/teams/{booth.slug}" in fit
    page = client.get(f"/editions/{edition.slug}/hosted-buyers/teams/{booth.slug}").get_data(as_text=True)
    assert "Buyer 0" in page and "Wants to meet you" in page
    assert "Guangxi Masks owner</span> · no free times set: all meeting hours" in page
    assert (
        client.post(
            f"/editions/{edition.slug}/hosted-buyers/teams/{booth.slug}",
            data={f"buyer-{buyers[0].id}": "must", f"buyer-{buyers[1].id}": "no"},
        ).status_code
        == 302
    )
    client.post("/logout")


def _plan(app, client, edition):
    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan").status_code == 302
    assert "The plan is being built" in client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan").get_data(
        as_text=True
    )
    run_recorded_tasks(app)
    with app.app_context():
        return {(m.buyer_id, m.company_id): m for m in db.session.scalars(select(PlannedMeeting))}


def test_invite_choose_plan_adjust_and_publish_into_everyones_agenda(app, factory, client):
    edition, organizer, teams, buyers = _programme(factory)
    _invite_and_choose(client, edition, organizer, teams, buyers)
    with app.app_context():
        invitations = db.session.scalars(
            select(Notification.title).where(Notification.kind == "matchmaking.hosted_invitation")
        ).all()
    assert invitations == [f"You are invited as a hosted buyer to {NAME}"] * 2

    log_in(client, organizer)
    programme = client.get(f"/editions/{edition.slug}/organize/hosted-buyers").get_data(as_text=True)
    assert "The edition has no meeting tables yet" in programme
    assert (
        client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan", follow_redirects=True).status_code == 200
    )
    # The programme plans on the edition's meeting rules: three 20-minute slots a day, one table.
    _meeting_rules(client, edition)
    programme = client.get(f"/editions/{edition.slug}/organize/hosted-buyers").get_data(as_text=True)
    assert "20-minute slots from 09:00 to 10:00 each day" in programme and ": 12 slots." in programme
    assert "1 meeting table: as many meetings at once." in programme
    assert "whoever set none for this edition is taken as free during all its meeting hours" in programme
    plan = _plan(app, client, edition)
    page = client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan").get_data(as_text=True)
    # Buyer 0 and Guangxi Masks both said must; buyer 1 was refused by Guangxi Masks; both "would" Hanoi Coffee.
    assert "Mutual “must meet” pairs with a meeting: 1 of 1" in page and "(100.0%)" in page
    # The share as each language writes numbers: a decimal comma in Vietnamese.
    vietnamese = client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan?lang=vi").get_data(as_text=True)
    assert "(100,0%)" in vietnamese
    masks, coffee = teams[0][1], teams[1][1]
    assert set(plan) == {(buyers[0].id, masks.id), (buyers[0].id, coffee.id), (buyers[1].id, coffee.id)}
    with app.app_context():
        table = db.session.scalar(select(MeetingTable))
    assert {m.table_id for m in plan.values()} == {table.id}
    for view in ("slot", "buyer", "exhibitor", "table"):
        assert client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan?view={view}").status_code == 200
    # A page at a time, in the same number of queries whatever it shows.
    from expo.matchmaking import hosted_routes

    queries_for_three = count_queries(app, client, f"/editions/{edition.slug}/organize/hosted-buyers/plan")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hosted_routes, "PLAN_PER_PAGE", 1)
        second = client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan?view=table&page=2").get_data(
            as_text=True
        )
        assert "Page 2" in second and "Previous" in second and "Next" in second and "3 meetings" in second
        assert count_queries(app, client, f"/editions/{edition.slug}/organize/hosted-buyers/plan") == queries_for_three
    by_buyer = client.get(
        f"/editions/{edition.slug}/organize/hosted-buyers/plan?view=buyer&buyer={buyers[1].id}"
    ).get_data(as_text=True)
    assert "Buyer 1" in by_buyer and "Buyer 0" not in by_buyer

    # A move onto a slot where the buyer is busy is refused, with who is busy, and changes nothing.
    must = plan[buyers[0].id, masks.id]
    other = plan[buyers[0].id, coffee.id]
    move = f"/editions/{edition.slug}/organize/hosted-buyers/plan/{must.id}/move"
    response = client.post(
        move, data={"slot": other.starts_at.isoformat(), "table": str(table.id)}, follow_redirects=True
    )
    assert "Buyer 0 already meets Hanoi Coffee then." in response.get_data(as_text=True)
    taken = {m.starts_at for m in plan.values()}
    free = next(start for start in (venue(10, 9, 40), venue(10, 9, 20), venue(10, 9)) if start not in taken)
    assert client.post(move, data={"slot": free.isoformat(), "table": str(table.id)}).status_code == 302
    # Off the grid (14:00), or at a table of no edition: refused.
    for data in (
        {"slot": venue(10, 14).isoformat(), "table": str(table.id)},
        {"slot": free.isoformat(), "table": "999"},
    ):
        response = client.post(move, data=data, follow_redirects=True)
        assert "Choose a slot and a table." in response.get_data(as_text=True)
    with app.app_context():
        moved = db.session.get(PlannedMeeting, must.id)
        assert moved.starts_at == free and moved.adjusted

    # Planning again keeps the moved meeting where the organizer put it.
    client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan")
    run_recorded_tasks(app)
    with app.app_context():
        kept = db.session.scalar(select(PlannedMeeting).where(PlannedMeeting.company_id == masks.id))
        assert kept.starts_at == free and kept.adjusted
        removed_id = db.session.scalar(select(PlannedMeeting.id).where(PlannedMeeting.buyer_id == buyers[1].id))
    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan/{removed_id}/remove").status_code == 302

    response = client.post(f"/editions/{edition.slug}/organize/hosted-buyers/publish", follow_redirects=True)
    assert "The plan is being published: 2 meetings are being booked" in response.get_data(as_text=True)
    assert "each meeting is booked in the buyer" in response.get_data(as_text=True)
    run_recorded_tasks(app)
    page = client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan").get_data(as_text=True)
    assert "The plan is published: every meeting is in the buyer" in page
    response = client.post(f"/editions/{edition.slug}/organize/hosted-buyers/publish", follow_redirects=True)
    assert "Only a plan ready for review can be published." in response.get_data(as_text=True)
    with app.app_context():
        booked = {
            (m.buyer_id, m.company_id): m
            for m in db.session.scalars(select(Meeting).where(Meeting.origin == "scheduled"))
        }
        assert set(booked) == {(buyers[0].id, masks.id), (buyers[0].id, coffee.id)}
        assert all(m.status == "accepted" and m.table_id == table.id for m in booked.values())
        linked = set(db.session.scalars(select(PlannedMeeting.meeting_id)))
        assert linked == {m.id for m in booked.values()}
        told = db.session.execute(
            select(Notification.user_id, Notification.title).where(
                Notification.kind == "matchmaking.schedule_published"
            )
        ).all()
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hosted_plan_published"))
        assert (entry.actor_id, entry.after) == (organizer.id, {"status": "publishing", "planned_meetings": 2})
    assert sorted(told) == sorted(
        [
            (buyers[0].id, f"Your hosted-buyer meetings at {NAME}: 2"),
            (teams[0][0].id, f"Your hosted-buyer meetings at {NAME}: 1"),
            (teams[1][0].id, f"Your hosted-buyer meetings at {NAME}: 1"),
        ]
    )
    client.post("/logout")

    # The meetings are ordinary meetings: in both people's agenda, .ics and meetings list.
    must_meeting = booked[buyers[0].id, masks.id]
    for person, other_name in ((buyers[0], "Guangxi Masks"), (teams[0][0], "Buyer 0")):
        log_in(client, person)
        agenda = client.get("/my/agenda").get_data(as_text=True)
        assert f"Meeting with {other_name}" in agenda and "Meeting table T1" in agenda
        assert "Hosted-buyer programme" in agenda
        ics = client.get(f"/meetings/{must_meeting.id}/meeting.ics")
        assert ics.status_code == 200 and b"LOCATION:Meeting table T1" in ics.data
        assert f"SUMMARY:Meeting with {other_name}".encode() in ics.data
        client.post("/logout")
    log_in(client, buyers[0])
    response = client.get(f"/editions/{edition.slug}/hosted-buyers/my-meetings")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/meetings?programme=caexpo")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Your hosted-buyer meetings at {NAME}" in page
    assert "Guangxi Masks" in page and "Hanoi Coffee" in page and "Meeting table T1" in page
    # Choices are closed once the plan is out.
    response = client.post(f"/editions/{edition.slug}/hosted-buyers/choices", data={f"company-{masks.id}": "no"})
    assert response.status_code == 409
    assert "choices can no longer change" in response.get_data(as_text=True)


def test_a_slot_taken_by_an_ordinary_meeting_is_reported_not_double_booked(app, factory, client):
    edition, organizer, teams, buyers = _programme(factory)
    _invite_and_choose(client, edition, organizer, teams, buyers)
    # Buyer 1 is at the venue on the second day only (09:00–10:00): the plan honours it.
    with app.app_context():
        db.session.add(
            Availability(
                user_id=buyers[1].id,
                mode="venue",
                edition_id=edition.id,
                starts_at=venue(11, 9),
                ends_at=venue(11, 10),
            )
        )
        db.session.commit()
    log_in(client, organizer)
    _meeting_rules(client, edition)
    plan = _plan(app, client, edition)
    masks, coffee = teams[0][1], teams[1][1]
    assert venue(11, 9) <= plan[buyers[1].id, coffee.id].starts_at < venue(11, 10)
    must = plan[buyers[0].id, masks.id]
    client.post("/logout")

    # Meanwhile buyer 0 asks a third exhibitor for a meeting at that very time, and it is accepted.
    gloves_owner = factory.user(name="Gloves owner")
    gloves = factory.company(owner=gloves_owner, name="Jakarta Gloves")
    gloves_booth = factory.booth(gloves)
    factory.placement(gloves_booth, factory.pavilion(edition), stand="C-3")
    with app.app_context():
        db.session.add(
            Availability(
                user_id=gloves_owner.id,
                mode="venue",
                edition_id=edition.id,
                starts_at=must.starts_at,
                ends_at=must.ends_at,
            )
        )
        db.session.commit()
    log_in(client, buyers[0])
    response = client.post(
        f"/booths/{gloves_booth.slug}/meetings/request",
        data={"slot": f"venue@{int(must.starts_at.timestamp())}", "message": "Nitrile gloves"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    ordinary = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post("/logout")
    log_in(client, gloves_owner)
    accepted = client.post(
        f"/meetings/{ordinary}/accept", data={"revision": 1, "attendees": [gloves_owner.id], "place": "stand"}
    )
    assert accepted.status_code == 302
    client.post("/logout")

    log_in(client, organizer)
    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/publish").status_code == 302
    run_recorded_tasks(app)
    page = client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan").get_data(as_text=True)
    assert "1 planned meeting could not be booked" in page
    assert "Not booked" in page and "The buyer has another meeting then." in page
    # The share reported is now of mutual "must meet" pairs with a booked meeting.
    assert "Mutual “must meet” pairs with a meeting: 0 of 1" in page
    unbooked = client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan?unbooked=1").get_data(as_text=True)
    assert unbooked.count("Not booked") == 1 and "Hanoi Coffee" not in unbooked
    with app.app_context():
        buyer_meetings = db.session.scalars(
            select(Meeting).where(Meeting.buyer_id == buyers[0].id, Meeting.status == "accepted")
        ).all()
        # Buyer 0 keeps the ordinary meeting and has the other programme meeting; nobody twice at once.
        assert sorted(m.company_id for m in buyer_meetings) == sorted([gloves.id, coffee.id])
        starts = [m.starts_at for m in buyer_meetings]
        assert len(starts) == len(set(starts))
        assert db.session.get(PlannedMeeting, must.id).meeting_id is None
        table_id = db.session.scalar(select(MeetingTable.id))
        busy = {m.starts_at for m in db.session.scalars(select(Meeting).where(Meeting.status == "accepted"))}
    # Moved to a slot free for all, it is booked there, and shows as booked.
    free = next(start for start in (venue(12, 9), venue(12, 9, 20), venue(12, 9, 40)) if start not in busy)
    response = client.post(
        f"/editions/{edition.slug}/organize/hosted-buyers/plan/{must.id}/move",
        data={"slot": free.isoformat(), "table": str(table_id)},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Meeting moved and booked." in page and "Mutual “must meet” pairs with a meeting: 1 of 1" in page
    assert "The plan is published: every meeting is in the buyer" in page
    with app.app_context():
        booked = db.session.get(PlannedMeeting, must.id).meeting
        assert (booked.starts_at, booked.status, booked.origin) == (free, "accepted", "scheduled")


def test_a_buyer_sees_the_free_times_the_plan_uses(app, factory, client):
    edition, organizer, teams, buyers = _programme(factory)
    _invite_and_choose(client, edition, organizer, teams, buyers)
    log_in(client, buyers[0])
    page = client.get(f"/editions/{edition.slug}/hosted-buyers/choices").get_data(as_text=True)
    assert "You have set no free times for this edition, so the plan takes you as free during all its meeting" in page
    assert "09:00 to 17:00 venue time (Asia/Shanghai)" in page
    with app.app_context():
        db.session.add(
            Availability(
                user_id=buyers[0].id, mode="venue", edition_id=edition.id, starts_at=venue(11, 9), ends_at=venue(11, 12)
            )
        )
        db.session.commit()
    page = client.get(f"/editions/{edition.slug}/hosted-buyers/choices").get_data(as_text=True)
    assert "Your meetings are planned in your free times at the venue:" in page
    assert re.search(r"<li>[^<]*Sep 11[^<]*–[^<]*</li>", page)


def test_choices_are_checked(app, factory, client):
    edition, organizer, teams, buyers = _programme(factory)
    _invite_and_choose(client, edition, organizer, teams, buyers)
    log_in(client, buyers[0])
    masks = teams[0][1]
    url = f"/editions/{edition.slug}/hosted-buyers/choices"
    assert client.post(url, data={f"company-{masks.id}": "maybe"}).status_code == 400
    assert client.post(url, data={"company-999999": "must"}).status_code == 400
    stranger = factory.user()
    client.post("/logout")
    log_in(client, stranger)
    assert client.get(url).status_code == 404
    assert client.get(f"/editions/{edition.slug}/hosted-buyers/invitation").status_code == 404


def test_only_the_edition_s_organizers_see_and_change_the_plan(app, factory):
    edition, organizer, teams, buyers = _programme(factory)
    other_edition = factory.edition()
    other_organizer = factory.organizer(edition=other_edition)
    owner = teams[0][0]
    base = f"/editions/{edition.slug}/organize/hosted-buyers"
    requests = [
        ("GET", base),
        ("GET", f"{base}/plan"),
        ("POST", f"{base}/plan"),
        ("POST", f"{base}/publish"),
        ("POST", f"{base}/invite"),
        ("POST", f"{base}/plan/1/move"),
        ("POST", f"{base}/plan/1/remove"),
    ]
    for user in (other_organizer, owner, buyers[0]):
        client = app.test_client()
        log_in(client, user)
        assert not permission_failures(client, [(method, path, 403, {}) for method, path in requests])
    client = app.test_client()
    assert not permission_failures(client, [(method, path, 302, {}) for method, path in requests], anonymous=True)
    client = app.test_client()
    log_in(client, organizer)
    assert client.post(f"{base}/plan/999/move", data={"slot": FIRST_SLOT, "table": "1"}).status_code == 404
    assert client.get(f"{base}/plan?view=sideways").status_code == 404


def test_a_team_whose_booth_is_not_in_the_edition_cannot_mark_buyers(app, factory, client):
    edition, organizer, teams, buyers = _programme(factory)
    owner = factory.user()
    company = factory.company(owner=owner)
    booth = factory.booth(company)
    log_in(client, owner)
    assert client.get(f"/editions/{edition.slug}/hosted-buyers/teams/{booth.slug}").status_code == 404
    assert client.get(f"/editions/{edition.slug}/hosted-buyers/teams/{teams[0][2].slug}").status_code == 404
