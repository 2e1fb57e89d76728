"""The product catalogue: a shared category tree, each booth's products and their images."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.booths.models import Booth
from expo.content_languages import Translatable
from expo.db_types import TITLE_VECTOR, StrEnumType, UTCDateTime, search_vector_column, utcnow
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum


class ProductCategory(db.Model):
    """A node of the category tree every booth shares (medical supplies › protective equipment › masks)."""

    __tablename__ = "product_categories"
    __table_args__ = (Index("ix_product_categories_parent", "parent_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No ON DELETE action: a category with subcategories cannot be deleted (checked at the statement's end).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("product_categories.id"))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped[ProductCategory | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[ProductCategory]] = relationship(back_populates="parent", order_by="ProductCategory.position")

    def __repr__(self) -> str:
        return f"<ProductCategory {self.slug}>"


class Product(Translatable, db.Model):
    __tablename__ = "products"
    TRANSLATED_FIELDS = ("name", "description", "specifications")
    __table_args__ = (
        UniqueConstraint("booth_id", "slug"),
        CheckConstraint("min_order_quantity IS NULL OR min_order_quantity > 0", name="moq_positive"),
        CheckConstraint("price_min IS NULL OR price_min >= 0", name="price_not_negative"),
        CheckConstraint("price_min IS NULL OR price_max IS NULL OR price_max >= price_min", name="price_range_ordered"),
        CheckConstraint(
            "availability IN ('in_stock', 'made_to_order', 'pre_order', 'out_of_stock')", name="availability_known"
        ),
        Index("ix_products_booth_position", "booth_id", "position", "id"),
        # The search filters' columns are in these two indexes too, so that search reads a category's
        # products, and walks products by minimum order (id breaking ties), from the index alone.
        Index("ix_products_category", "category_id", "min_order_quantity", "booth_id"),
        Index("ix_products_min_order", "min_order_quantity", "id"),
        # Search: results sorted by name; the filters a booth's products are tested by, read from
        # the index alone (which booths sell in a category, at a minimum order).
        Index("ix_products_name", "name", "id"),
        Index("ix_products_booth_filters", "booth_id", "category_id", "min_order_quantity"),
        # The sitemap lists every product's address and last change from this index alone.
        Index("ix_products_sitemap", "booth_id", "slug", "updated_at"),
        # Full-text search on PostgreSQL; SQLite gets an FTS5 table (expo.exhibition.search_index). Spelt
        # as an expression so that Alembic, which ignores ddl_if, does not look for it on SQLite.
        Index("ix_products_search", text("search_vector"), postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    class Availability(LabelledStrEnum):
        IN_STOCK = "in_stock", _l("In stock")
        MADE_TO_ORDER = "made_to_order", _l("Made to order")
        PRE_ORDER = "pre_order", _l("Pre-order")
        OUT_OF_STOCK = "out_of_stock", _l("Out of stock")

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("product_categories.id", ondelete="SET NULL"))
    # Markdown as typed, and the sanitised HTML pages show.
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # [["Material", "Non-woven polypropylene"], ["Filtration", "≥ 95 %"]]: ordered name/value pairs.
    specifications: Mapped[list[Any]] = mapped_column(JSON, default=list)
    min_order_quantity: Mapped[int | None] = mapped_column()
    order_unit: Mapped[str] = mapped_column(String(30), default="piece")
    # An indicative range in ``currency`` (ISO 4217); either end may be missing.
    price_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    price_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # Harmonized System code, 6 to 10 digits, for buyers' customs paperwork.
    hs_code: Mapped[str] = mapped_column(String(12), default="")
    availability: Mapped[str] = mapped_column(StrEnumType(Availability, 20), default=Availability.IN_STOCK)
    position: Mapped[int] = mapped_column(default=0)
    # What full-text search indexes (see expo.exhibition.search_index); kept current on every flush.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # PostgreSQL's tsvector of search_text, kept by the database (NULL on SQLite); never loaded.
    search_vector: Mapped[str | None] = search_vector_column()
    # The name's tsvector alone, which relevance ranks by (NULL on SQLite); never loaded.
    title_vector: Mapped[str | None] = search_vector_column(TITLE_VECTOR)
    # The languages its text is available in, sorted and space-separated ("en th zh"): the search's
    # language facet and filter. Kept in step with search_text by the same listener. (The column is
    # "languages"; the attribute is named apart from the content's languages() method.)
    language_codes: Mapped[str] = mapped_column("languages", String(60), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    booth: Mapped[Booth] = relationship()
    category: Mapped[ProductCategory | None] = relationship()
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductImage.position",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Product {self.booth_id}/{self.slug}>"


class ProductImage(db.Model):
    """One of a product's pictures, re-encoded without metadata; the worker adds its thumbnail."""

    __tablename__ = "product_images"
    __table_args__ = (Index("ix_product_images_product_position", "product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(300))
    # None until the worker has made it; pages fall back to the full image meanwhile.
    thumbnail_path: Mapped[str | None] = mapped_column(String(300))
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")
