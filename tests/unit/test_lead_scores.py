"""Lead scores add up each visitor's interactions with recency, and only contacts or sharers are named."""

from __future__ import annotations

from datetime import timedelta

import pytest

from expo.db_types import utcnow
from expo.extensions import db
from expo.leads import scoring
from tests.conftest import log_in


@pytest.fixture()
def booth_world(factory):
    owner = factory.user(name="Owner")
    company = factory.company(owner=owner)
    booth = factory.booth(company)
    return owner, booth


def ranked(app, booth, days=None):
    with app.test_request_context():
        rows = db.session.execute(scoring.leads_query(booth, days=days)).all()
        return [(row.User.name, round(row.score, 2), *row[2:8]) for row in rows]


def test_scores_weigh_each_interaction_and_decay_with_age(app, factory, booth_world):
    _owner, booth = booth_world
    now = utcnow()
    sharer = factory.user(name="Sharer", share_contact_with_booths=True)
    factory.engagement(booth, "booth_visit", user=sharer, occurred_at=now - timedelta(days=1))  # 1 × 1
    factory.engagement(booth, "product_view", user=sharer, occurred_at=now - timedelta(days=10))  # 2 × 0.5
    factory.engagement(booth, "brochure_download", user=sharer, occurred_at=now - timedelta(days=40))  # 5 × 0.25
    factory.engagement(booth, "video_play", user=sharer, occurred_at=now - timedelta(days=200))  # 3 × 0.1
    buyer = factory.user(name="Buyer")
    factory.inquiry(booth, buyer, kind="order_request", created_at=now - timedelta(hours=2))  # 30
    factory.inquiry(booth, buyer, kind="inquiry", created_at=now - timedelta(days=20))  # 20 × 0.5
    # The inquiry's own engagement row is not counted again.
    factory.engagement(booth, "inquiry", user=buyer, occurred_at=now - timedelta(hours=2))
    assert ranked(app, booth) == [
        ("Buyer", 40.0, 0, 0, 0, 0, 1, 1),
        ("Sharer", 3.55, 1, 1, 1, 1, 0, 0),
    ]
    # A 30-day window leaves the older interactions out.
    assert ranked(app, booth, days=30) == [("Buyer", 40.0, 0, 0, 0, 0, 1, 1), ("Sharer", 2.0, 1, 1, 0, 0, 0, 0)]


def test_visitors_who_neither_wrote_nor_share_are_only_counted(app, factory, booth_world):
    owner, booth = booth_world
    quiet_th = [factory.user(name=f"Quiet {index}", country="TH") for index in range(3)]
    quiet_vn = factory.user(name="Quiet VN", country="VN")
    for user in quiet_th + [quiet_vn]:
        factory.engagement(booth, "booth_visit", user=user)
        factory.engagement(booth, "product_view", user=user)
    factory.engagement(booth, "booth_visit", visitor="cookie-1")
    factory.engagement(booth, "booth_visit", visitor="cookie-1")
    factory.engagement(booth, "booth_visit", visitor="cookie-2")
    factory.engagement(booth, "booth_visit", user=owner)  # the team's own visits count nowhere
    sharer = factory.user(name="Open Sharer", country="MY", share_contact_with_booths=True)
    factory.engagement(booth, "booth_visit", user=sharer)
    assert [name for name, *_rest in ranked(app, booth)] == ["Open Sharer"]
    with app.test_request_context():
        anonymous = scoring.anonymous_visitors(booth)
    assert anonymous.total == 6
    assert anonymous.by_country == [("TH", 3), ("VN", 1), (None, 2)]


def test_the_ranking_page_names_only_contacts_and_sharers(app, client, factory, booth_world):
    owner, booth = booth_world
    quiet = factory.user(name="Quiet Person", email="quiet@example.com", country="TH")
    factory.engagement(booth, "brochure_download", user=quiet)
    sharer = factory.user(
        name="Open Sharer",
        email="open@example.com",
        organisation="Maju Bhd",
        country="MY",
        share_contact_with_booths=True,
    )
    factory.engagement(booth, "video_play", user=sharer)
    writer = factory.user(name="Writer", email="writer@example.com", organisation="PT Sehat", country="ID")
    factory.inquiry(booth, writer)
    log_in(client, owner)
    page = client.get(f"/booths/{booth.slug}/leads/ranking").get_data(as_text=True)
    assert "Writer" in page and "writer@example.com" in page and "PT Sehat" in page
    assert "Open Sharer" in page and "Maju Bhd" in page
    assert "Quiet Person" not in page and "quiet@example.com" not in page
    assert "1 anonymous visitor" in page and "1 from Thailand" in page
    assert page.index("Writer") < page.index("Open Sharer")  # 20 points before 3


