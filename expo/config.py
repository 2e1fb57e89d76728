"""Settings read from the environment, with safe defaults for the embedded mode."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many

# Values that are obviously not secret; production refuses to start with them.
WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me", "development", "test"}
MIN_SECRET_KEY_LENGTH = 32
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class ConfigError(RuntimeError):
    """The environment asks for something unsafe or inconsistent."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key_for_development(instance_path: Path) -> str:
    """Generate a key once and keep it in the instance folder, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    try:
        # O_EXCL: when the web server and the worker start together only one writes the key.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(48)
        handle.write(key)
    return key


def load_config(instance_path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config dict from environment variables (see the README for each one).

    An empty variable counts as unset, so `MAIL_PORT=` in a compose file means "the default".
    """
    raw = os.environ if environ is None else environ
    env = {name: value for name, value in raw.items() if value.strip() != ""}
    instance_path.mkdir(parents=True, exist_ok=True)

    expo_env = env.get("EXPO_ENV", "development").strip().lower()
    if expo_env not in {"development", "production"}:
        raise ConfigError(f"EXPO_ENV must be 'development' or 'production', not {expo_env!r}")
    production = expo_env == "production"

    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "5000")
    base_url = env.get("BASE_URL", f"http://{host}:{port}").rstrip("/")

    secret_key = env.get("SECRET_KEY", "")
    if production:
        if secret_key.lower() in WEAK_SECRET_KEYS or len(secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
                "characters in production (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
    elif not secret_key:
        secret_key = _secret_key_for_development(instance_path)

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'expo.sqlite'}"
    # Accept the common postgres:// spellings and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            database_url = "postgresql+psycopg://" + database_url[len(prefix) :]
    if production and database_url.startswith("sqlite"):
        raise ConfigError("DATABASE_URL must point to PostgreSQL in production")

    redis_url = env.get("REDIS_URL", "").strip() or None
    if production and not redis_url:
        raise ConfigError("REDIS_URL must be set in production (broker and shared rate-limit counts)")
    if redis_url:
        broker_url = redis_url
    else:
        # Embedded mode: a broker that needs no server, a SQLite file beside the database.
        broker_url = f"sqla+sqlite:///{instance_path / 'broker.sqlite'}"

    mail_server = env.get("MAIL_SERVER", "").strip() or None
    if production and not mail_server:
        raise ConfigError("MAIL_SERVER must be set in production: without it no e-mail leaves the machine")
    if production and not base_url.startswith("https://") and urlsplit(base_url).hostname not in LOCAL_HOSTS:
        raise ConfigError("BASE_URL must use https:// in production (cookies are Secure and links must work)")
    trusted_proxies = int(env.get("TRUSTED_PROXIES", "0"))
    storage_path = Path(env.get("STORAGE_PATH") or instance_path / "uploads")
    outbox_path = Path(env.get("MAIL_OUTBOX_PATH") or instance_path / "outbox")
    meeting_room_base_url = env.get("MEETING_ROOM_BASE_URL", "https://meet.jit.si/")
    if not meeting_room_base_url.startswith("https://"):
        raise ConfigError("MEETING_ROOM_BASE_URL must be an https:// address (video rooms for online meetings)")
    secure_cookies = production or base_url.startswith("https://")
    # Some development-only pages (the mail outbox) must never be reachable from another machine.
    listens_on_loopback_only = host in LOCAL_HOSTS or host.startswith("127.")

    return {
        "EXPO_ENV": expo_env,
        "PRODUCTION": production,
        "LISTENS_ON_LOOPBACK_ONLY": listens_on_loopback_only,
        "SECRET_KEY": secret_key,
        "BASE_URL": base_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "CELERY": {
            "broker_url": broker_url,
            "task_ignore_result": True,
            "task_serializer": "json",
            "accept_content": ["json"],
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            # Redis redelivers an unacknowledged task (its worker died) after this many seconds;
            # retries are scheduled below it (at most 50 minutes).
            # A scan for such tasks every 10 s, not every 100 s (kombu's default throttle).
            "broker_transport_options": (
                {"visibility_timeout": int(env.get("BROKER_VISIBILITY_TIMEOUT", "3600")), "unacked_restore_throttle": 1}
                if redis_url
                else {}
            ),
            "beat_schedule_filename": str(instance_path / "celerybeat-schedule"),
        },
        # In tests, tasks are recorded instead of sent; the test decides when they run.
        "TASKS_RECORD_ONLY": False,
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL")),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "20")),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Expo <no-reply@expo.localhost>"),
        "MAIL_OUTBOX_PATH": outbox_path,
        # Online meetings of a team without a video room of its own get a new room under this address.
        "MEETING_ROOM_BASE_URL": meeting_room_base_url,
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS", "6")),
        "MAIL_RETRY_BASE_SECONDS": float(env.get("MAIL_RETRY_BASE_SECONDS", "30")),
        "STORAGE_PATH": storage_path,
        # Matchmaking: seconds the worker waits after a profile, offer or catalogue change before it
        # recomputes recommendations, so that a burst of edits is computed once.
        "MATCHMAKING_RECOMPUTE_DELAY": _positive_int(
            "MATCHMAKING_RECOMPUTE_DELAY", env.get("MATCHMAKING_RECOMPUTE_DELAY"), 5
        ),
        # The hosted-buyer scheduler's time limit, in seconds, for one plan.
        "HOSTED_PLAN_TIME_LIMIT": _positive_int("HOSTED_PLAN_TIME_LIMIT", env.get("HOSTED_PLAN_TIME_LIMIT"), 45),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_BYTES", str(25 * 1024 * 1024))),
        # Images (logos, banners, pictures, photos, attachments) with more pixels are refused from their
        # header, before decoding: 40 million is 160 MB of memory once decoded.
        "IMAGE_MAX_PIXELS": _positive_int("IMAGE_MAX_PIXELS", env.get("IMAGE_MAX_PIXELS"), 40_000_000),
        # A file attached to an inquiry or a message of its thread (PDF or image); larger ones are a 413.
        "INQUIRY_ATTACHMENT_MAX_BYTES": int(env.get("INQUIRY_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if base_url.startswith("https://") else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Throttling (expo/accounts/throttle.py): only failed log-ins count, and mails to an address are capped.
        # Failures for one account from one address (or from one known device) before that pair waits.
        "LOGIN_FAILURE_LIMIT": _rate_limit("LOGIN_FAILURE_LIMIT", env.get("LOGIN_FAILURE_LIMIT"), "10 per 15 minutes"),
        "LOGIN_ADDRESS_FAILURE_LIMIT": _rate_limit(
            "LOGIN_ADDRESS_FAILURE_LIMIT", env.get("LOGIN_ADDRESS_FAILURE_LIMIT"), "100 per 15 minutes"
        ),
        # Failures for one account from anywhere before unknown devices wait between tries.
        "LOGIN_SLOWDOWN_AFTER": _rate_limit(
            "LOGIN_SLOWDOWN_AFTER", env.get("LOGIN_SLOWDOWN_AFTER"), "20 per 15 minutes"
        ),
        "LOGIN_SLOWDOWN_MAX_SECONDS": _positive_int(
            "LOGIN_SLOWDOWN_MAX_SECONDS", env.get("LOGIN_SLOWDOWN_MAX_SECONDS"), 60
        ),
        # Confirmation (and, separately, reset) mails one address may be sent.
        "ACCOUNT_MAIL_LIMIT": _rate_limit("ACCOUNT_MAIL_LIMIT", env.get("ACCOUNT_MAIL_LIMIT"), "3 per hour"),
        # Requests per client address.
        "SIGNUP_RATE_LIMIT": _rate_limit("SIGNUP_RATE_LIMIT", env.get("SIGNUP_RATE_LIMIT"), "60 per hour"),
        "RESET_RATE_LIMIT": _rate_limit("RESET_RATE_LIMIT", env.get("RESET_RATE_LIMIT"), "30 per hour"),
        # Requests one API token may make (requests without a token: per client address).
        "API_RATE_LIMIT": _rate_limit("API_RATE_LIMIT", env.get("API_RATE_LIMIT"), "360 per minute"),
        "CONFIRM_TOKEN_MAX_AGE": 3 * 24 * 3600,
        "RESET_TOKEN_MAX_AGE": 3600,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
        # How many reverse proxies stand in front; their X-Forwarded-For/-Proto headers are believed.
        "TRUSTED_PROXIES": trusted_proxies,
        # Page views wait in a buffer (Redis with REDIS_URL, else this file) until the worker writes them.
        "ENGAGEMENT_BUFFER_PATH": instance_path / "engagement-buffer.sqlite",
        # Public pages kept for anonymous visitors until the next change (expo/page_cache.py): in Redis
        # with REDIS_URL, else in this file.
        "PAGE_CACHE": _flag(env.get("PAGE_CACHE"), default=True),
        "PAGE_CACHE_PATH": instance_path / "page-cache.sqlite",
        # Past this many waiting events new ones are dropped, so a stopped worker cannot fill memory or disk.
        "ENGAGEMENT_BUFFER_CAP": _positive_int("ENGAGEMENT_BUFFER_CAP", env.get("ENGAGEMENT_BUFFER_CAP"), 200_000),
        "ENGAGEMENT_TRACK_RATE_LIMIT": env.get("ENGAGEMENT_TRACK_RATE_LIMIT", "30 per minute"),
        # The worker renews this file's time every few seconds without REDIS_URL; /healthz reads it.
        "WORKER_HEARTBEAT_PATH": instance_path / "worker-heartbeat",
        # Set by the embedded supervisor for the one worker it runs (see expo.embedded); nobody else should.
        "SOLE_WORKER": _flag(env.get("EXPO_SOLE_WORKER")),
        # Who organises the expo, as search engines read it in the pages' structured data.
        "ORGANIZER_NAME": env.get("ORGANIZER_NAME", "Expo"),
        # Webhooks: loopback and private addresses (and plain http) only when allowed; development
        # (the embedded setup) allows them unless told otherwise, production refuses them by default.
        "WEBHOOKS_ALLOW_PRIVATE": _flag(env.get("WEBHOOKS_ALLOW_PRIVATE"), default=not production),
        "WEBHOOKS_TIMEOUT_SECONDS": float(env.get("WEBHOOKS_TIMEOUT_SECONDS", "10")),
        "WEBHOOKS_MAX_ATTEMPTS": _positive_int("WEBHOOKS_MAX_ATTEMPTS", env.get("WEBHOOKS_MAX_ATTEMPTS"), 8),
        "WEBHOOKS_RETRY_BASE_SECONDS": float(env.get("WEBHOOKS_RETRY_BASE_SECONDS", "30")),
        "WEBHOOKS_DISABLE_AFTER_FAILURES": _positive_int(
            "WEBHOOKS_DISABLE_AFTER_FAILURES", env.get("WEBHOOKS_DISABLE_AFTER_FAILURES"), 15
        ),
    }


def _rate_limit(name: str, raw: str | None, default: str) -> str:
    """A limit such as "10 per 15 minutes"; a value the limiter cannot read stops the start."""
    value = default if raw is None else raw
    try:
        if len(parse_many(value)) != 1:
            raise ValueError
    except ValueError:
        raise ConfigError(f"{name} must be one limit such as {default!r}, not {value!r}") from None
    return value


def _positive_int(name: str, raw: str | None, default: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be greater than zero, not {value}")
    return value
