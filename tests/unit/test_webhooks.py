"""Webhooks: signatures, refused addresses, events written with the change, retries, disabling, replay."""

from __future__ import annotations

import json
import socket

import pytest
from sqlalchemy import select

from expo.extensions import db
from expo.notifications.models import Notification, OutboxMessage
from expo.webhooks import sender, services, signing
from expo.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.conftest import run_recorded_tasks
from tests.webhook_receiver import Receiver

# --- signing ------------------------------------------------------------------------------------


def test_signature_matches_the_standard_webhooks_reference_vector():
    # The example of the Standard Webhooks specification and its reference libraries.
    signature = signing.sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_verify_accepts_the_headers_it_made_and_refuses_a_change():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    body = b'{"type":"inquiry.received"}'
    headers = signing.headers(secret, "msg_1", body)
    signing.verify(secret, body, headers)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(secret, body + b" ", headers)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(signing.new_secret(), body, headers)
    with pytest.raises(signing.InvalidSignature):  # an old message replayed by an attacker
        signing.verify(secret, body, headers, now=int(headers["webhook-timestamp"]) + 3600)
    # Several signatures (during a secret rotation): one matching is enough.
    signing.verify(secret, body, {**headers, "webhook-signature": "v1,AAAA " + headers["webhook-signature"]})


# --- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/in",
        "ftp://hooks.example.com/in",
        "https://127.0.0.1/in",
        "https://[::1]/in",
        "https://169.254.169.254/latest/meta-data",
        "https://10.1.2.3/in",
        "https://localhost/in",
        "https://[::ffff:127.0.0.1]/in",
        "https://0.0.0.0/in",
        "https://user:pw@hooks.example.com/in",
    ],
)
def test_refused_without_the_network(url):
    with pytest.raises(sender.Blocked):
        sender.check_url(url, allow_private=False)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "169.254.169.254", "192.168.1.20", "fd00::1", "100.64.0.1"])
def test_a_name_resolving_to_a_private_address_is_refused_at_send_time(monkeypatch, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, port, **kw: [(family, socket.SOCK_STREAM, 6, "", (address, port))]
    )
    connected = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **kw: connected.append(a))
    with pytest.raises(sender.Blocked):
        sender.post("https://rebinding.example.com/in", b"{}", {}, timeout=1, allow_private=False)
    assert connected == []


def test_every_resolved_address_is_checked(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ],
    )
    with pytest.raises(sender.Blocked):
        sender.post("https://mixed.example.com/in", b"{}", {}, timeout=1, allow_private=False)


def test_public_address_is_allowed():
    assert sender.is_public_address("93.184.215.14") and sender.is_public_address(
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
    )


# --- subscriptions, events, deliveries -------------------------------------------------------------


@pytest.fixture()
def team(factory):
    owner = factory.user(email="owner@tea.example.com")
    staff = factory.user()
    company = factory.company(owner=owner, staff=[staff], name="Guangxi Tea")
    booth = factory.booth(company)
    product = factory.product(booth, name="Liupao tea")
    return owner, staff, booth, product


def _subscribe(app, owner, booth, url, events=("inquiry.received",)):
    from expo.accounts.models import User
    from expo.booths.models import Booth

    with app.app_context():
        subscription = services.create_subscription(
            db.session.get(User, owner.id),
            services.SubscriptionData(url, "CRM", tuple(events)),
            booth=db.session.get(Booth, booth.id),
        )
        db.session.commit()
        return subscription.id, subscription.secret


def _send_inquiry(app, factory, booth, product):
    from expo.accounts.models import User
    from expo.booths.models import Booth
    from expo.leads.models import TradeInquiry
    from expo.leads.services import InquiryData, send_inquiry

    buyer = factory.user()
    with app.app_context():
        inquiry = send_inquiry(
            db.session.get(User, buyer.id),
            db.session.get(Booth, booth.id),
            InquiryData(
                kind=TradeInquiry.Kind.INQUIRY,
                message="Price for 2 tonnes?",
                product_ids=(product.id,),
                quantity=2000,
                unit="kg",
                buyer_organisation="Hanoi Imports",
                buyer_country="VN",
            ),
        )
        db.session.commit()
        return inquiry.id


def test_only_the_owner_subscribes_and_only_to_team_events(app, factory, team):
    from expo.accounts.models import User
    from expo.booths.models import Booth
    from expo.permissions import NotAllowed

    owner, staff, booth, _ = team
    with app.app_context():
        with pytest.raises(NotAllowed):
            services.create_subscription(
                db.session.get(User, staff.id),
                services.SubscriptionData("https://crm.example.com/in", "", ("inquiry.received",)),
                booth=db.session.get(Booth, booth.id),
            )
        with pytest.raises(services.WebhookRefused):
            services.create_subscription(
                db.session.get(User, owner.id),
                services.SubscriptionData("https://crm.example.com/in", "", ("registration.confirmed",)),
                booth=db.session.get(Booth, booth.id),
            )


