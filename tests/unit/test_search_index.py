"""The text search indexes stays current with what exhibitors change, on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.extensions import db


def matching_product_ids(word: str) -> list[int]:
    if db.engine.dialect.name == "postgresql":
        sql = (
            "SELECT id FROM products WHERE to_tsvector('english'::regconfig, search_text) "
            "@@ plainto_tsquery('english', :word) ORDER BY id"
        )
    else:
        sql = "SELECT rowid FROM product_search WHERE product_search MATCH :word ORDER BY rowid"
    return list(db.session.scalars(text(sql), {"word": word}))


def test_product_text_gathers_name_category_company_and_specifications(app, factory):
    owner = factory.user()
    company = factory.company(owner=owner, name="Nanning Mask Machinery", sector="Medical equipment")
    booth = factory.booth(company)
    categories = factory.categories()
    product = factory.product(
        booth,
        name="KN95 respirator",
        category_id=categories["masks-respirators"],
        specifications=[["Material", "Melt-blown polypropylene"]],
        hs_code="630790",
    )
    with app.app_context():
        stored = db.session.get(Product, product.id).search_text
    # Punctuation is stored as space, so that both databases split words alike.
    for expected in (
        "KN95 respirator",
        "Medical supplies",
        "Masks and respirators",
        "Nanning Mask Machinery",
        "Melt blown polypropylene",
        "630790",
    ):
        assert expected in stored
    # The shared category names also in Chinese, and the booth's country.
    assert "口罩与呼吸器" in stored and "China" in stored and "中国" in stored


def test_booth_text_names_the_country_in_english_and_chinese(app, factory):
    company = factory.company(owner=factory.user(), name="Hanoi Herbal", country="VN")
    booth = factory.booth(company, tagline="Traditional remedies")
    with app.app_context():
        stored = db.session.get(Booth, booth.id).search_text
    assert "Hanoi Herbal" in stored and "Traditional remedies" in stored
    assert "Vietnam" in stored and "越南" in stored


def test_the_index_follows_inserts_updates_and_deletes(app, factory):
    booth = factory.booth(factory.company(owner=factory.user()))
    product = factory.product(booth, name="Durian paste")
    with app.app_context():
        assert matching_product_ids("durians") == [product.id]  # stemmed: the plural finds it
        row = db.session.get(Product, product.id)
        row.name = "Coffee beans"
        db.session.commit()
        assert matching_product_ids("durian") == []
        assert matching_product_ids("coffee") == [product.id]
        db.session.delete(db.session.get(Product, product.id))
        db.session.commit()
        assert matching_product_ids("coffee") == []


def test_renaming_the_company_or_moving_its_booth_updates_what_its_products_are_found_by(app, factory):
    from expo.exhibitors.models import ExhibitorCompany

    company = factory.company(owner=factory.user(), name="Old Name Trading", country="VN")
    booth = factory.booth(company)
    product = factory.product(booth, name="Durian paste")
    with app.app_context():
        db.session.get(ExhibitorCompany, company.id).name = "Fresh Fruit Cooperative"
        db.session.commit()
        assert "Fresh Fruit Cooperative" in db.session.get(Booth, booth.id).search_text
        assert "Fresh Fruit Cooperative" in db.session.get(Product, product.id).search_text
        assert matching_product_ids("cooperative") == [product.id]
        db.session.get(Booth, booth.id).country = "TH"
        db.session.commit()
        assert matching_product_ids("thailand") == [product.id]
        assert matching_product_ids("vietnam") == []
