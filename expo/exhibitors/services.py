"""Exhibitor onboarding: applying, the organizers' review, and the owner running the team.

Services take an explicit actor, flush and never commit; the view commits once. E-mails are
queued on the session and leave only after that commit.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from expo import uploads
from expo.accounts.models import User
from expo.accounts.services import find_user_by_email, normalise_email
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.booths.services import open_booth
from expo.db_types import utcnow
from expo.exhibitors.models import CompanyInvitation, CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.i18n import country_choices
from expo.lib.rules import RuleBroken
from expo.lib.urls import external_url, site_path
from expo.notifications.notify import notify
from expo.notifications.services import queue_email
from expo.permissions import (
    NotAllowed,
    can_apply_as_exhibitor,
    can_edit_company_application,
    can_manage_company_team,
    can_review_exhibitors,
    ensure,
)

INVITATION_VALID_FOR = timedelta(days=14)
LOGO_FOLDER = "logos"
# Words the blueprint uses after /exhibitors/ itself: a company slug equal to one would be unreachable.
RESERVED_SLUGS = frozenset({"apply", "invitations", "mine", "review"})


class ExhibitorError(RuleBroken):
    """A rule of onboarding was broken; the message is safe to show, ``field`` names the form field."""


class NameTaken(ExhibitorError):
    status = 409


class ApplicationLocked(ExhibitorError):
    """An approved company's application is settled."""

    status = 409


class AlreadyReviewed(ExhibitorError):
    status = 409


class TeamChanged(ExhibitorError):
    """Someone else changed the team at the same moment."""

    status = 409


class InvitationProblem(ExhibitorError):
    """The invitation link cannot be used; ``invitation`` is set when the row exists."""

    def __init__(self, message: str, invitation: CompanyInvitation | None = None):
        super().__init__(message)
        self.invitation = invitation


class InvitationNotFound(InvitationProblem):
    status = 404


class InvitationUsed(InvitationProblem):
    status = 400


class InvitationExpired(InvitationProblem):
    status = 400


class InvitationForAnotherAddress(InvitationProblem):
    status = 403


@dataclass(frozen=True)
class ApplicationData:
    name: str
    country: str | None
    sector: str
    website: str = ""
    description: str = ""


# --- applying ------------------------------------------------------------------------------------


def company_slug(name: str) -> str:
    """'Nanning Mask Machinery Co., Ltd.' -> 'nanning-mask-machinery-co-ltd'; letters of every script stay,
    so '广西医疗器械有限公司' keeps its own address instead of collapsing to an empty one."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\W_]+", "-", folded).strip("-")[:100].strip("-")


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)


def _check_application(data: ApplicationData, editing: ExhibitorCompany | None) -> str:
    """Validate the data; returns the slug the name gives."""
    name = data.name.strip()
    if not name:
        raise ExhibitorError(_("Enter the company's name."), "name")
    slug = company_slug(name)
    if not slug:
        raise ExhibitorError(_("The name needs at least one letter or digit."), "name")
    if slug in RESERVED_SLUGS:
        raise ExhibitorError(_("This name is reserved by the site. Add a word to it, for example your city."), "name")
    if not data.country or data.country not in dict(country_choices()):
        raise ExhibitorError(_("Choose a country or region from the list."), "country")
    if not data.sector.strip():
        raise ExhibitorError(_("Enter the sector the company works in."), "sector")
    website = data.website.strip()
    if website and not is_web_address(website):
        raise ExhibitorError(_("Enter a web address starting with http:// or https://."), "website")
    clash = db.session.scalar(select(ExhibitorCompany.id).where(ExhibitorCompany.slug == slug))
    if clash is not None and (editing is None or clash != editing.id):
        raise NameTaken(
            _(
                "A company called “%(name)s” already exists. If it is yours, ask its owner to invite you to its team.",
                name=name,
            ),
            "name",
        )
    return slug


def _apply_data(company: ExhibitorCompany, data: ApplicationData, slug: str) -> None:
    company.slug = slug
    company.name = data.name.strip()
    company.country = data.country
    company.sector = data.sector.strip()
    company.website = data.website.strip()
    company.description = data.description.strip()


def _flush_unique_name(company: ExhibitorCompany, new_logo: str | None) -> None:
    """The unique slug has the last word when two people apply with one name at the same moment."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        uploads.delete_stored(new_logo)
        raise NameTaken(
            _(
                "A company called “%(name)s” already exists. If it is yours, ask its owner to invite you to its team.",
                name=company.name,
            ),
            "name",
        ) from None


