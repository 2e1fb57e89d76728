"""Making, revoking and checking API tokens, and the scopes a token may carry.

A token acts with the rights of the person who made it, narrowed by its scopes and, for a team or
edition token, to that team's booth or that edition. The API calls the same services as the pages
with that person as the actor, so the same rules decide. A team (edition) token stops working as
soon as its maker leaves the team (stops organizing the edition).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from expo import permissions
from expo.accounts.models import User
from expo.api.models import ApiToken
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.rules import RuleBroken

# The visible start of a token says what it is (and lets secret scanners recognise one).
PERSONAL_PREFIX = "expo_pat_"
TEAM_PREFIX = "expo_tat_"
# Characters of the token kept in clear, so people can tell their tokens apart.
SHOWN_CHARACTERS = 4
NAME_LENGTH = 100
# How long a token lasts, in days: the choices offered, and the default.
LIFETIMES = (7, 30, 90, 365)
DEFAULT_LIFETIME = 90
# Use is written down (last-used time and an audit entry) at most this often per token, so that a
# program polling every second leaves one audit entry a minute, not sixty.
USE_RECORDED_EVERY = timedelta(minutes=1)

SCOPES = {
    "registrations:read": _l("Read your registrations and agenda"),
    "registrations:write": _l("Register for sessions and cancel registrations"),
    "inquiries:read": _l("Read the inquiries you sent, their conversations and quotations"),
    "inquiries:write": _l("Send inquiries and order requests, reply, and accept or decline quotations"),
    "meetings:read": _l("Read your meetings and when the other side is free"),
    "meetings:write": _l("Request, accept, decline, move and cancel meetings"),
    "leads:read": _l("Read a booth's inquiries, leads and reports"),
    "leads:write": _l("Reply to inquiries, send quotations and request reports"),
    "organize:read": _l("Read an edition's registrants, attendance, broadcasts and order-lead reports"),
    "organize:write": _l("Check tickets in, send broadcasts and request order-lead reports"),
}
SCOPES_BY_KIND = {
    ApiToken.Kind.PERSONAL: tuple(SCOPES),
    # A team's program handles the booth's leads and the team's meetings; it buys nothing.
    ApiToken.Kind.TEAM: ("leads:read", "leads:write", "meetings:read", "meetings:write"),
    ApiToken.Kind.EDITION: ("organize:read", "organize:write"),
}


class TokenError(RuleBroken):
    """A token cannot be made or revoked as asked; the message is safe to show."""


@dataclass(frozen=True)
class TokenData:
    name: str
    scopes: tuple[str, ...]
    lifetime_days: int = DEFAULT_LIFETIME


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is shown once and never again."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def allows(token: ApiToken, scope: str) -> bool:
    """Whether ``token`` carries ``scope``; an area's write scope includes reading it."""
    area, _sep, access = scope.partition(":")
    granted = token.scope_list
    return scope in granted or (access == "read" and f"{area}:write" in granted)


def _check(kind: str, data: TokenData) -> TokenData:
    name = " ".join(data.name.split())
    if not name:
        raise TokenError(_("Name the token after the program that will use it."), "name")
    if len(name) > NAME_LENGTH:
        raise TokenError(_("Keep the name under %(count)s characters.", count=NAME_LENGTH), "name")
    allowed = SCOPES_BY_KIND[kind]
    if not data.scopes:
        raise TokenError(_("Choose at least one thing the token may do."), "scopes")
    if any(scope not in allowed for scope in data.scopes):
        raise TokenError(_("Choose from the scopes listed."), "scopes")
    if data.lifetime_days not in LIFETIMES:
        raise TokenError(_("Choose how long the token lasts from the list."), "lifetime_days")
    ordered = tuple(scope for scope in allowed if scope in data.scopes)
    return TokenData(name, ordered, data.lifetime_days)


