"""What each event says: one function per event, called by the service where the change happens.

Payloads carry ids, the facts a receiving system needs and the page where a person sees more; they
are written in the service's transaction (see ``services.emit``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from expo.lib.urls import external_url
from expo.webhooks import events
from expo.webhooks.services import emit, emit_each

if TYPE_CHECKING:
    from expo.booths.models import Booth
    from expo.leads.models import LeadReport, Quotation, TradeInquiry
    from expo.meetings.models import Meeting
    from expo.registrations.models import Registration


def _when(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def inquiry_received(inquiry: TradeInquiry) -> None:
    booth = inquiry.booth
    emit(
        events.INQUIRY_RECEIVED.name,
        {
            "inquiry": {
                "id": inquiry.id,
                "kind": str(inquiry.kind),
                "status": str(inquiry.status),
                "booth": booth.slug,
                "products": [item.product_name for item in inquiry.items],
                "quantity": inquiry.quantity,
                "unit": inquiry.unit,
                "target_price": inquiry.target_price,
                "currency": inquiry.currency,
                "incoterm": inquiry.incoterm,
                "destination_country": inquiry.destination_country,
                "buyer_organisation": inquiry.buyer_organisation,
                "buyer_country": inquiry.buyer_country,
                "created_at": _when(inquiry.created_at),
                "url": external_url("lead_inbox.show_inquiry", slug=booth.slug, inquiry_id=inquiry.id),
            },
        },
        booth_id=booth.id,
    )


def quotation_decided(quotation: Quotation) -> None:
    inquiry = quotation.inquiry
    booth = inquiry.booth
    event = events.QUOTATION_ACCEPTED if str(quotation.status) == "accepted" else events.QUOTATION_DECLINED
    emit(
        event.name,
        {
            "quotation": {
                "id": quotation.id,
                "inquiry_id": inquiry.id,
                "status": str(quotation.status),
                "unit_price": quotation.unit_price,
                "currency": quotation.currency,
                "quantity": quotation.quantity,
                "unit": quotation.unit,
                "decided_at": _when(quotation.decided_at),
                "url": external_url("lead_inbox.show_inquiry", slug=booth.slug, inquiry_id=inquiry.id),
            },
        },
        booth_id=booth.id,
    )


def _registration(registration: Registration) -> tuple[dict[str, Any], int]:
    target = registration.target
    forum = target if registration.forum_id is not None else target.forum
    user = registration.user
    return {
        "registration": {
            "id": registration.id,
            "status": str(registration.status),
            "session_id": registration.session_id,
            "forum_id": forum.id,
            "title": target.title,
            "attendee": {"id": user.id, "name": user.name, "email": user.email},
            "confirmed_at": _when(registration.confirmed_at),
            "cancelled_at": _when(registration.cancelled_at),
            "checked_in_at": _when(registration.checked_in_at),
        },
    }, forum.edition_id


def registration_changed(event: events.EventType, registration: Registration) -> None:
    data, edition_id = _registration(registration)
    emit(event.name, data, edition_id=edition_id)


def registrations_changed(event: events.EventType, registrations: list[Registration], *, edition_id: int) -> None:
    """``registration_changed`` for many registrations of one edition (a batch of synced check-ins)."""
    emit_each(event.name, [_registration(registration)[0] for registration in registrations], edition_id=edition_id)


def lead_report_ready(report: LeadReport) -> None:
    data = {
        "report": {
            "id": report.id,
            "scope": report.scope,
            "period_from": report.period_from.isoformat(),
            "period_to": report.period_to.isoformat(),
            "rows": report.rows_total,
            "finished_at": _when(report.finished_at),
        }
    }
    if report.booth_id is not None:
        data["report"]["url"] = external_url("lead_reports.show_report", slug=report.booth.slug, report_id=report.id)
        emit(events.LEAD_REPORT_READY.name, data, booth_id=report.booth_id)
    elif report.edition_id is not None:
        emit(events.EXPO_REPORT_READY.name, data, edition_id=report.edition_id)


# What a meeting service did, as the event its subscribers receive: a meeting scheduled by the
# organizers' hosted-buyer plan is accepted from the start.
MEETING_EVENTS = {
    "requested": events.MEETING_REQUESTED,
    "countered": events.MEETING_COUNTERED,
    "accepted": events.MEETING_ACCEPTED,
    "scheduled": events.MEETING_ACCEPTED,
    "declined": events.MEETING_DECLINED,
    "cancelled": events.MEETING_CANCELLED,
    "rescheduled": events.MEETING_RESCHEDULED,
    "held": events.MEETING_HELD,
    "missed": events.MEETING_MISSED,
}


def meeting_changed(meeting: Meeting, change: str, acting: str, booth: Booth | None) -> None:
    """``acting`` ("buyer" or "team") did ``change`` to the meeting: its booth's team and its
    edition's organizers are told. The people are named as on the meeting page; each side's own
    note on how it went stays with that side."""
    buyer = meeting.buyer
    emit(
        MEETING_EVENTS[change].name,
        {
            "meeting": {
                "id": meeting.id,
                "status": meeting.status,
                "revision": meeting.revision,
                "acting_side": acting,
                "origin": meeting.origin,
                "requested_by": meeting.requested_by,
                "awaiting": meeting.awaiting,
                "edition": meeting.edition.slug,
                "booth": booth.slug if booth is not None else None,
                "exhibitor": meeting.company.name,
                "buyer": {
                    "id": buyer.id,
                    "name": buyer.name,
                    "organisation": buyer.organisation,
                    "country": buyer.country,
                },
                "mode": meeting.mode,
                "starts_at": _when(meeting.starts_at),
                "ends_at": _when(meeting.ends_at),
                "place": meeting.place,
                "table": meeting.table.name if meeting.table is not None else None,
                "attendees": [user.name for user in meeting.attendee_users],
                "products": [item.product_name for item in meeting.products],
                "reason": meeting.reason,
                "buyer_outcome": meeting.buyer_outcome,
                "team_outcome": meeting.team_outcome,
                "url": external_url("meetings.show_meeting", meeting_id=meeting.id),
            },
        },
        booth_id=booth.id if booth is not None else None,
        edition_id=meeting.edition_id,
    )
