"""Visitors search the exhibition from any page and browse its front door: what they see, what
links keep, what bad input says, and that page cost does not grow with the results."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.extensions import db
from tests.conftest import count_queries


def text_of(response) -> str:
    """The page's visible text, in one line."""
    body = response.get_data(as_text=True)
    body = body[body.find("<main") : body.find("</main>")]
    body = re.sub(r"<(script|option)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def links(response, pattern: str) -> list[str]:
    return [
        unescape(href)
        for href in re.findall(r'href="([^"]+)"', response.get_data(as_text=True))
        if re.search(pattern, unescape(href))
    ]


def add_products(app, booth, *names: str, **fields) -> None:
    with app.app_context():
        db.session.add_all(
            [
                Product(booth_id=booth.id, slug=f"p-{booth.id}-{i}", name=name, position=i, **fields)
                for i, name in enumerate(names)
            ]
        )
        db.session.commit()


@pytest.fixture()
def hall(factory):
    """An edition live today with two pavilions, booths from two countries, one of them a draft."""
    today = date.today()
    edition = factory.edition(
        name="18th China-ASEAN Expo", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=2)
    )
    health = factory.pavilion(edition, name="Public Health", slug="public-health")
    food = factory.pavilion(edition, name="Food and Agriculture", slug="food", kind="themed")
    owner = factory.user()
    booths = {}
    for name, country, status in (
        ("Saigon Masks", "VN", Booth.Status.PUBLISHED),
        ("Hanoi Gloves", "VN", Booth.Status.PUBLISHED),
        ("Bangkok Durian", "TH", Booth.Status.PUBLISHED),
        ("Draft Durian", "TH", Booth.Status.DRAFT),
    ):
        booth = factory.booth(factory.company(owner=owner, name=name, country=country), status=status)
        booths[name] = booth
    factory.placement(booths["Saigon Masks"], health)
    factory.placement(booths["Hanoi Gloves"], health)
    factory.placement(booths["Bangkok Durian"], food)
    factory.placement(booths["Draft Durian"], food)
    return edition, health, food, booths


def test_every_page_has_a_search_box_that_lands_on_the_results(client, factory):
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<form[^>]+role="search"[^>]+method="get"[^>]+action="/search"', page)
    assert 'name="q"' in page


def test_results_show_tabs_with_counts_and_only_published_booths(app, client, hall):
    _edition, _health, _food, booths = hall
    add_products(app, booths["Bangkok Durian"], "Musang King durian", "Durian cake")
    add_products(app, booths["Draft Durian"], "Secret durian")
    response = client.get("/search?q=durian")
    page = text_of(response)
    assert "Products (2)" in page and "Booths (1)" in page
    assert "Musang King durian" in page and "Durian cake" in page and "Secret" not in page
    booths_tab = client.get(links(response, r"type=booths")[0])
    assert "Bangkok Durian" in text_of(booths_tab) and "Draft Durian" not in text_of(booths_tab)
    assert client.get("/search?type=booths&q=durian").status_code == 200


def test_the_form_shows_the_current_filters_and_links_keep_the_query(app, client, hall):
    _edition, health, _food, booths = hall
    add_products(app, booths["Saigon Masks"], "Surgical mask", "KN95 mask", min_order_quantity=100)
    response = client.get(f"/search?q=mask&country=VN&pavilion={health.id}&moq=500&sort=name")
    page = response.get_data(as_text=True)
    assert re.search(r'<input[^>]+name="q"[^>]+value="mask"', page)
    assert re.search(r'<option selected value="VN">', page) or re.search(r'<option value="VN" selected', page)
    assert re.search(rf'<option selected value="{health.id}">', page) or re.search(
        rf'<option value="{health.id}" selected', page
    )
    assert re.search(r'name="moq"[^>]*value="500"', page) or re.search(r'value="500"[^>]*name="moq"', page)
    assert "KN95 mask" in text_of(response) and "Surgical mask" in text_of(response)
    # The other tab keeps the words and filters, and drops the sort booths don't have.
    tab = links(response, r"type=booths")[0]
    args = parse_qs(urlsplit(tab).query)
    assert args["q"] == ["mask"] and args["country"] == ["VN"] and args["moq"] == ["500"] and args["sort"] == ["name"]
    min_order = client.get("/search?q=mask&sort=min_order")
    assert "sort" not in parse_qs(urlsplit(links(min_order, r"type=booths")[0]).query)
    # Clearing the filters keeps the words.
    clear = [href for href in links(response, r"^/search") if "country" not in href and "q=mask" in href]
    assert clear


