"""The booth team's "Scan a badge" page: a hand-held scanner (or a person) types the badge's code,
the team adds a rating, notes, tags and products, and the scan joins the visitor's lead through the
same service as the offline app's sync. With JavaScript the page is the offline app
(``stand_app``), which queues the scans on the device; this form is what answers without it."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from expo.booths.models import Booth, BoothPlacement
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.leads import services
from expo.leads.forms import StandScanForm
from expo.leads.models import StandScan
from expo.leads.routes import stand_app
from expo.leads.routes.shared import load_team_booth
from expo.leads.scoring import named_visitor_ids
from expo.leads.stand_scans import RECORDED, REFUSED, StandScanInput, record_stand_scans, visitor_label

bp = Blueprint("lead_stand", __name__)


def _placed_editions(booth: Booth) -> list[Edition]:
    return list(
        db.session.scalars(
            select(Edition)
            .join(BoothPlacement, BoothPlacement.edition_id == Edition.id)
            .where(BoothPlacement.booth_id == booth.id)
            .order_by(Edition.starts_on.desc())
        )
    )


def _last_scan(booth: Booth, scan_id: str | None) -> tuple[StandScan, str] | None:
    """The scan just recorded (its id came back in the address), to link to its lead."""
    if not scan_id:
        return None
    scan = db.session.scalar(
        select(StandScan).where(
            StandScan.scan_id == scan_id[:36],
            StandScan.booth_id == booth.id,
            StandScan.outcome == StandScan.Outcome.RECORDED,
            StandScan.visitor_id.is_not(None),
        )
    )
    if scan is None:
        return None
    visitor = scan.visitor
    named = visitor.share_contact_on_badge_scan or visitor.id in named_visitor_ids(booth, [visitor.id])
    return scan, visitor_label(visitor, named=named)


def _render(booth: Booth, form: StandScanForm, status: int = 200):
    return render_template(
        "leads/scan.html",
        booth=booth,
        company=booth.company,
        form=form,
        editions=_placed_editions(booth),
        last=_last_scan(booth, request.args.get("last")),
        offline=stand_app.offline_settings(booth),
    ), status


def _form(booth: Booth, *, blank: bool = False) -> StandScanForm:
    form = StandScanForm(formdata=None) if blank else StandScanForm()
    form.products.choices = services.products_for_form(booth)
    return form


@bp.route("/booths/<slug>/leads/scan", methods=["GET", "POST"])
@login_required
def scan_badge(slug: str):
    booth = load_team_booth(slug)
    if request.method == "GET":
        form = _form(booth, blank=True)
        form.scan_id.data = str(uuid.uuid4())
        return _render(booth, form)
    form = _form(booth)
    if not form.validate_on_submit():
        form.scan_id.data = str(uuid.uuid4())
        return _render(booth, form, 400)
    [outcome] = record_stand_scans(
        current_user,
        booth,
        [
            StandScanInput(
                scan_id=form.scan_id.data,
                payload=form.code.data,
                scanned_at=utcnow(),
                rating=form.rating.data,
                notes=form.notes.data or "",
                tags=form.tag_list(),
                product_ids=tuple(form.products.data or ()),
            )
        ],
    )
    # A refused badge is stored too, so that the same form sent again is answered the same way.
    db.session.commit()
    if outcome.result == REFUSED:
        form.code.errors = [outcome.message]
        # What the person typed stays; the next try is a scan of its own.
        form.scan_id.data = str(uuid.uuid4())
        return _render(booth, form, 400)
    flash(outcome.message, "success" if outcome.result == RECORDED else "info")
    return redirect(url_for("lead_stand.scan_badge", slug=booth.slug, last=outcome.scan_id))
