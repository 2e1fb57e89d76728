"""Engagement over HTTP: the browser's track endpoint, booth analytics pages and favourites."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from expo.booths.models import Booth, BoothDocument
from expo.db_types import utcnow
from expo.engagement.models import EngagementEvent as Event
from tests.conftest import add_engagement_event, count_queries, log_in, permission_failures

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"}


@pytest.fixture()
def world(factory):
    owner, staff = factory.user(name="Owner"), factory.user(name="Staff")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Masks")
    booth = factory.booth(company, timezone="Asia/Shanghai")
    product = factory.product(booth, name="Surgical mask")
    brochure = factory._save(BoothDocument(booth_id=booth.id, title="Catalogue", path="docs/catalogue.pdf"))
    other_owner, other_staff = factory.user(), factory.user()
    other_booth = factory.booth(factory.company(owner=other_owner, staff=[other_staff], name="Hanoi Silk"))
    other_product = factory.product(other_booth)
    draft = factory.booth(factory.company(owner=factory.user(), name="Draft Co"), status=Booth.Status.DRAFT)
    return dict(
        owner=owner,
        staff=staff,
        booth=booth,
        product=product,
        brochure=brochure,
        other_staff=other_staff,
        other_booth=other_booth,
        other_product=other_product,
        draft=draft,
    )


def track(client, **event):
    return client.post("/engagement/track", json=event, headers={**BROWSER, "Accept": "application/json"})


# --------------------------------------------------------------------------------------------
# POST /engagement/track


def test_a_video_play_is_buffered_and_the_visitor_gets_a_cookie(client, world, engagement_buffer):
    response = track(client, kind="video_play", booth=world["booth"].slug, product=str(world["product"].id))
    assert response.status_code == 204
    cookie = client.get_cookie("expo_visitor")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    [buffered] = engagement_buffer.read_batch().events
    assert (buffered["kind"], buffered["booth"], buffered["product"]) == (
        "video_play",
        world["booth"].id,
        world["product"].id,
    )
    assert track(client, kind="video_play", booth=world["booth"].slug).status_code == 204
    first, second = engagement_buffer.read_batch().events
    assert first["visitor"] == second["visitor"], "the cookie names the same visitor next time"


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"kind": "video_play", "booth": "no-such-booth"}, "no booth on show"),
        ({"kind": "video_play", "booth": "{draft}"}, "no booth on show"),
        ({"kind": "video_play", "booth": "{booth}", "product": "{other_product}"}, "not in this booth"),
        ({"kind": "video_play", "booth": "{booth}", "document": 99999}, "not in this booth"),
        ({"kind": "booth_visit", "booth": "{booth}"}, "not complete or not valid"),
        ({"kind": "video_play"}, "not complete or not valid"),
        ({"kind": "video_play", "booth": "{booth}", "product": "twelve"}, "not complete or not valid"),
        ({"kind": "video_play", "booth": ["{booth}"]}, "JSON object"),
    ],
)
def test_an_invalid_event_is_refused_with_a_reason_and_nothing_is_kept(
    client, world, engagement_buffer, payload, message
):
    values = {"booth": world["booth"].slug, "draft": world["draft"].slug, "other_product": world["other_product"].id}
    filled = {name: (value.format(**values) if isinstance(value, str) else value) for name, value in payload.items()}
    response = track(client, **filled)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert engagement_buffer.size() == 0


def test_a_body_that_is_not_json_is_refused(client, world, engagement_buffer):
    response = client.post(
        "/engagement/track",
        data="kind=video_play",
        headers={**BROWSER, "Accept": "application/json"},
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and "JSON object" in response.get_json()["error"]


def test_a_brochure_of_the_booth_is_accepted(client, world, engagement_buffer):
    assert track(client, kind="video_play", booth=world["booth"].slug, document=world["brochure"].id).status_code == 204
    assert engagement_buffer.read_batch().events[0]["document"] == world["brochure"].id


def test_the_booths_own_team_is_answered_but_not_counted(client, world, engagement_buffer):
    log_in(client, world["staff"])
    assert track(client, kind="video_play", booth=world["booth"].slug).status_code == 204
    assert engagement_buffer.size() == 0


def test_the_track_endpoint_needs_the_pages_csrf_token(app, client, world, engagement_buffer, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert track(client, kind="video_play", booth=world["booth"].slug).status_code == 400
    page = client.get("/", headers=BROWSER).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        "/engagement/track",
        json={"kind": "video_play", "booth": world["booth"].slug},
        headers={**BROWSER, "X-CSRFToken": token},
    )
    assert response.status_code == 204
    assert engagement_buffer.size() == 1


def test_one_visitor_sending_too_many_events_is_told_to_slow_down(app, client, world, engagement_buffer, monkeypatch):
    monkeypatch.setitem(app.config, "ENGAGEMENT_TRACK_RATE_LIMIT", "3 per minute")
    client.set_cookie("expo_visitor", "a" * 24)
    statuses = [track(client, kind="video_play", booth=world["booth"].slug).status_code for _ in range(4)]
    assert statuses == [204, 204, 204, 429]
    assert engagement_buffer.size() == 3
    neighbour = app.test_client()
    neighbour.set_cookie("expo_visitor", "b" * 24)
    assert track(neighbour, kind="video_play", booth=world["booth"].slug).status_code == 204, (
        "another visitor at the same address (a trade-show hall) is not held back"
    )


def test_pages_carry_the_tracking_script_and_its_settings(client):
    page = client.get("/").get_data(as_text=True)
    assert '<meta name="expo-track-url" content="/engagement/track">' in page
    script = re.search(r'<script src="(/static/js/engagement\.[0-9a-f]{12}\.js)" defer>', page)
    assert script and client.get(script.group(1)).status_code == 200


# --------------------------------------------------------------------------------------------
# Analytics pages


def test_the_team_sees_totals_a_chart_a_table_and_top_products(client, world):
    booth, product = world["booth"], world["product"]
    now = utcnow()
    add_engagement_event(client.application, booth, Event.BOOTH_VISIT, visitor="a", at=now - timedelta(days=2))
    add_engagement_event(client.application, booth, Event.BOOTH_VISIT, visitor="a", at=now)
    add_engagement_event(client.application, booth, Event.PRODUCT_VIEW, visitor="b", at=now, product=product)
    log_in(client, world["staff"])
    response = client.get(f"/booths/{booth.slug}/analytics?days=7")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Analytics: Nanning Masks" in page
    assert "Asia/Shanghai, the booth's time zone" in page
    assert '<svg class="expo-chart"' in page and 'role="img"' in page
    assert page.count("<rect ") == 7, "one bar per day of the period"
    assert "Surgical mask" in page
    assert 'aria-current="page"' in page and "Last 7 days" in page
    assert "style=" not in page and "<script>" not in page, "the CSP allows neither"


def test_an_unknown_period_falls_back_to_thirty_days(client, world):
    log_in(client, world["owner"])
    page = client.get(f"/booths/{world['booth'].slug}/analytics?days=5").get_data(as_text=True)
    assert page.count("<rect ") == 30


def test_the_csv_download_is_the_daily_series(client, world):
    add_engagement_event(client.application, world["booth"], Event.BOOTH_VISIT, visitor="a")
    log_in(client, world["owner"])
    response = client.get(f"/booths/{world['booth'].slug}/analytics.csv?days=7")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="analytics-{world["booth"].slug}-')
    assert response.headers["Cache-Control"] == "no-store"
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert len(lines) == 8 and lines[-1].endswith(",1,1,0,0,0")


def test_the_analytics_page_runs_the_same_queries_however_busy_the_booth(app, client, factory, world):
    booth = world["booth"]
    log_in(client, world["owner"])
    add_engagement_event(app, booth, Event.PRODUCT_VIEW, product=world["product"])
    quiet = count_queries(app, client, f"/booths/{booth.slug}/analytics")
    for number in range(12):
        product = factory.product(booth)
        add_engagement_event(
            app, booth, Event.PRODUCT_VIEW, visitor=f"v{number}", product=product, at=utcnow() - timedelta(days=number)
        )
        add_engagement_event(app, booth, Event.BROCHURE_DOWNLOAD, visitor=f"v{number}", document=world["brochure"])
    assert count_queries(app, client, f"/booths/{booth.slug}/analytics") == quiet


# --------------------------------------------------------------------------------------------
# Favourites


def test_saving_from_a_booth_page_returns_there_and_shows_in_my_favourites(client, factory, world):
    buyer = factory.user()
    log_in(client, buyer)
    booth, product = world["booth"], world["product"]
    back = f"/booths/{booth.slug}?page=2"
    response = client.post(f"/favourites/booth/{booth.id}", data={"next": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    client.post(f"/favourites/booth/{booth.id}", data={"next": back})  # a double click
    client.post(f"/favourites/product/{product.id}", data={"next": "https://evil.example/"})
    page = client.get("/favourites").get_data(as_text=True)
    assert "“Surgical mask” is in your favourites." in page, "an unsafe next falls back to the product page flash"
    assert "Nanning Masks" in page and "Surgical mask" in page
    assert "All (2)" in page and "Booths (1)" in page and "Products (1)" in page
    assert page.count("Saved<span") == 2 and "remove “Nanning Masks” from your favourites" in page

    products_only = client.get("/favourites?show=products").get_data(as_text=True)
    assert "Surgical mask" in products_only and f"/booths/{booth.slug}/products/{product.slug}" in products_only
    assert f'stretched-link" href="/booths/{booth.slug}"' not in products_only, "no booth card"

    response = client.post(f"/favourites/booth/{booth.id}/remove", data={"next": "/favourites"})
    assert response.headers["Location"] == "/favourites"
    assert client.post(f"/favourites/booth/{booth.id}/remove").status_code == 302, "removing twice is fine"
    page = client.get("/favourites").get_data(as_text=True)
    assert "Booths (0)" in page and "Products (1)" in page


def test_an_unsafe_next_returns_to_the_saved_things_own_page(client, factory, world):
    log_in(client, factory.user())
    response = client.post(f"/favourites/product/{world['product'].id}", data={"next": "//evil.example/x"})
    assert response.headers["Location"] == f"/booths/{world['booth'].slug}/products/{world['product'].slug}"


def test_the_favourite_button_shows_the_saved_state_and_invites_visitors_to_log_in(app, client, factory, world):
    from flask import render_template_string
    from flask_login import login_user

    from expo.accounts.models import User
    from expo.extensions import db

    template = (
        '{% from "engagement/_favourite.html" import favourite_button with context %}'
        '{{ favourite_button("booth", booth, saved) }}'
    )
    buyer = factory.user()
    with app.test_request_context(f"/booths/{world['booth'].slug}"):
        booth = db.session.get(Booth, world["booth"].id)
        anonymous = render_template_string(template, booth=booth, saved=False)
        login_user(db.session.get(User, buyer.id))
        unsaved = render_template_string(template, booth=booth, saved=False)
        saved = render_template_string(template, booth=booth, saved=True)
        draft = render_template_string(template, booth=db.session.get(Booth, world["draft"].id), saved=False)
    assert "Log in to save" in anonymous and "/login?next=/booths/" in anonymous
    assert f'action="/favourites/booth/{booth.id}"' in unsaved and "Save" in unsaved
    assert f'action="/favourites/booth/{booth.id}/remove"' in saved and "Saved" in saved
    assert 'name="next" value="/booths/' in saved
    assert draft.strip() == "", "a booth not on show offers no button"


def test_my_favourites_is_paginated_and_its_queries_do_not_grow(app, client, factory, world):
    buyer = factory.user()
    log_in(client, buyer)
    client.post(f"/favourites/booth/{world['booth'].id}")
    client.post(f"/favourites/product/{world['product'].id}")
    few = count_queries(app, client, "/favourites")
    for _ in range(30):
        client.post(f"/favourites/product/{factory.product(world['other_booth']).id}")
    client.post(f"/favourites/booth/{world['other_booth'].id}")  # the newest: page 1 shows both kinds
    assert count_queries(app, client, "/favourites") == few
    first = client.get("/favourites").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert client.get("/favourites?page=9").status_code == 302, "past the end: back to the last page"


def test_a_suspended_booth_disappears_from_favourites_and_comes_back(app, client, factory, world):
    from expo.extensions import db

    log_in(client, factory.user())
    client.post(f"/favourites/booth/{world['other_booth'].id}")
    client.post(f"/favourites/product/{world['other_product'].id}")
    assert "Hanoi Silk" in client.get("/favourites").get_data(as_text=True)
    with app.app_context():
        booth = db.session.get(Booth, world["other_booth"].id)
        booth.status, booth.suspended_reason = Booth.Status.SUSPENDED, "Under review"
        db.session.commit()
    page = client.get("/favourites").get_data(as_text=True)
    assert "Hanoi Silk" not in page and "All (0)" in page
    with app.app_context():
        db.session.get(Booth, world["other_booth"].id).status = Booth.Status.PUBLISHED
        db.session.commit()
    assert "All (2)" in client.get("/favourites").get_data(as_text=True)


def test_saving_a_booth_not_on_show_is_refused_with_a_reason(client, factory, world):
    from expo.extensions import db

    log_in(client, world["staff"])
    with client.application.app_context():
        booth = db.session.get(Booth, world["booth"].id)
        booth.status = Booth.Status.SUBMITTED
        db.session.commit()
    response = client.post(f"/favourites/booth/{world['booth'].id}", follow_redirects=True)
    assert "Only booths and products on show can be saved." in response.get_data(as_text=True)


def test_my_favourites_link_is_in_the_navigation_for_signed_in_users(client, factory):
    assert "My favourites" not in client.get("/").get_data(as_text=True)
    log_in(client, factory.user())
    assert 'href="/favourites">My favourites' in client.get("/").get_data(as_text=True)


# --------------------------------------------------------------------------------------------
# Who may do what

ROLES = ("anonymous", "attendee", "other_staff", "own_staff", "owner", "edition_organizer", "organizer", "admin")
SIGNED_IN = [role for role in ROLES if role != "anonymous"]

MATRIX = {
    ("GET", "/booths/{booth}/analytics"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "own_staff": 200,
        "owner": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/booths/{booth}/analytics.csv"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "own_staff": 200,
        "owner": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/booths/{draft}/analytics"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/booths/no-such-booth/analytics"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    ("GET", "/favourites"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("POST", "/favourites/booth/{booth_id}"): dict.fromkeys(ROLES, 302),
    ("POST", "/favourites/product/{product_id}"): dict.fromkeys(ROLES, 302),
    ("POST", "/favourites/product/{product_id}/remove"): dict.fromkeys(ROLES, 302),
    ("POST", "/favourites/booth/{draft_id}"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "organizer": 302,
        "admin": 302,
    },
    ("POST", "/favourites/booth/99999"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    ("GET", "/favourites/booth/{booth_id}"): dict.fromkeys(ROLES, 405),
}


@pytest.mark.parametrize("role", ROLES)
def test_engagement_permission_matrix(app, factory, world, role):
    edition = factory.edition()
    users = {
        "attendee": factory.user(),
        "other_staff": world["other_staff"],
        "own_staff": world["staff"],
        "owner": world["owner"],
        "edition_organizer": factory.organizer(edition=edition),
        "organizer": factory.organizer(),
        "admin": factory.admin(),
    }
    values = {
        "booth": world["booth"].slug,
        "draft": world["draft"].slug,
        "booth_id": world["booth"].id,
        "product_id": world["product"].id,
        "draft_id": world["draft"].id,
    }
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    failures = permission_failures(
        client,
        [(method, template.format(**values), expected[role], {}) for (method, template), expected in MATRIX.items()],
        anonymous=role == "anonymous",
    )
    assert not failures, "\n".join(failures)
