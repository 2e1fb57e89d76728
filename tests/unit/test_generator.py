"""`flask expo generate-exhibition` fills the exhibition with varied, searchable exhibitors."""

from __future__ import annotations

from sqlalchemy import func, select

from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product
from expo.editions.models import Edition, Pavilion
from expo.exhibition import services
from expo.exhibition.search_index import product_search_text
from expo.exhibition.services import BOOTHS, SearchCriteria
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db


def test_the_generator_adds_booths_products_and_placements_search_finds(app):
    result = app.test_cli_runner().invoke(
        args=["expo", "generate-exhibition", "--booths", "40", "--products", "300", "--seed", "7"]
    )
    assert result.exit_code == 0, result.output
    assert "Added 40 booths" in result.output and "300 products" in result.output
    with app.test_request_context():
        assert db.session.scalar(select(func.count(ExhibitorCompany.id))) == 40
        assert db.session.scalar(select(func.count(Booth.id))) == 40
        assert db.session.scalar(select(func.count(Product.id))) == 300
        # Every booth has a product; some booths are not published, and those are never found.
        assert db.session.scalar(select(func.count(func.distinct(Product.booth_id)))) == 40
        statuses = dict(db.session.execute(select(Booth.status, func.count()).group_by(Booth.status)).all())
        assert statuses[Booth.Status.PUBLISHED] >= 30
        countries = set(db.session.scalars(select(Booth.country)))
        assert countries <= {"CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"} and len(countries) >= 5
        # No published edition existed, so two were made with their pavilions, and booths placed in them.
        assert db.session.scalar(select(func.count(Edition.id))) == 2
        assert db.session.scalar(select(func.count(Pavilion.id))) > 10
        placed = db.session.scalars(select(BoothPlacement.booth_id)).all()
        assert placed and set(db.session.scalars(select(Booth.status).where(Booth.id.in_(placed)))) == {
            Booth.Status.PUBLISHED
        }

        # search_text and languages are what the flush listener would have written: the rebuild,
        # which computes them the same way from the rows, changes none.
        product = db.session.scalars(
            select(Product).join(Booth).where(Booth.status == Booth.Status.PUBLISHED).order_by(Product.id).limit(1)
        ).one()
        from expo.exhibition.search_index import category_path, rebuild_search_text

        assert product.search_text.startswith(
            product_search_text(
                name=product.name,
                category_path=category_path(product.category),
                description=product.description,
                specifications=product.specifications,
                hs_code=product.hs_code,
                company_name=product.booth.company.name,
                country=product.booth.country,
            ).split("\n")[0]
        )
        assert rebuild_search_text(db.session.connection()) == 0
        # Translated into Chinese and Thai, for most of them.
        languages = dict(
            db.session.execute(select(Product.language_codes, func.count()).group_by(Product.language_codes)).all()
        )
        assert sum(number for codes, number in languages.items() if "zh" in codes.split()) > 150
        assert sum(number for codes, number in languages.items() if "th" in codes.split()) > 100
        translated = db.session.scalars(
            select(Product)
            .join(Booth)
            .where(Product.language_codes == "en th zh", Booth.status == Booth.Status.PUBLISHED)
            .order_by(Product.id)
            .limit(1)
        ).one()
        for language in ("zh", "th"):
            name = translated.translations[language]["name"]
            assert translated.id in {
                item.id
                for page in range(1, 4)
                for item in services.search(SearchCriteria(text=name, page=page)).page.items
            }, name

        # Search finds generated products by a word of their name.
        word = product.name.split()[-1]
        found = services.search(SearchCriteria(text=word))
        assert found.page.items and all(item.booth.status == Booth.Status.PUBLISHED for item in found.page.items)
        assert product.id in {
            item.id
            for page in range(1, found.page.pages + 1)
            for item in services.search(SearchCriteria(text=word, page=page)).page.items
        }
        assert services.search(SearchCriteria(kind=BOOTHS)).counts[BOOTHS].value == statuses[Booth.Status.PUBLISHED]


def test_the_same_seed_gives_the_same_exhibition(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["expo", "generate-exhibition", "--booths", "5", "--products", "20", "--seed", "3"])
    with app.app_context():
        first = db.session.scalars(select(Product.name).order_by(Product.id)).all()
        db.session.execute(Product.__table__.delete())
        db.session.execute(Booth.__table__.delete())
        db.session.execute(ExhibitorCompany.__table__.delete())
        db.session.commit()
    runner.invoke(args=["expo", "generate-exhibition", "--booths", "5", "--products", "20", "--seed", "3"])
    with app.app_context():
        assert db.session.scalars(select(Product.name).order_by(Product.id)).all() == first


def test_the_generator_refuses_to_run_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    result = app.test_cli_runner().invoke(args=["expo", "generate-exhibition", "--booths", "1", "--products", "1"])
    assert result.exit_code != 0 and "production" in result.output
