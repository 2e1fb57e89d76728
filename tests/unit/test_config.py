"""Configuration from the environment: safe defaults, and production refuses unsafe values."""

from __future__ import annotations

import pytest

from expo.config import ConfigError, load_config

STRONG_KEY = "k" * 48


def test_development_defaults_are_embedded(tmp_path):
    config = load_config(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'expo.sqlite'}"
    assert config["CELERY"]["broker_url"].startswith("sqla+sqlite:///")
    assert config["REDIS_URL"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["MAIL_SERVER"] is None
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_config(tmp_path, {})["SECRET_KEY"]
    second = load_config(tmp_path, {})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first


def test_redis_url_makes_redis_the_broker_and_the_rate_limit_store(tmp_path):
    config = load_config(tmp_path, {"REDIS_URL": "redis://cache:6379/0"})
    assert config["CELERY"]["broker_url"] == "redis://cache:6379/0"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert config["CELERY"]["broker_transport_options"]["visibility_timeout"] == 3600


def test_postgres_urls_use_psycopg3(tmp_path):
    config = load_config(tmp_path, {"DATABASE_URL": "postgres://u@db/expo"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/expo"


PRODUCTION = {
    "EXPO_ENV": "production",
    "DATABASE_URL": "postgresql://u@db/expo",
    "REDIS_URL": "redis://r:6379/0",
    "SECRET_KEY": STRONG_KEY,
    "BASE_URL": "https://expo.example.org",
    "MAIL_SERVER": "smtp.example.org",
}


@pytest.mark.parametrize("secret", ["", "dev", "changeme", "short-but-random-1234"])
def test_production_refuses_a_weak_secret_key(tmp_path, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path, {**PRODUCTION, "SECRET_KEY": secret})


def test_production_refuses_sqlite_and_a_missing_redis(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config(tmp_path, {**PRODUCTION, "DATABASE_URL": ""})
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config(tmp_path, {**PRODUCTION, "REDIS_URL": ""})


def test_production_cookies_are_secure(tmp_path):
    config = load_config(tmp_path, PRODUCTION)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config(tmp_path, {"EXPO_ENV": "staging"})


def test_throttle_limits_are_read_and_a_garbled_one_stops_the_start(tmp_path):
    config = load_config(tmp_path, {"LOGIN_FAILURE_LIMIT": "5 per 10 minutes"})
    assert config["LOGIN_FAILURE_LIMIT"] == "5 per 10 minutes" and config["ACCOUNT_MAIL_LIMIT"] == "3 per hour"
    with pytest.raises(ConfigError, match="ACCOUNT_MAIL_LIMIT must be one limit"):
        load_config(tmp_path, {"ACCOUNT_MAIL_LIMIT": "three an hour"})


def test_production_refuses_to_lose_mail_or_serve_secure_cookies_over_http(tmp_path):
    with pytest.raises(ConfigError, match="MAIL_SERVER"):
        load_config(tmp_path, {**PRODUCTION, "MAIL_SERVER": ""})
    with pytest.raises(ConfigError, match="https"):
        load_config(tmp_path, {**PRODUCTION, "BASE_URL": "http://expo.example.org"})
    assert load_config(tmp_path, {**PRODUCTION, "BASE_URL": "http://localhost:8000"})


def test_empty_variables_mean_the_default(tmp_path):
    config = load_config(tmp_path, {"MAIL_PORT": "", "MAIL_DEFAULT_SENDER": " ", "DATABASE_URL": ""})
    assert config["MAIL_PORT"] == 25
    assert config["MAIL_DEFAULT_SENDER"].startswith("Expo <")
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_trusted_proxy_sets_the_client_address_for_rate_limits(tmp_path, monkeypatch):
    from flask import request

    from expo import create_app

    def app_with(trusted: str):
        monkeypatch.setenv("TRUSTED_PROXIES", trusted)
        app = create_app({"TESTING": True}, instance_path=str(tmp_path))
        app.add_url_rule("/__addr", "addr", lambda: request.remote_addr)
        return app

    headers = {"X-Forwarded-For": "203.0.113.9"}
    assert app_with("1").test_client().get("/__addr", headers=headers).get_data(as_text=True) == "203.0.113.9"
    # Not behind a proxy: a forged header must not let a client pick its own rate-limit bucket.
    assert app_with("0").test_client().get("/__addr", headers=headers).get_data(as_text=True) == "127.0.0.1"


@pytest.mark.parametrize(
    "host, loopback_only",
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.1.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
    ],
)
def test_config_knows_whether_the_server_listens_beyond_this_machine(tmp_path, host, loopback_only):
    assert load_config(tmp_path, {"HOST": host})["LISTENS_ON_LOOPBACK_ONLY"] is loopback_only


def test_api_rate_limit_defaults_to_360_a_minute_and_a_garbled_one_stops_the_start(tmp_path):
    assert load_config(tmp_path, {})["API_RATE_LIMIT"] == "360 per minute"
    assert load_config(tmp_path, {"API_RATE_LIMIT": "1000 per hour"})["API_RATE_LIMIT"] == "1000 per hour"
    with pytest.raises(ConfigError, match="API_RATE_LIMIT must be one limit"):
        load_config(tmp_path, {"API_RATE_LIMIT": "lots"})
