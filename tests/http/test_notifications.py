"""The bell, the notifications page, marking read, the settings page, and broadcast pages' permissions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from expo.accounts.models import User
from expo.extensions import db
from expo.notifications.categories import CATEGORY_KEYS
from expo.notifications.models import Notification, NotificationPreference
from expo.notifications.notify import notify
from tests.conftest import count_queries, log_in, run_recorded_tasks


def tell(app, user, n: int, *, link: str = "", kind: str = "registration.ticket") -> None:
    with app.test_request_context():
        person = db.session.get(User, user.id)
        for number in range(n):
            notify(
                person,
                kind,
                title=f"Notice {number}",
                body=f"Body {number}",
                link=link,
                dedupe_key=f"test:{user.id}:{number}",
            )
        db.session.commit()


def test_the_bell_counts_unread_and_following_a_link_marks_it_read(app, client, factory):
    user = factory.user()
    tell(app, user, 3, link="/my/agenda")
    log_in(client, user)
    page = client.get("/").get_data(as_text=True)
    assert "data-unread-count>3<" in page
    with app.app_context():
        first = db.session.scalar(select(Notification.id).order_by(Notification.id))
    response = client.get(f"/notifications/{first}/open")
    assert (response.status_code, response.headers["Location"]) == (302, "/my/agenda")
    assert "data-unread-count>2<" in client.get("/").get_data(as_text=True)
    client.post("/notifications/read-all", data={"next": "/notifications/"})
    assert "data-unread-count" not in client.get("/notifications/").get_data(as_text=True)


def test_the_notifications_page_lists_newest_first_paginated_in_constant_queries(app, client, factory):
    user = factory.user()
    tell(app, user, 3)
    log_in(client, user)
    few = count_queries(app, client, "/notifications/")
    tell(app, user, 40)
    assert count_queries(app, client, "/notifications/") == few
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert page.index("Notice 39") < page.index("Notice 38")
    unread = client.get("/notifications/?show=unread").get_data(as_text=True)
    assert "Notice 39" in unread


def test_another_persons_notification_is_not_found(app, client, factory):
    owner, other = factory.user(), factory.user()
    tell(app, owner, 1)
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id))
    log_in(client, other)
    assert client.get(f"/notifications/{notification_id}").status_code == 404
    assert client.get(f"/notifications/{notification_id}/open").status_code == 404
    assert client.post(f"/notifications/{notification_id}/read").status_code == 404
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is None


def test_a_notification_without_link_opens_its_own_page_and_an_outside_link_is_refused(app, client, factory):
    user = factory.user()
    tell(app, user, 1, link="https://evil.example/phish")
    log_in(client, user)
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id))
    response = client.get(f"/notifications/{notification_id}/open")
    assert response.headers["Location"] == f"/notifications/{notification_id}"
    assert "Body 0" in client.get(f"/notifications/{notification_id}").get_data(as_text=True)


def test_settings_turn_channels_off_and_say_what_cannot_be(app, client, factory):
    user = factory.user()
    log_in(client, user)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Messages from organizers" in page and "cannot be turned off" in page
    assert "Trade inquiries and leads" in page and "inquiries assigned to you" in page
    assert "Daily lead digest" in page and "Nothing is sent on days without news." in page
    # Everything on except organizers' e-mails and reminders in the app.
    data = {f"{key}_{channel}": "y" for key in CATEGORY_KEYS for channel in ("in_app", "email")}
    del data["broadcasts_email"], data["reminders_in_app"]
    assert client.post("/account/notifications", data=data).status_code == 302
    with app.app_context():
        rows = {(row.category, row.in_app, row.email) for row in db.session.scalars(select(NotificationPreference))}
    assert rows == {("broadcasts", True, False), ("reminders", False, True)}
    tell(app, user, 1, kind="registration.reminder_1h")
    with app.app_context():
        assert db.session.scalar(select(Notification.id)) is None  # reminders in the app are off


def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in ("/notifications/", "/account/notifications"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --------------------------------------------------------------------------------------------
# Broadcast pages


@pytest.fixture()
def edition(factory):
    return factory.edition(slug="caexpo")


BROADCAST_ROUTES = ["/", "/new", "/{broadcast}", "/{broadcast}/progress.json"]
EXPECTED = {"anonymous": 302, "attendee": 403, "other_organizer": 403, "organizer": 200}


@pytest.fixture()
def broadcast_id(app, factory, edition):
    from expo.broadcasts.models import Broadcast

    with app.app_context():
        broadcast = Broadcast(edition_id=edition.id, audience="edition_attendees", subject="Hi", body="Hello")
        db.session.add(broadcast)
        db.session.commit()
        return broadcast.id


@pytest.mark.parametrize("role", list(EXPECTED))
def test_broadcast_permission_matrix(app, factory, edition, broadcast_id, role):
    client = app.test_client()
    users = {
        "attendee": factory.user(),
        "other_organizer": factory.organizer(factory.edition()),
        "organizer": factory.organizer(edition),
    }
    if role != "anonymous":
        log_in(client, users[role])
    for route in BROADCAST_ROUTES:
        path = "/editions/caexpo/organize/broadcasts" + route.format(broadcast=broadcast_id)
        assert client.get(path).status_code == EXPECTED[role], path


def test_another_editions_broadcast_is_not_found(app, factory, edition, broadcast_id):
    other = factory.edition(slug="other")
    client = app.test_client()
    log_in(client, factory.organizer(other))
    assert client.get(f"/editions/other/organize/broadcasts/{broadcast_id}").status_code == 404


def test_compose_counts_the_recipients_then_sends_and_the_report_follows(app, factory, edition, recorded_tasks):
    session = factory.programme_session(factory.forum(edition), title="Opening")
    for _ in range(3):
        factory.registration(factory.user(), session)
    client = app.test_client()
    log_in(client, factory.organizer(edition))
    form = {
        "audience": "session",
        "session_id": str(session.id),
        "registrants": "confirmed",
        "channels": "both",
        "subject": "Welcome",
        "body": "Doors open at nine.",
    }
    preview = client.post("/editions/caexpo/organize/broadcasts/new", data={**form, "preview": "Count"})
    page = preview.get_data(as_text=True)
    assert "This broadcast reaches 3 people now." in page and 'name="send"' in page
    assert recorded_tasks == []  # counting sends nothing
    missing = client.post("/editions/caexpo/organize/broadcasts/new", data={**form, "session_id": "", "send": "Send"})
    assert "Choose a session of this edition." in missing.get_data(as_text=True)
    sent = client.post("/editions/caexpo/organize/broadcasts/new", data={**form, "send": "Send"})
    assert sent.status_code == 302
    report_url = sent.headers["Location"]
    assert "Listing the recipients" in client.get(report_url).get_data(as_text=True)
    run_recorded_tasks(app)
    progress = client.get(report_url + "/progress.json").get_json()
    assert (progress["recipients"], progress["sent"], progress["in_app"], progress["finished"]) == (3, 3, 3, True)
    report = client.get(report_url).get_data(as_text=True)
    assert "Finished." in report and 'http-equiv="refresh"' not in report
    assert re.search(r"/static/js/broadcast-progress\.[0-9a-f]{12}\.js", report) and "<script>" not in report


def test_a_ticket_reaches_the_app_and_the_inbox_in_the_attendees_language(app, client, factory, edition):
    from expo.registrations import notify as registration_notices
    from tests.conftest import outbox_messages

    session = factory.programme_session(factory.forum(edition), title="Opening")
    attendee = factory.user(language="zh")
    registration = factory.registration(attendee, session)
    with app.app_context():
        registration_notices.send_ticket(registration.id)
        registration_notices.send_ticket(registration.id)  # the task ran twice: one notice, one e-mail
        db.session.commit()
    run_recorded_tasks(app)
    with app.app_context():
        [notice] = db.session.scalars(select(Notification)).all()
    assert notice.link == f"/my/tickets/{registration.id}"
    assert notice.title != "Your ticket: Opening" and "Opening" in notice.title  # in Chinese
    assert len(outbox_messages(app)) == 1