def apply_for_exhibitor(
    actor: User, data: ApplicationData, *, logo: IO[bytes] | None = None, now: datetime | None = None
) -> ExhibitorCompany:
    """Create the company as a pending application with ``actor`` as its owner."""
    ensure(can_apply_as_exhibitor(actor))
    slug = _check_application(data, None)
    now = now or utcnow()
    company = ExhibitorCompany(status=ExhibitorCompany.Status.PENDING, created_at=now, submitted_at=now)
    _apply_data(company, data, slug)
    # Stored only once the data is known to be good, so a refused name leaves no file behind.
    company.logo_path = uploads.store_image(logo, LOGO_FOLDER) if logo is not None else None
    company.members.append(CompanyMember(user_id=actor.id, role=CompanyMember.OWNER, joined_at=now))
    db.session.add(company)
    _flush_unique_name(company, company.logo_path)
    return company


def update_application(
    actor: User,
    company: ExhibitorCompany,
    data: ApplicationData,
    *,
    logo: IO[bytes] | None = None,
    remove_logo: bool = False,
    now: datetime | None = None,
) -> bool:
    """Change an application still under review or rejected; a rejected one goes back to the queue.

    Returns True when the change re-submitted a rejected application.
    """
    ensure(can_edit_company_application(actor, company))
    if company.status == ExhibitorCompany.Status.APPROVED:
        raise ApplicationLocked(_("This company is already approved; its application cannot be changed."))
    slug = _check_application(data, company)
    new_logo = replaced = None
    if logo is not None:
        new_logo = uploads.store_image(logo, LOGO_FOLDER)
        replaced, company.logo_path = company.logo_path, new_logo
    elif remove_logo:
        replaced, company.logo_path = company.logo_path, None
    _apply_data(company, data, slug)
    resubmitted = company.status == ExhibitorCompany.Status.REJECTED
    if resubmitted:
        company.status = ExhibitorCompany.Status.PENDING
        company.submitted_at = now or utcnow()
    _flush_unique_name(company, new_logo)
    if replaced:
        uploads.delete_after_commit(replaced)
    return resubmitted


# --- the organizers' review ----------------------------------------------------------------------


def pending_applications_query():
    return (
        select(ExhibitorCompany)
        .where(ExhibitorCompany.status == ExhibitorCompany.Status.PENDING)
        .options(selectinload(ExhibitorCompany.members).selectinload(CompanyMember.user))
        .order_by(ExhibitorCompany.submitted_at, ExhibitorCompany.id)
    )


def count_pending_applications() -> int:
    return (
        db.session.scalar(
            select(func.count(ExhibitorCompany.id)).where(ExhibitorCompany.status == ExhibitorCompany.Status.PENDING)
        )
        or 0
    )


def approve_application(actor: User, company: ExhibitorCompany, *, now: datetime | None = None) -> None:
    ensure(can_review_exhibitors(actor))
    _decide(actor, company, ExhibitorCompany.Status.APPROVED, "", now or utcnow())


def reject_application(actor: User, company: ExhibitorCompany, reason: str, *, now: datetime | None = None) -> None:
    ensure(can_review_exhibitors(actor))
    reason = reason.strip()
    if not reason:
        raise ExhibitorError(_("Give the reason for the rejection: the applicant reads it in the e-mail."), "reason")
    _decide(actor, company, ExhibitorCompany.Status.REJECTED, reason, now)


def _decide(actor: User, company: ExhibitorCompany, status: str, reason: str, now: datetime | None) -> None:
    already = _("This application has already been decided by another organizer.")
    if company.status != ExhibitorCompany.Status.PENDING:
        raise AlreadyReviewed(already)
    # Conditional, so two organizers deciding at once cannot both win (nor both e-mail the applicant).
    decided = db.session.execute(
        update(ExhibitorCompany)
        .where(ExhibitorCompany.id == company.id, ExhibitorCompany.status == ExhibitorCompany.Status.PENDING)
        .values(status=status, rejection_reason=reason, reviewed_at=now or utcnow(), reviewed_by_id=actor.id)
    ).rowcount
    if not decided:
        raise AlreadyReviewed(already)
    after = {"status": status, "rejection_reason": reason} if reason else {"status": status}
    record(
        actor,
        AuditAction.EXHIBITOR_APPROVED
        if status == ExhibitorCompany.Status.APPROVED
        else AuditAction.EXHIBITOR_REJECTED,
        company,
        before={"status": ExhibitorCompany.Status.PENDING},
        after=after,
    )
    if status == ExhibitorCompany.Status.APPROVED:
        open_booth(company)  # the team can start building its booth straight away
    _notify_decision(company)


