"""Sourcing profiles, team offers and the recommendations the worker computes from them.

Services take an explicit actor, flush and never commit. Whatever changes a fit marks the row it
belongs to stale in its own transaction (a buyer's profile; a team's offer, also when a product of
its booth or the booth itself changes) and queues a recomputation after the commit, delayed by
``MATCHMAKING_RECOMPUTE_DELAY`` seconds so that a burst of edits is computed once. The task clears
the flag with a conditional UPDATE and computes only if it was the one to clear it: duplicates and
repeats do nothing, and a change committed while a computation runs sets the flag again for the
task it queued.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from expo.accounts.models import User
from expo.background import enqueue_after_commit
from expo.booths.models import Booth
from expo.catalog import values
from expo.catalog.models import Product, ProductCategory
from expo.db_types import utcnow
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.leads.models import Incoterm
from expo.lib.rules import RuleBroken
from expo.matchmaking import scoring
from expo.matchmaking.models import MAX_NOTE_LENGTH, MIN_SCORE, BuyerProfile, Recommendation, TeamOffer
from expo.permissions import ensure, is_company_member

RECOMPUTE_BUYER_TASK = "matchmaking.recompute_buyer"
RECOMPUTE_COMPANY_TASK = "matchmaking.recompute_company"
RECOMPUTE_BOOTH_TASK = "matchmaking.recompute_booth"
MAX_LIST_ITEMS = 30
MAX_CERTIFICATION_LENGTH = 60
RECOMMENDATIONS_PER_PAGE = 20
_PENDING_BOOTHS_KEY = "expo.matchmaking.changed_booths"
# The product columns expo.matchmaking.services.offers reads.
MATCHED_PRODUCT_FIELDS = (
    "booth_id",
    "name",
    "slug",
    "category_id",
    "hs_code",
    "min_order_quantity",
    "order_unit",
    "price_min",
    "price_max",
    "currency",
    "availability",
)

# Languages people trade in, for "languages spoken": ISO 639-1 codes, named in the reader's language.
SPOKEN_LANGUAGES = (
    "zh",
    "en",
    "vi",
    "th",
    "id",
    "ms",
    "km",
    "lo",
    "my",
    "tl",
    "ja",
    "ko",
    "hi",
    "ar",
    "fr",
    "es",
    "de",
    "ru",
    "pt",
)


class MatchmakingError(RuleBroken):
    """A profile or offer that cannot be saved as given; the message is safe to show."""


@dataclass
class ProfileData:
    category_ids: list[int] = field(default_factory=list)
    hs_codes: list[str] = field(default_factory=list)
    quantity: int | None = None
    unit: str = "piece"
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str = "USD"
    incoterms: list[str] = field(default_factory=list)
    delivery_countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    note: str = ""
    discoverable: bool = False


@dataclass
class OfferData:
    export_markets: list[str] = field(default_factory=list)
    incoterms: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)


def parse_certifications(text: str) -> list[str]:
    """'CE, ISO 13485; FDA' -> ['CE', 'ISO 13485', 'FDA'] (commas, semicolons or lines between)."""
    items = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in {item.casefold() for item in items}:
            if len(name) > MAX_CERTIFICATION_LENGTH:
                raise MatchmakingError(
                    _("A certification name is at most %(count)s characters.", count=MAX_CERTIFICATION_LENGTH),
                    "certifications",
                )
            items.append(name)
    if len(items) > MAX_LIST_ITEMS:
        raise MatchmakingError(_("Name at most %(count)s certifications.", count=MAX_LIST_ITEMS), "certifications")
    return items


def parse_hs_codes(text: str) -> list[str]:
    """HS codes separated by commas or spaces; each 2 to 10 digits (a chapter or heading counts)."""
    codes = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        digits = "".join(ch for ch in part if ch not in ". ")
        if not digits.isascii() or not digits.isdigit() or not 2 <= len(digits) <= 10:
            raise MatchmakingError(
                _("“%(code)s” is not an HS code: use 2 to 10 digits, for example 4015 or 6307.90.", code=part[:20]),
                "hs_codes",
            )
        if digits not in codes:
            codes.append(digits)
    if len(codes) > MAX_LIST_ITEMS:
        raise MatchmakingError(_("Name at most %(count)s HS codes.", count=MAX_LIST_ITEMS), "hs_codes")
    return codes


# --- reading and saving profiles ---------------------------------------------------------------


def profile_of(user: User) -> BuyerProfile | None:
    return db.session.get(BuyerProfile, user.id)


def offer_of(company: ExhibitorCompany) -> TeamOffer | None:
    return db.session.get(TeamOffer, company.id)


def _check_lists(incoterms: Sequence[str], countries: Sequence[str], languages: Sequence[str]) -> None:
    from expo.i18n import country_choices

    if any(term not in set(Incoterm) for term in incoterms):
        raise MatchmakingError(_("Choose Incoterms from the list."), "incoterms")
    known = {code for code, _name in country_choices()}
    if any(code not in known for code in countries) or len(countries) > 60:
        raise MatchmakingError(_("Choose countries from the list."))
    if any(code not in SPOKEN_LANGUAGES for code in languages):
        raise MatchmakingError(_("Choose languages from the list."), "languages")


def save_buyer_profile(actor: User, data: ProfileData) -> BuyerProfile:
    """Create or replace the actor's own sourcing profile; recommendations follow after the commit."""
    ensure(actor is not None and actor.is_authenticated)
    known_categories = set(
        db.session.scalars(select(ProductCategory.id).where(ProductCategory.id.in_(data.category_ids or [0])))
    )
    if set(data.category_ids) - known_categories:
        raise MatchmakingError(_("Choose categories from the list."), "categories")
    if not data.category_ids and not data.hs_codes:
        raise MatchmakingError(
            _("Choose at least one category or give an HS code, so that we know what you source."), "categories"
        )
    if data.price_min is not None and data.price_max is not None and data.price_max < data.price_min:
        raise MatchmakingError(_("The highest target price is below the lowest."), "price_max")
    if data.currency not in values.currency_codes():
        raise MatchmakingError(_("Choose a currency from the list."), "currency")
    if data.unit not in values.ORDER_UNITS:
        raise MatchmakingError(_("Choose a unit from the list."), "unit")
    if len(data.note) > MAX_NOTE_LENGTH:
        raise MatchmakingError(_("Keep the note to %(count)s characters.", count=MAX_NOTE_LENGTH), "note")
    _check_lists(data.incoterms, data.delivery_countries, data.languages)
    profile = profile_of(actor) or BuyerProfile(user_id=actor.id)
    for name in (
        "category_ids",
        "hs_codes",
        "quantity",
        "unit",
        "price_min",
        "price_max",
        "currency",
        "incoterms",
        "delivery_countries",
        "languages",
        "certifications",
        "note",
        "discoverable",
    ):
        setattr(profile, name, getattr(data, name))
    profile.updated_at = utcnow()
    profile.stale = True
    db.session.add(profile)
    db.session.flush()
    _queue(RECOMPUTE_BUYER_TASK, actor.id)
    return profile


