"""Public reads: what anyone may see on the site's pages, for any program (no token, CORS open,
ETag and If-None-Match). A token changes nothing here: drafts stay invisible."""

from __future__ import annotations

from datetime import timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from expo.api import presenters
from expo.api.core import (
    ApiBlueprint,
    ApiProblem,
    decode_cursor,
    encode_cursor,
    found_or_404,
    keyset_page,
    moment_page,
    not_modified,
    public_headers,
    requested_language,
    unknown_cursor,
    with_etag,
)
from expo.api.schemas import (
    BoothListArgs,
    BoothPage,
    BoothSchema,
    CatalogueArgs,
    EditionPage,
    EditionSchema,
    ExhibitorPage,
    ForumPage,
    LanguageArgs,
    ListArgs,
    PavilionPage,
    ProductCardPage,
    ProductPage,
    ProductSchema,
    SearchArgs,
    SearchPageSchema,
    SessionListArgs,
    SessionPage,
    SpeakerPage,
)
from expo.booths.models import Booth, BoothPlacement
from expo.booths.services import find_booth
from expo.catalog import services as catalog
from expo.catalog.models import Product, ProductImage
from expo.editions.models import Edition, Pavilion
from expo.exhibition import services as exhibition
from expo.exhibition.filter_options import filter_options
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession, Speaker
from expo.leads.services import response_time
from expo.permissions import can_view_booth, can_view_edition

bp = ApiBlueprint("api_public", __name__, description="Public reads: no token needed.")
bp.after_request(public_headers)

NOT_MODIFIED = "The copy named by If-None-Match is current."


def _language(args: dict) -> str:
    return requested_language(args.get("lang"))


def _page(rows: list, cursor: str | None, args: dict, present) -> dict:
    """A page of records, each as ``present`` shows it in the language asked for."""
    language = _language(args)
    return {"items": [present(row, language) for row in rows], "next_cursor": cursor}


def _visible_edition(slug: str) -> Edition:
    edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
    if edition is None or not can_view_edition(None, edition):
        abort(404, _("There is no published edition with this slug."))
    return edition


def _visible_booth(slug: str) -> Booth:
    booth = find_booth(slug)
    if booth is None or not can_view_booth(None, booth):
        abort(404, _("There is no published booth with this slug."))
    return booth


# --- editions and their programme ------------------------------------------------------------------


