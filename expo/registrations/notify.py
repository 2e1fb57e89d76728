"""What registrations tell people, in the app and by e-mail: tickets, promotions from the waiting
list, reminders."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from expo.extensions import db
from expo.forums.calendar import build_calendar
from expo.forums.models import ProgrammeSession
from expo.i18n import LocalMoment
from expo.lib.urls import external_url, site_path
from expo.notifications.messages import Joined
from expo.notifications.notify import notify
from expo.notifications.services import Attachment
from expo.registrations import tickets
from expo.registrations.models import Registration


def _sessions_of(registration: Registration) -> list[ProgrammeSession]:
    if registration.session_id is not None:
        return [registration.session]
    return list(registration.forum.sessions)


def _title_for(record, user) -> str:
    """A session's or forum's title in the recipient's language (else its source language, else English)."""
    return record.text_in("title", user.language or "en").text


def _context(registration: Registration) -> dict:
    target = registration.target
    forum = target.forum if isinstance(target, ProgrammeSession) else target
    return {
        "user": registration.user,
        "registration": registration,
        "title": _title_for(target, registration.user),
        "forum": forum,
        "edition": forum.edition,
        "sessions": _sessions_of(registration),
        "ticket_url": external_url("registrations.show_ticket", registration_id=registration.id),
        "agenda_url": external_url("registrations.my_agenda"),
    }


def _ticket_attachments(registration: Registration) -> list[Attachment]:
    sessions = _sessions_of(registration)
    with force_locale(registration.user.language or "en"):  # the calendar entries in the recipient's language
        ics = build_calendar(
            _title_for(registration.target, registration.user), sessions, show_stream_for={s.id for s in sessions}
        )
    return [
        Attachment("expo-agenda.ics", "text/calendar", ics),
        Attachment("expo-ticket.png", "image/png", tickets.qr_png(registration)),
    ]


def _ticket_path(registration: Registration) -> str:
    return site_path("registrations.show_ticket", registration_id=registration.id)


def send_ticket(registration_id: int) -> None:
    """Tell the person their registration is confirmed: the ticket in the app, and by e-mail with
    the QR code and calendar entry attached; once per registration."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return
    title = _title_for(registration.target, registration.user)
    notify(
        registration.user,
        "registration.ticket",
        dedupe_key=f"ticket:{registration.id}",
        title=_l("Your ticket: %(title)s", title=title),
        body=_l("You are registered for %(title)s. Show the QR code on your ticket at the entrance.", title=title),
        link=_ticket_path(registration),
        email_template="ticket",
        context=_context(registration),
        attachments=_ticket_attachments(registration),
    )


def notify_promoted(registration_id: int) -> None:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return
    title = _title_for(registration.target, registration.user)
    notify(
        registration.user,
        "registration.promoted",
        dedupe_key=f"promoted:{registration.id}",
        title=_l("A seat is yours: %(title)s", title=title),
        body=_l(
            "A seat came free and you moved up from the waiting list: you are registered for %(title)s.", title=title
        ),
        link=_ticket_path(registration),
        email_template="promoted",
        context=_context(registration),
        attachments=_ticket_attachments(registration),
    )


def send_reminder(registration_id: int, session_id: int, window: str) -> None:
    registration = db.session.get(Registration, registration_id)
    session = db.session.get(ProgrammeSession, session_id)
    if registration is None or session is None or registration.status != Registration.Status.CONFIRMED:
        return
    user = registration.user
    context = _context(registration) | {"session": session, "window": window}
    if window == "1h":
        title = _l("Starting in one hour: %(title)s", title=_title_for(session, user))
    else:
        title = _l("Tomorrow: %(title)s", title=_title_for(session, user))

    # Written when read, in the reader's language, in their zone of today.
    body = Joined(
        LocalMoment(session.starts_at, user.timezone),
        session.text_in("room", user.language or "en").text,
        separator=", ",
    )

    notify(
        user,
        f"registration.reminder_{window}",
        dedupe_key=f"reminder:{window}:{registration.id}:{session.id}",
        title=title,
        body=body,
        link=_ticket_path(registration),
        email_template="reminder",
        context=context,
    )
