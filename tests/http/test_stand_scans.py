"""The booth team's "Scan a badge" form and the lead page: a scan recorded once however often the
form is sent, shown on the visitor's one lead with its rating, notes, tags and products, and the
visitor named only with their consent."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from expo.extensions import db
from expo.leads.models import StandScan
from tests.conftest import log_in
from tests.unit.test_stand_scans import BadgeWorld


class World(BadgeWorld):
    def __init__(self, app, factory):
        super().__init__(app, factory)
        self.edition = factory.edition(name="18th China-ASEAN Expo")
        self.owner = factory.user(name="Chen Yuehe")
        self.staff = factory.user(name="Nguyen Thi Lan")
        self.company = factory.company(owner=self.owner, staff=[self.staff], name="Nanning Masks")
        self.booth = factory.booth(self.company)
        self.mask = factory.product(self.booth, name="KN95 respirator")
        self.gloves = factory.product(self.booth, name="Nitrile gloves")
        factory.placement(self.booth, factory.pavilion(self.edition, name="Public Health"), stand="A-12")
        self.sharing = factory.user(
            name="Somchai Prasert",
            email="somchai@bangkokmart.example",
            organisation="Bangkok Mart",
            country="TH",
            share_contact_on_badge_scan=True,
        )
        self.private = factory.user(name="Siti Rahma", email="siti@maju.example", organisation="Maju Bhd", country="MY")
        self.outsider = factory.user(name="Other Exhibitor")
        factory.company(owner=self.outsider, name="Other Co")

    def scan_count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count(StandScan.id)))

    @property
    def form_url(self) -> str:
        return f"/booths/{self.booth.slug}/leads/scan"

    def lead_url(self, user) -> str:
        return f"/booths/{self.booth.slug}/leads/people/{user.id}"


@pytest.fixture()
def world(app, factory):
    return World(app, factory)


def hidden_scan_id(page: str) -> str:
    match = re.search(r'name="scan_id" type="hidden" value="([0-9a-f-]{36})"', page) or re.search(
        r'id="scan_id" name="scan_id" type="hidden" value="([0-9a-f-]{36})"', page
    )
    assert match, page
    return match.group(1)


def test_the_form_records_a_scan_once_however_often_it_is_sent(client, world):
    log_in(client, world.staff)
    page = client.get(world.form_url).get_data(as_text=True)
    assert "Badge code" in page and "KN95 respirator" in page and "18th China-ASEAN Expo" in page
    scan_id = hidden_scan_id(page)
    data = {
        "scan_id": scan_id,
        "code": world.badge(world.sharing),
        "rating": "5",
        "products": [str(world.mask.id)],
        "tags": "distributor， samples, Distributor",
        "notes": "Wants 20,000 masks a month",
    }
    first = client.post(world.form_url, data=data)
    assert first.status_code == 302 and f"last={scan_id}" in first.headers["Location"]
    landed = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Recorded: a new lead for your booth." in landed
    assert "Last scan: Somchai Prasert, Bangkok Mart" in landed
    assert world.lead_url(world.sharing) in landed
    # A fresh scan id for the next visitor.
    assert hidden_scan_id(landed) != scan_id
    # The same form sent again (a double click, the back button): nothing new.
    again = client.post(world.form_url, data=data)
    assert again.status_code == 302
    assert "This scan was recorded already." in client.get(again.headers["Location"]).get_data(as_text=True)
    assert world.scan_count() == 1
    with world.app.app_context():
        scan = db.session.scalar(select(StandScan))
        assert (scan.rating, scan.tags, scan.notes) == (5, ["distributor", "samples"], "Wants 20,000 masks a month")
        assert [product.id for product in scan.products] == [world.mask.id]


def test_a_refused_badge_says_why_and_keeps_what_was_typed(client, world, factory):
    other_edition = factory.edition(slug="other", name="Other edition")
    log_in(client, world.staff)
    scan_id = hidden_scan_id(client.get(world.form_url).get_data(as_text=True))
    response = client.post(
        world.form_url,
        data={"scan_id": scan_id, "code": world.badge(world.sharing, other_edition), "notes": "Met at the door"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This badge is for an edition your booth is not part of." in page
    assert "Met at the door" in page
    assert hidden_scan_id(page) != scan_id  # the corrected try is a scan of its own
    forged = client.post(world.form_url, data={"scan_id": str(uuid.uuid4()), "code": "EXPOB1.forged.code"})
    assert forged.status_code == 400
    assert "This badge is not genuine" in forged.get_data(as_text=True)
    empty = client.post(world.form_url, data={"scan_id": str(uuid.uuid4()), "code": ""})
    assert empty.status_code == 400
    with world.app.app_context():
        assert db.session.scalar(select(func.count(StandScan.id)).where(StandScan.visitor_id.is_not(None))) == 0


def test_the_lead_page_shows_the_scans_and_names_the_visitor_who_consented(client, world):
    log_in(client, world.staff)
    for rating, notes, tags in ((2, "Busy, come back", "follow up"), (4, "Ready to order", "hot, distributor")):
        client.post(
            world.form_url,
            data={
                "scan_id": str(uuid.uuid4()),
                "code": world.badge(world.sharing),
                "rating": str(rating),
                "notes": notes,
                "tags": tags,
                "products": [str(world.gloves.id)],
            },
        )
    page = client.get(world.lead_url(world.sharing)).get_data(as_text=True)
    assert "Somchai Prasert" in page and "somchai@bangkokmart.example" in page
    assert page.count("scanned by Nguyen Thi Lan") == 2
    assert "Rated 4 out of 5" in page and "Rated 2 out of 5" in page
    assert "Ready to order" in page and "Busy, come back" in page and "Nitrile gloves" in page
    assert ">hot<" in page and ">follow up<" in page
    # The latest rating and notes are the lead's.
    latest = page[page.index("latest rating") :]
    assert latest.index("Rated 4 out of 5") < latest.index("Ready to order") < latest.index("Stand scans")
    ranking = client.get(f"/booths/{world.booth.slug}/leads/ranking").get_data(as_text=True)
    assert ranking.count(world.lead_url(world.sharing)) == 1


def test_without_consent_the_lead_shows_organisation_and_country_only(client, world):
    log_in(client, world.owner)
    client.post(world.form_url, data={"scan_id": str(uuid.uuid4()), "code": world.badge(world.private)})
    for page in (
        client.get(world.lead_url(world.private)).get_data(as_text=True),
        client.get(f"/booths/{world.booth.slug}/leads/ranking").get_data(as_text=True),
        client.get(world.form_url + "?last=" + "0" * 36).get_data(as_text=True),
    ):
        assert "Siti" not in page and "siti@maju.example" not in page
    lead = client.get(world.lead_url(world.private)).get_data(as_text=True)
    assert "Maju Bhd" in lead and "Malaysia" in lead and "did not agree to share their contact details" in lead
    ranking = client.get(f"/booths/{world.booth.slug}/leads/ranking").get_data(as_text=True)
    assert "Scanned at your stand" in ranking and "Maju Bhd" in ranking


def test_one_lead_for_a_meeting_an_inquiry_and_a_stand_scan_of_the_same_buyer(client, world, factory):
    from expo.meetings.models import Meeting, Outcome

    factory.inquiry(world.booth, world.private)
    with world.app.app_context():
        db.session.add(
            Meeting(
                edition_id=world.edition.id,
                buyer_id=world.private.id,
                company_id=world.company.id,
                requested_by="buyer",
                requester_id=world.private.id,
                status="accepted",
                mode="venue",
                starts_at=datetime(2027, 9, 11, 2, 0, tzinfo=UTC),
                ends_at=datetime(2027, 9, 11, 2, 30, tzinfo=UTC),
                buyer_outcome=Outcome.HELD,
            )
        )
        db.session.commit()
    log_in(client, world.staff)
    client.post(world.form_url, data={"scan_id": str(uuid.uuid4()), "code": world.badge(world.private)})
    ranking = client.get(f"/booths/{world.booth.slug}/leads/ranking?days=all").get_data(as_text=True)
    assert ranking.count(world.lead_url(world.private)) == 1
    # She wrote and met the team: named although she did not consent on the badge scan.
    assert "Siti Rahma" in ranking
    lead = client.get(world.lead_url(world.private)).get_data(as_text=True)
    assert "Siti Rahma" in lead and "Meetings held" in lead and "Stand scans" in lead and "Inquiry" in lead


def test_only_the_team_reaches_the_form_and_the_lead_page(app, client, world, factory):
    log_in(client, world.staff)
    client.post(world.form_url, data={"scan_id": str(uuid.uuid4()), "code": world.badge(world.sharing)})
    for person, expected in ((world.outsider, 404), (world.sharing, 404), (world.owner, 200)):
        other = app.test_client()
        log_in(other, person)
        assert other.get(world.form_url).status_code == expected
        assert other.get(world.lead_url(world.sharing)).status_code == expected
        if expected == 404:
            response = other.post(
                world.form_url, data={"scan_id": str(uuid.uuid4()), "code": world.badge(world.private)}
            )
            assert response.status_code == 404
    assert world.scan_count() == 1
    assert app.test_client().get(world.form_url).status_code == 302  # to log in
    # A visitor who only browsed the booth, without sharing, is nobody's lead page.
    browser = factory.user(name="Quiet Browser")
    factory.engagement(world.booth, "booth_visit", user=browser)
    assert client.get(world.lead_url(browser)).status_code == 404
    assert client.get(world.lead_url(world.owner)).status_code == 404


# --- the visitor's consent: asked at sign-up and registration, changed in the profile ---------------


def consent_of(app, email: str) -> bool:
    from expo.accounts.models import User

    with app.app_context():
        return db.session.scalar(select(User.share_contact_on_badge_scan).where(User.email == email))


def consent_box_ticked(page: str) -> bool:
    [box] = re.findall(r'<input[^>]*name="share_contact_on_badge_scan"[^>]*>', page)
    return " checked" in box


def test_sign_up_asks_and_leaves_it_off_unless_ticked(app, client):
    page = client.get("/signup").get_data(as_text=True)
    assert "Share my contact details when an exhibitor scans my badge" in page
    base = {
        "password": "a-long-enough-password",
        "confirm": "a-long-enough-password",
        "name": "Somchai Prasert",
        "timezone": "Asia/Bangkok",
        "language": "en",
    }
    assert client.post("/signup", data={**base, "email": "off@example.com"}).status_code == 302
    other = app.test_client()
    data = {**base, "email": "on@example.com", "share_contact_on_badge_scan": "y"}
    assert other.post("/signup", data=data).status_code == 302
    assert (consent_of(app, "off@example.com"), consent_of(app, "on@example.com")) == (False, True)


def test_the_registration_form_asks_with_the_current_choice_and_saves_it(app, client, factory, world):
    forum = factory.forum(world.edition, slug="dentistry", title="Forum on Dentistry")
    session = factory.programme_session(forum, title="Dental care")
    later = factory.programme_session(forum, title="Dental tools", starts_at=datetime(2027, 9, 12, 1, tzinfo=UTC))
    log_in(client, world.private)
    path = f"/editions/{world.edition.slug}/sessions/{session.id}/register"
    page = client.get(path).get_data(as_text=True)
    assert "At the venue" in page and "You can change this at any time in your profile." in page
    assert not consent_box_ticked(page)
    assert client.post(path, data={"share_contact_on_badge_scan": "y"}).status_code == 302
    assert consent_of(app, "siti@maju.example") is True
    # The next registration shows it ticked; unticked there, it is withdrawn.
    later_path = f"/editions/{world.edition.slug}/sessions/{later.id}/register"
    assert consent_box_ticked(client.get(later_path).get_data(as_text=True))
    assert client.post(later_path, data={}).status_code == 302
    assert consent_of(app, "siti@maju.example") is False


def test_changing_the_choice_in_the_profile_changes_what_the_team_sees(app, client, world):
    team = app.test_client()
    log_in(team, world.staff)
    team.post(world.form_url, data={"scan_id": str(uuid.uuid4()), "code": world.badge(world.private)})
    assert "Siti Rahma" not in team.get(world.lead_url(world.private)).get_data(as_text=True)
    log_in(client, world.private)
    profile = client.get("/account").get_data(as_text=True)
    assert "Exhibitors and your contact details" in profile and "Two separate choices" in profile
    saved = client.post(
        "/account",
        data={
            "name": "Siti Rahma",
            "organisation": "Maju Bhd",
            "country": "MY",
            "timezone": "UTC",
            "language": "en",
            "share_contact_on_badge_scan": "y",
        },
    )
    assert saved.status_code == 302 and consent_of(app, "siti@maju.example") is True
    lead = team.get(world.lead_url(world.private)).get_data(as_text=True)
    assert "Siti Rahma" in lead and "siti@maju.example" in lead
    # The online choice is a separate one, left off.
    from expo.accounts.models import User

    with app.app_context():
        assert db.session.get(User, world.private.id).share_contact_with_booths is False


# --- order-lead reports: stand scans are lead rows, named only with consent ------------------------


def report_lines(client, app, create_url, data):
    import csv
    import io

    from openpyxl import load_workbook

    from tests.conftest import run_recorded_tasks

    response = client.post(create_url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    run_recorded_tasks(app)
    page_url = response.headers["Location"]
    workbook = load_workbook(io.BytesIO(client.get(page_url + "/xlsx").data), read_only=True)
    header, *lines = [list(row) for row in workbook["Leads"].iter_rows(values_only=True)]
    summary = {}
    for row in workbook["Summary"].iter_rows(values_only=True):
        if len(row) > 1:
            summary.setdefault(row[0], row[1])
    csv_rows = list(csv.reader(io.StringIO(client.get(page_url + "/csv").data.decode("utf-8-sig"))))
    return header, [dict(zip(header, line, strict=True)) for line in lines], summary, csv_rows


def test_a_booth_report_lists_stand_scans_naming_only_visitors_who_consented(app, client, world, factory):
    scanned = datetime(2027, 9, 11, 3, 0, tzinfo=UTC)
    factory.stand_scan(
        world.booth,
        world.sharing,
        world.edition,
        scanned_at=scanned,
        rating=5,
        notes="Wants samples",
        tags=["distributor"],
        scanned_by_id=world.staff.id,
        products=[world.mask],
    )
    factory.stand_scan(
        world.booth, world.private, world.edition, scanned_at=scanned, rating=3, notes="Busy", tags=["later"]
    )
    log_in(client, world.owner)
    header, lines, summary, csv_rows = report_lines(
        client,
        app,
        f"/booths/{world.booth.slug}/leads/reports",
        {"date_from": "2027-09-01", "date_to": "2027-09-30"},
    )
    assert {"Rating", "Tags", "Notes", "Scanned by"} <= set(header)
    by_org = {line["Organisation"]: line for line in lines}
    assert set(by_org) == {"Bangkok Mart", "Maju Bhd"}
    sharing, private = by_org["Bangkok Mart"], by_org["Maju Bhd"]
    assert (sharing["Kind"], sharing["Buyer"], sharing["E-mail address"]) == (
        "Stand scan",
        "Somchai Prasert",
        "somchai@bangkokmart.example",
    )
    assert (sharing["Rating"], sharing["Tags"], sharing["Notes"], sharing["Scanned by"], sharing["Products"]) == (
        5,
        "distributor",
        "Wants samples",
        "Nguyen Thi Lan",
        "KN95 respirator",
    )
    assert (private["Buyer"], private["E-mail address"], private["Buyer country"]) == (None, None, "Malaysia")
    assert summary["Stand scan"] == 2 and summary["Leads"] == 2
    flat = "\n".join(",".join(row) for row in csv_rows)
    assert "Siti" not in flat and "siti@maju.example" not in flat and "somchai@bangkokmart.example" in flat
    from expo.leads.models import LeadReport

    with app.app_context():
        # Downloads are logged with the people a report holds: both scanned visitors.
        assert db.session.scalar(select(LeadReport.people_total)) == 2


def test_an_organizers_report_counts_stand_scans_without_names_notes_or_tags(app, client, world, factory):
    factory.stand_scan(
        world.booth,
        world.sharing,
        world.edition,
        scanned_at=datetime(2027, 9, 11, 3, 0, tzinfo=UTC),
        rating=4,
        notes="Private note",
        tags=["secret-tag"],
    )
    organizer = factory.organizer(edition=world.edition)
    log_in(client, organizer)
    header, lines, summary, csv_rows = report_lines(
        client,
        app,
        "/organize/lead-reports",
        {"edition": str(world.edition.id), "date_from": "2027-09-01", "date_to": "2027-09-30"},
    )
    assert "Notes" not in header and "Tags" not in header and "E-mail address" not in header
    [line] = lines
    assert (line["Kind"], line["Exhibitor"], line["Pavilion"], line["Organisation"], line["Rating"]) == (
        "Stand scan",
        "Nanning Masks",
        "Public Health",
        "Bangkok Mart",
        4,
    )
    flat = "\n".join(",".join(row) for row in csv_rows)
    assert "Somchai" not in flat and "Private note" not in flat and "secret-tag" not in flat
    assert summary["Stand scan"] == 1


def test_the_api_lists_a_scanned_visitor_by_organisation_and_country_without_consent(app, client, world, factory):
    from tests.api_helpers import bearer, make_token

    factory.stand_scan(world.booth, world.private, world.edition, rating=4)
    factory.stand_scan(world.booth, world.sharing, world.edition)
    secret = make_token(app, world.owner, ["leads:read"])
    response = client.get(f"/api/v1/booths/{world.booth.slug}/leads?days=all", headers=bearer(secret))
    assert response.status_code == 200
    items = {item["organisation"]: item for item in response.get_json()["items"]}
    private, sharing = items["Maju Bhd"], items["Bangkok Mart"]
    assert (private["named"], private["name"], private["email"], private["job_title"], private["country"]) == (
        False,
        None,
        None,
        None,
        "MY",
    )
    assert (sharing["named"], sharing["name"], sharing["email"]) == (
        True,
        "Somchai Prasert",
        "somchai@bangkokmart.example",
    )
    assert private["stand_scans"] == 1 and private["score"] == 25 + 10
    assert "Siti" not in response.get_data(as_text=True)


def test_recording_a_scan_sends_no_webhook(app, client, world, factory):
    """Webhooks carry inquiries (whose senders are named by writing) and reports; a stand scan, whose
    visitor may not have consented, is sent to no receiving system."""
    from expo.webhooks import events
    from expo.webhooks.models import WebhookDelivery, WebhookSubscription

    with app.app_context():
        db.session.add(
            WebhookSubscription(
                booth_id=world.booth.id,
                url="https://crm.example/hooks",
                events=sorted(events.EVENT_TYPES),
                secret="whsec_test",
            )
        )
        db.session.commit()
    log_in(client, world.staff)
    client.post(world.form_url, data={"scan_id": str(uuid.uuid4()), "code": world.badge(world.private)})
    with app.app_context():
        assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0
