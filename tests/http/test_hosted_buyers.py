"""The hosted-buyer programme through its pages: invitations, both sides' choices, the worker's plan,
the organizers' adjustments and publishing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from expo.extensions import db
from expo.matchmaking.models import PlannedMeeting
from expo.notifications.models import Notification
from tests.conftest import count_queries, log_in, permission_failures, run_recorded_tasks

# 09:00 in Shanghai on the edition's first day (10 Sep 2027), and the slots after it.
FIRST_SLOT = "2027-09-10T01:00:00+00:00"


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
    response = client.get(f"/editions/{edition.slug}/hosted-buyers/teams/{booth.slug}")
    page = response.get_data(as_text=True)
    assert "Buyer 0" in page, page[page.find("<main") :][:3000]
    assert "Buyer 0" in page and "Wants to meet you" in page
    assert (
        client.post(
            f"/editions/{edition.slug}/hosted-buyers/teams/{booth.slug}",
            data={f"buyer-{buyers[0].id}": "must", f"buyer-{buyers[1].id}": "no"},
        ).status_code
        == 302
    )
    client.post("/logout")


def test_invite_choose_plan_adjust_and_publish(app, factory, client):
    edition, organizer, teams, buyers = _programme(factory)
    _invite_and_choose(client, edition, organizer, teams, buyers)
    with app.app_context():
        invitations = db.session.scalars(
            select(Notification.title).where(Notification.kind == "matchmaking.hosted_invitation")
        ).all()
    assert invitations == ["You are invited as a hosted buyer to CAEXPO 2027"] * 2

    log_in(client, organizer)
    assert (
        client.post(
            f"/editions/{edition.slug}/organize/hosted-buyers/settings",
            data={"slot_minutes": "20", "day_starts": "09:00", "day_ends": "10:00", "tables": "1"},
        ).status_code
        == 302
    )
    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan").status_code == 302
    assert "The plan is being built" in client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan").get_data(
        as_text=True
    )
    run_recorded_tasks(app)
    page = client.get(f"/editions/{edition.slug}/organize/hosted-buyers/plan").get_data(as_text=True)
    # Buyer 0 and Guangxi Masks both said must; buyer 1 was refused by Guangxi Masks; both "would" Hanoi Coffee.
    assert "Mutual “must meet” pairs with a meeting: 1 of 1" in page and "(100.0 %)" in page
    with app.app_context():
        plan = {(m.buyer_id, m.company_id): m for m in db.session.scalars(select(PlannedMeeting))}
    masks, coffee = teams[0][1], teams[1][1]
    assert set(plan) == {(buyers[0].id, masks.id), (buyers[0].id, coffee.id), (buyers[1].id, coffee.id)}
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
    response = client.post(
        f"/editions/{edition.slug}/organize/hosted-buyers/plan/{must.id}/move",
        data={"slot": other.starts_at.isoformat(), "table": "1"},
        follow_redirects=True,
    )
    assert "Buyer 0 already meets Hanoi Coffee then." in response.get_data(as_text=True)
    free = next(
        slot
        for slot in ("2027-09-10T01:40:00+00:00", "2027-09-10T01:20:00+00:00", FIRST_SLOT)
        if datetime.fromisoformat(slot) not in {m.starts_at for m in plan.values()}
    )
    response = client.post(
        f"/editions/{edition.slug}/organize/hosted-buyers/plan/{must.id}/move", data={"slot": free, "table": "1"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/editions/{edition.slug}/organize/hosted-buyers/plan/{must.id}/move",
        data={"slot": "2027-09-10T05:00:00+00:00", "table": "1"},
        follow_redirects=True,
    )
    assert "Choose a slot and a table." in response.get_data(as_text=True)
    with app.app_context():
        moved = db.session.get(PlannedMeeting, must.id)
        assert moved.starts_at == datetime.fromisoformat(free) and moved.adjusted

    # Planning again keeps the moved meeting where the organizer put it.
    client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan")
    run_recorded_tasks(app)
    with app.app_context():
        kept = db.session.scalar(select(PlannedMeeting).where(PlannedMeeting.company_id == masks.id))
        assert kept.starts_at == datetime.fromisoformat(free) and kept.adjusted

    with app.app_context():
        removed_id = db.session.scalar(select(PlannedMeeting.id).where(PlannedMeeting.buyer_id == buyers[1].id))
    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/plan/{removed_id}/remove").status_code == 302

    assert client.post(f"/editions/{edition.slug}/organize/hosted-buyers/publish").status_code == 302
    run_recorded_tasks(app)
    response = client.post(f"/editions/{edition.slug}/organize/hosted-buyers/publish", follow_redirects=True)
    assert "Only a plan ready for review can be published." in response.get_data(as_text=True)
    with app.app_context():
        refs = db.session.scalars(select(PlannedMeeting.meeting_ref)).all()
        assert len(refs) == 2 and all(ref.startswith("planned:") for ref in refs)
        told = db.session.execute(
            select(Notification.user_id, Notification.title).where(
                Notification.kind == "matchmaking.schedule_published"
            )
        ).all()
    assert sorted(told) == sorted(
        [
            (buyers[0].id, "Your hosted-buyer meetings at CAEXPO 2027: 2"),
            (teams[0][0].id, "Your hosted-buyer meetings at CAEXPO 2027: 1"),
            (teams[1][0].id, "Your hosted-buyer meetings at CAEXPO 2027: 1"),
        ]
    )
    client.post("/logout")
    log_in(client, buyers[0])
    page = client.get(f"/editions/{edition.slug}/hosted-buyers/my-meetings").get_data(as_text=True)
    assert "Guangxi Masks" in page and "Hanoi Coffee" in page and "Table 1" in page
    # Choices are closed once the plan is out.
    response = client.post(f"/editions/{edition.slug}/hosted-buyers/choices", data={f"company-{masks.id}": "no"})
    assert response.status_code == 409
    assert "choices can no longer change" in response.get_data(as_text=True)


def _programme(factory):
    edition = factory.edition(slug="caexpo-2027", name="CAEXPO 2027")
    pavilion = factory.pavilion(edition)
    organizer = factory.organizer(edition=edition, name="Organizer")
    teams = []
    for name in ("Guangxi Masks", "Hanoi Coffee"):
        owner = factory.user(name=f"{name} owner")
        company = factory.company(owner=owner, name=name)
        booth = factory.booth(company)
        factory.placement(booth, pavilion)
        teams.append((owner, company, booth))
    buyers = [factory.user(name=f"Buyer {n}", email=f"buyer{n}@example.com") for n in range(2)]
    return edition, organizer, teams, buyers


def test_choices_are_checked(app, factory, client):
    edition, organizer, teams, buyers = _programme(factory)
    _invite_and_choose(client, edition, organizer, teams, buyers)
    log_in(client, buyers[0])
    masks = teams[0][1]
    url = f"/editions/{edition.slug}/hosted-buyers/choices"
    assert client.post(url, data={f"company-{masks.id}": "maybe"}).status_code == 400
    assert client.post(url, data={"company-999999": "must"}).status_code == 400
    response = client.post(url, data={"away_days": ["2027-09-10", "2027-09-11", "2027-09-12", "2027-09-13"]})
    assert response.status_code == 400 and "Leave at least one day you can meet." in response.get_data(as_text=True)
    assert client.post(url, data={"away_days": ["2031-01-01"]}).status_code == 400
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
        ("POST", f"{base}/settings"),
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
