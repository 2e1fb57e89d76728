"""Notices are written in the reader's language when read, and e-mails in the recipient's when sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import force_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from expo.accounts.models import User
from expo.extensions import db
from expo.i18n import LocalDay, LocalMoment
from expo.notifications.messages import Joined, Lines, Money, Quantity, render, to_data
from expo.notifications.models import Notification, OutboxMessage
from expo.notifications.notify import notify
from tests.conftest import log_in


def test_message_data_is_written_in_the_language_current_when_rendered(app):
    message = Lines(
        _l(
            "%(buyer)s accepted your quotation of %(price)s per unit for %(quantity)s. The inquiry is marked "
            "won: confirm the order with them.",
            buyer="Lan",
            price=Money(Decimal("1234.5"), "USD"),
            quantity=Quantity(12000, "boxes"),
        ),
        Joined(_l("Valid until:"), LocalDay(date(2027, 9, 10))),
        lazy_ngettext("%(num)d new inquiry", "%(num)d new inquiries", 3),
        Joined(LocalMoment(datetime(2027, 9, 10, 1, 30, tzinfo=UTC), "Asia/Bangkok"), "Hall 3", separator=", "),
        "Written by a person, kept as written",
    )
    data = to_data(message)
    with app.test_request_context("/"):
        with force_locale("en"):
            english = render(data)
            assert english == str(message)  # the same words as the objects themselves give
        with force_locale("zh"):
            chinese = render(data)
    assert "Lan accepted your quotation of $1,234.50 per unit for 12,000 boxes." in english
    assert "Valid until: Fri, Sep 10" in english and "3 new inquiries" in english
    assert "8:30\u202fAM (Asia/Bangkok), Hall 3" in english
    assert "Lan 接受了您的报价（单价 US$1,234.50，数量 12,000 boxes）" in chinese
    assert "有效期至： " in chinese and "9月10日周五" in chinese
    assert "Written by a person, kept as written" in chinese


def _tell_ticket(app, user_id: int) -> None:
    with app.test_request_context("/"):
        person = db.session.get(User, user_id)
        notify(
            person,
            "registration.ticket",
            dedupe_key=f"test-ticket:{user_id}",
            title=_l("Your ticket: %(title)s", title="Opening plenary"),
            body=_l(
                "You are registered for %(title)s. Show the QR code on your ticket at the entrance.",
                title="Opening plenary",
            ),
        )
        db.session.commit()


def test_a_notice_made_in_english_reads_in_chinese_once_the_reader_switches(app, client, factory):
    user = factory.user(language="en")
    _tell_ticket(app, user.id)
    log_in(client, user)
    assert "Your ticket: Opening plenary" in client.get("/notifications/").get_data(as_text=True)

    client.post("/language", data={"language": "zh", "next": "/notifications/"})

    page = client.get("/notifications/").get_data(as_text=True)
    assert "您的门票：Opening plenary" in page and "Your ticket:" not in page
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id))
    shown = client.get(f"/notifications/{notification_id}").get_data(as_text=True)
    assert "您的门票：Opening plenary" in shown


def test_a_notice_from_before_message_data_shows_its_stored_text(app, client, factory):
    user = factory.user(language="zh")
    with app.app_context():
        db.session.add(
            Notification(
                user_id=user.id,
                kind="registration.ticket",
                category="registrations",
                title="Stored title",
                body="Stored body",
                dedupe_key="old:1",
                message=None,
            )
        )
        db.session.commit()
    log_in(client, user)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Stored title" in page and "Stored body" in page


def test_a_callable_body_is_still_written_once_in_the_recipients_language(app, factory):
    user = factory.user(language="zh")
    with app.test_request_context("/"):
        person = db.session.get(User, user.id)
        outcome = notify(
            person,
            "registration.ticket",
            dedupe_key="callable:1",
            title=_l("Your ticket: %(title)s", title="X"),
            body=lambda: "computed",
        )
        assert outcome.notification.message is None
        assert outcome.notification.title == "您的门票：X" and outcome.notification.body == "computed"


def test_an_email_to_a_chinese_reader_is_in_chinese(app, factory):
    forum = factory.forum(factory.edition())
    user = factory.user(language="zh", email="lan@example.com")
    session = factory.programme_session(forum, title="Opening plenary")
    registration = factory.registration(user, session)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        from expo.registrations.notify import send_ticket

        send_ticket(registration.id)
        db.session.commit()
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "lan@example.com"))
        assert message.subject == "您的门票：Opening plenary"
        assert "您已成功报名“Opening plenary”" in message.body_text
        assert 'lang="zh-Hans"' in message.body_html