def test_pages_link_to_the_next_with_the_search_kept(app, client, hall):
    booth = hall[3]["Bangkok Durian"]
    add_products(app, booth, *[f"Durian grade {n}" for n in range(30)])
    first = client.get("/search?q=durian&country=TH")
    assert "Results 1–24 of 30" in text_of(first) and "Page 1 of 2" in text_of(first)
    next_page = links(first, r"page=2")[0]
    assert parse_qs(urlsplit(next_page).query)["country"] == ["TH"]
    assert "Results 25–30 of 30" in text_of(client.get(next_page))


def test_bad_filters_are_explained_and_lose_nothing_else(app, client, hall):
    booth = hall[3]["Bangkok Durian"]
    add_products(app, booth, "Durian paste")
    response = client.get("/search?q=durian&moq=lots&pavilion=999999&country=ZZ&category=no-such&sort=upside-down")
    assert response.status_code == 200
    page = text_of(response)
    assert "Enter the quantity as a whole number, for example 100." in page
    assert page.count("This choice is no longer available; the search shows all instead.") == 4
    assert "Durian paste" in page  # the words still searched, the broken filters left out
    assert re.search(r'name="moq"[^>]*value="lots"', response.get_data(as_text=True))
    assert "Enter a quantity of at least 1." in text_of(client.get("/search?q=durian&moq=0"))


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "((", "a:b", "%00", "x" * 3000, "' OR 1=1 --", "the", "🙂"])
def test_hostile_queries_answer_a_page(client, query):
    assert client.get("/search", query_string={"q": query}).status_code == 200
    assert (
        client.get("/search", query_string={"q": query, "type": "booths", "sort": "name", "page": "-3"}).status_code
        == 200
    )


def test_a_query_with_a_nul_character_is_refused_with_the_reason(client):
    # The site refuses NUL in any address or form before a query (PostgreSQL text cannot hold it).
    response = client.get("/search", query_string={"q": "越南\x00"})
    assert response.status_code == 400
    assert "contains a NUL character" in response.get_data(as_text=True)


def test_a_long_query_is_cut_and_says_so(client):
    assert "Only the first 200 characters of your search were used." in text_of(client.get("/search?q=" + "rice " * 60))


def test_a_search_costs_the_same_queries_for_three_results_or_thirty(app, client, factory, hall):
    booth = hall[3]["Bangkok Durian"]
    add_products(app, booth, "Durian A", "Durian B", "Durian C")
    buyer = factory.user()
    factory.inquiry(booth, buyer)
    paths = [
        "/search?q=durian",
        "/search?q=durian&country=TH&sort=name&moq=10",
        "/search?type=booths&sort=name",
        "/search?q=durian&language=en&country=TH",
        "/search?type=booths&language=en",
    ]
    few = [count_queries(app, client, path) for path in paths]
    add_products(app, hall[3]["Saigon Masks"], *[f"Durian mask {n}" for n in range(27)])
    owner = factory.user()
    for number in range(5):
        other = factory.booth(factory.company(owner=owner, name=f"Durian House {number}", country="TH"))
        add_products(app, other, f"House durian {number}")
        factory.inquiry(other, buyer)
    factory.inquiry(hall[3]["Saigon Masks"], buyer)
    assert [count_queries(app, client, path) for path in paths] == few


