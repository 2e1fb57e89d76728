"""Exhibition search finds what visitors look for, the same way on SQLite and PostgreSQL: words and
prefixes, stemming, Chinese, filters, sorts, pages and capped counts; never an unpublished booth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from expo.booths.models import Booth
from expo.exhibition import services
from expo.exhibition.filter_options import countries_with_booths, filter_options
from expo.exhibition.search_index import parse_query
from expo.exhibition.services import BOOTHS, MIN_ORDER, NAME, NEWEST, PRODUCTS, RELEVANCE, SearchCriteria
from expo.extensions import db
from tests.conftest import recorded_statements
from tests.search_helpers import add_products, found


def counts(app, **criteria) -> dict[str, tuple[int, bool]]:
    with app.test_request_context():
        results = services.search(SearchCriteria(**criteria))
        return {kind: (count.value, count.more) for kind, count in results.counts.items()}


def test_words_match_whole_stemmed_and_as_a_prefix_of_the_last_word(app, exhibitor):
    booth = exhibitor("Hanoi Protective Gear")
    add_products(
        app,
        booth,
        {"name": "Nitrile examination gloves"},
        {"name": "Surgical masks"},
        {"name": "Protective clothes", "description": "Coveralls for isolation wards."},
    )
    assert found(app, text="gloves") == ["Nitrile examination gloves"]
    assert found(app, text="GLOVE") == ["Nitrile examination gloves"]  # case and plural
    assert found(app, text="nitr") == ["Nitrile examination gloves"]  # still typing
    assert found(app, text="nitrile gloves") == ["Nitrile examination gloves"]  # every word
    assert found(app, text="nitrile masks") == []
    assert found(app, text="mask") == ["Surgical masks"]
    assert found(app, text="protective clothing") == ["Protective clothes"]  # clothing and clothes stem alike
    assert found(app, text="coverall") == ["Protective clothes"]  # the description counts
    assert len(found(app, text="hanoi")) == 3  # the company name counts


def test_accents_punctuation_and_stop_words_do_not_get_in_the_way(app, exhibitor):
    booth = exhibitor("Đà Lạt Coffee")
    add_products(
        app,
        booth,
        {"name": "Cà phê sữa đá", "specifications": [["Grade", "N95/KN95-ready"]]},
        {"name": "Melt-blown fabric"},
    )
    assert found(app, text="ca phe") == ["Cà phê sữa đá"]
    assert found(app, text="Cà Phê") == ["Cà phê sữa đá"]
    assert sorted(found(app, text="da lat")) == ["Cà phê sữa đá", "Melt-blown fabric"]  # the company's name
    assert found(app, text="kn95") == ["Cà phê sữa đá"]
    assert found(app, text="melt blown") == found(app, text="melt-blown") == ["Melt-blown fabric"]
    assert found(app, text="the fabric of") == ["Melt-blown fabric"]


def test_chinese_queries_find_chinese_text_and_the_chinese_category_names(app, exhibitor, factory):
    categories = factory.categories()
    booth = exhibitor("Nanning Trading", country="CN")
    add_products(
        app,
        booth,
        {"name": "越南咖啡豆", "category_id": categories["coffee-tea"]},
        {"name": "KN95 respirator", "category_id": categories["masks-respirators"]},
        {"name": "红茶"},
    )
    assert found(app, text="咖啡") == ["越南咖啡豆"]
    assert found(app, text="越南咖啡") == ["越南咖啡豆"]
    assert found(app, text="南咖") == ["越南咖啡豆"]  # any part of a run of characters
    assert found(app, text="咖啡豆子") == []  # every character pair must be there
    assert sorted(found(app, text="茶")) == ["红茶", "越南咖啡豆"]  # one character; 咖啡与茶叶 is the category
    assert found(app, text="口罩") == ["KN95 respirator"]  # "Masks and respirators" in Chinese
    assert found(app, text="口罩KN95") == ["KN95 respirator"]
    # The booth's country in Chinese and English.
    assert found(app, text="中国", kind=BOOTHS) == ["Nanning Trading"]
    assert found(app, text="china", kind=BOOTHS) == ["Nanning Trading"]


def test_hostile_input_never_fails_and_finds_what_its_words_say(app, exhibitor):
    booth = exhibitor("Safe Supplies")
    add_products(app, booth, {"name": "Durian paste"})
    hostile = [
        '"',
        "'",
        '"durian',
        "durian*",
        "*",
        "^durian",
        "NEAR(durian paste)",
        "durian AND OR NOT",
        "search_text:durian",
        "product_search:durian",
        "((durian",
        "durian))",
        ")(",
        "-durian",
        "+durian",
        "du:rian",
        "'; DROP TABLE products; --",
        "%",
        "_",
        "\\",
        "\x00durian",
        "durian" * 100,
        "🙂 durian",
        "a" * 5000,
        "<script>alert(1)</script>",
        "{durian}",
        "durian|paste",
        "!durian",
        "durian <-> paste",
        "durian & paste",
        "durian:*",
        "\u0e34",
        "ＤＵＲＩＡＮ",
    ]
    for text in hostile:
        with app.test_request_context():
            services.search(SearchCriteria(text=text))
            services.search(SearchCriteria(text=text, kind=BOOTHS, sort=NAME))
    assert found(app, text='"durian') == ["Durian paste"]
    assert found(app, text="((durian paste") == ["Durian paste"]
    assert found(app, text="NEAR(durian paste)") == []  # "near" is a word like any other
    assert found(app, text="product_search:durian") == []  # "product" and "search" are words too
    assert found(app, text="ＤＵＲＩＡＮ") == ["Durian paste"]


def test_a_query_of_nothing_searchable_finds_nothing_and_says_so(app, exhibitor):
    add_products(app, exhibitor("Any Co"), {"name": "Rice"})
    with app.test_request_context():
        results = services.search(SearchCriteria(text="the of !!!"))
    assert results.nothing_searchable and results.page.items == []
    assert parse_query("the of !!!") == []


def test_unpublished_booths_and_their_products_never_appear(app, exhibitor):
    for status in (Booth.Status.DRAFT, Booth.Status.SUBMITTED):
        add_products(app, exhibitor(f"Hidden {status} durian", status=status), {"name": f"Secret {status} durian"})
    suspended = exhibitor("Hidden suspended durian", status=Booth.Status.SUSPENDED, suspended_reason="Expired papers")
    add_products(app, suspended, {"name": "Secret suspended durian"})
    add_products(app, exhibitor("Open Durian Farm"), {"name": "Public durian"})
    for sort in (RELEVANCE, NEWEST, NAME, MIN_ORDER):
        assert found(app, text="durian", sort=sort) == ["Public durian"]
        assert "Secret" not in " ".join(found(app, sort=sort))
    assert found(app, text="durian", kind=BOOTHS) == ["Open Durian Farm"]
    assert found(app, kind=BOOTHS) == ["Open Durian Farm"]
    assert counts(app, text="durian") == {PRODUCTS: (1, False), BOOTHS: (1, False)}
    assert counts(app) == {PRODUCTS: (1, False), BOOTHS: (1, False)}


def test_filters_by_country_pavilion_edition_category_and_order_quantity(app, exhibitor, factory):
    categories = factory.categories()
    edition, other_edition = factory.edition(), factory.edition()
    health = factory.pavilion(edition, name="Public Health")
    food = factory.pavilion(edition, name="Food")
    elsewhere = factory.pavilion(other_edition, name="Food 2026")
    vietnam, thailand, china = (
        exhibitor("Saigon Health", "VN"),
        exhibitor("Bangkok Foods", "TH"),
        exhibitor("Guilin Tea", "CN"),
    )
    factory.placement(vietnam, health)
    factory.placement(thailand, food)
    factory.placement(china, elsewhere)
    add_products(
        app,
        vietnam,
        {"name": "Test kit", "category_id": categories["diagnostics"], "min_order_quantity": 500},
        {"name": "Face mask", "category_id": categories["masks-respirators"], "min_order_quantity": 50},
    )
    add_products(
        app,
        thailand,
        {"name": "Jasmine rice", "category_id": categories["rice-grains"], "min_order_quantity": 20},
        {"name": "Rice noodles", "category_id": categories["rice-grains"]},
    )
    add_products(app, china, {"name": "Oolong tea", "category_id": categories["coffee-tea"], "min_order_quantity": 100})

    def names(**criteria):
        return sorted(found(app, **criteria))

    assert names(country="VN") == ["Face mask", "Test kit"]
    assert names(pavilion_id=food.id) == ["Jasmine rice", "Rice noodles"]
    assert names(edition_id=edition.id) == ["Face mask", "Jasmine rice", "Rice noodles", "Test kit"]
    assert names(edition_id=other_edition.id) == ["Oolong tea"]
    medical = (categories["medical-supplies"], categories["diagnostics"], categories["masks-respirators"])
    assert names(category_ids=medical) == ["Face mask", "Test kit"]
    # With words: on PostgreSQL a branch as broad as the whole of medical supplies (9 categories
    # of 34), and the minimum order, are tested beside them rather than looked up in an index.
    with app.app_context():
        branch = filter_options().category_descendants(categories["medical-supplies"])
    assert len(branch) == 9
    assert names(category_ids=branch, text="mask") == ["Face mask"]
    assert names(category_ids=branch, text="test", order_quantity=1000) == ["Test kit"]
    assert names(category_ids=branch, text="test", order_quantity=100) == []
    assert names(category_ids=branch, text="rice") == []
    # "I want to order 100": minimum orders up to 100, and products that state none.
    assert names(order_quantity=100) == ["Face mask", "Jasmine rice", "Oolong tea", "Rice noodles"]
    assert names(order_quantity=100, country="TH", text="rice") == ["Jasmine rice", "Rice noodles"]
    assert names(order_quantity=30, pavilion_id=food.id, category_ids=(categories["rice-grains"],)) == [
        "Jasmine rice",
        "Rice noodles",
    ]
    assert names(country="VN", pavilion_id=food.id) == []
    # Booths are filtered by what they sell too.
    assert names(kind=BOOTHS, category_ids=medical) == ["Saigon Health"]
    assert names(kind=BOOTHS, order_quantity=60) == ["Bangkok Foods", "Saigon Health"]
    assert names(kind=BOOTHS, edition_id=edition.id, text="bangkok") == ["Bangkok Foods"]
    assert counts(app, country="TH") == {PRODUCTS: (2, False), BOOTHS: (1, False)}


def test_a_country_few_booths_stand_for_is_obeyed_as_its_booths_change(app, exhibitor):
    """One booth in five is Thai: on PostgreSQL a filter so few booths pass lists their ids, read
    once a transaction (services._few_passing_booths). A booth suspended or published since is
    obeyed by the next search."""
    for number in range(4):
        add_products(app, exhibitor(f"Saigon Rice {number}", "VN"), {"name": f"Vietnamese rice {number}"})
    bangkok = exhibitor("Bangkok Rice", "TH")
    add_products(app, bangkok, {"name": "Jasmine rice"}, {"name": "Rice crackers"})
    assert sorted(found(app, country="TH")) == ["Jasmine rice", "Rice crackers"]
    with recorded_statements(app) as statements:
        assert found(app, country="TH", text="jasmine") == ["Jasmine rice"]
    # A page of results with its counts reads the booths' list once (PostgreSQL) or never (SQLite).
    listed = [statement for statement in statements if statement.lstrip().startswith("SELECT booths.id")]
    assert len(listed) == (0 if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else 1)
    assert found(app, country="TH", text="rice", sort=NAME) == ["Jasmine rice", "Rice crackers"]
    with app.app_context():
        suspended = db.session.get(Booth, bangkok.id)
        suspended.status, suspended.suspended_reason = Booth.Status.SUSPENDED, "Counterfeit goods"
        db.session.commit()
    assert found(app, country="TH", text="rice") == []
    add_products(app, exhibitor("Chiang Mai Rice", "TH"), {"name": "Sticky rice"})
    assert found(app, country="TH", text="rice") == ["Sticky rice"]
    assert counts(app, country="TH", text="rice") == {PRODUCTS: (1, False), BOOTHS: (1, False)}


def test_each_sort(app, exhibitor, factory):
    booth = exhibitor("Sort Co")
    add_products(
        app,
        booth,
        {"name": "Banana chips", "min_order_quantity": 200, "description": "Crispy durian flavour too"},
        {"name": "Durian cake", "min_order_quantity": 50},
        {"name": "Apple juice"},
        {"name": "Durian durian paste", "min_order_quantity": 1000},
    )
    assert found(app, sort=NEWEST) == ["Durian durian paste", "Apple juice", "Durian cake", "Banana chips"]
    assert found(app) == found(app, sort=NEWEST)  # the default without words
    assert found(app, sort=NAME) == ["Apple juice", "Banana chips", "Durian cake", "Durian durian paste"]
    # Smallest minimum order first; products that state none last.
    assert found(app, sort=MIN_ORDER) == ["Durian cake", "Banana chips", "Durian durian paste", "Apple juice"]
    ranked = found(app, text="durian")
    assert ranked == found(app, text="durian", sort=RELEVANCE)  # the default with words
    # Named for it beats mentioned in passing.
    assert set(ranked) == {"Banana chips", "Durian cake", "Durian durian paste"}
    assert ranked[-1] == "Banana chips"
    assert found(app, text="durian", sort=NAME) == ["Banana chips", "Durian cake", "Durian durian paste"]
    # Booths: by company name, newest published first.
    now = datetime.now(UTC)
    exhibitor("Alpha Herbs", published_at=now - timedelta(days=3))
    exhibitor("Zeta Steel", published_at=now)
    assert found(app, kind=BOOTHS, sort=NAME) == ["Alpha Herbs", "Sort Co", "Zeta Steel"]
    assert found(app, kind=BOOTHS, sort=NEWEST)[:2] == ["Zeta Steel", "Alpha Herbs"]
    # A sort the tab does not offer falls back to the default.
    assert found(app, kind=BOOTHS, sort=MIN_ORDER) == found(app, kind=BOOTHS)


def test_a_product_named_for_the_words_ranks_above_descriptions_that_repeat_them(app, exhibitor):
    """Relevance reads the name: a description that says "durian" a dozen times does not push the
    durian cake (or the durian paste from Thailand) below a box of banana chips."""
    booth = exhibitor("Ranking Co", country="TH")
    add_products(
        app,
        booth,
        {"name": "Durian cake"},
        {"name": "Banana chips", "description": " ".join(["Durian flavour, durian aroma."] * 12)},
        {"name": "Durian paste", "description": "Made in Chanthaburi."},
        {"name": "Mixed fruit box", "description": "Durian, mango, durian again. " * 6},
    )
    ranked = found(app, text="durian")
    assert set(ranked[:2]) == {"Durian cake", "Durian paste"}
    assert set(ranked[2:]) == {"Banana chips", "Mixed fruit box"}
    # Words found apart: the name holding one of them still ranks first ("thailand" is the country).
    assert found(app, text="thailand durian")[:2] in (["Durian paste", "Durian cake"], ["Durian cake", "Durian paste"])


def test_pages_and_counts(app, exhibitor, monkeypatch):
    monkeypatch.setattr(services, "PER_PAGE", 4)
    booth = exhibitor("Paging Co")
    add_products(app, booth, *[{"name": f"Rice sample {n:02d}"} for n in range(10)])
    with app.test_request_context():
        first = services.search(SearchCriteria(text="rice", sort=NAME))
        third = services.search(SearchCriteria(text="rice", sort=NAME, page=3))
        beyond = services.search(SearchCriteria(text="rice", sort=NAME, page=99))
        assert [p.name for p in first.page.items] == [f"Rice sample {n:02d}" for n in range(4)]
        assert [p.name for p in third.page.items] == ["Rice sample 08", "Rice sample 09"]
        assert (first.page.pages, first.page.has_next, third.page.has_next) == (3, True, False)
        assert third.page.first_number == 9
        # A page past the end shows the last one.
        assert beyond.page.page == 3 and [p.name for p in beyond.page.items] == ["Rice sample 08", "Rice sample 09"]
        assert first.counts == {PRODUCTS: services.ResultCount(10), BOOTHS: services.ResultCount(0)}


def test_past_the_limit_counts_read_n_plus_and_every_sort_still_sees_every_match(app, exhibitor, monkeypatch):
    """The limits are lowered so a few rows stand for 100,000: counts stop, pages stop, and sorts
    other than relevance still order all matches (the newest, the A's) rather than the first found."""
    monkeypatch.setattr(services, "RESULT_LIMIT", 5)
    monkeypatch.setattr(services, "RECENT_WINDOW", 6)
    monkeypatch.setattr(services, "PER_PAGE", 2)
    booth = exhibitor("Volume Co")
    names = ["Mango K", "Mango C", "Mango A", "Mango J", "Mango B", "Mango I", "Mango H", "Mango D"]
    add_products(
        app, booth, *[{"name": name, "min_order_quantity": 10 * (index + 1)} for index, name in enumerate(names)]
    )
    with app.test_request_context():
        results = services.search(SearchCriteria(text="mango", sort=NAME))
        assert results.counts[PRODUCTS] == services.ResultCount(5, more=True)
        assert results.page.pages == 3  # 5 results shown at most, 2 a page
    assert found(app, text="mango", sort=NAME) == ["Mango A", "Mango B"]
    assert found(app, text="mango", sort=NAME, page=3) == ["Mango H"]
    assert found(app, text="mango", sort=NEWEST) == ["Mango D", "Mango H"]
    assert found(app, text="mango", sort=MIN_ORDER) == ["Mango K", "Mango C"]
    assert found(app, sort=NAME) == ["Mango A", "Mango B"]
    # Relevance ranks the newest matches (the newest 6 rows here): the two oldest never show.
    ranked = [name for page in (1, 2, 3) for name in found(app, text="mango", page=page)]
    assert len(ranked) == 5 and not {"Mango K", "Mango C"} & set(ranked)
    with app.test_request_context():
        assert services.search(SearchCriteria(text="mango", page=3)).at_the_limit


def test_past_the_limit_a_chinese_or_thai_phrase_sorted_by_name_still_needs_its_letters_together(
    app, exhibitor, monkeypatch
):
    """The other sorts over many matches of a phrase (口罩机: 口罩 then 罩机) take the rows holding
    its letter pairs anywhere in the sort's order, and keep those holding them together: a text
    with 口罩 and 罩机 apart never shows, however early it sorts."""
    monkeypatch.setattr(services, "RESULT_LIMIT", 3)
    monkeypatch.setattr(services, "PER_PAGE", 2)
    booth = exhibitor("Machine Co")
    names = ["E 口罩机", "A 口罩与罩机配件", "C 口罩机", "B 口罩机", "AB 罩机口罩", "D 口罩机"]
    add_products(app, booth, *[{"name": name, "min_order_quantity": 10 * (i + 1)} for i, name in enumerate(names)])
    assert found(app, text="口罩机", sort=NAME) == ["B 口罩机", "C 口罩机"]
    assert found(app, text="口罩机", sort=NAME, page=2) == ["D 口罩机"]  # the page at the limit
    assert found(app, text="口罩机", sort=NEWEST) == ["D 口罩机", "B 口罩机"]
    assert found(app, text="口罩机", sort=MIN_ORDER) == ["E 口罩机", "C 口罩机"]
    for name, tagline in [
        ("D Masks", "口罩机"),
        ("A Parts", "口罩 罩机"),
        ("C Masks", "口罩机"),
        ("B Masks", "口罩机"),
        ("E Masks", "口罩机"),
    ]:
        exhibitor(name, tagline=tagline)
    assert found(app, text="口罩机", kind=BOOTHS, sort=NAME) == ["B Masks", "C Masks"]
    # Thai: ถุงมือ (gloves) is ถุง, งมื, มือ in a row; ถุงเท้า มือ (socks, hand) holds them apart.
    add_products(app, booth, *[{"name": f"{letter} ถุงมือยาง"} for letter in "PQRS"], {"name": "O ถุงเท้า มือ งมื"})
    assert found(app, text="ถุงมือ", sort=NAME) == ["P ถุงมือยาง", "Q ถุงมือยาง"]


def test_relevance_fills_every_page_it_offers_when_the_newest_listings_hold_few_matches(app, exhibitor, monkeypatch):
    """More matches than the limit, but hardly any among the newest rows (a word common in the
    catalogue, rare in what was listed lately): every page the count offers still has results."""
    monkeypatch.setattr(services, "RESULT_LIMIT", 5)
    monkeypatch.setattr(services, "RECENT_WINDOW", 3)
    monkeypatch.setattr(services, "PER_PAGE", 2)
    booth = exhibitor("Old Mango Co")
    add_products(app, booth, *[{"name": f"Mango {letter}"} for letter in "ABCDEFGH"])
    add_products(app, booth, {"name": "Durian one"}, {"name": "Mango newest"}, {"name": "Durian two"})
    with app.test_request_context():
        results = services.search(SearchCriteria(text="mango"))
        assert results.counts[PRODUCTS] == services.ResultCount(5, more=True)
        assert results.page.pages == 3
    pages = [found(app, text="mango", page=page) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [2, 2, 1]
    shown = [name for page in pages for name in page]
    assert len(set(shown)) == 5 and "Mango newest" in shown
    with app.app_context():
        on_sqlite = db.engine.dialect.name == "sqlite"
    if on_sqlite:
        # SQLite ranks the newest RESULT_LIMIT + 1 matches of all in one statement (FTS5 weighs
        # each query's words over the whole index again in every statement that scores): the
        # freshest listings, the names holding the word first (the durians match by their
        # company's name).
        assert shown == ["Mango newest", "Mango H", "Mango G", "Mango F", "Durian two"]


def test_the_exhibitions_figures_count_published_booths_in_one_query_each(app, exhibitor, factory):
    edition = factory.edition()
    health, food, empty = (factory.pavilion(edition, name=name) for name in ("Health", "Food", "Empty"))
    for index in range(3):
        factory.placement(exhibitor(f"Health {index}"), health)
    factory.placement(exhibitor("Food open", "TH"), food)
    factory.placement(exhibitor("Food draft", "TH", status=Booth.Status.DRAFT), food)
    with app.app_context():
        from expo.editions.models import Edition

        loaded = db.session.get(Edition, edition.id)
        assert services.published_booths_by_pavilion(loaded) == {health.id: 3, food.id: 1}
        assert countries_with_booths() == [("VN", 3), ("TH", 1)]
        assert [booth.company.name for booth in services.newest_booths(limit=2)] == ["Food open", "Health 2"]


def test_relevance_with_filters_ranks_what_passes_them_as_the_search_without_them_would(
    app, exhibitor, factory, monkeypatch
):
    """With filters, PostgreSQL finds the newest listings' matches by intersecting indexes instead
    of walking the newest rows: the same products, in the same order, as the unfiltered search
    shows those passing the filters, among the newest listings and the older ones alike."""
    monkeypatch.setattr(services, "RECENT_WINDOW", 4)
    categories = factory.categories()
    edition = factory.edition()
    hall = factory.pavilion(edition, name="Fruit hall")
    thai, vietnamese = exhibitor("Chanthaburi Fruit", "TH"), exhibitor("Mekong Fruit", "VN")
    factory.placement(thai, hall)
    fruit = categories["processed-food"]
    add_products(
        app,
        thai,
        {"name": "Durian chips", "category_id": fruit, "min_order_quantity": 100},
        {"name": "Mangosteen", "description": "Sold beside our durian", "category_id": fruit},
        {"name": "Frozen durian", "category_id": fruit, "min_order_quantity": 5000},
    )
    add_products(app, vietnamese, {"name": "Durian paste", "category_id": fruit}, {"name": "Durian cake"})
    add_products(
        app,
        thai,
        {"name": "Durian candy", "category_id": fruit},
        {"name": "Jackfruit", "category_id": fruit},
        {"name": "Durian durian mousse", "category_id": fruit, "min_order_quantity": 20},
    )
    everything = found(app, text="durian")
    assert len(everything) == 7 and everything[-1] == "Mangosteen"  # named for it beats mentioned
    thai_names = {"Durian chips", "Mangosteen", "Frozen durian", "Durian candy", "Durian durian mousse"}
    in_thailand = [name for name in everything if name in thai_names]
    assert found(app, text="durian", country="TH") == in_thailand
    assert found(app, text="durian", country="TH", edition_id=edition.id) == in_thailand
    assert found(app, text="durian", pavilion_id=hall.id, order_quantity=100) == [
        name for name in in_thailand if name != "Frozen durian"
    ]
    assert found(app, text="durian", category_ids=(fruit,), language="en") == [
        name for name in everything if name != "Durian cake"
    ]


def test_a_chinese_word_counts_each_product_holding_it_once_alone_or_inside_a_longer_run(app, exhibitor, monkeypatch):
    """PostgreSQL reads first the rows holding the run itself, then those holding it as a phrase of
    its pairs inside a longer run: every match is counted, none twice."""
    shop = exhibitor("Nanning Trading", "CN", slug="nanning")
    add_products(app, shop, {"name": "医疗用品"}, {"name": "一次性医疗用品套装"}, {"name": "用品 医疗"})

    def products_counted(**criteria):
        with app.test_request_context():
            return services.search(SearchCriteria(text="医疗用品", **criteria)).counts[PRODUCTS]

    # The other tab's count, and a page by name, read the first matches.
    assert products_counted(kind=BOOTHS) == services.ResultCount(2)
    with app.test_request_context():
        named = services.search(SearchCriteria(text="医疗用品", sort=NAME)).page.items
    assert sorted(item.name for item in named) == ["一次性医疗用品套装", "医疗用品"]
    # By relevance with only the newest product recent: both matches are older ones.
    monkeypatch.setattr(services, "RECENT_WINDOW", 1)
    assert products_counted() == services.ResultCount(2)
    monkeypatch.setattr(services, "RESULT_LIMIT", 1)
    assert products_counted(kind=BOOTHS) == services.ResultCount(1, more=True)
