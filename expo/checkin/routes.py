"""Checking tickets in at the door, for organizers and check-in staff."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from expo.accounts.forms import ConfirmActionForm
from expo.accounts.models import EditionRole
from expo.checkin import offline_app, services
from expo.checkin.forms import MAX_CODE_LENGTH, AddCheckinStaffForm, CheckInForm
from expo.checkin.models import CheckinScan
from expo.content_languages import page_language
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.i18n import local_datetime
from expo.lib.rules import show_on_form
from expo.permissions import can_check_in, can_manage_edition, can_view_edition, require
from expo.registrations.tickets import CheckInResult, target_title
from expo.transactions import writes_database

bp = Blueprint("checkin", __name__, url_prefix="/editions/<slug>/checkin")

# The offline app's service worker holds nothing personal, and browsers fetch it on their own.
OPEN_ENDPOINTS = {"checkin.service_worker"}


@bp.before_request
def _signed_in_only():
    """Every check-in page needs an account; the loaders below decide which."""
    if request.endpoint not in OPEN_ENDPOINTS and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def load_edition(slug: str, *, allowed) -> Edition:
    """404 for unknown editions and for drafts the viewer may not see; 403 unless ``allowed``."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
    if edition is None or not (can_view_edition(current_user, edition) or can_check_in(current_user, edition)):
        abort(404)
    require(allowed(current_user, edition))
    return edition


def _describe(result: CheckInResult) -> dict:
    """What the door sees: who, for what, and whether they were already in."""
    user = result.registration.user
    title = target_title(result.registration, page_language())
    if result.first_time:
        if user.organisation:
            message = _(
                "Checked in: %(name)s, %(organisation)s, %(title)s",
                name=user.name,
                organisation=user.organisation,
                title=title,
            )
        else:
            message = _("Checked in: %(name)s, %(title)s", name=user.name, title=title)
    else:
        message = _("Already checked in at %(time)s", time=local_datetime(result.checked_in_at))
    return {
        "status": "checked_in" if result.first_time else "already",
        "message": message,
        "name": user.name,
        "organisation": user.organisation,
        "title": title,
        "checked_in_at": result.checked_in_at.isoformat(),
    }


def _refusal(error: services.TicketRefused) -> dict:
    return {
        "status": "error",
        "message": str(error),
        "name": None,
        "organisation": None,
        "title": None,
        "checked_in_at": None,
    }


def _check_in_page(edition: Edition, form: CheckInForm, outcome: dict | None = None, status: int = 200):
    return render_template(
        "checkin/check_in.html",
        edition=edition,
        form=form,
        outcome=outcome,
        rows=services.attendance(edition, language=page_language()),
        can_manage=can_manage_edition(current_user, edition),
        offline=_offline_settings(edition),
    ), status


def _offline_settings(edition: Edition) -> dict:
    """What offline.js needs: the app's addresses, and a store of its own per edition."""
    return offline_app.page_settings(
        "checkin",
        store=f"checkin-{edition.id}",
        scope=url_for("checkin.index", slug=edition.slug),
        outcomes={outcome.value: outcome.label for outcome in CheckinScan.Outcome},
        slug=edition.slug,
    )


@bp.route("/", methods=["GET", "POST"])
def index(slug: str):
    edition = load_edition(slug, allowed=can_check_in)
    form = CheckInForm()
    if not form.is_submitted():
        return _check_in_page(edition, form)
    if not form.validate():
        return _check_in_page(edition, form, status=400)
    try:
        result = services.check_in_ticket(current_user, edition, form.code.data)
    except services.TicketRefused as exc:
        db.session.rollback()
        outcome, status = _refusal(exc), exc.status
    else:
        db.session.commit()
        outcome, status = _describe(result), 200
    # A blank field, ready for the next ticket.
    return _check_in_page(edition, CheckInForm(formdata=None), outcome, status)