def test_private_address_refused_when_subscribing_in_production(app, factory, team, monkeypatch):
    from expo.accounts.models import User
    from expo.booths.models import Booth

    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)
    owner, _, booth, _ = team
    with app.app_context():
        with pytest.raises(services.WebhookRefused) as refused:
            services.create_subscription(
                db.session.get(User, owner.id),
                services.SubscriptionData("https://169.254.169.254/hook", "", ("inquiry.received",)),
                booth=db.session.get(Booth, booth.id),
            )
        assert refused.value.field == "url"


def test_inquiry_writes_a_delivery_in_its_transaction_and_the_worker_sends_it_signed(
    app, factory, team, recorded_tasks
):
    owner, _, booth, product = team
    with Receiver() as receiver:
        subscription_id, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        inquiry_id = _send_inquiry(app, factory, booth, product)
        assert [name for name, _args in recorded_tasks if name.startswith("webhooks.")] == ["webhooks.deliver"]
        run_recorded_tasks(app)
    [request] = receiver.received
    assert request.verified
    payload = json.loads(request.body)
    assert payload["type"] == "inquiry.received"
    assert payload["data"]["inquiry"]["id"] == inquiry_id
    assert payload["data"]["inquiry"]["products"] == ["Liupao tea"]
    assert payload["data"]["inquiry"]["buyer_organisation"] == "Hanoi Imports"
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery).filter_by(subscription_id=subscription_id)).one()
        assert delivery.status == "succeeded" and request.headers["webhook-id"] == delivery.message_id
        [attempt] = delivery.attempt_log
        assert attempt.status_code == 200 and attempt.response_ms is not None


def test_no_delivery_when_the_change_rolls_back(app, factory, team, recorded_tasks):
    from expo.leads.models import TradeInquiry
    from expo.webhooks.announce import inquiry_received

    owner, _, booth, product = team
    _subscribe(app, owner, booth, "https://crm.example.com/in")
    inquiry = factory.inquiry(booth, factory.user(), products=[product])
    with app.app_context():
        inquiry_received(db.session.get(TradeInquiry, inquiry.id))
        db.session.rollback()
        assert db.session.scalar(select(db.func.count()).select_from(WebhookDelivery)) == 0
    assert not [name for name, _args in recorded_tasks if name.startswith("webhooks.")]


def test_500_is_retried_with_backoff_then_delivered(app, factory, team, recorded_tasks):
    owner, _, booth, product = team
    with Receiver(answers=[500]) as receiver:
        subscription_id, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        _send_inquiry(app, factory, booth, product)
        run_recorded_tasks(app)
    first, second = receiver.received
    assert first.verified and second.verified
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery).filter_by(subscription_id=subscription_id)).one()
        assert delivery.status == "succeeded" and delivery.attempts == 2
        assert [attempt.status_code for attempt in delivery.attempt_log] == [500, 200]
        assert db.session.get(WebhookSubscription, subscription_id).consecutive_failures == 0


def test_retry_is_published_with_exponential_backoff(app, factory, team, recorded_tasks, monkeypatch):
    published = []
    monkeypatch.setattr(
        "expo.webhooks.services.enqueue_after_commit", lambda name, *args, countdown=None: published.append(countdown)
    )
    owner, _, booth, _ = team
    with Receiver(answers=[503, 502, 500]) as receiver:
        subscription_id, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        with app.app_context():
            services.emit("inquiry.received", {"inquiry": {"id": 1}}, booth_id=booth.id)
            db.session.commit()
            [delivery_id] = db.session.scalars(select(WebhookDelivery.id)).all()
        from worker.tasks import deliver_webhook

        for _ in range(3):
            with app.app_context():
                assert deliver_webhook.run(delivery_id) == "pending"
    base = app.config["WEBHOOKS_RETRY_BASE_SECONDS"]
    assert published[1:] == [base, base * 2, base * 4]


def test_timeout_is_recorded_and_retried(app, factory, team, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_TIMEOUT_SECONDS", 0.5)
    owner, _, booth, product = team
    with Receiver(answers=["hang"], hang_seconds=2) as receiver:
        subscription_id, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        _send_inquiry(app, factory, booth, product)
        run_recorded_tasks(app)
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery).filter_by(subscription_id=subscription_id)).one()
        first, second = delivery.attempt_log
        assert first.status_code is None and "no answer within" in first.error
        assert second.status_code == 200 and delivery.status == "succeeded"


