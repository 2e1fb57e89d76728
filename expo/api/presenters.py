"""Records as the API shows them: plain dicts the schemas serialise, translated fields in the
language asked for, every language's texts beside."""

from __future__ import annotations

from typing import Any

from flask import url_for

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.content_languages import DEFAULT_SOURCE_LANGUAGE, Translatable
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import ExhibitorCompany
from expo.forums.models import Forum, ProgrammeSession, Speaker
from expo.leads import scoring
from expo.leads.models import InquiryMessage, LeadReport, Quotation, TradeInquiry
from expo.meetings import services as meeting_services
from expo.meetings.models import Meeting, Side
from expo.registrations.models import Registration


def translated(
    record: Translatable,
    language: str,
    *,
    source: str | None = None,
    translations: dict | None = None,
    values: dict | None = None,
) -> dict[str, Any]:
    """The record's translated fields in ``language`` (else its source language, else English), and
    ``translations``: {language: {field: text}} for every language it has, the source's included."""
    out: dict[str, Any] = {}
    fields = type(record).TRANSLATED_FIELDS if not isinstance(record, type) else record.TRANSLATED_FIELDS
    source = source or getattr(record, "source_language", None) or DEFAULT_SOURCE_LANGUAGE
    stored = translations if translations is not None else (getattr(record, "translations", None) or {})
    own = values if values is not None else {field: getattr(record, field) for field in fields}

    def text(field: str, candidate: str):
        return own.get(field) if candidate == source else (stored.get(candidate) or {}).get(field) or None

    for field in fields:
        value = None
        for candidate in dict.fromkeys((language, source, DEFAULT_SOURCE_LANGUAGE)):
            value = text(field, candidate)
            if value:
                break
        out[field] = value if value is not None else ""
    everything = {source: {field: own.get(field) for field in fields if own.get(field)}}
    for other, texts in stored.items():
        if other != source and isinstance(texts, dict):
            kept = {field: texts[field] for field in fields if texts.get(field)}
            if kept:
                everything[other] = kept
    out.update(source_language=source, language=language, translations=everything)
    return out


def edition(record: Edition, language: str) -> dict:
    return {
        **translated(record, language),
        "slug": record.slug,
        "country": record.country,
        "timezone": record.timezone,
        "starts_on": record.starts_on,
        "ends_on": record.ends_on,
        "status": str(record.status),
    }


def pavilion(record: Pavilion, language: str) -> dict:
    return {
        **translated(record, language),
        "id": record.id,
        "slug": record.slug,
        "kind": record.kind,
        "country": record.country,
    }


def forum(record: Forum, language: str) -> dict:
    return {
        **translated(record, language),
        "id": record.id,
        "slug": record.slug,
        "kind": record.kind,
        "parent_slug": record.parent.slug if record.parent_id else None,
        "registration_mode": record.registration_mode,
        "enrols_whole_course": record.enrols_whole_course,
        "capacity": record.capacity,
        "seats_left": record.seats_left,
    }


def session(record: ProgrammeSession, language: str) -> dict:
    return {
        **translated(record, language),
        "id": record.id,
        "forum_slug": record.forum.slug,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "language": record.language,
        "tags": record.tag_list,
        "capacity": record.capacity,
        "seats_left": record.seats_left,
        "speakers": [{"id": speaker.id, "name": speaker.text_in("name", language).text} for speaker in record.speakers],
    }


def speaker(record: Speaker, language: str) -> dict:
    return {**translated(record, language), "id": record.id, "country": record.country}


def exhibitor(record: ExhibitorCompany, language: str, booth_slug: str | None) -> dict:
    return {
        **translated(record, language),
        "slug": record.slug,
        "country": record.country,
        "website": record.website,
        "booth_slug": booth_slug,
    }


def booth_summary(record: Booth, language: str) -> dict:
    return {
        **translated(record, language),
        "slug": record.slug,
        "company_name": record.company.text_in("name", language).text,
        "country": record.country,
    }


