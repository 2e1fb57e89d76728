"""Inquiry pages for buyers, the lead inbox and reports for exhibitor teams, and organizers' lead reports."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from expo.editions.services import editions_organized_by, editions_visible_to
from expo.lib.ranges import MAX_ID, parse_id, parse_whole_number, query_id
from expo.pagination import requested_page
from expo import uploads
from expo.booths.models import Booth
from expo.booths.routes import load_booth
from expo.catalog.models import Product
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db, limiter
from expo.i18n import select_timezone
from expo.leads import attachments, display, reports, scoring, services
from expo.leads.services import MAX_PRODUCTS_PER_INQUIRY
from expo.leads.forms import (AssignForm, BoothReportForm, ExpoReportForm, InquiryForm, MessageForm, NoteForm,
                              QuotationForm, StatusForm)
from expo.leads.models import InquiryMessage, LeadReport, TradeInquiry
from expo.permissions import (can_handle_inquiries, can_request_expo_lead_report, can_send_inquiry,
                              is_organizer, require)
from expo.rules import show_on_form
from expo.transactions import writes_database

bp = Blueprint("leads", __name__)

# Each inquiry e-mails a whole team: a cap keeps one account from flooding exhibitors.
INQUIRY_LIMIT = "20 per hour"
INQUIRIES_PER_PAGE = 25
MESSAGES_PER_PAGE = 30
NOTES_PER_PAGE = 10
LEADS_PER_PAGE = 25
REPORTS_PER_PAGE = 20
REPORT_FORMATS = {"csv": "text/csv; charset=utf-8",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}



for _name, _filter in display.FILTERS.items():
    bp.add_app_template_filter(_filter, _name)


@bp.app_context_processor
def _lead_helpers():
    """For base.html's Leads links and the booth and product pages' partials; each looks its data up
    only when a template calls it."""
    return {
        "team_lead_booths": lambda: services.team_booths(current_user),
        "booth_response_time": services.response_time,
        "can_send_inquiry": can_send_inquiry,
        "can_handle_inquiries": can_handle_inquiries,
        "inquiry_status_badges": display.STATUS_BADGES,
    }


# --- loaders -------------------------------------------------------------------------------------


def load_team_booth(slug: str) -> Booth:
    """The booth whose leads the viewer handles; anyone else is not told it has any (404)."""
    booth = db.session.scalar(
        select(Booth).where(Booth.slug == slug)
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


def _store(form) -> attachments.StoredAttachment | None:
    upload = form.attachment_upload()
    return attachments.store_attachment(*upload) if upload else None


# --- sending -------------------------------------------------------------------------------------


def _signed_in_user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


@bp.route("/booths/<slug>/inquire", methods=["GET", "POST"])
@limiter.limit(INQUIRY_LIMIT, key_func=_signed_in_user_key, methods=["POST"])
@login_required
def new_inquiry(slug: str):
    booth = load_booth(slug)
    require(can_send_inquiry(current_user, booth))
    products = services.inquiry_product_choices(booth)
    form = InquiryForm(products=products)
    status = 200
    if request.method == "GET":
        # One product from a product page, or several from a meeting held ("Open an inquiry").
        offered = dict(products)
        chosen = [parse_id(value) for value in request.args.getlist("product")[:MAX_PRODUCTS_PER_INQUIRY]]
        form.products.data = [product_id for product_id in dict.fromkeys(chosen) if product_id in offered]
        if request.args.get("kind") == TradeInquiry.ORDER_REQUEST:
            form.kind.data = TradeInquiry.ORDER_REQUEST
        form.buyer_organisation.data = current_user.organisation
        form.buyer_country.data = current_user.country or ""
        form.destination_country.data = current_user.country or ""
        unit = _default_unit(booth, form.products.data)
        if unit:
            form.unit.data = unit
    elif form.validate_on_submit():
        stored = None
        try:
            stored = _store(form)
            inquiry = services.send_inquiry(current_user, booth, form.inquiry_data(), stored)
        except uploads.UploadRejected as exc:
            db.session.rollback()
            form.attachment.errors = [str(exc)]
            status = exc.status
        except services.LeadError as exc:
            uploads.delete_stored(stored.path if stored else None)
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_("Your message is with %(company)s. You will get an e-mail when they answer.",
                    company=booth.company.name), "success")
            return redirect(url_for("leads.show_my_inquiry", inquiry_id=inquiry.id))
    else:
        status = 400
    return render_template("leads/inquiry_form.html", booth=booth, company=booth.company, form=form,
                           response=services.response_time(booth)), status


def _default_unit(booth: Booth, product_ids) -> str:
    if not product_ids:
        return ""
    return db.session.scalar(select(Product.order_unit).where(Product.booth_id == booth.id,
                                                              Product.id == product_ids[0])) or ""


# --- the buyer's side ----------------------------------------------------------------------------


@bp.route("/inquiries/")
@login_required
def my_inquiries():
    pagination = services.paginate_rows(services.buyer_inquiries_query(current_user), requested_page(), INQUIRIES_PER_PAGE)
    return render_template("leads/my_inquiries.html", pagination=pagination)


def _thread(inquiry: TradeInquiry):
    """The thread's page: the latest one unless the viewer asked for an earlier one."""
    total = db.session.scalar(select(func.count(InquiryMessage.id)).where(InquiryMessage.inquiry_id == inquiry.id))
    last_page = max(1, math.ceil(total / MESSAGES_PER_PAGE))
    page = min(requested_page(default=last_page), last_page)
    return db.paginate(services.thread_query(inquiry), page=page, per_page=MESSAGES_PER_PAGE, error_out=False)


