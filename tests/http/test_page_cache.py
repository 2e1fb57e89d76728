"""Public pages kept for anonymous visitors (expo/page_cache.py): served without a query, yet a
change shows on the next request, every visitor gets their language, zone and token, signed-in
people never get anyone else's page, and every view is still counted."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, update

from expo import page_cache
from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.editions.models import Edition
from expo.engagement.models import EngagementEvent
from expo.extensions import db
from expo.forums.models import ProgrammeSession
from tests.conftest import count_queries, log_in

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"}
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """The page cache's clock stands still: a minute's turn between two requests would render the
    second afresh (as it should), and these tests look at what is kept within one minute."""
    standing = page_cache._now()
    monkeypatch.setattr(page_cache, "_now", lambda: standing)


@pytest.fixture()
def world(app, factory):
    today = date.today()
    edition = factory.edition(
        slug="caexpo", name="China-ASEAN Expo", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=2)
    )
    owner = factory.user(name="Chen Yuehe")
    company = factory.company(owner=owner, name="Nanning Mask Machinery", slug="nanning-masks")
    booth = factory.booth(company, tagline="Mask production lines")
    product = factory.product(booth, name="Ear-loop welding machine", slug="ear-loop-welder")
    pavilion = factory.pavilion(edition, name="Public Health", slug="public-health")
    factory.placement(booth, pavilion)
    forum = factory.forum(edition, title="Health Silk Road Forum")
    session = factory.programme_session(forum, title="Masks for the region", starts_at=datetime.now(UTC))
    pages = {
        "home": "/",
        "booth": "/booths/nanning-masks",
        "product": "/booths/nanning-masks/products/ear-loop-welder",
        "programme": "/editions/caexpo/programme",
        "pavilion": "/editions/caexpo/pavilions/public-health",
        "search": "/search?q=welding",
    }
    return {"owner": owner, "booth": booth, "product": product, "session": session, "pages": pages}


PRODUCT_FORM = {
    "category": "",
    "description": "Welds ear loops.",
    "specifications": "",
    "min_order_quantity": "1",
    "order_unit": "piece",
    "order_unit_other": "",
    "price_min": "",
    "price_max": "",
    "currency": "CNY",
    "hs_code": "",
    "availability": "made_to_order",
}
PAGES = ("home", "booth", "product", "programme", "pavilion", "search")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def token_of(page: str) -> str:
    return _META_TOKEN.search(page).group(1)


@pytest.mark.parametrize("name", PAGES)
def test_a_kept_page_is_answered_without_a_query_whatever_it_shows(app, client, factory, world, name):
    path = world["pages"][name]
    first = text(client.get(path))
    assert count_queries(app, client, path, rendered=False) == 0
    again = text(client.get(path))
    assert_token_is_theirs(app, client, again)
    assert _META_TOKEN.sub("", again) == _META_TOKEN.sub("", first)
    # Ten more products, sessions and booths in the pavilion: still nothing to ask the database.
    for number in range(10):
        factory.product(world["booth"], name=f"Welding tip {number}")
    assert count_queries(app, client, path, rendered=False) > 0  # the change is rendered once
    assert count_queries(app, client, path, rendered=False) == 0


def test_the_owners_change_shows_on_the_next_request_on_every_kept_page(app, client, world):
    for name in ("booth", "product", "search"):
        assert "Ear-loop welding machine" in text(client.get(world["pages"][name]))
    owner = app.test_client()
    log_in(owner, world["owner"])
    product = world["product"]
    response = owner.post(
        f"/booths/nanning-masks/catalogue/{product.id}/edit",
        data={**PRODUCT_FORM, "name": "Ultrasonic welding machine"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    for name in ("booth", "product", "search"):
        page = text(client.get(world["pages"][name]))
        assert "Ultrasonic welding machine" in page and "Ear-loop welding machine" not in page, name


@pytest.mark.parametrize("name", PAGES)
def test_a_page_rendered_for_a_returning_visitor_is_kept_for_everybody(app, client, world, monkeypatch, name):
    """A visitor's next request carries the session their first one started (only its CSRF
    secret). When it renders, as the first request of every minute does, the page is kept: the
    next visitor is answered from the store, and the returning visitor's cookie is not rewritten."""
    path = world["pages"][name]
    text(client.get(path))
    next_minute = page_cache._now() + 60
    monkeypatch.setattr(page_cache, "_now", lambda: next_minute)
    rendered = client.get(path)
    assert rendered.status_code == 200
    assert "Set-Cookie" not in rendered.headers
    assert count_queries(app, app.test_client(), path, rendered=False) == 0


@pytest.mark.parametrize("name", ("home", "programme", "pavilion"))
def test_an_organizers_change_shows_on_the_next_request(app, client, world, name):
    before = text(client.get(world["pages"][name]))
    assert "China-ASEAN Expo" in before
    with app.app_context():
        db.session.execute(update(Edition).values(name="18th China-ASEAN Expo"))
        db.session.execute(update(ProgrammeSession).values(title="Masks for the whole region"))
        db.session.commit()
    after = text(client.get(world["pages"][name]))
    assert "18th China-ASEAN Expo" in after