def test_a_4xx_is_not_retried(app, factory, team):
    owner, _, booth, product = team
    with Receiver(answers=[404]) as receiver:
        subscription_id, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        _send_inquiry(app, factory, booth, product)
        run_recorded_tasks(app)
    assert len(receiver.received) == 1
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery).filter_by(subscription_id=subscription_id)).one()
        assert delivery.status == "failed" and delivery.last_status_code == 404


def test_the_task_is_idempotent_by_delivery_id(app, factory, team):
    from worker.tasks import deliver_webhook

    owner, _, booth, product = team
    with Receiver() as receiver:
        _, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        _send_inquiry(app, factory, booth, product)
        with app.app_context():
            [delivery_id] = db.session.scalars(select(WebhookDelivery.id)).all()
            assert deliver_webhook.run(delivery_id) == "succeeded"
        with app.app_context():
            assert deliver_webhook.run(delivery_id) == "skipped"
    assert len(receiver.received) == 1


def test_disabled_after_repeated_failures_with_a_notice_to_the_owner(app, factory, team, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_DISABLE_AFTER_FAILURES", 3)
    monkeypatch.setitem(app.config, "WEBHOOKS_MAX_ATTEMPTS", 2)
    owner, _, booth, product = team
    with Receiver(answers=[500] * 10) as receiver:
        subscription_id, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        _send_inquiry(app, factory, booth, product)  # two attempts, both 500: failed
        _send_inquiry(app, factory, booth, product)  # the third failure disables it
        _send_inquiry(app, factory, booth, product)  # owed before the disabling: cancelled, not sent
        run_recorded_tasks(app)
    with app.app_context():
        subscription = db.session.get(WebhookSubscription, subscription_id)
        assert not subscription.enabled and subscription.disabled_at is not None
        statuses = sorted(str(d.status) for d in db.session.scalars(select(WebhookDelivery)))
        assert "cancelled" in statuses  # what was still owed is not sent to a disabled subscription
        assert len(receiver.received) == 3
        [notice] = db.session.scalars(select(Notification).filter_by(kind="webhooks.disabled")).all()
        assert notice.user_id == owner.id and receiver.url in notice.body
        [mail] = db.session.scalars(select(OutboxMessage).filter_by(kind="webhooks.disabled")).all()
        assert mail.recipient == "owner@tea.example.com"
    # A disabled subscription is owed nothing new.
    _send_inquiry(app, factory, booth, product)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(WebhookDelivery)) == 3


def test_replay_sends_the_same_message_again(app, factory, team):
    from expo.accounts.models import User
    from expo.permissions import NotAllowed

    owner, staff, booth, product = team
    with Receiver(answers=[404]) as receiver:
        subscription_id, receiver.secret = _subscribe(app, owner, booth, receiver.url)
        _send_inquiry(app, factory, booth, product)
        run_recorded_tasks(app)
        with app.app_context():
            original = db.session.scalars(select(WebhookDelivery)).one()
            with pytest.raises(NotAllowed):
                services.replay(db.session.get(User, staff.id), original)
            db.session.rollback()
            again = services.replay(db.session.get(User, owner.id), original)
            db.session.commit()
            again_id = again.id
        run_recorded_tasks(app)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    assert second.verified
    with app.app_context():
        again = db.session.get(WebhookDelivery, again_id)
        assert again.status == "succeeded" and again.replay_of_id is not None


def test_registration_events_reach_the_editions_organizers(app, factory, recorded_tasks):
    from expo.accounts.models import User
    from expo.editions.models import Edition
    from expo.forums.models import ProgrammeSession
    from expo.registrations import services as registrations

    edition = factory.edition()
    organizer = factory.organizer(edition)
    forum = factory.forum(edition)
    session = factory.programme_session(forum, capacity=1)
    first, second = factory.user(), factory.user()
    with app.app_context():
        services.create_subscription(
            db.session.get(User, organizer.id),
            services.SubscriptionData(
                "https://badges.example.com/in",
                "",
                ("registration.confirmed", "registration.cancelled", "registration.promoted"),
            ),
            edition=db.session.get(Edition, edition.id),
        )
        db.session.commit()
        registrations.register(db.session.get(User, first.id), db.session.get(ProgrammeSession, session.id))
        registrations.register(db.session.get(User, second.id), db.session.get(ProgrammeSession, session.id))
        db.session.commit()
        registration = registrations.active_registration(
            db.session.get(User, first.id), db.session.get(ProgrammeSession, session.id)
        )
        registrations.cancel(db.session.get(User, first.id), registration)
        db.session.commit()
        events = [
            (d.event, json.loads(d.body)["data"]["registration"]["attendee"]["id"])
            for d in db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        ]
    assert events == [
        ("registration.confirmed", first.id),
        ("registration.cancelled", first.id),
        ("registration.promoted", second.id),
    ]


# --- meetings -----------------------------------------------------------------------------------


