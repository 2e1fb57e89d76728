"""Arranging and reading exhibition searches, for the search tests on both databases: booths of
companies one owner runs (the ``exhibitor`` fixture in tests/conftest.py makes them), their
products, and what a search lists."""

from __future__ import annotations

from expo.catalog.models import Product
from expo.exhibition import services
from expo.exhibition.services import BOOTHS, SearchCriteria
from expo.extensions import db


def add_products(app, booth, *specs: dict) -> list[int]:
    """Several products in one commit (each dict holds Product fields; name required)."""
    with app.app_context():
        start = len(db.session.scalars(db.select(Product.id).where(Product.booth_id == booth.id)).all())
        rows = [
            Product(booth_id=booth.id, slug=f"item-{booth.id}-{start + i}", position=start + i, **spec)
            for i, spec in enumerate(specs)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def found(app, **criteria) -> list[str]:
    """Names on the first page, in order (product names, or company names for booths)."""
    with app.test_request_context():
        results = services.search(SearchCriteria(**criteria))
        if results.criteria.kind == BOOTHS:
            return [booth.company.name for booth in results.page.items]
        return [product.name for product in results.page.items]


def first_ten(app, text: str, **criteria) -> list[int]:
    """The ids of the first ten results."""
    with app.test_request_context():
        return [item.id for item in services.search(SearchCriteria(text=text, **criteria)).page.items[:10]]
