"""The events a subscription can choose, who may subscribe to each, and how a feature declares more.

An event belongs to an audience: "team" events happen at one booth and go to its team's
subscriptions; "organizer" events happen in one edition and go to its organizers' subscriptions.
A feature adds its events with ``declare`` when its module loads (meetings: ``meeting.requested``,
``meeting.accepted``... declared in ``expo.meetings``) and emits them with
``expo.webhooks.services.emit``; the subscription form and the delivery code need no change.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

TEAM = "team"
ORGANIZER = "organizer"


@dataclass(frozen=True)
class EventType:
    name: str
    audience: str
    label: object  # a lazy string


EVENT_TYPES: dict[str, EventType] = {}


def declare(name: str, audience: str, label: object) -> EventType:
    """Make ``name`` subscribable by ``audience`` (TEAM or ORGANIZER); declaring it twice is an error."""
    if audience not in (TEAM, ORGANIZER):
        raise ValueError(f"unknown webhook audience {audience!r}")
    if name in EVENT_TYPES:
        raise ValueError(f"webhook event {name!r} is declared twice")
    EVENT_TYPES[name] = EventType(name, audience, label)
    return EVENT_TYPES[name]


def events_for(audience: str) -> list[EventType]:
    return [event for event in EVENT_TYPES.values() if event.audience == audience]


INQUIRY_RECEIVED = declare("inquiry.received", TEAM, _l("An inquiry or order request is received"))
QUOTATION_ACCEPTED = declare("quotation.accepted", TEAM, _l("A buyer accepts a quotation"))
QUOTATION_DECLINED = declare("quotation.declined", TEAM, _l("A buyer declines a quotation"))
LEAD_REPORT_READY = declare("lead_report.ready", TEAM, _l("An order-lead report is ready"))
REGISTRATION_CONFIRMED = declare("registration.confirmed", ORGANIZER, _l("A registration is confirmed"))
REGISTRATION_CANCELLED = declare("registration.cancelled", ORGANIZER, _l("A registration is cancelled"))
REGISTRATION_PROMOTED = declare("registration.promoted", ORGANIZER, _l("A registration moves up from the waiting list"))
CHECKED_IN = declare("registration.checked_in", ORGANIZER, _l("An attendee is checked in"))
EXPO_REPORT_READY = declare("expo_lead_report.ready", ORGANIZER, _l("An expo-wide order-lead report is ready"))