def test_a_booth_taken_off_show_is_gone_on_the_next_request(app, client, world):
    assert "Mask production lines" in text(client.get(world["pages"]["booth"]))
    with app.app_context():
        db.session.execute(update(Booth).values(status=Booth.Status.DRAFT))
        db.session.commit()
    assert client.get(world["pages"]["booth"]).status_code == 404
    assert client.get(world["pages"]["product"]).status_code == 404
    assert "Nanning Mask Machinery" not in text(client.get(world["pages"]["pavilion"]))


@pytest.mark.parametrize("name", PAGES)
def test_visitors_in_different_languages_and_zones_each_get_their_own(app, world, name):
    path = world["pages"][name]
    english = app.test_client()
    chinese = app.test_client()
    chinese.set_cookie("expo_tz", "Asia%2FBangkok")
    for _ in range(2):  # the second round is answered from the cache
        page_en = text(english.get(path, headers={"Accept-Language": "en"}))
        page_zh = text(chinese.get(path, headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
        assert '<html lang="en"' in page_en and "Times are shown in UTC." in page_en
        assert '<html lang="zh-Hans"' in page_zh and "Asia/Bangkok" in page_zh and "UTC." not in page_zh


@pytest.mark.parametrize("name", PAGES)
def test_people_in_turn_never_get_each_others_page_or_token(app, factory, world, name):
    path = world["pages"][name]
    ana, bao = factory.user(name="Ana Santos"), factory.user(name="Bao Tran")
    visitor, other_visitor = app.test_client(), app.test_client()
    first = text(visitor.get(path))
    for person, name_shown, name_hidden in ((ana, "Ana Santos", "Bao Tran"), (bao, "Bao Tran", "Ana Santos")):
        browser = app.test_client()
        text(browser.get(path))  # anonymous first: the page is kept
        log_in(browser, person)
        page = text(browser.get(path))
        assert name_shown in page and name_hidden not in page and "Log out" in page
        assert_token_is_theirs(app, browser, page)
        anonymous = text(visitor.get(path))
        assert "Log out" not in anonymous and name_shown not in anonymous
    other = text(other_visitor.get(path))
    assert token_of(other) != token_of(first)
    assert_token_is_theirs(app, visitor, first)
    assert_token_is_theirs(app, other_visitor, other)


def test_the_token_on_a_page_served_from_the_store_is_accepted_by_the_form_it_is_in(app, world, monkeypatch):
    """The token signed for a visitor's session is given again on the next pages (signing one for
    every answer cost more than the rest of the answer): it still works, and it stays theirs."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    visitor, other_visitor = app.test_client(), app.test_client()
    path = world["pages"]["booth"]
    pages = [text(visitor.get(path)) for _ in range(3)]
    other = text(other_visitor.get(path))
    assert token_of(other) != token_of(pages[-1])
    for browser, page in ((visitor, pages[-1]), (other_visitor, other)):
        assert_token_is_theirs(app, browser, page)
        answer = browser.post("/language", data={"language": "th", "next": path, "csrf_token": token_of(page)})
        assert answer.status_code == 302
        assert '<html lang="th"' in text(browser.get(path))
    refused = visitor.post("/language", data={"language": "vi", "next": path, "csrf_token": token_of(other)})
    assert refused.status_code == 400, "another visitor's token is refused"
    monkeypatch.setattr(page_cache, "TOKEN_REUSE_SECONDS", 0)
    assert_token_is_theirs(app, visitor, text(visitor.get(path)))


def assert_token_is_theirs(app, browser, page: str) -> None:
    signer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    with browser.session_transaction() as session:
        assert signer.loads(token_of(page)) == session["csrf_token"]
    assert page_cache.CSRF_PLACEHOLDER not in page


def test_a_view_answered_from_the_cache_is_still_counted(app, client, world, engagement_buffer):
    for _ in range(3):
        text(client.get(world["pages"]["booth"], headers=BROWSER))
        text(client.get(world["pages"]["product"], headers=BROWSER))
    events = engagement_buffer.read_batch().events
    kinds = sorted(event["kind"] for event in events)
    assert kinds == [EngagementEvent.BOOTH_VISIT] * 3 + [EngagementEvent.PRODUCT_VIEW] * 3
    assert len({event["visitor"] for event in events}) == 1  # one visitor, one cookie
    assert all(event["product"] == world["product"].id for event in events if event["kind"] == "product_view")
    # A robot is answered from the cache too, and not counted.
    engagement_buffer.clear()
    text(client.get(world["pages"]["booth"], headers={"User-Agent": "Googlebot/2.1"}))
    assert engagement_buffer.size() == 0


def test_a_browser_that_has_the_page_gets_304_and_the_view_is_counted(app, client, world, engagement_buffer):
    path = world["pages"]["booth"]
    first = client.get(path, headers=BROWSER)
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    again = client.get(path, headers={**BROWSER, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert engagement_buffer.size() == 2
    # Changed since: the whole page again.
    with app.app_context():
        db.session.execute(update(Booth).values(tagline="Mask and gown production lines"))
        db.session.commit()
    changed = client.get(path, headers={**BROWSER, "If-None-Match": etag})
    assert changed.status_code == 200 and "Mask and gown production lines" in text(changed)
    # Another visitor's ETag (another token) is not this visitor's page.
    stranger = app.test_client().get(path, headers={"If-None-Match": changed.headers["ETag"]})
    assert stranger.status_code == 200


def test_the_opening_state_follows_the_clock_not_the_cache(app, client, world, monkeypatch):
    with app.app_context():
        db.session.execute(
            update(Booth).values(
                opening_hours={day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                timezone="Asia/Shanghai",
            )
        )
        db.session.commit()
    moment = {"now": datetime(2027, 3, 1, 0, 59, 30, tzinfo=UTC)}  # 08:59:30 in Shanghai
    monkeypatch.setattr("expo.booths.routes.utcnow", lambda: moment["now"])
    monkeypatch.setattr(page_cache, "_now", lambda: moment["now"].timestamp())
    assert "Closed now, opens today at 9:00" in text(client.get(world["pages"]["booth"]))
    moment["now"] += timedelta(seconds=20)  # 08:59:50: the same page
    assert "Closed now, opens today at 9:00" in text(client.get(world["pages"]["booth"]))
    moment["now"] += timedelta(seconds=15)  # 09:00:05
    assert "Open now, until 5:00" in text(client.get(world["pages"]["booth"]))


def test_a_message_for_the_visitor_is_shown_to_them_only(app, client, world):
    path = world["pages"]["booth"]
    text(client.get(path))  # kept
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your language is now English.")]
    assert "Your language is now English." in text(client.get(path))
    assert "Your language is now English." not in text(client.get(path))
    assert "Your language is now English." not in text(app.test_client().get(path))


def test_a_change_made_by_another_process_shows_on_the_next_request(app, client, world):
    """The embedded default keeps pages in a SQLite file: a command in another process (as the
    worker or `flask` would be) commits, and this process renders afresh."""
    path = world["pages"]["product"]
    assert "Ear-loop welding machine" in text(client.get(path))
    script = f"""
import sys
from expo import create_app
from expo.extensions import db
from expo.catalog.models import Product
from sqlalchemy import update
app = create_app({{"TESTING": True, "SECRET_KEY": {app.config["SECRET_KEY"]!r},
    "SQLALCHEMY_DATABASE_URI": {app.config["SQLALCHEMY_DATABASE_URI"]!r}, "TASKS_RECORD_ONLY": True,
    "MAIL_SERVER": None, "RATELIMIT_STORAGE_URI": "memory://"}}, instance_path={app.instance_path!r})
with app.app_context():
    db.session.execute(update(Product).values(name="Welder from another process"))
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, check=True, timeout=120)
    assert "Welder from another process" in text(client.get(path))


def test_reads_and_the_tables_no_page_shows_keep_the_pages(app, client, world, factory):
    path = world["pages"]["booth"]
    text(client.get(path))
    with app.app_context():
        db.session.scalars(select(Product)).all()
        db.session.commit()
    factory.engagement(world["booth"], EngagementEvent.BOOTH_VISIT)  # the drain task's writes
    assert count_queries(app, client, path, rendered=False) == 0


def test_without_the_cache_every_request_renders(app, client, world):
    app.config["PAGE_CACHE"] = False
    try:
        text(client.get(world["pages"]["booth"]))
        assert count_queries(app, client, world["pages"]["booth"], rendered=False) > 0
    finally:
        app.config["PAGE_CACHE"] = True


def test_no_kept_page_carries_a_rate_limit(app):
    """The limiter is not asked about kept pages (page_cache.is_kept_page_request): none may have a
    limit of its own, or of its blueprint, or the whole site's."""
    from flask_limiter.util import get_qualified_name

    from expo.extensions import limiter

    kept = {endpoint: view for endpoint, view in app.view_functions.items() if getattr(view, "expo_cached_page", None)}
    assert {"core.home", "booths.show_booth", "registrations.my_agenda", "lead_inbox.inbox"} <= set(kept)
    manager = limiter.limit_manager
    assert not manager.application_limits and not manager.default_limits
    for endpoint, view in kept.items():
        blueprint = endpoint.rpartition(".")[0]
        assert not manager.decorated_limits(get_qualified_name(view)), endpoint
        assert not manager.has_hints(endpoint), endpoint
        assert not manager.blueprint_limits(app, blueprint), endpoint
