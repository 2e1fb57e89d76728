"""The API's public reads: editions, programme, exhibitors, booths, products and search; problem
details, cursors, ETags and CORS."""

from __future__ import annotations

import pytest

from tests.conftest import log_in

PROBLEM = "application/problem+json"


@pytest.fixture()
def expo(factory):
    edition = factory.edition(
        slug="caexpo-2027", name="China-ASEAN Expo 2027", translations={"zh": {"name": "2027 中国—东盟博览会"}}
    )
    draft = factory.edition(slug="draft-edition", status="draft")
    pavilion = factory.pavilion(edition, slug="vietnam", name="Vietnam", kind="country", country="VN")
    forum = factory.forum(edition, slug="digital-trade", title="Digital trade forum")
    speaker = factory.speaker(edition, name="Nguyen Van An")
    session = factory.programme_session(forum, title="Cross-border payments")
    owner = factory.user(name="Owner")
    company = factory.company(owner=owner, name="Hanoi Coffee Co", slug="hanoi-coffee", country="VN")
    booth = factory.booth(
        company, tagline="Robusta from the highlands", translations={"zh": {"tagline": "高原罗布斯塔咖啡"}}
    )
    factory.placement(booth, pavilion, stand="A-12")
    products = [
        factory.product(
            booth,
            slug=f"coffee-{n}",
            name=f"Coffee blend {n}",
            position=n,
            translations={"zh": {"name": f"咖啡 {n}"}} if n == 0 else {},
        )
        for n in range(5)
    ]
    hidden_company = factory.company(owner=factory.user(), name="Hidden Co", slug="hidden-co")
    factory.booth(hidden_company, status="draft")
    return {
        "edition": edition,
        "draft": draft,
        "pavilion": pavilion,
        "forum": forum,
        "session": session,
        "speaker": speaker,
        "booth": booth,
        "products": products,
        "owner": owner,
    }


def test_editions_list_is_public_and_hides_drafts(client, expo):
    response = client.get("/api/v1/editions")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    slugs = [item["slug"] for item in response.get_json()["items"]]
    assert slugs == ["caexpo-2027"]
    assert client.get("/api/v1/editions/draft-edition").status_code == 404


def test_translated_fields_follow_lang_then_accept_language(client, expo):
    item = client.get("/api/v1/editions/caexpo-2027?lang=zh").get_json()
    assert item["name"] == "2027 中国—东盟博览会"
    assert item["translations"]["en"]["name"] == "China-ASEAN Expo 2027"
    assert item["translations"]["zh"]["name"] == "2027 中国—东盟博览会"
    item = client.get("/api/v1/editions/caexpo-2027", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_json()
    assert item["name"] == "2027 中国—东盟博览会" and item["language"] == "zh"
    # A language nobody wrote it in: the source language's text.
    item = client.get("/api/v1/editions/caexpo-2027?lang=th").get_json()
    assert item["name"] == "China-ASEAN Expo 2027"


def test_programme_reads(client, expo):
    assert [p["slug"] for p in client.get("/api/v1/editions/caexpo-2027/pavilions").get_json()["items"]] == ["vietnam"]
    assert [f["slug"] for f in client.get("/api/v1/editions/caexpo-2027/forums").get_json()["items"]] == [
        "digital-trade"
    ]
    sessions = client.get("/api/v1/editions/caexpo-2027/sessions?forum=digital-trade").get_json()["items"]
    assert [s["title"] for s in sessions] == ["Cross-border payments"]
    speakers = client.get("/api/v1/editions/caexpo-2027/speakers").get_json()["items"]
    assert [s["name"] for s in speakers] == ["Nguyen Van An"]


def test_booths_and_exhibitors_are_published_ones_only(client, expo):
    booths = client.get("/api/v1/booths").get_json()["items"]
    assert [b["slug"] for b in booths] == ["hanoi-coffee"]
    assert client.get("/api/v1/booths/hidden-co").status_code == 404
    exhibitors = client.get("/api/v1/exhibitors").get_json()["items"]
    assert [e["slug"] for e in exhibitors] == ["hanoi-coffee"]
    booth = client.get("/api/v1/booths/hanoi-coffee?lang=zh").get_json()
    assert booth["tagline"] == "高原罗布斯塔咖啡"
    assert booth["placements"] == [
        {"edition": "caexpo-2027", "pavilion": "vietnam", "pavilion_id": expo["pavilion"].id, "stand": "A-12"}
    ]


def test_cursor_pagination_walks_the_catalogue_once(client, expo):
    seen, cursor = [], None
    while True:
        url = "/api/v1/booths/hanoi-coffee/products?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).get_json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"coffee-{n}" for n in range(5)]


def test_forged_cursor_is_a_problem(client, expo):
    response = client.get("/api/v1/booths/hanoi-coffee/products?cursor=WzEsMl0.forged")
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert "cursor" in response.get_json()["errors"]


def test_product_list_and_search_with_the_page_filters(client, expo):
    items = client.get("/api/v1/products?country=VN&lang=zh").get_json()["items"]
    assert len(items) == 5
    named = {item["slug"]: item["name"] for item in items}
    assert named["coffee-0"] == "咖啡 0" and named["coffee-1"] == "Coffee blend 1"
    assert items[0]["supplier"]["name"] == "Hanoi Coffee Co"
    result = client.get("/api/v1/search?q=coffee&type=booths").get_json()
    assert [b["slug"] for b in result["booths"]] == ["hanoi-coffee"]
    assert result["counts"]["products"]["value"] == 5
    assert client.get("/api/v1/search?q=coffee&edition=caexpo-2027").status_code == 200
    bad = client.get("/api/v1/search?q=coffee&edition=no-such-edition&category=no-such")
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"edition", "category"}