def booth(record: Booth, language: str, response_hours: float | None) -> dict:
    return {
        **booth_summary(record, language),
        "company_slug": record.company.slug,
        "website": record.company.website,
        "timezone": record.timezone,
        "opening_hours": record.opening_hours or {},
        "response_time_hours": response_hours,
        "published_at": record.published_at,
        "placements": [
            {
                "edition": place.edition.slug,
                "pavilion": place.pavilion.slug,
                "pavilion_id": place.pavilion_id,
                "stand": place.stand,
            }
            for place in record.placements
            if place.edition.is_published
        ],
    }


def image(image_id: int, alt_text: str) -> dict:
    return {
        "id": image_id,
        "alt_text": alt_text,
        "url": url_for("catalog.product_image", image_id=image_id, _external=True),
    }


def product(record, language: str, *, booth_slug: str, supplier: dict | None = None) -> dict:
    return {
        **translated(record, language),
        "id": record.id,
        "slug": record.slug,
        "booth_slug": booth_slug,
        "category": record.category.slug if record.category is not None else None,
        "min_order_quantity": record.min_order_quantity,
        "order_unit": record.order_unit,
        "price_min": record.price_min,
        "price_max": record.price_max,
        "currency": record.currency,
        "hs_code": record.hs_code,
        "availability": str(record.availability),
        "updated_at": record.updated_at,
        "images": [image(picture.id, picture.alt_text) for picture in record.images],
        **({"supplier": supplier} if supplier else {}),
    }


def registration(record: Registration, waitlist_position: int | None = None) -> dict:
    target = record.target
    forum_ = record.forum if record.forum_id is not None else record.session.forum
    if record.session is not None:
        starts_at = record.session.starts_at
    else:
        starts_at = min((item.starts_at for item in record.forum.sessions), default=None)
    return {
        "id": record.id,
        "status": str(record.status),
        "target": "session" if record.session_id else "course",
        "session_id": record.session_id,
        "forum_id": record.forum_id,
        "edition": forum_.edition.slug,
        "title": target.title,
        "starts_at": starts_at,
        "waitlist_position": waitlist_position,
        "checked_in_at": record.checked_in_at,
        "created_at": record.created_at,
    }


def _inquiry(record: TradeInquiry, unread: bool | None) -> dict:
    return {
        "id": record.id,
        "kind": str(record.kind),
        "status": str(record.status),
        "booth_slug": record.booth.slug,
        "quantity": record.quantity,
        "unit": record.unit,
        "target_price": record.target_price,
        "currency": record.currency,
        "incoterm": record.incoterm,
        "destination_country": record.destination_country,
        "destination_port": record.destination_port,
        "delivery_date": record.delivery_date,
        "items": [{"product_id": item.product_id, "product_name": item.product_name} for item in record.items],
        "unread": bool(unread),
        "created_at": record.created_at,
        "last_activity_at": record.last_activity_at,
    }


def person(user: User, *, organisation: str = "", country: str | None = None) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "organisation": organisation or user.organisation,
        "country": country or user.country,
    }


def exhibitor_ref(booth: Booth | None, company: ExhibitorCompany) -> dict:
    return {"booth_slug": booth.slug if booth else "", "name": company.name, "country": company.country}


def inquiry(record: TradeInquiry, unread: bool | None = None) -> dict:
    """As the booth's team sees it."""
    return {
        **_inquiry(record, unread),
        "buyer": person(record.buyer, organisation=record.buyer_organisation, country=record.buyer_country),
        "assignee_id": record.assignee_id,
    }


def sent_inquiry(record: TradeInquiry, unread: bool | None = None) -> dict:
    """As the buyer who sent it sees it."""
    return {
        **_inquiry(record, unread),
        "exhibitor": exhibitor_ref(record.booth, record.booth.company),
        "buyer_organisation": record.buyer_organisation,
        "buyer_country": record.buyer_country,
    }


def quotation(record: Quotation, *, expired: bool = False) -> dict:
    return {
        "id": record.id,
        "status": str(record.status),
        "unit_price": record.unit_price,
        "currency": record.currency,
        "quantity": record.quantity,
        "unit": record.unit,
        "incoterm": record.incoterm,
        "lead_time_days": record.lead_time_days,
        "valid_until": record.valid_until,
        "expired": expired,
        "note": record.note,
        "created_at": record.created_at,
    }


