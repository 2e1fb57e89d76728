"""What the buyer's and the team's lead pages share: loading a team's booth and an inquiry under the
viewer's rights, a conversation's page of messages, posting a reply, and showing, downloading and
retrying an order-lead report (organizers' reports use the same page)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from expo import uploads
from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.i18n import select_timezone
from expo.leads import attachments, reports, services
from expo.leads.forms import MessageForm
from expo.leads.models import InquiryMessage, LeadReport, TradeInquiry
from expo.lib import jobs
from expo.lib.pagination import requested_page
from expo.lib.rules import show_on_form
from expo.permissions import can_handle_inquiries

MESSAGES_PER_PAGE = 30
REPORTS_PER_PAGE = 20


# --- loaders -------------------------------------------------------------------------------------


def load_team_booth(slug: str) -> Booth:
    """The booth whose leads the viewer handles; anyone else is not told it has any (404)."""
    booth = db.session.scalar(
        select(Booth)
        .where(Booth.slug == slug)
        .options(joinedload(Booth.company).selectinload(ExhibitorCompany.members).joinedload(CompanyMember.user))
    )
    if booth is None or not can_handle_inquiries(current_user, booth):
        abort(404)
    return booth


def load_team_inquiry(booth: Booth, inquiry_id: int) -> TradeInquiry:
    inquiry = services.find_inquiry(inquiry_id)
    if inquiry is None or inquiry.booth_id != booth.id:
        abort(404)
    return inquiry


def load_own_inquiry(inquiry_id: int) -> TradeInquiry:
    """The signed-in buyer's own inquiry; somebody else's is a 404."""
    inquiry = services.find_inquiry(inquiry_id)
    if inquiry is None or inquiry.buyer_id != current_user.id:
        abort(404)
    return inquiry


# --- the conversation ----------------------------------------------------------------------------


def store_attachment(form) -> attachments.StoredAttachment | None:
    upload = form.attachment_upload()
    return attachments.store_attachment(*upload) if upload else None


def thread_page(inquiry: TradeInquiry):
    """The thread's page: the latest one unless the viewer asked for an earlier one."""
    total = db.session.scalar(select(func.count(InquiryMessage.id)).where(InquiryMessage.inquiry_id == inquiry.id))
    last_page = max(1, math.ceil(total / MESSAGES_PER_PAGE))
    page = min(requested_page(default=last_page), last_page)
    return db.paginate(services.thread_query(inquiry), page=page, per_page=MESSAGES_PER_PAGE, error_out=False)


def post_reply(inquiry: TradeInquiry, form: MessageForm, on_error, success_url: str, *, as_team: bool):
    if not form.validate_on_submit():
        return on_error(form, 400)
    stored = None
    try:
        stored = store_attachment(form)
        services.post_message(current_user, inquiry, form.body.data or "", stored, as_team=as_team)
    except uploads.UploadRejected as exc:
        db.session.rollback()
        form.attachment.errors = [str(exc)]
        return on_error(form, exc.status)
    except services.LeadError as exc:
        uploads.delete_stored(stored.path if stored else None)
        show_on_form(form, exc)
        return on_error(form, exc.status)
    db.session.commit()
    flash(_("Your message is sent."), "success")
    return redirect(success_url)


# --- order-lead reports --------------------------------------------------------------------------


def report_period(form, edition: Edition | None) -> tuple:
    """The dates the report form asked for, or else the chosen edition's days."""
    if form.date_from.data and form.date_to.data:
        return form.date_from.data, form.date_to.data, select_timezone()
    return reports.period_of_edition(edition)


def fill_default_dates(form) -> None:
    """A new report form proposes the last thirty days."""
    today: date = utcnow().date()
    form.date_from.data = today - timedelta(days=29)
    form.date_to.data = today


def render_report(
    report: LeadReport, *, booth: Booth | None, progress_url: str, download: Callable[[str], str], retry_url: str
):
    return render_template(
        "leads/report.html",
        report=report,
        booth=booth,
        company=booth.company if booth else None,
        progress=reports.progress(report),
        progress_url=progress_url,
        download=download,
        retry_url=retry_url,
        can_retry=jobs.is_stuck(report),
        refresh=not report.is_finished,
        scope=reports.scope_label(report),
    )


def download_report(report: LeadReport, fmt: str):
    path = reports.stored_path(report, fmt)
    if report.status != LeadReport.Status.DONE or not path:
        abort(404)
    reports.record_download(current_user, report, fmt)
    db.session.commit()
    return reports.file_response(report, fmt)


def retry_report(report: LeadReport, back: str):
    try:
        reports.compile_again(current_user, report)
    except services.LeadError as exc:
        db.session.rollback()
        flash(str(exc), "info")
        return redirect(back)
    db.session.commit()
    flash(_("The report is queued again."), "info")
    return redirect(back)