@bp.route("/editions")
@bp.arguments(ListArgs, location="query")
@bp.response(200, EditionPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_editions(args):
    """Published and archived editions, newest first."""
    query = select(Edition).where(Edition.status != Edition.Status.DRAFT)
    rows, cursor = moment_page(query, Edition.starts_on, Edition.id, args, scalars=True)
    return _page(rows, cursor, args, presenters.edition)


@bp.route("/editions/<slug>")
@bp.arguments(LanguageArgs, location="query")
@bp.response(200, EditionSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
def show_edition(args, slug: str):
    return presenters.edition(_visible_edition(slug), _language(args))


@bp.route("/editions/<slug>/pavilions")
@bp.arguments(ListArgs, location="query")
@bp.response(200, PavilionPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_pavilions(args, slug: str):
    edition = _visible_edition(slug)
    rows, cursor = keyset_page(
        select(Pavilion).where(Pavilion.edition_id == edition.id),
        [Pavilion.position, Pavilion.id],
        args.get("cursor"),
        args["limit"],
    )
    return _page(rows, cursor, args, presenters.pavilion)


@bp.route("/editions/<slug>/forums")
@bp.arguments(ListArgs, location="query")
@bp.response(200, ForumPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_forums(args, slug: str):
    edition = _visible_edition(slug)
    query = select(Forum).where(Forum.edition_id == edition.id).options(joinedload(Forum.parent))
    rows, cursor = keyset_page(query, [Forum.position, Forum.id], args.get("cursor"), args["limit"])
    return _page(rows, cursor, args, presenters.forum)


@bp.route("/editions/<slug>/sessions")
@bp.arguments(SessionListArgs, location="query")
@bp.response(200, SessionPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_sessions(args, slug: str):
    """The programme in time order; `forum` narrows it to one forum's sessions."""
    edition = _visible_edition(slug)
    query = (
        select(ProgrammeSession)
        .join(Forum, Forum.id == ProgrammeSession.forum_id)
        .where(Forum.edition_id == edition.id)
        .options(joinedload(ProgrammeSession.forum), selectinload(ProgrammeSession.speakers))
    )
    if args.get("forum"):
        query = query.where(Forum.slug == args["forum"])
    rows, cursor = moment_page(
        query, ProgrammeSession.starts_at, ProgrammeSession.id, args, scalars=True, descending=False
    )
    return _page(rows, cursor, args, presenters.session)


@bp.route("/editions/<slug>/speakers")
@bp.arguments(ListArgs, location="query")
@bp.response(200, SpeakerPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_speakers(args, slug: str):
    edition = _visible_edition(slug)
    rows, cursor = keyset_page(
        select(Speaker).where(Speaker.edition_id == edition.id), [Speaker.id], args.get("cursor"), args["limit"]
    )
    return _page(rows, cursor, args, presenters.speaker)


# --- the online exhibition --------------------------------------------------------------------------


@bp.route("/exhibitors")
@bp.arguments(ListArgs, location="query")
@bp.response(200, ExhibitorPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_exhibitors(args):
    """Approved exhibitors with a published booth."""
    query = (
        select(ExhibitorCompany, Booth.slug)
        .join(Booth, Booth.company_id == ExhibitorCompany.id)
        .where(ExhibitorCompany.status == ExhibitorCompany.Status.APPROVED, Booth.status == Booth.Status.PUBLISHED)
    )
    rows, cursor = keyset_page(query, [ExhibitorCompany.id], args.get("cursor"), args["limit"], scalars=False)
    language = _language(args)
    return {
        "items": [presenters.exhibitor(company, language, booth_slug) for company, booth_slug in rows],
        "next_cursor": cursor,
    }


@bp.route("/booths")
@bp.arguments(BoothListArgs, location="query")
@bp.response(200, BoothPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_booths(args):
    """Published booths, in the order they opened."""
    query = select(Booth).where(Booth.status == Booth.Status.PUBLISHED).options(joinedload(Booth.company))
    if args.get("country"):
        query = query.where(Booth.country == args["country"])
    rows, cursor = keyset_page(query, [Booth.id], args.get("cursor"), args["limit"])
    return _page(rows, cursor, args, presenters.booth_summary)


@bp.route("/booths/<slug>")
@bp.arguments(LanguageArgs, location="query")
@bp.response(200, BoothSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
def show_booth(args, slug: str):
    booth = _visible_booth(slug)
    db.session.scalars(
        select(BoothPlacement)
        .where(BoothPlacement.booth_id == booth.id)
        .options(joinedload(BoothPlacement.edition), joinedload(BoothPlacement.pavilion))
    ).all()
    reply = response_time(booth)
    hours = round(reply.median / timedelta(hours=1), 1) if reply.is_public else None
    return presenters.booth(booth, _language(args), hours)


@bp.route("/booths/<slug>/products")
@bp.arguments(ListArgs, location="query")
@bp.response(200, ProductPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_booth_products(args, slug: str):
    """A booth's catalogue in the exhibitor's order."""
    booth = _visible_booth(slug)
    rows, cursor = keyset_page(
        catalog.booth_products_query(booth.id), [Product.position, Product.id], args.get("cursor"), args["limit"]
    )
    language = _language(args)
    return {"items": [presenters.product(row, language, booth_slug=booth.slug) for row in rows], "next_cursor": cursor}


@bp.route("/booths/<slug>/products/<product_slug>")
@bp.arguments(LanguageArgs, location="query")
@bp.response(200, ProductSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
def show_product(args, slug: str, product_slug: str):
    booth = _visible_booth(slug)
    product = found_or_404(catalog.find_product(booth.id, product_slug), _("This booth has no product with this slug."))
    return presenters.product(product, _language(args), booth_slug=booth.slug)


# --- search: the search page's filters, under the same names --------------------------------------------


def _criteria(args: dict, kind: str, text: str) -> exhibition.SearchCriteria:
    """The page's criteria; a filter naming nothing that exists is a 400 (the page drops it and says
    so beside the field; a program is better told)."""
    options = filter_options()
    errors = {}
    edition = pavilion_id = None
    category_ids: tuple[int, ...] = ()
    if args.get("edition"):
        edition = next((e for e in options.editions if e.slug == args["edition"]), None)
        if edition is None:
            errors["edition"] = [_("No published edition has this slug.")]
    if args.get("pavilion"):
        known = {p.id for e in options.editions for p in e.pavilions}
        if args["pavilion"] in known:
            pavilion_id = args["pavilion"]
        else:
            errors["pavilion"] = [_("No pavilion of a published edition has this id.")]
    if args.get("category"):
        category = next((c for c in options.categories if c.slug == args["category"]), None)
        if category is None:
            errors["category"] = [_("No category has this slug.")]
        else:
            category_ids = options.category_descendants(category.id)
    sort = args.get("sort") or ""
    if sort and sort not in exhibition.SORTS[kind]:
        errors["sort"] = [_("This sort is not offered for this type.")]
    if errors:
        raise ApiProblem(400, _("Some of what was sent is not valid; see errors."), kind="invalid-input", errors=errors)
    page = 1
    after = decode_cursor(args.get("cursor"), 1)
    if after is not None:
        if not isinstance(after[0], int) or not 1 <= after[0] <= exhibition.RESULT_LIMIT:
            raise unknown_cursor()
        page = after[0]
    return exhibition.SearchCriteria(
        text=text,
        kind=kind,
        country=args.get("country"),
        pavilion_id=pavilion_id,
        edition_id=edition.id if edition else None,
        category_ids=category_ids,
        order_quantity=args.get("moq"),
        sort=sort,
        page=page,
    )


def _validator(found: exhibition.Found, language: str) -> tuple:
    """Everything the page's body is made from, read without building it: the ids found and when
    they, their booths and their pictures last changed."""
    if not found.ids:
        versions = ()
    elif found.criteria.kind == exhibition.PRODUCTS:
        versions = tuple(
            db.session.execute(
                select(
                    func.max(Product.updated_at),
                    func.max(Booth.updated_at),
                    func.count(ProductImage.id),
                    func.max(ProductImage.id),
                )
                .select_from(Product)
                .join(Booth, Booth.id == Product.booth_id)
                .outerjoin(ProductImage, ProductImage.product_id == Product.id)
                .where(Product.id.in_(found.ids))
            ).one()
        )
    else:
        versions = tuple(db.session.execute(select(func.max(Booth.updated_at)).where(Booth.id.in_(found.ids))).one())
    counts = tuple((kind, count.value, count.more) for kind, count in sorted(found.counts.items()))
    return (language, found.criteria.kind, found.sort, found.page, counts, tuple(found.ids), versions)


def _product_cards(ids: list[int], language: str) -> list[dict]:
    # Without the cards' supplier (its response time costs a query the API does not show here: the
    # booth resource has it); the supplier's name comes with the texts instead.
    cards = exhibition.product_cards(ids)
    texts = {
        row.id: row
        for row in db.session.execute(
            select(
                Product.id,
                Product.source_language,
                Product.translations,
                Product.description,
                Product.specifications,
                ExhibitorCompany.name.label("supplier_name"),
                Booth.country.label("supplier_country"),
            )
            .join(Booth, Booth.id == Product.booth_id)
            .join(ExhibitorCompany, ExhibitorCompany.id == Booth.company_id)
            .where(Product.id.in_(ids))
        )
    }
    items = []
    for card in cards:
        text = texts[card.id]
        items.append(
            {
                **presenters.translated(
                    Product,
                    language,
                    source=text.source_language,
                    translations=text.translations or {},
                    values={"name": card.name, "description": text.description, "specifications": text.specifications},
                ),
                "id": card.id,
                "slug": card.slug,
                "booth_slug": card.booth.slug,
                "category": card.category.slug if card.category else None,
                "min_order_quantity": card.min_order_quantity,
                "order_unit": card.order_unit,
                "price_min": card.price_min,
                "price_max": card.price_max,
                "currency": card.currency,
                "availability": str(card.availability),
                "images": [presenters.image(picture.id, picture.alt_text) for picture in card.images],
                "supplier": {"name": text.supplier_name, "country": text.supplier_country},
            }
        )
    return items


def _next_cursor(found: exhibition.Found) -> str | None:
    return encode_cursor([found.page + 1]) if found.page < found.pages else None


@bp.route("/products")
@bp.arguments(CatalogueArgs, location="query")
@bp.response(200, ProductCardPage)
@bp.alt_response(304, description=NOT_MODIFIED)
def list_products(args):
    """Every published booth's products, newest first unless `sort` says otherwise, with the search
    page's filters. Pages of 24; past 1,000 products narrow the filters."""
    found = exhibition.find(_criteria(args, exhibition.PRODUCTS, ""))
    language = _language(args)
    unchanged = not_modified(_validator(found, language))
    if unchanged is not None:
        return unchanged
    return {"items": _product_cards(found.ids, language), "next_cursor": _next_cursor(found)}


@bp.route("/search")
@bp.arguments(SearchArgs, location="query")
@bp.response(200, SearchPageSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
def search(args):
    """The search page as data: the same words, filters, sorts and counts (counts stop at 1,000)."""
    kind = args["type"]
    found = exhibition.find(_criteria(args, kind, args["q"].strip()))
    language = _language(args)
    unchanged = not_modified(_validator(found, language))
    if unchanged is not None:
        return unchanged
    body = {
        "type": kind,
        "sort": found.sort,
        "next_cursor": _next_cursor(found),
        "counts": {name: {"value": count.value, "more": count.more} for name, count in found.counts.items()},
    }
    if kind == exhibition.PRODUCTS:
        body["products"] = _product_cards(found.ids, language)
    else:
        body["booths"] = [presenters.booth_summary(booth, language) for booth in exhibition.load_booths(found.ids)]
    return body


bp.after_request(with_etag)
