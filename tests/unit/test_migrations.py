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
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "x" * 40},
        instance_path=str(tmp_path),
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
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

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "x" * 40},
        instance_path=str(tmp_path),
    )
    with app.app_context():
        upgrade(revision="0001_initial")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, name, organisation, job_title, timezone, language,"
                    " is_admin, is_disabled, session_token, created_at)"
                    " VALUES (1, 'owner@example.com', 'x', 'Owner', '', '', 'UTC', 'en', false, false, 't', :now)"
                ),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO exhibitor_companies (id, slug, name, sector, website, description, status, created_at)"
                    " VALUES (1, 'acme', 'Acme', '', '', '', 'approved', :now)"
                ),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
            connection.execute(
                text("INSERT INTO company_members (company_id, user_id, role, joined_at) VALUES (1, 1, 'owner', :now)"),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM company_members")).scalar_one() == 1
            assert connection.execute(text("SELECT calendar_token FROM users")).scalar_one()
            # Approved before booths existed: the company gets a draft booth, and the category tree is there.
            assert connection.execute(text("SELECT slug, status FROM booths")).one() == ("acme", "draft")
            assert connection.execute(text("SELECT count(*) FROM product_categories")).scalar_one() > 20
        downgrade(revision="base")
        db.engine.dispose()


def test_audience_messages_become_broadcasts_with_their_emails(empty_database_url, tmp_path):
    """A message organizers sent before broadcasts existed keeps its report: same id, its e-mails
    counted under the broadcast, and the next broadcast gets a fresh id."""
    from sqlalchemy import text

    from expo.broadcasts.models import Broadcast
    from expo.broadcasts.services import progress

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "x" * 40},
        instance_path=str(tmp_path),
    )
    now = {"now": "2026-01-01 00:00:00+00:00"}
    with app.app_context():
        upgrade(revision="0005_online_exhibition")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO editions (id, slug, name, tagline, starts_on, ends_on, venue, city, timezone, status,"
                    " description, created_at, updated_at) VALUES (1, 'caexpo', 'CAEXPO', '', '2027-09-10', '2027-09-13',"
                    " '', '', 'UTC', 'published', '', :now, :now)"
                ),
                now,
            )
            connection.execute(
                text(
                    "INSERT INTO forums (id, edition_id, parent_id, slug, title, kind, description, position,"
                    " registration_mode, enrols_whole_course, seats_taken, waitlist_seq)"
                    " VALUES (1, 1, NULL, 'health', 'Health', 'sub', '', 0, 'open', false, 0, 0)"
                ),
                now,
            )
            connection.execute(
                text(
                    "INSERT INTO audience_messages (id, forum_id, audience, subject, body, status, recipients_total,"
                    " created_at) VALUES (7, 1, 'all_active', 'Room change', 'Hall B', 'done', 1, :now)"
                ),
                now,
            )
            connection.execute(
                text(
                    "INSERT INTO outbox_messages (dedupe_key, kind, batch, recipient, subject, body_text, body_html,"
                    " attachments, status, attempts, created_at, updated_at)"
                    " VALUES ('audience:7:1', 'registrations.audience_message', 'audience:7', 'a@example.com',"
                    " 'Room change', 't', 'h', '[]', 'sent', 1, :now, :now)"
                ),
                now,
            )
        upgrade()
        migrated = db.session.get(Broadcast, 7)
        assert (migrated.audience, migrated.forum_id, migrated.edition_id, migrated.registrants) == (
            "forum",
            1,
            1,
            "all_active",
        )
        assert (progress(migrated).sent, progress(migrated).queued) == (1, 0)
        fresh = Broadcast(edition_id=1, audience="edition_attendees", subject="s", body="b")
        db.session.add(fresh)
        db.session.flush()
        assert fresh.id > 7
        db.session.rollback()
        db.session.remove()
        downgrade(revision="0005_online_exhibition")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id, audience FROM audience_messages")).one() == (7, "all_active")
            assert connection.execute(text("SELECT batch FROM outbox_messages")).scalar_one() == "audience:7"
        downgrade(revision="base")
        db.engine.dispose()
