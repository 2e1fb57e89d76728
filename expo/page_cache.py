"""Whole public pages for anonymous visitors, rendered once and served from a shared store until
the next commit that changes anything they could show.

During an edition thousands of visitors read the same booths, products and programme; rendering
each view cost 10-35 ms of CPU (bench/README.md, "pages"). A view marked ``@cached_page`` is kept,
for visitors who are not signed in, under a key made of everything that changes its output:

- the address with its query string, and the host it was asked on;
- the language and the time zone the page is shown in;
- the current minute: times of day ("live now", "closed now, opens at 09:00", a session's start)
  change what a page says at a minute's turn, so a page is never kept into the next minute;
- whether the development outbox link shows (it depends on the visitor's address).

Every entry carries the **generation** it was rendered at, read before rendering. Any commit that
writes a table a public page may show (every table but the few in ``_NOT_SHOWN``, whatever the
session: a request's, a worker's task, a command) increments the generation in the shared store
after the commit, so the next request on any web process renders afresh: Redis (``REDIS_URL``) in
production, a SQLite file of its own in the instance folder in the embedded default.

What is personal never enters an entry. Signed-in people are never served from it (their header,
bell, favourites and registrations are theirs) and neither is a visitor with a message waiting
(flashed). The CSRF tokens a page carries (the language picker) are rendered as a placeholder and
replaced by this visitor's own token on every answer. What a view does besides rendering, such as
counting the visit for the booth's analytics, is named by the view (``repeat_on_hit``) and done
again for every answer served from the store. An answer carries an ETag (the page's content and
the visitor's CSRF secret): a browser that already has the page gets 304 without a body.

**Signed-in pages.** A few pages people open again and again are personal through and through (a
buyer's agenda, a team's lead inbox: ``@cached_personal_page``). They are kept per person: the key
also names who is signed in, and only that person, signed in, is ever answered with the entry. Such a
page may show what no public page shows (their notifications, read marks, favourites), so these
entries have a generation of their own, which goes up on every commit that writes any table but the
few no page shows at all (``_NOT_SHOWN_ANYWHERE``: the audit trail, e-mails on their way, webhook
deliveries, sent reminders): whatever changed their roles, their team, their registrations or their
inquiries, the next request renders afresh. The view itself is what checks who may see the page:
an entry is only kept from a 200 the view answered to that person, and any change to who may see it
is a commit that forgets it. Entries live at most until the minute's turn, in the same store as the
public pages (Redis, or the instance folder's SQLite file: the places the app already trusts with
sessions' work), and signed-in pages still go out with ``Cache-Control: no-store``.

A store that fails (Redis unreachable, the SQLite file busy) costs the render, never the page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.elements import TextClause

from expo.lib.side_stores import SQLiteFile, fail_fast_redis, per_app

log = logging.getLogger(__name__)

_EXTENSION = "expo.page_cache"
# session.info key: the audiences whose kept pages this transaction wrote something for.
_CHANGED = "expo.page_cache_changed"
# What a cached page holds in place of the visitor's CSRF token; only letters and underscores, so
# it reads the same wherever it is escaped.
CSRF_PLACEHOLDER = "__expo_page_cache_csrf_token__"
# After a failure the store is not tried again for this long: a Redis that times out must not add
# its timeout to every page view.
RETRY_AFTER_FAILURE_SECONDS = 5.0
# Tables no anonymous page shows: writing them (a page view's counters, a signed-in person's
# notifications, e-mails, the audit trail) leaves every public page as it is, and forgets the
# signed-in pages unless no page shows them at all (_NOT_SHOWN_ANYWHERE). Anything else, a table
# added later included, forgets every page.
_NOT_SHOWN = frozenset(
    {
        "audit_entries",
        "api_tokens",
        "outbox_messages",
        "notifications",
        "notification_preferences",
        "inquiry_read_marks",
        "inquiry_notes",
        "lead_reports",
        "engagement_events",
        "favourites",
        "webhook_subscriptions",
        "webhook_deliveries",
        "webhook_attempts",
        "sent_reminders",
        "meeting_reminders",
        "broadcasts",
        "broadcast_recipients",
        "recommendations",
    }
)
# Tables no page shows, public or personal: writing them forgets no page at all.
_NOT_SHOWN_ANYWHERE = frozenset(
    {
        "audit_entries",
        "outbox_messages",
        "webhook_deliveries",
        "webhook_attempts",
        "sent_reminders",
        "meeting_reminders",
    }
)
# Who a kept page is for; each has its own generation in the store.
PUBLIC, PERSONAL = "public", "personal"
AUDIENCES = (PUBLIC, PERSONAL)
# Headers a view sets that belong to the page (its type, a video page's CSP); cookies and Vary are
# the answer's, added again for every visitor.
_KEPT_HEADERS = frozenset({"content-type", "content-security-policy", "content-language", "link"})
# Statements written as text that only read (or set up the connection).
_READS = ("SELECT", "WITH", "SET", "SHOW", "EXPLAIN", "ANALYZE", "VACUUM", "PRAGMA")
# How long a CSRF token signed for a session's secret is given again (_csrf_token), and for how many
# sessions at most a process keeps one.
TOKEN_REUSE_SECONDS = 60.0
_SIGNED_TOKENS, _SIGNED_TOKENS_KEPT = "expo.page_cache.signed_csrf_tokens", 4096
# What a cached answer may do again for each visitor: name -> function of the recorded arguments.
_REPEATS: dict[str, Callable[..., Any]] = {}


# --- the stores ----------------------------------------------------------------------------------


class PageStore(ABC):
    def __init__(self) -> None:
        self._retry_at = 0.0
        self._warned_at = -60.0

    def lookup(self, key: str, audience: str = PUBLIC) -> tuple[int | None, bytes | None]:
        """(the ``audience``'s current generation, the entry under ``key`` or None); (None, None)
        when the store cannot answer (then nothing is served from it nor kept in it)."""
        if time.monotonic() < self._retry_at:
            return None, None
        try:
            generation, entry = self._lookup(key, audience)
        except Exception as exc:  # noqa: BLE001 - a page must never fail for its cache's sake
            self._failed(exc)
            return None, None
        return int(generation or 0), entry

    def keep(self, key: str, entry: bytes, seconds: int) -> None:
        if time.monotonic() < self._retry_at:
            return
        try:
            self._keep(key, entry, seconds)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)

    def forget(self, audiences: Iterable[str] = AUDIENCES) -> None:
        """Every page kept so far for these audiences is out of date (their generations go up). A
        failure is logged as an error: pages may then be served unchanged until their minute is over."""
        try:
            self._bump(sorted(audiences))
        except Exception:
            log.exception("page cache: could not mark cached pages out of date")

    def forget_all(self) -> None:
        self.forget(AUDIENCES)

    def _failed(self, exc: Exception) -> None:
        self._retry_at = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
        if time.monotonic() - self._warned_at >= 60:
            self._warned_at = time.monotonic()
            log.warning("page cache unavailable, pages are rendered for every request: %s", exc)

    @abstractmethod
    def _lookup(self, key: str, audience: str) -> tuple[int | bytes | None, bytes | None]: ...

    @abstractmethod
    def _keep(self, key: str, entry: bytes, seconds: int) -> None: ...

    @abstractmethod
    def _bump(self, audiences: list[str]) -> None: ...


class RedisPageStore(PageStore):
    """Entries as Redis strings that expire; each audience's generation a counter; one round trip a
    lookup."""

    def __init__(self, url: str, prefix: str = "expo:pages:") -> None:
        super().__init__()
        self.client = fail_fast_redis(url)
        self.prefix = prefix
        # The public pages' counter keeps the name it always had.
        self.generation_keys = {PUBLIC: prefix + "generation", PERSONAL: prefix + "generation:personal"}

    def _lookup(self, key: str, audience: str) -> tuple[bytes | None, bytes | None]:
        generation, entry = self.client.mget(self.generation_keys[audience], self.prefix + key)
        return generation, entry

    def _keep(self, key: str, entry: bytes, seconds: int) -> None:
        self.client.set(self.prefix + key, entry, ex=seconds)

    def _bump(self, audiences: list[str]) -> None:
        pipeline = self.client.pipeline(transaction=False)
        for audience in audiences:
            pipeline.incr(self.generation_keys[audience])
        pipeline.execute()


class SQLitePageStore(PageStore):
    """The embedded default: a SQLite file of its own beside the engagement buffer's."""

    BUSY_TIMEOUT_SECONDS = 0.25
    _SCHEMA = """
    CREATE TABLE IF NOT EXISTS generations (audience TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT OR IGNORE INTO generations (audience, value) VALUES ('public', 0), ('personal', 0);
    CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, expires_at REAL NOT NULL, entry BLOB NOT NULL);
    """

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self._file = SQLiteFile(path, self._SCHEMA, self.BUSY_TIMEOUT_SECONDS)
        self._kept = 0

    def _lookup(self, key: str, audience: str) -> tuple[int | None, bytes | None]:
        row = (
            self._file.connection()
            .execute(
                "SELECT (SELECT value FROM generations WHERE audience = ?), "
                "(SELECT entry FROM pages WHERE key = ? AND expires_at > ?)",
                (audience, key, _now()),
            )
            .fetchone()
        )
        return row[0], row[1]

    def _keep(self, key: str, entry: bytes, seconds: int) -> None:
        connection = self._file.connection()
        now = _now()
        connection.execute(
            "INSERT OR REPLACE INTO pages (key, expires_at, entry) VALUES (?, ?, ?)", (key, now + seconds, entry)
        )
        self._kept += 1
        if self._kept % 200 == 0:  # entries of past minutes, now and then
            connection.execute("DELETE FROM pages WHERE expires_at <= ?", (now,))

    def _bump(self, audiences: list[str]) -> None:
        marks = ", ".join("?" for _ in audiences)
        for attempt in range(20):  # a bump must not be lost to a busy moment: wait up to some 5 s
            try:
                self._file.connection().execute(
                    f"UPDATE generations SET value = value + 1 WHERE audience IN ({marks})",  # noqa: S608 - only "?"s
                    audiences,
                )
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or attempt == 19:
                    raise


def build_store(config: dict[str, Any]) -> PageStore:
    if config.get("REDIS_URL"):
        return RedisPageStore(config["REDIS_URL"])
    return SQLitePageStore(config["PAGE_CACHE_PATH"])


def current_store(app: Flask | None = None) -> PageStore:
    return per_app(app, _EXTENSION, build_store)


def forget_pages(app: Flask | None = None) -> None:
    """Every cached page is out of date: for changes made outside the ORM's session events
    (a TRUNCATE, a restore)."""
    current_store(app).forget_all()


# --- marking views -------------------------------------------------------------------------------


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep this view's pages for anonymous visitors (see the module's docstring). The view renders
    as it always did; ``repeat_on_hit`` names what it must do again when served from the store."""
    return _kept_for(PUBLIC, view)


def cached_personal_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep this signed-in view's pages per person, for that person only (see the module's
    docstring). Put it outside ``login_required``: the view still checks who may see what."""
    return _kept_for(PERSONAL, view)


