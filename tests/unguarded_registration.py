"""The registration path without its capacity guard, for the concurrency tests only.

Those tests first run a crowd through this naive path (count the confirmed seats, then insert; the
next waiting-list number as the highest plus one) to prove they can catch an oversell, then run the
same crowd through the real services. The naive path lives here, not in the application: production
code has no switch that turns the guard off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from expo.extensions import db
from expo.registrations import services
from expo.registrations.models import Registration


def _count_then_take(target) -> bool:
    taken = db.session.scalar(
        select(func.count(Registration.id)).where(
            services._target_filter(target), Registration.status == Registration.Status.CONFIRMED
        )
    )
    return target.capacity is None or taken < target.capacity


def _highest_plus_one(target) -> int:
    highest = db.session.scalar(select(func.max(Registration.waitlist_number)).where(services._target_filter(target)))
    return (highest or 0) + 1


@contextmanager
def without_capacity_guard() -> Iterator[None]:
    """Every registration in the block (any thread) takes the naive read-then-write path."""
    saved = {
        name: getattr(services, name)
        for name in ("take_seat", "release_seat", "next_waitlist_number", "_claims_in_one_statement")
    }
    services.take_seat = _count_then_take
    services.release_seat = lambda target: None
    services.next_waitlist_number = _highest_plus_one
    services._claims_in_one_statement = lambda target, forum: False
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(services, name, function)
