"""iCalendar (RFC 5545) files for sessions, forums and each attendee's personal agenda."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vDuration

from expo.content_languages import localized
from expo.db_types import utcnow
from expo.forums.models import ProgrammeSession
from expo.lib.urls import external_url


def _uid(session: ProgrammeSession) -> str:
    return f"session-{session.id}@{uid_host()}"


def session_event(session: ProgrammeSession, *, show_stream: bool = False) -> Event:
    """The session as a calendar entry, its texts in the page's (or, under force_locale, the recipient's)
    language where translated."""
    forum = session.forum
    edition = forum.edition
    event = Event()
    event.add("uid", _uid(session))
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", localized(session, "title").text)
    url = external_url("forums.show_session", slug=edition.slug, session_id=session.id)
    lines = [localized(forum, "title").text]
    if session.speakers:
        lines.append(", ".join(localized(speaker, "name").text for speaker in session.speakers))
    abstract = localized(session, "abstract").text
    if abstract:
        lines.append(abstract)
    if show_stream and session.stream_url:
        lines.append(session.stream_url)
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    location = ", ".join(
        part
        for part in (localized(session, "room").text, localized(edition, "venue").text, localized(edition, "city").text)
        if part
    )
    if location:
        event.add("location", location)
    event.add("url", url)
    return event


def uid_host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "expo"


# RFC 7986's COLOR takes a CSS3 colour name: the one nearest the site's teal.
CALENDAR_COLOR = "teal"
# How often a subscribed client should fetch a feed again: a personal agenda changes with each
# registration; a forum's or a session's programme changes seldom.
AGENDA_REFRESH = timedelta(hours=1)
PROGRAMME_REFRESH = timedelta(hours=12)


def build_calendar(
    name: str,
    sessions: Iterable[ProgrammeSession],
    *,
    show_stream_for: set[int] = frozenset(),
    other_events: Iterable[Event] = (),
    refresh: timedelta = PROGRAMME_REFRESH,
) -> bytes:
    """A calendar of sessions and ``other_events`` (a person's meetings: expo.meetings.calendar)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Expo//Expo programme//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # RFC 7986 for current clients, X-WR-* for the older ones (Outlook, older Apple Calendar).
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh).to_ical().decode())
    calendar.add("color", CALENDAR_COLOR)
    for session in sessions:
        calendar.add_component(session_event(session, show_stream=session.id in show_stream_for))
    for event in other_events:
        calendar.add_component(event)
    return calendar.to_ical()
