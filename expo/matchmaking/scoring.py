"""How well an exhibitor's offer fits a buyer's sourcing profile: a pure function, a score and reasons.

``score_match(needs, offer)`` answers ``None`` when nothing the exhibitor sells is what the buyer
sources (no product in a sourced category and none under a sourced HS code): everything else is
only worth a meeting once the goods match. Otherwise it answers a ``Match``: a score from 0 to 100,
the reasons (codes with their values, worded in the reader's language by ``expo.matchmaking.display``)
and the products that fit, best first.

The weights, which add up to 100:

=============  ======  =====================================================================
what           points  when
=============  ======  =====================================================================
goods              35  a product in a category the buyer sources (a parent category counts
                       for its subcategories)
HS code            10  a product under one of the buyer's HS codes (a code is a prefix: 4015
                       matches 4015.19); alone, without a category match, it scores 35 + 10
quantity           10  the fitting product's minimum order, in the buyer's unit, is at most
                       the quantity wanted (no minimum order at all: 5); above it: 0, and the
                       reason says so, because a buyer must know before asking for a meeting
price              15  the product's price range meets the buyer's target range, same currency
Incoterms          10  the team quotes one of the Incoterms the buyer buys on
delivery           10  the team exports to one of the buyer's delivery countries (or is there)
language            5  the team speaks a language the buyer speaks
certifications      5  the team holds the certifications the buyer needs, in proportion
=============  ======  =====================================================================

The goods dominate on purpose: two teams making the right product are told apart by terms
(quantity, price, Incoterms, delivery: 45 together) before the softer facts. The product whose
quantity and price fit best is the one named in the reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

WEIGHT_GOODS = 35
WEIGHT_HS_CODE = 10
WEIGHT_QUANTITY = 10
WEIGHT_QUANTITY_UNSTATED = 5
WEIGHT_PRICE = 15
WEIGHT_INCOTERMS = 10
WEIGHT_DELIVERY = 10
WEIGHT_LANGUAGE = 5
WEIGHT_CERTIFICATIONS = 5
MAX_PRODUCTS_NAMED = 3


@dataclass(frozen=True)
class Needs:
    """A buyer's sourcing profile, as plain values. ``category_ids`` already holds the
    subcategories of every category chosen; ``hs_codes`` are digits only."""

    category_ids: frozenset[int] = frozenset()
    hs_codes: tuple[str, ...] = ()
    quantity: int | None = None
    unit: str = "piece"
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str = "USD"
    incoterms: frozenset[str] = frozenset()
    delivery_countries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ProductFacts:
    id: int
    name: str
    category_id: int | None = None
    hs_code: str = ""  # digits only
    min_order_quantity: int | None = None
    order_unit: str = "piece"
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str = "USD"


@dataclass(frozen=True)
class Offer:
    """An exhibitor team's offer: its catalogue and what it says beside it."""

    company_id: int
    country: str | None = None
    products: tuple[ProductFacts, ...] = ()
    export_markets: frozenset[str] = frozenset()
    incoterms: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    """One reason, as a code and its values (JSON-safe), worded when shown."""

    code: str
    values: dict = field(default_factory=dict)

    def as_json(self) -> list:
        return [self.code, self.values]


@dataclass(frozen=True)
class Match:
    score: int
    reasons: tuple[Reason, ...]
    product_ids: tuple[int, ...]


def normalise_certification(name: str) -> str:
    """'iso 13485' and 'ISO13485' are the same certificate."""
    return "".join(name.split()).upper()


def _hs_matches(code: str, wanted: Iterable[str]) -> bool:
    return bool(code) and any(code.startswith(prefix) or prefix.startswith(code) for prefix in wanted if prefix)


def _quantity_points(product: ProductFacts, needs: Needs) -> int:
    if needs.quantity is None:
        return 0
    if product.min_order_quantity is None:
        return WEIGHT_QUANTITY_UNSTATED
    if product.order_unit != needs.unit:
        return 0
    return WEIGHT_QUANTITY if product.min_order_quantity <= needs.quantity else 0