def test_the_exhibition_shows_the_live_edition_its_pavilions_countries_and_newest_booths(app, client, hall):
    edition, health, food, _booths = hall
    response = client.get("/exhibition")
    page = text_of(response)
    assert "18th China-ASEAN Expo" in page and "Live now" in page
    assert re.search(r"Public Health\s+2 booths", page)
    assert re.search(r"Food and Agriculture\s+1 booth\b", page)  # the draft is not counted
    assert re.search(r"Vietnam\s+2 booths", page) and re.search(r"Thailand\s+1 booth\b", page)
    assert "Saigon Masks" in page and "Draft Durian" not in page
    assert links(response, rf"^/search\?.*pavilion={health.id}") and links(response, r"^/search\?.*country=VN")
    # The links find those booths.
    vietnam = client.get(links(response, r"^/search\?.*country=VN")[0])
    assert "Saigon Masks" in text_of(vietnam) and "Bangkok Durian" not in text_of(vietnam)


def test_the_exhibition_costs_the_same_queries_whatever_the_number_of_pavilions(app, client, factory, hall):
    edition = hall[0]
    before = count_queries(app, client, "/exhibition")
    for number in range(6):
        pavilion = factory.pavilion(edition, name=f"Extra {number}")
        company = factory.company(owner=factory.user(), name=f"Extra Co {number}", country="MY")
        factory.placement(factory.booth(company), pavilion)
    assert count_queries(app, client, "/exhibition") == before


def test_the_exhibition_before_any_edition_or_booth(client):
    page = text_of(client.get("/exhibition"))
    assert "The online exhibition" in page and "No booth is open yet." in page


@pytest.mark.parametrize("path", ["/", "/exhibition"])
def test_the_front_door_shows_key_figures_featured_booths_sessions_and_flagged_pavilions(
    app, client, factory, hall, path
):
    from datetime import datetime

    edition, _health, _food, booths = hall
    vietnam = factory.pavilion(edition, name="Pavilion of Vietnam", slug="country-vn", kind="country", country="VN")
    add_products(app, booths["Saigon Masks"], "KN95 respirator", "Surgical mask")
    forum = factory.forum(edition, title="Health Forum")
    now = datetime.now(UTC)
    factory.programme_session(forum, title="Opening plenary", starts_at=now - timedelta(minutes=20))
    factory.programme_session(forum, title="Dental care", starts_at=now + timedelta(hours=2))

    response = client.get(path)
    page = text_of(response)

    assert re.search(r"\b3 exhibitors 2 countries 2 products 2 sessions\b", page)  # the draft counts nowhere
    assert "Featured today" in page and "Saigon Masks" in page and "Draft Durian" not in page
    if path == "/":
        assert re.search(r"On now and next .*Live now .*Opening plenary .*Dental care", page)
    body = response.get_data(as_text=True)
    flag = re.search(r'<img class="expo-flag[^"]*" src="([^"]+)"', body)
    assert flag and re.search(r"/flag-icons/4x3/vn(\.[0-9a-f]+)?\.svg$", flag.group(1))  # fingerprinted static
    assert client.get(flag.group(1)).status_code == 200
    assert "Pavilion of Vietnam" in page and vietnam.slug


def test_product_results_show_the_supplier_its_country_response_time_and_a_contact_button(app, client, factory, hall):
    from datetime import datetime

    from expo.leads.services import RESPONSE_TIME_MIN_ANSWERED

    booth = hall[3]["Bangkok Durian"]
    add_products(app, booth, "Musang King durian")
    buyer = factory.user()
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for index in range(RESPONSE_TIME_MIN_ANSWERED):
        created = start + timedelta(days=index)
        factory.inquiry(booth, buyer, created_at=created, first_response_at=created + timedelta(hours=4))
    response = client.get("/search?q=musang")
    assert re.search(
        r"Musang King durian .*Bangkok Durian · Thailand Usually replies within 4 hours Contact supplier",
        text_of(response),
    )
    with app.app_context():
        product_id = db.session.scalar(db.select(Product.id).where(Product.name == "Musang King durian"))
    assert links(response, rf"^/booths/{booth.slug}$")
    contact = links(response, r"/inquire\?")
    assert contact == [f"/booths/{booth.slug}/inquire?product={product_id}"]
    # Signed out, the button leads to the log-in; signed in, to the form with the product chosen.
    assert "/login" in client.get(contact[0]).headers["Location"]
    from tests.conftest import log_in

    log_in(client, buyer)
    form = client.get(contact[0]).get_data(as_text=True)
    assert re.search(
        rf'<input[^>]*checked[^>]*value="{product_id}"|<input[^>]*value="{product_id}"[^>]*checked|'
        rf'<option[^>]*selected[^>]*value="{product_id}"|<option[^>]*value="{product_id}"[^>]*selected',
        form,
    )
    # A supplier with too few answered inquiries shows no response time.
    add_products(app, hall[3]["Saigon Masks"], "Musang durian mask")
    page = text_of(client.get("/search?q=musang"))
    assert "Saigon Masks · Vietnam Contact supplier" in page and page.count("Usually replies") == 1


