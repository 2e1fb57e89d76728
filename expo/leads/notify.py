"""Who hears about what happens to an inquiry: one small function per event.

Today each one queues e-mail (expo.notifications.services.queue_email, deduplicated per event and
recipient); the notification centre can switch a function to in-app notices without touching
the services that call it. Internal notes are never an event here: nothing about them leaves the team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expo.accounts.models import User
from expo.db_types import utcnow
from expo.notifications.services import queue_email
from expo.urls import external_url

if TYPE_CHECKING:
    from expo.leads.models import InquiryMessage, LeadReport, Quotation, TradeInquiry


def _team(inquiry: "TradeInquiry") -> list[User]:
    return [member.user for member in inquiry.booth.company.members]


def _handlers(inquiry: "TradeInquiry") -> list[User]:
    """The assignee when there is one, otherwise the whole team."""
    return [inquiry.assignee] if inquiry.assignee is not None else _team(inquiry)


def _send(user: User, *, kind: str, template: str, dedupe_key: str, **context) -> None:
    if user is None or user.is_disabled:
        return
    queue_email(recipient=user.email, kind=kind, template=template, dedupe_key=dedupe_key,
                context={"user": user, **context}, language=user.language, user_id=user.id)


def _team_link(inquiry: "TradeInquiry") -> str:
    return external_url("leads.show_inquiry", slug=inquiry.booth.slug, inquiry_id=inquiry.id)


def _buyer_link(inquiry: "TradeInquiry") -> str:
    return external_url("leads.show_my_inquiry", inquiry_id=inquiry.id)


def inquiry_received(inquiry: "TradeInquiry") -> None:
    for member in _team(inquiry):
        _send(member, kind="leads.inquiry_received", template="inquiry_received",
              dedupe_key=f"inquiry-received:{inquiry.id}:{member.id}", inquiry=inquiry,
              company=inquiry.booth.company, buyer=inquiry.buyer, link=_team_link(inquiry))


def message_posted(message: "InquiryMessage") -> None:
    inquiry = message.inquiry
    if message.side == message.TEAM:
        recipients, link = [inquiry.buyer], _buyer_link(inquiry)
    else:
        recipients, link = _handlers(inquiry), _team_link(inquiry)
    for recipient in recipients:
        if recipient.id == message.author_id:
            continue
        _send(recipient, kind="leads.message", template="inquiry_message",
              dedupe_key=f"inquiry-message:{message.id}:{recipient.id}", inquiry=inquiry, message=message,
              company=inquiry.booth.company, link=link)


def quotation_sent(quotation: "Quotation") -> None:
    inquiry = quotation.inquiry
    _send(inquiry.buyer, kind="leads.quotation_sent", template="quotation_sent",
          dedupe_key=f"quotation-sent:{quotation.id}", inquiry=inquiry, quotation=quotation,
          company=inquiry.booth.company, link=_buyer_link(inquiry))


def quotation_decided(quotation: "Quotation") -> None:
    inquiry = quotation.inquiry
    for member in _handlers(inquiry):
        _send(member, kind=f"leads.quotation_{quotation.status}", template="quotation_decided",
              dedupe_key=f"quotation-{quotation.status}:{quotation.id}:{member.id}", inquiry=inquiry,
              quotation=quotation, buyer=inquiry.buyer, link=_team_link(inquiry))


def inquiry_assigned(inquiry: "TradeInquiry", assigned_by: User) -> None:
    assignee = inquiry.assignee
    # Assigning the same person again later is a new event; the moment tells the two apart.
    _send(assignee, kind="leads.assigned", template="inquiry_assigned",
          dedupe_key=f"inquiry-assigned:{inquiry.id}:{assignee.id}:{utcnow().isoformat()}", inquiry=inquiry,
          assigned_by=assigned_by, link=_team_link(inquiry))


def report_finished(report: "LeadReport", link: str) -> None:
    """The requester learns the report is ready (or why it could not be made)."""
    _send(report.requested_by, kind=f"leads.report_{report.status}", template="lead_report_finished",
          dedupe_key=f"lead-report:{report.id}:{report.status}:{report.attempts}", report=report, link=link)


def daily_digest(user: User, day, booths: list, link_for) -> None:
    """Once per user and day: the dedupe key is the unique key that makes a second run a no-op."""
    _send(user, kind="leads.daily_digest", template="lead_digest", dedupe_key=f"lead-digest:{user.id}:{day}",
          day=day, booths=booths, link_for=link_for)