def _render_buyer_inquiry(inquiry: TradeInquiry, form: MessageForm | None = None, status: int = 200):
    return render_template(
        "leads/my_inquiry.html", inquiry=inquiry, booth=inquiry.booth, company=inquiry.booth.company,
        thread=_thread(inquiry), quotations=services.quotations_of(inquiry),
        form=form or MessageForm(formdata=None), today=services.booth_today(inquiry.booth),
    ), status


@bp.route("/inquiries/<int:inquiry_id>")
@login_required
@writes_database
def show_my_inquiry(inquiry_id: int):
    inquiry = load_own_inquiry(inquiry_id)
    services.mark_read(current_user, inquiry)
    db.session.commit()
    return _render_buyer_inquiry(inquiry)


def _post_reply(inquiry: TradeInquiry, form: MessageForm, on_error, success_url: str, *, as_team: bool):
    if not form.validate_on_submit():
        return on_error(form, 400)
    stored = None
    try:
        stored = _store(form)
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


@bp.route("/inquiries/<int:inquiry_id>/messages", methods=["POST"])
@login_required
def reply_as_buyer(inquiry_id: int):
    inquiry = load_own_inquiry(inquiry_id)
    return _post_reply(
        inquiry, MessageForm(),
        lambda form, status: _render_buyer_inquiry(load_own_inquiry(inquiry_id), form, status),
        url_for("leads.show_my_inquiry", inquiry_id=inquiry.id) + "#latest", as_team=False)


@bp.route("/inquiries/<int:inquiry_id>/quotations/<int:quotation_id>/<any(accept, decline):decision>",
          methods=["POST"])
@login_required
def decide_quotation(inquiry_id: int, quotation_id: int, decision: str):
    inquiry = load_own_inquiry(inquiry_id)
    quotation = services.find_quotation(inquiry, quotation_id)
    if quotation is None:
        abort(404)
    try:
        services.decide_quotation(current_user, inquiry, quotation, accept=decision == "accept")
    except services.LeadError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _render_buyer_inquiry(load_own_inquiry(inquiry_id), status=exc.status)
    db.session.commit()
    if decision == "accept":
        flash(_("You accepted the quotation. %(company)s is told and will confirm the order with you.",
                company=inquiry.booth.company.name), "success")
    else:
        flash(_("You declined the quotation. You can tell the exhibitor why in the conversation."), "info")
    return redirect(url_for("leads.show_my_inquiry", inquiry_id=inquiry.id))


