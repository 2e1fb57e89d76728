"""Static files: content-hashed, pre-compressed copies built from static/, served by WhiteNoise.

`build_static` writes, for every file under static/, a copy named by its content
(`css/expo.css` -> `css/expo.3f2a9c1b0d4e.css`) with `.br` and `.gz` beside it, and a manifest
mapping plain names to hashed ones, into the build folder (`build/static`, git-ignored). The
Dockerfile runs it (`python -m expo.static_files`); every app start runs it again, which only
hashes the sources (a few milliseconds) unless something changed, so a CSS file edited before
`make run` or a test run is served as it is now. Files are written under temporary names and
renamed, and a hashed copy appears only after its compressed variants, so several processes
starting at once write the same bytes without harm; where the folder cannot be written (a
read-only image built without the step), the plain name is used for that file.

Served by WhiteNoise in front of the app: a hashed name is cached for a year as immutable, so a
repeat view asks for no static file at all; a plain name is cached for a minute. `url_for('static',
filename=...)` gives the hashed name, so templates keep their plain names. Flask's own static
route only builds URLs: a name WhiteNoise does not know is a 404, never an uncompressed copy.
In debug mode (`flask run --debug`) names stay plain and every request reads the file as it is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask, abort
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
HASH_LENGTH = 12
HASHED_NAME = re.compile(r"\.[0-9a-f]{%d}(\.[^./]+)?$" % HASH_LENGTH)
COMPRESSED_SUFFIXES = (".br", ".gz")
# url(...) in a stylesheet: quoted or not; data:, absolute and external URLs are left alone.
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>[^'")\s]+)(?P=quote)\s*\)""")
CACHE_FOREVER = 365 * 24 * 60 * 60
PLAIN_NAME_MAX_AGE = 60


def source_files(source: Path) -> list[str]:
    """Every file to publish, as a posix path relative to `source`: no hidden files, no compressed
    variants (those are made here)."""
    names = []
    for path in source.rglob("*"):
        relative = path.relative_to(source).as_posix()
        if (
            path.is_file()
            and not any(part.startswith(".") for part in relative.split("/"))
            and not relative.endswith(COMPRESSED_SUFFIXES)
        ):
            names.append(relative)
    # Stylesheets last: their url(...)s point at the hashed names of what they reference.
    return sorted(names, key=lambda name: (name.endswith(".css"), name))