@bp.route("/scan", methods=["POST"])
def scan(slug: str):
    """The camera's and the scanner's JSON twin of the form; CSRF token in the X-CSRFToken header."""
    edition = load_edition(slug, allowed=can_check_in)
    data = request.get_json(silent=True) or {}
    code = data.get("code") if isinstance(data, dict) else None
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_LENGTH:
        return jsonify(_refusal(services.TicketRefused(_("Scan or type the code on the ticket."), 400))), 400
    try:
        result = services.check_in_ticket(current_user, edition, code)
    except services.TicketRefused as exc:
        db.session.rollback()
        return jsonify(_refusal(exc)), exc.status
    db.session.commit()
    return jsonify(_describe(result))


@bp.route("/codes.json")
@writes_database  # its audit entry
def codes(slug: str):
    """The codes the app checks scans against offline, loaded before the doors open."""
    edition = load_edition(slug, allowed=can_check_in)
    listed = services.offline_codes(current_user, edition)
    db.session.commit()  # the export's audit entry
    response = jsonify(
        edition=edition.slug,
        loaded_at=utcnow().isoformat(),
        codes=[code.as_json() for code in listed],
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sync", methods=["POST"])
def sync(slug: str):
    """Scans the app queued, as JSON ``{"scans": [{"id", "code", "scanned_at"}, ...]}`` (at most
    services.MAX_SYNC_BATCH); answers ``{"results": [...]}`` in the same order. CSRF token in the
    X-CSRFToken header, as for /scan."""
    edition = load_edition(slug, allowed=can_check_in)

    def record(scans: list[offline_app.QueuedItem]) -> list[dict]:
        queued = [services.QueuedScan(scan.scan_id, scan.code, scan.scanned_at) for scan in scans]
        return [result.as_json() for result in services.sync_scans(current_user, edition, queued)]

    return offline_app.answer_sync(record)


@bp.route("/manifest.webmanifest")
def web_manifest(slug: str):
    edition = load_edition(slug, allowed=can_check_in)
    return offline_app.manifest(
        name=_("Check-in: %(edition)s", edition=edition.name),
        short_name=_("Check-in"),
        description=_("Checks tickets in at the door, with or without a network."),
        start_url=url_for("checkin.index", slug=edition.slug),
    )


@bp.route("/sw.js")
def service_worker(slug: str):
    return offline_app.service_worker("js/checkin.js")


@bp.route("/counts.json")
def counts(slug: str):
    edition = load_edition(slug, allowed=can_check_in)
    rows = services.attendance(edition, language=page_language())
    response = jsonify(
        sessions=[row.as_json() for row in rows],
        totals={"checked_in": sum(row.checked_in for row in rows), "confirmed": sum(row.confirmed for row in rows)},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff", methods=["GET", "POST"])
def manage_staff(slug: str):
    edition = load_edition(slug, allowed=can_manage_edition)
    form = AddCheckinStaffForm()
    if form.validate_on_submit():
        try:
            role = services.add_checkin_staff(current_user, edition, form.email.data)
        except services.NoSuchAccount as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s can now check tickets in for %(edition)s, and do nothing else.",
                    name=role.user.name,
                    edition=edition.name,
                ),
                "success",
            )
            return redirect(url_for("checkin.manage_staff", slug=edition.slug))
    return render_template(
        "checkin/staff.html",
        edition=edition,
        form=form,
        staff=services.checkin_staff(edition),
        remove_form=ConfirmActionForm(),
    )


@bp.route("/staff/<int:role_id>/remove", methods=["POST"])
def remove_staff(slug: str, role_id: int):
    edition = load_edition(slug, allowed=can_manage_edition)
    role = db.session.get(EditionRole, role_id)
    if role is None or role.edition_id != edition.id or role.kind != EditionRole.CHECKIN:
        abort(404)
    if ConfirmActionForm().validate_on_submit():
        name = role.user.name
        services.remove_checkin_staff(current_user, role)
        db.session.commit()
        flash(_("%(name)s is no longer check-in staff.", name=name), "success")
    return redirect(url_for("checkin.manage_staff", slug=edition.slug))
