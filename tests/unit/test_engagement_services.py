"""Recording page views, draining the buffer into engagement_events, and favourites."""

from __future__ import annotations

import pytest
from flask_login import login_user
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

import worker.tasks as tasks
from expo.accounts.models import User
from expo.booths.models import Booth
from expo.booths.services import find_booth
from expo.catalog.models import Product
from expo.engagement import services
from expo.engagement.models import EngagementEvent, Favourite
from expo.extensions import db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture()
def booth(factory):
    company = factory.company(owner=factory.user(name="Owner"), name="Nanning Masks")
    return factory.booth(company, timezone="Asia/Shanghai")


def visit(
    app,
    slug: str,
    *,
    user_id: int | None = None,
    cookie: str | None = None,
    agent: str = BROWSER,
    kind: str = EngagementEvent.BOOTH_VISIT,
    product_id: int | None = None,
    headers: dict | None = None,
):
    """record() as a view would call it; returns (whether it counted, the Set-Cookie header)."""
    all_headers = {"User-Agent": agent, **(headers or {})}
    if cookie:
        all_headers["Cookie"] = f"{services.VISITOR_COOKIE}={cookie}"
    with app.test_request_context(f"/booths/{slug}", headers=all_headers):
        if user_id is not None:
            login_user(db.session.get(User, user_id))
        booth = find_booth(slug)
        product = db.session.get(Product, product_id) if product_id else None
        counted = services.record(kind, booth, product=product)
        response = app.process_response(app.response_class())
    return counted, response.headers.get("Set-Cookie")


def drain(app) -> int:
    """Run the drain task as the worker would, in this app (``run``: not whichever app Celery last bound)."""
    with app.app_context():
        return tasks.drain_engagement_events.run()


def stored(app) -> list[EngagementEvent]:
    with app.app_context():
        events = db.session.scalars(select(EngagementEvent).order_by(EngagementEvent.id)).all()
        db.session.expunge_all()
        return events


# --------------------------------------------------------------------------------------------
# record()


def test_an_anonymous_visit_is_buffered_with_a_hashed_cookie_that_the_response_sets(app, booth, engagement_buffer):
    counted, set_cookie = visit(app, booth.slug)
    assert counted
    assert set_cookie.startswith(f"{services.VISITOR_COOKIE}=")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Max-Age=31536000" in set_cookie
    assert "Secure" not in set_cookie, "the test app serves plain http"
    token = set_cookie.split(";")[0].split("=", 1)[1]
    [buffered] = engagement_buffer.read_batch().events
    assert buffered["kind"] == "booth_visit" and buffered["booth"] == booth.id and buffered["user"] is None
    assert token not in buffered["visitor"] and len(buffered["visitor"]) == 64

    counted, set_cookie = visit(app, booth.slug, cookie=token)
    assert counted and set_cookie is None, "a returning visitor keeps the cookie they have"
    first, second = engagement_buffer.read_batch().events
    assert first["visitor"] == second["visitor"] and first["key"] != second["key"]


