"""Read statements run alongside a request: on PostgreSQL in another thread with its own
connection, on SQLite when the value is first asked for. Either way the caller gets what the
statement gives, or its error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from expo.accounts.models import User
from expo.extensions import db
from expo.lib.alongside import alongside


def _is_postgresql(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_a_count_alongside_is_the_count_of_committed_rows(app, factory):
    for _ in range(3):
        factory.user()
    ran_in: list[threading.Thread] = []

    def count_users() -> int:
        ran_in.append(threading.current_thread())
        return db.session.scalar(select(func.count()).select_from(User))

    with app.test_request_context():
        later = alongside(count_users)
        assert later.result() == 3
        assert later.result() == 3, "asked again, counted once"
    assert len(ran_in) == 1
    if _is_postgresql(app):
        assert ran_in[0] is not threading.current_thread(), "PostgreSQL: in a thread of its own"
    else:
        assert ran_in[0] is threading.current_thread(), "SQLite: in the request's thread, when asked"


def test_alongside_has_its_own_session_and_leaves_the_request_s_alone(app, factory):
    factory.user()
    in_another_thread = _is_postgresql(app)
    with app.test_request_context():
        request_session = db.session()
        shares_the_session = alongside(lambda: db.session() is request_session).result()
        assert shares_the_session is not in_another_thread
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_an_error_alongside_reaches_the_caller(app):
    with app.test_request_context():
        later = alongside(lambda: db.session.execute(text("SELECT no_such_column FROM users")).all())
        with pytest.raises(Exception, match="no_such_column"):
            later.result()
        # The request's own session is still usable.
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