def test_booth_and_product_pages_keep_their_cards_without_the_supplier(app, client, hall):
    booth = hall[3]["Bangkok Durian"]
    add_products(app, booth, "Musang King durian")
    page = text_of(client.get(f"/booths/{booth.slug}"))
    assert "Musang King durian" in page and "Contact supplier" not in page


def facet_text(response) -> str:
    body = response.get_data(as_text=True)
    aside = re.search(r'<aside class="[^"]*expo-facets.*?</aside>', body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", aside.group())).split()) if aside else ""


def test_counts_beside_the_results_narrow_the_search_when_followed(app, client, factory, hall):
    _edition, _health, _food, booths = hall
    categories = factory.categories()
    add_products(app, booths["Saigon Masks"], "Surgical mask", "KN95 mask", category_id=categories["masks-respirators"])
    add_products(app, booths["Hanoi Gloves"], "Mask gloves", category_id=categories["protective-equipment"])
    add_products(app, booths["Bangkok Durian"], "Durian face mask", category_id=categories["processed-food"])
    response = client.get("/search?q=mask&sort=name&page=1")
    facets = facet_text(response)
    assert re.search(r"^Country Vietnam 3 Thailand 1 Category Medical supplies 3 Food and agriculture 1$", facets)
    thailand = links(response, r"^/search\?.*country=TH")
    assert len(thailand) == 1
    args = parse_qs(urlsplit(thailand[0]).query)
    assert args == {"q": ["mask"], "sort": ["name"], "country": ["TH"]}  # the search kept, from page one
    chosen = client.get(thailand[0])
    assert "Durian face mask" in text_of(chosen) and "Surgical mask" not in text_of(chosen)
    # The chosen country is marked and can be let go; the other counts follow it.
    assert re.search(
        r"^Country All countries Vietnam 3 Thailand 1 Category Food and agriculture 1$", facet_text(chosen)
    )
    assert '<strong aria-current="true">Thailand</strong>' in chosen.get_data(as_text=True)
    medical = links(response, r"category=medical-supplies")
    narrowed = client.get(medical[0])
    assert "KN95 mask" in text_of(narrowed) and "Durian face mask" not in text_of(narrowed)
    assert "Vietnam 3" in facet_text(narrowed) and "Thailand" not in facet_text(narrowed)
    # In Chinese.
    chinese = facet_text(client.get("/search?q=mask", headers={"Accept-Language": "zh-CN"}))
    assert "越南" in chinese and "医疗用品" in chinese


def test_past_the_limit_the_counts_say_they_are_of_the_first_results(app, client, hall, monkeypatch):
    from expo.exhibition import services

    monkeypatch.setattr(services, "RESULT_LIMIT", 3)
    add_products(app, hall[3]["Bangkok Durian"], *[f"Durian {n}" for n in range(5)])
    facets = facet_text(client.get("/search?q=durian"))
    assert "Thailand 4+" in facets and "Counted among the first 3 results." in facets


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "1,000+"), ("vi", "1.000+"), ("id", "1.000+"), ("th", "1,000+"), ("zh", "1,000+")]
)
def test_a_count_is_written_as_the_viewer_s_language_writes_numbers(app, language, shown):
    from flask_babel import force_locale

    from expo.exhibition.routes import result_count
    from expo.exhibition.services import ResultCount

    with app.test_request_context("/"), force_locale(language):
        assert result_count(ResultCount(1000, more=True)) == shown
        assert result_count(1234) == shown.replace("000+", "234")


def test_no_counts_when_nothing_matches(client, hall):
    response = client.get("/search?q=zzzz")
    assert "No products match." in text_of(response) and facet_text(response) == ""
