"""The product catalogue: a booth team's products (creating, changing, ordering, deleting) and finding
them for visitors.

Services take an explicit actor, flush and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from expo import uploads
from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog import values
from expo.catalog.models import Product, ProductCategory, ProductImage
from expo.exhibitors.services import company_slug
from expo.extensions import db
from expo.lib.ordering import moved
from expo.lib.rules import RuleBroken
from expo.lib.text import MAX_MARKDOWN_LENGTH, render_markdown
from expo.permissions import can_edit_booth, ensure

MAX_NAME_LENGTH = 200
OTHER_PRODUCTS_SHOWN = 4


class CatalogError(RuleBroken):
    """A catalogue rule said no; the message is safe to show, ``field`` names the form field at fault."""


class InvalidProduct(CatalogError):
    """The product's details break one or more rules: ``problems`` maps each field at fault to its reason."""

    def __init__(self, problems: dict[str, str]):
        first_field, first_message = next(iter(problems.items()))
        super().__init__(first_message, first_field)
        self.problems = problems


class ProductClash(CatalogError):
    """Two people saved products of one booth at the same moment and the database kept one."""

    status = 409


@dataclass(frozen=True)
class ProductData:
    """A product's details as the team gives them (address, images and order are kept apart)."""

    name: str
    category_id: int | None = None
    description: str = ""
    specifications: list[list[str]] = field(default_factory=list)
    min_order_quantity: int | None = None
    order_unit: str = values.DEFAULT_UNIT
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str = values.DEFAULT_CURRENCY
    hs_code: str = ""
    availability: str = Product.Availability.IN_STOCK

    @classmethod
    def of(cls, product: Product) -> ProductData:
        return cls(**{name: getattr(product, name) for name in cls.__dataclass_fields__})


# --- finding products ------------------------------------------------------------------------------


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
        select(Product)
        .where(Product.booth_id == booth_id, Product.slug == slug)
        .options(selectinload(Product.images), selectinload(Product.category).joinedload(ProductCategory.parent))
    )


def other_products(product: Product, limit: int = OTHER_PRODUCTS_SHOWN) -> list[Product]:
    """A few more of the booth's products, in catalogue order, for the bottom of a product page."""
    return list(db.session.scalars(booth_products_query(product.booth_id).where(Product.id != product.id).limit(limit)))


def category_tree() -> list[ProductCategory]:
    """The top-level categories in order, each with its subcategories loaded (two queries)."""
    return list(
        db.session.scalars(
            select(ProductCategory)
            .where(ProductCategory.parent_id.is_(None))
            .options(selectinload(ProductCategory.children))
            .order_by(ProductCategory.position, ProductCategory.id)
        )
    )


# --- the rules a product's details follow -----------------------------------------------------------


def product_problems(data: ProductData) -> dict[str, str]:
    """Every rule ``data`` breaks, field by field (empty when the product may be saved).

    The form and the import parse typed text with expo.catalog.values first; this checks the
    resulting values again, so a caller that builds ProductData itself cannot store nonsense.
    """
    problems: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        problems["name"] = _("Enter the product's name.")
    elif len(name) > MAX_NAME_LENGTH:
        problems["name"] = _("A name has at most %(max)s characters.", max=MAX_NAME_LENGTH)
    elif not company_slug(name):
        problems["name"] = _("The name needs at least one letter or digit.")
    if data.category_id is not None and db.session.get(ProductCategory, data.category_id) is None:
        problems["category_id"] = _("Choose a category from the list.")
    if len(data.description) > MAX_MARKDOWN_LENGTH:
        problems["description"] = _("The description has at most %(max)s characters.", max=MAX_MARKDOWN_LENGTH)
    try:
        values.check_specifications(data.specifications)
    except values.InvalidValue as exc:
        problems["specifications"] = str(exc)
    if data.min_order_quantity is not None and not 1 <= data.min_order_quantity <= values.MAX_QUANTITY:
        problems["min_order_quantity"] = _("The minimum order is a whole number from 1 to one billion.")
    unit = data.order_unit.strip()
    if not unit:
        problems["order_unit"] = _("Choose the unit buyers order in.")
    elif len(unit) > values.MAX_UNIT_LENGTH:
        problems["order_unit"] = _("A unit has at most %(max)s characters.", max=values.MAX_UNIT_LENGTH)
    for name_of_end in ("price_min", "price_max"):
        amount = getattr(data, name_of_end)
        if amount is None:
            continue
        try:
            values.parse_price(str(amount))
        except values.InvalidValue as exc:
            problems[name_of_end] = str(exc)
    if (
        "price_min" not in problems
        and "price_max" not in problems
        and data.price_min is not None
        and data.price_max is not None
        and data.price_max < data.price_min
    ):
        problems["price_max"] = _("The highest price is below the lowest.")
    if data.currency not in values.currency_codes():
        problems["currency"] = _("Choose a currency from the list.")
    if data.hs_code and not (data.hs_code.isascii() and data.hs_code.isdigit() and 6 <= len(data.hs_code) <= 10):
        problems["hs_code"] = _("An HS code has 6 to 10 digits, for example 401519.")
    if data.availability not in tuple(Product.Availability):
        problems["availability"] = _("Choose the product's availability from the list.")
    return problems


