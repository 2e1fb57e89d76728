"""iCalendar output checked with a real parser."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from expo.extensions import db
from expo.forums.calendar import build_calendar
from expo.forums.models import ProgrammeSession


def test_calendar_is_valid_rfc5545(app, factory):
    edition = factory.edition(venue="Nanning International Convention and Exhibition Center", city="Nanning")
    forum = factory.forum(edition, title="Forum on Dentistry")
    session = factory.programme_session(
        forum,
        title="Dental care, 中文",
        room="Room 202",
        starts_at=datetime(2027, 9, 11, 1, 0, tzinfo=UTC),
        stream_url="https://stream.example.com/d",
    )
    with app.test_request_context():
        loaded = db.session.get(ProgrammeSession, session.id)
        public = Calendar.from_ical(build_calendar("Dentistry", [loaded]))
        private = Calendar.from_ical(build_calendar("Mine", [loaded], show_stream_for={loaded.id}))
    assert public["version"] == "2.0" and public["prodid"]
    [event] = public.walk("VEVENT")
    assert str(event["summary"]) == "Dental care, 中文"
    assert event.decoded("dtstart").utcoffset().total_seconds() == 0
    assert "Room 202, Nanning International Convention and Exhibition Center, Nanning" == str(event["location"])
    assert "stream.example.com" not in str(event["description"])
    assert "stream.example.com" in str(private.walk("VEVENT")[0]["description"])
    assert event["dtstamp"]