def save_team_offer(actor: User, company: ExhibitorCompany, data: OfferData) -> TeamOffer:
    """The team's additions to its catalogue; any member of the team may edit them."""
    ensure(is_company_member(actor, company))
    _check_lists(data.incoterms, data.export_markets, data.languages)
    offer = offer_of(company) or TeamOffer(company_id=company.id)
    offer.export_markets, offer.incoterms = list(data.export_markets), list(data.incoterms)
    offer.languages, offer.certifications = list(data.languages), list(data.certifications)
    offer.updated_at = utcnow()
    offer.stale = True
    db.session.add(offer)
    db.session.flush()
    _queue(RECOMPUTE_COMPANY_TASK, company.id)
    return offer


def _queue(task: str, row_id: int) -> None:
    enqueue_after_commit(task, row_id, countdown=current_app.config.get("MATCHMAKING_RECOMPUTE_DELAY", 5))


def _upsert_stale_offers(connection, company_ids: Sequence[int]) -> None:
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(TeamOffer.__table__).values(
        [
            {
                "company_id": company_id,
                "export_markets": [],
                "incoterms": [],
                "languages": [],
                "certifications": [],
                "updated_at": now,
                "stale": True,
            }
            for company_id in company_ids
        ]
    )
    connection.execute(statement.on_conflict_do_update(index_elements=["company_id"], set_={"stale": True}))


