"""Who hears about what happens to an inquiry, a lead report or a day's leads: one small function per event.

Each one goes through expo.notifications.notify: an in-app notice and an e-mail, in the recipient's
language, as they chose for "Trade inquiries and leads" or "Daily lead digest" (see
expo.notifications.categories), added in the caller's transaction and idempotent by a dedupe key
per event and recipient. Titles and bodies are lazy strings or callables, so they are written in
the recipient's language, not the sender's. Internal notes are never an event here: nothing about
them leaves the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from expo.accounts.models import User
from expo.db_types import utcnow
from expo.i18n import LocalDay
from expo.lib.urls import external_url, site_path
from expo.notifications.messages import Joined, Lines, Money, Quantity
from expo.notifications.notify import notify

if TYPE_CHECKING:
    from expo.leads.digest import BoothDigest
    from expo.leads.models import InquiryMessage, LeadReport, Quotation, TradeInquiry


DIGEST_KIND = "leads.daily_digest"


@dataclass(frozen=True)
class Page:
    """Where a notice leads: a path for the in-app notice, the same page's full address for e-mail."""

    path: str
    url: str


def _page(endpoint: str, **values: Any) -> Page:
    return Page(site_path(endpoint, **values), external_url(endpoint, **values))


def _team_page(inquiry: TradeInquiry) -> Page:
    return _page("lead_inbox.show_inquiry", slug=inquiry.booth.slug, inquiry_id=inquiry.id)


def _buyer_page(inquiry: TradeInquiry) -> Page:
    return _page("inquiries.show_my_inquiry", inquiry_id=inquiry.id)


def _team(inquiry: TradeInquiry) -> list[User]:
    return [member.user for member in inquiry.booth.company.members]


def _handlers(inquiry: TradeInquiry) -> list[User]:
    """The assignee when there is one, otherwise the whole team."""
    return [inquiry.assignee] if inquiry.assignee is not None else _team(inquiry)


def _tell(
    user: User | None,
    kind: str,
    *,
    dedupe_key: str,
    title: Any,
    page: Page | None,
    template: str,
    body: Any = "",
    **context: Any,
) -> None:
    if user is None or user.is_disabled:
        return
    notify(
        user,
        kind,
        dedupe_key=dedupe_key,
        title=title,
        body=body,
        link=page.path if page else "",
        email_template=template,
        context={"user": user, "link": page.url if page else "", **context},
    )


# The bodies below are message data (expo.notifications.messages): money, quantities and days are
# written by CLDR in the reader's language each time the notice is read.


def _inquiry_summary(inquiry: TradeInquiry) -> Lines:
    return Lines(
        Joined(_l("Products:"), ", ".join(item.product_name for item in inquiry.items)) if inquiry.items else None,
        Joined(_l("Quantity:"), Quantity(inquiry.quantity, inquiry.unit)) if inquiry.quantity else None,
    )


def inquiry_received(inquiry: TradeInquiry) -> None:
    buyer = inquiry.buyer
    if inquiry.is_order_request:
        title = _l("New order request from %(buyer)s", buyer=buyer.name)
    else:
        title = _l("New inquiry from %(buyer)s", buyer=buyer.name)
    page = _team_page(inquiry)
    for member in _team(inquiry):
        _tell(
            member,
            "leads.inquiry_received",
            dedupe_key=f"inquiry-received:{inquiry.id}:{member.id}",
            title=title,
            body=_inquiry_summary(inquiry),
            page=page,
            template="inquiry_received",
            inquiry=inquiry,
            company=inquiry.booth.company,
            buyer=buyer,
        )


def message_posted(message: InquiryMessage) -> None:
    inquiry = message.inquiry
    company = inquiry.booth.company
    if message.side == message.TEAM:
        recipients, page = [inquiry.buyer], _buyer_page(inquiry)
        title = _l("New message about your inquiry with %(company)s", company=company.name)
    else:
        recipients, page = _handlers(inquiry), _team_page(inquiry)
        title = _l("%(buyer)s replied about their inquiry", buyer=inquiry.buyer.name)

    body = Lines(
        message.body, _l("Attachment: %(name)s", name=message.attachment_name) if message.attachment_path else None
    )

    for recipient in recipients:
        if recipient.id == message.author_id:
            continue
        _tell(
            recipient,
            "leads.message",
            dedupe_key=f"inquiry-message:{message.id}:{recipient.id}",
            title=title,
            body=body,
            page=page,
            template="inquiry_message",
            inquiry=inquiry,
            message=message,
            company=company,
        )


def quotation_sent(quotation: Quotation) -> None:
    inquiry = quotation.inquiry
    company = inquiry.booth.company

    body = Lines(
        Joined(_l("Unit price:"), Money(quotation.unit_price, quotation.currency)),
        Joined(_l("Quantity:"), Quantity(quotation.quantity, quotation.unit)),
        Joined(_l("Valid until:"), LocalDay(quotation.valid_until)),
    )

    _tell(
        inquiry.buyer,
        "leads.quotation_sent",
        dedupe_key=f"quotation-sent:{quotation.id}",
        title=_l("%(company)s sent you a quotation", company=company.name),
        body=body,
        page=_buyer_page(inquiry),
        template="quotation_sent",
        inquiry=inquiry,
        quotation=quotation,
        company=company,
    )


