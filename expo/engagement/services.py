"""Engagement: counting what visitors do in booths (buffered, then stored in batches) and their favourites.

Services take an explicit actor, flush and never commit; the view or the task commits once.
``record`` is the exception that proves the rule: it writes nothing to the database at all, only
one record to the event buffer, so a page view never waits for a write.
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

from flask import after_this_request, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from expo.accounts.models import User
from expo.booths.models import Booth, BoothDocument
from expo.catalog.models import Product
from expo.db_types import utcnow
from expo.engagement.buffer import current_buffer
from expo.engagement.models import EngagementEvent, Favourite
from expo.extensions import db
from expo.lib.rules import RuleBroken
from expo.page_cache import repeat_on_hit, repeatable
from expo.permissions import can_edit_booth

log = logging.getLogger(__name__)

VISITOR_COOKIE = "expo_visitor"
VISITOR_COOKIE_MAX_AGE = 365 * 24 * 3600
_VISITOR_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Crawlers, link previews, uptime monitors and scripts: none of them is a buyer in the booth.
_ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|uptime|pingdom|"
    r"lighthouse|headless|phantomjs|python-requests|python-urllib|aiohttp|httpx|curl/|wget/|go-http-client|"
    r"java/|okhttp|libwww|scrapy|httpclient",
    re.IGNORECASE,
)
# What the browser may report itself (POST /engagement/track). Visits, product views and brochure
# downloads are counted by the server as it answers them; accepting them from the browser too would
# count them twice.
BROWSER_KINDS = (EngagementEvent.VIDEO_PLAY,)


class FavouriteError(RuleBroken):
    """Saving a favourite was refused; the message is safe to show."""


# --------------------------------------------------------------------------------------------
# Recording: one line in a view.


def record(kind: str, booth: Booth, product: Product | None = None, document: BoothDocument | None = None) -> bool:
    """Count one interaction with ``booth`` (a visit, a product view, a brochure download, a video play).

    Reads the visitor from the request (the signed-in account, or an anonymous first-party cookie
    it sets on the response when missing) and queues one record for the event buffer
    (``append_soon``); the worker stores it a few seconds later. Robots, browser prefetches, the booth's own team and booths not
    on show are not counted. Never raises for the buffer's sake: returns False when nothing was kept.
    """
    if kind not in EngagementEvent.KINDS:
        raise ValueError(f"unknown engagement kind {kind!r}")
    if not booth.is_published:
        return False
    product_id = product.id if product is not None else None
    document_id = document.id if document is not None else None
    # A page kept for anonymous visitors (expo.page_cache) counts every view it answers.
    repeat_on_hit("engagement.record", kind, booth.id, product_id, document_id)
    if not is_countable_request():
        return False
    user_id = None
    if current_user.is_authenticated:
        if can_edit_booth(current_user, booth):
            return False
        user_id = current_user.id
        visitor = visitor_hash(f"user:{user_id}")
    else:
        visitor = visitor_hash(f"cookie:{anonymous_visitor_token()}")
    return _append_event(kind, booth.id, product_id, document_id, user_id, visitor)


@repeatable("engagement.record")
def record_cached_view(kind: str, booth_id: int, product_id: int | None, document_id: int | None) -> bool:
    """record() for a page answered from the page cache, which only anonymous visitors are: the
    booth was published when the page was kept (a change since would have forgotten it)."""
    if not is_countable_request() or current_user.is_authenticated:
        return False
    visitor = visitor_hash(f"cookie:{anonymous_visitor_token()}")
    return _append_event(kind, booth_id, product_id, document_id, None, visitor)


def _append_event(
    kind: str, booth_id: int, product_id: int | None, document_id: int | None, user_id: int | None, visitor: str
) -> bool:
    event = {
        "key": str(uuid.uuid4()),
        "kind": kind,
        "booth": booth_id,
        "product": product_id,
        "document": document_id,
        "user": user_id,
        "visitor": visitor,
        "at": utcnow().isoformat(),
    }
    # Queued for this process's writing thread: the page does not wait on the buffer.
    return current_buffer().append_soon(event)


def is_countable_request() -> bool:
    """A person looking, not a robot or a browser fetching a page the person may never open."""
    environ = request.environ
    if _is_robot(environ.get("HTTP_USER_AGENT", "")):
        return False
    purpose = (environ.get("HTTP_SEC_PURPOSE", "") + environ.get("HTTP_PURPOSE", "")).lower()
    return "prefetch" not in purpose


# Visitors' browsers repeat the same few User-Agents: the pattern (some 20 µs a page view) runs once
# for each.
@functools.lru_cache(maxsize=1024)
def _is_robot(agent: str) -> bool:
    return not agent or _ROBOT.search(agent) is not None


def visitor_hash(identity: str) -> str:
    """A keyed hash naming a visitor consistently without storing who they are (or their cookie)."""
    return hmac.new(_visitor_key(current_app.config["SECRET_KEY"]), identity.encode(), sha256).hexdigest()


@functools.lru_cache(maxsize=8)
def _visitor_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"expo.engagement.visitor", sha256).digest()


def anonymous_visitor_token() -> str:
    """The visitor cookie's random value, minted (and set on this response) when missing or malformed."""
    token = g.get("expo_visitor_token")
    if token:
        return token
    token = request.cookies.get(VISITOR_COOKIE, "")
    if not _VISITOR_TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(18)
        secure = current_app.config["SESSION_COOKIE_SECURE"]

        @after_this_request
        def _remember_visitor(response):
            response.set_cookie(
                VISITOR_COOKIE,
                token,
                max_age=VISITOR_COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=secure,
                path="/",
            )
            return response

    g.expo_visitor_token = token
    return token


