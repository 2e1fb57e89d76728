"""The events a subscription can choose, who may subscribe to each, and how a feature declares more.

An event belongs to one audience or both: "team" events happen at one booth and go to its team's
subscriptions; "organizer" events happen in one edition and go to its organizers' subscriptions;
an event of both (a meeting's) goes to the booth's and the edition's subscriptions alike. A feature
declares its events here with ``declare`` and emits them with ``expo.webhooks.services.emit`` (its
payloads written in ``expo.webhooks.announce``); the subscription form and the delivery code need no
change.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

TEAM = "team"
ORGANIZER = "organizer"


@dataclass(frozen=True)
class EventType:
    name: str
    audiences: tuple[str, ...]
    label: object  # a lazy string


EVENT_TYPES: dict[str, EventType] = {}


def declare(name: str, audiences: str | tuple[str, ...], label: object) -> EventType:
    """Make ``name`` subscribable by ``audiences`` (TEAM, ORGANIZER or both); declaring it twice is an error."""
    audiences = (audiences,) if isinstance(audiences, str) else tuple(audiences)
    if not audiences or any(audience not in (TEAM, ORGANIZER) for audience in audiences):
        raise ValueError(f"unknown webhook audience in {audiences!r}")
    if name in EVENT_TYPES:
        raise ValueError(f"webhook event {name!r} is declared twice")
    EVENT_TYPES[name] = EventType(name, audiences, label)
    return EVENT_TYPES[name]


def events_for(audience: str) -> list[EventType]:
    return [event for event in EVENT_TYPES.values() if audience in event.audiences]


INQUIRY_RECEIVED = declare("inquiry.received", TEAM, _l("An inquiry or order request is received"))
QUOTATION_ACCEPTED = declare("quotation.accepted", TEAM, _l("A buyer accepts a quotation"))
QUOTATION_DECLINED = declare("quotation.declined", TEAM, _l("A buyer declines a quotation"))
LEAD_REPORT_READY = declare("lead_report.ready", TEAM, _l("An order-lead report is ready"))
REGISTRATION_CONFIRMED = declare("registration.confirmed", ORGANIZER, _l("A registration is confirmed"))
REGISTRATION_CANCELLED = declare("registration.cancelled", ORGANIZER, _l("A registration is cancelled"))
REGISTRATION_PROMOTED = declare("registration.promoted", ORGANIZER, _l("A registration moves up from the waiting list"))
CHECKED_IN = declare("registration.checked_in", ORGANIZER, _l("An attendee is checked in"))
EXPO_REPORT_READY = declare("expo_lead_report.ready", ORGANIZER, _l("An expo-wide order-lead report is ready"))
# A meeting's events: its booth's team and its edition's organizers (who run the meeting tables).
BOTH = (TEAM, ORGANIZER)
MEETING_REQUESTED = declare("meeting.requested", BOTH, _l("A meeting is requested (by a buyer or the team)"))
MEETING_COUNTERED = declare("meeting.countered", BOTH, _l("Another time is proposed for a meeting request"))
MEETING_ACCEPTED = declare("meeting.accepted", BOTH, _l("A meeting is accepted or scheduled"))
MEETING_DECLINED = declare("meeting.declined", BOTH, _l("A meeting request is declined"))
MEETING_CANCELLED = declare("meeting.cancelled", BOTH, _l("A meeting is cancelled or a request withdrawn"))
MEETING_RESCHEDULED = declare("meeting.rescheduled", BOTH, _l("An accepted meeting is moved to another time"))
MEETING_HELD = declare("meeting.held", BOTH, _l("A meeting is marked held"))
MEETING_MISSED = declare("meeting.missed", BOTH, _l("A meeting is marked missed"))