def hashed_name(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, file_name = posixpath.split(name)
    stem, dot, extension = file_name.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot and stem else f"{file_name}.{digest}"
    return posixpath.join(folder, hashed)


def rewrite_css_urls(name: str, css: bytes, manifest: dict[str, str]) -> bytes:
    """Point a stylesheet's relative url(...)s at the hashed names of the files they reference.

    The hashed stylesheet sits in the same folder as the plain one, so a reference to a file that
    has no hashed name (yet) still resolves to its plain name."""
    folder = posixpath.dirname(name)

    def replace(match: re.Match) -> str:
        url = match.group("url")
        if url.startswith(("data:", "/", "#")) or "://" in url:
            return match.group(0)
        path = re.split(r"[?#]", url, maxsplit=1)[0]
        hashed = manifest.get(posixpath.normpath(posixpath.join(folder, path)))
        if hashed is None:
            return match.group(0)
        relative = posixpath.relpath(hashed, folder or ".")
        return f"url({match.group('quote')}{relative}{url[len(path) :]}{match.group('quote')})"

    return CSS_URL.sub(replace, css.decode("utf-8")).encode("utf-8")


def _write_atomically(path: Path, content: bytes, scratch: Path) -> None:
    """Write under a temporary name beside the build folder (never inside it, where a starting
    process lists the files), then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=scratch, prefix=".static-build-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_hashed_copy(target: Path, hashed: str, content: bytes, compressor: Compressor) -> None:
    scratch = target.parent
    destination = target / hashed
    if destination.exists():
        return  # named by its content: what is there is what would be written
    if compressor.should_compress(hashed):
        compressed = compressor.compress_brotli(content)
        if compressor.is_compressed_effectively("Brotli", hashed, len(content), compressed):
            _write_atomically(destination.with_name(destination.name + ".br"), compressed, scratch)
            compressed = compressor.compress_gzip(content)
            if compressor.is_compressed_effectively("Gzip", hashed, len(content), compressed):
                _write_atomically(destination.with_name(destination.name + ".gz"), compressed, scratch)
    # Last, so that a hashed copy that exists has its compressed variants too.
    _write_atomically(destination, content, scratch)


def build_static(source: Path, target: Path, *, prune: bool = False) -> dict[str, str]:
    """Write what is missing from `target` for the files now in `source`; returns the manifest
    (plain name -> hashed name). A file that cannot be written keeps its plain name (left out of
    the manifest). `prune` removes what no longer belongs to the manifest (the build command
    does; a starting process does not, as another may still be serving an older manifest)."""
    compressor = Compressor(quiet=True)
    manifest: dict[str, str] = {}
    problems: list[str] = []
    for name in source_files(source):
        content = (source / name).read_bytes()
        if name.endswith(".css"):
            content = rewrite_css_urls(name, content, manifest)
        hashed = hashed_name(name, content)
        try:
            _write_hashed_copy(target, hashed, content, compressor)
        except OSError as exc:
            problems.append(f"{name}: {exc}")
            continue
        manifest[name] = hashed
    if problems:
        log.warning(
            "static files served under their plain names, as %s cannot be written: %s", target, "; ".join(problems)
        )
    _write_manifest(target, manifest)
    if prune:
        _prune(target, manifest)
    return manifest


def _write_manifest(target: Path, manifest: dict[str, str]) -> None:
    path = target / MANIFEST_NAME
    content = json.dumps({"version": 1, "files": manifest}, indent=1, sort_keys=True).encode() + b"\n"
    try:
        if path.exists() and path.read_bytes() == content:
            return
        _write_atomically(path, content, target.parent)
    except OSError:
        pass  # informative only: the running process keeps its manifest in memory


def read_manifest(target: Path) -> dict[str, str]:
    try:
        return json.loads((target / MANIFEST_NAME).read_text())["files"]
    except (OSError, ValueError, KeyError):
        return {}


def _prune(target: Path, manifest: dict[str, str]) -> None:
    keep = {MANIFEST_NAME, *manifest.values()}
    keep |= {name + suffix for name in manifest.values() for suffix in COMPRESSED_SUFFIXES}
    for path in target.rglob("*"):
        if path.is_file() and path.relative_to(target).as_posix() not in keep:
            path.unlink()


class StaticFiles(WhiteNoise):
    """WhiteNoise serving the build folder's hashed copies (immutable) and static/'s plain names."""

    FOREVER = CACHE_FOREVER

    def __init__(self, application, source: Path, target: Path, *, hashed: bool, autorefresh: bool, prefix: str):
        self.build_root = str(target.resolve()) + os.sep
        super().__init__(
            application,
            autorefresh=autorefresh,
            max_age=0 if autorefresh else PLAIN_NAME_MAX_AGE,
            allow_all_origins=False,
            add_headers_function=_security_headers,
        )
        self.add_files(str(source), prefix=prefix)
        if hashed and target.is_dir():
            self.add_files(str(target), prefix=prefix)  # added last: a name found in both is the build's

    def immutable_file_test(self, path: str, url: str) -> bool:
        return path.startswith(self.build_root) and bool(HASHED_NAME.search(url))

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        if path != self.build_root + MANIFEST_NAME:  # the build's own bookkeeping is not a static file
            super().add_file_to_dictionary(url, path, stat_cache=stat_cache)


def _security_headers(headers, _path: str, _url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask, target: Path) -> None:
    """Build what is missing, serve static files through WhiteNoise and give url_for hashed names."""
    source = Path(app.static_folder)
    hashed = not app.debug
    manifest = build_static(source, target) if hashed else {}
    app.wsgi_app = StaticFiles(
        app.wsgi_app, source, target, hashed=hashed, autorefresh=app.debug, prefix=app.static_url_path.strip("/") + "/"
    )

    @app.url_defaults
    def _hashed_static_name(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    # The rule stays, so url_for('static', ...) builds URLs; WhiteNoise answers every file there is.
    app.view_functions["static"] = _not_a_static_file


def _not_a_static_file(filename: str):
    abort(404)


def main(argv: list[str]) -> int:
    """`python -m expo.static_files [SOURCE TARGET]`: build the static files (the Dockerfile's step;
    it needs no configuration, unlike the app)."""
    from expo import PROJECT_ROOT, STATIC_BUILD_PATH

    source, target = (Path(argv[0]), Path(argv[1])) if len(argv) == 2 else (PROJECT_ROOT / "static", STATIC_BUILD_PATH)
    manifest = build_static(source, target, prune=True)
    print(f"{len(manifest)} static files built into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
