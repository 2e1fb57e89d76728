"""What every API endpoint shares: the OpenAPI-generating extension, token authentication and
scopes, RFC 9457 problem details, signed cursors, conditional GETs, CORS for public reads, the
per-token rate limit and the language translated fields are given in."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar

import flask_smorest
from flask import Flask, Response, abort, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_smorest.spec import prepare_response
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse as parse_limit
from sqlalchemy import Select, tuple_
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from expo.accounts.models import User
from expo.api.models import ApiToken
from expo.extensions import csrf, db, limiter
from expo.lib.rules import RuleBroken

PREFIX = "/api/v1"
PROBLEM_MIMETYPE = "application/problem+json"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_LANGUAGE = re.compile(r"[a-z]{2,3}")


# --- the extension -----------------------------------------------------------------------------------


class ExpoApi(flask_smorest.Api):
    """flask-smorest, with errors left to expo.errors (the site keeps its HTML error pages; the API
    answers problem details) and error responses documented as application/problem+json."""

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class _Parser(FlaskParser):
    # Bad input is a 400 with the fields at fault, as the site's forms answer it.
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = _Parser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per token (or, without one, per client address), for every endpoint of the blueprint.
        limiter.limit(_rate_limit, key_func=rate_limit_key)(self)

    def authenticated(self, scope: str):
        """The view needs a token carrying ``scope`` (401 without a usable token, 403 without the
        scope); the token's person becomes ``g.api_user``, the actor every service is called with."""

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def wrapper(*args, **kwargs):
                token = current_token()
                if token is None:
                    raise ApiProblem(
                        401,
                        _("Send a valid API token: Authorization: Bearer <token>."),
                        kind="token-required",
                        headers={"WWW-Authenticate": 'Bearer realm="expo"'},
                    )
                from expo.api.tokens import allows

                if not allows(token, scope):
                    raise ApiProblem(
                        403,
                        _("This token may not do this: it needs the scope %(scope)s.", scope=scope),
                        kind="scope-missing",
                    )
                g.api_private = True
                return view(*args, **kwargs)

            return self.doc(security=[{"bearerAuth": [scope]}])(wrapper)

        return decorator


