"""The daily lead digest: once per team member and day, only with news, and only for those who want it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select

import worker.tasks as tasks
from expo.extensions import db
from expo.i18n import format_day
from expo.leads import digest
from expo.notifications.models import Notification, NotificationPreference
from tests.conftest import log_in, outbox_messages, run_recorded_tasks

YESTERDAY = datetime.now(UTC) - timedelta(days=1)


def choose(app, user, *, in_app: bool, email: bool) -> None:
    """The user's notification settings for the daily digest, as the settings page stores them."""
    with app.app_context():
        db.session.add(NotificationPreference(user_id=user.id, category="lead_digest", in_app=in_app, email=email))
        db.session.commit()


@pytest.fixture()
def team(app, factory):
    owner = factory.user(name="Owner", email="owner@booth.example")
    staff = factory.user(name="Staff", email="staff@booth.example")
    quiet = factory.user(name="No digest", email="quiet@booth.example")
    choose(app, quiet, in_app=False, email=False)
    company = factory.company(owner=owner, staff=[staff, quiet], name="Mekong Rice Co.")
    booth = factory.booth(company)
    product = factory.product(booth, name="Jasmine rice")
    return {"owner": owner, "staff": staff, "quiet": quiet, "booth": booth, "product": product}


def recipients(mails: list[str]) -> list[str]:
    return sorted(m.split("To: ")[1].split("\n")[0] for m in mails)


def digest_notices(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        return [
            (notice.user_id, notice.shown_title, notice.link)
            for notice in db.session.scalars(
                select(Notification).where(Notification.kind == "leads.daily_digest").order_by(Notification.user_id)
            )
        ]


def digests(app):
    return [m for m in outbox_messages(app) if "Your leads of" in m]


def test_each_member_gets_one_digest_even_when_beat_fires_twice(app, factory, team):
    buyer = factory.user(name="Buyer")
    factory.inquiry(
        team["booth"],
        buyer,
        kind="order_request",
        products=[team["product"]],
        buyer_organisation="Saigon Foods",
        buyer_country="VN",
        created_at=YESTERDAY,
    )
    factory.inquiry(team["booth"], buyer, created_at=YESTERDAY - timedelta(days=3))  # not yesterday's
    sharer = factory.user(name="Open Visitor", organisation="Bangkok Mart", share_contact_with_booths=True)
    factory.engagement(team["booth"], "product_view", user=sharer, occurred_at=YESTERDAY)
    factory.engagement(team["booth"], "booth_visit", user=factory.user(name="Hidden Visitor"), occurred_at=YESTERDAY)
    with app.app_context():
        tasks.send_daily_lead_digests.run()
        tasks.send_daily_lead_digests.run()  # a second beat
    run_recorded_tasks(app)
    mails = digests(app)
    assert recipients(mails) == ["owner@booth.example", "staff@booth.example"]
    mail = mails[0]
    assert "Mekong Rice Co." in mail and "1 new inquiry" in mail and "1 order request" in mail
    assert "Saigon Foods" in mail and "Jasmine rice" in mail
    assert "Open Visitor" in mail and "Bangkok Mart" in mail and "Hidden Visitor" not in mail
    assert "2 inquiries are waiting for an answer." in mail
    assert "http://expo.test/booths/" in mail and "turn this digest off" in mail
    assert "http://expo.test/account/notifications" in mail
    inbox = f"/booths/{team['booth'].slug}/leads/"
    with app.app_context():
        day = format_day(YESTERDAY.date())  # "Sat, Dec 5": the site's one day format
    assert digest_notices(app) == [
        (team["owner"].id, f"Your leads of {day}", inbox),
        (team["staff"].id, f"Your leads of {day}", inbox),
    ]


def test_no_news_no_digest(app, factory, team):
    factory.inquiry(team["booth"], factory.user(), created_at=YESTERDAY - timedelta(days=2))
    with app.app_context():
        assert tasks.send_daily_lead_digests.run() == 0
    run_recorded_tasks(app)
    assert digests(app) == []


def test_the_digest_covers_yesterday_in_utc(app):
    assert digest.digest_day(datetime(2027, 3, 10, 0, 15, tzinfo=UTC)) == date(2027, 3, 9)
    assert digest.digest_day(datetime(2027, 3, 10, 8, 15, tzinfo=timezone(timedelta(hours=8)))) == date(2027, 3, 9)


def test_the_digest_is_turned_off_in_the_notification_settings_not_the_profile(app, client, factory, team):
    factory.inquiry(team["booth"], factory.user(), created_at=YESTERDAY)
    log_in(client, team["staff"])
    assert "digest" not in client.get("/account").get_data(as_text=True)
    settings = client.get("/account/notifications").get_data(as_text=True)
    assert "Daily lead digest" in settings and "Nothing is sent on days without news." in settings
    # Everything stays on except the digest, in both channels.
    response = client.post("/account/notifications", data={"leads_in_app": "y", "leads_email": "y"})
    assert response.status_code == 302
    with app.app_context():
        tasks.send_daily_lead_digests.run()
    run_recorded_tasks(app)
    assert recipients(digests(app)) == ["owner@booth.example"]
    assert [user_id for user_id, _title, _link in digest_notices(app)] == [team["owner"].id]


def test_the_digest_can_come_in_the_app_only(app, factory, team):
    choose(app, team["staff"], in_app=True, email=False)
    factory.inquiry(team["booth"], factory.user(), created_at=YESTERDAY)
    with app.app_context():
        tasks.send_daily_lead_digests.run()
        tasks.send_daily_lead_digests.run()  # a second beat
    run_recorded_tasks(app)
    assert recipients(digests(app)) == ["owner@booth.example"]
    assert [user_id for user_id, _title, _link in digest_notices(app)] == [team["owner"].id, team["staff"].id]


def test_who_is_due_is_one_query_however_many_teams(app, factory, team):
    for _ in range(5):
        booth = factory.booth(factory.company(owner=factory.user(), staff=[factory.user(), factory.user()]))
        factory.inquiry(booth, factory.user(), created_at=YESTERDAY)
    factory.inquiry(team["booth"], factory.user(), created_at=YESTERDAY)
    selects = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN IMMEDIATE
            selects.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            due = digest.due_users(YESTERDAY.date())
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert len(selects) == 1
    assert len(due) == 5 * 3 + 2 and team["quiet"].id not in due
