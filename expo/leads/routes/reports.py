"""An exhibitor team's order-lead reports: asking for one, watching it compile, downloading it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo.booths.models import Booth
from expo.editions.services import editions_visible_to
from expo.extensions import db
from expo.leads import reports, services
from expo.leads.forms import BoothReportForm
from expo.leads.models import LeadReport
from expo.leads.routes.shared import REPORTS_PER_PAGE, fill_default_dates, load_team_booth, render_report, report_period
from expo.leads.routes.shared import download_report as send_report
from expo.leads.routes.shared import retry_report as queue_again
from expo.lib.pagination import requested_page
from expo.lib.rules import show_on_form
from expo.transactions import writes_database

bp = Blueprint("lead_reports", __name__)


@bp.route("/booths/<slug>/leads/reports", methods=["GET", "POST"])
@login_required
def booth_reports(slug: str):
    booth = load_team_booth(slug)
    editions = editions_visible_to(current_user, include_drafts=False)
    form = BoothReportForm(editions=editions)
    status = 200
    if request.method == "GET":
        fill_default_dates(form)
    elif form.validate_on_submit():
        edition = next((e for e in editions if e.id == form.edition_id()), None)
        try:
            period_from, period_to, zone = report_period(form, edition)
            report = reports.request_booth_report(
                current_user, booth, period_from=period_from, period_to=period_to, timezone=zone
            )
        except services.LeadError as exc:
            show_on_form(form, exc)
            status = exc.status
            booth = load_team_booth(slug)
        else:
            db.session.commit()
            flash(_("The report is being compiled. You can leave this page: we e-mail you when it is ready."), "info")
            return redirect(url_for("lead_reports.show_report", slug=booth.slug, report_id=report.id))
    else:
        status = 400
    pagination = db.paginate(
        reports.booth_reports_query(booth), page=requested_page(), per_page=REPORTS_PER_PAGE, error_out=False
    )
    return render_template(
        "leads/reports.html", booth=booth, company=booth.company, form=form, pagination=pagination, expo=False
    ), status


def load_booth_report(booth: Booth, report_id: int) -> LeadReport:
    report = db.session.get(LeadReport, report_id)
    if report is None or report.booth_id != booth.id:
        abort(404)
    return report


@bp.route("/booths/<slug>/leads/reports/<int:report_id>")
@login_required
def show_report(slug: str, report_id: int):
    booth = load_team_booth(slug)
    report = load_booth_report(booth, report_id)
    return render_report(
        report,
        booth=booth,
        progress_url=url_for("lead_reports.report_progress", slug=booth.slug, report_id=report.id),
        download=lambda fmt: url_for("lead_reports.download_report", slug=booth.slug, report_id=report.id, fmt=fmt),
        retry_url=url_for("lead_reports.retry_report", slug=booth.slug, report_id=report.id),
    )


@bp.route("/booths/<slug>/leads/reports/<int:report_id>/progress")
@login_required
def report_progress(slug: str, report_id: int):
    report = load_booth_report(load_team_booth(slug), report_id)
    return jsonify(reports.progress(report))


@bp.route("/booths/<slug>/leads/reports/<int:report_id>/<any(csv, xlsx):fmt>")
@login_required
@writes_database  # its audit entry
def download_report(slug: str, report_id: int, fmt: str):
    return send_report(load_booth_report(load_team_booth(slug), report_id), fmt)


@bp.route("/booths/<slug>/leads/reports/<int:report_id>/retry", methods=["POST"])
@login_required
def retry_report(slug: str, report_id: int):
    booth = load_team_booth(slug)
    return queue_again(
        load_booth_report(booth, report_id), url_for("lead_reports.show_report", slug=booth.slug, report_id=report_id)
    )