def test_sharing_is_off_until_the_visitor_turns_it_on_in_the_profile(app, client, factory, booth_world):
    owner, booth = booth_world
    visitor = factory.user(name="Curious Buyer", country="PH")
    factory.engagement(booth, "product_view", user=visitor)
    team = app.test_client()
    log_in(team, owner)
    assert "Curious Buyer" not in team.get(f"/booths/{booth.slug}/leads/ranking").get_data(as_text=True)
    log_in(client, visitor)
    assert 'name="share_contact_with_booths"' in client.get("/account").get_data(as_text=True)
    response = client.post(
        "/account",
        data={
            "name": "Curious Buyer",
            "timezone": "UTC",
            "language": "en",
            "country": "PH",
            "share_contact_with_booths": "y",
        },
    )
    assert response.status_code == 302
    assert "Curious Buyer" in team.get(f"/booths/{booth.slug}/leads/ranking").get_data(as_text=True)


def test_stand_scans_weigh_25_each_and_the_latest_rating_adds_its_bonus(app, factory, booth_world):
    _owner, booth = booth_world
    edition = factory.edition()
    now = utcnow()
    hot = factory.user(name="Hot", share_contact_on_badge_scan=True)
    factory.stand_scan(booth, hot, edition, rating=2, scanned_at=now - timedelta(days=10))  # 25 × 0.5
    factory.stand_scan(booth, hot, edition, rating=5, scanned_at=now - timedelta(days=1))  # 25 + 20 for the 5
    cooled = factory.user(name="Cooled", share_contact_on_badge_scan=True)
    factory.stand_scan(booth, cooled, edition, rating=5, scanned_at=now - timedelta(days=2))  # 25
    factory.stand_scan(booth, cooled, edition, rating=2, scanned_at=now - timedelta(days=1))  # 25: the 2 takes it back
    factory.stand_scan(booth, cooled, edition, scanned_at=now - timedelta(hours=1))  # 25, no rating: the 2 stands
    assert scoring.STAND_SCAN_WEIGHT == 25 and scoring.RATING_BONUS == {4: 10, 5: 20}
    with app.test_request_context():
        rows = db.session.execute(scoring.leads_query(booth, days=None, now=now)).all()
    assert [(row.User.name, round(row.score, 2), row.stand_scans) for row in rows] == [
        ("Cooled", 75.0, 3),
        ("Hot", 57.5, 2),
    ]
    # Within a week only the latest scans count, and the 5 still adds its bonus.
    with app.test_request_context():
        rows = db.session.execute(scoring.leads_query(booth, days=7, now=now)).all()
    assert [(row.User.name, round(row.score, 2)) for row in rows] == [("Cooled", 75.0), ("Hot", 45.0)]


def test_a_scanned_visitor_without_consent_is_a_lead_by_organisation_and_no_longer_anonymous(app, factory, booth_world):
    _owner, booth = booth_world
    edition = factory.edition()
    private = factory.user(name="Private", organisation="Maju Bhd", country="MY")
    online_sharer = factory.user(name="Online Sharer", country="TH", share_contact_with_booths=True)
    for user in (private, online_sharer):
        factory.engagement(booth, "booth_visit", user=user)
    factory.stand_scan(booth, private, edition)
    # Sharing online names who visited online; a scan alone needs the badge-scan consent.
    scanned_only = factory.user(name="Scanned Only", country="VN", share_contact_with_booths=True)
    factory.stand_scan(booth, scanned_only, edition)
    with app.test_request_context():
        rows = db.session.execute(scoring.leads_query(booth, days=None)).all()
        named = {row.User.name: bool(row.named) for row in rows}
        assert scoring.anonymous_visitors(booth, days=None).total == 0
    assert named == {"Private": False, "Online Sharer": True, "Scanned Only": False}