def init_app(app: Flask) -> None:
    from expo.api import docs, inquiries, leads, meetings, organize, people, public
    from expo.api.schemas import ProblemSchema

    ExpoApi.ERROR_SCHEMA = ProblemSchema
    app.config.setdefault("API_TITLE", "Expo API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "The Expo platform's data for other programs. Public reads need no token; "
                "everything personal needs `Authorization: Bearer <token>` (see /api/v1/docs)."
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api = ExpoApi(app)
    app.extensions["expo.api"] = api
    for blueprint in (public.bp, people.bp, inquiries.bp, meetings.bp, leads.bp, organize.bp):
        csrf.exempt(blueprint)  # no cookie ever authenticates here: only the Authorization header
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    app.register_blueprint(docs.bp)
    app.before_request(_forget_token)
    app.after_request(_api_headers)


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def rate_limit_key() -> str:
    """Per token (by its hash: the limiter runs before the token is looked up); per client address
    for requests without one."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    from expo.extensions import client_address

    return "api-address:" + client_address()


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


# --- authentication ---------------------------------------------------------------------------------


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _forget_token() -> None:
    g.pop("api_token", None)


def current_token() -> ApiToken | None:
    """The request's usable token (looked up once per request), its use written down."""
    if "api_token" in g:
        return g.api_token
    from expo.api import tokens

    secret = bearer_secret()
    token = tokens.token_for(secret) if secret else None
    if token is not None:
        token_id = token.id
        # The look-up only read: end that transaction, then write the use in one of its own, so
        # that on SQLite it takes the write lock first (expo.transactions) and commits at once,
        # whatever the view does next.
        db.session.commit()
        if tokens.record_use(token_id):
            db.session.commit()
        token = db.session.get(ApiToken, token_id)
    g.api_token = token
    g.api_user = token.user if token is not None else None
    return token


def actor() -> User:
    return g.api_user


def within_person_cap(cap: str, scope: str) -> None:
    """Count one more of the token's person's writes that reach other people (an inquiry, a meeting
    request) against ``cap``, the cap the page that does the same has: per person whatever token
    they use (so more tokens send no more), 429 with Retry-After past it."""
    item = parse_limit(cap)
    key = ("api-person", scope, str(actor().id))
    if not limiter.enabled or limiter.limiter.hit(item, *key):
        return
    reset_at = limiter.limiter.get_window_stats(item, *key).reset_time
    raise ApiProblem(
        429,
        _("Too many of these at once: at most %(limit)s for one person. Wait, then try again.", limit=cap),
        kind="rate-limited",
        headers={"Retry-After": str(max(1, int(reset_at - time.time()) + 1))},
    )


# --- problems ---------------------------------------------------------------------------------------


_Found = TypeVar("_Found")


def found_or_404(row: _Found | None, message: str, **belongs_to: object) -> _Found:
    """``row``, the object the address names, when there is one and it belongs where the path says
    (each attribute in ``belongs_to`` has that value: ``booth_id=booth.id``); otherwise 404 with
    ``message``: another booth's, edition's or person's object is not acknowledged, as on the pages."""
    if row is None or any(getattr(row, name) != value for name, value in belongs_to.items()):
        abort(404, message)
    return row


class ApiProblem(Exception):
    """An answer that is a problem: status, a sentence for people, and (for bad input) the fields at fault."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.errors = errors
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"{PREFIX}/docs#problem-{kind}" if kind else "about:blank",
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_for(error: Exception) -> Response:
    """The problem details answering ``error`` raised while serving an API address."""
    from expo.permissions import NotAllowed

    if isinstance(error, ApiProblem):
        return problem_response(error.status, error.detail, kind=error.kind, errors=error.errors, headers=error.headers)
    if isinstance(error, RuleBroken):
        db.session.rollback()
        errors = {error.field: [str(error)]} if error.field else None
        if isinstance(getattr(error, "errors", None), dict):  # several fields at once (a forum's questions)
            errors = {f"answers.{key}": [str(message)] for key, message in error.errors.items()}
        return problem_response(error.status, str(error), kind="rule-broken", errors=errors)
    if isinstance(error, NotAllowed):
        db.session.rollback()
        return problem_response(403, str(error) or _("This token's person may not do this."), kind="not-allowed")
    if isinstance(error, HTTPException):
        return _http_problem(error)
    db.session.rollback()
    return problem_response(500, _("An error on our side stopped this request. It has been logged."))


def _http_problem(error: HTTPException) -> Response:
    code = error.code or 500
    headers: dict[str, str] = {}
    if code == 429:
        headers["Retry-After"] = str(_retry_after_seconds())
        return problem_response(
            429,
            _(
                "Too many requests: this token (or address) is over %(limit)s. Wait, then try again.",
                limit=current_app.config["API_RATE_LIMIT"],
            ),
            kind="rate-limited",
            headers=headers,
        )
    if code == 405:
        headers["Allow"] = ", ".join(error.valid_methods or ()) if getattr(error, "valid_methods", None) else ""
        if not headers["Allow"]:
            headers.pop("Allow")
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        return problem_response(
            code,
            _("Some of what was sent is not valid; see errors."),
            kind="invalid-input",
            errors=_flatten(messages),
            headers=headers,
        )
    description = error.description if error.description != type(error).description else None
    detail = description or {
        404: _("Nothing is at this address."),
        405: _("This address does not accept that method."),
        413: _("The request is larger than the API accepts."),
    }.get(code, HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else "Error")
    return problem_response(code, str(detail), headers=headers)


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' {location: {field: [messages] | {nested...}}} as {"field.nested": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if not prefix and key in ("json", "query", "querystring", "headers", "form", "files", "view_args"):
                flat.update(_flatten(value, ""))
            else:
                flat.update(_flatten(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        flat[prefix or "_schema"] = [str(item) for item in messages]
    elif isinstance(messages, list):
        for index, item in enumerate(messages):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def _retry_after_seconds() -> int:
    current = getattr(limiter, "current_limit", None)
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)


# --- responses: language, caching, CORS ---------------------------------------------------------------


def requested_language(lang: str | None) -> str:
    """``?lang=`` when given, else the first language of Accept-Language, else English."""
    if lang:
        return lang
    for value, _quality in request.accept_languages:
        primary = value.split("-")[0].lower()
        if _LANGUAGE.fullmatch(primary):
            return primary
    return "en"


def _api_headers(response: Response) -> Response:
    if not is_api_request():
        return response
    if g.get("api_private"):
        # Somebody's own data: never kept by a browser or proxy, never readable by another site.
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Authorization")
        for name in [name for name, _value in response.headers.items() if name.startswith("Access-Control-")]:
            del response.headers[name]
    return response


def public_headers(response: Response) -> Response:
    """Public reads: any site may read them (CORS), caches keep them but ask again (ETag)."""
    if response.status_code < 500 and not g.get("api_private"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Link, Retry-After, Content-Language"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match, Accept-Language"
            response.headers["Access-Control-Max-Age"] = "86400"
    if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
        response.cache_control.public = True
        response.cache_control.no_cache = True
        response.vary.add("Accept-Language")
        if response.status_code == 200 and not response.get_etag()[0]:
            # Resources cheap to build get an ETag from their body; lists that search do it before
            # building anything (not_modified_since).
            response.add_etag(weak=True)
            response.make_conditional(request)
    return response


def not_modified(validator: Sequence[Any]) -> Response | None:
    """Answer 304 before anything is built when the client's copy matches ``validator`` (the
    values the body is made from: ids and their last-change times), else remember the ETag for
    the response to carry."""
    digest = hashlib.sha256(repr(tuple(validator)).encode()).hexdigest()[:32]
    etag = f'W/"{digest}"'
    g.api_etag = etag
    if request.if_none_match.contains_weak(digest):
        response = Response(status=304)
        response.headers["ETag"] = etag
        return response
    return None


def with_etag(response: Response) -> Response:
    etag = g.get("api_etag")
    if etag and response.status_code == 200:
        response.headers["ETag"] = etag
    return response


# --- cursors ----------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="expo.api.cursor")


def unknown_cursor() -> ApiProblem:
    """A cursor this list did not give out (forged, mangled, or another list's): a 400 naming it."""
    return ApiProblem(
        400,
        _("This cursor was not given out by this list; start again without it."),
        kind="invalid-input",
        errors={"cursor": [_("Unknown cursor.")]},
    )


def encode_cursor(values: Sequence[Any]) -> str:
    return _serializer().dumps(list(values))


def decode_cursor(cursor: str | None, length: int) -> list[Any] | None:
    """The values a cursor this API gave out carries; a forged or mangled one is a 400."""
    if not cursor:
        return None
    try:
        values = _serializer().loads(cursor)
    except BadSignature:
        values = None
    if not isinstance(values, list) or len(values) != length:
        raise unknown_cursor()
    return values


def keyset_page(
    query: Select,
    keys: Sequence,
    cursor: str | None,
    limit: int,
    *,
    descending: bool = False,
    decode: Callable[[list[Any]], list[Any]] = lambda values: values,
    encode: Callable[[Any], Any] = lambda value: value,
    scalars: bool = True,
) -> tuple[list, str | None]:
    """One page of ``query`` ordered by ``keys`` (unique together, all ascending or all
    descending), after the row the cursor names; and the cursor of the next page (None at the end)."""
    after = decode_cursor(cursor, len(keys))
    if after is not None:
        try:
            after = decode(after)
        except (TypeError, ValueError):
            raise unknown_cursor() from None
        row_key = tuple_(*keys)
        query = query.where(row_key < tuple_(*after) if descending else row_key > tuple_(*after))
    query = query.order_by(None).order_by(*[key.desc() if descending else key for key in keys]).limit(limit + 1)
    rows = list(db.session.scalars(query) if scalars else db.session.execute(query))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([encode(_key_value(last, key)) for key in keys])
    return rows, next_cursor


def moment_values(values: list[Any]) -> list[Any]:
    """A cursor's (day or time, id...) as the keys compare: the first back from its ISO text."""
    first = values[0]
    return [date.fromisoformat(first) if len(first) == 10 else datetime.fromisoformat(first), *values[1:]]


def moment_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def moment_page(
    query: Select, moment, row_id, args: dict, *, scalars: bool = False, descending: bool = True
) -> tuple[list, str | None]:
    """A page of ``query`` by ``moment`` (a day or a time; ties by ``row_id``): latest first for
    inboxes and lists of meetings, in time order for a programme."""
    return keyset_page(
        query,
        [moment, row_id],
        args.get("cursor"),
        args["limit"],
        descending=descending,
        scalars=scalars,
        decode=moment_values,
        encode=moment_text,
    )


def _key_value(row: Any, key) -> Any:
    entity = row[0] if isinstance(row, tuple) or hasattr(row, "_mapping") else row
    return getattr(entity, key.key)


def offset_page(items_or_total: int, cursor: str | None, limit: int) -> tuple[int, str | None]:
    """For lists ranked by something no key follows (a score, a search's relevance): the cursor
    carries the offset. Returns this page's offset and the next page's cursor."""
    after = decode_cursor(cursor, 1)
    offset = 0
    if after is not None:
        if not isinstance(after[0], int) or after[0] < 0:
            raise unknown_cursor()
        offset = after[0]
    next_cursor = encode_cursor([offset + limit]) if items_or_total > offset + limit else None
    return offset, next_cursor