def test_etag_revalidation_answers_304(client, expo):
    for url in ("/api/v1/products", "/api/v1/search?q=coffee", "/api/v1/booths/hanoi-coffee", "/api/v1/editions"):
        first = client.get(url)
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
    # Another language is another representation.
    first = client.get("/api/v1/products")
    assert client.get("/api/v1/products?lang=zh", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_etag_changes_when_a_product_changes(app, client, expo):
    from expo.catalog.models import Product
    from expo.extensions import db

    etag = client.get("/api/v1/products").headers["ETag"]
    with app.app_context():
        db.session.get(Product, expo["products"][0].id).name = "Arabica blend"
        db.session.commit()
    assert client.get("/api/v1/products", headers={"If-None-Match": etag}).status_code == 200


def test_problem_details_for_404_and_405_inside_the_api(client, expo):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.mimetype == PROBLEM
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == 404
    response = client.delete("/api/v1/editions")
    assert response.status_code == 405 and response.mimetype == PROBLEM
    # Outside the API the site's HTML error pages stay.
    assert client.get("/no-such-page").mimetype == "text/html"


def test_invalid_query_is_a_problem_with_field_errors(client, expo):
    response = client.get("/api/v1/booths?limit=0&country=vietnam")
    assert response.status_code == 400 and response.mimetype == PROBLEM
    assert set(response.get_json()["errors"]) == {"limit", "country"}


def test_cors_preflight_for_public_reads(client, expo):
    response = client.options(
        "/api/v1/editions", headers={"Origin": "https://crm.example", "Access-Control-Request-Method": "GET"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_session_cookie_changes_nothing_in_public_reads(client, expo):
    log_in(client, expo["owner"])
    response = client.get("/api/v1/booths")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/search" in spec["paths"] and "/api/v1/booths/{slug}/inquiries" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "swagger" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_docs_page_is_rendered_from_the_document(client):
    """Every operation of the document, with its scope, parameters, body and answers; every schema;
    an anchor for each kind of problem the API's problem bodies name."""
    spec = client.get("/api/v1/openapi.json").get_json()
    html = client.get("/api/v1/docs").get_data(as_text=True)
    operations = [
        (method.upper(), path) for path, item in spec["paths"].items() for method in item if method != "parameters"
    ]
    assert len(operations) > 45
    for method, path in operations:
        assert f"{method} {path}</a>" in html, (method, path)
    for name in spec["components"]["schemas"]:
        if name != "PaginationMetadata":
            assert f'id="schema-{name}"' in html, name
    for kind in ("token-required", "scope-missing", "not-allowed", "invalid-input", "rule-broken", "rate-limited"):
        assert f'id="problem-{kind}"' in html
    # An operation's scope, a body with its example, a parameter's values.
    assert "<code>meetings:write</code>" in html and "<code>inquiries:write</code>" in html
    assert 'href="#schema-InquiryBody"' in html and "&#34;message&#34;" in html
    assert "<code>order_request</code>" in html
    assert 'href="/api/v1/openapi.json"' in html


def test_the_docs_page_speaks_the_reader_s_language(client):
    html = client.get("/api/v1/docs", headers={"Accept-Language": "th"}).get_data(as_text=True)
    assert 'lang="th"' in html and "Parameters" not in html and "Schemas" not in html