def test_the_visitor_cookie_is_secure_when_the_apps_cookies_are(app, booth, engagement_buffer, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    _counted, set_cookie = visit(app, booth.slug)
    assert "Secure" in set_cookie


def test_a_signed_in_visitor_is_counted_as_their_account_on_every_device(app, factory, booth, engagement_buffer):
    buyer = factory.user()
    visit(app, booth.slug, user_id=buyer.id, cookie="a" * 24)
    visit(app, booth.slug, user_id=buyer.id, cookie="b" * 24)
    first, second = engagement_buffer.read_batch().events
    assert first["user"] == buyer.id and first["visitor"] == second["visitor"]


def test_robots_prefetches_the_team_and_unpublished_booths_are_not_counted(app, factory, engagement_buffer):
    owner, staff = factory.user(), factory.user()
    company = factory.company(owner=owner, staff=[staff])
    booth = factory.booth(company)
    draft = factory.booth(factory.company(owner=factory.user()), status=Booth.Status.DRAFT)
    for agent in (
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ):
        assert visit(app, booth.slug, agent=agent) == (False, None), agent
    assert visit(app, booth.slug, headers={"Sec-Purpose": "prefetch"})[0] is False
    assert visit(app, booth.slug, user_id=owner.id)[0] is False
    assert visit(app, booth.slug, user_id=staff.id)[0] is False
    assert visit(app, draft.slug)[0] is False
    assert engagement_buffer.size() == 0


def test_a_full_or_unreachable_buffer_costs_the_event_not_the_page(app, booth, engagement_buffer, monkeypatch):
    monkeypatch.setattr(engagement_buffer, "cap", 1)
    assert visit(app, booth.slug)[0] is True
    assert visit(app, booth.slug)[0] is True, "queued: the page does not wait to learn the buffer is full"
    assert engagement_buffer.size() == 1, "the second was past the cap"
    monkeypatch.setattr(engagement_buffer, "_append_many", lambda records: 1 / 0)
    assert visit(app, booth.slug)[0] is True
    assert engagement_buffer.flush() == 0, "its write failed without raising: the event is lost"
    assert visit(app, booth.slug)[0] is False, "a buffer known to be unavailable is not even queued"


# --------------------------------------------------------------------------------------------
# Draining


def test_draining_stores_each_buffered_event_and_empties_the_buffer(app, factory, booth, engagement_buffer):
    product = factory.product(booth)
    buyer = factory.user()
    visit(app, booth.slug)
    visit(app, booth.slug, user_id=buyer.id, kind=EngagementEvent.PRODUCT_VIEW, product_id=product.id)
    assert drain(app) == 2
    first, second = stored(app)
    assert (first.kind, first.booth_id, first.user_id) == ("booth_visit", booth.id, None)
    assert (second.kind, second.product_id, second.user_id) == ("product_view", product.id, buyer.id)
    assert engagement_buffer.size() == 0
    assert drain(app) == 0


def test_the_same_batch_written_twice_stores_each_event_once(app, booth, engagement_buffer):
    for _ in range(3):
        visit(app, booth.slug)
    batch = engagement_buffer.read_batch()
    with app.app_context():
        assert services.store_events(batch.events) == 3
        db.session.commit()
        assert services.store_events(batch.events) == 0
        db.session.commit()
    assert len(stored(app)) == 3


def test_a_drainer_dying_between_insert_and_trim_loses_nothing_and_duplicates_nothing(
    app, booth, engagement_buffer, monkeypatch
):
    for _ in range(4):
        visit(app, booth.slug)

    def killed(batch, lock):
        raise SystemExit("worker killed")

    monkeypatch.setattr(engagement_buffer, "trim", killed)
    with pytest.raises(SystemExit):
        drain(app)
    assert len(stored(app)) == 4 and engagement_buffer.size() == 4
    monkeypatch.undo()
    assert drain(app) == 0, "the rerun finds every event already written"
    assert len(stored(app)) == 4 and engagement_buffer.size() == 0


def test_a_drainer_dying_before_its_commit_leaves_the_batch_for_the_next(app, booth, engagement_buffer, monkeypatch):
    for _ in range(2):
        visit(app, booth.slug)
    monkeypatch.setattr(tasks.db.session, "commit", lambda: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        drain(app)
    monkeypatch.undo()
    assert stored(app) == [] and engagement_buffer.size() == 2
    assert drain(app) == 2


def test_a_drain_already_running_makes_a_second_one_return_at_once(app, booth, engagement_buffer):
    visit(app, booth.slug)
    with engagement_buffer.drain_lock() as held:
        assert held is not None
        assert drain(app) == 0
        assert engagement_buffer.size() == 1
    assert drain(app) == 1


def test_a_drain_writes_in_batches_and_keeps_going_until_empty(app, booth, engagement_buffer, monkeypatch):
    import expo.engagement.buffer as buffer_module

    monkeypatch.setattr(buffer_module, "BATCH_SIZE", 2)
    for _ in range(5):
        visit(app, booth.slug)
    inserts = []
    with app.app_context():
        engine = db.engine

    def count_inserts(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO ENGAGEMENT_EVENTS"):
            inserts.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count_inserts)
    try:
        assert drain(app) == 5
    finally:
        sa_event.remove(engine, "before_cursor_execute", count_inserts)
    assert len(inserts) == 3, "batches of two: 2 + 2 + 1"
    assert engagement_buffer.size() == 0


def test_events_for_things_deleted_since_they_were_buffered_do_not_block_the_drain(app, factory, booth):
    product = factory.product(booth)
    gone_booth = factory.booth(factory.company(owner=factory.user()))
    gone_product = factory.product(booth)
    gone_user = factory.user()
    other_booth_product = factory.product(gone_booth)
    at = "2027-09-10T01:00:00+00:00"
    events = [
        {"key": "k1", "kind": "product_view", "booth": booth.id, "product": product.id, "visitor": "v", "at": at},
        {"key": "k2", "kind": "booth_visit", "booth": gone_booth.id, "visitor": "v", "at": at},
        {"key": "k3", "kind": "product_view", "booth": booth.id, "product": gone_product.id, "visitor": "v", "at": at},
        {
            "key": "k4",
            "kind": "brochure_download",
            "booth": booth.id,
            "document": 999,
            "user": gone_user.id,
            "visitor": "v",
            "at": at,
        },
        {
            "key": "k5",
            "kind": "product_view",
            "booth": booth.id,
            "product": other_booth_product.id,
            "visitor": "v",
            "at": at,
        },
        {"key": "k6", "kind": "no_such_kind", "booth": booth.id, "visitor": "v", "at": at},
        {"key": "k7", "kind": "booth_visit", "booth": "not a number", "visitor": "v", "at": at},
        {"kind": "booth_visit", "booth": booth.id, "visitor": "v", "at": at},
    ]
    with app.app_context():
        db.session.delete(db.session.get(Product, gone_product.id))
        db.session.delete(db.session.get(User, gone_user.id))
        db.session.commit()
        db.session.delete(db.session.get(Booth, gone_booth.id))
        db.session.commit()
        assert services.store_events(events) == 2
        db.session.commit()
    kept = {event.event_key: event for event in stored(app)}
    assert set(kept) == {"k1", "k4"}
    assert kept["k4"].document_id is None and kept["k4"].user_id is None


# --------------------------------------------------------------------------------------------
# Favourites


@pytest.fixture()
def shopper(factory):
    return factory.user(name="Shopper")


def test_saving_twice_keeps_one_favourite_and_removing_twice_is_no_error(app, factory, booth, shopper):
    product = factory.product(booth)
    with app.test_request_context():
        user = db.session.get(User, shopper.id)
        target_booth, target_product = db.session.get(Booth, booth.id), db.session.get(Product, product.id)
        first = services.add_favourite(user, target_booth)
        again = services.add_favourite(user, target_booth)
        services.add_favourite(user, target_product)
        db.session.commit()
        assert first.id == again.id
        assert db.session.scalar(select(func.count()).select_from(Favourite)) == 2
        assert services.remove_favourite(user, target_booth) is True
        assert services.remove_favourite(user, target_booth) is False
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Favourite)) == 1


