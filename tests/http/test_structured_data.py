"""schema.org JSON-LD parsed back from the public pages, and RFC 7986 properties in the .ics feeds."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from icalendar import Calendar

from expo.structured_data import script_json

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(page: str) -> list[dict]:
    return [json.loads(block) for block in SCRIPT.findall(page)]


@pytest.fixture()
def expo_with_programme(factory):
    edition = factory.edition(
        slug="caexpo",
        name="China-ASEAN Expo",
        timezone="Asia/Shanghai",
        venue="Nanning International Convention and Exhibition Center",
        city="Nanning",
        country="CN",
    )
    forum = factory.forum(edition, slug="health", title="China-ASEAN Health Cooperation Forum", kind="main")
    factory.forum(edition, slug="later", title="Forum without a programme yet", kind="main")
    speaker = factory.speaker(edition, name="Dr Nguyen Van An")
    opening = factory.programme_session(
        forum,
        title="Opening plenary",
        room="Hall A",
        starts_at=datetime(2027, 9, 10, 1, 30, tzinfo=UTC),
        ends_at=datetime(2027, 9, 10, 3, 0, tzinfo=UTC),
        stream_url="https://stream.example.com/opening",
    )
    factory.programme_session(
        forum,
        title="Vaccines",
        starts_at=datetime(2027, 9, 11, 6, 0, tzinfo=UTC),
        ends_at=datetime(2027, 9, 11, 7, 0, tzinfo=UTC),
    )
    with factory.app.app_context():
        from expo.extensions import db
        from expo.forums.models import ProgrammeSession, Speaker

        session = db.session.get(ProgrammeSession, opening.id)
        session.speakers.append(db.session.get(Speaker, speaker.id))
        db.session.commit()
    return edition


def test_edition_page_is_an_exhibition_event_with_forums_and_sessions(client, expo_with_programme):
    page = client.get("/editions/caexpo").get_data(as_text=True)
    [event] = json_ld(page)
    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "ExhibitionEvent"
    assert event["name"] == "China-ASEAN Expo"
    assert event["startDate"] == "2027-09-10" and event["endDate"] == "2027-09-13"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place = event["location"][0]
    assert place["@type"] == "Place" and "Nanning International" in place["name"]
    assert place["address"] == {"@type": "PostalAddress", "addressLocality": "Nanning", "addressCountry": "CN"}
    assert event["organizer"]["@type"] == "Organization" and event["organizer"]["name"]
    forums = {forum["name"]: forum for forum in event["subEvent"]}
    health = forums["China-ASEAN Health Cooperation Forum"]
    # The forum spans its sessions, in the venue's time zone with its offset.
    assert health["startDate"] == "2027-09-10T09:30:00+08:00"
    assert health["endDate"] == "2027-09-11T15:00:00+08:00"
    opening, vaccines = health["subEvent"]
    assert opening["name"] == "Opening plenary"
    assert opening["startDate"] == "2027-09-10T09:30:00+08:00" and opening["endDate"] == "2027-09-10T11:00:00+08:00"
    assert opening["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert opening["location"][0]["name"].startswith("Hall A, ")
    assert opening["location"][1]["@type"] == "VirtualLocation"
    assert opening["performer"] == [{"@type": "Person", "name": "Dr Nguyen Van An"}]
    assert opening["organizer"]["@type"] == "Organization"
    assert vaccines["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    # A forum announced before its programme takes place during the edition.
    assert forums["Forum without a programme yet"]["startDate"] == "2027-09-10"
    assert "stream.example.com" not in page  # the stream stays for registered attendees


def test_edition_page_queries_do_not_grow_with_the_programme(app, client, factory, expo_with_programme):
    from tests.conftest import count_queries

    before = count_queries(app, client, "/editions/caexpo")
    with app.app_context():
        from expo.extensions import db
        from expo.forums.models import Forum

        forum = db.session.query(Forum).filter_by(slug="health").one()
        db.session.expunge(forum)
    for number in range(5):
        factory.programme_session(forum, title=f"Extra {number}")
    assert count_queries(app, client, "/editions/caexpo") == before


@pytest.fixture()
def booth_with_product(factory):
    owner = factory.user()
    company = factory.company(
        owner=owner,
        slug="guangxi-tea",
        name="Guangxi Tea & Co. </script>",
        website="https://tea.example.com",
        country="CN",
        sector="Food",
    )
    booth = factory.booth(company, tagline="Liupao tea from Wuzhou", contact_email="sales@tea.example.com")
    product = factory.product(
        booth,
        slug="liupao",
        name="Liupao dark tea",
        min_order_quantity=200,
        order_unit="kg",
        price_min=Decimal("12.50"),
        price_max=Decimal("30"),
        currency="USD",
    )
    return booth, product


def test_booth_page_is_an_organization(client, booth_with_product):
    page = client.get("/booths/guangxi-tea").get_data(as_text=True)
    [organization] = json_ld(page)
    assert organization["@type"] == "Organization"
    assert organization["name"] == "Guangxi Tea & Co. </script>"  # escaped in the page, intact once parsed
    assert organization["url"] == "http://expo.test/booths/guangxi-tea"
    assert organization["sameAs"] == ["https://tea.example.com"]
    assert organization["description"] == "Liupao tea from Wuzhou"
    assert organization["email"] == "sales@tea.example.com"


def test_product_page_is_a_product_with_price_range_and_minimum_order(client, booth_with_product):
    page = client.get("/booths/guangxi-tea/products/liupao").get_data(as_text=True)
    [product] = json_ld(page)
    assert product["@type"] == "Product" and product["name"] == "Liupao dark tea"
    offer = product["offers"]
    assert offer["@type"] == "Offer"
    assert offer["seller"]["name"] == "Guangxi Tea & Co. </script>"
    price = offer["priceSpecification"]
    assert price["@type"] == "UnitPriceSpecification"
    assert (price["minPrice"], price["maxPrice"], price["priceCurrency"]) == ("12.50", "30.00", "USD")
    quantity = offer["eligibleQuantity"]
    assert quantity == {"@type": "QuantitativeValue", "minValue": 200, "unitText": "kg", "unitCode": "KGM"}


def test_product_without_price_or_minimum_has_a_bare_offer(client, factory, booth_with_product):
    booth, _ = booth_with_product
    factory.product(booth, slug="sample", name="Sample box")
    [product] = json_ld(client.get("/booths/guangxi-tea/products/sample").get_data(as_text=True))
    assert "priceSpecification" not in product["offers"] and "eligibleQuantity" not in product["offers"]


@pytest.mark.parametrize("hostile", ["</script><script>alert(1)</script>", "<!--", "a\u2028b", "&amp;"])
def test_script_json_cannot_close_the_script_element(hostile):
    text = str(script_json({"name": hostile}))
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": hostile}


def _rfc7986(calendar: Calendar) -> tuple[str, timedelta, str, str]:
    return (
        str(calendar["name"]),
        calendar.decoded("refresh-interval"),
        str(calendar["color"]),
        str(calendar["x-wr-calname"]),
    )


def test_forum_and_session_feeds_carry_name_refresh_and_colour(client, expo_with_programme):
    calendar = Calendar.from_ical(client.get("/editions/caexpo/forums/health.ics").data)
    assert _rfc7986(calendar) == (
        "China-ASEAN Health Cooperation Forum",
        timedelta(hours=12),
        "teal",
        "China-ASEAN Health Cooperation Forum",
    )
    assert calendar["refresh-interval"].params["VALUE"] == "DURATION"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H" in client.get("/editions/caexpo/forums/health.ics").data


def test_personal_agenda_feed_refreshes_hourly(app, client, factory, expo_with_programme):
    user = factory.user(name="Lan")
    with app.app_context():
        from expo.accounts.models import User
        from expo.extensions import db

        token = db.session.get(User, user.id).calendar_token
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200, response.status_code
    calendar = Calendar.from_ical(response.data)
    name, refresh, colour, legacy = _rfc7986(calendar)
    assert refresh == timedelta(hours=1) and colour == "teal" and name == legacy and "Lan" in name
