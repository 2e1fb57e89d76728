"""`flask db upgrade` builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from expo import create_app
from expo.exhibition.search_index import is_search_index_table
from expo.extensions import db
from tests.conftest import ensure_postgres_database


def include_name(name, type_, parent_names):
    """The FTS5 search tables are hand-made DDL, unknown to the models (as in migrations/env.py)."""
    return not (type_ == "table" and is_search_index_table(name))


@pytest.fixture()
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    # Beside the test database, named after it, so two checkouts never share one.
    url = ensure_postgres_database(base + "_migrations")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine.dispose()
    return url


def test_upgrade_matches_the_models_and_downgrade_empties(empty_database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True,
                      "SECRET_KEY": "x" * 40}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_upgrading_keeps_existing_rows(empty_database_url, tmp_path):
    """Every migration keeps what was there: a team built at the first revision survives them all
    (on SQLite a table rebuild with foreign keys on would cascade-delete it)."""
    from sqlalchemy import text

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True,
                      "SECRET_KEY": "x" * 40}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade(revision="0001_initial")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (id, email, password_hash, name, organisation, job_title, timezone, language,"
                " is_admin, is_disabled, session_token, created_at)"
                " VALUES (1, 'owner@example.com', 'x', 'Owner', '', '', 'UTC', 'en', false, false, 't', :now)"),
                {"now": "2026-01-01 00:00:00+00:00"})
            connection.execute(text(
                "INSERT INTO exhibitor_companies (id, slug, name, sector, website, description, status, created_at)"
                " VALUES (1, 'acme', 'Acme', '', '', '', 'approved', :now)"), {"now": "2026-01-01 00:00:00+00:00"})
            connection.execute(text(
                "INSERT INTO company_members (company_id, user_id, role, joined_at)"
                " VALUES (1, 1, 'owner', :now)"), {"now": "2026-01-01 00:00:00+00:00"})
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM company_members")).scalar_one() == 1
            assert connection.execute(text("SELECT calendar_token FROM users")).scalar_one()
            # Approved before booths existed: the company gets a draft booth, and the category tree is there.
            assert connection.execute(text("SELECT slug, status FROM booths")).one() == ("acme", "draft")
            assert connection.execute(text("SELECT count(*) FROM product_categories")).scalar_one() > 20
        downgrade(revision="base")
        db.engine.dispose()