def current_visitor_key() -> str:
    """Who is asking, for rate limits: the account, else the visitor cookie, else the address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    token = request.cookies.get(VISITOR_COOKIE, "")
    if _VISITOR_TOKEN.fullmatch(token):
        return f"visitor:{token}"
    return f"address:{request.remote_addr or 'unknown'}"


# --------------------------------------------------------------------------------------------
# Storing: the drain task writes buffered events in batches.


def store_events(events: Iterable[dict[str, Any]]) -> int:
    """Insert buffered events into engagement_events; returns how many were new.

    An event already stored (the same batch written twice after a drainer died before trimming)
    is skipped by its unique ``event_key``. Events for booths or products deleted since they were
    buffered are dropped, and a deleted brochure or account is forgotten, as the foreign keys
    would have done had the rows been there first.
    """
    rows: dict[str, dict[str, Any]] = {}
    for event in events:
        row = _event_row(event)
        if row is not None:
            rows.setdefault(row["event_key"], row)
    if not rows:
        return 0
    kept = _without_vanished_references(list(rows.values()))
    if not kept:
        return 0
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = EngagementEvent.__table__
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c.event_key]).returning(table.c.id)
    return len(db.session.execute(statement, kept).all())


def _event_row(event: dict[str, Any]) -> dict[str, Any] | None:
    try:
        row = {
            "event_key": str(event["key"]),
            "kind": str(event["kind"]),
            "booth_id": int(event["booth"]),
            "product_id": _optional_id(event.get("product")),
            "document_id": _optional_id(event.get("document")),
            "user_id": _optional_id(event.get("user")),
            "visitor": str(event["visitor"]),
            "occurred_at": datetime.fromisoformat(str(event["at"])),
        }
    except (KeyError, TypeError, ValueError):
        log.warning("engagement event skipped, it is malformed: %r", event)
        return None
    if (
        row["kind"] not in EngagementEvent.KINDS
        or not 0 < len(row["event_key"]) <= 36
        or not 0 < len(row["visitor"]) <= 64
        or row["occurred_at"].tzinfo is None
    ):
        log.warning("engagement event skipped, it is malformed: %r", event)
        return None
    return row


def _optional_id(value: Any) -> int | None:
    return None if value is None else int(value)


def _without_vanished_references(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def owners(model, ids: set[int]) -> dict[int, int]:
        """id -> booth id of the rows that still exist."""
        if not ids:
            return {}
        return {
            id_: booth_id
            for id_, booth_id in db.session.execute(select(model.id, model.booth_id).where(model.id.in_(ids)))
        }

    def present(model, ids: set[int]) -> set[int]:
        return set(db.session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()

    booths = present(Booth, {row["booth_id"] for row in rows})
    products = owners(Product, {row["product_id"] for row in rows} - {None})
    documents = owners(BoothDocument, {row["document_id"] for row in rows} - {None})
    users = present(User, {row["user_id"] for row in rows} - {None})
    kept = []
    for row in rows:
        if row["booth_id"] not in booths:
            continue
        if row["product_id"] is not None and products.get(row["product_id"]) != row["booth_id"]:
            continue
        if row["document_id"] is not None and documents.get(row["document_id"]) != row["booth_id"]:
            row["document_id"] = None
        if row["user_id"] not in users:
            row["user_id"] = None
        kept.append(row)
    return kept


# --------------------------------------------------------------------------------------------
# Favourites.


@dataclass(frozen=True)
class SavedIds:
    """Which of a page's booths and products the viewer has saved."""

    booths: frozenset[int] = frozenset()
    products: frozenset[int] = frozenset()