def quotation_decided(quotation: Quotation) -> None:
    inquiry = quotation.inquiry
    buyer = inquiry.buyer
    accepted = quotation.status == quotation.Status.ACCEPTED
    if accepted:
        title = _l("%(buyer)s accepted your quotation", buyer=buyer.name)
    else:
        title = _l("%(buyer)s declined your quotation", buyer=buyer.name)

    price = Money(quotation.unit_price, quotation.currency)
    quantity = Quantity(quotation.quantity, quotation.unit)
    if accepted:
        body = _l(
            "%(buyer)s accepted your quotation of %(price)s per unit for %(quantity)s. The inquiry is marked "
            "won: confirm the order with them.",
            buyer=buyer.name,
            price=price,
            quantity=quantity,
        )
    else:
        body = _l(
            "%(buyer)s declined your quotation of %(price)s per unit for %(quantity)s. Ask what would work for "
            "them, or send a new quotation.",
            buyer=buyer.name,
            price=price,
            quantity=quantity,
        )

    page = _team_page(inquiry)
    for member in _handlers(inquiry):
        _tell(
            member,
            f"leads.quotation_{quotation.status}",
            dedupe_key=f"quotation-{quotation.status}:{quotation.id}:{member.id}",
            title=title,
            body=body,
            page=page,
            template="quotation_decided",
            inquiry=inquiry,
            quotation=quotation,
            buyer=buyer,
        )


def inquiry_assigned(inquiry: TradeInquiry, assigned_by: User) -> None:
    assignee = inquiry.assignee
    # Assigning the same person again later is a new event; the moment tells the two apart.
    _tell(
        assignee,
        "leads.assigned",
        dedupe_key=f"inquiry-assigned:{inquiry.id}:{assignee.id}:{utcnow().isoformat()}",
        title=_l("%(name)s assigned you an inquiry from %(buyer)s", name=assigned_by.name, buyer=inquiry.buyer.name),
        page=_team_page(inquiry),
        template="inquiry_assigned",
        inquiry=inquiry,
        assigned_by=assigned_by,
    )


def _report_page(report: LeadReport) -> Page:
    if report.scope == report.BOOTH:
        return _page("lead_reports.show_report", slug=report.booth.slug, report_id=report.id)
    return _page("organize_lead_reports.show", report_id=report.id)


def report_finished(report: LeadReport) -> None:
    """The requester learns the report is ready (or why it could not be made)."""
    if report.status == report.Status.DONE:
        title = _l("Your order-lead report is ready")

        body = lazy_ngettext(
            "Your order-lead report for %(from)s to %(to)s is ready, with %(num)d lead.",
            "Your order-lead report for %(from)s to %(to)s is ready, with %(num)d leads.",
            report.rows_total,
            **{"from": LocalDay(report.period_from), "to": LocalDay(report.period_to)},
        )
    else:
        title = _l("Your order-lead report could not be compiled")
        body = report.error or ""
    _tell(
        report.requested_by,
        f"leads.report_{report.status}",
        dedupe_key=f"lead-report:{report.id}:{report.status}:{report.attempts}",
        title=title,
        body=body,
        page=_report_page(report),
        template="lead_report_finished",
        report=report,
    )


def daily_digest(user: User, day: date, digests: list[BoothDigest]) -> None:
    """Once per user and day: the dedupe key is the unique key that makes a second run a no-op."""
    inboxes = {digest.booth.id: _page("lead_inbox.inbox", slug=digest.booth.slug) for digest in digests}

    parts = []
    for digest in digests:
        inquiries = lazy_ngettext("%(num)d new inquiry", "%(num)d new inquiries", digest.inquiry_count)
        if digest.order_request_count:
            inquiries = Joined(
                inquiries,
                Joined(
                    "(",
                    lazy_ngettext("%(num)d order request", "%(num)d order requests", digest.order_request_count),
                    ")",
                    separator="",
                ),
            )
        visitors = None
        if digest.named_visitor_count:
            names = ", ".join(visitor.name for visitor, _interactions in digest.named_visitors)
            visitors = Joined(
                lazy_ngettext(
                    "%(num)d visitor who shares their details came by:",
                    "%(num)d visitors who share their details came by:",
                    digest.named_visitor_count,
                ),
                names,
            )
        unanswered = (
            lazy_ngettext(
                "%(num)d inquiry is waiting for an answer.",
                "%(num)d inquiries are waiting for an answer.",
                digest.unanswered,
            )
            if digest.unanswered
            else None
        )
        parts.append(Lines(digest.booth.company.name, inquiries, visitors, unanswered))
    body = Joined(*parts, separator="\n\n")

    # One booth: the notice opens its inbox. Several: the notice's own page lists them all.
    page = inboxes[digests[0].booth.id] if len(digests) == 1 else None
    _tell(
        user,
        DIGEST_KIND,
        dedupe_key=f"lead-digest:{user.id}:{day.isoformat()}",
        title=_l("Your leads of %(day)s", day=LocalDay(day)),
        body=body,
        page=page,
        template="lead_digest",
        day=LocalDay(day),
        booths=digests,
        link_for=lambda booth: inboxes[booth.id].url,
        settings_url=external_url("notifications.edit_preferences"),
    )