@bp.route("/inquiries/<int:inquiry_id>/attachments/<int:message_id>")
@login_required
def download_attachment(inquiry_id: int, message_id: int):
    inquiry = services.find_inquiry(inquiry_id)
    if inquiry is None or not (inquiry.buyer_id == current_user.id or can_handle_inquiries(current_user,
                                                                                            inquiry.booth)):
        abort(404)
    message = services.find_message(inquiry, message_id)
    if message is None or not message.attachment_path:
        abort(404)
    return attachments.attachment_response(message.attachment_path, message.attachment_name)


# --- the team's inbox and inquiry page -----------------------------------------------------------


def _inbox_filters(booth: Booth) -> services.InboxFilters:
    status = request.args.get("status") or None
    assignee = request.args.get("assignee")
    return services.InboxFilters(
        status=status if status in TradeInquiry.STATUSES else None,
        assignee=parse_whole_number(assignee, minimum=services.UNASSIGNED, maximum=MAX_ID),
        product_id=query_id("product"),
        unread_only=request.args.get("unread") == "1",
    )


@bp.route("/booths/<slug>/leads/")
@login_required
def inbox(slug: str):
    booth = load_team_booth(slug)
    filters = _inbox_filters(booth)
    pagination = services.paginate_rows(services.inbox_query(current_user, booth, filters), requested_page(),
                                        INQUIRIES_PER_PAGE)
    return render_template("leads/inbox.html", booth=booth, company=booth.company, pagination=pagination,
                           filters=filters, counts=services.status_counts(booth),
                           members=services.team_members(booth), products=services.products_for_form(booth),
                           response=services.response_time(booth), unassigned=services.UNASSIGNED)


def _team_forms(inquiry: TradeInquiry) -> dict:
    today = services.booth_today(inquiry.booth)
    quotation_form = QuotationForm(formdata=None)
    quotation_form.fill_from(inquiry, today)
    status_form = StatusForm(formdata=None)
    assign_form = AssignForm(formdata=None)
    assign_form.assignee.data = str(inquiry.assignee_id or "")
    return {"reply_form": MessageForm(formdata=None), "note_form": NoteForm(formdata=None),
            "quotation_form": quotation_form, "status_form": status_form, "assign_form": assign_form}


def _fill_choices(inquiry: TradeInquiry, forms: dict) -> dict:
    forms["status_form"].status.choices = [(status, services.status_label(status))
                                           for status in services.allowed_moves(inquiry)]
    forms["assign_form"].assignee.choices = [("", _("Nobody"))] + [
        (str(user.id), user.name) for user in services.team_members(inquiry.booth)]
    return forms


def _render_team_inquiry(booth: Booth, inquiry: TradeInquiry, status: int = 200, **forms):
    all_forms = _team_forms(inquiry) | forms
    notes = db.paginate(services.notes_query(inquiry), page=requested_page("notes_page"), per_page=NOTES_PER_PAGE,
                        error_out=False)
    return render_template(
        "leads/inquiry.html", booth=booth, company=booth.company, inquiry=inquiry, buyer=inquiry.buyer,
        thread=_thread(inquiry), quotations=services.quotations_of(inquiry), notes=notes,
        today=services.booth_today(booth), now=utcnow(), **_fill_choices(inquiry, all_forms),
    ), status


@bp.route("/booths/<slug>/leads/inquiries/<int:inquiry_id>")
@login_required
@writes_database
def show_inquiry(slug: str, inquiry_id: int):
    booth = load_team_booth(slug)
    inquiry = load_team_inquiry(booth, inquiry_id)
    services.mark_read(current_user, inquiry)
    db.session.commit()
    return _render_team_inquiry(booth, inquiry)


def _reload(slug: str, inquiry_id: int) -> tuple[Booth, TradeInquiry]:
    """After a rollback the objects are expired: load them again for the page that explains the refusal."""
    booth = load_team_booth(slug)
    return booth, load_team_inquiry(booth, inquiry_id)


