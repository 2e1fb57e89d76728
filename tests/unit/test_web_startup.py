"""What a web process holds once its app exists, before gunicorn forks its workers from it
(``--preload``): none of the libraries only the worker or a rare page needs, so each worker stays
small, and no connection, which the forked workers would otherwise share (bench/README.md, "pages")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from expo.i18n import catalogue_of

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Badge PDFs (fpdf2, with fontTools, HarfBuzz, lxml and numpy), catalogue spreadsheets, the hosted
# buyers' solver, the migrations (Flask-Migrate, Alembic, Mako); and a test tool the app must never load.
NOT_AT_START = (
    "fpdf",
    "fontTools",
    "uharfbuzz",
    "numpy",
    "openpyxl",
    "xlsxwriter",
    "ortools",
    "flask_migrate",
    "alembic",
    "mako",
    "schemathesis",
)


@pytest.fixture(scope="module")
def new_app(tmp_path_factory):
    """What ``import wsgi`` leaves in a fresh interpreter: the modules, the database pool's
    connections, and the files and sockets it holds open."""
    folder = tmp_path_factory.mktemp("startup")
    script = f"""
import json, os, sys
from expo import create_app
from expo.extensions import db
app = create_app({{"TESTING": True, "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
    "SQLALCHEMY_DATABASE_URI": "sqlite:///{folder / "expo.sqlite"}", "TASKS_RECORD_ONLY": True,
    "MAIL_SERVER": None, "RATELIMIT_STORAGE_URI": "memory://"}}, instance_path={str(folder)!r})
with app.app_context():
    pool = db.engine.pool
    connections = pool.checkedin() + pool.checkedout()
opened = []
for fd in os.listdir("/proc/self/fd"):
    try:
        opened.append(os.readlink(f"/proc/self/fd/{{fd}}"))
    except OSError:
        pass
print(json.dumps({{"modules": sorted({{name.split(".")[0] for name in sys.modules}}),
    "connections": connections, "opened": opened}}))
"""
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("EXPO_", "FLASK_"))}
    finished = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return {**json.loads(finished.stdout.strip().splitlines()[-1]), "folder": str(folder)}


def test_a_new_app_leaves_the_print_spreadsheet_solver_and_migration_libraries_unloaded(new_app):
    assert set(new_app["modules"]) & set(NOT_AT_START) == set()


def test_a_new_app_holds_no_connection_its_forked_workers_would_share(new_app):
    assert new_app["connections"] == 0
    assert [path for path in new_app["opened"] if path.startswith(("socket:", new_app["folder"]))] == []


def test_the_search_index_reads_category_names_from_the_catalogues_pages_translate_with(app):
    """One copy of each language's catalogue in a process, not one for the pages and another for
    the search index's category names in every language."""
    from flask_babel import force_locale, get_translations

    from expo.exhibition.search_index import category_words

    with app.test_request_context("/"):
        for language in ("zh", "th"):
            with force_locale(language):
                pages_catalogue = get_translations()
            assert catalogue_of(language) is pages_catalogue
        assert "口罩" in category_words("Masks and respirators")