def _make(
    actor: User, kind: str, data: TokenData, *, company: ExhibitorCompany | None = None, edition: Edition | None = None
) -> NewToken:
    data = _check(kind, data)
    secret = (PERSONAL_PREFIX if kind == ApiToken.Kind.PERSONAL else TEAM_PREFIX) + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        kind=kind,
        user_id=actor.id,
        company_id=company.id if company else None,
        edition_id=edition.id if edition else None,
        name=data.name,
        prefix=secret[: len(PERSONAL_PREFIX) + SHOWN_CHARACTERS],
        token_hash=hash_token(secret),
        scopes=" ".join(data.scopes),
        created_at=now,
        expires_at=now + timedelta(days=data.lifetime_days),
    )
    db.session.add(token)
    db.session.flush()
    record(
        actor,
        AuditAction.API_TOKEN_CREATED,
        token,
        edition_id=edition.id if edition else None,
        after={"kind": str(kind), "scopes": token.scopes, "expires_at": token.expires_at},
    )
    return NewToken(token, secret)


def create_personal_token(actor: User, data: TokenData) -> NewToken:
    permissions.ensure(permissions.can_make_personal_tokens(actor))
    return _make(actor, ApiToken.Kind.PERSONAL, data)


def create_team_token(actor: User, company: ExhibitorCompany, data: TokenData) -> NewToken:
    permissions.ensure(permissions.can_manage_team_tokens(actor, company))
    if company.status != company.Status.APPROVED:
        raise TokenError(_("Team tokens are for approved exhibitors."))
    return _make(actor, ApiToken.Kind.TEAM, data, company=company)


def create_edition_token(actor: User, edition: Edition, data: TokenData) -> NewToken:
    permissions.ensure(permissions.can_manage_edition_tokens(actor, edition))
    return _make(actor, ApiToken.Kind.EDITION, data, edition=edition)


def may_revoke(user: User, token: ApiToken) -> bool:
    """Your own personal tokens; a team's tokens: its owner; an edition's: its organizers."""
    if token.kind == ApiToken.Kind.TEAM:
        return permissions.can_manage_team_tokens(user, token.company)
    if token.kind == ApiToken.Kind.EDITION:
        return permissions.can_manage_edition_tokens(user, token.edition)
    return token.user_id == user.id


def revoke_token(actor: User, token: ApiToken, now: datetime | None = None) -> None:
    permissions.ensure(may_revoke(actor, token))
    now = now or utcnow()
    # Conditional, so two clicks revoke once and leave one audit entry.
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(token)
    if revoked:
        record(
            actor,
            AuditAction.API_TOKEN_REVOKED,
            token,
            edition_id=token.edition_id,
            before={"revoked_at": None},
            after={"revoked_at": now},
        )


def personal_tokens(user: User) -> list[ApiToken]:
    return _listed(ApiToken.user_id == user.id, ApiToken.kind == ApiToken.Kind.PERSONAL)


def team_tokens(company: ExhibitorCompany) -> list[ApiToken]:
    return _listed(ApiToken.company_id == company.id)


def edition_tokens(edition: Edition) -> list[ApiToken]:
    return _listed(ApiToken.edition_id == edition.id)


def _listed(*conditions) -> list[ApiToken]:
    # A person holds a handful of tokens: listed whole, newest first, revoked ones last.
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(*conditions)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def find_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


# --- checking a request's token --------------------------------------------------------------------


def token_for(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token whose secret this is, acting for a person who still holds its rights; or None."""
    if not secret.startswith((PERSONAL_PREFIX, TEAM_PREFIX)) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    now = now or utcnow()
    if token is None or not token.is_usable(now):
        return None
    user = token.user
    if user is None or user.is_disabled:
        return None
    if token.kind == ApiToken.Kind.TEAM and not permissions.is_company_member(user, token.company):
        return None
    if token.kind == ApiToken.Kind.EDITION and not permissions.is_organizer(user, token.edition):
        return None
    return token


def record_use(token_id: int, now: datetime | None = None) -> bool:
    """Write down that the token was used: its last-used time and an API_TOKEN_USED audit entry, at
    most once per USE_RECORDED_EVERY (a conditional UPDATE, so parallel requests record once).
    Flushes; the caller commits. Returns whether it wrote."""
    now = now or utcnow()
    written = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - USE_RECORDED_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not written:
        return False
    token = db.session.get(ApiToken, token_id)
    db.session.refresh(token)
    record(token.user, AuditAction.API_TOKEN_USED, token, edition_id=token.edition_id)
    return True
