"""API tokens: scopes, what a token may be made with, revoking once, who still holds a token's rights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from expo.accounts.models import User
from expo.api import tokens
from expo.api.models import ApiToken
from expo.audit.models import AuditAction, AuditEntry
from expo.extensions import db
from expo.permissions import NotAllowed


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_a_write_scope_includes_reading_that_area_only():
    token = ApiToken(scopes="leads:write registrations:read")
    assert tokens.allows(token, "leads:read") and tokens.allows(token, "leads:write")
    assert tokens.allows(token, "registrations:read")
    assert not tokens.allows(token, "registrations:write") and not tokens.allows(token, "organize:read")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (tokens.TokenData("   ", ("leads:read",)), "name"),
        (tokens.TokenData("x" * 101, ("leads:read",)), "name"),
        (tokens.TokenData("CRM", ()), "scopes"),
        (tokens.TokenData("CRM", ("leads:delete",)), "scopes"),
        (tokens.TokenData("CRM", ("leads:read",), lifetime_days=10_000), "lifetime_days"),
    ],
)
def test_a_token_needs_a_name_known_scopes_and_a_listed_lifetime(app_ctx, factory, data, field):
    user = factory.user()
    with pytest.raises(tokens.TokenError) as refused:
        tokens.create_personal_token(_user(user.id), data)
    assert refused.value.field == field


def test_team_and_edition_tokens_take_their_own_areas_only(app_ctx, factory):
    owner = factory.user()
    company = factory.company(owner=owner)
    from expo.exhibitors.models import ExhibitorCompany

    with pytest.raises(tokens.TokenError):
        tokens.create_team_token(
            _user(owner.id),
            db.session.get(ExhibitorCompany, company.id),
            tokens.TokenData("CRM", ("registrations:read",)),
        )
    made = tokens.create_team_token(
        _user(owner.id),
        db.session.get(ExhibitorCompany, company.id),
        tokens.TokenData("CRM", ("leads:write", "leads:read")),
    )
    assert made.token.scopes == "leads:read leads:write"  # in the listed order
    assert made.token.expires_at - made.token.created_at == timedelta(days=tokens.DEFAULT_LIFETIME)


def test_only_the_owner_makes_team_tokens(app_ctx, factory):
    owner, staff = factory.user(), factory.user()
    company = factory.company(owner=owner, staff=[staff])
    from expo.exhibitors.models import ExhibitorCompany

    with pytest.raises(NotAllowed):
        tokens.create_team_token(
            _user(staff.id), db.session.get(ExhibitorCompany, company.id), tokens.TokenData("CRM", ("leads:read",))
        )


def test_revoking_twice_leaves_one_audit_entry(app_ctx, factory):
    user = factory.user()
    made = tokens.create_personal_token(_user(user.id), tokens.TokenData("CRM", ("registrations:read",)))
    db.session.commit()
    tokens.revoke_token(_user(user.id), made.token)
    tokens.revoke_token(_user(user.id), made.token)
    db.session.commit()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [AuditAction.API_TOKEN_CREATED, AuditAction.API_TOKEN_REVOKED]
    assert tokens.token_for(made.secret) is None


def test_nobody_else_revokes_a_personal_token(app_ctx, factory):
    user, other = factory.user(), factory.user()
    made = tokens.create_personal_token(_user(user.id), tokens.TokenData("CRM", ("registrations:read",)))
    with pytest.raises(NotAllowed):
        tokens.revoke_token(_user(other.id), made.token)


def test_a_disabled_account_s_tokens_stop_working(app_ctx, factory):
    user = factory.user()
    made = tokens.create_personal_token(_user(user.id), tokens.TokenData("CRM", ("registrations:read",)))
    db.session.commit()
    assert tokens.token_for(made.secret) is not None
    _user(user.id).is_disabled = True
    db.session.commit()
    assert tokens.token_for(made.secret) is None


def test_use_is_recorded_once_a_minute(app_ctx, factory):
    user = factory.user()
    made = tokens.create_personal_token(_user(user.id), tokens.TokenData("CRM", ("registrations:read",)))
    db.session.commit()
    now = made.token.created_at
    assert tokens.record_use(made.token.id, now) is True
    assert tokens.record_use(made.token.id, now + timedelta(seconds=59)) is False
    assert tokens.record_use(made.token.id, now + timedelta(seconds=61)) is True
