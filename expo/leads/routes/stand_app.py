"""The stand's "Scan a badge" page as an offline app: the same app as the check-in door, in stand
mode, for the booth's own team. The page itself is ``lead_stand.scan_badge`` (it works without
JavaScript); this adds what the app needs around it: the badges to check offline, the sync of the
scans it queued (``record_stand_scans``, exactly once each), its manifest and its service worker."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo.booths.models import Booth
from expo.checkin import offline_app
from expo.db_types import utcnow
from expo.extensions import db
from expo.leads import stand_app, stand_scans
from expo.leads.models import StandScan
from expo.leads.routes.shared import load_team_booth
from expo.permissions import can_scan_badges, require
from expo.transactions import writes_database

bp = Blueprint("stand_app", __name__, url_prefix="/booths/<slug>/leads")

# The device's status badges: the stand scan's own outcomes, and a scan sent again.
OUTCOME_LABELS = {
    stand_scans.RECORDED: lambda: StandScan.Outcome.RECORDED.label,
    stand_scans.ALREADY_RECORDED: lambda: _("Recorded already"),
    stand_scans.REFUSED: lambda: StandScan.Outcome.REFUSED.label,
}


def load_booth(slug: str) -> Booth:
    """The booth whose team the viewer is on (404 for anyone else, as for its leads)."""
    booth = load_team_booth(slug)
    require(can_scan_badges(current_user, booth))
    return booth


def offline_settings(booth: Booth) -> dict:
    """What offline.js needs on the scan page: the app's addresses, a store of its own per booth."""
    return offline_app.page_settings(
        "stand_app",
        store=f"stand-{booth.id}",
        scope=url_for("lead_stand.scan_badge", slug=booth.slug),
        outcomes={key: label() for key, label in OUTCOME_LABELS.items()},
        slug=booth.slug,
    )


@bp.route("/scan/codes.json")
@login_required
@writes_database  # its audit entry
def codes(slug: str):
    """The badges the app records offline, as the team may see their holders."""
    booth = load_booth(slug)
    listed = stand_app.stand_codes(current_user, booth)
    db.session.commit()  # the export's audit entries
    response = jsonify(loaded_at=utcnow().isoformat(), codes=[code.as_json() for code in listed])
    response.headers["Cache-Control"] = "no-store"
    return response


def _details(item: offline_app.QueuedItem, number: int) -> tuple[stand_scans.StandScanInput | None, str | None]:
    rating, notes = item.details.get("rating"), item.details.get("notes") or ""
    tags, products = item.details.get("tags") or [], item.details.get("products") or []
    if not (rating is None or type(rating) is int):
        return None, _("Scan %(number)d has a rating that is not a whole number.", number=number)
    if not isinstance(notes, str) or not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        return None, _("Scan %(number)d has notes or tags that are not text.", number=number)
    if not isinstance(products, list) or not all(type(product) is int for product in products):
        return None, _("Scan %(number)d names products other than by their numbers.", number=number)
    return stand_scans.StandScanInput(
        scan_id=item.scan_id,
        payload=item.code,
        scanned_at=item.scanned_at,
        rating=rating,
        notes=notes,
        tags=tuple(tags),
        product_ids=tuple(products),
    ), None


@bp.route("/scan/sync", methods=["POST"])
@login_required
def sync(slug: str):
    """Scans the app queued: ``{"scans": [{"id", "code", "scanned_at", "rating", "notes", "tags",
    "products"}]}``, at most stand_scans.MAX_BATCH; answers ``{"results": [...]}`` in order."""
    booth = load_booth(slug)

    def record(items: list[stand_scans.StandScanInput]) -> list[dict]:
        return [outcome.as_json() for outcome in stand_scans.record_stand_scans(current_user, booth, items)]

    return offline_app.answer_sync(record, _details)


@bp.route("/scan/manifest.webmanifest")
@login_required
def web_manifest(slug: str):
    booth = load_booth(slug)
    return offline_app.manifest(
        name=_("Badge scans: %(company)s", company=booth.company.name),
        short_name=_("Badge scans"),
        description=_("Scans visitors' badges at your stand, with or without a network."),
        start_url=url_for("lead_stand.scan_badge", slug=booth.slug),
    )


@bp.route("/scan-worker.js")
def service_worker(slug: str):
    """Beside the scan page, not under it, so that its scope may be the page's own address.
    The same for everyone, nothing personal: browsers fetch it on their own."""
    return offline_app.service_worker("js/stand-scans.js")
