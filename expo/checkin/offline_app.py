"""The offline app's shell: its web app manifest and its service worker, for the check-in door and
for scanning at a stand.

The service worker is served from inside the app's own address (a route, not a static file) so its
scope is that app and nothing else; it precaches the page and the content-hashed static files the
page uses, whose names change with their content, so a new set of names is a new worker version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Response, current_app, render_template, url_for
from flask_babel import gettext as _

from expo.checkin.forms import MAX_CODE_LENGTH
from expo.checkin.services import normal_scan_id

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


# --- what a sync request carries ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueuedItem:
    """One scan of a sync request: the device's id for it, the text it read and when; ``details``
    is the rest of what the device sent (a stand's rating, notes...), for the mode to read."""

    scan_id: str
    code: str
    scanned_at: datetime
    details: dict[str, Any] = field(default_factory=dict)


def queued_scans(data: Any) -> tuple[list[QueuedItem], str | None]:
    """Read a sync request ``{"scans": [{"id", "code", "scanned_at", ...}]}``: its scans, or the
    reason it cannot be read (the whole request is refused: the device sent something wrong)."""
    items = data.get("scans") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [], _("Send the scans as a JSON list named scans.")
    scans = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            return [], _("Scan %(number)d is not an object.", number=number)
        scan_id = normal_scan_id(item.get("id"))
        code = item.get("code")
        scanned_at = _moment(item.get("scanned_at"))
        if scan_id is None:
            return [], _("Scan %(number)d has no valid id (a UUID).", number=number)
        if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_LENGTH:
            return [], _("Scan %(number)d has no code, or one too long to be genuine.", number=number)
        if scanned_at is None:
            return [], _("Scan %(number)d has no valid time (ISO 8601 with its zone).", number=number)
        scans.append(QueuedItem(scan_id, code.strip(), scanned_at, item))
    return scans, None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
