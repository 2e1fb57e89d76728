"""The audit log pages: an edition's entries for its organizers, every entry for admins; both
filterable, paginated and exportable as CSV and XLSX."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import get_timezone
from flask_login import current_user, login_required

from expo import exports
from expo.audit import services
from expo.audit.forms import AuditFilterForm
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.editions.routes import load_edition
from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.permissions import can_view_audit_log, require
from expo.transactions import writes_database

bp = Blueprint("audit", __name__)

PER_PAGE = 50


def _load(slug: str | None) -> Edition | None:
    """The edition (404 for an unknown one or a draft the viewer may not see), then 403 unless
    the viewer may read its log; None (the whole log) for admins only."""
    edition = load_edition(slug) if slug is not None else None
    if edition is not None:
        g.edition = edition  # the organizer header's links name it
    require(can_view_audit_log(current_user, edition))
    return edition


def _filter_form() -> tuple[AuditFilterForm, services.AuditFilters | None]:
    """The form, and the filters it asks for (None when it is wrong: the page says why)."""
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        return form, None
    return form, services.AuditFilters(
        action=form.action.data or None,
        actor=(form.actor.data or "").strip(),
        object_type=form.object_type.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        timezone=get_timezone().zone,
    )


def _show(edition: Edition | None):
    form, filters = _filter_form()
    pagination = None
    if filters is not None:
        pagination = db.paginate(
            services.entries_query(edition.id if edition else None, filters),
            page=requested_page(),
            per_page=PER_PAGE,
            error_out=False,
        )
    export_args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "audit/log.html",
        edition=edition,
        form=form,
        pagination=pagination,
        changes=services.changes,
        field_label=services.field_label,
        export_args=export_args,
    ), 200 if filters is not None else 400


def _export(edition: Edition | None, fmt: str):
    form, filters = _filter_form()
    if filters is None:
        return render_template(
            "audit/log.html",
            edition=edition,
            form=form,
            pagination=None,
            changes=services.changes,
            field_label=services.field_label,
            export_args={},
        ), 400
    content = services.export_entries(current_user, edition, filters, fmt)
    db.session.commit()
    name = f"audit-{edition.slug if edition else 'all'}-{utcnow():%Y%m%d-%H%M}.{fmt}"
    return exports.download(content, fmt, name)  # who did what, with their e-mail addresses


@bp.route("/editions/<slug>/organize/audit")
@login_required
def edition_log(slug: str):
    return _show(_load(slug))


@bp.route("/editions/<slug>/organize/audit.<any(csv, xlsx):fmt>")
@login_required
@writes_database  # its audit entry
def export_edition_log(slug: str, fmt: str):
    return _export(_load(slug), fmt)


@bp.route("/admin/audit")
@login_required
def full_log():
    return _show(_load(None))


@bp.route("/admin/audit.<any(csv, xlsx):fmt>")
@login_required
@writes_database  # its audit entry
def export_full_log(fmt: str):
    return _export(_load(None), fmt)
