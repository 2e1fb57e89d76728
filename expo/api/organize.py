"""An edition's organizers: registrants, check-in at the door, broadcasts and order-lead reports across
its exhibitors (scopes organize:*).
Personal tokens of organizers (and, for check-in, of check-in staff) and the edition's own tokens."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from expo.api import presenters
from expo.api.core import ApiBlueprint, ApiProblem, actor, current_token, found_or_404, keyset_page, offset_page
from expo.api.leads import report_fields, report_file_responses, report_page, send_report_file
from expo.api.models import ApiToken
from expo.api.schemas import (
    BroadcastBody,
    BroadcastPage,
    BroadcastSchema,
    CheckInBody,
    CheckInSchema,
    ExpoReportBody,
    PrivateListArgs,
    RegistrantPage,
    RegistrantsArgs,
    ReportPage,
    ReportSchema,
)
from expo.broadcasts import services as broadcasts
from expo.broadcasts.models import Broadcast
from expo.checkin import services as checkin
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.leads import reports
from expo.leads.models import LeadReport
from expo.organize.registrant_lists import record_registrants_taken
from expo.permissions import (
    can_check_in,
    can_manage_edition,
    can_request_expo_lead_report,
    can_send_broadcasts,
    can_view_edition,
    require,
)
from expo.registrations import services as registrations
from expo.transactions import writes_database

bp = ApiBlueprint(
    "api_organize", __name__, description="An edition's registrants, check-in, broadcasts and order-lead reports."
)


def _edition(slug: str, allowed) -> Edition:
    """404 for an edition the token's person may not see, or outside an edition token's own; then
    403 unless ``allowed``, as the organize pages answer."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
    token = current_token()
    if (
        edition is None
        or not can_view_edition(actor(), edition)
        or (token.kind == ApiToken.Kind.EDITION and edition.id != token.edition_id)
    ):
        abort(404, _("There is no edition with this slug for this token."))
    require(allowed(actor(), edition))
    return edition


def _target(edition: Edition, args: dict) -> ProgrammeSession | Forum:
    if bool(args.get("session_id")) == bool(args.get("forum_id")):
        raise ApiProblem(
            400,
            _("Name either a session (session_id) or a training course (forum_id)."),
            kind="invalid-input",
            errors={"session_id": [_("Give session_id or forum_id.")]},
        )
    if args.get("session_id"):
        target = db.session.scalar(
            select(ProgrammeSession)
            .join(Forum)
            .where(ProgrammeSession.id == args["session_id"], Forum.edition_id == edition.id)
        )
    else:
        target = db.session.scalar(
            select(Forum).where(
                Forum.id == args["forum_id"], Forum.edition_id == edition.id, Forum.enrols_whole_course.is_(True)
            )
        )
    return found_or_404(target, _("This edition has no such session or training course."))


@bp.route("/editions/<slug>/registrants")
@bp.authenticated("organize:read")
@bp.arguments(RegistrantsArgs, location="query")
@bp.response(200, RegistrantPage)
@writes_database  # its audit entry
def list_registrants(args, slug: str):
    """A session's (or training course's) registrants as the registrants page lists them: confirmed
    first, then the waiting list in order, then the rest; with their answers and check-in time."""
    edition = _edition(slug, can_manage_edition)
    target = _target(edition, args)
    query = registrations.registrants_query(target)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    offset, cursor = offset_page(total, args.get("cursor"), args["limit"])
    rows = db.session.scalars(query.order_by(registrations.Registration.id).offset(offset).limit(args["limit"])).all()
    if rows:
        record_registrants_taken(actor(), target, "json", len(rows))
        db.session.commit()
    return {"items": [presenters.registrant(row) for row in rows], "next_cursor": cursor}


@bp.route("/editions/<slug>/check-ins", methods=["POST"])
@bp.authenticated("organize:write")
@bp.arguments(CheckInBody)
@bp.response(200, CheckInSchema)
def check_in(body, slug: str):
    """Check a scanned ticket in, once: `first_time` is false when it already was. 400 for a code
    that is no Expo ticket, 404 for a ticket of another edition, 409 for one not confirmed."""
    edition = _edition(slug, can_check_in)
    result = checkin.check_in_ticket(actor(), edition, body["code"])
    db.session.commit()
    registration = db.session.scalar(
        select(registrations.Registration)
        .where(registrations.Registration.id == result.registration.id)
        .options(selectinload(registrations.Registration.user))
    )
    return {
        "first_time": result.first_time,
        "checked_in_at": result.checked_in_at,
        "registration": presenters.registrant(registration),
    }


