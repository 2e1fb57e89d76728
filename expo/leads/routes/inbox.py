"""An exhibitor team's lead inbox: the inquiries a booth received, each one's conversation, notes,
quotations, status and assignee, and the booth's leads ranked by engagement."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.extensions import db
from expo.leads import scoring, services, stand_scans
from expo.leads.forms import AssignForm, MessageForm, NoteForm, QuotationForm, StatusForm
from expo.leads.models import TradeInquiry
from expo.leads.routes.shared import load_team_booth, load_team_inquiry, post_reply, thread_page
from expo.lib.pagination import requested_page
from expo.lib.ranges import MAX_ID, parse_whole_number, query_id
from expo.lib.rules import show_on_form
from expo.page_cache import cached_personal_page
from expo.transactions import writes_database

bp = Blueprint("lead_inbox", __name__)

INQUIRIES_PER_PAGE = 25
NOTES_PER_PAGE = 10
LEADS_PER_PAGE = 25
SCANS_PER_PAGE = 20


def _inbox_filters(booth: Booth) -> services.InboxFilters:
    status = request.args.get("status") or None
    assignee = request.args.get("assignee")
    return services.InboxFilters(
        status=status if status in tuple(TradeInquiry.Status) else None,
        assignee=parse_whole_number(assignee, minimum=services.UNASSIGNED, maximum=MAX_ID),
        product_id=query_id("product"),
        unread_only=request.args.get("unread") == "1",
    )


@bp.route("/booths/<slug>/leads/")
@cached_personal_page
@login_required
def inbox(slug: str):
    booth = load_team_booth(slug)
    filters = _inbox_filters(booth)
    counts = services.status_counts(booth)
    pagination = services.paginate_rows(
        services.inbox_query(current_user, booth, filters),
        requested_page(),
        INQUIRIES_PER_PAGE,
        total=filters.total_from(counts),
    )
    return render_template(
        "leads/inbox.html",
        booth=booth,
        company=booth.company,
        pagination=pagination,
        filters=filters,
        counts=counts,
        members=services.team_members(booth),
        products=services.products_for_form(booth),
        response=services.response_time(booth),
        unassigned=services.UNASSIGNED,
    )


def _team_forms(inquiry: TradeInquiry) -> dict:
    today = services.booth_today(inquiry.booth)
    quotation_form = QuotationForm(formdata=None)
    quotation_form.fill_from(inquiry, today)
    status_form = StatusForm(formdata=None)
    assign_form = AssignForm(formdata=None)
    assign_form.assignee.data = str(inquiry.assignee_id or "")
    return {
        "reply_form": MessageForm(formdata=None),
        "note_form": NoteForm(formdata=None),
        "quotation_form": quotation_form,
        "status_form": status_form,
        "assign_form": assign_form,
    }


def _fill_choices(inquiry: TradeInquiry, forms: dict) -> dict:
    forms["status_form"].status.choices = [
        (status, TradeInquiry.Status(status).label) for status in services.allowed_moves(inquiry)
    ]
    forms["assign_form"].assignee.choices = [("", _("Nobody"))] + [
        (str(user.id), user.name) for user in services.team_members(inquiry.booth)
    ]
    return forms


def _render_team_inquiry(booth: Booth, inquiry: TradeInquiry, status: int = 200, **forms):
    all_forms = _team_forms(inquiry) | forms
    notes = db.paginate(
        services.notes_query(inquiry), page=requested_page("notes_page"), per_page=NOTES_PER_PAGE, error_out=False
    )
    return render_template(
        "leads/inquiry.html",
        booth=booth,
        company=booth.company,
        inquiry=inquiry,
        buyer=inquiry.buyer,
        thread=thread_page(inquiry),
        quotations=services.quotations_of(inquiry),
        notes=notes,
        today=services.booth_today(booth),
        now=utcnow(),
        **_fill_choices(inquiry, all_forms),
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
    return url_for("lead_inbox.show_inquiry", slug=booth.slug, inquiry_id=inquiry.id) + anchor


@bp.route("/booths/<slug>/leads/inquiries/<int:inquiry_id>/messages", methods=["POST"])
@login_required
def reply_as_team(slug: str, inquiry_id: int):
    booth = load_team_booth(slug)
    inquiry = load_team_inquiry(booth, inquiry_id)
    return post_reply(
        inquiry,
        MessageForm(),
        lambda form, status: _render_team_inquiry(*_reload(slug, inquiry_id), status, reply_form=form),
        _inquiry_url(booth, inquiry, "#latest"),
        as_team=True,
    )


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
    flash(_("The inquiry is now %(status)s.", status=inquiry.status.label), "success")
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


@bp.route("/booths/<slug>/leads/ranking")
@login_required
def ranking(slug: str):
    booth = load_team_booth(slug)
    days = scoring.parse_window(request.args.get("days"))
    pagination = services.paginate_rows(scoring.leads_query(booth, days=days), requested_page(), LEADS_PER_PAGE)
    return render_template(
        "leads/ranking.html",
        booth=booth,
        company=booth.company,
        pagination=pagination,
        days=days,
        windows=scoring.WINDOWS,
        anonymous=scoring.anonymous_visitors(booth, days=days),
        weights=scoring.EVENT_WEIGHTS,
        inquiry_weights=scoring.INQUIRY_WEIGHTS,
        meeting_weight=scoring.MEETING_HELD_WEIGHT,
        scan_weight=scoring.STAND_SCAN_WEIGHT,
        rating_bonus=scoring.RATING_BONUS,
    )


@bp.route("/booths/<slug>/leads/people/<int:visitor_id>")
@login_required
def show_lead(slug: str, visitor_id: int):
    """One visitor's lead: their score and what makes it, the team's scans at the stand, their inquiries."""
    booth = load_team_booth(slug)
    lead = scoring.find_lead(booth, visitor_id)
    if lead is None:
        abort(404)
    scans = db.paginate(
        stand_scans.lead_scans_query(booth, visitor_id),
        page=requested_page(),
        per_page=SCANS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "leads/lead.html",
        booth=booth,
        company=booth.company,
        lead=lead,
        visitor=lead.User,
        named=bool(lead.named),
        label=stand_scans.visitor_label(lead.User, named=bool(lead.named)),
        scans=scans,
        assessment=stand_scans.latest_assessment(booth, visitor_id),
        inquiries=services.inquiries_from(booth, visitor_id) if lead.inquiries or lead.order_requests else [],
    )
