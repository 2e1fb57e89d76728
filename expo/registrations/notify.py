"""The e-mails registrations cause: tickets, promotions from the waiting list, reminders."""

from __future__ import annotations

from expo.extensions import db
from expo.forums.calendar import build_calendar
from expo.forums.models import ProgrammeSession
from expo.notifications.services import Attachment, queue_email
from expo.registrations import tickets
from expo.registrations.models import Registration
from expo.urls import external_url


def _sessions_of(registration: Registration) -> list[ProgrammeSession]:
    if registration.session_id is not None:
        return [registration.session]
    return list(registration.forum.sessions)


def _context(registration: Registration) -> dict:
    target = registration.target
    forum = target.forum if isinstance(target, ProgrammeSession) else target
    return {
        "user": registration.user,
        "registration": registration,
        "title": target.title,
        "forum": forum,
        "edition": forum.edition,
        "sessions": _sessions_of(registration),
        "ticket_url": external_url("registrations.show_ticket", registration_id=registration.id),
        "agenda_url": external_url("registrations.my_agenda"),
    }


def _ticket_attachments(registration: Registration) -> list[Attachment]:
    sessions = _sessions_of(registration)
    ics = build_calendar(registration.target.title, sessions, show_stream_for={s.id for s in sessions})
    return [
        Attachment("expo-agenda.ics", "text/calendar", ics),
        Attachment("expo-ticket.png", "image/png", tickets.qr_png(registration)),
    ]


def send_ticket(registration_id: int) -> None:
    """Queue the ticket e-mail (QR code and calendar entry attached) once per registration."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.status != Registration.CONFIRMED:
        return
    queue_email(
        recipient=registration.user.email, kind="registration.ticket", template="ticket",
        dedupe_key=f"ticket:{registration.id}", context=_context(registration),
        language=registration.user.language, user_id=registration.user_id,
        attachments=_ticket_attachments(registration),
    )


def notify_promoted(registration_id: int) -> None:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.status != Registration.CONFIRMED:
        return
    queue_email(
        recipient=registration.user.email, kind="registration.promoted", template="promoted",
        dedupe_key=f"promoted:{registration.id}", context=_context(registration),
        language=registration.user.language, user_id=registration.user_id,
        attachments=_ticket_attachments(registration),
    )


def send_reminder(registration_id: int, session_id: int, window: str) -> None:
    registration = db.session.get(Registration, registration_id)
    session = db.session.get(ProgrammeSession, session_id)
    if registration is None or session is None or registration.status != Registration.CONFIRMED:
        return
    context = _context(registration) | {"session": session, "window": window}
    queue_email(
        recipient=registration.user.email, kind=f"registration.reminder_{window}", template="reminder",
        dedupe_key=f"reminder:{window}:{registration.id}:{session.id}", context=context,
        language=registration.user.language, user_id=registration.user_id,
    )
