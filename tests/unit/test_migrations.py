"""`flask db upgrade` builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from bench.database import ensure_postgres_database
from expo import create_app
from expo.commands import init_migrations
from expo.exhibition.search_index import is_search_index_table
from expo.extensions import db


def include_name(name, type_, parent_names):
    """The FTS5 search tables are hand-made DDL, unknown to the models (as in migrations/env.py)."""
    return not (type_ == "table" and is_search_index_table(name))


def migrating_app(database_url, tmp_path):
    """An app with Flask-Migrate set up, as `flask db` sets it up (create_app leaves it out)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "x" * 40},
        instance_path=str(tmp_path),
    )
    init_migrations(app)
    return app


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
    app = migrating_app(empty_database_url, tmp_path)
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

    app = migrating_app(empty_database_url, tmp_path)
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

    app = migrating_app(empty_database_url, tmp_path)
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


def _insert(connection, table: str, **values) -> None:
    """One row, the columns not named filled with a plain value of their type (as a form would)."""
    import datetime as dt

    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, MetaData, Numeric, Table, Time

    reflected = Table(table, MetaData(), autoload_with=connection)
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.autoincrement is True or column.server_default is not None:
            continue
        if column.primary_key and isinstance(column.type, Integer) and len(reflected.primary_key.columns) == 1:
            continue
        kind = column.type
        if isinstance(kind, Boolean):
            row[column.name] = False
        elif isinstance(kind, (Integer, Numeric)):
            row[column.name] = 0
        elif isinstance(kind, DateTime):
            row[column.name] = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        elif isinstance(kind, Date):
            row[column.name] = dt.date(2026, 1, 1)
        elif isinstance(kind, Time):
            row[column.name] = dt.time(9)
        elif isinstance(kind, JSON):
            row[column.name] = []
        else:
            row[column.name] = ""
    connection.execute(reflected.insert().values(**row))


def test_the_hosted_buyer_programme_moves_onto_the_meetings_grid(empty_database_url, tmp_path):
    """0017: a programme's slot length and hours become the edition's meeting rules, its tables the
    edition's meeting tables (planned meetings keep theirs), away days become free times, and a plan
    "published" through the old adapter (no real meeting) is back for review; and back down again."""
    import datetime as dt

    from sqlalchemy import text

    app = migrating_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0016_api_tokens")
        with db.engine.begin() as connection:
            _insert(
                connection,
                "editions",
                id=1,
                slug="caexpo",
                name="CAEXPO",
                starts_on=dt.date(2030, 9, 10),
                ends_on=dt.date(2030, 9, 11),
                timezone="Asia/Shanghai",
                status="published",
            )
            for user_id, email in ((1, "buyer@example.com"), (2, "owner@example.com"), (3, "staff@example.com")):
                _insert(
                    connection,
                    "users",
                    id=user_id,
                    email=email,
                    name=email,
                    timezone="UTC",
                    language="en",
                    calendar_token=f"token-{user_id}",
                    session_token=f"session-{user_id}",
                )
            _insert(connection, "exhibitor_companies", id=1, slug="masks", name="Masks", status="approved")
            _insert(connection, "company_members", company_id=1, user_id=2, role="owner")
            _insert(connection, "company_members", company_id=1, user_id=3, role="staff")
            _insert(connection, "meeting_tables", id=5, edition_id=1, name="A", capacity=6)
            _insert(
                connection,
                "hosted_programmes",
                edition_id=1,
                slot_minutes=30,
                day_starts=dt.time(10),
                day_ends=dt.time(12),
                tables=3,
                status="published",
                plan_seconds=0.0,
            )
            _insert(
                connection, "hosted_buyers", id=1, edition_id=1, user_id=1, status="accepted", away_days=["2030-09-11"]
            )
            _insert(connection, "hosted_teams", edition_id=1, company_id=1, away_days=["2030-09-10"])
            starts = dt.datetime(2030, 9, 10, 2, 30, tzinfo=dt.UTC)
            _insert(
                connection,
                "planned_meetings",
                id=1,
                edition_id=1,
                buyer_id=1,
                company_id=1,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=30),
                table_number=2,
                tier=0,
                meeting_ref="planned:1",
            )
        upgrade()
        with db.engine.connect() as connection:
            rules = connection.execute(
                text("SELECT slot_minutes, max_pending_per_buyer, max_pending_per_team FROM meeting_settings")
            ).one()
            assert tuple(rules) == (30, 10, 30)
            tables = connection.execute(text("SELECT id, name FROM meeting_tables ORDER BY name")).all()
            assert [name for _id, name in tables] == ["A", "Table 2", "Table 3"]
            table_id = connection.execute(text("SELECT table_id FROM planned_meetings")).scalar_one()
            assert table_id == dict((name, id_) for id_, name in tables)["Table 2"]
            windows = connection.execute(
                text("SELECT user_id, starts_at, ends_at FROM meeting_availability ORDER BY user_id")
            ).all()
        # 10:00–12:00 in Nanning (UTC+8) on the days each one is there: the buyer the first, the team the second.
        found = [
            (user, dt.datetime.fromisoformat(str(start)).replace(tzinfo=None).hour, str(start)[:10])
            for user, start, _end in windows
        ]
        assert found == [(1, 2, "2030-09-10"), (2, 2, "2030-09-11"), (3, 2, "2030-09-11")]
        from expo.matchmaking.models import HostedProgramme

        assert db.session.get(HostedProgramme, 1).status == HostedProgramme.Status.PLANNED
        db.session.remove()
        downgrade(revision="0016_api_tokens")
        with db.engine.connect() as connection:
            programme = connection.execute(text("SELECT slot_minutes, tables, status FROM hosted_programmes")).one()
            assert tuple(programme) == (30, 3, "planned")
            assert connection.execute(text("SELECT table_number FROM planned_meetings")).scalar_one() == 2
        downgrade(revision="base")
        db.engine.dispose()
