"""Webhook pages: subscribing shows the secret once, editing, rotating, deleting, the delivery log and replay."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from expo.extensions import db
from expo.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.conftest import log_in, run_recorded_tasks
from tests.webhook_receiver import Receiver

SECRET = re.compile(r'id="webhook-secret" value="(whsec_[A-Za-z0-9+/=]+)"')


@pytest.fixture()
def owner_client(app, factory):
    owner = factory.user()
    company = factory.company(owner=owner, name="Guangxi Tea")
    booth = factory.booth(company)
    client = app.test_client()
    log_in(client, owner)
    return client, booth


def test_subscribe_shows_the_secret_once_and_lists_the_subscription(app, owner_client):
    client, booth = owner_client
    base = f"/booths/{booth.slug}/webhooks"
    form = client.get(f"{base}/new").get_data(as_text=True)
    assert "inquiry.received" in form and "registration.confirmed" not in form  # team events only
    response = client.post(
        f"{base}/new",
        data={
            "url": "https://crm.example.com/expo",
            "description": "Our CRM",
            "events": ["inquiry.received", "quotation.accepted"],
        },
    )
    # Redirected to the page that shows the secret: reloading it makes no second subscription.
    assert response.status_code == 303 and "/secret" in response.headers["Location"]
    shown = client.get(response.headers["Location"])
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(shown.get_data(as_text=True)).group(1)
    reloaded = client.get(response.headers["Location"])
    assert reloaded.status_code == 302 and secret not in reloaded.get_data(as_text=True)
    with app.app_context():
        subscription = db.session.scalars(select(WebhookSubscription)).one()
        assert subscription.secret == secret and subscription.events == ["inquiry.received", "quotation.accepted"]
        subscription_id = subscription.id
    listing = client.get(f"{base}/").get_data(as_text=True)
    assert "https://crm.example.com/expo" in listing and secret not in listing
    assert secret not in client.get(f"{base}/{subscription_id}").get_data(as_text=True)
    rotated = client.post(f"{base}/{subscription_id}/secret", follow_redirects=True).get_data(as_text=True)
    new_secret = SECRET.search(rotated).group(1)
    assert new_secret != secret


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://crm.example.com/expo", "public https://"),
        ("not a url", "public https://"),
    ],
)
def test_a_refused_address_is_a_form_error_that_keeps_the_input(app, owner_client, monkeypatch, url, reason):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)
    client, booth = owner_client
    response = client.post(
        f"/booths/{booth.slug}/webhooks/new",
        data={"url": url, "description": "Keep me", "events": ["inquiry.received"]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and reason in page and "Keep me" in page


def test_no_event_chosen_is_a_form_error(owner_client):
    client, booth = owner_client
    response = client.post(f"/booths/{booth.slug}/webhooks/new", data={"url": "https://crm.example.com/expo"})
    assert response.status_code == 400 and "Choose at least one event." in response.get_data(as_text=True)


def test_edit_disable_and_delete(app, owner_client):
    client, booth = owner_client
    base = f"/booths/{booth.slug}/webhooks"
    client.post(f"{base}/new", data={"url": "https://crm.example.com/expo", "events": ["inquiry.received"]})
    with app.app_context():
        subscription_id = db.session.scalar(select(WebhookSubscription.id))
    response = client.post(
        f"{base}/{subscription_id}/edit", data={"url": "https://crm.example.com/v2", "events": ["quotation.declined"]}
    )  # "enabled" unticked
    assert response.status_code == 302
    with app.app_context():
        subscription = db.session.get(WebhookSubscription, subscription_id)
        assert subscription.url == "https://crm.example.com/v2" and not subscription.enabled
    assert client.post(f"{base}/{subscription_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(WebhookSubscription, subscription_id) is None


def test_delivery_log_shows_attempts_and_replays(app, factory, owner_client):
    client, booth = owner_client
    base = f"/booths/{booth.slug}/webhooks"
    with Receiver(answers=[404]) as receiver:
        response = client.post(
            f"{base}/new", data={"url": receiver.url, "events": ["inquiry.received"]}, follow_redirects=True
        )
        receiver.secret = SECRET.search(response.get_data(as_text=True)).group(1)
        with app.app_context():
            subscription_id = db.session.scalar(select(WebhookSubscription.id))
            from expo.webhooks.services import emit

            emit("inquiry.received", {"inquiry": {"id": 7}}, booth_id=booth.id)
            db.session.commit()
        run_recorded_tasks(app)
        page = client.get(f"{base}/{subscription_id}").get_data(as_text=True)
        assert "HTTP 404" in page and "Failed" in page and " ms" in page
        with app.app_context():
            delivery_id = db.session.scalar(select(WebhookDelivery.id))
        assert client.post(f"{base}/{subscription_id}/deliveries/{delivery_id}/replay").status_code == 302
        run_recorded_tasks(app)
    assert [request.verified for request in receiver.received] == [True, True]
    page = client.get(f"{base}/{subscription_id}").get_data(as_text=True)
    assert "HTTP 200" in page and "Delivered" in page


def test_replay_of_a_disabled_subscription_says_why(app, owner_client):
    client, booth = owner_client
    with app.app_context():
        subscription = WebhookSubscription(
            booth_id=booth.id,
            url="https://crm.example.com/in",
            enabled=False,
            events=["inquiry.received"],
            secret="whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
        )
        db.session.add(subscription)
        db.session.flush()
        delivery = WebhookDelivery(
            subscription_id=subscription.id, event="inquiry.received", message_id="msg_1", body="{}", status="failed"
        )
        db.session.add(delivery)
        db.session.commit()
        ids = subscription.id, delivery.id
    response = client.post(f"/booths/{booth.slug}/webhooks/{ids[0]}/deliveries/{ids[1]}/replay", follow_redirects=True)
    assert "enable it before replaying" in response.get_data(as_text=True)


def test_every_change_of_a_subscription_is_in_the_audit_trail_without_its_secret(app, factory):
    from expo.audit.models import AuditEntry

    edition = factory.edition(slug="caexpo-2027")
    organizer = factory.organizer(edition, name="Organizer")
    client = app.test_client()
    log_in(client, organizer)
    base = "/editions/caexpo-2027/webhooks"
    shown = client.post(
        f"{base}/new",
        data={"url": "https://badges.example.com/in", "events": ["registration.confirmed"]},
        follow_redirects=True,
    )
    secret = SECRET.search(shown.get_data(as_text=True)).group(1)
    with app.app_context():
        subscription_id = db.session.scalar(select(WebhookSubscription.id))
    edit = f"{base}/{subscription_id}/edit"
    client.post(edit, data={"url": "https://badges.example.com/v2", "events": ["registration.confirmed"]})  # off
    client.post(
        edit, data={"url": "https://badges.example.com/v2", "events": ["registration.confirmed"], "enabled": "y"}
    )
    client.post(
        edit, data={"url": "https://badges.example.com/v2", "events": ["registration.confirmed"], "enabled": "y"}
    )
    client.post(f"{base}/{subscription_id}/secret")
    client.post(f"{base}/{subscription_id}/delete")
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        trail = [(entry.action, entry.before, entry.after) for entry in entries]
        assert all(entry.edition_id == edition.id and entry.actor_id == organizer.id for entry in entries)
        assert all(entry.object_type == "webhook_subscription" for entry in entries)
        assert "https://badges.example.com/v2 (Edition" in entries[-1].object_label
    assert [action for action, _before, _after in trail] == [
        "webhook_subscribed",
        "webhook_changed",
        "webhook_disabled",
        "webhook_enabled",
        "webhook_secret_rotated",
        "webhook_deleted",
    ]  # saving it unchanged left nothing
    assert trail[1][1:] == ({"url": "https://badges.example.com/in"}, {"url": "https://badges.example.com/v2"})
    assert secret not in repr(trail)
    page = client.get("/editions/caexpo-2027/organize/audit").get_data(as_text=True)
    assert "Webhook subscription enabled again" in page and "Webhook signing secret rotated" in page


def test_disabling_after_failures_is_audited_as_the_system(app, factory, monkeypatch):
    from expo.audit.models import AuditEntry

    monkeypatch.setitem(app.config, "WEBHOOKS_DISABLE_AFTER_FAILURES", 1)
    monkeypatch.setitem(app.config, "WEBHOOKS_MAX_ATTEMPTS", 1)
    owner = factory.user()
    booth = factory.booth(factory.company(owner=owner, name="Guangxi Tea"))
    client = app.test_client()
    log_in(client, owner)
    with Receiver(answers=[500]) as receiver:
        shown = client.post(
            f"/booths/{booth.slug}/webhooks/new",
            data={"url": receiver.url, "events": ["inquiry.received"]},
            follow_redirects=True,
        )
        receiver.secret = SECRET.search(shown.get_data(as_text=True)).group(1)
        with app.app_context():
            from expo.webhooks.services import emit

            emit("inquiry.received", {"inquiry": {"id": 7}}, booth_id=booth.id)
            db.session.commit()
        run_recorded_tasks(app)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook_disabled")).one()
        assert entry.actor_id is None and entry.after["enabled"] is False and "1 failed" in entry.after["reason"]


def test_the_form_lists_meeting_events_with_translated_labels(app, factory):
    edition = factory.edition(slug="caexpo-2027")
    organizer = factory.organizer(edition, language="zh")
    client = app.test_client()
    log_in(client, organizer)
    page = client.get("/editions/caexpo-2027/webhooks/new", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "registration.confirmed" in page and "meeting.accepted" in page and "meeting.held" in page
    assert "A meeting is accepted or scheduled" not in page  # in Chinese
    owner = factory.user()
    booth = factory.booth(factory.company(owner=owner))
    client = app.test_client()
    log_in(client, owner)
    team_page = client.get(f"/booths/{booth.slug}/webhooks/new").get_data(as_text=True)
    assert "meeting.requested" in team_page and "A meeting is requested (by a buyer or the team)" in team_page