def test_meeting_events_reach_the_booth_s_team_and_the_edition_s_organizers_signed(app, factory, monkeypatch):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from expo.accounts.models import User
    from expo.editions.models import Edition
    from expo.exhibitors.models import ExhibitorCompany
    from expo.meetings import services as meetings
    from expo.meetings.models import Availability, Meeting, Mode, Outcome, Place, Side

    now = datetime(2027, 9, 1, tzinfo=UTC)
    monkeypatch.setattr("expo.meetings.slots.utcnow", lambda: now)

    def venue(hour, minute=0):
        return datetime(2027, 9, 11, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)

    edition = factory.edition(slug="caexpo-2027")
    organizer = factory.organizer(edition)
    owner = factory.user(name="Chen Yuehe")
    buyer = factory.user(name="Somchai Prasert", organisation="Siam Health", country="TH")
    company = factory.company(owner=owner, name="Nanning Masks")
    booth = factory.booth(company)
    factory.placement(booth, factory.pavilion(edition), stand="A-12")
    other_owner = factory.user()
    other_booth = factory.booth(factory.company(owner=other_owner))
    with app.app_context():
        for user in (owner, buyer):
            db.session.add(
                Availability(
                    user_id=user.id, mode="venue", edition_id=edition.id, starts_at=venue(9), ends_at=venue(12)
                )
            )
        db.session.commit()
    meeting_events = ("meeting.requested", "meeting.accepted", "meeting.rescheduled", "meeting.held", "meeting.missed")
    with Receiver() as team_receiver, Receiver() as organizer_receiver, Receiver() as elsewhere:
        _, team_receiver.secret = _subscribe(app, owner, booth, team_receiver.url, events=meeting_events)
        _subscribe(app, owner, booth, elsewhere.url, events=("inquiry.received",))  # chose no meeting event
        _subscribe(app, other_owner, other_booth, elsewhere.url, events=meeting_events)  # another booth
        with app.app_context():
            subscription = services.create_subscription(
                db.session.get(User, organizer.id),
                services.SubscriptionData(organizer_receiver.url, "Tables", ("meeting.accepted", "meeting.held")),
                edition=db.session.get(Edition, edition.id),
            )
            db.session.commit()
            organizer_receiver.secret = subscription.secret

            as_buyer, as_team = db.session.get(User, buyer.id), db.session.get(User, owner.id)
            meeting = meetings.request_meeting(
                as_buyer,
                side=Side.BUYER,
                buyer=as_buyer,
                company=db.session.get(ExhibitorCompany, company.id),
                edition=db.session.get(Edition, edition.id),
                data=meetings.RequestData(meetings.Proposal(Mode.VENUE, venue(10, 20)), "KN95 prices?"),
                now=now,
            )
            db.session.commit()
            meeting_id = meeting.id
            meetings.accept(as_team, meeting, 1, arrangement=meetings.Arrangement((owner.id,), Place.STAND), now=now)
            db.session.commit()
            # A second note on the same outcome tells nobody; a changed outcome does.
            later = venue(10, 30)
            meeting = db.session.get(Meeting, meeting_id)
            meetings.record_outcome(as_buyer, meeting, Outcome.HELD, "Good", now=later)
            meetings.record_outcome(as_buyer, meeting, Outcome.HELD, "Samples next week", now=later)
            meetings.record_outcome(as_team, meeting, Outcome.MISSED, "", now=later)
            db.session.commit()
        run_recorded_tasks(app)
    assert all(request.verified for request in team_receiver.received + organizer_receiver.received)
    assert elsewhere.received == []
    team_events = [json.loads(request.body) for request in team_receiver.received]
    assert [event["type"] for event in team_events] == [
        "meeting.requested",
        "meeting.accepted",
        "meeting.held",
        "meeting.missed",
    ]
    requested = team_events[0]["data"]["meeting"]
    assert requested["id"] == meeting_id and requested["acting_side"] == "buyer"
    assert requested["buyer"] == {
        "id": buyer.id,
        "name": "Somchai Prasert",
        "organisation": "Siam Health",
        "country": "TH",
    }
    assert requested["booth"] == booth.slug and requested["edition"] == "caexpo-2027"
    assert requested["starts_at"] == venue(10, 20).isoformat(timespec="seconds")
    assert requested["url"].endswith(f"/meetings/{meeting_id}")
    accepted = team_events[1]["data"]["meeting"]
    assert (accepted["status"], accepted["place"], accepted["attendees"]) == ("accepted", "stand", ["Chen Yuehe"])
    assert (team_events[3]["data"]["meeting"]["acting_side"], team_events[3]["data"]["meeting"]["team_outcome"]) == (
        "team",
        "missed",
    )
    assert "Samples next week" not in team_receiver.received[2].body.decode()
    assert [json.loads(request.body)["type"] for request in organizer_receiver.received] == [
        "meeting.accepted",
        "meeting.held",
    ]
