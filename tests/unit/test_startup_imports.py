"""What a web process holds once its app exists: the libraries only the worker or a rare page needs
are imported where they are used, so each web worker stays small (bench/README.md, "pages")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_a_new_app_leaves_the_print_spreadsheet_solver_and_migration_libraries_unloaded(tmp_path):
    script = f"""
import json, sys
from expo import create_app
create_app({{"TESTING": True, "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
    "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / "expo.sqlite"}", "TASKS_RECORD_ONLY": True,
    "MAIL_SERVER": None, "RATELIMIT_STORAGE_URI": "memory://"}}, instance_path={str(tmp_path)!r})
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
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
    loaded = set(json.loads(finished.stdout.strip().splitlines()[-1]))
    assert loaded & set(NOT_AT_START) == set()
