"""Extension singletons, created unbound and bound to the app in create_app."""

from __future__ import annotations

import flask_login
from flask import current_app, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so migrations name the same things on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def client_address() -> str:
    # Behind a reverse proxy, ProxyFix (TRUSTED_PROXIES in the config) has already set remote_addr.
    return get_remote_address() or "unknown"


class LoginManager(flask_login.LoginManager):
    """Flask-Login's, with session protection kept to sessions that name somebody.

    Flask-Login takes any non-empty session without its identifier for a signed-in one whose
    address changed, and marks it "not fresh". An anonymous visitor's session holds only the CSRF
    secret, so every request of a returning visitor whose cookie lacked the mark changed the
    session: a Set-Cookie on each answer, and a page rendered for them could not be kept for
    everybody (expo/page_cache.py), so a page that missed once at a minute's turn was rendered
    for every such visitor until the next one. Without a person in the session or a remember-me
    cookie there is nobody to protect.
    """

    def _session_protection_failed(self) -> bool:
        cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", flask_login.COOKIE_NAME)
        if "_user_id" not in session and cookie_name not in request.cookies:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=client_address, default_limits=[])
