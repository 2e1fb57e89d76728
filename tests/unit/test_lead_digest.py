"""The daily lead digest: once per team member and day, only with news, and only for those who want it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import worker.tasks as tasks
from expo.leads import digest
from tests.conftest import outbox_messages, run_recorded_tasks

YESTERDAY = datetime.now(timezone.utc) - timedelta(days=1)


@pytest.fixture()
def team(factory):
    owner = factory.user(name="Owner", email="owner@booth.example")
    staff = factory.user(name="Staff", email="staff@booth.example")
    quiet = factory.user(name="No digest", email="quiet@booth.example", daily_lead_digest=False)
    company = factory.company(owner=owner, staff=[staff, quiet], name="Mekong Rice Co.")
    booth = factory.booth(company)
    product = factory.product(booth, name="Jasmine rice")
    return {"owner": owner, "staff": staff, "quiet": quiet, "booth": booth, "product": product}


def digests(app):
    return [m for m in outbox_messages(app) if "Your leads of" in m]


def test_each_member_gets_one_digest_even_when_beat_fires_twice(app, factory, team):
    buyer = factory.user(name="Buyer")
    factory.inquiry(team["booth"], buyer, kind="order_request", products=[team["product"]],
                    buyer_organisation="Saigon Foods", buyer_country="VN", created_at=YESTERDAY)
    factory.inquiry(team["booth"], buyer, created_at=YESTERDAY - timedelta(days=3))  # not yesterday's
    sharer = factory.user(name="Open Visitor", organisation="Bangkok Mart", share_contact_with_booths=True)
    factory.engagement(team["booth"], "product_view", user=sharer, occurred_at=YESTERDAY)
    factory.engagement(team["booth"], "booth_visit", user=factory.user(name="Hidden Visitor"), occurred_at=YESTERDAY)
    with app.app_context():
        tasks.send_daily_lead_digests.run()
        tasks.send_daily_lead_digests.run()  # a second beat
    run_recorded_tasks(app)
    mails = digests(app)
    assert sorted(m.split("To: ")[1].split("\n")[0] for m in mails) == ["owner@booth.example", "staff@booth.example"]
    mail = mails[0]
    assert "Mekong Rice Co." in mail and "1 new inquiry" in mail and "1 order request" in mail
    assert "Saigon Foods" in mail and "Jasmine rice" in mail
    assert "Open Visitor" in mail and "Bangkok Mart" in mail and "Hidden Visitor" not in mail
    assert "2 inquiries are waiting for an answer." in mail
    assert "http://expo.test/booths/" in mail and "turn this digest off" in mail


def test_no_news_no_digest(app, factory, team):
    factory.inquiry(team["booth"], factory.user(), created_at=YESTERDAY - timedelta(days=2))
    with app.app_context():
        assert tasks.send_daily_lead_digests.run() == 0
    run_recorded_tasks(app)
    assert digests(app) == []


def test_the_digest_covers_yesterday_in_utc(app):
    assert digest.digest_day(datetime(2027, 3, 10, 0, 15, tzinfo=timezone.utc)) == date(2027, 3, 9)
    assert digest.digest_day(datetime(2027, 3, 10, 8, 15, tzinfo=timezone(timedelta(hours=8)))) == date(2027, 3, 9)


def test_turning_the_digest_off_in_the_profile_stops_it(app, client, factory, team):
    from tests.conftest import log_in

    factory.inquiry(team["booth"], factory.user(), created_at=YESTERDAY)
    log_in(client, team["staff"])
    assert 'name="daily_lead_digest"' in client.get("/account").get_data(as_text=True)
    client.post("/account", data={"name": "Staff", "timezone": "UTC", "language": "en"})  # both boxes unticked
    with app.app_context():
        tasks.send_daily_lead_digests.run()
    run_recorded_tasks(app)
    assert [m.split("To: ")[1].split("\n")[0] for m in digests(app)] == ["owner@booth.example"]
