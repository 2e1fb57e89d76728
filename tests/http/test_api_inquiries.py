"""The buyer's side of inquiries through the API: sending one to a booth with the inquiry form's
rules, the ones sent, their conversation and quotations, replying, accepting and declining."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from expo.extensions import db
from tests.api_helpers import bearer, make_token

PROBLEM = "application/problem+json"


@pytest.fixture()
def world(factory):
    owner = factory.user(name="Owner")
    company = factory.company(owner=owner, slug="hanoi-coffee", name="Hanoi Coffee Co", country="VN")
    booth = factory.booth(company)
    beans = factory.product(booth, name="Robusta beans")
    other_booth = factory.booth(factory.company(owner=factory.user(), slug="other-co"))
    other_product = factory.product(other_booth, name="Green tea")
    draft = factory.booth(factory.company(owner=factory.user(), slug="draft-co"), status="draft")
    buyer = factory.user(name="Buyer", organisation="Bangkok Imports", country="TH")
    stranger = factory.user(name="Stranger")
    return {
        "owner": owner,
        "booth": booth,
        "beans": beans,
        "other_booth": other_booth,
        "other_product": other_product,
        "draft": draft,
        "buyer": buyer,
        "stranger": stranger,
    }


def quote(app, inquiry_id, owner, *, valid_until=None, unit_price="2100.00"):
    """The team's quotation, through the team's service."""
    from expo.accounts.models import User
    from expo.leads import services

    with app.test_request_context():
        inquiry = services.find_inquiry(inquiry_id)
        quotation = services.send_quotation(
            db.session.get(User, owner.id),
            inquiry,
            services.QuotationData(
                unit_price=Decimal(unit_price),
                currency="USD",
                quantity=2,
                unit="tonnes",
                incoterm="FOB",
                lead_time_days=30,
                valid_until=valid_until or date.today() + timedelta(days=30),
            ),
        )
        db.session.commit()
        return quotation.id


def send(client, secret, slug="hanoi-coffee", **fields):
    body = {"message": "Price for 2 tonnes?", **fields}
    return client.post(f"/api/v1/booths/{slug}/inquiries", json=body, headers=bearer(secret))


def test_a_buyer_sends_an_order_request_the_team_sees_it_and_is_told(app, client, world, recorded_tasks):
    from expo.leads.models import TradeInquiry
    from expo.notifications.models import Notification

    secret = make_token(app, world["buyer"], ["inquiries:write"])
    response = send(
        client,
        secret,
        kind="order_request",
        product_ids=[world["beans"].id],
        quantity=2000,
        unit="kg",
        target_price="2.10",
        currency="USD",
        incoterm="FOB",
        destination_country="TH",
        destination_port="Laem Chabang",
        delivery_date=(date.today() + timedelta(days=60)).isoformat(),
    )
    assert response.status_code == 201, response.get_json()
    sent = response.get_json()
    assert sent["kind"] == "order_request" and sent["status"] == "new"
    assert sent["exhibitor"] == {"booth_slug": "hanoi-coffee", "name": "Hanoi Coffee Co", "country": "VN"}
    assert sent["items"] == [{"product_id": world["beans"].id, "product_name": "Robusta beans"}]
    # The profile's organisation and country, as the page pre-fills them.
    assert (sent["buyer_organisation"], sent["buyer_country"]) == ("Bangkok Imports", "TH")
    assert sent["quotations"] == [] and "assignee_id" not in sent
    team = make_token(app, world["owner"], ["leads:read"])
    listed = client.get("/api/v1/booths/hanoi-coffee/inquiries", headers=bearer(team)).get_json()["items"]
    assert [(item["id"], item["buyer"]["id"]) for item in listed] == [(sent["id"], world["buyer"].id)]
    with app.app_context():
        assert db.session.get(TradeInquiry, sent["id"]).quantity == 2000
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "leads.inquiry_received")
        ).all()
        assert world["owner"].id in told


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "order_request"}, "products"),  # an order request names products
        ({"kind": "order_request", "product_ids": "beans"}, "quantity"),  # ... and a quantity
        ({"delivery_date": "2000-01-01"}, "delivery_date"),
        ({"quantity": 5}, "unit"),
        ({"incoterm": "XYZ"}, "incoterm"),
        ({"currency": "ZZZ"}, "currency"),
        ({"destination_country": "XX"}, "destination_country"),
        ({"message": ""}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"product_ids": "other"}, "products"),  # another booth's product
        ({"colour": "red"}, "colour"),
    ],
)
def test_what_the_inquiry_form_refuses_the_api_refuses_with_the_field(app, client, world, fields, field):
    from expo.leads.models import TradeInquiry

    secret = make_token(app, world["buyer"], ["inquiries:write"])
    ids = {"beans": [world["beans"].id], "other": [world["other_product"].id]}
    if isinstance(fields.get("product_ids"), str):
        fields = {**fields, "product_ids": ids[fields["product_ids"]]}
    response = send(client, secret, **fields)
    assert response.status_code == 400 and response.mimetype == PROBLEM, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(TradeInquiry)) == 0


def test_who_may_send_where(app, client, world):
    buyer = make_token(app, world["buyer"], ["inquiries:write"])
    assert send(client, buyer, slug="draft-co").status_code == 404  # not published: not there
    assert send(client, buyer, slug="no-such-booth").status_code == 404
    own = make_token(app, world["owner"], ["inquiries:write"])
    refused = send(client, own)  # a team does not write to its own booth
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    reader = make_token(app, world["buyer"], ["inquiries:read"])
    assert send(client, reader).status_code == 403
    assert send(client, make_token(app, world["buyer"], ["leads:write"])).status_code == 403


def test_the_page_s_cap_per_person_holds_across_tokens(app, client, world, monkeypatch):
    monkeypatch.setattr("expo.api.inquiries.INQUIRY_LIMIT", "2 per hour")
    first = make_token(app, world["buyer"], ["inquiries:write"])
    second = make_token(app, world["buyer"], ["inquiries:write"])
    assert send(client, first).status_code == 201
    assert send(client, second).status_code == 201
    refused = send(client, first)
    assert refused.status_code == 429 and refused.mimetype == PROBLEM
    assert int(refused.headers["Retry-After"]) >= 1
    # Somebody else is not held back.
    assert send(client, make_token(app, world["stranger"], ["inquiries:write"])).status_code == 201


def test_the_buyer_reads_replies_and_accepts_a_quotation(app, client, world, recorded_tasks):
    secret = make_token(app, world["buyer"], ["inquiries:write"])
    inquiry_id = send(client, secret, product_ids=[world["beans"].id]).get_json()["id"]
    team = make_token(app, world["owner"], ["leads:write"])
    client.post(
        f"/api/v1/booths/hanoi-coffee/inquiries/{inquiry_id}/messages",
        json={"body": "Which grade?"},
        headers=bearer(team),
    )
    listed = client.get("/api/v1/me/inquiries", headers=bearer(secret)).get_json()["items"]
    assert [(item["id"], item["unread"]) for item in listed] == [(inquiry_id, True)]
    reply = client.post(
        f"/api/v1/me/inquiries/{inquiry_id}/messages", json={"body": "Grade 1."}, headers=bearer(secret)
    )
    assert reply.status_code == 201 and reply.get_json()["side"] == "buyer"
    thread = client.get(f"/api/v1/me/inquiries/{inquiry_id}/messages", headers=bearer(secret)).get_json()["items"]
    assert [(m["side"], m["body"]) for m in thread] == [
        ("buyer", "Price for 2 tonnes?"),
        ("team", "Which grade?"),
        ("buyer", "Grade 1."),
    ]
    old = quote(app, inquiry_id, world["owner"], unit_price="2200.00")
    newest = quote(app, inquiry_id, world["owner"])
    detail = client.get(f"/api/v1/me/inquiries/{inquiry_id}", headers=bearer(secret)).get_json()
    assert [(q["id"], q["status"]) for q in detail["quotations"]] == [(newest, "open"), (old, "superseded")]
    replaced = client.post(f"/api/v1/me/inquiries/{inquiry_id}/quotations/{old}/accept", headers=bearer(secret))
    assert replaced.status_code == 409 and "newer one" in replaced.get_json()["detail"]
    accepted = client.post(f"/api/v1/me/inquiries/{inquiry_id}/quotations/{newest}/accept", headers=bearer(secret))
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "won" and accepted.get_json()["quotations"][0]["status"] == "accepted"
    again = client.post(f"/api/v1/me/inquiries/{inquiry_id}/quotations/{newest}/decline", headers=bearer(secret))
    assert again.status_code == 409 and again.mimetype == PROBLEM
    # The team sees it won.
    assert client.get(f"/api/v1/booths/hanoi-coffee/inquiries/{inquiry_id}", headers=bearer(team)).get_json()[
        "status"
    ] == ("won")


def test_declining_and_an_expired_quotation(app, client, world, monkeypatch):
    from expo.leads import services

    secret = make_token(app, world["buyer"], ["inquiries:write"])
    inquiry_id = send(client, secret).get_json()["id"]
    quotation_id = quote(app, inquiry_id, world["owner"], valid_until=date.today() + timedelta(days=1))
    later = services.utcnow() + timedelta(days=3)
    monkeypatch.setattr("expo.leads.services.utcnow", lambda: later)
    detail = client.get(f"/api/v1/me/inquiries/{inquiry_id}", headers=bearer(secret)).get_json()
    assert detail["quotations"][0]["expired"] is True
    expired = client.post(f"/api/v1/me/inquiries/{inquiry_id}/quotations/{quotation_id}/accept", headers=bearer(secret))
    assert expired.status_code == 409 and "expired" in expired.get_json()["detail"]
    declined = client.post(
        f"/api/v1/me/inquiries/{inquiry_id}/quotations/{quotation_id}/decline", headers=bearer(secret)
    )
    assert declined.status_code == 200 and declined.get_json()["status"] == "contacted"


def test_another_buyer_s_inquiry_is_not_there(app, client, world, factory):
    inquiry = factory.inquiry(world["booth"], world["buyer"], products=[world["beans"]])
    stranger = make_token(app, world["stranger"], ["inquiries:write"])
    for method, path, body in [
        ("GET", f"/api/v1/me/inquiries/{inquiry.id}", None),
        ("GET", f"/api/v1/me/inquiries/{inquiry.id}/messages", None),
        ("POST", f"/api/v1/me/inquiries/{inquiry.id}/messages", {"body": "Hi"}),
        ("POST", f"/api/v1/me/inquiries/{inquiry.id}/quotations/1/accept", None),
    ]:
        response = client.open(path, method=method, json=body, headers=bearer(stranger))
        assert response.status_code == 404 and response.mimetype == PROBLEM, path
    assert client.get("/api/v1/me/inquiries", headers=bearer(stranger)).get_json()["items"] == []
    secret = make_token(app, world["buyer"], ["inquiries:read"])
    missing = client.post(f"/api/v1/me/inquiries/{inquiry.id}/quotations/999/accept", headers=bearer(secret))
    assert missing.status_code == 403  # reading is not deciding
    writer = make_token(app, world["buyer"], ["inquiries:write"])
    missing = client.post(f"/api/v1/me/inquiries/{inquiry.id}/quotations/999/accept", headers=bearer(writer))
    assert missing.status_code == 404


def test_an_empty_message_is_a_400_and_nothing_is_posted(app, client, world, factory):
    from expo.leads.models import InquiryMessage

    inquiry = factory.inquiry(world["booth"], world["buyer"])
    secret = make_token(app, world["buyer"], ["inquiries:write"])
    for body in ({"body": ""}, {"body": "   "}, {}):
        response = client.post(f"/api/v1/me/inquiries/{inquiry.id}/messages", json=body, headers=bearer(secret))
        assert response.status_code == 400 and response.mimetype == PROBLEM
        assert "body" in response.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(InquiryMessage)) == 1


def test_the_list_pages_with_a_cursor_and_filters_by_status(app, client, world, factory):
    for _ in range(3):
        factory.inquiry(world["booth"], world["buyer"])
    factory.inquiry(world["other_booth"], world["buyer"], status="won")
    secret = make_token(app, world["buyer"], ["inquiries:read"])
    first = client.get("/api/v1/me/inquiries?limit=3", headers=bearer(secret)).get_json()
    second = client.get(
        f"/api/v1/me/inquiries?limit=3&cursor={first['next_cursor']}", headers=bearer(secret)
    ).get_json()
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4 and second["next_cursor"] is None
    won = client.get("/api/v1/me/inquiries?status=won", headers=bearer(secret)).get_json()["items"]
    assert [item["exhibitor"]["booth_slug"] for item in won] == ["other-co"]
    bad = client.get("/api/v1/me/inquiries?status=maybe", headers=bearer(secret))
    assert bad.status_code == 400 and "status" in bad.get_json()["errors"]
