"""The product catalogue: listing a booth's products and finding one for a visitor.

Services take an explicit actor, flush and never commit; the view commits once.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from expo.catalog.models import Product, ProductCategory
from expo.extensions import db
from expo.rules import RuleBroken


class CatalogError(RuleBroken):
    """A catalogue rule said no; the message is safe to show, ``field`` names the form field at fault."""


def booth_products_query(booth_id: int) -> Select:
    """A booth's products in catalogue order, with what a product card shows (images, category)
    loaded in a constant number of queries whatever the page size."""
    return (
        select(Product)
        .where(Product.booth_id == booth_id)
        .options(selectinload(Product.images), selectinload(Product.category))
        .order_by(Product.position, Product.id)
    )


def find_product(booth_id: int, slug: str) -> Product | None:
    return db.session.scalar(
        select(Product).where(Product.booth_id == booth_id, Product.slug == slug)
        .options(selectinload(Product.images),
                 selectinload(Product.category).joinedload(ProductCategory.parent))
    )
