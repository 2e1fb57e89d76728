"""Making API tokens for tests, through the service people use."""

from __future__ import annotations

from expo.extensions import db


def make_token(app, user, scopes, *, company=None, edition=None, days=90) -> str:
    """A token's secret: personal, or the team's (``company``) or the edition's (``edition``)."""
    from expo.accounts.models import User
    from expo.api import tokens
    from expo.editions.models import Edition
    from expo.exhibitors.models import ExhibitorCompany

    with app.test_request_context():
        actor = db.session.get(User, user.id)
        data = tokens.TokenData(name="Test program", scopes=tuple(scopes), lifetime_days=days)
        if company is not None:
            made = tokens.create_team_token(actor, db.session.get(ExhibitorCompany, company.id), data)
        elif edition is not None:
            made = tokens.create_edition_token(actor, db.session.get(Edition, edition.id), data)
        else:
            made = tokens.create_personal_token(actor, data)
        db.session.commit()
        return made.secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
