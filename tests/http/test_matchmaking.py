"""Sourcing profiles, team offers and recommendations, through the pages and the worker's tasks."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from expo.extensions import db
from expo.matchmaking.models import BuyerProfile, Recommendation
from tests.conftest import count_queries, log_in, run_recorded_tasks


def _profile_form(tree, **fields):
    data = {
        "categories": [str(tree["masks-respirators"])],
        "hs_codes": "6307.90",
        "quantity": "200",
        "unit": "piece",
        "price_min": "0.30",
        "price_max": "0.50",
        "currency": "USD",
        "incoterms": ["CIF"],
        "delivery_countries": ["VN"],
        "languages": ["vi", "en"],
        "certifications": "CE",
        "note": "Hospital tender",
        "discoverable": "y",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _exhibitor(factory, categories, **offer):
    owner = factory.user(name="Mask maker")
    company = factory.company(owner=owner, name="Guangxi Masks", country="CN")
    booth = factory.booth(company)
    factory.product(
        booth,
        name="KN95 respirator",
        slug="kn95",
        category_id=categories["masks-respirators"],
        hs_code="6307.90",
        min_order_quantity=100,
        order_unit="piece",
        price_min=Decimal("0.40"),
        price_max=Decimal("0.60"),
        currency="USD",
    )
    return owner, company, booth


def test_a_buyer_saves_a_profile_and_sees_recommendations_with_reasons(app, factory, client):
    categories = factory.categories()
    owner, company, booth = _exhibitor(factory, categories)
    buyer = factory.user(name="Hanoi buyer", country="VN")
    log_in(client, owner)
    assert (
        client.post(
            f"/booths/{booth.slug}/offer",
            data={"export_markets": ["VN"], "incoterms": ["CIF"], "languages": ["vi"], "certifications": "CE"},
        ).status_code
        == 302
    )
    client.post("/logout")
    log_in(client, buyer)
    assert "Sourcing profile" in client.get("/my/sourcing-profile").get_data(as_text=True)
    response = client.post("/my/sourcing-profile", data=_profile_form(categories))
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/recommendations")
    run_recorded_tasks(app)
    page = client.get("/my/recommendations").get_data(as_text=True)
    assert "Guangxi Masks" in page
    assert "makes KN95 respirator you source" in page
    assert "minimum order 100 pieces below your 200 pieces" in page
    assert "ships CIF to Vietnam" in page
    assert "speaks Vietnamese" in page
    assert "100 / 100" in page
    assert "Request a meeting" in page and f'href="/booths/{booth.slug}"' in page
    assert f"/booths/{booth.slug}/products/kn95" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Guangxi Masks" in dashboard and "All recommendations and why" in dashboard


def test_reasons_are_worded_in_the_reader_s_language(app, factory, client):
    categories = factory.categories()
    _exhibitor(factory, categories)
    buyer = factory.user(language="zh")
    log_in(client, buyer)
    client.post("/my/sourcing-profile", data=_profile_form(categories))
    run_recorded_tasks(app)
    page = client.get("/my/recommendations").get_data(as_text=True)
    assert "生产您采购的KN95 respirator" in page


def test_bad_profile_input_is_refused_with_reasons_and_keeps_what_was_saved(app, factory, client):
    categories = factory.categories()
    buyer = factory.user()
    log_in(client, buyer)
    assert client.post("/my/sourcing-profile", data=_profile_form(categories)).status_code == 302
    for fields, message in (
        ({"hs_codes": "63a7"}, "is not an HS code"),
        ({"price_min": "5", "price_max": "1"}, "The highest target price is below the lowest."),
        ({"categories": None, "hs_codes": ""}, "Choose at least one category or give an HS code"),
        ({"quantity": "NaN"}, "Enter a whole number"),
        ({"incoterms": ["XYZ"]}, "is not a valid choice"),
        ({"languages": ["xx"]}, "is not a valid choice"),
    ):
        response = client.post("/my/sourcing-profile", data=_profile_form(categories, **fields))
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    with app.app_context():
        profile = db.session.get(BuyerProfile, buyer.id)
        assert profile.hs_codes == ["630790"] and profile.price_max == Decimal("0.50")


def test_profile_changes_are_recomputed_once_whatever_the_number_of_tasks(app, factory, client, recorded_tasks):
    categories = factory.categories()
    _exhibitor(factory, categories)
    buyer = factory.user()
    log_in(client, buyer)
    client.post("/my/sourcing-profile", data=_profile_form(categories))
    client.post("/my/sourcing-profile", data=_profile_form(categories, quantity="50"))
    names = [name for name, _args in recorded_tasks]
    assert names.count("matchmaking.recompute_buyer") == 2
    from worker.tasks import recompute_buyer_recommendations

    results = []
    for name, args in list(recorded_tasks):
        if name == "matchmaking.recompute_buyer":
            with app.app_context():
                results.append(recompute_buyer_recommendations.run(*args))
    assert results[0] == 1 and results[1] is None  # the second had been seen by the first
    with app.app_context():
        [reasons] = db.session.scalars(select(Recommendation.reasons)).all()
    assert ["moq_above", {"moq": 100, "quantity": 50, "unit": "piece"}] in reasons


def test_a_catalogue_change_recomputes_the_booth_s_recommendations(app, factory, client):
    categories = factory.categories()
    owner, company, booth = _exhibitor(factory, categories)
    buyer = factory.user()
    log_in(client, buyer)
    client.post(
        "/my/sourcing-profile", data=_profile_form(categories, categories=[str(categories["coffee-tea"])], hs_codes="")
    )
    run_recorded_tasks(app)
    assert "No exhibitor fits your profile yet" in client.get("/my/recommendations").get_data(as_text=True)
    client.post("/logout")
    log_in(client, owner)
    response = client.post(
        f"/booths/{booth.slug}/catalogue/new",
        data={
            "name": "Robusta coffee beans",
            "category": str(categories["coffee-tea"]),
            "order_unit": "kg",
            "currency": "USD",
            "availability": "in_stock",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    run_recorded_tasks(app)
    client.post("/logout")
    log_in(client, buyer)
    assert "makes Robusta coffee beans you source" in client.get("/my/recommendations").get_data(as_text=True)


def test_teams_see_only_buyers_who_chose_to_be_found(app, factory, client):
    categories = factory.categories()
    owner, company, booth = _exhibitor(factory, categories)
    open_buyer = factory.user(name="Open buyer", organisation="Saigon Hospital")
    private_buyer = factory.user(name="Private buyer")
    for user, discoverable in ((open_buyer, "y"), (private_buyer, None)):
        log_in(client, user)
        client.post("/my/sourcing-profile", data=_profile_form(categories, discoverable=discoverable))
        client.post("/logout")
    run_recorded_tasks(app)
    log_in(client, owner)
    page = client.get(f"/booths/{booth.slug}/buyers-who-fit").get_data(as_text=True)
    assert "Open buyer" in page and "Saigon Hospital" in page
    assert "sources KN95 respirator you make" in page
    assert "Private buyer" not in page
    # The private buyer still gets the recommendation of the exhibitor.
    client.post("/logout")
    log_in(client, private_buyer)
    assert "Guangxi Masks" in client.get("/my/recommendations").get_data(as_text=True)
    # Turning discovery off hides a buyer at once, before any recomputation.
    client.post("/logout")
    log_in(client, open_buyer)
    client.post("/my/sourcing-profile", data=_profile_form(categories, discoverable=None))
    client.post("/logout")
    log_in(client, owner)
    assert "Open buyer" not in client.get(f"/booths/{booth.slug}/buyers-who-fit").get_data(as_text=True)


def test_recommendation_pages_run_the_same_queries_whatever_their_length(app, factory, client):
    categories = factory.categories()
    buyer = factory.user()
    log_in(client, buyer)
    client.post("/my/sourcing-profile", data=_profile_form(categories))
    owner, _company, booth = _exhibitor(factory, categories)
    run_recorded_tasks(app)
    few = count_queries(app, client, "/my/recommendations")
    for n in range(5):
        other = factory.company(owner=factory.user(), name=f"Maker {n}")
        factory.product(factory.booth(other), category_id=categories["masks-respirators"])
    run_recorded_tasks(app)
    assert "Maker 4" in client.get("/my/recommendations").get_data(as_text=True)
    assert count_queries(app, client, "/my/recommendations") == few


def test_team_pages_are_the_team_s_own(app, factory, client):
    categories = factory.categories()
    owner, company, booth = _exhibitor(factory, categories)
    stranger = factory.user()
    log_in(client, stranger)
    assert client.get(f"/booths/{booth.slug}/offer").status_code == 404
    assert client.get(f"/booths/{booth.slug}/buyers-who-fit").status_code == 404
    assert client.post(f"/booths/{booth.slug}/offer", data={"incoterms": ["CIF"]}).status_code == 404


def test_an_offer_with_a_bad_value_is_refused(app, factory, client):
    categories = factory.categories()
    owner, company, booth = _exhibitor(factory, categories)
    log_in(client, owner)
    response = client.post(f"/booths/{booth.slug}/offer", data={"export_markets": ["ZZ"]})
    assert response.status_code == 400
    response = client.post(f"/booths/{booth.slug}/offer", data={"certifications": "x" * 80})
    assert response.status_code == 400 and "at most 60 characters" in response.get_data(as_text=True)


def test_a_booth_published_later_is_recommended_then(app, factory, client):
    from expo.booths.models import Booth

    categories = factory.categories()
    owner = factory.user()
    company = factory.company(owner=owner, name="Late Masks")
    booth = factory.booth(company, status=Booth.Status.SUBMITTED)
    factory.product(booth, name="FFP2 mask", category_id=categories["masks-respirators"])
    buyer = factory.user()
    log_in(client, buyer)
    client.post("/my/sourcing-profile", data=_profile_form(categories))
    run_recorded_tasks(app)
    assert "Late Masks" not in client.get("/my/recommendations").get_data(as_text=True)
    with app.app_context():  # as expo.booths.services.publish_booth leaves it
        db.session.get(Booth, booth.id).status = Booth.Status.PUBLISHED
        db.session.commit()
    run_recorded_tasks(app)
    assert "Late Masks" in client.get("/my/recommendations").get_data(as_text=True)
