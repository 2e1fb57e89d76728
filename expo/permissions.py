"""The one place that says who may do what. Views ask here; services ask again."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from flask import abort

from expo.accounts.models import EditionRole, User
from expo.exhibitors.models import CompanyMember

if TYPE_CHECKING:
    from expo.booths.models import Booth
    from expo.editions.models import Edition
    from expo.exhibitors.models import ExhibitorCompany
    from expo.leads.models import TradeInquiry
    from expo.meetings.models import Meeting


class NotAllowed(Exception):
    """The actor may not do this; views answer 403."""


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_admin(user: User | None) -> bool:
    return _signed_in(user) and user.is_admin


def is_global_organizer(user: User | None) -> bool:
    return is_admin(user) or (
        _signed_in(user) and any(role.kind == EditionRole.ORGANIZER and role.edition_id is None for role in user.roles)
    )


def organized_edition_ids(user: User | None) -> set[int] | None:
    """The ids of the editions ``user`` organizes; None when they organize every edition."""
    if is_global_organizer(user):
        return None
    if not _signed_in(user):
        return set()
    return {
        role.edition_id for role in user.roles if role.kind == EditionRole.ORGANIZER and role.edition_id is not None
    }


def is_organizer(user: User | None, edition: Edition | None = None) -> bool:
    """Organizer of ``edition`` (global organizers organize every edition); any edition if None."""
    if is_global_organizer(user):
        return True
    if not _signed_in(user):
        return False
    return any(
        role.kind == EditionRole.ORGANIZER and (edition is None or role.edition_id == edition.id) for role in user.roles
    )


def is_checkin_staff(user: User | None, edition: Edition) -> bool:
    return _signed_in(user) and any(
        role.kind == EditionRole.CHECKIN and role.edition_id == edition.id for role in user.roles
    )


def can_check_in(user: User | None, edition: Edition) -> bool:
    """Organizers and the edition's check-in staff; check-in staff can do nothing else."""
    return is_organizer(user, edition) or is_checkin_staff(user, edition)


def can_create_edition(user: User | None) -> bool:
    return is_global_organizer(user)


def can_manage_edition(user: User | None, edition: Edition) -> bool:
    return is_organizer(user, edition)


def can_send_broadcasts(user: User | None, edition: Edition) -> bool:
    """Messaging an edition's attendees and exhibitors is part of running that edition."""
    return can_manage_edition(user, edition)


def can_view_edition(user: User | None, edition: Edition) -> bool:
    return edition.status != edition.Status.DRAFT or can_manage_edition(user, edition)


def can_manage_roles(user: User | None) -> bool:
    return is_admin(user)


def company_role(user: User | None, company: ExhibitorCompany) -> str | None:
    if not _signed_in(user):
        return None
    for member in company.members:
        if member.user_id == user.id:
            return member.role
    return None


def is_company_member(user: User | None, company: ExhibitorCompany) -> bool:
    return company_role(user, company) is not None


def is_company_owner(user: User | None, company: ExhibitorCompany) -> bool:
    return company_role(user, company) == CompanyMember.OWNER


def can_view_company_team(user: User | None, company: ExhibitorCompany) -> bool:
    return is_company_member(user, company) or is_global_organizer(user)


def can_apply_as_exhibitor(user: User | None) -> bool:
    """Any signed-in account may apply; one person can run several companies."""
    return _signed_in(user)


def can_manage_company_team(user: User | None, company: ExhibitorCompany) -> bool:
    """Inviting, removing and handing over: the owner only (staff and organizers look, not touch)."""
    return is_company_owner(user, company)


def can_manage_booth_webhooks(user: User | None, booth: Booth) -> bool:
    """A booth's webhooks send its inquiries and leads to another system: the company's owner decides that."""
    return is_company_owner(user, booth.company)


def can_manage_edition_webhooks(user: User | None, edition: Edition) -> bool:
    """An edition's webhooks carry its registrants: part of running that edition."""
    return can_manage_edition(user, edition)


def can_edit_company_application(user: User | None, company: ExhibitorCompany) -> bool:
    return is_company_owner(user, company)


def can_review_exhibitors(user: User | None) -> bool:
    """A company is not tied to one edition, so only organizers of every edition review it."""
    return is_global_organizer(user)


def can_view_company_logo(user: User | None, company: ExhibitorCompany) -> bool:
    """Approved exhibitors' logos are public; an application's only to its team and reviewers."""
    return company.status == company.Status.APPROVED or can_view_company_team(user, company)


def can_edit_booth(user: User | None, booth: Booth) -> bool:
    """The company's whole team (owner and staff) builds its booth and its catalogue."""
    return is_company_member(user, booth.company)


