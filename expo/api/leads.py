"""An exhibitor team's leads: its booth's inquiries, replies, quotations and status, the ranked
leads and the order-lead reports (scopes leads:*). Personal tokens of any team member, and the
team's own tokens; the same services and permission predicates as the lead inbox."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from expo import exports
from expo.accounts.models import User
from expo.api import presenters
from expo.api.core import (
    ApiBlueprint,
    ApiProblem,
    actor,
    current_token,
    found_or_404,
    keyset_page,
    moment_page,
    offset_page,
)
from expo.api.models import ApiToken
from expo.api.schemas import (
    InboxArgs,
    InquiryDetailSchema,
    InquiryPage,
    LeadPage,
    LeadsArgs,
    MessageBody,
    MessagePage,
    MessageSchema,
    PrivateListArgs,
    QuotationBody,
    QuotationSchema,
    ReportBody,
    ReportPage,
    ReportSchema,
    StatusBody,
)
from expo.booths.models import Booth
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.leads import reports, scoring, services
from expo.leads.models import InquiryMessage, LeadReport, TradeInquiry
from expo.permissions import can_handle_inquiries
from expo.transactions import writes_database

bp = ApiBlueprint("api_leads", __name__, description="An exhibitor team's inquiries, leads and reports.")


def team_booth(slug: str, allowed: Callable[[User, Booth], bool] = can_handle_inquiries) -> Booth:
    """The booth whose leads (or meetings: ``allowed``) the token's person handles, within a team
    token's own company; any other booth is not acknowledged (404), as on the team's pages."""
    booth = db.session.scalar(
        select(Booth)
        .where(Booth.slug == slug)
        .options(joinedload(Booth.company).selectinload(ExhibitorCompany.members).joinedload(CompanyMember.user))
    )
    token = current_token()
    if (
        booth is None
        or not allowed(actor(), booth)
        or (token.kind == ApiToken.Kind.TEAM and booth.company_id != token.company_id)
    ):
        abort(404, _("There is no booth with this slug whose team this token acts for."))
    return booth


def _team_inquiry(booth: Booth, inquiry_id: int) -> TradeInquiry:
    return found_or_404(
        services.find_inquiry(inquiry_id), _("This booth has no inquiry with this id."), booth_id=booth.id
    )


@bp.route("/booths/<slug>/inquiries")
@bp.authenticated("leads:read")
@bp.arguments(InboxArgs, location="query")
@bp.response(200, InquiryPage)
def list_inquiries(args, slug: str):
    """The booth's inquiries, latest activity first, each with whether the token's person has read it."""
    booth = team_booth(slug)
    query = services.inbox_query(actor(), booth, services.InboxFilters(status=args.get("status")))
    rows, cursor = moment_page(query, TradeInquiry.last_activity_at, TradeInquiry.id, args)
    return {"items": [presenters.inquiry(inquiry, unread) for inquiry, unread in rows], "next_cursor": cursor}


def _detail(inquiry: TradeInquiry) -> dict:
    return {
        **presenters.inquiry(inquiry),
        "quotations": [
            presenters.quotation(q, expired=services.is_expired(q, inquiry.booth))
            for q in services.quotations_of(inquiry)
        ],
        "allowed_moves": [str(move) for move in services.allowed_moves(inquiry)],
    }


@bp.route("/booths/<slug>/inquiries/<int:inquiry_id>")
@bp.authenticated("leads:read")
@bp.response(200, InquiryDetailSchema)
def show_inquiry(slug: str, inquiry_id: int):
    """One inquiry with its quotations. Reading it here does not mark it read: a program is not the team."""
    return _detail(_team_inquiry(team_booth(slug), inquiry_id))


def thread_page(inquiry: TradeInquiry, args: dict) -> dict:
    """A page of an inquiry's conversation, oldest first: the team and the buyer read the same thread."""
    rows, cursor = keyset_page(services.thread_query(inquiry), [InquiryMessage.id], args.get("cursor"), args["limit"])
    return {"items": [presenters.message(row) for row in rows], "next_cursor": cursor}


@bp.route("/booths/<slug>/inquiries/<int:inquiry_id>/messages")
@bp.authenticated("leads:read")
@bp.arguments(PrivateListArgs, location="query")
@bp.response(200, MessagePage)
def list_messages(args, slug: str, inquiry_id: int):
    """The conversation, oldest first."""
    return thread_page(_team_inquiry(team_booth(slug), inquiry_id), args)


@bp.route("/booths/<slug>/inquiries/<int:inquiry_id>/messages", methods=["POST"])
@bp.authenticated("leads:write")
@bp.arguments(MessageBody)
@bp.response(201, MessageSchema)
def reply(body, slug: str, inquiry_id: int):
    """Reply as the team: the buyer is told as for a reply on the page."""
    inquiry = _team_inquiry(team_booth(slug), inquiry_id)
    message = services.post_message(actor(), inquiry, body["body"], as_team=True)
    db.session.commit()
    return presenters.message(message)


@bp.route("/booths/<slug>/inquiries/<int:inquiry_id>/quotations", methods=["POST"])
@bp.authenticated("leads:write")
@bp.arguments(QuotationBody)
@bp.response(201, QuotationSchema)
def send_quotation(body, slug: str, inquiry_id: int):
    inquiry = _team_inquiry(team_booth(slug), inquiry_id)
    quotation = services.send_quotation(actor(), inquiry, services.QuotationData(**body))
    db.session.commit()
    return presenters.quotation(quotation)


