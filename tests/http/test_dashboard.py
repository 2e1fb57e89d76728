"""Where people land after signing in: an attendee's next sessions and saved booths, an exhibitor
team's day at its booth, an organizer's day at their edition."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.engagement.models import EngagementEvent, Favourite
from expo.exhibitors.models import ExhibitorCompany
from expo.leads.models import TradeInquiry
from tests.conftest import TEST_PASSWORD, log_in
from tests.http.test_exhibition_pages import text_of


@pytest.fixture()
def edition(factory):
    today = utcnow().date()
    return factory.edition(
        slug="18th",
        name="18th China-ASEAN Expo",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=13),
    )


def test_signing_in_lands_on_the_dashboard(client, factory):
    user = factory.user(name="Somchai Prasert")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    assert "Welcome, Somchai Prasert" in text_of(client.get("/dashboard"))
    assert client.get("/login").headers["Location"] == "/dashboard"


def test_the_dashboard_is_for_signed_in_people(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_attendee_sees_the_next_sessions_in_order_and_saved_booths(app, client, factory, edition):
    user = factory.user()
    forum = factory.forum(edition, title="Health Forum")
    now = utcnow()
    past = factory.programme_session(forum, title="Yesterday's talk", starts_at=now - timedelta(days=1))
    later = factory.programme_session(forum, title="Closing plenary", starts_at=now + timedelta(days=12))
    sooner = factory.programme_session(forum, title="Opening plenary", starts_at=now + timedelta(days=10))
    for session in (later, past, sooner):
        factory.registration(user, session)
    booth = factory.booth(factory.company(owner=factory.user(), name="Saigon Masks", country="VN"))
    factory._save(Favourite(user_id=user.id, booth_id=booth.id))
    log_in(client, user)

    page = text_of(client.get("/dashboard"))

    assert "Yesterday's talk" not in page
    assert page.index("Opening plenary") < page.index("Closing plenary")
    assert re.search(r"Saved booths Saigon Masks Vietnam", page)
    assert "Your booth" not in page and "today" not in page.split("Welcome")[0]


def test_an_exhibitor_team_sees_waiting_inquiries_visits_and_what_its_booth_lacks(app, client, factory):
    owner = factory.user(name="Chen Yuehe")
    company = factory.company(owner=owner, name="Nanning Masks", slug="nanning-masks")
    booth = factory.booth(
        company, slug="nanning-masks", tagline="Masks", description="Mask lines", contact_email="sales@example.com"
    )
    for number in range(3):
        factory.product_image(factory.product(booth, name=f"Mask {number}"))
    now = utcnow()
    old_buyer, new_buyer, answered_buyer = (
        factory.user(name="Old Buyer"),
        factory.user(name="New Buyer"),
        factory.user(),
    )
    factory.inquiry(booth, new_buyer, buyer_activity_at=now - timedelta(hours=2))
    factory.inquiry(booth, old_buyer, buyer_activity_at=now - timedelta(days=3))
    factory.inquiry(
        booth,
        answered_buyer,
        buyer_activity_at=now - timedelta(days=1),
        team_activity_at=now,
        status=TradeInquiry.Status.CONTACTED,
    )
    for day in range(3):
        factory.engagement(booth, EngagementEvent.BOOTH_VISIT, occurred_at=now - timedelta(days=day))
    factory.engagement(booth, EngagementEvent.BOOTH_VISIT, occurred_at=now - timedelta(days=20))
    log_in(client, owner)

    response = client.get("/dashboard")
    page = text_of(response)

    assert "Your booth: Nanning Masks" in page
    assert re.search(r"2 inquiries wait for an answer Old Buyer waiting 3 days New Buyer waiting 2 hours", page)
    assert re.search(r"Visits this week 3\b", page)  # the visit 20 days ago is not this week's
    assert re.search(r"Your booth is 56% complete", page)  # 5 of 9: no logo, banner, hours or video
    body = response.get_data(as_text=True)
    # What is missing links to where the team fills it in; what is done does not.
    assert re.search(r'<a href="/booths/nanning-masks/edit/images">Company logo</a>', body)
    assert re.search(r'<a href="/booths/nanning-masks/edit/hours">Opening hours</a>', body)
    assert "Tagline and description</span>" in body and "At least three products</span>" in body


def test_an_organizer_sees_registrations_full_sessions_and_reviews(app, client, factory, edition):
    organizer = factory.organizer()  # of every edition: also reviews applications and booths
    forum = factory.forum(edition)
    now = utcnow()
    full = factory.programme_session(
        forum, title="Dental care", capacity=10, seats_taken=10, starts_at=now + timedelta(days=10)
    )
    factory.programme_session(forum, title="Half empty", capacity=10, seats_taken=5, starts_at=now + timedelta(days=10))
    for number in range(4):
        factory.registration(factory.user(), full, created_at=now - timedelta(days=number % 2))
    factory.company(owner=factory.user(), name="Applicant", status=ExhibitorCompany.Status.PENDING)
    factory.booth(factory.company(owner=factory.user(), name="Waiting Booth"), status=Booth.Status.SUBMITTED)
    log_in(client, organizer)

    page = text_of(client.get("/dashboard"))

    assert "18th China-ASEAN Expo today" in page
    assert re.search(r"Registrations per day 4 in the last 14 days", page)
    assert re.search(r"Nearly full sessions Dental care 10 of 10 seats", page) and "Half empty" not in page
    assert "1 exhibitor application" in page and "1 booth to review" in page


def test_an_organizer_of_another_edition_sees_nothing_of_this_one(client, factory, edition):
    other = factory.edition(slug="19th", name="19th China-ASEAN Expo")
    organizer = factory.organizer(other)
    log_in(client, organizer)
    page = text_of(client.get("/dashboard"))
    assert "18th China-ASEAN Expo" not in page and "Waiting for your decision" not in page
