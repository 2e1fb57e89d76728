"""Search as a buyer uses it: each result's supplier and how fast it replies, read for a whole page
at once, and relevance that puts products of the category (or sector) the words name first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from expo.booths.models import Booth
from expo.exhibition import services
from expo.exhibition.services import BOOTHS, SearchCriteria
from expo.extensions import db
from expo.leads import services as leads
from tests.search_helpers import add_products, found


def test_response_times_of_several_booths_match_each_booths_own_in_one_query(app, factory, exhibitor, monkeypatch):
    monkeypatch.setattr(leads, "RESPONSE_TIME_SAMPLE", 4)
    buyer = factory.user()
    quick, slow, silent, new = (exhibitor(name, "CN", slug=name.lower()) for name in ("Quick", "Slow", "Silent", "New"))
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    # Quick: its older inquiries took days, the latest four an hour or two (only they count).
    for index, hours in enumerate([72, 96, 1, 2, 1, 3]):
        created = start + timedelta(days=index)
        factory.inquiry(quick, buyer, created_at=created, first_response_at=created + timedelta(hours=hours))
    for index in range(3):
        created = start + timedelta(days=index)
        factory.inquiry(slow, buyer, created_at=created, first_response_at=created + timedelta(hours=30))
    factory.inquiry(slow, buyer, created_at=start + timedelta(days=5))  # still waiting
    factory.inquiry(silent, buyer, created_at=start)
    with app.app_context():
        times = leads.response_times([quick.id, slow.id, silent.id, new.id])
        for booth in (quick, slow, silent):
            assert times[booth.id] == leads.response_time(db.session.get(Booth, booth.id))
        assert new.id not in times
        assert times[quick.id].median == timedelta(hours=1, minutes=30) and times[quick.id].received == 4
        assert (times[slow.id].answered, times[slow.id].received) == (3, 4)
        assert times[silent.id].median is None
        assert leads.response_times([]) == {}


def test_result_cards_name_the_supplier_its_country_and_public_response_time(app, factory, exhibitor):
    buyer = factory.user()
    answering = exhibitor("Saigon Answers", "VN", slug="saigon")
    quiet = exhibitor("Bangkok Quiet", "TH", slug="bangkok")
    add_products(app, answering, {"name": "Durian paste"})
    add_products(app, quiet, {"name": "Durian chips"})
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for index in range(leads.RESPONSE_TIME_MIN_ANSWERED):
        created = start + timedelta(days=index)
        factory.inquiry(answering, buyer, created_at=created, first_response_at=created + timedelta(hours=4))
    for index in range(leads.RESPONSE_TIME_MIN_ANSWERED - 1):  # too few answered to be shown
        created = start + timedelta(days=index)
        factory.inquiry(quiet, buyer, created_at=created, first_response_at=created + timedelta(hours=1))
    with app.test_request_context():
        cards = {card.name: card.supplier for card in services.search(SearchCriteria(text="durian")).page.items}
    assert cards["Durian paste"] == services.CardSupplier("Saigon Answers", "VN", timedelta(hours=4))
    assert cards["Durian chips"] == services.CardSupplier("Bangkok Quiet", "TH", None)


def test_a_search_for_mask_lists_protective_masks_before_a_cosmetic_face_mask(app, factory, exhibitor):
    categories = factory.categories()
    spa = exhibitor("Chiang Mai Spa", "TH", slug="spa", sector="Health tourism")
    shield = exhibitor("Guangxi Shield", "CN", slug="shield", sector="Protective equipment")
    # Listed first, named for the word, the face mask would win on words alone.
    add_products(
        app,
        shield,
        {"name": "KN95 respirator", "category_id": categories["masks-respirators"]},
        {
            "name": "Medical surgical mask, type IIR",
            "category_id": categories["masks-respirators"],
            "description": "Ear loops and a nose bridge.",
        },
    )
    add_products(
        app,
        spa,
        {
            "name": "Tamarind clay face mask mask",
            "category_id": categories["herbal-medicine"],
            "description": "A cosmetic face mask for facials: clay mask with tamarind.",
        },
    )
    for text in ("mask", "masks", "Mask"):
        ranked = found(app, text=text)
        assert set(ranked[:2]) == {"KN95 respirator", "Medical surgical mask, type IIR"}, text
        assert ranked[2] == "Tamarind clay face mask mask", text
    # The category's Chinese name (口罩与呼吸器) finds the protective ones only.
    assert set(found(app, text="口罩")) == {"KN95 respirator", "Medical surgical mask, type IIR"}
    with app.test_request_context():
        assert services.matching_categories(services.parse_query("mask")) == {categories["masks-respirators"]}
        medical = services.matching_categories(services.parse_query("medical"))
        assert {categories[slug] for slug in ("medical-supplies", "masks-respirators", "dental-supplies")} <= medical
        assert categories["herbal-medicine"] not in medical


def test_a_booth_whose_sector_the_words_name_ranks_higher_and_so_do_its_products(app, exhibitor):
    trader = exhibitor("General Trading", "CN", slug="trader", sector="Import and export")
    coffee = exhibitor("Highland Beans", "CN", slug="beans", sector="Coffee")
    add_products(app, coffee, {"name": "Robusta beans", "description": "Roasted for espresso; good with coffee."})
    add_products(app, trader, {"name": "Coffee cups coffee coffee", "description": "Coffee cups."})
    assert found(app, text="coffee") == ["Robusta beans", "Coffee cups coffee coffee"]
    with app.app_context():
        db.session.get(Booth, trader.id).tagline = "Coffee coffee coffee"
        db.session.commit()
    assert found(app, text="coffee", kind=BOOTHS) == ["Highland Beans", "General Trading"]
    # The sectors are cached with the filter options: a company changing its sector is seen at once.
    with app.app_context():
        from expo.exhibitors.models import ExhibitorCompany

        db.session.scalar(db.select(ExhibitorCompany).where(ExhibitorCompany.name == "Highland Beans")).sector = "Tea"
        db.session.commit()
    assert found(app, text="coffee") == ["Coffee cups coffee coffee", "Robusta beans"]


def test_a_sector_named_in_another_language_ranks_its_booth_and_products_higher(app, exhibitor):
    """The sector is translated content: 咖啡 (or cà phê, without its accents) names the sector of a
    company that wrote "Coffee" and translated it, as "coffee" does."""
    trader = exhibitor("General Trading", "CN", slug="trader", sector="Import and export")
    coffee = exhibitor(
        "Highland Beans",
        "CN",
        slug="beans",
        sector="Coffee",
        company_translations={"zh": {"sector": "咖啡"}, "vi": {"sector": "Cà phê"}},
    )
    add_products(app, coffee, {"name": "Robusta beans 罗布斯塔 cà phê", "description": "咖啡豆"})
    add_products(app, trader, {"name": "咖啡杯 咖啡 咖啡 cà phê cà phê", "description": "咖啡杯"})
    assert found(app, text="咖啡") == ["Robusta beans 罗布斯塔 cà phê", "咖啡杯 咖啡 咖啡 cà phê cà phê"]
    assert found(app, text="ca phe") == ["Robusta beans 罗布斯塔 cà phê", "咖啡杯 咖啡 咖啡 cà phê cà phê"]
    with app.app_context():
        db.session.get(Booth, trader.id).tagline = "咖啡 咖啡 咖啡"
        db.session.commit()
    assert found(app, text="咖啡", kind=BOOTHS) == ["Highland Beans", "General Trading"]


def test_facets_count_each_country_and_top_category_without_their_own_filter(app, factory, exhibitor, monkeypatch):
    categories = factory.categories()
    hanoi = exhibitor("Hanoi Health", "VN", slug="hanoi")
    bangkok = exhibitor("Bangkok Foods", "TH", slug="bangkok")
    add_products(
        app,
        hanoi,
        {"name": "Mask A", "category_id": categories["masks-respirators"]},
        {"name": "Mask B", "category_id": categories["diagnostics"]},
        {"name": "Mask machine", "category_id": categories["production-machinery"]},
    )
    add_products(
        app,
        bangkok,
        {"name": "Mask C", "category_id": categories["masks-respirators"]},
        {"name": "Mask snack", "category_id": categories["processed-food"]},
        {"name": "Mask uncategorised"},
    )

    def facets(**criteria):
        with app.test_request_context():
            found = services.search(SearchCriteria(**criteria)).facets
            return (
                {code: (count.value, count.more) for code, count in found.countries},
                {category.slug: (count.value, count.more) for category, count in found.categories},
                found.sampled,
            )

    countries, tops, sampled = facets(text="mask")
    assert countries == {"VN": (3, False), "TH": (3, False)} and not sampled
    assert tops == {"medical-supplies": (3, False), "machinery": (1, False), "food-agriculture": (1, False)}
    # A country chosen: the category counts follow it, the country counts stay as they were.
    countries, tops, _ = facets(text="mask", country="TH")
    assert countries == {"VN": (3, False), "TH": (3, False)}
    assert tops == {"medical-supplies": (1, False), "food-agriculture": (1, False)}
    with app.app_context():
        from expo.exhibition.filter_options import filter_options

        medical = filter_options().category_descendants(categories["medical-supplies"])
    countries, tops, _ = facets(text="mask", category_ids=medical)
    assert countries == {"VN": (2, False), "TH": (1, False)} and tops["machinery"] == (1, False)
    # Booths are counted by country.
    countries, tops, _ = facets(text="mask", kind=BOOTHS)
    assert countries == {}  # no booth's own text holds "mask"
    countries, tops, _ = facets(kind=BOOTHS, category_ids=medical)
    assert countries == {"VN": (1, False), "TH": (1, False)} and tops == {}
    # Sorted by name rather than relevance, the counts are the same (from the matches found first,
    # not from the ranking), with a filter chosen too.
    assert facets(text="mask", sort=services.NAME)[:2] == facets(text="mask")[:2]
    assert facets(text="mask", country="TH", sort=services.NAME)[:2] == facets(text="mask", country="TH")[:2]
    assert (
        facets(text="mask", sort=services.MIN_ORDER, category_ids=medical)[:2]
        == facets(text="mask", category_ids=medical)[:2]
    )
    # Past the limit the counts are those of the first matches, and read "n+".
    monkeypatch.setattr(services, "RESULT_LIMIT", 4)
    countries, tops, sampled = facets(text="mask")
    assert sampled and sum(number for number, _more in countries.values()) == 5
    assert all(more for _number, more in countries.values())


def test_the_counts_beside_the_results_are_the_same_in_every_sort(app, factory, exhibitor, monkeypatch):
    """A sort other than relevance reads its first matches with their booth, category and languages,
    and the counts come from those rows: they must be what a relevance page shows."""
    categories = factory.categories()
    hanoi = exhibitor("Hanoi Health", "VN", slug="hanoi")
    bangkok = exhibitor("Bangkok Foods", "TH", slug="bangkok")
    add_products(
        app,
        hanoi,
        {"name": "Mask A", "category_id": categories["masks-respirators"], "min_order_quantity": 10},
        {"name": "Mask B", "category_id": categories["diagnostics"], "translations": {"th": {"name": "หน้ากาก บี"}}},
    )
    add_products(
        app,
        bangkok,
        {"name": "Mask C", "category_id": categories["masks-respirators"], "translations": {"zh": {"name": "口罩"}}},
        {"name": "Mask snack", "category_id": categories["processed-food"], "min_order_quantity": 500},
        {"name": "Rice snack", "category_id": categories["processed-food"]},
    )

    def counts_beside(**criteria):
        with app.test_request_context():
            shown = services.search(SearchCriteria(**criteria)).facets
            return (
                {code: (count.value, count.more) for code, count in shown.countries},
                {category.slug: (count.value, count.more) for category, count in shown.categories},
                {code: (count.value, count.more) for code, count in shown.languages},
            )

    by_relevance = counts_beside(text="mask")
    assert by_relevance == (
        {"VN": (2, False), "TH": (2, False)},
        {"medical-supplies": (3, False), "food-agriculture": (1, False)},
        {"en": (4, False), "th": (1, False), "zh": (1, False)},
    )
    for sort in (services.NEWEST, services.NAME, services.MIN_ORDER):
        assert counts_beside(text="mask", sort=sort) == by_relevance
    # Without words every product counts, whatever the sort; the order quantity narrows them all.
    assert counts_beside()[0] == {"VN": (2, False), "TH": (3, False)}
    assert counts_beside(sort=services.NAME, order_quantity=100)[0] == {"VN": (2, False), "TH": (2, False)}
    # Past the limit, every sort counts its first matches and says so ("n+").
    monkeypatch.setattr(services, "RESULT_LIMIT", 3)
    for sort in (services.RELEVANCE, services.NEWEST, services.NAME, services.MIN_ORDER):
        countries, _tops, languages = counts_beside(text="mask", sort=sort)
        assert sum(number for number, _more in countries.values()) == 4
        assert all(more for _number, more in (*countries.values(), *languages.values()))


def test_the_booth_counts_beside_the_results_are_the_same_in_every_sort(app, exhibitor, monkeypatch):
    """A relevance page of booths counts the booths it ranked on PostgreSQL (with their languages),
    a sort by name reads its first matches with a query: both must give the same counts."""
    exhibitor("Hanoi Health", "VN", slug="hanoi")
    exhibitor("Saigon Health", "VN", slug="saigon", company_translations={"th": {"name": "ไซง่อน เฮลท์"}})
    exhibitor("Bangkok Health", "TH", slug="bangkok")
    exhibitor("Bangkok Foods", "TH", slug="foods")

    def counts_beside(**criteria):
        with app.test_request_context():
            shown = services.search(SearchCriteria(kind=BOOTHS, text="health", **criteria)).facets
            return (
                {code: (count.value, count.more) for code, count in shown.countries},
                {code: count.value for code, count in shown.languages},
            )

    by_relevance = counts_beside()
    assert by_relevance[0] == {"VN": (2, False), "TH": (1, False)}
    assert by_relevance[1]["en"] == 3
    assert counts_beside(sort=services.NAME) == counts_beside(sort=services.NEWEST) == by_relevance
    # Past the limit, both count their first matches and say so ("n+").
    monkeypatch.setattr(services, "RESULT_LIMIT", 2)
    for sort in (services.RELEVANCE, services.NAME):
        countries, _languages = counts_beside(sort=sort)
        assert sum(number for number, _more in countries.values()) == 3
        assert all(more for _number, more in countries.values())