@event.listens_for(Session, "after_flush")
def _note_catalogue_changes(session: Session, _context) -> None:
    """A product added, changed or deleted (the editor, the import, the demo), or a booth changed
    (published, suspended), makes its team's recommendations stale: marked in the same transaction,
    one task per company per transaction, queued after the commit."""
    # Only what a match reads counts: a new picture or the search text changes no recommendation.
    changed = [
        obj
        for obj in session.dirty
        if isinstance(obj, Product)
        and any(inspect(obj).attrs[name].history.has_changes() for name in MATCHED_PRODUCT_FIELDS)
    ]
    booths = {
        obj.booth_id
        for obj in (*session.new, *changed, *session.deleted)
        if isinstance(obj, Product) and obj.booth_id is not None
    }
    booths |= {
        obj.id for obj in session.dirty if isinstance(obj, Booth) and inspect(obj).attrs.status.history.has_changes()
    }
    queued = session.info.setdefault(_PENDING_BOOTHS_KEY, set())
    booths -= queued
    if not booths:
        return
    queued.update(booths)
    connection = session.connection()
    company_ids = sorted(
        set(connection.execute(select(Booth.company_id).where(Booth.id.in_(sorted(booths)))).scalars())
    )
    if not company_ids:
        return
    _upsert_stale_offers(connection, company_ids)
    for company_id in company_ids:
        enqueue_after_commit(
            RECOMPUTE_COMPANY_TASK, company_id, countdown=current_app.config.get("MATCHMAKING_RECOMPUTE_DELAY", 5)
        )


@event.listens_for(Session, "after_transaction_end")
def _forget_catalogue_changes(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING_BOOTHS_KEY, None)


# --- computing -----------------------------------------------------------------------------------


def expanded_categories(category_ids: Iterable[int]) -> frozenset[int]:
    """The categories chosen and every subcategory under them (the tree is two levels deep)."""
    chosen = set(category_ids)
    if not chosen:
        return frozenset()
    children = db.session.scalars(select(ProductCategory.id).where(ProductCategory.parent_id.in_(chosen)))
    return frozenset(chosen | set(children))


def needs_of(profile: BuyerProfile) -> scoring.Needs:
    return scoring.Needs(
        category_ids=expanded_categories(profile.category_ids),
        hs_codes=tuple(profile.hs_codes),
        quantity=profile.quantity,
        unit=profile.unit,
        price_min=profile.price_min,
        price_max=profile.price_max,
        currency=profile.currency,
        incoterms=frozenset(profile.incoterms),
        delivery_countries=frozenset(profile.delivery_countries),
        languages=frozenset(profile.languages),
        certifications=frozenset(profile.certifications),
    )


def offers(company_ids: Sequence[int] | None = None) -> list[scoring.Offer]:
    """The offers of approved companies with a published booth (or of ``company_ids`` among them):
    three queries whatever their number."""
    query = (
        select(Booth.id, Booth.company_id, ExhibitorCompany.country)
        .join(ExhibitorCompany, ExhibitorCompany.id == Booth.company_id)
        .where(Booth.status == Booth.Status.PUBLISHED, ExhibitorCompany.status == ExhibitorCompany.Status.APPROVED)
    )
    if company_ids is not None:
        query = query.where(Booth.company_id.in_(list(company_ids)))
    booths = {booth_id: (company_id, country) for booth_id, company_id, country in db.session.execute(query)}
    if not booths:
        return []
    products: dict[int, list[scoring.ProductFacts]] = {booth_id: [] for booth_id in booths}
    rows = db.session.execute(
        select(
            Product.id,
            Product.booth_id,
            Product.name,
            Product.slug,
            Product.category_id,
            Product.hs_code,
            Product.min_order_quantity,
            Product.order_unit,
            Product.price_min,
            Product.price_max,
            Product.currency,
        )
        .where(Product.booth_id.in_(list(booths)), Product.availability != Product.Availability.OUT_OF_STOCK)
        .order_by(Product.booth_id, Product.position, Product.id)
    )
    for row in rows:
        products[row.booth_id].append(
            scoring.ProductFacts(
                id=row.id,
                name=f"{row.slug}\x1f{row.name}",
                category_id=row.category_id,
                hs_code="".join(ch for ch in (row.hs_code or "") if ch.isdigit()),
                min_order_quantity=row.min_order_quantity,
                order_unit=row.order_unit,
                price_min=row.price_min,
                price_max=row.price_max,
                currency=row.currency,
            )
        )
    extras = {
        offer.company_id: offer
        for offer in db.session.scalars(
            select(TeamOffer).where(TeamOffer.company_id.in_([company for company, _c in booths.values()]))
        )
    }
    result = []
    for booth_id, (company_id, country) in booths.items():
        extra = extras.get(company_id)
        result.append(
            scoring.Offer(
                company_id=company_id,
                country=country,
                products=tuple(products[booth_id]),
                export_markets=frozenset(extra.export_markets if extra else ()),
                incoterms=frozenset(extra.incoterms if extra else ()),
                languages=frozenset(extra.languages if extra else ()),
                certifications=frozenset(extra.certifications if extra else ()),
            )
        )
    return result


