"""What the front door (the home page and the exhibition's front page) shows of an edition: its key
figures, the booths and products featured today, and the sessions on now and next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload

from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product, ProductImage
from expo.editions.models import Edition, Pavilion
from expo.exhibition.services import ProductCard, load_booths, product_cards, published_booths_by_pavilion
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.pavilions.services import hall_order

FEATURED_BOOTHS = 4
PRODUCTS_PER_FEATURED_BOOTH = 2
SESSIONS_SHOWN = 4


@dataclass(frozen=True)
class EditionFigures:
    exhibitors: int
    countries: int
    products: int
    sessions: int


@dataclass(frozen=True)
class SessionSlot:
    session: ProgrammeSession
    live: bool


def _published_booths_of(edition: Edition):
    return (
        select(BoothPlacement.booth_id)
        .join(Booth, Booth.id == BoothPlacement.booth_id)
        .where(BoothPlacement.edition_id == edition.id, Booth.status == Booth.Status.PUBLISHED)
    )


def edition_figures(edition: Edition) -> EditionFigures:
    """Exhibitors (published booths placed in the edition), their countries and products, and the
    programme's sessions: one round trip."""
    booth_ids = _published_booths_of(edition).scalar_subquery()
    row = db.session.execute(
        select(
            select(func.count(Booth.id)).where(Booth.id.in_(booth_ids)).scalar_subquery(),
            select(func.count(distinct(Booth.country))).where(Booth.id.in_(booth_ids)).scalar_subquery(),
            select(func.count(Product.id)).where(Product.booth_id.in_(booth_ids)).scalar_subquery(),
            select(func.count(ProgrammeSession.id))
            .join(Forum, Forum.id == ProgrammeSession.forum_id)
            .where(Forum.edition_id == edition.id)
            .scalar_subquery(),
        )
    ).one()
    return EditionFigures(*(value or 0 for value in row))


def featured_booths(edition: Edition, today: date, limit: int = FEATURED_BOOTHS) -> list[Booth]:
    """A round robin over the edition's published booths, those with a logo first: each day every
    booth moves up one place, so each takes the first place in turn, and a page reloaded the same
    day shows the same selection to everyone."""
    without_logo = ExhibitorCompany.logo_path.is_(None)
    placed = (
        select(
            BoothPlacement.booth_id.label("booth_id"),
            without_logo.label("without_logo"),
            func.row_number().over(partition_by=without_logo, order_by=BoothPlacement.booth_id).label("place"),
            func.count().over(partition_by=without_logo).label("booths"),
        )
        .join(Booth, Booth.id == BoothPlacement.booth_id)
        .join(ExhibitorCompany, ExhibitorCompany.id == Booth.company_id)
        .where(BoothPlacement.edition_id == edition.id, Booth.status == Booth.Status.PUBLISHED)
        .subquery()
    )
    ids = db.session.scalars(
        select(placed.c.booth_id)
        .order_by(placed.c.without_logo, (placed.c.place + today.toordinal()) % placed.c.booths)
        .limit(limit)
    ).all()
    return load_booths(ids)


def featured_products(booths: list[Booth], per_booth: int = PRODUCTS_PER_FEATURED_BOOTH) -> list[ProductCard]:
    """The first products with a picture of each featured booth, in the booths' order."""
    if not booths:
        return []
    with_picture = select(ProductImage.id).where(ProductImage.product_id == Product.id).exists()
    rows = db.session.execute(
        select(Product.id, Product.booth_id)
        .where(Product.booth_id.in_([booth.id for booth in booths]), with_picture)
        .order_by(Product.booth_id, Product.position, Product.id)
    )
    chosen: dict[int, list[int]] = {}
    for product_id, booth_id in rows:
        picked = chosen.setdefault(booth_id, [])
        if len(picked) < per_booth:
            picked.append(product_id)
    return product_cards([product_id for booth in booths for product_id in chosen.get(booth.id, [])])


def sessions_now_and_next(edition: Edition, now: datetime, limit: int = SESSIONS_SHOWN) -> list[SessionSlot]:
    """Sessions under way now, then the next to start, in the order they happen."""
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .join(Forum, Forum.id == ProgrammeSession.forum_id)
        .where(Forum.edition_id == edition.id, ProgrammeSession.ends_at > now)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        .options(selectinload(ProgrammeSession.forum))
        .limit(limit)
    ).all()
    return [SessionSlot(session, session.starts_at <= now) for session in sessions]


@dataclass(frozen=True)
class FrontDoor:
    """Everything the front door shows of the featured edition."""

    edition: Edition
    live: bool
    figures: EditionFigures
    pavilions: list[Pavilion]
    booths_by_pavilion: dict[int, int]
    booths: list[Booth]
    products: list[ProductCard]
    sessions: list[SessionSlot]


def front_door(edition: Edition, today: date, now: datetime) -> FrontDoor:
    booths = featured_booths(edition, today)
    return FrontDoor(
        edition=edition,
        live=edition.is_live_on(today),
        figures=edition_figures(edition),
        pavilions=hall_order(edition.pavilions),
        booths_by_pavilion=published_booths_by_pavilion(edition),
        booths=booths,
        products=featured_products(booths),
        sessions=sessions_now_and_next(edition, now),
    )
