"""Tickets: a signed, unguessable code in a QR image, and checking it in exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import segno
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from expo.accounts.models import User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.db_types import utcnow
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.lib.rules import RuleBroken
from expo.permissions import can_check_in, ensure
from expo.registrations.models import Registration
from expo.webhooks import announce as webhooks
from expo.webhooks import events as webhook_events

TICKET_PREFIX = "EXPO1."

# Whole sentences per status, so every language can phrase them naturally.
NOT_CONFIRMED_MESSAGES = {
    "waitlisted": lambda: _("Not confirmed: this person is on the waiting list."),
    "pending": lambda: _("Not confirmed: this registration still awaits the organizers' approval."),
    "cancelled": lambda: _("Not valid: this registration was cancelled."),
    "declined": lambda: _("Not valid: this registration was declined."),
}


class TicketError(RuleBroken):
    """The code cannot be checked in; the message is safe to show to check-in staff."""


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    first_time: bool
    checked_in_at: datetime


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="expo.registrations.ticket")


def ticket_payload(registration: Registration) -> str:
    """What the QR code carries: the random ticket code, signed so it cannot be forged or altered."""
    return payload_for_code(registration.ticket_code)


def payload_for_code(ticket_code: str) -> str:
    """``ticket_payload`` from the ticket code alone (offline lists are built from columns, not rows)."""
    return TICKET_PREFIX + _serializer().dumps(ticket_code)


def ticket_code_from_payload(payload: str) -> str:
    payload = payload.strip()
    if not payload.startswith(TICKET_PREFIX):
        raise TicketError(_("This is not an Expo ticket."))
    try:
        return _serializer().loads(payload[len(TICKET_PREFIX) :])
    except BadSignature:
        raise TicketError(_("This ticket is not genuine: its signature does not match.")) from None


def qr_svg_data_uri(registration: Registration) -> str:
    """The ticket's QR code as an image URI; segno's own writer keeps the SVG namespace, without
    which browsers draw nothing (an inline-markup SVG omits it)."""
    qr = segno.make(ticket_payload(registration), error="m")
    return qr.svg_data_uri(scale=6, border=2, dark="#0a4451")


def qr_png(registration: Registration) -> bytes:
    import io

    buffer = io.BytesIO()
    segno.make(ticket_payload(registration), error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def check_in(actor: User, payload: str, *, edition_id: int, now: datetime | None = None) -> CheckInResult:
    """Check a ticket in once; a second scan answers when it was checked in first."""
    code = ticket_code_from_payload(payload)
    registration = db.session.scalar(select(Registration).where(Registration.ticket_code == code))
    if registration is None:
        raise TicketError(_("No registration has this ticket."))
    forum = registration.forum if registration.forum_id else registration.session.forum
    # The edition first: staff at this door must hear "another edition", not "not allowed".
    if forum.edition_id != edition_id:
        raise TicketError(_("This ticket is for another edition."))
    ensure(can_check_in(actor, forum.edition))
    if registration.status != Registration.Status.CONFIRMED:
        raise TicketError(NOT_CONFIRMED_MESSAGES.get(registration.status, NOT_CONFIRMED_MESSAGES["cancelled"])())
    now = now or utcnow()
    first_time = (
        db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
            .values(checked_in_at=now, checked_in_by_id=actor.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.refresh(registration)
    if first_time:
        record(
            actor,
            AuditAction.TICKET_CHECKED_IN,
            registration,
            edition_id=edition_id,
            before={"checked_in_at": None},
            after={"checked_in_at": registration.checked_in_at},
        )
        webhooks.registration_changed(webhook_events.CHECKED_IN, registration)
    return CheckInResult(registration, first_time, registration.checked_in_at)


def target_title(registration: Registration, language: str | None = None) -> str:
    """The session's or course's title, in ``language`` when it is translated into it."""
    target: ProgrammeSession | Forum = registration.target
    return target.text_in("title", language).text if language else target.title
