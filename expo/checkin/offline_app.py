"""The offline app's shell: its web app manifest and its service worker, for the check-in door and
for scanning at a stand.

The service worker is served from inside the app's own address (a route, not a static file) so its
scope is that app and nothing else; it precaches the page and the content-hashed static files the
page uses, whose names change with their content, so a new set of names is a new worker version.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, render_template, url_for

# Static files the app page needs with no network (all of them loaded by base.html or the page).
SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/expo.css",
    "favicon.svg",
    "js/expo.js",
    "js/engagement.js",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/offline.js",
    "vendor/jsqr/jsQR.js",
    "icons/checkin-192.png",
    "icons/checkin-512.png",
    "icons/checkin-maskable-512.png",
)
THEME_COLOR = "#0a4451"


def shell_urls(*extra_files: str) -> list[str]:
    return [url_for("static", filename=name) for name in (*SHELL_FILES, *extra_files)]


def service_worker(*extra_files: str) -> Response:
    """The worker script: the same for every person (it holds no personal data), version named by
    what it precaches and by its own text."""
    shell = shell_urls(*extra_files)
    source = render_template("checkin/service_worker.js", shell=shell, version="")
    version = hashlib.sha256((json.dumps(shell) + source).encode()).hexdigest()[:12]
    response = current_app.response_class(
        render_template("checkin/service_worker.js", shell=shell, version=version),
        mimetype="text/javascript",
    )
    # Browsers check for a new worker at every visit; no cache may answer in its place.
    response.headers["Cache-Control"] = "no-cache"
    return response


def manifest(*, name: str, short_name: str, start_url: str, scope: str, lang: str, description: str) -> Response:
    body = {
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": lang,
        "start_url": start_url,
        "scope": scope,
        "id": start_url,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": url_for("static", filename="icons/checkin-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/checkin-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": url_for("static", filename="icons/checkin-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response
