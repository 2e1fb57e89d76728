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


def open_meeting(app, edition, buyer, company, *, starts_at=None, minutes: int = 20) -> int:
    """A buyer's meeting request awaiting the team, written directly (no notice, no event): its id."""
    from datetime import UTC, datetime, timedelta

    from expo.meetings.models import Meeting

    starts_at = starts_at or datetime(2027, 9, 11, 2, 0, tzinfo=UTC)  # 10:00 at the venue, on the grid
    with app.app_context():
        meeting = Meeting(
            edition_id=edition.id,
            buyer_id=buyer.id,
            company_id=company.id,
            requested_by="buyer",
            requester_id=buyer.id,
            status="requested",
            awaiting="team",
            mode="venue",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def free_at_venue(app, edition, starts_at, ends_at, *people) -> None:
    """Each person is free to meet at the edition's venue from ``starts_at`` to ``ends_at`` (UTC)."""
    from expo.meetings.models import Availability

    with app.app_context():
        for person in people:
            db.session.add(
                Availability(
                    user_id=person.id, mode="venue", edition_id=edition.id, starts_at=starts_at, ends_at=ends_at
                )
            )
        db.session.commit()