@bp.route("/booths/<slug>/inquiries/<int:inquiry_id>/status", methods=["POST"])
@bp.authenticated("leads:write")
@bp.arguments(StatusBody)
@bp.response(200, InquiryDetailSchema)
def change_status(body, slug: str, inquiry_id: int):
    """Move the inquiry (new → contacted → quoted → won or lost); a move not allowed from its status is a 409."""
    booth = team_booth(slug)
    inquiry = _team_inquiry(booth, inquiry_id)
    services.change_status(actor(), inquiry, body["status"])
    db.session.commit()
    return _detail(_team_inquiry(booth, inquiry_id))


@bp.route("/booths/<slug>/leads")
@bp.authenticated("leads:read")
@bp.arguments(LeadsArgs, location="query")
@bp.response(200, LeadPage)
@writes_database  # its audit entry
def list_leads(args, slug: str):
    """Leads ranked by engagement over `days` (30, 90, 365 or all), as the ranking page shows them.

    A visitor the team scanned at its stand without their consent to share their contact details is
    a lead with `named` false: `name`, `email` and `job_title` are null, organisation and country given."""
    booth = team_booth(slug)
    days = scoring.parse_window(args["days"])
    query = scoring.leads_query(booth, days=days)
    total = db.session.scalar(select(db.func.count()).select_from(query.order_by(None).subquery())) or 0
    offset, cursor = offset_page(total, args.get("cursor"), args["limit"])
    rows = db.session.execute(query.offset(offset).limit(args["limit"])).all()
    items = [presenters.lead(row) for row in rows]
    named = sum(item["named"] for item in items)
    if named:
        services.record_leads_taken(actor(), booth, named)
        db.session.commit()
    return {"items": items, "next_cursor": cursor}


def report_page(query, args: dict) -> dict:
    """A page of order-lead reports, newest first (a booth's, or an edition's across its exhibitors)."""
    rows, cursor = keyset_page(query, [LeadReport.id], args.get("cursor"), args["limit"], descending=True)
    return {"items": [presenters.report(row) for row in rows], "next_cursor": cursor}


@bp.route("/booths/<slug>/reports")
@bp.authenticated("leads:read")
@bp.arguments(PrivateListArgs, location="query")
@bp.response(200, ReportPage)
def list_reports(args, slug: str):
    return report_page(reports.booth_reports_query(team_booth(slug)), args)


@bp.route("/booths/<slug>/reports", methods=["POST"])
@bp.authenticated("leads:write")
@bp.arguments(ReportBody)
@bp.response(202, ReportSchema)
def request_report(body, slug: str):
    """Compile an order-lead report for a period; the worker compiles it (follow `status`)."""
    booth = team_booth(slug)
    with report_fields():
        report = reports.request_booth_report(
            actor(),
            booth,
            period_from=body["period_from"],
            period_to=body["period_to"],
            timezone=body.get("timezone") or booth.timezone,
        )
    db.session.commit()
    return presenters.report(report)


def report_file_responses(view):
    """A compiled report's file: its bytes, as the report page's download links send them; 409 until ready."""
    files = {
        mimetype.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
        for mimetype in exports.MIMETYPES.values()
    }
    view = bp.alt_response(409, response="CONFLICT")(view)
    return bp.doc(responses={"200": {"description": "The file, as an attachment.", "content": files}})(view)


@contextmanager
def report_fields():
    """A refused period names the API's fields (the service names the page's)."""
    try:
        yield
    except reports.ReportError as exc:
        exc.field = {"date_from": "period_from", "date_to": "period_to"}.get(exc.field, exc.field)
        raise


def send_report_file(report: LeadReport, fmt: str):
    """Stream a done report's file, leaving the audit entry the pages leave; 409 until it is done."""
    if report.status != LeadReport.Status.DONE or not reports.stored_path(report, fmt):
        raise ApiProblem(
            409,
            _(
                "This report is %(status)s: its files come once it is ready.",
                status=reports.report_status_label(report),
            ),
            kind="not-ready",
        )
    reports.record_download(actor(), report, fmt)
    db.session.commit()
    return reports.file_response(report, fmt)


def _booth_report(booth: Booth, report_id: int) -> LeadReport:
    return found_or_404(
        db.session.get(LeadReport, report_id), _("This booth has no report with this id."), booth_id=booth.id
    )


@bp.route("/booths/<slug>/reports/<int:report_id>")
@bp.authenticated("leads:read")
@bp.response(200, ReportSchema)
def show_report(slug: str, report_id: int):
    """Where the report stands (poll it while `finished` is false); once done, its files."""
    return presenters.report(_booth_report(team_booth(slug), report_id))


@bp.route("/booths/<slug>/reports/<int:report_id>/<any(csv, xlsx):fmt>")
@bp.authenticated("leads:read")
@report_file_responses
def download_report(slug: str, report_id: int, fmt: str):
    """The compiled file (CSV or XLSX, as on the report page); the download is in the audit trail, as there."""
    return send_report_file(_booth_report(team_booth(slug), report_id), fmt)
