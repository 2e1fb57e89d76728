"""A buyer's inquiries: asking a booth, the conversation, deciding on quotations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from expo import uploads
from expo.booths.models import Booth
from expo.booths.routes import load_booth
from expo.catalog.models import Product
from expo.extensions import db, limiter
from expo.leads import attachments, display, services
from expo.leads.forms import InquiryForm, MessageForm
from expo.leads.models import TradeInquiry
from expo.leads.routes.shared import load_own_inquiry, post_reply, store_attachment, thread_page
from expo.lib.pagination import requested_page
from expo.lib.ranges import parse_id
from expo.lib.rules import show_on_form
from expo.permissions import can_handle_inquiries, can_send_inquiry, require
from expo.transactions import writes_database

bp = Blueprint("inquiries", __name__)

# Each inquiry e-mails a whole team: a cap keeps one account from flooding exhibitors.
INQUIRY_LIMIT = "20 per hour"
INQUIRIES_PER_PAGE = 25

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
        chosen = [parse_id(value) for value in request.args.getlist("product")[: services.MAX_PRODUCTS_PER_INQUIRY]]
        form.products.data = [product_id for product_id in dict.fromkeys(chosen) if product_id in offered]
        if request.args.get("kind") == TradeInquiry.Kind.ORDER_REQUEST:
            form.kind.data = TradeInquiry.Kind.ORDER_REQUEST
        form.buyer_organisation.data = current_user.organisation
        form.buyer_country.data = current_user.country or ""
        form.destination_country.data = current_user.country or ""
        unit = _default_unit(booth, form.products.data)
        if unit:
            form.unit.data = unit
    elif form.validate_on_submit():
        stored = None
        try:
            stored = store_attachment(form)
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
            flash(
                _(
                    "Your message is with %(company)s. You will get an e-mail when they answer.",
                    company=booth.company.name,
                ),
                "success",
            )
            return redirect(url_for("inquiries.show_my_inquiry", inquiry_id=inquiry.id))
    else:
        status = 400
    return render_template(
        "leads/inquiry_form.html", booth=booth, company=booth.company, form=form, response=services.response_time(booth)
    ), status


def _default_unit(booth: Booth, product_ids) -> str:
    if not product_ids:
        return ""
    return (
        db.session.scalar(select(Product.order_unit).where(Product.booth_id == booth.id, Product.id == product_ids[0]))
        or ""
    )


# --- the conversation ----------------------------------------------------------------------------


@bp.route("/inquiries/")
@login_required
def my_inquiries():
    pagination = services.paginate_rows(
        services.buyer_inquiries_query(current_user), requested_page(), INQUIRIES_PER_PAGE
    )
    return render_template("leads/my_inquiries.html", pagination=pagination)


def _render_buyer_inquiry(inquiry: TradeInquiry, form: MessageForm | None = None, status: int = 200):
    return render_template(
        "leads/my_inquiry.html",
        inquiry=inquiry,
        booth=inquiry.booth,
        company=inquiry.booth.company,
        thread=thread_page(inquiry),
        quotations=services.quotations_of(inquiry),
        form=form or MessageForm(formdata=None),
        today=services.booth_today(inquiry.booth),
    ), status


@bp.route("/inquiries/<int:inquiry_id>")
@login_required
@writes_database
def show_my_inquiry(inquiry_id: int):
    inquiry = load_own_inquiry(inquiry_id)
    services.mark_read(current_user, inquiry)
    db.session.commit()
    return _render_buyer_inquiry(inquiry)


@bp.route("/inquiries/<int:inquiry_id>/messages", methods=["POST"])
@login_required
def reply_as_buyer(inquiry_id: int):
    inquiry = load_own_inquiry(inquiry_id)
    return post_reply(
        inquiry,
        MessageForm(),
        lambda form, status: _render_buyer_inquiry(load_own_inquiry(inquiry_id), form, status),
        url_for("inquiries.show_my_inquiry", inquiry_id=inquiry.id) + "#latest",
        as_team=False,
    )


@bp.route("/inquiries/<int:inquiry_id>/quotations/<int:quotation_id>/<any(accept, decline):decision>", methods=["POST"])
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
        flash(
            _(
                "You accepted the quotation. %(company)s is told and will confirm the order with you.",
                company=inquiry.booth.company.name,
            ),
            "success",
        )
    else:
        flash(_("You declined the quotation. You can tell the exhibitor why in the conversation."), "info")
    return redirect(url_for("inquiries.show_my_inquiry", inquiry_id=inquiry.id))


@bp.route("/inquiries/<int:inquiry_id>/attachments/<int:message_id>")
@login_required
def download_attachment(inquiry_id: int, message_id: int):
    inquiry = services.find_inquiry(inquiry_id)
    if inquiry is None or not (
        inquiry.buyer_id == current_user.id or can_handle_inquiries(current_user, inquiry.booth)
    ):
        abort(404)
    message = services.find_message(inquiry, message_id)
    if message is None or not message.attachment_path:
        abort(404)
    return attachments.attachment_response(message.attachment_path, message.attachment_name)