def _notify_decision(company: ExhibitorCompany) -> None:
    owner = company.owner.user
    status = company.status
    # One notice per decision on one submission: a re-submitted application can be decided again.
    submission = company.submitted_at.strftime("%Y%m%dT%H%M%S%f")
    if status == ExhibitorCompany.Status.APPROVED:
        title = _l("%(company)s is approved to exhibit", company=company.name)
        body = _l("Invite your colleagues and build your booth from the team page.")
        link = site_path("exhibitors.show_team", slug=company.slug)
    else:
        title = _l("Your application for %(company)s was not approved", company=company.name)
        body = _l("The organizers' reason: %(reason)s", reason=company.rejection_reason)
        link = site_path("exhibitors.edit_application", slug=company.slug)
    notify(
        owner,
        f"exhibitor.{status}",
        dedupe_key=f"exhibitor-decision:{company.id}:{status}:{submission}",
        title=title,
        body=body,
        link=link,
        email_template=f"exhibitor_{status}",
        context={
            "user": owner,
            "company": company,
            "reason": company.rejection_reason,
            "team_url": external_url("exhibitors.show_team", slug=company.slug),
            "edit_url": external_url("exhibitors.edit_application", slug=company.slug),
        },
    )


# --- the team ------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_staff(
    actor: User, company: ExhibitorCompany, email: str, *, now: datetime | None = None
) -> tuple[CompanyInvitation, str]:
    """Invite an address to the team as staff and e-mail it the link; returns the row and the token.

    Inviting an address again replaces its invitation: only the newest link works.
    """
    ensure(can_manage_company_team(actor, company))
    email = normalise_email(email)
    if any(member.user.email == email for member in company.members):
        raise ExhibitorError(_("%(email)s is already on the team.", email=email), "email")
    now = now or utcnow()
    for old in [invitation for invitation in company.invitations if invitation.email == email]:
        company.invitations.remove(old)
    db.session.flush()  # the old row goes before the new one takes its (company, e-mail) slot
    token = secrets.token_urlsafe(32)
    invitation = CompanyInvitation(
        email=email,
        token_hash=_token_hash(token),
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    company.invitations.append(invitation)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise TeamChanged(_("Somebody invited this address at the same moment. Reload the page."), "email") from None
    invitee = find_user_by_email(email)
    queue_email(
        recipient=email,
        kind="exhibitor.invitation",
        template="exhibitor_invitation",
        dedupe_key=f"exhibitor-invitation:{company.id}:{invitation.token_hash[:24]}",
        context={
            "company": company,
            "inviter": actor,
            "invitee": invitee,
            "accept_url": external_url("exhibitors.show_invitation", token=token),
            "sign_up_url": external_url("accounts.sign_up"),
            "valid_days": INVITATION_VALID_FOR.days,
        },
        language=invitee.language if invitee else actor.language,
        user_id=invitee.id if invitee else None,
    )
    return invitation, token


def open_invitations(company: ExhibitorCompany) -> list[CompanyInvitation]:
    return [invitation for invitation in company.invitations if invitation.accepted_at is None]


def cancel_invitation(actor: User, company: ExhibitorCompany, invitation: CompanyInvitation) -> None:
    ensure(can_manage_company_team(actor, company) and invitation.company_id == company.id)
    company.invitations.remove(invitation)
    db.session.flush()


def invitation_for_token(token: str) -> CompanyInvitation:
    invitation = db.session.scalar(
        select(CompanyInvitation)
        .where(CompanyInvitation.token_hash == _token_hash(token))
        .options(selectinload(CompanyInvitation.company).selectinload(ExhibitorCompany.members))
    )
    if invitation is None:
        raise InvitationNotFound(
            _(
                "This invitation link is not valid. It may have been replaced by a newer "
                "invitation or withdrawn; ask the company's owner to invite you again."
            )
        )
    return invitation


def check_invitation(invitation: CompanyInvitation, user: User, now: datetime | None = None) -> None:
    """Refuse a used or expired invitation, then one meant for somebody else."""
    if invitation.accepted_at is not None:
        raise InvitationUsed(
            _("This invitation has already been accepted. Ask the company's owner to invite you again if you need to."),
            invitation,
        )
    if invitation.is_expired(now or utcnow()):
        raise InvitationExpired(
            _("This invitation has expired. Ask the company's owner to invite you again."), invitation
        )
    if normalise_email(user.email) != invitation.email:
        raise InvitationForAnotherAddress(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as %(current)s. Log out, log in "
                "(or sign up) with %(invited)s, then open the link in the e-mail again.",
                invited=invitation.email,
                current=user.email,
            ),
            invitation,
        )


