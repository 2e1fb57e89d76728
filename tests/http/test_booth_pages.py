"""Visitors see published booths and their products; a booth still in draft is not there for them."""

from __future__ import annotations

import pytest

from expo.booths.models import Booth
from tests.conftest import count_queries, log_in


@pytest.fixture()
def team(factory):
    owner, staff = factory.user(), factory.user()
    company = factory.company(owner=owner, staff=[staff], name="Guangxi Protective Gear")
    return owner, staff, company


def test_a_published_booth_shows_its_products(client, factory, team):
    _owner, _staff, company = team
    booth = factory.booth(company, tagline="Masks for the whole region")
    factory.product(booth, name="Surgical mask", min_order_quantity=200, order_unit="boxes")
    page = client.get(f"/booths/{booth.slug}").get_data(as_text=True)
    assert "Guangxi Protective Gear" in page and "Masks for the whole region" in page
    assert "Surgical mask" in page and "Minimum order: 200 boxes" in page


def test_a_draft_booth_is_invisible_to_visitors_and_a_preview_for_its_team(client, factory, team):
    owner, staff, company = team
    booth = factory.booth(company, status=Booth.Status.DRAFT)
    product = factory.product(booth, name="Gown")
    assert client.get(f"/booths/{booth.slug}").status_code == 404
    assert client.get(f"/booths/{booth.slug}/products/{product.slug}").status_code == 404
    log_in(client, factory.user())  # an attendee
    assert client.get(f"/booths/{booth.slug}").status_code == 404
    client.post("/logout")
    log_in(client, staff)
    page = client.get(f"/booths/{booth.slug}")
    assert page.status_code == 200 and "Preview" in page.get_data(as_text=True)


def test_a_product_page_shows_its_details(client, factory, team):
    booth = factory.booth(team[2])
    product = factory.product(
        booth,
        name="Nitrile gloves",
        hs_code="401519",
        price_min=2,
        price_max=3,
        currency="USD",
        order_unit="box",
        specifications=[["Size", "S, M, L"]],
    )
    page = client.get(f"/booths/{booth.slug}/products/{product.slug}").get_data(as_text=True)
    assert "Nitrile gloves" in page and "401519" in page and "S, M, L" in page
    assert "$2.00" in page and "$3.00" in page
    assert client.get(f"/booths/{booth.slug}/products/no-such-product").status_code == 404


def _add_products(app, booth, start: int, count: int, categories: dict[str, int]) -> None:
    """Rows straight into the table: 500 products through the factory would take most of a minute."""
    from expo.catalog.models import Product, ProductImage
    from expo.extensions import db

    category_ids = list(categories.values())
    with app.app_context():
        for number in range(start, start + count):
            product = Product(
                booth_id=booth.id,
                slug=f"item-{number}",
                name=f"Item {number}",
                category_id=category_ids[number % len(category_ids)],
                position=number,
                min_order_quantity=10,
                price_min=1,
                price_max=2,
            )
            product.images.append(ProductImage(path=f"products/{number}.jpg"))
            db.session.add(product)
        db.session.commit()


def test_the_booth_page_costs_the_same_queries_with_10_or_500_products(app, client, factory, team):
    _owner, staff, company = team
    booth = factory.booth(
        company,
        tagline="Masks",
        contact_email="sales@example.com",
        whatsapp="+84 912 345 678",
        opening_hours={"mon": [["09:00", "17:00"]]},
        timezone="Asia/Shanghai",
        video_embed_url="https://player.vimeo.com/video/76979871",
    )
    categories = factory.categories()
    _add_products(app, booth, 0, 10, categories)
    member = app.test_client()
    log_in(member, staff)
    pages = {"visitor": (client, f"/booths/{booth.slug}"), "team": (member, f"/booths/{booth.slug}")}
    for viewer, path in pages.values():
        viewer.get(path)  # warm up
    small = {name: count_queries(app, viewer, path) for name, (viewer, path) in pages.items()}
    _add_products(app, booth, 10, 490, categories)
    large = {name: count_queries(app, viewer, path) for name, (viewer, path) in pages.items()}
    assert large == small
    assert count_queries(app, client, f"/booths/{booth.slug}?page=20") == small["visitor"]
    html = client.get(f"/booths/{booth.slug}").get_data(as_text=True)
    assert html.count('class="card expo-card h-100"') == 24 and "Page 1 of 21" in html
