"""A buyer's side of inquiries: sending an inquiry or order request to a booth, the ones sent, their
conversation and quotations, replying, accepting or declining a quotation (scopes inquiries:*).
Personal tokens; the same services as the buyer's inquiry pages, with the token's person as the buyer."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from expo.api import presenters
from expo.api.core import ApiBlueprint, actor, found_or_404, moment_page, within_person_cap
from expo.api.leads import thread_page
from expo.api.schemas import (
    InboxArgs,
    InquiryBody,
    MessageBody,
    MessagePage,
    MessageSchema,
    PrivateListArgs,
    SentInquiryDetailSchema,
    SentInquiryPage,
)
from expo.booths.services import find_booth
from expo.extensions import db
from expo.leads import services
from expo.leads.models import TradeInquiry
from expo.leads.routes.buyer import INQUIRY_LIMIT
from expo.permissions import can_view_booth

bp = ApiBlueprint("api_inquiries", __name__, description="The inquiries and order requests a buyer sends.")


def _own_inquiry(inquiry_id: int) -> TradeInquiry:
    """The token's person's own inquiry; somebody else's is not acknowledged (404), as on the page."""
    return found_or_404(services.find_inquiry(inquiry_id), _("You sent no inquiry with this id."), buyer_id=actor().id)


def _detail(inquiry: TradeInquiry) -> dict:
    return {
        **presenters.sent_inquiry(inquiry),
        "quotations": [
            presenters.quotation(q, expired=services.is_expired(q, inquiry.booth))
            for q in services.quotations_of(inquiry)
        ],
    }


@bp.route("/booths/<slug>/inquiries", methods=["POST"])
@bp.authenticated("inquiries:write")
@bp.arguments(InquiryBody)
@bp.response(201, SentInquiryDetailSchema)
def send_inquiry(body, slug: str):
    """Send an inquiry or order request to a published booth, as the booth's inquiry form does: the
    same checks (an order request names products and a quantity, the products are the booth's, the
    delivery date is not past) and the same cap per person; the team is told at once."""
    booth = find_booth(slug)
    if booth is None or not can_view_booth(actor(), booth):
        abort(404, _("There is no published booth with this slug."))
    within_person_cap(INQUIRY_LIMIT, "inquiries")
    person = actor()
    data = services.InquiryData(
        kind=body["kind"],
        product_ids=tuple(dict.fromkeys(body["product_ids"])),
        message=body["message"].strip(),
        quantity=body.get("quantity"),
        unit=body["unit"].strip(),
        target_price=body.get("target_price"),
        currency=body["currency"],
        incoterm=body.get("incoterm"),
        destination_country=body.get("destination_country"),
        destination_port=body["destination_port"].strip(),
        delivery_date=body.get("delivery_date"),
        buyer_organisation=body.get("buyer_organisation", person.organisation or ""),
        buyer_country=body.get("buyer_country", person.country),
    )
    inquiry = services.send_inquiry(person, booth, data)
    db.session.commit()
    return _detail(_own_inquiry(inquiry.id))


@bp.route("/me/inquiries")
@bp.authenticated("inquiries:read")
@bp.arguments(InboxArgs, location="query")
@bp.response(200, SentInquiryPage)
def list_inquiries(args):
    """The inquiries and order requests the token's person sent, latest activity first, each with
    whether the exhibitor wrote since they last read it on the site."""
    query = services.buyer_inquiries_query(actor())
    if args.get("status"):
        query = query.where(TradeInquiry.status == args["status"])
    rows, cursor = moment_page(query, TradeInquiry.last_activity_at, TradeInquiry.id, args)
    return {"items": [presenters.sent_inquiry(inquiry, unread) for inquiry, unread in rows], "next_cursor": cursor}


@bp.route("/me/inquiries/<int:inquiry_id>")
@bp.authenticated("inquiries:read")
@bp.response(200, SentInquiryDetailSchema)
def show_inquiry(inquiry_id: int):
    """One inquiry with its quotations, newest first (the conversation is under /messages)."""
    return _detail(_own_inquiry(inquiry_id))


@bp.route("/me/inquiries/<int:inquiry_id>/messages")
@bp.authenticated("inquiries:read")
@bp.arguments(PrivateListArgs, location="query")
@bp.response(200, MessagePage)
def list_messages(args, inquiry_id: int):
    """The conversation with the exhibitor, oldest first."""
    return thread_page(_own_inquiry(inquiry_id), args)


@bp.route("/me/inquiries/<int:inquiry_id>/messages", methods=["POST"])
@bp.authenticated("inquiries:write")
@bp.arguments(MessageBody)
@bp.response(201, MessageSchema)
def reply(body, inquiry_id: int):
    """Write to the exhibitor: the team is told as for a message on the page."""
    message = services.post_message(actor(), _own_inquiry(inquiry_id), body["body"], as_team=False)
    db.session.commit()
    return presenters.message(message)


def _decide(inquiry_id: int, quotation_id: int, *, accept: bool) -> dict:
    inquiry = _own_inquiry(inquiry_id)
    quotation = found_or_404(
        services.find_quotation(inquiry, quotation_id), _("This inquiry has no quotation with this id.")
    )
    services.decide_quotation(actor(), inquiry, quotation, accept=accept)
    db.session.commit()
    return _detail(_own_inquiry(inquiry_id))


@bp.route("/me/inquiries/<int:inquiry_id>/quotations/<int:quotation_id>/accept", methods=["POST"])
@bp.authenticated("inquiries:write")
@bp.response(200, SentInquiryDetailSchema)
def accept_quotation(inquiry_id: int, quotation_id: int):
    """Accept an open quotation: the inquiry is won and the exhibitor is told. 409 when it expired,
    was replaced or withdrawn, or was decided already."""
    return _decide(inquiry_id, quotation_id, accept=True)


@bp.route("/me/inquiries/<int:inquiry_id>/quotations/<int:quotation_id>/decline", methods=["POST"])
@bp.authenticated("inquiries:write")
@bp.response(200, SentInquiryDetailSchema)
def decline_quotation(inquiry_id: int, quotation_id: int):
    """Decline an open quotation: the talk goes on (tell the exhibitor why in a message). 409 when it
    was replaced, withdrawn or decided already."""
    return _decide(inquiry_id, quotation_id, accept=False)
