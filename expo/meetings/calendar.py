"""Meetings as iCalendar events, for the .ics download, the e-mails and the personal agenda feed
(built with the programme's calendar code, expo.forums.calendar)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event

from expo.accounts.models import User
from expo.db_types import utcnow
from expo.forums.calendar import build_calendar, uid_host
from expo.lib.urls import external_url
from expo.meetings.models import Meeting, Place


def where(meeting: Meeting) -> str:
    """The meeting's place in words: the table, the stand (with its number), or the video link."""
    if meeting.place == Place.VIDEO:
        return meeting.video_url
    if meeting.place == Place.TABLE and meeting.table is not None:
        return ", ".join(
            part for part in (_("Meeting table %(name)s", name=meeting.table.name), meeting.edition.venue) if part
        )
    if meeting.place == Place.STAND:
        from expo.meetings.services import stand_of

        placement = stand_of(meeting.company, meeting.edition)
        stand = placement.stand if placement is not None else ""
        label = (
            _("Stand %(stand)s of %(company)s", stand=stand, company=meeting.company.name)
            if stand
            else _("The stand of %(company)s", company=meeting.company.name)
        )
        return ", ".join(part for part in (label, meeting.edition.venue) if part)
    return ""


def meeting_event(meeting: Meeting, viewer: User) -> Event:
    other = meeting.company.name if viewer.id == meeting.buyer_id else meeting.buyer.name
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{uid_host()}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", _("Meeting with %(other)s", other=other))
    url = external_url("meetings.show_meeting", meeting_id=meeting.id)
    lines = [", ".join(product.product_name for product in meeting.products)] if meeting.products else []
    if meeting.message:
        lines.append(meeting.message)
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    location = where(meeting)
    if location:
        event.add("location", location)
    event.add("url", url)
    return event


def meeting_events(meetings: Iterable[Meeting], viewer: User) -> list[Event]:
    return [meeting_event(meeting, viewer) for meeting in meetings]


def meeting_calendar(meetings: Iterable[Meeting], viewer: User) -> bytes:
    """A calendar file of the meetings, written in the viewer's language."""
    with force_locale(viewer.language or "en"):
        return build_calendar(_("Expo meetings"), (), other_events=meeting_events(meetings, viewer))
