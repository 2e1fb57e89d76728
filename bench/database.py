"""The benchmarks' disposable databases: emptied and rebuilt from the models before every run."""

from __future__ import annotations

from sqlalchemy import text

from expo import models  # noqa: F401 - every mapper known before a benchmark builds loader options
from expo.extensions import db


def rebuild_schema() -> str:
    """Empty the bench database and create the models' tables; returns 'postgresql 15.20' or the like.

    On PostgreSQL the whole schema goes, so tables an older version of the models left behind (and
    the constraints tying them to today's tables) cannot stop the rebuild. Call in an app context.
    """
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
    db.create_all()
    return f"{engine.dialect.name} {'.'.join(map(str, engine.dialect.server_version_info or ()))}"
