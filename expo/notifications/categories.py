"""What people can choose to receive: the categories of notifications and the kinds in each.

A feature that notifies people adds its kinds here (and, if it is a new subject, a category);
the settings page and ``notify`` pick it up from this one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    key: str
    label: object  # a lazy string, translated when shown
    description: object
    kinds: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "registrations",
        _l("Registrations and tickets"),
        _l("Your ticket when a registration is confirmed, and a seat freed for you on a waiting list."),
        ("registration.ticket", "registration.promoted"),
    ),
    Category(
        "reminders",
        _l("Session reminders"),
        _l("A reminder 24 hours and one hour before each session you are registered for."),
        ("registration.reminder_24h", "registration.reminder_1h"),
    ),
    Category(
        "exhibitor",
        _l("Exhibitor team and booth"),
        _l("The organizers' decisions on your company's application to exhibit and on its booth."),
        ("exhibitor.approved", "exhibitor.rejected", "booth.published", "booth.sent_back", "booth.suspended"),
    ),
    Category(
        "broadcasts",
        _l("Messages from organizers"),
        _l(
            "News the organizers of an edition send to its attendees, a forum's or a session's "
            "participants, or its exhibitors."
        ),
        ("broadcast",),
    ),
    Category(
        "leads",
        _l("Trade inquiries and leads"),
        _l(
            "For buyers: the exhibitors' replies and quotations on your inquiries and order requests. For "
            "exhibitor teams: new inquiries, buyers' messages and answers to your quotations, and inquiries "
            "assigned to you. For whoever asked for one: an order-lead report that is ready or failed."
        ),
        (
            "leads.inquiry_received",
            "leads.message",
            "leads.quotation_sent",
            "leads.quotation_accepted",
            "leads.quotation_declined",
            "leads.assigned",
            "leads.report_done",
            "leads.report_failed",
        ),
    ),
    Category(
        "meetings",
        _l("Meetings"),
        _l(
            "Meeting requests with buyers or exhibitors, and their answers: accepted, declined, another time "
            "proposed, cancelled or moved."
        ),
        ("meeting.requested", "meeting.countered", "meeting.accepted", "meeting.declined", "meeting.cancelled"),
    ),
    Category(
        "meeting_reminders",
        _l("Meeting reminders"),
        _l("A reminder within the hour before each meeting you attend."),
        ("meeting.reminder",),
    ),
    Category(
        "lead_digest",
        _l("Daily lead digest"),
        _l(
            "For exhibitor teams: each morning, the previous day's new inquiries at your booths and the "
            "visitors who share their contact details with you. Nothing is sent on days without news."
        ),
        ("leads.daily_digest",),
    ),
    Category(
        "matchmaking",
        _l("Hosted-buyer programme"),
        _l(
            "An organizers' invitation to an edition's hosted-buyer programme, and your meetings when its "
            "plan is published."
        ),
        ("matchmaking.hosted_invitation", "matchmaking.schedule_published"),
    ),
    Category(
        "webhooks",
        _l("Webhooks"),
        _l("For whoever manages a webhook subscription: a subscription disabled after its deliveries kept failing."),
        ("webhooks.disabled",),
    ),
)

CATEGORY_KEYS = tuple(category.key for category in CATEGORIES)
_CATEGORY_OF_KIND = {kind: category.key for category in CATEGORIES for kind in category.kinds}


def category_of(kind: str) -> str:
    """The category a kind of notification belongs to; an unknown kind is a programming error."""
    try:
        return _CATEGORY_OF_KIND[kind]
    except KeyError:
        raise ValueError(
            f"notification kind {kind!r} belongs to no category in expo.notifications.categories"
        ) from None