def _broadcast_items(rows: list[Broadcast]) -> list[dict]:
    progress = broadcasts.progress_of(rows)
    return [
        {
            "id": row.id,
            "audience": row.audience,
            "session_id": row.session_id,
            "forum_id": row.forum_id,
            "pavilion_id": row.pavilion_id,
            "subject": row.subject,
            "status": str(row.status),
            "recipients": progress[row.id].recipients,
            "sent": progress[row.id].sent,
            "failed": progress[row.id].failed,
            "queued": progress[row.id].queued,
            "created_at": row.created_at,
        }
        for row in rows
    ]


@bp.route("/editions/<slug>/broadcasts")
@bp.authenticated("organize:read")
@bp.arguments(PrivateListArgs, location="query")
@bp.response(200, BroadcastPage)
def list_broadcasts(args, slug: str):
    edition = _edition(slug, can_send_broadcasts)
    rows, cursor = keyset_page(
        broadcasts.broadcasts_query(edition), [Broadcast.id], args.get("cursor"), args["limit"], descending=True
    )
    return {"items": _broadcast_items(rows), "next_cursor": cursor}


@bp.route("/editions/<slug>/broadcasts", methods=["POST"])
@bp.authenticated("organize:write")
@bp.arguments(BroadcastBody)
@bp.response(202, BroadcastSchema)
def send_broadcast(body, slug: str):
    """Send a message to an audience: the worker lists its recipients and sends it after this answers."""
    edition = _edition(slug, can_send_broadcasts)
    broadcast = broadcasts.send_broadcast(actor(), edition, broadcasts.Draft(**body))
    db.session.commit()
    return _broadcast_items([db.session.get(Broadcast, broadcast.id)])[0]


# --- order-lead reports across the edition's exhibitors ----------------------------------------------


def _edition_report(edition: Edition, report_id: int) -> LeadReport:
    return found_or_404(
        db.session.get(LeadReport, report_id),
        _("This edition has no order-lead report with this id."),
        scope=LeadReport.EXPO,
        edition_id=edition.id,
    )


@bp.route("/editions/<slug>/reports")
@bp.authenticated("organize:read")
@bp.arguments(PrivateListArgs, location="query")
@bp.response(200, ReportPage)
def list_reports(args, slug: str):
    """The edition's order-lead reports across its exhibitors, newest first."""
    edition = _edition(slug, can_request_expo_lead_report)
    return report_page(reports.expo_reports_query(actor()).where(LeadReport.edition_id == edition.id), args)


@bp.route("/editions/<slug>/reports", methods=["POST"])
@bp.authenticated("organize:write")
@bp.arguments(ExpoReportBody)
@bp.response(202, ReportSchema)
def request_report(body, slug: str):
    """Compile an order-lead report of the booths placed in the edition (or one of its pavilions),
    over its days unless a period is given; the worker compiles it (follow `status`)."""
    edition = _edition(slug, can_request_expo_lead_report)
    pavilion = None
    if body.get("pavilion_id"):
        pavilion = found_or_404(
            db.session.get(Pavilion, body["pavilion_id"]),
            _("This edition has no pavilion with this id."),
            edition_id=edition.id,
        )
    period_from, period_to, zone = reports.period_of_edition(edition)
    with report_fields():
        report = reports.request_expo_report(
            actor(),
            edition=edition,
            pavilion=pavilion,
            period_from=body.get("period_from", period_from),
            period_to=body.get("period_to", period_to),
            timezone=body.get("timezone") or zone,
        )
    db.session.commit()
    return presenters.report(_edition_report(edition, report.id))


@bp.route("/editions/<slug>/reports/<int:report_id>")
@bp.authenticated("organize:read")
@bp.response(200, ReportSchema)
def show_report(slug: str, report_id: int):
    """Where the report stands (poll it while `finished` is false); once done, its files."""
    return presenters.report(_edition_report(_edition(slug, can_request_expo_lead_report), report_id))


@bp.route("/editions/<slug>/reports/<int:report_id>/<any(csv, xlsx):fmt>")
@bp.authenticated("organize:read")
@report_file_responses
def download_report(slug: str, report_id: int, fmt: str):
    """The compiled file (CSV or XLSX, as on the report page); the download is in the audit trail, as there."""
    return send_report_file(_edition_report(_edition(slug, can_request_expo_lead_report), report_id), fmt)