def accept_invitation(actor: User, token: str, *, now: datetime | None = None) -> CompanyMember:
    """Join the team as staff; the link works once."""
    now = now or utcnow()
    invitation = invitation_for_token(token)
    check_invitation(invitation, actor, now)
    claimed = db.session.execute(
        update(CompanyInvitation)
        .where(CompanyInvitation.id == invitation.id, CompanyInvitation.accepted_at.is_(None))
        .values(accepted_at=now)
    ).rowcount
    if not claimed:
        raise InvitationUsed(
            _("This invitation has already been accepted. Ask the company's owner to invite you again if you need to."),
            invitation,
        )
    company = invitation.company
    existing = next((member for member in company.members if member.user_id == actor.id), None)
    if existing is not None:
        return existing
    member = CompanyMember(user_id=actor.id, role=CompanyMember.STAFF, joined_at=now)
    company.members.append(member)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise TeamChanged(_("You are already on this team.")) from None
    record(
        actor,
        AuditAction.TEAM_MEMBER_JOINED,
        company,
        before={"member": actor.email, "role": None},
        after={"member": actor.email, "role": CompanyMember.STAFF},
    )
    return member


def _member_of(company: ExhibitorCompany, member: CompanyMember) -> None:
    if member.company_id != company.id:
        raise NotAllowed("member of another company")


def remove_member(actor: User, company: ExhibitorCompany, member: CompanyMember) -> None:
    ensure(can_manage_company_team(actor, company))
    _member_of(company, member)
    if member.role == CompanyMember.OWNER:
        raise ExhibitorError(
            _("You cannot remove yourself: hand over ownership to a staff member first, then leave the company.")
        )
    record(
        actor,
        AuditAction.TEAM_MEMBER_REMOVED,
        company,
        before={"member": member.user.email, "role": member.role},
        after={"member": member.user.email, "role": None},
    )
    company.members.remove(member)
    db.session.flush()


def hand_over_ownership(actor: User, company: ExhibitorCompany, member: CompanyMember) -> None:
    """Make a staff member the owner; the old owner stays on as staff.

    The partial unique index allows one owner at any moment, so the owner is demoted (and the
    statement sent) before the new owner is promoted. Both are conditional: a hand-over racing
    another one changes nothing and says so.
    """
    ensure(can_manage_company_team(actor, company))
    _member_of(company, member)
    if member.role != CompanyMember.STAFF:
        raise ExhibitorError(_("Ownership can only go to a staff member of this team."))
    current_owner = company.owner
    changed = _("The team changed meanwhile. Reload the page and try again.")
    demoted = db.session.execute(
        update(CompanyMember)
        .where(CompanyMember.id == current_owner.id, CompanyMember.role == CompanyMember.OWNER)
        .values(role=CompanyMember.STAFF)
    ).rowcount
    if not demoted:
        raise TeamChanged(changed)
    try:
        with db.session.begin_nested():
            promoted = db.session.execute(
                update(CompanyMember)
                .where(CompanyMember.id == member.id, CompanyMember.role == CompanyMember.STAFF)
                .values(role=CompanyMember.OWNER)
            ).rowcount
    except IntegrityError:
        promoted = 0
    if not promoted:
        raise TeamChanged(changed)
    record(
        actor,
        AuditAction.OWNERSHIP_HANDED_OVER,
        company,
        before={"owner": current_owner.user.email},
        after={"owner": member.user.email},
    )


def leave_company(actor: User, company: ExhibitorCompany) -> None:
    membership = next((member for member in company.members if member.user_id == actor.id), None)
    ensure(membership is not None)
    if membership.role == CompanyMember.OWNER:
        raise ExhibitorError(_("As the owner you cannot leave: hand over ownership to a staff member first."))
    record(
        actor,
        AuditAction.TEAM_MEMBER_LEFT,
        company,
        before={"member": actor.email, "role": membership.role},
        after={"member": actor.email, "role": None},
    )
    company.members.remove(membership)
    db.session.flush()


def memberships_of(user: User) -> list[CompanyMember]:
    return list(
        db.session.scalars(
            select(CompanyMember)
            .where(CompanyMember.user_id == user.id)
            .options(selectinload(CompanyMember.company))
            .order_by(CompanyMember.id)
        )
    )
