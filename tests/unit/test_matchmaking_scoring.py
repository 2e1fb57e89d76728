"""The scoring function on fixed cases: points, reasons and the products named."""

from __future__ import annotations

from decimal import Decimal

from expo.matchmaking import scoring
from expo.matchmaking.scoring import Needs, Offer, ProductFacts, Reason, score_match

MASKS, GLOVES, COFFEE = 11, 12, 30

KN95 = ProductFacts(
    id=1,
    name="KN95 respirators",
    category_id=MASKS,
    hs_code="630790",
    min_order_quantity=100,
    order_unit="piece",
    price_min=Decimal("0.40"),
    price_max=Decimal("0.60"),
    currency="USD",
)
NITRILE = ProductFacts(
    id=2,
    name="Nitrile gloves",
    category_id=GLOVES,
    hs_code="401519",
    min_order_quantity=5000,
    order_unit="box",
    price_min=Decimal("3"),
    price_max=Decimal("4"),
    currency="USD",
)


def test_weights_add_up_to_one_hundred():
    assert (
        scoring.WEIGHT_GOODS
        + scoring.WEIGHT_HS_CODE
        + scoring.WEIGHT_QUANTITY
        + scoring.WEIGHT_PRICE
        + scoring.WEIGHT_INCOTERMS
        + scoring.WEIGHT_DELIVERY
        + scoring.WEIGHT_LANGUAGE
        + scoring.WEIGHT_CERTIFICATIONS
    ) == 100


def test_the_issue_s_example_scores_every_point_and_says_why():
    needs = Needs(
        category_ids=frozenset({MASKS}),
        hs_codes=("6307",),
        quantity=200,
        unit="piece",
        price_min=Decimal("0.30"),
        price_max=Decimal("0.50"),
        currency="USD",
        incoterms=frozenset({"CIF"}),
        delivery_countries=frozenset({"VN"}),
        languages=frozenset({"vi"}),
        certifications=frozenset({"CE"}),
    )
    offer = Offer(
        company_id=7,
        country="CN",
        products=(NITRILE, KN95),
        export_markets=frozenset({"VN", "TH"}),
        incoterms=frozenset({"FOB", "CIF"}),
        languages=frozenset({"zh", "vi", "en"}),
        certifications=frozenset({"ce", "ISO 13485"}),
    )
    match = score_match(needs, offer)
    assert match.score == 100
    assert match.product_ids == (1,)
    assert match.reasons == (
        Reason("goods", {"product": "KN95 respirators"}),
        Reason("hs_code", {"code": "630790"}),
        Reason("moq_within", {"moq": 100, "quantity": 200, "unit": "piece"}),
        Reason("price", {}),
        Reason("ships", {"incoterm": "CIF", "country": "VN"}),
        Reason("speaks", {"language": "vi"}),
        Reason("certified", {"certifications": ["CE"]}),
    )


def test_no_goods_in_common_is_no_match_whatever_the_terms():
    needs = Needs(category_ids=frozenset({COFFEE}), incoterms=frozenset({"CIF"}), languages=frozenset({"vi"}))
    offer = Offer(company_id=7, products=(KN95,), incoterms=frozenset({"CIF"}), languages=frozenset({"vi"}))
    assert score_match(needs, offer) is None


def test_a_minimum_order_above_the_quantity_wanted_scores_nothing_and_is_said():
    needs = Needs(category_ids=frozenset({GLOVES}), quantity=200, unit="box")
    match = score_match(needs, Offer(company_id=7, products=(NITRILE,)))
    assert match.score == scoring.WEIGHT_GOODS
    assert Reason("moq_above", {"moq": 5000, "quantity": 200, "unit": "box"}) in match.reasons


def test_an_hs_code_alone_finds_the_product_and_a_prefix_covers_the_codes_under_it():
    match = score_match(Needs(hs_codes=("4015",)), Offer(company_id=7, products=(KN95, NITRILE)))
    assert match.score == scoring.WEIGHT_GOODS + scoring.WEIGHT_HS_CODE
    assert match.product_ids == (2,)


def test_prices_in_another_currency_or_apart_do_not_count():
    euros = Needs(category_ids=frozenset({MASKS}), price_max=Decimal("1"), currency="EUR")
    assert score_match(euros, Offer(company_id=7, products=(KN95,))).score == scoring.WEIGHT_GOODS
    too_cheap = Needs(category_ids=frozenset({MASKS}), price_max=Decimal("0.10"), currency="USD")
    assert score_match(too_cheap, Offer(company_id=7, products=(KN95,))).score == scoring.WEIGHT_GOODS


def test_the_product_whose_terms_fit_best_is_the_one_named():
    cheap_small = ProductFacts(
        id=5,
        name="Surgical masks",
        category_id=MASKS,
        min_order_quantity=50,
        price_min=Decimal("0.05"),
        price_max=Decimal("0.08"),
    )
    needs = Needs(category_ids=frozenset({MASKS}), quantity=60, price_min=Decimal("0.05"), price_max=Decimal("0.10"))
    match = score_match(needs, Offer(company_id=7, products=(KN95, cheap_small)))
    assert match.product_ids == (5, 1)
    assert match.reasons[0] == Reason("goods", {"product": "Surgical masks"})


def test_delivery_alone_and_incoterm_alone_read_differently():
    needs = Needs(category_ids=frozenset({MASKS}), delivery_countries=frozenset({"TH"}), incoterms=frozenset({"DDP"}))
    exports = score_match(needs, Offer(company_id=7, country="TH", products=(KN95,)))
    assert Reason("exports_to", {"country": "TH"}) in exports.reasons
    assert exports.score == scoring.WEIGHT_GOODS + scoring.WEIGHT_DELIVERY
    quotes = score_match(needs, Offer(company_id=7, country="CN", products=(KN95,), incoterms=frozenset({"DDP"})))
    assert Reason("incoterm", {"incoterm": "DDP"}) in quotes.reasons


def test_certifications_count_in_proportion():
    needs = Needs(category_ids=frozenset({MASKS}), certifications=frozenset({"CE", "FDA", "ISO 13485", "GMP"}))
    match = score_match(needs, Offer(company_id=7, products=(KN95,), certifications=frozenset({"iso13485", "CE"})))
    assert match.score == scoring.WEIGHT_GOODS + 2  # round(5 * 2 / 4)
    assert Reason("certified", {"certifications": ["CE", "ISO13485"]}) in match.reasons