def _kept_for(audience: str, view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def rendering(*args: Any, **kwargs: Any) -> Any:
        slot = g.pop("expo_page_slot", None)
        if slot is None:
            return view(*args, **kwargs)
        key, generation = slot
        g.csrf_token = CSRF_PLACEHOLDER  # flask_wtf's per-request token: every form gets the placeholder
        g.expo_page_repeats = []
        try:
            response = current_app.make_response(view(*args, **kwargs))
        finally:
            repeats = g.pop("expo_page_repeats")
            g.pop("csrf_token", None)  # an error page, or this visitor's copy, gets a real token
        body = response.get_data()
        if _keepable(response):
            head = {
                "generation": generation,
                "status": response.status_code,
                "headers": [[name, value] for name, value in response.headers.items() if name.lower() in _KEPT_HEADERS],
                "repeats": repeats,
                "etag": hashlib.blake2b(body, digest_size=12).hexdigest(),
            }
            current_store().keep(key, json.dumps(head).encode() + b"\n" + body, _seconds_left_in_minute())
            _personalise(response, body, head["etag"])
        elif CSRF_PLACEHOLDER.encode() in body:
            response.set_data(body.replace(CSRF_PLACEHOLDER.encode(), _csrf_token().encode()))
        return response

    rendering.expo_cached_page = audience  # type: ignore[attr-defined]
    return rendering


def repeatable(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``function`` as something a cached page may do again (by ``name``, with JSON args)."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _REPEATS[name] = function
        return function

    return register


def repeat_on_hit(name: str, *args: Any) -> None:
    """Inside a view being cached: do ``name(*args)`` again for every answer served from the store."""
    repeats = g.get("expo_page_repeats")
    if repeats is not None:
        repeats.append([name, list(args)])


# --- serving -------------------------------------------------------------------------------------


def serve_from_store() -> Response | None:
    """Before every request: the cached answer, if this request may have one and one is there.
    Otherwise notes the key for the view (which keeps what it renders) and returns None."""
    endpoint = request.endpoint
    if endpoint is None or request.method != "GET" or not current_app.config["PAGE_CACHE"]:
        return None
    audience = getattr(current_app.view_functions.get(endpoint), "expo_cached_page", None)
    if audience is None or "_flashes" in session:
        return None
    signed_in = current_user.is_authenticated
    if signed_in != (audience == PERSONAL):
        return None  # a public page for a signed-in person is theirs; a personal one needs a person
    key = page_key(current_user.get_id() if signed_in else None)
    generation, entry = current_store().lookup(key, audience)
    if generation is None:
        return None
    if entry is not None:
        head_line, _, body = entry.partition(b"\n")
        head = json.loads(head_line)
        if head["generation"] == generation:
            for name, args in head["repeats"]:
                _REPEATS[name](*args)
            response = Response(status=head["status"], headers=head["headers"])
            _personalise(response, body, head["etag"])
            return response
    g.expo_page_slot = (key, generation)
    return None


def page_key(person: str | None = None) -> str:
    """What the page's output depends on besides the data, hashed. Read from the WSGI environment
    as it arrived (the address as sent, not decoded again for each visitor)."""
    from expo.permissions import can_see_dev_outbox

    environ = request.environ
    parts = (
        environ["wsgi.url_scheme"],
        request.host,
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        str(get_locale()),
        get_timezone().zone,
        int(_now() // 60),
        can_see_dev_outbox(current_app.config, request.remote_addr),
        person,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _now() -> float:
    """The wall clock (shared by every process), in seconds."""
    return time.time()


def _seconds_left_in_minute() -> int:
    return max(1, 61 - int(_now()) % 60)


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not session.modified
        and "_flashes" not in session
        # A view that wrote without committing would keep what may yet be rolled back.
        and not _session_has_changes()
    )


def _session_has_changes() -> bool:
    from expo.extensions import db

    return bool(db.session.info.get(_CHANGED))


def _csrf_token() -> str:
    """This visitor's CSRF token. The one signed for their session's secret in the last minute, on
    this process, is given again: signing (itsdangerous) was some 0.1 ms of every kept page served,
    and a token bound to the same secret tells nobody anything new. With ``WTF_CSRF_TIME_LIMIT`` set
    a reused token expires at most a minute sooner."""
    from flask_wtf.csrf import generate_csrf

    secret = session.get("csrf_token")
    if not isinstance(secret, str):
        return generate_csrf()  # a first visit: flask_wtf makes the secret
    signed = current_app.extensions.setdefault(_SIGNED_TOKENS, {})
    now = time.monotonic()
    kept = signed.get(secret)
    if kept is not None and now - kept[1] < TOKEN_REUSE_SECONDS:
        g.csrf_token = kept[0]  # what generate_csrf answers for the rest of this request
        return kept[0]
    token = generate_csrf()
    if len(signed) >= _SIGNED_TOKENS_KEPT:
        signed.clear()
    signed[secret] = (token, now)
    return token


def _personalise(response: Response, body: bytes, page_etag: str) -> None:
    """This visitor's copy: their CSRF token in place of the placeholder, an ETag for both, and 304
    when their browser already has it."""
    placeholder = CSRF_PLACEHOLDER.encode()
    secret = ""
    if placeholder in body:
        token = _csrf_token()
        secret = session.get("csrf_token", "")
        body = body.replace(placeholder, token.encode())
    etag = page_etag + "-" + hashlib.blake2b(secret.encode(), digest_size=6).hexdigest()
    response.set_etag(etag)
    # Browsers ask again every time (a change shows at once); shared caches never keep a page with
    # someone's token in it. Written as text: the parsed header object costs more than the page.
    response.headers["Cache-Control"] = "private, no-cache"
    if etag in request.if_none_match:
        response.status_code = 304
        response.set_data(b"")
        for name in ("Content-Type", "Content-Length"):
            response.headers.pop(name, None)
    else:
        response.set_data(body)


# --- forgetting ----------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    from expo.extensions import limiter

    app.before_request(serve_from_store)
    # No kept page carries a rate limit (tests/http/test_page_cache.py checks it): the limiter need
    # not work that out again for every view of one, some 0.2 ms of CPU each time.
    limiter.request_filter(is_kept_page_request)


def is_kept_page_request() -> bool:
    """This request is for a view whose pages are kept (``cached_page``, ``cached_personal_page``)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "expo_cached_page", None) is not None


def _audiences_shown(table_name: str | None) -> frozenset[str]:
    """Whose kept pages may show what is in ``table_name`` (None: a statement naming no table)."""
    if table_name is None or table_name not in _NOT_SHOWN:
        return _EVERYBODY
    if table_name in _NOT_SHOWN_ANYWHERE:
        return _NOBODY
    return _SIGNED_IN


_EVERYBODY, _SIGNED_IN, _NOBODY = frozenset(AUDIENCES), frozenset({PERSONAL}), frozenset()


def _mark(session: Session, audiences: frozenset[str]) -> None:
    if audiences:
        session.info[_CHANGED] = session.info.get(_CHANGED, _NOBODY) | audiences


# Whatever session makes a change (a request's, a task's, a command's) marks its transaction with
# the audiences whose pages it may change; its commit forgets those pages, on every process.
@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _flush_context: UOWTransaction) -> None:
    if session.info.get(_CHANGED) == _EVERYBODY:
        return
    for group in (session.new, session.dirty, session.deleted):
        for obj in group:
            _mark(session, _audiences_shown(getattr(obj, "__tablename__", None)))


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.session.info.get(_CHANGED) == _EVERYBODY:
        return
    if state.is_insert or state.is_update or state.is_delete:
        _mark(state.session, _audiences_shown(getattr(getattr(state.statement, "table", None), "name", None)))
    elif isinstance(state.statement, TextClause):
        # Statements written as text: anything but a read may change what a page shows.
        words = state.statement.text.lstrip().upper()
        if not words.startswith(_READS):
            _mark(state.session, _EVERYBODY)


@event.listens_for(Session, "after_commit")
def _forget_changed(session: Session) -> None:
    audiences = session.info.pop(_CHANGED, None)
    if audiences and has_app_context() and current_app.config.get("PAGE_CACHE"):
        current_store().forget(audiences)


@event.listens_for(Session, "after_soft_rollback")
def _drop_mark(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing was committed
        session.info.pop(_CHANGED, None)
