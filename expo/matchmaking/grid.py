"""The grid the hosted-buyer programme plans on, which is the edition's meetings grid (expo.meetings):
the slots of its meeting rules, its meeting tables, and who is free in which slot — inside their free
times at the venue (every slot when they set none: the organizers' default), and not held by a
meeting they already have — and which tables ordinary meetings already hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from expo.accounts.models import User
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
from expo.meetings import services as meetings
from expo.meetings import slots
from expo.meetings.models import Availability, MeetingHold, MeetingSettings, MeetingTable, Mode


@dataclass(frozen=True)
class Grid:
    """The edition's meetings grid as the programme plans on it: the rules, every slot's start at
    the venue (UTC), and the tables (table number n of the scheduler is ``tables[n - 1]``)."""

    settings: MeetingSettings
    starts: list[datetime]
    tables: list[MeetingTable]

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.settings.slot_minutes)

    def index_of(self) -> dict[datetime, int]:
        return {start: index for index, start in enumerate(self.starts)}

    def number_of(self) -> dict[int, int]:
        """Table id -> the scheduler's table number."""
        return {table.id: number for number, table in enumerate(self.tables, start=1)}

    def slot_stretches(self) -> list[frozenset[datetime]]:
        return [frozenset(slots.stretches(start, start + self.step)) for start in self.starts]


def grid_of(edition: Edition) -> Grid:
    settings = slots.settings_for(edition)
    return Grid(settings, slots.venue_slots(edition, settings), meetings.tables_of(edition))


@dataclass(frozen=True)
class Presence:
    """Who is free in which slots of the grid (slot indexes), and which tables are taken when."""

    people: Mapping[int, frozenset[int]]
    # Person -> the slots a meeting they already have holds them in.
    held: Mapping[int, frozenset[int]]
    busy_tables: Mapping[int, frozenset[int]]  # slot -> table numbers held then

    def has_meeting(self, person: int, slot: int) -> bool:
        return slot in self.held.get(person, frozenset())


def presence_of(edition: Edition, grid: Grid, person_ids: Iterable[int]) -> Presence:
    """For each person, the slots they are free in: inside one of their free times at the venue
    for this edition (every slot when they set none) and not held by a meeting they already have;
    and the tables ordinary meetings hold in each slot. Three queries, whatever the numbers."""
    ids = sorted(set(person_ids))
    if not grid.starts:
        return Presence({person: frozenset() for person in ids}, {}, {})
    since, until = grid.starts[0], grid.starts[-1] + grid.step
    windows: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for user_id, starts_at, ends_at in db.session.execute(
            select(Availability.user_id, Availability.starts_at, Availability.ends_at).where(
                Availability.user_id.in_(chunk),
                Availability.mode == Mode.VENUE,
                Availability.edition_id == edition.id,
            )
        ):
            windows[user_id].append((starts_at, ends_at))
    held: dict[int, set[datetime]] = defaultdict(set)
    for chunk in _chunks(ids):
        held.update(slots.held_stretches(chunk, since, until))
    stretches = grid.slot_stretches()
    slot_of = {stretch: index for index, group in enumerate(stretches) for stretch in group}
    everything = frozenset(range(len(grid.starts)))
    people: dict[int, frozenset[int]] = {}
    held_slots: dict[int, frozenset[int]] = {}
    for person in ids:
        mine, busy = windows.get(person), held.get(person)
        if not mine and not busy:
            people[person] = everything
            continue
        free, taken = set(), set()
        for index, start in enumerate(grid.starts):
            end = start + grid.step
            if busy and not busy.isdisjoint(stretches[index]):
                taken.add(index)
                continue
            if mine and not any(opens <= start and end <= closes for opens, closes in mine):
                continue
            free.add(index)
        people[person] = frozenset(free)
        if taken:
            held_slots[person] = frozenset(taken)
    busy_tables: dict[int, set[int]] = defaultdict(set)
    numbers = grid.number_of()
    if numbers:
        for table_id, stretch in db.session.execute(
            select(MeetingHold.table_id, MeetingHold.slot_start).where(
                MeetingHold.table_id.in_(list(numbers)),
                MeetingHold.slot_start >= since,
                MeetingHold.slot_start < until,
            )
        ):
            if stretch in slot_of:
                busy_tables[slot_of[stretch]].add(numbers[table_id])
    return Presence(people, held_slots, {slot: frozenset(tables) for slot, tables in busy_tables.items()})


def _chunks(ids: Sequence[int], size: int = 5000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def team_members_of(company_ids: Iterable[int]) -> dict[int, list[int]]:
    """Company id -> its active members' ids, the owner first."""
    members: dict[int, list[int]] = defaultdict(list)
    ids = list(set(company_ids))
    if not ids:
        return members
    rows = db.session.execute(
        select(CompanyMember.company_id, CompanyMember.user_id)
        .join(User, User.id == CompanyMember.user_id)
        .where(CompanyMember.company_id.in_(ids), User.is_disabled.is_(False))
        .order_by(CompanyMember.company_id, CompanyMember.role, CompanyMember.user_id)
    )
    for company_id, user_id in rows:
        members[company_id].append(user_id)
    return members


def free_times_of(user_ids: Iterable[int], edition: Edition) -> dict[int, list[Availability]]:
    """Each person's free times at the edition's venue, earliest first (none: all meeting hours)."""
    found: dict[int, list[Availability]] = defaultdict(list)
    ids = list(set(user_ids))
    if ids:
        for window in db.session.scalars(
            select(Availability)
            .where(
                Availability.user_id.in_(ids),
                Availability.mode == Mode.VENUE,
                Availability.edition_id == edition.id,
            )
            .order_by(Availability.starts_at)
        ):
            found[window.user_id].append(window)
    return found


def team_free(presence: Presence, members: Sequence[int]) -> frozenset[int]:
    """The slots a team can meet in: those at least one of its members is free in."""
    free: set[int] = set()
    for member in members:
        free |= presence.people.get(member, frozenset())
    return frozenset(free)
