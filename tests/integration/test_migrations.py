"""The migrations, which the session fixture ran on PostgreSQL, build what the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

from expo.commands import init_migrations
from expo.extensions import db

pytestmark = pytest.mark.integration


def test_migrations_reach_head_and_match_the_models(app: Flask) -> None:
    with app.app_context():
        if "migrate" not in app.extensions:  # set up by `flask db`, not by create_app
            init_migrations(app)
        config = app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
            # An empty diff: a model change without its migration fails here, not in production.
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