def can_review_booths(user: User | None) -> bool:
    """Booths outlive editions, so publishing and suspending is for organizers of every edition."""
    return is_global_organizer(user)


def can_view_booth(user: User | None, booth: Booth) -> bool:
    """Published booths are public; a draft, submitted or suspended one only to its team and reviewers."""
    return booth.status == booth.Status.PUBLISHED or can_edit_booth(user, booth) or can_review_booths(user)


def can_view_booth_analytics(user: User | None, booth: Booth) -> bool:
    return can_edit_booth(user, booth) or can_review_booths(user)


def can_place_booths(user: User | None, edition: Edition) -> bool:
    """Placing booths in an edition's pavilions is part of running that edition."""
    return can_manage_edition(user, edition)


def can_send_inquiry(user: User | None, booth: Booth) -> bool:
    """Signed-in visitors write to a published booth; its own team does not write to itself."""
    return _signed_in(user) and booth.status == booth.Status.PUBLISHED and not can_edit_booth(user, booth)


def can_handle_inquiries(user: User | None, booth: Booth) -> bool:
    """A booth's inquiries, leads and reports are its company's team's alone: organizers do not read
    buyers' conversations (they get the expo-wide report instead)."""
    return can_edit_booth(user, booth)


def can_scan_badges(user: User | None, booth: Booth) -> bool:
    """Scanning visitors' badges at the stand makes leads of the booth: its company's team (owner and
    staff) alone, like the rest of its leads; organizers and check-in staff do not."""
    return can_handle_inquiries(user, booth)


def can_view_inquiry(user: User | None, inquiry: TradeInquiry) -> bool:
    """The buyer who sent it and the booth's team."""
    return _signed_in(user) and (inquiry.buyer_id == user.id or can_handle_inquiries(user, inquiry.booth))


def can_request_meeting(user: User | None, booth: Booth) -> bool:
    """Any signed-in visitor may ask a published booth's team for a meeting; the team not itself."""
    return can_send_inquiry(user, booth)


def can_handle_meetings(user: User | None, company: ExhibitorCompany) -> bool:
    """A team's meeting requests, answers and settings are its members' alone (owner and staff)."""
    return is_company_member(user, company)


def can_view_meeting(user: User | None, meeting: Meeting) -> bool:
    """The buyer, the exhibitor's team, and the organizers of the meeting's edition (who run the
    tables); nobody else learns that the meeting exists."""
    return _signed_in(user) and (
        meeting.buyer_id == user.id or can_handle_meetings(user, meeting.company) or is_organizer(user, meeting.edition)
    )


def can_request_expo_lead_report(user: User | None, edition: Edition | None) -> bool:
    """Across every booth: organizers of every edition; for one edition's booths: its organizers too."""
    return is_global_organizer(user) if edition is None else is_organizer(user, edition)


def can_view_audit_log(user: User | None, edition: Edition | None) -> bool:
    """An edition's audit log: its organizers (and organizers of every edition); the whole log,
    which also holds role grants and decisions tied to no edition: admins only."""
    return is_admin(user) if edition is None else is_organizer(user, edition)


def can_make_personal_tokens(user: User | None) -> bool:
    """Anyone signed in may let a program act as them through the API, within the scopes they choose."""
    return _signed_in(user)


def can_manage_team_tokens(user: User | None, company: ExhibitorCompany) -> bool:
    """Team tokens let a program handle the whole team's leads: the owner decides, as for the team itself."""
    return is_company_owner(user, company)


def can_manage_edition_tokens(user: User | None, edition: Edition) -> bool:
    """Edition tokens read registrants and check tickets in: part of running that edition."""
    return can_manage_edition(user, edition)


def can_see_dev_outbox(config, client_address: str | None) -> bool:
    """The local mail outbox holds every e-mail, reset links included, so it hands out accounts: it
    exists only in development without a mail server, on a server that listens on loopback alone,
    and only for a browser on the same machine."""
    return (
        not config["PRODUCTION"]
        and not config["MAIL_SERVER"]
        and config["LISTENS_ON_LOOPBACK_ONLY"]
        and is_loopback_address(client_address)
    )


def is_loopback_address(address: str | None) -> bool:
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)  # ::ffff:127.0.0.1 from a dual-stack socket
    return (mapped or parsed).is_loopback


def require(allowed: bool) -> None:
    """Answer 403 unless ``allowed``; the error page says the user lacks permission."""
    if not allowed:
        abort(403)


def ensure(allowed: bool, message: str = "You are not allowed to do this.") -> None:
    """The service-layer twin of ``require``: raise a domain error instead of aborting."""
    if not allowed:
        raise NotAllowed(message)
