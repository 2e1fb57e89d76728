"""sqlmap (Debian's package) against search and log-in, on whichever database this run uses: a
bounded run (level 1, risk 1, boolean, error and UNION techniques, the database named) that must find
no injectable parameter. The app is served from this test process on a loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from expo.extensions import db, limiter
from tests.conftest import require_service

SQLMAP = shutil.which("sqlmap")
NOT_INJECTABLE = "all tested parameters do not appear to be injectable"
FOUND = ("identified the following injection point", "is vulnerable", "' injectable")


def serve(wsgi_app) -> tuple[str, object]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, wsgi_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


@pytest.fixture()
def served(app, factory) -> Iterator[str]:
    """The test app on a free loopback port, with a booth and a product for searches to find."""
    owner = factory.user(email="owner@example.com")
    booth = factory.booth(factory.company(owner=owner, name="Nanning Masks", slug="nanning-masks", country="CN"))
    factory.product(booth, name="KN95 respirator mask", min_order_quantity=100)
    limiter.enabled = False  # sqlmap sends hundreds of log-ins; throttling is tested elsewhere
    base_url, server = serve(app)
    try:
        yield base_url
    finally:
        server.shutdown()
        limiter.enabled = True
        with app.app_context():
            db.session.remove()


def run_sqlmap(tmp_path, app, *args: str, dbms: str | None = None) -> str:
    if SQLMAP is None:
        require_service("sqlmap is missing: install Debian's sqlmap package (bin/ensure-test-services does)")
    dbms = dbms or ("PostgreSQL" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "SQLite")
    command = [
        SQLMAP,
        "--batch",
        "--flush-session",
        "--disable-coloring",
        "--level=1",
        "--risk=1",
        "--technique=BEU",
        f"--dbms={dbms}",
        "--timeout=10",
        "--retries=0",
        "--threads=2",
        f"--output-dir={tmp_path}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    return result.stdout + result.stderr


def assert_nothing_injectable(output: str) -> None:
    found = [line for line in output.splitlines() if any(marker in line for marker in FOUND)]
    assert not found, "\n".join(found)
    assert NOT_INJECTABLE in output, output[-3000:]


def test_search_parameters_are_not_injectable(served, tmp_path, app):
    output = run_sqlmap(
        tmp_path,
        app,
        "-u",
        f"{served}/search?q=mask&type=products&country=CN&category=&moq=100&sort=relevance&page=1",
        "-p",
        "q,type,country,category,moq,sort,page",
    )
    assert_nothing_injectable(output)


def test_log_in_form_is_not_injectable(served, tmp_path, app):
    output = run_sqlmap(
        tmp_path,
        app,
        "-u",
        f"{served}/login",
        "--data",
        "email=owner%40example.com&password=wrong-password&next=%2F",
        "-p",
        "email,password,next",
    )
    assert_nothing_injectable(output)


def test_the_same_run_finds_an_injection_where_there_is_one(tmp_path, app):
    """The control: a deliberately injectable page, probed with the same options, is caught; so the
    runs above are evidence, not a scan that could never find anything."""
    import sqlite3

    from flask import Flask, request

    vulnerable = Flask("vulnerable")
    database = sqlite3.connect(":memory:", check_same_thread=False)
    database.executescript(
        "CREATE TABLE products (id INTEGER, name TEXT);INSERT INTO products VALUES (1, 'mask'), (2, 'gloves');"
    )
    lock = threading.Lock()

    @vulnerable.route("/search")
    def search():
        with lock:
            rows = database.execute(f"SELECT name FROM products WHERE name LIKE '%{request.args['q']}%'").fetchall()
        return "<ul>" + "".join(f"<li>{name}</li>" for (name,) in rows) + "</ul>"

    base_url, server = serve(vulnerable)
    try:
        output = run_sqlmap(tmp_path, app, "-u", f"{base_url}/search?q=mask", "-p", "q", dbms="SQLite")
    finally:
        server.shutdown()
    assert any(marker in output for marker in FOUND), output[-3000:]
