"""Buyers send inquiries and order requests; the exhibitor's team answers, quotes and keeps notes."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from expo.db_types import utcnow
from expo.engagement.models import EngagementEvent
from expo.extensions import db
from expo.leads.models import InquiryMessage, Quotation, TradeInquiry
from expo.notifications.models import Notification, NotificationPreference
from tests.conftest import count_queries, log_in, outbox_messages, run_recorded_tasks
from tests.sample_files import encrypted_pdf_bytes, jpeg_with_exif, truncated_pdf_bytes


@pytest.fixture()
def expo(factory):
    owner = factory.user(name="Chen Yuehe", email="owner@mask.example")
    staff = factory.user(name="Li Na", email="staff@mask.example")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Mask Machinery")
    booth = factory.booth(company)
    mask = factory.product(booth, name="Mask machine", order_unit="sets", min_order_quantity=1)
    line = factory.product(booth, name="Packing line", order_unit="lines")
    buyer = factory.user(name="Siti Rahma", email="siti@buyer.example", organisation="PT Sehat", country="ID")
    return {
        "owner": owner,
        "staff": staff,
        "company": company,
        "booth": booth,
        "mask": mask,
        "line": line,
        "buyer": buyer,
    }


def inquiry_form(**fields):
    data = {
        "kind": "order_request",
        "products": [],
        "quantity": "200",
        "unit": "sets",
        "target_price": "1500.00",
        "currency": "USD",
        "incoterm": "CIF",
        "destination_country": "ID",
        "destination_port": "Tanjung Priok",
        "delivery_date": (date.today() + timedelta(days=60)).isoformat(),
        "message": "We need 200 sets before the rainy season.",
        "buyer_organisation": "PT Sehat Sentosa",
        "buyer_country": "ID",
    }
    data.update(fields)
    return data


def send(client, expo, **fields):
    data = inquiry_form(**{"products": [str(expo["mask"].id)], **fields})
    return client.post(f"/booths/{expo['booth'].slug}/inquire", data=data, content_type="multipart/form-data")


def sent_inquiry(app) -> TradeInquiry:
    with app.app_context():
        inquiry = db.session.scalars(select(TradeInquiry)).one()
        db.session.expunge(inquiry)
        return inquiry


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def minimal_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- sending ---------------------------------------------------------------------------------------


def test_the_form_starts_from_the_product_and_the_buyers_account(app, client, expo):
    log_in(client, expo["buyer"])
    page = client.get(f"/booths/{expo['booth'].slug}/inquire?product={expo['mask'].id}&kind=order_request")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="PT Sehat"' in html  # organisation from the account, editable
    assert f'value="{expo["mask"].id}" id="product-{expo["mask"].id}" aria-describedby="products-help" checked' in html
    assert 'checked class="form-check-input" id="kind-1"' in html
    assert 'value="sets"' in html  # the product's unit
    assert "Mask machine (Minimum order: 1 sets)" in html and ">Packing line<" in html
    for term in ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"):
        assert f'<option value="{term}">' in html


def test_an_order_request_reaches_the_team_with_an_engagement_event(app, client, expo):
    log_in(client, expo["buyer"])
    response = send(client, expo, products=[str(expo["mask"].id), str(expo["line"].id)])
    assert response.status_code == 302
    inquiry = sent_inquiry(app)
    assert response.headers["Location"] == f"/inquiries/{inquiry.id}"
    assert inquiry.kind == "order_request" and inquiry.status == "new"
    assert inquiry.quantity == 200 and inquiry.unit == "sets" and inquiry.incoterm == "CIF"
    assert inquiry.buyer_organisation == "PT Sehat Sentosa" and inquiry.buyer_country == "ID"
    with app.app_context():
        events = db.session.scalars(select(EngagementEvent)).all()
        assert [(e.kind, e.booth_id, e.user_id) for e in events] == [("inquiry", expo["booth"].id, expo["buyer"].id)]
        first = db.session.scalars(select(InquiryMessage)).one()
        assert first.side == "buyer" and "rainy season" in first.body
    run_recorded_tasks(app)
    messages = outbox_messages(app)
    recipients = sorted(m.split("To: ")[1].split("\n")[0] for m in messages)
    assert recipients == ["owner@mask.example", "staff@mask.example"]
    assert all("New order request from Siti Rahma" in m for m in messages)
    page = client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert "Mask machine" in page and "Packing line" in page and "rainy season" in page


def notices_of(app, user) -> list[Notification]:
    with app.app_context():
        notices = list(
            db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
        )
        db.session.expunge_all()
        return notices


def test_the_team_hears_in_the_app_too_and_each_member_chooses_the_channels(app, client, expo):
    with app.app_context():
        db.session.add(NotificationPreference(user_id=expo["staff"].id, category="leads", in_app=True, email=False))
        db.session.commit()
    log_in(client, expo["buyer"])
    send(client, expo)
    inquiry = sent_inquiry(app)
    run_recorded_tasks(app)
    assert [m.split("To: ")[1].split("\n")[0] for m in outbox_messages(app)] == ["owner@mask.example"]
    [to_owner], [to_staff] = notices_of(app, expo["owner"]), notices_of(app, expo["staff"])
    link = f"/booths/{expo['booth'].slug}/leads/inquiries/{inquiry.id}"
    for notice in (to_owner, to_staff):
        assert (notice.category, notice.title, notice.link) == ("leads", "New order request from Siti Rahma", link)
        assert "Mask machine" in notice.body and "200 sets" in notice.body
    team = app.test_client()
    log_in(team, expo["staff"])
    opened = team.get(f"/notifications/{to_staff.id}/open")
    assert opened.headers["Location"] == link and team.get(link).status_code == 200


def test_a_buyer_who_viewed_a_product_and_then_wrote_is_one_visitor_and_one_lead(app, client, expo, engagement_buffer):
    import worker.tasks as tasks
    from expo.booths.models import Booth
    from expo.engagement import analytics
    from expo.leads import scoring

    log_in(client, expo["buyer"])
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"}
    product_page = f"/booths/{expo['booth'].slug}/products/{expo['mask'].slug}"
    assert client.get(product_page, headers=browser).status_code == 200
    with app.app_context():
        assert tasks.drain_engagement_events.run() == 1
    assert send(client, expo).status_code == 302
    with app.test_request_context():
        assert len(set(db.session.scalars(select(EngagementEvent.visitor)))) == 1
        booth = db.session.get(Booth, expo["booth"].id)
        [lead] = db.session.execute(scoring.leads_query(booth)).all()
        assert (lead.User.id, lead.product_views, lead.order_requests) == (expo["buyer"].id, 1, 1)
        assert analytics.booth_analytics(booth, days=7).totals.unique_visitors == 1
        assert scoring.anonymous_visitors(booth).total == 0


@pytest.mark.parametrize(
    "fields, field_error",
    [
        ({"message": ""}, "This field is required."),
        ({"products": []}, "An order request names at least one product."),
        ({"quantity": ""}, "An order request needs the quantity you want."),
        ({"quantity": "0"}, "Number must be between 1 and"),
        ({"incoterm": "FOO"}, "Not a valid choice"),
        ({"delivery_date": "2001-01-01"}, "The delivery date is in the past."),
        ({"unit": ""}, "Say what the quantity counts"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_sent(app, client, expo, fields, field_error):
    log_in(client, expo["buyer"])
    data = inquiry_form(products=[str(expo["mask"].id)])
    data.update(fields)
    response = client.post(f"/booths/{expo['booth'].slug}/inquire", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(TradeInquiry.id))) == 0


def test_another_booths_product_is_refused(app, client, factory, expo):
    other = factory.booth(factory.company(owner=factory.user()))
    foreign = factory.product(other, name="Foreign")
    log_in(client, expo["buyer"])
    response = client.post(
        f"/booths/{expo['booth'].slug}/inquire",
        data=inquiry_form(products=[str(foreign.id)]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_a_pdf_or_an_image_can_be_attached_and_only_the_two_sides_download_it(app, client, factory, expo):
    log_in(client, expo["buyer"])
    response = send(client, expo, attachment=(io.BytesIO(minimal_pdf()), "spec sheet.pdf"))
    assert response.status_code == 302
    inquiry = sent_inquiry(app)
    with app.app_context():
        message = db.session.scalars(select(InquiryMessage)).one()
        assert message.attachment_name == "spec sheet.pdf" and message.attachment_path.endswith(".pdf")
    url = f"/inquiries/{inquiry.id}/attachments/{message.id}"
    assert url in client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    download = client.get(url)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.data.startswith(b"%PDF-")
    for outsider in (factory.user(), factory.organizer()):
        other = app.test_client()
        log_in(other, outsider)
        assert other.get(url).status_code == 404
    team = app.test_client()
    log_in(team, expo["staff"])
    assert team.get(url).status_code == 200
    # Images are decoded and re-encoded, like every upload.
    reply = client.post(
        f"/inquiries/{inquiry.id}/messages",
        data={"body": "", "attachment": (io.BytesIO(png_bytes()), "photo.png")},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 302


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(app, client, expo):
    log_in(client, expo["buyer"])
    response = send(client, expo, attachment=(io.BytesIO(b"MZ\x90\x00 not a document"), "invoice.pdf"))
    assert response.status_code == 400
    assert "This is not a PDF, JPEG, PNG or WebP file." in response.get_data(as_text=True)
    fake_pdf = send(client, expo, attachment=(io.BytesIO(b"%PDF-1.7 but nothing else"), "x.pdf"))
    assert fake_pdf.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(TradeInquiry.id))) == 0


@pytest.mark.parametrize(
    "content, reason",
    [
        (truncated_pdf_bytes(), "This PDF is incomplete"),
        (encrypted_pdf_bytes(), "protected by a password"),
    ],
)
def test_a_pdf_no_reader_could_open_is_refused_with_the_reason(app, client, expo, content, reason):
    log_in(client, expo["buyer"])
    response = send(client, expo, attachment=(io.BytesIO(content), "offer.pdf"))
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(TradeInquiry.id))) == 0


def test_an_attached_photo_is_stored_without_its_exif_data(app, client, expo):
    log_in(client, expo["buyer"])
    assert send(client, expo, attachment=(io.BytesIO(jpeg_with_exif()), "factory.jpg")).status_code == 302
    with app.app_context():
        message = db.session.scalars(select(InquiryMessage)).one()
    with Image.open(app.config["STORAGE_PATH"] / message.attachment_path) as stored:
        assert stored.format == "JPEG" and not stored.getexif()


def test_an_oversized_attachment_is_a_413_with_a_reason(app, client, expo):
    log_in(client, expo["buyer"])
    limit = app.config["INQUIRY_ATTACHMENT_MAX_BYTES"]
    app.config["INQUIRY_ATTACHMENT_MAX_BYTES"] = 50_000
    try:
        response = send(client, expo, attachment=(io.BytesIO(b"%PDF-1.4\n" + b"0" * 60_000), "big.pdf"))
    finally:
        app.config["INQUIRY_ATTACHMENT_MAX_BYTES"] = limit
    assert response.status_code == 413
    assert "The attachment is larger than 49 KB. Send a smaller PDF or image." in response.get_data(as_text=True)
    # Past the site's own limit the request never reaches the form: still a 413 with a page that says so.
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        response = send(client, expo, attachment=(io.BytesIO(b"0" * 20_000), "huge.pdf"))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "larger than the site accepts" in response.get_data(as_text=True)


def test_the_team_cannot_write_to_its_own_booth(app, client, expo):
    log_in(client, expo["staff"])
    assert client.get(f"/booths/{expo['booth'].slug}/inquire").status_code == 403


# --- the thread, quotations and status -----------------------------------------------------------


@pytest.fixture()
def inquiry(factory, expo):
    return factory.inquiry(
        expo["booth"],
        expo["buyer"],
        products=[expo["mask"]],
        quantity=200,
        unit="sets",
        kind="order_request",
        currency="USD",
        incoterm="FOB",
        created_at=utcnow() - timedelta(hours=3),
    )


def team_url(expo, inquiry, suffix=""):
    return f"/booths/{expo['booth'].slug}/leads/inquiries/{inquiry.id}{suffix}"


def status_of(app, inquiry) -> str:
    with app.app_context():
        return db.session.get(TradeInquiry, inquiry.id).status


def quotation_data(**fields):
    data = {
        "unit_price": "1450.00",
        "currency": "USD",
        "quantity": "200",
        "unit": "sets",
        "incoterm": "CIF",
        "lead_time_days": "30",
        "valid_until": (date.today() + timedelta(days=14)).isoformat(),
        "note": "Price includes training.",
    }
    data.update(fields)
    return data


def test_the_first_team_reply_contacts_the_buyer_and_sets_the_response_time(app, client, expo, inquiry):
    log_in(client, expo["staff"])
    response = client.post(
        team_url(expo, inquiry, "/messages"),
        data={"body": "Thank you, we can deliver in May."},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert status_of(app, inquiry) == "contacted"
    with app.app_context():
        first_response = db.session.get(TradeInquiry, inquiry.id).first_response_at
    assert first_response is not None
    run_recorded_tasks(app)
    [mail] = outbox_messages(app)
    assert "To: siti@buyer.example" in mail and "we can deliver in May" in mail
    assert f"http://expo.test/inquiries/{inquiry.id}" in mail
    # The buyer's answer goes to the team (nobody is assigned yet: everyone).
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    assert (
        buyer.post(
            f"/inquiries/{inquiry.id}/messages",
            data={"body": "Great, and the price?"},
            content_type="multipart/form-data",
        ).status_code
        == 302
    )
    run_recorded_tasks(app)
    to_team = [m for m in outbox_messages(app) if "Great, and the price?" in m]
    assert sorted(m.split("To: ")[1].split("\n")[0] for m in to_team) == ["owner@mask.example", "staff@mask.example"]
    page = buyer.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert page.index("Please quote.") < page.index("deliver in May") < page.index("and the price?")


def test_an_empty_reply_is_refused(app, client, expo, inquiry):
    log_in(client, expo["staff"])
    response = client.post(
        team_url(expo, inquiry, "/messages"), data={"body": "  "}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.get_data(as_text=True)
    assert status_of(app, inquiry) == "new"


def test_a_quotation_is_accepted_once_and_wins_the_inquiry(app, client, expo, inquiry):
    log_in(client, expo["owner"])
    assert client.post(team_url(expo, inquiry, "/quotations"), data=quotation_data()).status_code == 302
    assert status_of(app, inquiry) == "quoted"
    run_recorded_tasks(app)
    assert any("Nanning Mask Machinery sent you a quotation" in m and "$1,450.00" in m for m in outbox_messages(app))
    with app.app_context():
        quotation = db.session.scalars(select(Quotation)).one()
        assert db.session.get(TradeInquiry, inquiry.id).first_response_at is not None
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    page = buyer.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert "$290,000.00" in page and "Accept" in page  # the total
    accept = f"/inquiries/{inquiry.id}/quotations/{quotation.id}/accept"
    assert buyer.post(accept).status_code == 302
    assert status_of(app, inquiry) == "won"
    again = buyer.post(accept)
    assert again.status_code == 409 and "You have already accepted this quotation." in again.get_data(as_text=True)
    declined_after = buyer.post(f"/inquiries/{inquiry.id}/quotations/{quotation.id}/decline")
    assert declined_after.status_code == 409
    assert status_of(app, inquiry) == "won"
    clear = run_recorded_tasks(app)
    assert clear and any("Siti Rahma accepted your quotation" in m for m in outbox_messages(app))


def test_the_buyers_bell_shows_the_teams_reply_and_quotation_and_the_team_hears_the_decision(
    app, client, expo, inquiry
):
    log_in(client, expo["owner"])
    client.post(
        team_url(expo, inquiry, "/messages"),
        data={"body": "We can deliver in May."},
        content_type="multipart/form-data",
    )
    client.post(team_url(expo, inquiry, "/quotations"), data=quotation_data())
    reply, quote = notices_of(app, expo["buyer"])
    assert (reply.title, reply.body, reply.link) == (
        "New message about your inquiry with Nanning Mask Machinery",
        "We can deliver in May.",
        f"/inquiries/{inquiry.id}",
    )
    assert quote.title == "Nanning Mask Machinery sent you a quotation" and quote.link == f"/inquiries/{inquiry.id}"
    assert "Unit price: $1,450.00" in quote.body and "Quantity: 200 sets" in quote.body
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    assert "data-unread-count>2<" in buyer.get("/inquiries/").get_data(as_text=True)
    with app.app_context():
        quotation_id = db.session.scalar(select(Quotation.id))
    buyer.post(f"/inquiries/{inquiry.id}/quotations/{quotation_id}/decline")
    declined = [notice for notice in notices_of(app, expo["staff"]) if notice.kind == "leads.quotation_declined"]
    assert [notice.title for notice in declined] == ["Siti Rahma declined your quotation"]
    assert "$1,450.00 per unit for 200 sets" in declined[0].body


def test_declining_returns_the_inquiry_to_contacted_and_a_newer_quotation_replaces_the_open_one(
    app, client, expo, inquiry
):
    log_in(client, expo["owner"])
    client.post(team_url(expo, inquiry, "/quotations"), data=quotation_data())
    client.post(team_url(expo, inquiry, "/quotations"), data=quotation_data(unit_price="1400.00"))
    with app.app_context():
        first, second = db.session.scalars(select(Quotation).order_by(Quotation.id)).all()
        assert (first.status, second.status) == ("superseded", "open")
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    stale = buyer.post(f"/inquiries/{inquiry.id}/quotations/{first.id}/accept")
    assert stale.status_code == 409 and "replaced this quotation" in stale.get_data(as_text=True)
    assert buyer.post(f"/inquiries/{inquiry.id}/quotations/{second.id}/decline").status_code == 302
    assert status_of(app, inquiry) == "contacted"


def test_an_expired_quotation_cannot_be_accepted(app, client, expo, inquiry):
    with app.app_context():
        quotation = Quotation(
            inquiry_id=inquiry.id,
            author_id=expo["owner"].id,
            unit_price=10,
            currency="USD",
            quantity=200,
            unit="sets",
            incoterm="FOB",
            lead_time_days=10,
            valid_until=date.today() - timedelta(days=2),
        )
        db.session.add(quotation)
        db.session.get(TradeInquiry, inquiry.id).status = "quoted"
        db.session.commit()
        quotation_id = quotation.id
    log_in(client, expo["buyer"])
    page = client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert "Expired" in page and "This quotation has expired" in page
    response = client.post(f"/inquiries/{inquiry.id}/quotations/{quotation_id}/accept")
    assert response.status_code == 409
    assert "This quotation expired on" in response.get_data(as_text=True)
    assert status_of(app, inquiry) == "quoted"


def test_a_quotation_valid_until_yesterday_is_refused_on_the_form(app, client, expo, inquiry):
    log_in(client, expo["owner"])
    response = client.post(
        team_url(expo, inquiry, "/quotations"),
        data=quotation_data(valid_until=(date.today() - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 400
    assert "The quotation must be valid until today or later." in response.get_data(as_text=True)
    assert status_of(app, inquiry) == "new"


@pytest.mark.parametrize(
    "moves, refused",
    [
        (["contacted", "won", "lost", "contacted"], None),
        (["lost", "contacted"], None),
        (["won"], "won"),  # a new inquiry cannot be won before anyone talked
        (["quoted"], "quoted"),  # only a quotation quotes
        (["contacted", "contacted"], "contacted"),
    ],
)
def test_the_team_moves_an_inquiry_only_along_the_allowed_paths(app, client, expo, inquiry, moves, refused):
    log_in(client, expo["staff"])
    for index, move in enumerate(moves):
        response = client.post(team_url(expo, inquiry, "/status"), data={"status": move})
        if refused and index == len(moves) - 1:
            assert response.status_code == 409
            assert "cannot be marked" in response.get_data(as_text=True)
            return
        assert response.status_code == 302, move
    assert status_of(app, inquiry) == moves[-1]


@pytest.mark.parametrize("status", ["shipped", "١٢", ""])
def test_a_status_that_does_not_exist_is_refused_with_a_reason(app, client, expo, inquiry, status):
    log_in(client, expo["staff"])
    response = client.post(team_url(expo, inquiry, "/status"), data={"status": status})
    assert response.status_code == 400
    assert "Choose a status from the list." in response.get_data(as_text=True)
    assert status_of(app, inquiry) == "new"


def test_closing_an_inquiry_withdraws_its_open_quotation(app, client, expo, inquiry):
    log_in(client, expo["owner"])
    client.post(team_url(expo, inquiry, "/quotations"), data=quotation_data())
    client.post(team_url(expo, inquiry, "/status"), data={"status": "lost"})
    with app.app_context():
        quotation = db.session.scalars(select(Quotation)).one()
    assert quotation.status == "withdrawn"
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    response = buyer.post(f"/inquiries/{inquiry.id}/quotations/{quotation.id}/accept")
    assert response.status_code == 409 and "withdrawn" in response.get_data(as_text=True)


def test_internal_notes_never_reach_the_buyer(app, client, expo, inquiry):
    log_in(client, expo["staff"])
    assert (
        client.post(
            team_url(expo, inquiry, "/notes"), data={"note": "SECRET-NOTE: they pay late, ask for 30% upfront"}
        ).status_code
        == 302
    )
    client.post(
        team_url(expo, inquiry, "/messages"), data={"body": "Here is our offer."}, content_type="multipart/form-data"
    )
    client.post(team_url(expo, inquiry, "/quotations"), data=quotation_data())
    assert "SECRET-NOTE" in client.get(team_url(expo, inquiry)).get_data(as_text=True)
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    for path in (f"/inquiries/{inquiry.id}", "/inquiries/"):
        assert "SECRET-NOTE" not in buyer.get(path).get_data(as_text=True)
    buyer.post(f"/inquiries/{inquiry.id}/messages", data={"body": "Thanks"}, content_type="multipart/form-data")
    run_recorded_tasks(app)
    messages = outbox_messages(app)
    assert messages and not any("SECRET-NOTE" in m for m in messages)


def test_assigning_tells_the_assignee_and_then_only_they_hear_from_the_buyer(app, client, expo, inquiry):
    log_in(client, expo["owner"])
    assert (
        client.post(team_url(expo, inquiry, "/assignee"), data={"assignee": str(expo["staff"].id)}).status_code == 302
    )
    run_recorded_tasks(app)
    assert any("To: staff@mask.example" in m and "Chen Yuehe assigned you" in m for m in outbox_messages(app))
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    buyer.post(f"/inquiries/{inquiry.id}/messages", data={"body": "Any news?"}, content_type="multipart/form-data")
    run_recorded_tasks(app)
    news = [m for m in outbox_messages(app) if "Any news?" in m]
    assert len(news) == 1 and "To: staff@mask.example" in news[0]
    outsider = client.post(team_url(expo, inquiry, "/assignee"), data={"assignee": str(expo["buyer"].id)})
    assert outsider.status_code == 400


# --- the inbox and "My inquiries" ------------------------------------------------------------------


def test_the_inbox_filters_and_marks_unread(app, client, factory, expo):
    other_buyer = factory.user(name="Nguyen Van An", country="VN")
    first = factory.inquiry(expo["booth"], expo["buyer"], products=[expo["mask"]])
    second = factory.inquiry(
        expo["booth"], other_buyer, products=[expo["line"]], status="contacted", assignee_id=expo["staff"].id
    )
    log_in(client, expo["staff"])
    page = client.get(f"/booths/{expo['booth'].slug}/leads/").get_data(as_text=True)
    assert "Siti Rahma" in page and "Nguyen Van An" in page and page.count(">Unread<") == 2
    assert "Nguyen Van An" not in client.get(f"/booths/{expo['booth'].slug}/leads/?status=new").get_data(as_text=True)
    assigned = client.get(f"/booths/{expo['booth'].slug}/leads/?assignee={expo['staff'].id}").get_data(as_text=True)
    assert "Nguyen Van An" in assigned and "Siti Rahma" not in assigned
    nobody = client.get(f"/booths/{expo['booth'].slug}/leads/?assignee=0").get_data(as_text=True)
    assert "Siti Rahma" in nobody and "Nguyen Van An" not in nobody
    by_product = client.get(f"/booths/{expo['booth'].slug}/leads/?product={expo['line'].id}").get_data(as_text=True)
    assert "Nguyen Van An" in by_product and "Siti Rahma" not in by_product
    client.get(team_url(expo, first))  # reading it
    page = client.get(f"/booths/{expo['booth'].slug}/leads/?unread=1").get_data(as_text=True)
    assert "Nguyen Van An" in page and "Siti Rahma" not in page
    # Read marks are per person: the owner still has both unread.
    owner = app.test_client()
    log_in(owner, expo["owner"])
    assert owner.get(f"/booths/{expo['booth'].slug}/leads/").get_data(as_text=True).count(">Unread<") == 2
    assert second


def test_the_buyer_sees_a_new_answer_on_my_inquiries(app, client, expo, inquiry):
    log_in(client, expo["buyer"])
    assert "New answer" not in client.get("/inquiries/").get_data(as_text=True)
    team = app.test_client()
    log_in(team, expo["staff"])
    team.post(team_url(expo, inquiry, "/messages"), data={"body": "Hello!"}, content_type="multipart/form-data")
    page = client.get("/inquiries/").get_data(as_text=True)
    assert "New answer" in page and "Nanning Mask Machinery" in page
    client.get(f"/inquiries/{inquiry.id}")
    assert "New answer" not in client.get("/inquiries/").get_data(as_text=True)


def test_the_inbox_counts_its_pages_under_every_filter(app, client, factory, expo, monkeypatch):
    from expo.leads.routes import inbox

    monkeypatch.setattr(inbox, "INQUIRIES_PER_PAGE", 2)
    for index in range(3):
        factory.inquiry(expo["booth"], factory.user(organisation=f"Org {index}"), products=[expo["mask"]])
    factory.inquiry(expo["booth"], expo["buyer"], products=[expo["line"]], status="contacted")
    log_in(client, expo["staff"])

    def pages(query: str) -> str | None:
        found = re.search(
            r"Page 1 of (\d+)", client.get(f"/booths/{expo['booth'].slug}/leads/{query}").get_data(as_text=True)
        )
        return found and found.group(1)

    assert pages("") == "2"  # four inquiries
    assert pages("?status=new") == "2"  # three
    assert pages("?status=contacted") is None  # one: no pages
    assert pages(f"?product={expo['mask'].id}") == "2"
    assert pages(f"?product={expo['line'].id}") is None


def test_lead_pages_run_a_constant_number_of_queries(app, client, factory, expo):
    def add(count):
        for index in range(count):
            buyer = factory.user(organisation=f"Org {index}")
            inquiry = factory.inquiry(
                expo["booth"], buyer, products=[expo["mask"], expo["line"]], assignee_id=expo["staff"].id
            )
            with app.app_context():
                db.session.add(
                    InquiryMessage(inquiry_id=inquiry.id, author_id=expo["staff"].id, side="team", body="Reply")
                )
                db.session.commit()

    log_in(client, expo["staff"])
    team_client = app.test_client()
    log_in(team_client, expo["buyer"])
    add(2)
    paths = [
        f"/booths/{expo['booth'].slug}/leads/",
        f"/booths/{expo['booth'].slug}/leads/ranking",
        f"/booths/{expo['booth'].slug}/leads/reports",
    ]
    before = [count_queries(app, client, path) for path in paths]
    add(6)
    after = [count_queries(app, client, path) for path in paths]
    assert after == before


def test_inquiry_pages_run_a_constant_number_of_queries_whatever_the_thread(app, factory, expo, inquiry):
    team, buyer = app.test_client(), app.test_client()
    log_in(team, expo["staff"])
    log_in(buyer, expo["buyer"])

    def add(count):
        for index in range(count):
            team.post(
                team_url(expo, inquiry, "/messages"),
                data={"body": f"Reply {index}"},
                content_type="multipart/form-data",
            )
            team.post(team_url(expo, inquiry, "/notes"), data={"note": f"Note {index}"})
            buyer.post(
                f"/inquiries/{inquiry.id}/messages",
                data={"body": f"Answer {index}"},
                content_type="multipart/form-data",
            )

    add(1)
    before = (
        count_queries(app, team, team_url(expo, inquiry)),
        count_queries(app, buyer, f"/inquiries/{inquiry.id}"),
        count_queries(app, buyer, "/inquiries/"),
    )
    add(5)
    after = (
        count_queries(app, team, team_url(expo, inquiry)),
        count_queries(app, buyer, f"/inquiries/{inquiry.id}"),
        count_queries(app, buyer, "/inquiries/"),
    )
    assert after == before


# --- response time -------------------------------------------------------------------------------


def test_the_median_response_time_shows_on_the_booth_once_five_inquiries_are_answered(app, client, factory, expo):
    booth_page = f"/booths/{expo['booth'].slug}"
    now = utcnow()
    for hours in (1, 2, 3, 30):
        factory.inquiry(
            expo["booth"],
            factory.user(),
            created_at=now - timedelta(days=3),
            first_response_at=now - timedelta(days=3) + timedelta(hours=hours),
        )
    factory.inquiry(expo["booth"], factory.user(), created_at=now - timedelta(days=1))  # still waiting
    assert "Usually replies" not in client.get(booth_page).get_data(as_text=True)
    factory.inquiry(
        expo["booth"],
        factory.user(),
        created_at=now - timedelta(days=2),
        first_response_at=now - timedelta(days=2) + timedelta(hours=4),
    )
    html = client.get(booth_page).get_data(as_text=True)
    assert html.count("Usually replies within 3 hours") == 1 and "answers 83% of inquiries" in html
    assert html.index(">China<") < html.index("Usually replies") < html.index('id="products-heading"')
    team = app.test_client()
    log_in(team, expo["owner"])
    inbox = team.get(f"/booths/{expo['booth'].slug}/leads/").get_data(as_text=True)
    assert "Median first response: 3 hours, over your latest 5 answered inquiries." in inbox


def test_visitors_find_the_inquiry_buttons_on_the_booth_and_the_product_page(app, client, factory, expo):
    slug, mask = expo["booth"].slug, expo["mask"]
    booth_page, product_page = f"/booths/{slug}", f"/booths/{slug}/products/{mask.slug}"
    buyer = app.test_client()
    log_in(buyer, expo["buyer"])
    for visitor in (client, buyer):  # signed out, the form asks them to log in first
        html = visitor.get(booth_page).get_data(as_text=True)
        assert f'href="/booths/{slug}/inquire">Send inquiry</a>' in html
        assert f'href="/booths/{slug}/inquire?kind=order_request">Request an order</a>' in html
        assert "Open your lead inbox" not in html
        html = visitor.get(product_page).get_data(as_text=True)
        assert f'href="/booths/{slug}/inquire?product={mask.id}">Send inquiry</a>' in html
        assert f'href="/booths/{slug}/inquire?kind=order_request&amp;product={mask.id}">Request an order</a>' in html
    # The product page's order request starts with that product chosen.
    form = buyer.get(f"/booths/{slug}/inquire?kind=order_request&product={mask.id}").get_data(as_text=True)
    assert f'value="{mask.id}" id="product-{mask.id}" aria-describedby="products-help" checked' in form
    assert 'checked class="form-check-input" id="kind-1"' in form


def test_the_team_finds_its_lead_inbox_where_visitors_find_the_inquiry_buttons(app, client, expo):
    slug = expo["booth"].slug
    log_in(client, expo["staff"])
    for page in (f"/booths/{slug}", f"/booths/{slug}/products/{expo['mask'].slug}"):
        html = client.get(page).get_data(as_text=True)
        assert f'href="/booths/{slug}/leads/">Open your lead inbox</a>' in html
        assert "Send inquiry" not in html and "Request an order" not in html


def test_an_organizer_reviewing_a_booth_not_yet_published_is_offered_no_inquiry(app, client, factory):
    from expo.booths.models import Booth

    booth = factory.booth(factory.company(owner=factory.user()), status=Booth.Status.SUBMITTED)
    log_in(client, factory.organizer())
    response = client.get(f"/booths/{booth.slug}/review")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The booth as visitors see it" in html
    assert "Send inquiry" not in html and "Open your lead inbox" not in html


def test_one_account_cannot_flood_exhibitors_with_inquiries(app, client, expo):
    log_in(client, expo["buyer"])
    for _ in range(20):
        assert send(client, expo, kind="inquiry", quantity="", unit="").status_code == 302
    response = send(client, expo, kind="inquiry", quantity="", unit="")
    assert response.status_code == 429
    assert "tried this too many times" in response.get_data(as_text=True)


def test_each_field_on_the_teams_inquiry_page_has_its_own_label(client, expo, inquiry):
    """The reply, note and quotation forms share a page: a repeated id would tie one label to two fields."""
    log_in(client, expo["staff"])
    page = client.get(team_url(expo, inquiry)).get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({name for name in ids if ids.count(name) > 1})