def _row(buyer_id: int, match: scoring.Match, offer: scoring.Offer, now: datetime) -> dict:
    # Product names were carried as "slug\x1fname": the page links each one without another query.
    named = {p.id: p.name.split("\x1f", 1) for p in offer.products}
    reasons = []
    for reason in match.reasons:
        values_ = dict(reason.values)
        if "product" in values_:
            values_["product"] = values_["product"].split("\x1f", 1)[-1]
        reasons.append([reason.code, values_])
    return {
        "buyer_id": buyer_id,
        "company_id": offer.company_id,
        "score": match.score,
        "reasons": reasons,
        "product_ids": [[pid, *named[pid]] for pid in match.product_ids],
        "computed_at": now,
    }


def _claim(model, key_column, key: int) -> bool:
    """Clear the row's stale flag; True if this computation is the one that cleared it."""
    claimed = db.session.execute(
        update(model)
        .where(key_column == key, model.stale.is_(True))
        .values(stale=False, computed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def recompute_for_buyer(user_id: int) -> int | None:
    """Replace the buyer's recommendations; None if the profile is gone or nothing changed since."""
    if not _claim(BuyerProfile, BuyerProfile.user_id, user_id):
        return None
    profile = db.session.get(BuyerProfile, user_id)
    db.session.refresh(profile)
    needs = needs_of(profile)
    now = utcnow()
    rows = []
    for offer in offers():
        match = scoring.score_match(needs, offer)
        if match is not None and match.score >= MIN_SCORE:
            rows.append(_row(user_id, match, offer, now))
    db.session.execute(delete(Recommendation).where(Recommendation.buyer_id == user_id))
    if rows:
        db.session.execute(Recommendation.__table__.insert(), rows)
    return len(rows)


def recompute_for_company(company_id: int) -> int | None:
    """Replace every buyer's recommendation of this company (its offer, catalogue or booth changed);
    None if nothing changed since the last computation."""
    if not _claim(TeamOffer, TeamOffer.company_id, company_id):
        return None
    found = offers([company_id])
    db.session.execute(delete(Recommendation).where(Recommendation.company_id == company_id))
    if not found:
        return 0  # no published booth: recommended to nobody
    offer = found[0]
    now = utcnow()
    rows = []
    for profile in db.session.scalars(select(BuyerProfile)):
        match = scoring.score_match(needs_of(profile), offer)
        if match is not None and match.score >= MIN_SCORE:
            rows.append(_row(profile.user_id, match, offer, now))
    if rows:
        db.session.execute(Recommendation.__table__.insert(), rows)
    return len(rows)


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a list read in one query: a row more than shown says whether a next page exists."""

    rows: list
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def _page(query, page: int, per_page: int = RECOMMENDATIONS_PER_PAGE) -> Page:
    rows = list(db.session.execute(query.limit(per_page + 1).offset((page - 1) * per_page)))
    return Page(rows=rows[:per_page], number=page, has_next=len(rows) > per_page)


def recommended_exhibitors(user: User, page: int):
    """The buyer's recommendations, best first, with each company and its booth: one query a page."""
    query = (
        select(Recommendation, ExhibitorCompany, Booth)
        .join(ExhibitorCompany, ExhibitorCompany.id == Recommendation.company_id)
        .join(Booth, Booth.company_id == Recommendation.company_id)
        .where(Recommendation.buyer_id == user.id, Booth.status == Booth.Status.PUBLISHED)
        .order_by(Recommendation.score.desc(), Recommendation.company_id)
    )
    return _page(query, page)


def buyers_who_fit(company: ExhibitorCompany, page: int):
    """Buyers for a team, best first: only those whose profile says they may be found."""
    query = (
        select(Recommendation, User, BuyerProfile)
        .join(BuyerProfile, BuyerProfile.user_id == Recommendation.buyer_id)
        .join(User, User.id == Recommendation.buyer_id)
        .where(
            Recommendation.company_id == company.id, BuyerProfile.discoverable.is_(True), User.is_disabled.is_(False)
        )
        .order_by(Recommendation.score.desc(), Recommendation.buyer_id)
    )
    return _page(query, page)


def top_recommendations(user: User, limit: int = 3) -> list:
    """For the dashboard card: the buyer's best few."""
    return list(
        db.session.execute(
            select(Recommendation, ExhibitorCompany, Booth)
            .join(ExhibitorCompany, ExhibitorCompany.id == Recommendation.company_id)
            .join(Booth, Booth.company_id == Recommendation.company_id)
            .where(Recommendation.buyer_id == user.id, Booth.status == Booth.Status.PUBLISHED)
            .order_by(Recommendation.score.desc(), Recommendation.company_id)
            .limit(limit)
        )
    )
