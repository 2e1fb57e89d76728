"""Organizers' order-lead reports across the exhibitors of the editions they organize (a team's own
reports are in ``expo.leads.routes.reports``; both share the report page)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from expo.editions.services import editions_organized_by
from expo.extensions import db
from expo.leads import reports, services
from expo.leads.forms import ExpoReportForm
from expo.leads.models import LeadReport
from expo.leads.routes.shared import REPORTS_PER_PAGE, fill_default_dates, render_report, report_period
from expo.leads.routes.shared import download_report as send_report
from expo.leads.routes.shared import retry_report as queue_again
from expo.lib.pagination import requested_page
from expo.lib.rules import show_on_form
from expo.permissions import can_request_expo_lead_report, is_organizer, require
from expo.transactions import writes_database

bp = Blueprint("organize_lead_reports", __name__, url_prefix="/organize/lead-reports")


def load_expo_report(report_id: int) -> LeadReport:
    report = db.session.get(LeadReport, report_id)
    if report is None or report.scope != LeadReport.EXPO or not reports.may_see(current_user, report):
        abort(404)
    return report


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    require(is_organizer(current_user))
    editions = editions_organized_by(current_user)
    pavilions = [pavilion for edition in editions for pavilion in edition.pavilions]
    form = ExpoReportForm(editions=editions, pavilions=pavilions)
    status = 200
    if request.method == "GET":
        fill_default_dates(form)
    elif form.validate_on_submit():
        edition = next((e for e in editions if e.id == form.edition_id()), None)
        pavilion = next((p for p in pavilions if p.id == form.pavilion_id()), None)
        if pavilion is not None and edition is None:
            edition = pavilion.edition
        try:
            if not can_request_expo_lead_report(current_user, edition):
                raise reports.ReportError(_("Choose one of the editions you organize."), "edition")
            period_from, period_to, zone = report_period(form, edition)
            report = reports.request_expo_report(
                current_user,
                edition=edition,
                pavilion=pavilion,
                period_from=period_from,
                period_to=period_to,
                timezone=zone,
            )
        except services.LeadError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_("The report is being compiled. You can leave this page: we e-mail you when it is ready."), "info")
            return redirect(url_for("organize_lead_reports.show", report_id=report.id))
    else:
        status = 400
    pagination = db.paginate(
        reports.expo_reports_query(current_user).options(
            joinedload(LeadReport.edition), joinedload(LeadReport.pavilion)
        ),
        page=requested_page(),
        per_page=REPORTS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "leads/reports.html", booth=None, company=None, form=form, pagination=pagination, expo=True
    ), status


@bp.route("/<int:report_id>")
@login_required
def show(report_id: int):
    report = load_expo_report(report_id)
    return render_report(
        report,
        booth=None,
        progress_url=url_for("organize_lead_reports.progress", report_id=report.id),
        download=lambda fmt: url_for("organize_lead_reports.download", report_id=report.id, fmt=fmt),
        retry_url=url_for("organize_lead_reports.retry", report_id=report.id),
    )


@bp.route("/<int:report_id>/progress")
@login_required
def progress(report_id: int):
    return jsonify(reports.progress(load_expo_report(report_id)))


@bp.route("/<int:report_id>/<any(csv, xlsx):fmt>")
@login_required
@writes_database  # its audit entry
def download(report_id: int, fmt: str):
    return send_report(load_expo_report(report_id), fmt)


@bp.route("/<int:report_id>/retry", methods=["POST"])
@login_required
def retry(report_id: int):
    return queue_again(load_expo_report(report_id), url_for("organize_lead_reports.show", report_id=report_id))