def _require_member(user: User | None) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise FavouriteError(_("Log in to save favourites."))


def _target_filter(target: Booth | Product):
    if isinstance(target, Booth):
        return Favourite.booth_id == target.id
    return Favourite.product_id == target.id


def _booth_of(target: Booth | Product) -> Booth:
    return target if isinstance(target, Booth) else target.booth


def find_favourite(user: User, target: Booth | Product) -> Favourite | None:
    return db.session.scalar(select(Favourite).where(Favourite.user_id == user.id, _target_filter(target)))


def add_favourite(user: User, target: Booth | Product) -> Favourite:
    """Save a booth or a product for ``user``; saving it again returns the one already saved."""
    _require_member(user)
    if not _booth_of(target).is_published:
        raise FavouriteError(_("Only booths and products on show can be saved."))
    existing = find_favourite(user, target)
    if existing is not None:
        return existing
    favourite = Favourite(
        user_id=user.id,
        booth_id=target.id if isinstance(target, Booth) else None,
        product_id=target.id if isinstance(target, Product) else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(favourite)
    except IntegrityError:
        # A double click: the other request saved it between our look and our insert.
        return find_favourite(user, target)
    return favourite


def remove_favourite(user: User, target: Booth | Product) -> bool:
    """Forget a saved booth or product; True if it was saved (removing twice is not an error)."""
    _require_member(user)
    result = db.session.execute(delete(Favourite).where(Favourite.user_id == user.id, _target_filter(target)))
    return result.rowcount > 0


def _on_show(query: Select) -> Select:
    """Only favourites whose booth is published: a suspended booth's products vanish with it."""
    return (
        query.outerjoin(Product, Favourite.product_id == Product.id)
        .join(Booth, Booth.id == func.coalesce(Favourite.booth_id, Product.booth_id))
        .where(Booth.status == Booth.Status.PUBLISHED)
    )


FAVOURITE_KINDS = ("booths", "products")


def favourites_of(user: User, kind: str | None = None) -> Select:
    """``user``'s saved booths and products that are on show, newest first, with what their cards show.

    Paginate it: the cards' companies, images and categories load in a constant number of queries.
    """
    query = _on_show(select(Favourite).where(Favourite.user_id == user.id))
    if kind == "booths":
        query = query.where(Favourite.booth_id.is_not(None))
    elif kind == "products":
        query = query.where(Favourite.product_id.is_not(None))
    return query.options(
        selectinload(Favourite.booth).joinedload(Booth.company),
        selectinload(Favourite.product).options(
            selectinload(Product.images),
            selectinload(Product.category),
            joinedload(Product.booth).joinedload(Booth.company),
        ),
    ).order_by(Favourite.created_at.desc(), Favourite.id.desc())


def favourite_counts(user: User) -> dict[str, int]:
    """How many booths and products ``user`` has saved that are on show, in one query."""
    query = _on_show(
        select(func.count(Favourite.booth_id), func.count(Favourite.product_id)).where(Favourite.user_id == user.id)
    )
    booths, products = db.session.execute(query).one()
    return {"booths": booths, "products": products}


def saved_ids(
    user: User | None, products: Iterable[Product | int] = (), booths: Iterable[Booth | int] = ()
) -> SavedIds:
    """Which of these products and booths (objects or ids) ``user`` has saved, in one query for a page of cards."""
    product_ids = {getattr(item, "id", item) for item in products}
    booth_ids = {getattr(item, "id", item) for item in booths}
    if user is None or not user.is_authenticated or not (product_ids or booth_ids):
        return SavedIds()
    conditions = []
    if booth_ids:
        conditions.append(Favourite.booth_id.in_(booth_ids))
    if product_ids:
        conditions.append(Favourite.product_id.in_(product_ids))
    rows = db.session.execute(
        select(Favourite.booth_id, Favourite.product_id).where(Favourite.user_id == user.id, or_(*conditions))
    ).all()
    return SavedIds(
        booths=frozenset(b for b, _p in rows if b is not None), products=frozenset(p for _b, p in rows if p is not None)
    )
