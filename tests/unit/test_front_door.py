"""The front door's parts: an edition's key figures, the daily rotation of featured booths, their
products with pictures, and the sessions on now and next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from expo.booths.models import Booth
from expo.editions.models import Edition
from expo.exhibition import front_door
from expo.extensions import db

NOW = datetime(2027, 9, 11, 2, 0, tzinfo=UTC)  # 10:00 in Nanning on the second day


@pytest.fixture()
def edition(factory):
    return factory.edition(slug="18th", name="18th China-ASEAN Expo")


def exhibitor(factory, edition, pavilion, name, *, country="CN", status=Booth.Status.PUBLISHED, logo=True):
    owner = factory.user()
    company = factory.company(
        owner=owner,
        name=name,
        slug=name.lower().replace(" ", "-"),
        country=country,
        logo_path="logos/x.png" if logo else None,
    )
    reason = {"suspended_reason": "Out of date"} if status == Booth.Status.SUSPENDED else {}
    booth = factory.booth(company, status=status, country=country, **reason)
    factory.placement(booth, pavilion)
    return booth


def test_figures_count_published_exhibitors_their_countries_products_and_sessions(app_ctx, factory, edition):
    hall = factory.pavilion(edition)
    masks = exhibitor(factory, edition, hall, "Nanning Masks", country="CN")
    coffee = exhibitor(factory, edition, hall, "Saigon Coffee", country="VN")
    draft = exhibitor(factory, edition, hall, "Draft Durian", country="TH", status=Booth.Status.DRAFT)
    for booth, count in ((masks, 2), (coffee, 1), (draft, 5)):
        for _ in range(count):
            factory.product(booth)
    forum = factory.forum(edition)
    factory.programme_session(forum)
    factory.programme_session(forum)
    other_edition = factory.edition(slug="19th")
    factory.programme_session(factory.forum(other_edition))

    figures = front_door.edition_figures(db.session.get(Edition, edition.id))

    assert figures == front_door.EditionFigures(exhibitors=2, countries=2, products=3, sessions=2)


def test_featured_booths_rotate_by_day_logos_first_and_only_published(app_ctx, factory, edition):
    hall = factory.pavilion(edition)
    with_logo = [exhibitor(factory, edition, hall, f"Logo Company {n}").id for n in range(6)]
    without_logo = exhibitor(factory, edition, hall, "Plain Company", logo=False).id
    exhibitor(factory, edition, hall, "Hidden Company", status=Booth.Status.SUSPENDED)
    edition_row = db.session.get(Edition, edition.id)

    days = [date(2027, 9, 1) + timedelta(days=offset) for offset in range(30)]
    picks = {day: [booth.id for booth in front_door.featured_booths(edition_row, day, limit=3)] for day in days}

    assert picks[days[0]] == [booth.id for booth in front_door.featured_booths(edition_row, days[0], limit=3)]
    assert len({tuple(ids) for ids in picks.values()}) > 1  # the selection changes from day to day
    assert {ids[0] for ids in picks.values()} == set(with_logo)  # over a month, each takes the first place
    assert all(without_logo not in ids for ids in picks.values())  # six with a logo come before it
    assert set(front_door.featured_booths(edition_row, days[0], limit=10)[-1:]) == {db.session.get(Booth, without_logo)}


def test_featured_products_have_a_picture_and_two_at_most_per_booth(app_ctx, factory, edition):
    hall = factory.pavilion(edition)
    booth = exhibitor(factory, edition, hall, "Nanning Masks")
    unpictured = factory.product(booth, name="No picture", position=0)
    pictured = [factory.product(booth, name=f"Mask {n}", position=n + 1) for n in range(3)]
    for product in pictured:
        factory.product_image(product)

    cards = front_door.featured_products([db.session.get(Booth, booth.id)])

    assert [card.name for card in cards] == ["Mask 0", "Mask 1"]
    assert unpictured.id not in {card.id for card in cards}


def test_sessions_now_and_next_mark_the_running_one_live_and_skip_the_ended(app_ctx, factory, edition):
    forum = factory.forum(edition)
    ended = factory.programme_session(forum, title="Ended", starts_at=NOW - timedelta(hours=3))
    running = factory.programme_session(forum, title="Running", starts_at=NOW - timedelta(minutes=30))
    later = factory.programme_session(forum, title="Later", starts_at=NOW + timedelta(hours=4))
    soon = factory.programme_session(forum, title="Soon", starts_at=NOW + timedelta(hours=1))

    slots = front_door.sessions_now_and_next(db.session.get(Edition, edition.id), NOW)

    assert [(slot.session.title, slot.live) for slot in slots] == [("Running", True), ("Soon", False), ("Later", False)]
    assert ended.id not in {slot.session.id for slot in slots}
    assert {running.id, soon.id, later.id} == {slot.session.id for slot in slots}
