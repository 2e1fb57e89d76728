"""Expo: the application factory."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import format_decimal, format_percent, get_locale, get_timezone
from flask_login import current_user

from expo.background import init_celery
from expo.config import load_config
from expo.extensions import babel, csrf, db, limiter, login_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Written by `python -m expo.static_files` (the Dockerfile) or by any start that finds it out of date.
STATIC_BUILD_PATH = PROJECT_ROOT / "build" / "static"
# Flask-Migrate's scripts, for `flask db` (expo.commands.init_migrations).
MIGRATIONS_PATH = PROJECT_ROOT / "migrations"
# How much of a SQLite database file a connection reads through a memory map (see _tune_sqlite).
SQLITE_MMAP_BYTES = 1024 * 1024 * 1024


def create_app(overrides: Mapping[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if overrides:
        app.config.from_mapping(overrides)
    configure_logging(app)
    if app.config["TRUSTED_PROXIES"]:
        # Without this, every visitor behind the proxy shares one address and one rate limit.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_language_redirects(app)
    register_static_files(app)
    register_commands(app)
    return app


def freeze_startup_objects() -> None:
    """Tell Python's garbage collector to leave what start-up built alone (for a server process,
    once its app exists).

    Modules, routes, mappers and the catalogues live as long as the process, yet every full
    collection walked all ~200,000 of them again; at the rate a search page allocates, that came to
    some 5 ms a request. Garbage made during start-up is collected first, so none is kept.
    """
    gc.collect()
    gc.freeze()


def configure_logging(app: Flask) -> None:
    level = getattr(logging, app.config["LOG_LEVEL"], logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(level)


def register_extensions(app: Flask) -> None:
    from expo import (
        models,  # noqa: F401 - every table must be known to the metadata
        page_cache,
        uploads,
    )
    from expo.accounts.services import load_user_from_session
    from expo.exhibition import filter_options as search_filter_options
    from expo.i18n import select_locale, select_timezone

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _tune_sqlite(app)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        _tune_postgresql(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(PROJECT_ROOT / "expo" / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_session)
    init_celery(app)
    search_filter_options.init_app(app)
    page_cache.init_app(app)
    uploads.init_app(app)


# None once a transaction holds (or asked for) the write lock; else "begun", then "read".
_SQLITE_DEFERRED_STATE = "expo.deferred_transaction"
_VIEW_DISPATCHED = "expo_view_dispatched"
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})
_NEITHER_READ_NOR_WRITE = frozenset({"SAVEPO", "RELEAS", "ROLLBA"})


class UnmarkedWrite(RuntimeError):
    """A view that writes began its SQLite transaction as a reader (see transactions.writes_database)."""


def _tune_sqlite(app: Flask) -> None:
    """Make SQLite behave: real transactions and savepoints, concurrent readers, queued writers.

    pysqlite's own transaction handling breaks SAVEPOINT (a released savepoint commits), so
    SQLAlchemy's documented recipe takes over: the driver stays in autocommit and we emit BEGIN.
    WAL lets pages read while one writer writes. Writers queue one at a time, which suits the
    embedded mode (production runs on PostgreSQL); expo.transactions says which units of work
    take the write lock up front. The busy timeout is how long a writer queues before failing:
    far longer than any write transaction (milliseconds; slow work happens outside them), short
    enough that a stuck lock surfaces as an error well inside gunicorn's 30 s request timeout.
    """
    from sqlalchemy import event

    from expo.transactions import wants_write_lock

    @app.before_request
    def _note_dispatch() -> None:
        g.setdefault(_VIEW_DISPATCHED, True)

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Pages read through a memory map, not copied by a read() each into the connection's
            # 2 MB cache: a search's statements reread the same matches' rows (100,000 products are
            # a 640 MB file, a row 3-4 KB with its translations), and each reread was a system
            # call. Counting the rows matching `mask*` in a category branch: 13-14 ms -> 5-6 ms.
            # Mapped pages are the operating system's page cache, shared by every connection.
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            # IMMEDIATE takes the write lock up front: a transaction that read and then writes
            # can never hit SQLITE_BUSY on upgrade, and check-then-take (seats, counters) is
            # serialised as SQLite cannot lock rows. Page views begin DEFERRED and never wait.
            immediate = wants_write_lock()
            connection.info[_SQLITE_DEFERRED_STATE] = None  # BEGIN itself is neither read nor write
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN DEFERRED")
            connection.info[_SQLITE_DEFERRED_STATE] = None if immediate else "begun"

        @event.listens_for(engine, "before_cursor_execute")
        def _on_execute(connection, _cursor, statement, _parameters, _context, _executemany):
            # A write in a transaction begun DEFERRED works alone and fails under load: if anyone
            # committed since its first read, SQLite refuses the upgrade at once ("database is
            # locked", no busy timeout). A GET view that writes must be marked writes_database;
            # the tests make a forgotten mark fail, production says it in the log.
            state = connection.info.get(_SQLITE_DEFERRED_STATE)
            if state is None:
                return  # IMMEDIATE, or already holding the write lock
            verb = statement.lstrip()[:6].upper()
            if verb in _NEITHER_READ_NOR_WRITE:
                return  # a savepoint reads nothing: no snapshot is taken
            if verb not in _WRITES:
                connection.info[_SQLITE_DEFERRED_STATE] = "read"
                return
            # Writing now takes the write lock, after the busy timeout if need be; said once.
            connection.info[_SQLITE_DEFERRED_STATE] = None
            if state == "read":
                if not (has_request_context() and g.get(_VIEW_DISPATCHED)):
                    return  # a test's own request context around service calls, not a view
                message = f"{request.endpoint} reads, then writes, in a GET transaction: mark it writes_database"
                if app.testing:
                    raise UnmarkedWrite(message)
                app.logger.error(message)


def _tune_postgresql(app: Flask) -> None:
    """Plan every statement for its own values, without compiling it.

    psycopg prepares a statement run five times on a connection, and PostgreSQL then switches
    to a generic plan, made without the values, when its estimate looks no worse. For search that
    estimate is wrong by far: the best plan depends on how common the words are and how much the
    filters leave (a generic plan made `medical` searches 4 ms -> 23 ms). Planning with the values
    costs a fraction of a millisecond; the statements stay prepared (parsed once).

    And never compile a statement to machine code (JIT): PostgreSQL does for any plan it prices
    above 100,000, which a search over a million products is, and compiling took some 9 ms of
    statements that ran 30-40 ms; none runs long enough to gain it back.
    """
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True  # a SET outside a transaction lasts the whole session
            cursor = dbapi_connection.cursor()
            cursor.execute("SET plan_cache_mode = force_custom_plan")
            cursor.execute("SET jit = off")
            cursor.close()
            dbapi_connection.autocommit = autocommit


def register_url_converters(app: Flask) -> None:
    """Before any rule is added: every <int:...> in an address is an id both databases can hold; and
    no text with a NUL character in it reaches a query."""
    from expo.lib.ranges import IdConverter, refuse_nul_characters

    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_characters)


def register_blueprints(app: Flask) -> None:
    from expo.accounts.routes import bp as accounts_bp
    from expo.admin.routes import bp as admin_bp
    from expo.api import core as api
    from expo.api.pages import bp as api_tokens_bp
    from expo.audit.routes import bp as audit_bp
    from expo.badges.routes import bp as badges_bp
    from expo.badges.routes import mine as my_badges_bp
    from expo.booths.routes import bp as booths_bp
    from expo.broadcasts.routes import bp as broadcasts_bp
    from expo.catalog.routes import bp as catalog_bp
    from expo.checkin.routes import bp as checkin_bp
    from expo.core.routes import bp as core_bp
    from expo.dashboard.routes import bp as dashboard_bp
    from expo.editions.routes import bp as editions_bp
    from expo.engagement.routes import bp as engagement_bp
    from expo.exhibition.routes import bp as exhibition_bp
    from expo.exhibitors.routes import bp as exhibitors_bp
    from expo.forums.routes import bp as forums_bp
    from expo.leads.routes.buyer import bp as inquiries_bp
    from expo.leads.routes.inbox import bp as lead_inbox_bp
    from expo.leads.routes.reports import bp as lead_reports_bp
    from expo.leads.routes.stand import bp as lead_stand_bp
    from expo.leads.routes.stand_app import bp as stand_app_bp
    from expo.matchmaking.hosted_routes import bp as hosted_buyers_bp
    from expo.matchmaking.routes import bp as matchmaking_bp
    from expo.meetings.routes import bp as meetings_bp
    from expo.notifications.routes import bp as notifications_bp
    from expo.organize.lead_reports import bp as organize_lead_reports_bp
    from expo.organize.routes import bp as organize_bp
    from expo.pavilions.routes import bp as pavilions_bp
    from expo.registrations.routes import bp as registrations_bp
    from expo.translating.routes import bp as translating_bp
    from expo.webhooks.routes import bp as webhooks_bp

    for blueprint in (
        core_bp,
        accounts_bp,
        editions_bp,
        forums_bp,
        registrations_bp,
        organize_bp,
        checkin_bp,
        exhibitors_bp,
        admin_bp,
        pavilions_bp,
        booths_bp,
        catalog_bp,
        engagement_bp,
        notifications_bp,
        broadcasts_bp,
        inquiries_bp,
        lead_inbox_bp,
        lead_reports_bp,
        lead_stand_bp,
        stand_app_bp,
        organize_lead_reports_bp,
        exhibition_bp,
        dashboard_bp,
        audit_bp,
        translating_bp,
        meetings_bp,
        matchmaking_bp,
        hosted_buyers_bp,
        webhooks_bp,
        api_tokens_bp,
        badges_bp,
        my_badges_bp,
    ):
        app.register_blueprint(blueprint)
    api.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from expo.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from expo import content_languages, permissions
    from expo.accounts.forms import ConfirmActionForm
    from expo.catalog.display import category_label, minimum_order, price_range
    from expo.i18n import (
        LANGUAGE_PARAMETER,
        LANGUAGES,
        alternate_links,
        catalogue,
        country_name,
        date_range,
        datetime_in_zone,
        format_day,
        in_language,
        lang_attributes,
        language_direction,
        language_tag,
        local_datetime,
    )
    from expo.lib.urls import row_url

    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["datetime_in_zone"] = datetime_in_zone
    app.jinja_env.filters["format_day"] = format_day
    app.jinja_env.globals["date_range"] = date_range
    app.jinja_env.filters["category_label"] = category_label
    app.jinja_env.filters["price_range"] = price_range
    app.jinja_env.filters["minimum_order"] = minimum_order
    app.jinja_env.filters["number"] = format_decimal  # 12,345 / 12.345 by the viewer's locale
    # A share (0.917) as the viewer's locale writes it to one decimal: "91.7%", "91,7%".
    app.jinja_env.filters["share"] = lambda share: format_percent(share, "#,##0.0%")
    app.jinja_env.globals["permissions"] = permissions
    app.jinja_env.globals["row_url"] = row_url
    app.jinja_env.globals["in_language"] = in_language
    app.jinja_env.globals["lang_attributes"] = lang_attributes
    app.jinja_env.globals["language_tag"] = language_tag
    app.jinja_env.globals["language_direction"] = language_direction
    # Translated content: templates show a record's texts through templates/_translated.html.
    app.jinja_env.globals["localized"] = content_languages.localized
    app.jinja_env.globals["localized_html"] = content_languages.localized_html
    app.jinja_env.globals["shown_language"] = content_languages.shown_language
    app.jinja_env.globals["language_label"] = content_languages.language_label
    app.jinja_env.globals["page_language"] = content_languages.page_language
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # The same translations flask_babel installs, taken through the viewer's cached catalogue: its
    # own lambdas find the request's domain and locale again for each of a page's hundreds of strings.
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: catalogue()[0].ugettext(message),
        ngettext=lambda singular, plural, n: catalogue()[0].ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: catalogue()[0].upgettext(context, message),
        npgettext=lambda context, singular, plural, n: catalogue()[0].unpgettext(context, singular, plural, n),
    )

    forum_kinds = {
        "main": _l("Main forum"),
        "sub": _l("Sub-forum"),
        "training": _l("Training course"),
        "promotion": _l("Promotion conference"),
    }

    @app.context_processor
    def _globals():
        if not has_request_context():
            # E-mails rendered by the worker: no page chrome, no forms, no request.
            return {"current_locale": str(get_locale() or "en")}
        return {
            "languages": LANGUAGES,
            "current_locale": str(get_locale() or "en"),
            # hreflang alternates only where anybody may look: a signed-in page is nobody else's.
            "alternate_links": alternate_links if not current_user.is_authenticated else None,
            "language_parameter": LANGUAGE_PARAMETER,
            "current_timezone": get_timezone().zone,
            # formdata=None: never parse the request body here (an error page may be answering a 413).
            "action_form": ConfirmActionForm(formdata=None),
            "dev_outbox_enabled": permissions.can_see_dev_outbox(app.config, request.remote_addr),
            "forum_kinds": forum_kinds,
        }


def content_security_policy(frame_origin: str | None = None) -> str:
    """The site's policy. A page that embeds one video player passes that player's origin, so the
    response allows frames from it and from nowhere else."""
    frame_src = f"'self' {frame_origin}" if frame_origin else "'self'"
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"frame-src {frame_src}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def register_security_headers(app: Flask) -> None:
    # The same for every answer: worked out once (header by header on each answer, with the Vary
    # header parsed and written back twice, it cost more than serving a kept page).
    every_answer = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Content-Security-Policy", content_security_policy()),
    ]
    if app.config["SESSION_COOKIE_SECURE"]:
        every_answer.append(("Strict-Transport-Security", "max-age=31536000"))

    @app.after_request
    def _headers(response):
        headers = response.headers
        for name, value in every_answer:
            if name not in headers:
                headers[name] = value
        if response.mimetype == "text/html" and request.endpoint != "static":
            # A page's language follows the browser's languages and the session (and its times the
            # zone cookie): a shared cache keeps one copy per combination, never one for all.
            if "Vary" in headers:
                response.vary.update(("Accept-Language", "Cookie"))
            else:
                headers["Vary"] = "Accept-Language, Cookie"
        if _is_private(response):
            # A signed-in page shows that person's inbox, tickets or team: no browser or proxy keeps a
            # copy that the next person at a shared computer could bring back (ASVS 8.2.1).
            headers["Cache-Control"] = "no-store"
        return response

    def _is_private(response) -> bool:
        if request.endpoint == "static" or "public" in response.headers.get("Cache-Control", ""):
            return False  # the same files for everyone, cached on purpose
        return current_user.is_authenticated


def register_language_redirects(app: Flask) -> None:
    from expo.i18n import keep_language_on_redirect

    app.after_request(keep_language_on_redirect)


def register_static_files(app: Flask) -> None:
    """Hashed, compressed static files served by WhiteNoise in front of everything else."""
    from expo import static_files

    static_files.init_app(app, STATIC_BUILD_PATH)


def register_commands(app: Flask) -> None:
    from expo.commands import expo_cli, migration_cli

    app.cli.add_command(expo_cli)
    app.cli.add_command(migration_cli)
