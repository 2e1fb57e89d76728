"""The offline app, for the check-in door and for scanning at a stand: its shell (web app manifest,
service worker, the settings its page hands offline.js) and its sync route's one path, from the
queued scans read to the answers sent; each mode brings only how it records a scan.

The service worker is served from inside the app's own address (a route, not a static file) so its
scope is that app and nothing else; it precaches the page and the content-hashed static files the
page uses, whose names change with their content, so a new set of names is a new worker version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from expo.checkin.forms import MAX_CODE_LENGTH
from expo.checkin.services import normal_scan_id
from expo.db_types import utcnow
from expo.errors import render_error
from expo.extensions import db
from expo.i18n import language_tag
from expo.lib.rules import RuleBroken

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


def manifest(*, name: str, short_name: str, start_url: str, description: str) -> Response:
    """The app's manifest, in the page's language. The app is its one page: that page's address is
    both where it starts and all it covers."""
    body = {
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": language_tag(str(get_locale() or "en")),
        "start_url": start_url,
        "scope": start_url,
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


def page_settings(blueprint: str, *, store: str, scope: str, outcomes: dict[str, str], **url_values) -> dict:
    """What offline.js reads from the page (templates/checkin/_offline_status.html): the addresses
    of ``blueprint``'s codes, sync and service_worker routes, the app's scope, a store named
    ``store`` and kept apart per person (staff who share a device keep their own queues), and the
    label of each outcome a synced scan may get, keyed as its data-text-status-* attribute."""
    return {
        "store": f"{store}-{current_user.id}",
        "codes_url": url_for(f"{blueprint}.codes", **url_values),
        "sync_url": url_for(f"{blueprint}.sync", **url_values),
        "worker_url": url_for(f"{blueprint}.service_worker", **url_values),
        "scope": scope,
        "outcomes": {key.replace("_", "-"): label for key, label in outcomes.items()},
    }


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


# --- answering a sync request ----------------------------------------------------------------------


def answer_sync(
    record: Callable[[list[Any]], list[dict]],
    read_details: Callable[[QueuedItem, int], tuple[Any, str | None]] | None = None,
) -> Response:
    """The sync route of either app: read the request's queued scans, check what the mode adds to
    each (``read_details``: the scan as ``record`` takes it, or why the request is refused; scans
    numbered from 1), ``record`` them (each scan's answer, as JSON, in order), commit, and answer
    ``{"results": [...], "synced_at"}``.

    A request the device got wrong is refused whole (400), as is a batch ``record`` refuses with a
    RuleBroken (too many scans at once: its status and reason), and nothing is stored. A batch that
    fails on a scan id stored meanwhile (IntegrityError) is recorded once more, finding it; 409 if
    that fails too."""
    scans, problem = queued_scans(request.get_json(silent=True))
    if problem is not None:
        return render_error(400, problem)
    items: list[Any] = scans
    if read_details is not None:
        items = []
        for number, scan in enumerate(scans, start=1):
            item, problem = read_details(scan, number)
            if problem is not None:
                return render_error(400, problem)
            items.append(item)
    for attempt in range(2):
        try:
            answers = record(items)  # JSON before the commit expires the rows they name
            db.session.commit()
        except RuleBroken as refused:
            db.session.rollback()
            return render_error(refused.status, str(refused))
        except IntegrityError:
            # The same scan arrived twice at once (a retry racing its first try): now it is known.
            db.session.rollback()
            if attempt:
                return render_error(409)
            continue
        break
    response = jsonify(results=answers, synced_at=utcnow().isoformat())
    response.headers["Cache-Control"] = "no-store"
    return response