def _inquiry_url(booth: Booth, inquiry: TradeInquiry, anchor: str = "") -> str:
    return url_for("leads.show_inquiry", slug=booth.slug, inquiry_id=inquiry.id) + anchor


@bp.route("/booths/<slug>/leads/inquiries/<int:inquiry_id>/messages", methods=["POST"])
@login_required
def reply_as_team(slug: str, inquiry_id: int):
    booth = load_team_booth(slug)
    inquiry = load_team_inquiry(booth, inquiry_id)
    return _post_reply(inquiry, MessageForm(),
                       lambda form, status: _render_team_inquiry(*_reload(slug, inquiry_id), status, reply_form=form),
                       _inquiry_url(booth, inquiry, "#latest"), as_team=True)


@bp.route("/booths/<slug>/leads/inquiries/<int:inquiry_id>/notes", methods=["POST"])
@login_required
def add_note(slug: str, inquiry_id: int):
    booth = load_team_booth(slug)
    inquiry = load_team_inquiry(booth, inquiry_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(current_user, inquiry, form.note.data)
        except services.LeadError as exc:
            show_on_form(form, exc)
            return _render_team_inquiry(*_reload(slug, inquiry_id), exc.status, note_form=form)
        db.session.commit()
        flash(_("Note added. Only your team can read it."), "success")
        return redirect(_inquiry_url(booth, inquiry, "#notes"))
    return _render_team_inquiry(booth, inquiry, 400, note_form=form)


@bp.route("/booths/<slug>/leads/inquiries/<int:inquiry_id>/quotations", methods=["POST"])
@login_required
def send_quotation(slug: str, inquiry_id: int):
    booth = load_team_booth(slug)
    inquiry = load_team_inquiry(booth, inquiry_id)
    form = QuotationForm()
    if form.validate_on_submit():
        try:
            services.send_quotation(current_user, inquiry, form.quotation_data())
        except services.LeadError as exc:
            show_on_form(form, exc)
            return _render_team_inquiry(*_reload(slug, inquiry_id), exc.status, quotation_form=form)
        db.session.commit()
        flash(_("The quotation is sent to %(buyer)s.", buyer=inquiry.buyer.name), "success")
        return redirect(_inquiry_url(booth, inquiry, "#quotations"))
    return _render_team_inquiry(booth, inquiry, 400, quotation_form=form)


@bp.route("/booths/<slug>/leads/inquiries/<int:inquiry_id>/status", methods=["POST"])
@login_required
def change_status(slug: str, inquiry_id: int):
    booth = load_team_booth(slug)
    inquiry = load_team_inquiry(booth, inquiry_id)
    wanted = request.form.get("status", "")
    try:
        services.change_status(current_user, inquiry, wanted)
    except services.LeadError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _render_team_inquiry(*_reload(slug, inquiry_id), exc.status)
    db.session.commit()
    flash(_("The inquiry is now %(status)s.", status=services.status_label(inquiry.status)), "success")
    return redirect(_inquiry_url(booth, inquiry))


@bp.route("/booths/<slug>/leads/inquiries/<int:inquiry_id>/assignee", methods=["POST"])
@login_required
def assign(slug: str, inquiry_id: int):
    booth = load_team_booth(slug)
    inquiry = load_team_inquiry(booth, inquiry_id)
    form = AssignForm()
    form.assignee.choices = [("", "")] + [(str(user.id), user.name) for user in services.team_members(booth)]
    if not form.validate_on_submit():
        flash(_("Choose a member of your team."), "danger")
        return _render_team_inquiry(booth, inquiry, 400)
    try:
        services.assign(current_user, inquiry, form.assignee_id())
    except services.LeadError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _render_team_inquiry(*_reload(slug, inquiry_id), exc.status)
    db.session.commit()
    if inquiry.assignee is not None:
        flash(_("%(name)s handles this inquiry now.", name=inquiry.assignee.name), "success")
    else:
        flash(_("Nobody is assigned to this inquiry now."), "success")
    return redirect(_inquiry_url(booth, inquiry))


# --- ranked leads --------------------------------------------------------------------------------


@bp.route("/booths/<slug>/leads/ranking")
@login_required
def ranking(slug: str):
    booth = load_team_booth(slug)
    days = scoring.parse_window(request.args.get("days"))
    pagination = services.paginate_rows(scoring.leads_query(booth, days=days), requested_page(), LEADS_PER_PAGE)
    return render_template("leads/ranking.html", booth=booth, company=booth.company, pagination=pagination,
                           days=days, windows=scoring.WINDOWS, anonymous=scoring.anonymous_visitors(booth, days=days),
                           weights=scoring.EVENT_WEIGHTS, inquiry_weights=scoring.INQUIRY_WEIGHTS)


# --- reports: the team's ---------------------------------------------------------------------------


def _period(form, edition: Edition | None) -> tuple:
    if form.date_from.data and form.date_to.data:
        return form.date_from.data, form.date_to.data, select_timezone()
    return reports.period_of_edition(edition)


def _default_dates(form) -> None:
    today = utcnow().date()
    form.date_from.data = today - timedelta(days=29)
    form.date_to.data = today


@bp.route("/booths/<slug>/leads/reports", methods=["GET", "POST"])
@login_required
def booth_reports(slug: str):
    booth = load_team_booth(slug)
    editions = editions_visible_to(current_user, include_drafts=False)
    form = BoothReportForm(editions=editions)
    status = 200
    if request.method == "GET":
        _default_dates(form)
    elif form.validate_on_submit():
        edition = next((e for e in editions if e.id == form.edition_id()), None)
        try:
            period_from, period_to, zone = _period(form, edition)
            report = reports.request_booth_report(current_user, booth, period_from=period_from, period_to=period_to,
                                                  timezone=zone)
        except services.LeadError as exc:
            show_on_form(form, exc)
            status = exc.status
            booth = load_team_booth(slug)
        else:
            db.session.commit()
            flash(_("The report is being compiled. You can leave this page: we e-mail you when it is ready."),
                  "info")
            return redirect(url_for("leads.show_report", slug=booth.slug, report_id=report.id))
    else:
        status = 400
    pagination = db.paginate(reports.booth_reports_query(booth), page=requested_page(), per_page=REPORTS_PER_PAGE,
                             error_out=False)
    return render_template("leads/reports.html", booth=booth, company=booth.company, form=form,
                           pagination=pagination, expo=False), status


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
    return _render_report(report, booth=booth)


@bp.route("/booths/<slug>/leads/reports/<int:report_id>/progress")
@login_required
def report_progress(slug: str, report_id: int):
    report = load_booth_report(load_team_booth(slug), report_id)
    return jsonify(reports.progress(report))


@bp.route("/booths/<slug>/leads/reports/<int:report_id>/<any(csv, xlsx):fmt>")
@login_required
def download_report(slug: str, report_id: int, fmt: str):
    return _download(load_booth_report(load_team_booth(slug), report_id), fmt)


@bp.route("/booths/<slug>/leads/reports/<int:report_id>/retry", methods=["POST"])
@login_required
def retry_report(slug: str, report_id: int):
    booth = load_team_booth(slug)
    return _retry(load_booth_report(booth, report_id),
                  url_for("leads.show_report", slug=booth.slug, report_id=report_id))


def _render_report(report: LeadReport, booth: Booth | None = None):
    finished = report.is_finished
    if booth is not None:
        progress_url = url_for("leads.report_progress", slug=booth.slug, report_id=report.id)
        download = lambda fmt: url_for("leads.download_report", slug=booth.slug, report_id=report.id, fmt=fmt)  # noqa: E731
        retry_url = url_for("leads.retry_report", slug=booth.slug, report_id=report.id)
    else:
        progress_url = url_for("leads.expo_report_progress", report_id=report.id)
        download = lambda fmt: url_for("leads.download_expo_report", report_id=report.id, fmt=fmt)  # noqa: E731
        retry_url = url_for("leads.retry_expo_report", report_id=report.id)
    return render_template("leads/report.html", report=report, booth=booth,
                           company=booth.company if booth else None, progress=reports.progress(report),
                           progress_url=progress_url, download=download, retry_url=retry_url,
                           can_retry=report.status == LeadReport.FAILED or reports.is_stalled(report),
                           refresh=not finished, scope=reports.scope_label(report))


def _download(report: LeadReport, fmt: str):
    path = reports.stored_path(report, fmt)
    if report.status != LeadReport.DONE or not path:
        abort(404)
    reports.record_download(current_user, report, fmt)
    db.session.commit()
    response = send_from_directory(reports._storage_root(), path, mimetype=REPORT_FORMATS[fmt], as_attachment=True,
                                   download_name=reports.filename(report, fmt), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _retry(report: LeadReport, back: str):
    try:
        reports.compile_again(current_user, report)
    except services.LeadError as exc:
        db.session.rollback()
        flash(str(exc), "info")
        return redirect(back)
    db.session.commit()
    flash(_("The report is queued again."), "info")
    return redirect(back)


# --- reports: the organizers' ----------------------------------------------------------------------


def load_expo_report(report_id: int) -> LeadReport:
    report = db.session.get(LeadReport, report_id)
    if report is None or report.scope != LeadReport.EXPO or not reports.may_see(current_user, report):
        abort(404)
    return report


@bp.route("/organize/lead-reports", methods=["GET", "POST"])
@login_required
def expo_reports():
    require(is_organizer(current_user))
    editions = editions_organized_by(current_user)
    pavilions = [pavilion for edition in editions for pavilion in edition.pavilions]
    form = ExpoReportForm(editions=editions, pavilions=pavilions)
    status = 200
    if request.method == "GET":
        _default_dates(form)
    elif form.validate_on_submit():
        edition = next((e for e in editions if e.id == form.edition_id()), None)
        pavilion = next((p for p in pavilions if p.id == form.pavilion_id()), None)
        if pavilion is not None and edition is None:
            edition = pavilion.edition
        try:
            if not can_request_expo_lead_report(current_user, edition):
                raise reports.ReportError(_("Choose one of the editions you organize."), "edition")
            period_from, period_to, zone = _period(form, edition)
            report = reports.request_expo_report(current_user, edition=edition, pavilion=pavilion,
                                                 period_from=period_from, period_to=period_to, timezone=zone)
        except services.LeadError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_("The report is being compiled. You can leave this page: we e-mail you when it is ready."),
                  "info")
            return redirect(url_for("leads.show_expo_report", report_id=report.id))
    else:
        status = 400
    pagination = db.paginate(reports.expo_reports_query(current_user)
                             .options(joinedload(LeadReport.edition), joinedload(LeadReport.pavilion)),
                             page=requested_page(), per_page=REPORTS_PER_PAGE, error_out=False)
    return render_template("leads/reports.html", booth=None, company=None, form=form, pagination=pagination,
                           expo=True), status


@bp.route("/organize/lead-reports/<int:report_id>")
@login_required
def show_expo_report(report_id: int):
    return _render_report(load_expo_report(report_id))


@bp.route("/organize/lead-reports/<int:report_id>/progress")
@login_required
def expo_report_progress(report_id: int):
    return jsonify(reports.progress(load_expo_report(report_id)))


@bp.route("/organize/lead-reports/<int:report_id>/<any(csv, xlsx):fmt>")
@login_required
def download_expo_report(report_id: int, fmt: str):
    return _download(load_expo_report(report_id), fmt)


@bp.route("/organize/lead-reports/<int:report_id>/retry", methods=["POST"])
@login_required
def retry_expo_report(report_id: int):
    return _retry(load_expo_report(report_id), url_for("leads.show_expo_report", report_id=report_id))

