"""Each person's choice, per category, of in-app and e-mail notifications."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from expo.accounts.models import User
from expo.extensions import db
from expo.notifications.categories import CATEGORY_KEYS
from expo.notifications.models import NotificationPreference


@dataclass(frozen=True)
class Choice:
    in_app: bool = True
    email: bool = True


DEFAULT = Choice()


def choices_of(user: User) -> dict[str, Choice]:
    """Every category's choice for one person (the settings page), in one query."""
    stored = {
        row.category: Choice(row.in_app, row.email)
        for row in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    return {key: stored.get(key, DEFAULT) for key in CATEGORY_KEYS}


def choices_for(user_ids: Iterable[int], category: str) -> dict[int, Choice]:
    """One category's choice for many people, in one query: what a broadcast batch needs."""
    ids = list(user_ids)
    stored = {}
    if ids:
        stored = {
            user_id: Choice(in_app, email)
            for user_id, in_app, email in db.session.execute(
                select(
                    NotificationPreference.user_id, NotificationPreference.in_app, NotificationPreference.email
                ).where(NotificationPreference.category == category, NotificationPreference.user_id.in_(ids))
            )
        }
    return {user_id: stored.get(user_id, DEFAULT) for user_id in ids}


def receives(user_id_column, category: str):
    """A SQL condition on ``user_id_column``: the person gets ``category`` in the app or by e-mail.

    For selecting the recipients of a periodic notice in the same query that finds them: without a
    row both channels are on, so it asks that no row turns both off (one primary-key lookup each).
    """
    both_off = select(NotificationPreference.user_id).where(
        NotificationPreference.user_id == user_id_column,
        NotificationPreference.category == category,
        NotificationPreference.in_app.is_(False),
        NotificationPreference.email.is_(False),
    )
    return ~both_off.exists()


def save_choices(actor: User, choices: Mapping[str, Choice]) -> None:
    """Store the actor's own choices; categories left out keep theirs, unknown ones are refused."""
    unknown = set(choices) - set(CATEGORY_KEYS)
    if unknown:
        raise ValueError(f"unknown notification categories: {sorted(unknown)}")
    stored = {
        row.category: row
        for row in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == actor.id))
    }
    for category, choice in choices.items():
        row = stored.get(category)
        if row is None:
            if choice == DEFAULT:
                continue  # no row means both channels on
            row = NotificationPreference(user_id=actor.id, category=category)
            db.session.add(row)
        row.in_app, row.email = choice.in_app, choice.email
    db.session.flush()