def _check(data: ProductData) -> None:
    problems = product_problems(data)
    if problems:
        raise InvalidProduct(problems)


def apply_product_data(product: Product, data: ProductData) -> None:
    """Copy ``data`` onto ``product``; the description's HTML is rendered only when its Markdown changed."""
    if product.description != data.description or not product.description_html and data.description:
        product.description_html = render_markdown(data.description)
    product.name = " ".join(data.name.split())
    # The relationship too, not only the key: the search text is made from it before the flush.
    product.category = db.session.get(ProductCategory, data.category_id) if data.category_id is not None else None
    product.category_id = data.category_id
    product.description = data.description
    product.specifications = [list(pair) for pair in data.specifications]
    product.min_order_quantity = data.min_order_quantity
    product.order_unit = data.order_unit.strip()
    product.price_min = data.price_min
    product.price_max = data.price_max
    product.currency = data.currency
    product.hs_code = data.hs_code
    product.availability = data.availability


# --- a team's catalogue ----------------------------------------------------------------------------


def lock_booth(booth: Booth) -> None:
    """Serialise changes to one booth's catalogue (new addresses, positions): a row lock on PostgreSQL;
    SQLite's BEGIN IMMEDIATE already lets one writer in at a time."""
    db.session.execute(select(Booth.id).where(Booth.id == booth.id).with_for_update())


def taken_slugs(booth: Booth) -> set[str]:
    return set(db.session.scalars(select(Product.slug).where(Product.booth_id == booth.id)))


def unique_slug(name: str, taken: set[str]) -> str:
    """The address the name gives, with -2, -3... when the booth already uses it."""
    base = company_slug(name)
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: 120 - len(suffix)] + suffix
        number += 1
    return slug


def next_position(booth: Booth) -> int:
    return (db.session.scalar(select(func.max(Product.position)).where(Product.booth_id == booth.id)) or 0) + 1


def flush_catalogue() -> None:
    """The booth lock keeps addresses unique; should two writers still clash, the loser is told why."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ProductClash(
            _(
                "Someone on your team saved a product at the same moment. Nothing was changed; "
                "check the catalogue and try again."
            )
        ) from None


def create_product(actor: User, booth: Booth, data: ProductData) -> Product:
    """The product comes last in the booth's catalogue. Its address is made from its name now and
    kept for good, so links already shared keep working when the product is renamed."""
    ensure(can_edit_booth(actor, booth))
    _check(data)
    lock_booth(booth)
    product = Product(booth=booth, slug=unique_slug(data.name, taken_slugs(booth)), position=next_position(booth))
    apply_product_data(product, data)
    db.session.add(product)
    flush_catalogue()
    return product


def update_product(actor: User, product: Product, data: ProductData) -> None:
    ensure(can_edit_booth(actor, product.booth))
    _check(data)
    apply_product_data(product, data)
    flush_catalogue()


def delete_product(actor: User, product: Product) -> None:
    """The product, its images (their files go once the deletion is committed) and its place in favourites."""
    ensure(can_edit_booth(actor, product.booth))
    files = db.session.execute(
        select(ProductImage.path, ProductImage.thumbnail_path)
        .where(ProductImage.product_id == product.id)
        .with_for_update()
    ).all()
    db.session.delete(product)
    db.session.flush()
    for path, thumbnail_path in files:
        uploads.delete_after_commit(path)
        if thumbnail_path:
            uploads.delete_after_commit(thumbnail_path)


def move_product(actor: User, product: Product, offset: int) -> None:
    """Move a product up (-1) or down (+1) in the booth's catalogue; the ends stay put.

    Only the positions that change are written, so a booth with thousands of products pays for two
    rows, not all of them (unless its positions had never been numbered).
    """
    booth = product.booth
    ensure(can_edit_booth(actor, booth))
    lock_booth(booth)
    rows = db.session.execute(
        select(Product.id, Product.position).where(Product.booth_id == booth.id).order_by(Product.position, Product.id)
    ).all()
    order = moved([row.id for row in rows], product.id, offset)
    current = {row.id: row.position for row in rows}
    changes = [{"id": id_, "position": position} for position, id_ in enumerate(order, 1) if current[id_] != position]
    if changes:
        db.session.execute(update(Product), changes)
    db.session.expire(product, ["position"])


def product_with_images(booth: Booth, product_id: int) -> Product | None:
    """One of ``booth``'s products for its team's pages, images loaded."""
    return db.session.scalar(
        select(Product)
        .where(Product.id == product_id, Product.booth_id == booth.id)
        .options(selectinload(Product.images), joinedload(Product.category))
    )
