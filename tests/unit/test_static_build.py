"""Building static/ into content-hashed, compressed copies, and an app serving what it built even
after a file changed."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import brotli
import pytest
from flask import Flask, url_for

from expo import static_files
from expo.static_files import build_static, read_manifest

STYLESHEET = (
    b""".logo { background: url("../img/logo.svg") no-repeat; }
.mark { background: url(../img/logo.svg?v=1#mark); }
.icon { background-image: url("data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e%3c/svg%3e"); }
.font { src: url(https://fonts.example/a.woff2), url('/elsewhere/b.woff2'), url(missing.woff2); }
"""
    + b"/* padding that compresses well */\n" * 40
)
SCRIPT = b"document.addEventListener('DOMContentLoaded', () => { console.log('expo'); });\n" * 20
LOGO = b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><rect width='10' height='10'/></svg>\n" * 4


@pytest.fixture()
def source(tmp_path) -> Path:
    root = tmp_path / "static"
    for name, content in {
        "css/site.css": STYLESHEET,
        "js/site.js": SCRIPT,
        "img/logo.svg": LOGO,
        "tiny.txt": b"x",
        ".hidden": b"secret",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:12]


def test_every_file_gets_a_name_from_its_content_and_compressed_copies(source, tmp_path):
    target = tmp_path / "build"
    manifest = build_static(source, target)
    assert manifest["js/site.js"] == f"js/site.{_digest(SCRIPT)}.js"
    assert manifest["img/logo.svg"] == f"img/logo.{_digest(LOGO)}.svg"
    assert set(manifest) == {"css/site.css", "js/site.js", "img/logo.svg", "tiny.txt"}  # no hidden files
    hashed = target / manifest["js/site.js"]
    assert hashed.read_bytes() == SCRIPT
    assert brotli.decompress((target / (manifest["js/site.js"] + ".br")).read_bytes()) == SCRIPT
    assert gzip.decompress((target / (manifest["js/site.js"] + ".gz")).read_bytes()) == SCRIPT
    # One byte does not compress: no .br or .gz to serve instead of it.
    assert not (target / (manifest["tiny.txt"] + ".br")).exists()
    assert read_manifest(target) == manifest


def test_a_stylesheet_points_at_the_hashed_names_of_what_it_references(source, tmp_path):
    target = tmp_path / "build"
    manifest = build_static(source, target)
    css = (target / manifest["css/site.css"]).read_text()
    logo = f"../img/logo.{_digest(LOGO)}.svg"
    assert f'url("{logo}") no-repeat' in css
    assert f"url({logo}?v=1#mark)" in css
    # Data, external and absolute URLs and files that are not there are left as they were.
    assert "url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e%3c/svg%3e\")" in css
    assert "url(https://fonts.example/a.woff2), url('/elsewhere/b.woff2'), url(missing.woff2)" in css
    # The stylesheet's own hash covers the rewritten references: a new logo gives a new stylesheet name.
    (source / "img" / "logo.svg").write_bytes(LOGO + b"<!-- v2 -->\n")
    assert build_static(source, target)["css/site.css"] != manifest["css/site.css"]


def test_a_changed_file_gets_a_new_name_and_the_build_command_drops_the_old_one(source, tmp_path):
    target = tmp_path / "build"
    before = build_static(source, target)
    (source / "js" / "site.js").write_bytes(SCRIPT + b"// changed\n")
    after = build_static(source, target)
    assert after["js/site.js"] != before["js/site.js"]
    assert after["img/logo.svg"] == before["img/logo.svg"]
    assert (target / before["js/site.js"]).exists(), "a starting process keeps what another may serve"
    build_static(source, target, prune=True)
    assert not (target / before["js/site.js"]).exists()
    assert not (target / (before["js/site.js"] + ".br")).exists()
    assert (target / after["js/site.js"]).exists() and (target / "manifest.json").exists()


def test_an_up_to_date_build_writes_nothing(source, tmp_path):
    target = tmp_path / "build"
    manifest = build_static(source, target)
    written = {path: path.stat().st_mtime_ns for path in target.rglob("*")}
    for path in written:
        os.utime(path, ns=(1, 1))
    assert build_static(source, target) == manifest
    assert {path.stat().st_mtime_ns for path in target.rglob("*")} == {1}
    assert not list(tmp_path.glob(".static-build-*")), "no temporary file left behind"


def test_a_build_folder_that_cannot_be_written_leaves_plain_names(source, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert build_static(source, blocked / "static") == {}
    assert "plain names" in caplog.text


def _app(source: Path, target: Path, *, debug: bool = False) -> Flask:
    app = Flask(__name__, static_folder=str(source))
    app.debug = debug

    @app.route("/")
    def home():
        return url_for("static", filename="js/site.js")

    static_files.init_app(app, target)
    return app


def test_an_app_started_after_an_edit_serves_the_new_file_under_a_new_url(source, tmp_path):
    target = tmp_path / "build"
    first = _app(source, target).test_client()
    old_url = first.get("/").get_data(as_text=True)
    assert old_url == f"/static/js/site.{_digest(SCRIPT)}.js"
    (source / "js" / "site.js").write_bytes(b"console.log('edited');\n")

    second = _app(source, target).test_client()  # as `make run` or a test session would start
    new_url = second.get("/").get_data(as_text=True)
    assert new_url != old_url
    assert second.get(new_url).data == b"console.log('edited');\n"
    assert second.get(old_url).data == SCRIPT, "a page rendered before the restart still gets its script"
    assert second.get("/static/js/site.js").data == b"console.log('edited');\n"


def test_a_file_added_while_running_is_not_served_by_flask_behind_whitenoise(source, tmp_path):
    client = _app(source, tmp_path / "build").test_client()
    (source / "js" / "late.js").write_bytes(SCRIPT)
    response = client.get("/static/js/late.js")
    assert response.status_code == 404


def test_in_debug_mode_names_stay_plain_and_edits_show_at_once(source, tmp_path):
    target = tmp_path / "build"
    client = _app(source, target, debug=True).test_client()
    assert client.get("/").get_data(as_text=True) == "/static/js/site.js"
    (source / "js" / "site.js").write_bytes(b"console.log('live');\n")
    response = client.get("/static/js/site.js")
    assert response.data == b"console.log('live');\n"
    assert response.headers["Cache-Control"] == "max-age=0, public"
    assert not target.exists(), "nothing is built for a debug server"