def test_a_double_click_racing_past_the_lookup_is_settled_by_the_unique_index(app, booth, shopper, monkeypatch):
    with app.test_request_context():
        user, target = db.session.get(User, shopper.id), db.session.get(Booth, booth.id)
        services.add_favourite(user, target)
        db.session.commit()
        # The other click's insert lands between this one's look-up and its insert.
        real_find, calls = services.find_favourite, []

        def find_after_the_race(*args):
            calls.append(args)
            return None if len(calls) == 1 else real_find(*args)

        monkeypatch.setattr(services, "find_favourite", find_after_the_race)
        favourite = services.add_favourite(user, target)
        db.session.commit()
        assert favourite is not None and favourite.booth_id == booth.id
        assert db.session.scalar(select(func.count()).select_from(Favourite)) == 1


def test_only_booths_and_products_on_show_can_be_saved(app, factory, shopper):
    draft = factory.booth(factory.company(owner=factory.user()), status=Booth.Status.DRAFT)
    product = factory.product(draft)
    with app.test_request_context():
        user = db.session.get(User, shopper.id)
        for target in (db.session.get(Booth, draft.id), db.session.get(Product, product.id)):
            with pytest.raises(services.FavouriteError, match="on show"):
                services.add_favourite(user, target)


def test_favourites_list_newest_first_and_hide_what_is_no_longer_on_show(app, factory, booth, shopper):
    other = factory.booth(factory.company(owner=factory.user(), name="Hanoi Silk"))
    product = factory.product(booth, name="Respirator")
    hidden_product = factory.product(other, name="Scarf")
    with app.test_request_context():
        user = db.session.get(User, shopper.id)
        for target in (
            db.session.get(Booth, booth.id),
            db.session.get(Booth, other.id),
            db.session.get(Product, product.id),
            db.session.get(Product, hidden_product.id),
        ):
            services.add_favourite(user, target)
            db.session.commit()
        db.session.get(Booth, other.id).status = Booth.Status.SUSPENDED
        db.session.get(Booth, other.id).suspended_reason = "Counterfeit goods"
        db.session.commit()
        listed = db.session.scalars(services.favourites_of(user)).all()
        assert [(f.booth_id, f.product_id) for f in listed] == [(None, product.id), (booth.id, None)]
        assert [f.product_id for f in db.session.scalars(services.favourites_of(user, "products"))] == [product.id]
        assert services.favourite_counts(user) == {"booths": 1, "products": 1}
        db.session.get(Booth, other.id).status = Booth.Status.PUBLISHED
        db.session.commit()
        assert services.favourite_counts(user) == {"booths": 2, "products": 2}, "back on show, back in the list"


def test_saved_ids_answers_for_a_page_of_cards_in_one_query(app, factory, booth, shopper):
    products = [factory.product(booth) for _ in range(3)]
    with app.test_request_context():
        user = db.session.get(User, shopper.id)
        services.add_favourite(user, db.session.get(Product, products[1].id))
        services.add_favourite(user, db.session.get(Booth, booth.id))
        db.session.commit()
        db.session.refresh(user)
        statements = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            saved = services.saved_ids(user, products=products, booths=[booth.id])
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        assert saved.products == {products[1].id} and saved.booths == {booth.id}
        assert len(statements) == 1
        assert services.saved_ids(None, products=products) == services.SavedIds()