def message(record: InquiryMessage) -> dict:
    return {
        "id": record.id,
        "side": record.side,
        "author": record.author.name if record.author else None,
        "body": record.body,
        "attachment_name": record.attachment_name,
        "created_at": record.created_at,
    }


def report(record: LeadReport) -> dict:
    files = {}
    if record.status == LeadReport.Status.DONE:
        for fmt, path, size in (
            ("csv", record.csv_path, record.csv_size),
            ("xlsx", record.xlsx_path, record.xlsx_size),
        ):
            if path:
                files[fmt] = {"url": report_file_url(record, fmt), "size": size}
    return {
        "id": record.id,
        "status": str(record.status),
        "scope": record.scope,
        "edition": record.edition.slug if record.edition_id else None,
        "pavilion_id": record.pavilion_id,
        "period_from": record.period_from,
        "period_to": record.period_to,
        "timezone": record.timezone,
        "rows_done": record.rows_done,
        "rows_total": record.rows_total,
        "finished": record.is_finished,
        "error": record.error if record.status == LeadReport.Status.FAILED else "",
        "files": files,
        "created_at": record.created_at,
    }


def report_file_url(record: LeadReport, fmt: str) -> str:
    if record.scope == LeadReport.BOOTH:
        return url_for(
            "api_leads.download_report", slug=record.booth.slug, report_id=record.id, fmt=fmt, _external=True
        )
    return url_for(
        "api_organize.download_report", slug=record.edition.slug, report_id=record.id, fmt=fmt, _external=True
    )


def lead(row) -> dict:
    """A row of ``scoring.leads_query``: a visitor the team may not name (a stand scan without consent
    to share contact details) has no id, name, e-mail or job title; organisation and country stay."""
    user, named = row.User, bool(row.named)
    return {
        "id": user.id if named else None,
        "named": named,
        "name": user.name if named else None,
        "email": user.email if named else None,
        "organisation": user.organisation,
        "job_title": user.job_title if named else None,
        "country": user.country,
        **{count: int(getattr(row, count) or 0) for count in scoring.COUNTS},
        "last_seen": row.last_seen,
    }


def registrant(record: Registration) -> dict:
    person = record.user
    return {
        "registration_id": record.id,
        "status": str(record.status),
        "name": person.name,
        "email": person.email,
        "organisation": person.organisation,
        "country": person.country,
        "waitlist_number": record.waitlist_number,
        "answers": record.answers or {},
        "created_at": record.created_at,
        "checked_in_at": record.checked_in_at,
    }


def meeting(record: Meeting, viewer: User, booth: Booth | None) -> dict:
    """As its buyer or team sees it (an organizer sees it as neither side: no notes)."""
    side = meeting_services.side_of(viewer, record)
    note = {Side.BUYER: record.buyer_note, Side.TEAM: record.team_note}.get(side, "")
    return {
        "id": record.id,
        "edition": record.edition.slug,
        "status": record.status,
        "awaiting": record.awaiting,
        "your_side": str(side) if side else None,
        "revision": record.revision,
        "origin": record.origin,
        "requested_by": record.requested_by,
        "mode": record.mode,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "place": record.place,
        "table": record.table.name if record.table is not None else None,
        "video_url": record.video_url or None,
        "message": record.message,
        "reason": record.reason,
        "exhibitor": exhibitor_ref(booth, record.company),
        "buyer": person(record.buyer),
        "attendees": [{"id": user.id, "name": user.name} for user in record.attendee_users],
        "products": [{"product_id": item.product_id, "product_name": item.product_name} for item in record.products],
        "buyer_outcome": record.buyer_outcome,
        "team_outcome": record.team_outcome,
        "your_note": note,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "accepted_at": record.accepted_at,
    }


def free_slot(slot) -> dict:
    return {"mode": str(slot.mode), "starts_at": slot.starts_at, "ends_at": slot.ends_at}