def _price_fits(product: ProductFacts, needs: Needs) -> bool:
    if needs.price_min is None and needs.price_max is None:
        return False
    if product.price_min is None and product.price_max is None:
        return False
    if product.currency != needs.currency:
        return False
    low = product.price_min if product.price_min is not None else product.price_max
    high = product.price_max if product.price_max is not None else product.price_min
    wanted_low = needs.price_min if needs.price_min is not None else Decimal(0)
    wanted_high = needs.price_max
    return (wanted_high is None or low <= wanted_high) and high >= wanted_low


def _terms_points(product: ProductFacts, needs: Needs) -> int:
    return _quantity_points(product, needs) + (WEIGHT_PRICE if _price_fits(product, needs) else 0)


def score_match(needs: Needs, offer: Offer) -> Match | None:
    """The fit of ``offer`` for ``needs``; None when none of its goods are what the buyer sources."""
    by_category = [p for p in offer.products if p.category_id is not None and p.category_id in needs.category_ids]
    by_hs = [p for p in offer.products if _hs_matches(p.hs_code, needs.hs_codes)]
    fitting = {p.id: p for p in by_category + by_hs}
    if not fitting:
        return None
    category_ids = {p.id for p in by_category}
    hs_ids = {p.id for p in by_hs}
    # Best first: a product matching on both counts, then by how well its terms fit, then the catalogue order.
    ranked = sorted(
        fitting.values(), key=lambda p: (-((p.id in category_ids) + (p.id in hs_ids)), -_terms_points(p, needs), p.id)
    )
    best = ranked[0]
    score = WEIGHT_GOODS + (WEIGHT_HS_CODE if by_hs else 0)
    reasons = [Reason("goods", {"product": best.name})]
    if best.id in hs_ids:
        reasons.append(Reason("hs_code", {"code": best.hs_code}))
    elif by_hs:
        reasons.append(Reason("hs_code", {"code": by_hs[0].hs_code}))

    quantity_points = _quantity_points(best, needs)
    score += quantity_points
    if needs.quantity is not None and best.min_order_quantity is not None and best.order_unit == needs.unit:
        code = "moq_within" if quantity_points else "moq_above"
        reasons.append(Reason(code, {"moq": best.min_order_quantity, "quantity": needs.quantity, "unit": needs.unit}))
    if _price_fits(best, needs):
        score += WEIGHT_PRICE
        reasons.append(Reason("price", {}))

    incoterms = sorted(needs.incoterms & offer.incoterms)
    markets = set(offer.export_markets) | ({offer.country} if offer.country else set())
    countries = sorted(needs.delivery_countries & markets)
    if incoterms:
        score += WEIGHT_INCOTERMS
    if countries:
        score += WEIGHT_DELIVERY
    if incoterms and countries:
        reasons.append(Reason("ships", {"incoterm": incoterms[0], "country": countries[0]}))
    elif incoterms:
        reasons.append(Reason("incoterm", {"incoterm": incoterms[0]}))
    elif countries:
        reasons.append(Reason("exports_to", {"country": countries[0]}))

    languages = sorted(needs.languages & offer.languages)
    if languages:
        score += WEIGHT_LANGUAGE
        reasons.append(Reason("speaks", {"language": languages[0]}))

    if needs.certifications:
        held = {normalise_certification(c) for c in offer.certifications}
        wanted = sorted({normalise_certification(c) for c in needs.certifications})
        met = [c for c in wanted if c in held]
        score += round(WEIGHT_CERTIFICATIONS * len(met) / len(wanted))
        if met:
            reasons.append(Reason("certified", {"certifications": met}))
    return Match(
        score=min(score, 100), reasons=tuple(reasons), product_ids=tuple(p.id for p in ranked[:MAX_PRODUCTS_NAMED])
    )
