"""Webhooks through the real stack: a buyer's inquiry → PostgreSQL → Redis → worker → a receiver
that verifies each signature, fails once with 500, once by not answering in time, then accepts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from sqlalchemy import select

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.extensions import db
from expo.leads.models import TradeInquiry
from expo.leads.services import InquiryData, send_inquiry
from expo.webhooks import services
from expo.webhooks.models import WebhookDelivery
from tests.integration.conftest import wait_for
from tests.webhook_receiver import Receiver

if TYPE_CHECKING:
    from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration


def test_signed_delivery_is_retried_after_a_500_and_a_timeout(app: Flask, factory, celery_worker: WorkerProcess):
    owner = factory.user()
    booth = factory.booth(factory.company(owner=owner, name="Guangxi Tea"))
    product = factory.product(booth, name="Liupao tea")
    buyer = factory.user()
    with Receiver(answers=[500, "hang"], hang_seconds=4) as receiver:
        with app.app_context():
            subscription = services.create_subscription(
                db.session.get(User, owner.id),
                services.SubscriptionData(receiver.url, "CRM", ("inquiry.received",)),
                booth=db.session.get(Booth, booth.id),
            )
            db.session.commit()
            receiver.secret = subscription.secret
            inquiry = send_inquiry(
                db.session.get(User, buyer.id),
                db.session.get(Booth, booth.id),
                InquiryData(kind=TradeInquiry.Kind.INQUIRY, message="Price for 2 tonnes?", product_ids=(product.id,)),
            )
            db.session.commit()  # the delivery row and the inquiry together; the task leaves now
            inquiry_id = inquiry.id

        def delivered():
            with app.app_context():
                delivery = db.session.scalars(select(WebhookDelivery)).one_or_none()
                found = delivery if delivery is not None and delivery.status == "succeeded" else None
                db.session.rollback()
                return found

        wait_for(delivered, what=lambda: f"the third attempt; received {len(receiver.received)}", timeout=60)
    assert len(receiver.received) == 3
    assert all(request.verified for request in receiver.received)
    assert len({request.headers["webhook-id"] for request in receiver.received}) == 1
    assert len({request.body for request in receiver.received}) == 1
    assert json.loads(receiver.received[0].body)["data"]["inquiry"]["id"] == inquiry_id
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        attempts = [(attempt.status_code, bool(attempt.error)) for attempt in delivery.attempt_log]
        assert attempts == [(500, False), (None, True), (200, False)]
        assert "no answer within 2 s" in delivery.attempt_log[1].error
        assert all(attempt.response_ms is not None for attempt in delivery.attempt_log)
        # Backoff: the second attempt about a second after the first, the third about two after the second.
        started = [attempt.started_at for attempt in delivery.attempt_log]
        assert (started[1] - started[0]).total_seconds() >= 0.9
        assert (started[2] - started[1]).total_seconds() >= 1.9


def test_a_meeting_accepted_through_the_api_reaches_the_organizers_receiver_signed(
    app: Flask, factory, celery_worker: WorkerProcess
):
    """A team's token accepts a buyer's meeting request: the edition's organizers' subscription
    receives meeting.accepted from the real worker, signed, with the arrangement the team chose."""
    from datetime import UTC, datetime

    from expo.editions.models import Edition
    from tests.api_helpers import bearer, free_at_venue, make_token, open_meeting

    edition = factory.edition(slug="caexpo-2027")
    organizer = factory.organizer(edition)
    owner = factory.user(name="Chen Yuehe")
    buyer = factory.user(name="Somchai Prasert")
    company = factory.company(owner=owner, name="Nanning Masks")
    factory.placement(factory.booth(company), factory.pavilion(edition), stand="A-12")
    starts = datetime(2027, 9, 11, 2, 0, tzinfo=UTC)
    meeting_id = open_meeting(app, edition, buyer, company, starts_at=starts)
    free_at_venue(app, edition, starts, datetime(2027, 9, 11, 2, 20, tzinfo=UTC), owner)
    with Receiver() as receiver:
        with app.app_context():
            subscription = services.create_subscription(
                db.session.get(User, organizer.id),
                services.SubscriptionData(receiver.url, "Meeting tables", ("meeting.accepted",)),
                edition=db.session.get(Edition, edition.id),
            )
            db.session.commit()
            receiver.secret = subscription.secret
        secret = make_token(app, owner, ["meetings:write"], company=company)
        response = app.test_client().post(
            f"/api/v1/meetings/{meeting_id}/accept",
            json={"revision": 1, "arrangement": {"place": "stand"}},
            headers=bearer(secret),
        )
        assert response.status_code == 200, response.get_json()

        def delivered():
            with app.app_context():
                found = db.session.scalars(
                    select(WebhookDelivery).where(WebhookDelivery.status == "succeeded")
                ).one_or_none()
                db.session.rollback()
                return found

        wait_for(delivered, what=lambda: f"the delivery; received {len(receiver.received)}", timeout=60)
    [request] = receiver.received
    assert request.verified
    payload = json.loads(request.body)
    assert payload["type"] == "meeting.accepted"
    assert payload["data"]["meeting"]["id"] == meeting_id
    assert (payload["data"]["meeting"]["acting_side"], payload["data"]["meeting"]["attendees"]) == (
        "team",
        ["Chen Yuehe"],
    )
