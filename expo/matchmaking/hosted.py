"""The hosted-buyer programme: invitations, both sides' choices, the plan the worker builds, the
organizers' adjustments and publishing.

The programme has no grid of its own: it plans on the edition's meetings grid (expo.meetings) —
the slot length and meeting hours of ``MeetingSettings``, the ``MeetingTable`` rows (a slot seats as
many meetings as there are tables), and each person's free times at the venue (``Availability``).
A hosted buyer or a team member who set no free times for the edition is taken as free during all
its meeting hours (the organizers' default). Meetings people already have (their holds) are slots
they are busy in, and a table an ordinary meeting holds is not free in that slot.

How the programme moves (``HostedProgramme.Status``):

- draft: organizers invite hosted buyers (``invite_hosted_buyers``), who accept or decline
  (``answer_invitation``); accepted buyers mark exhibitors and teams mark accepted buyers
  must / would / no (``set_buyer_choices``, ``set_team_choices``);
- ``request_plan``: planning; the worker's ``build_plan`` (a version number makes an older request
  a no-op) replaces the plan, keeping meetings organizers moved, and comes back planned;
- planned: organizers move (``move_planned_meeting``) or remove (``remove_planned_meeting``)
  meetings, with the same rules the scheduler keeps, and may plan again;
- ``publish_plan``: publishing, once (a conditional UPDATE); the worker's ``book_plan`` books every
  planned meeting through ``expo.meetings.services.book_scheduled_meeting`` (accepted at once,
  under the same holds as any meeting, so nobody is double-booked), records for each one it could
  not book why (someone took the slot meanwhile...), comes to published and tells everyone. Such a
  meeting can then be moved (and is booked there) or removed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from expo.accounts.models import User
from expo.audit.models import AuditAction, AuditObject
from expo.audit.services import Subject, record
from expo.background import enqueue_after_commit
from expo.booths.models import Booth, BoothPlacement
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.rules import RuleBroken
from expo.matchmaking import scheduler
from expo.matchmaking.grid import Grid, Presence, grid_of, presence_of, team_free, team_members_of
from expo.matchmaking.models import Choice, HostedBuyer, HostedChoice, HostedProgramme, PlannedMeeting
from expo.meetings import services as meetings
from expo.meetings.models import (
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    Mode,
    Origin,
    Place,
)
from expo.notifications.notify import notify
from expo.permissions import can_manage_edition, ensure, is_company_member

BUILD_PLAN_TASK = "matchmaking.build_plan"
BOOK_PLAN_TASK = "matchmaking.book_plan"
NOTIFY_PUBLISHED_TASK = "matchmaking.notify_published"
MAX_INVITATIONS_AT_ONCE = 500
PLAN_TIME_LIMIT = 45.0

Status = HostedProgramme.Status
Problem = PlannedMeeting.Problem


def audit(actor: User | None, action: AuditAction, edition: Edition, **changes) -> None:
    record(
        actor, action, Subject(AuditObject.HOSTED_PROGRAMME, edition.id, edition.name), edition_id=edition.id, **changes
    )


class ProgrammeError(RuleBroken):
    """A programme rule said no; the message is safe to show."""


class PlanConflict(ProgrammeError):
    status = 409


# --- the programme and the grid it plans on ----------------------------------------------------------


def programme_of(edition: Edition) -> HostedProgramme:
    """The edition's programme; its defaults (not stored) until organizers act on it."""
    programme = db.session.get(HostedProgramme, edition.id)
    if programme is None:
        programme = HostedProgramme(
            edition_id=edition.id,
            status=Status.DRAFT,
            plan_version=0,
            mutual_must_pairs=0,
            mutual_must_placed=0,
            plan_seconds=0.0,
        )
    return programme


def _stored_programme(edition: Edition) -> HostedProgramme:
    programme = programme_of(edition)
    if programme not in db.session:
        db.session.add(programme)
        db.session.flush()
    return programme


# --- invitations ----------------------------------------------------------------------------------


def invite_hosted_buyers(
    actor: User, edition: Edition, emails: Sequence[str]
) -> tuple[list[User], list[str], list[str]]:
    """Invite existing accounts by e-mail address. Returns (invited now, invited before, addresses
    without an account); nobody is invited twice."""
    ensure(can_manage_edition(actor, edition))
    programme = _stored_programme(edition)
    if programme.status in (Status.PUBLISHING, Status.PUBLISHED):
        raise PlanConflict(_("The plan is published; invite buyers to the next edition."))
    wanted = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    if not wanted:
        raise ProgrammeError(_("Give at least one e-mail address."), "emails")
    if len(wanted) > MAX_INVITATIONS_AT_ONCE:
        raise ProgrammeError(_("Invite at most %(count)s people at once.", count=MAX_INVITATIONS_AT_ONCE), "emails")
    users = {
        user.email.lower(): user
        for user in db.session.scalars(
            select(User).where(func.lower(User.email).in_(wanted), User.is_disabled.is_(False))
        )
    }
    already = set(
        db.session.scalars(
            select(HostedBuyer.user_id).where(
                HostedBuyer.edition_id == edition.id, HostedBuyer.user_id.in_([u.id for u in users.values()] or [0])
            )
        )
    )
    invited, before = [], []
    for email in wanted:
        user = users.get(email)
        if user is None:
            continue
        if user.id in already:
            before.append(email)
            continue
        hosted = HostedBuyer(
            edition_id=edition.id, user_id=user.id, invited_by_id=actor.id, status=HostedBuyer.Status.INVITED
        )
        db.session.add(hosted)
        invited.append(user)
    db.session.flush()
    for user in invited:
        notify(
            user,
            "matchmaking.hosted_invitation",
            dedupe_key=f"hosted-invitation:{edition.id}:{user.id}",
            title=lambda: _("You are invited as a hosted buyer to %(edition)s", edition=edition.name),
            body=lambda: _("Accept to choose the exhibitors you want to meet; the organizers plan your meetings."),
            link=f"/editions/{edition.slug}/hosted-buyers/invitation",
        )
    if invited:
        audit(actor, AuditAction.HOSTED_BUYERS_INVITED, edition, after={"user_ids": [user.id for user in invited]})
    unknown = [email for email in wanted if email not in users]
    return invited, before, unknown


def hosted_buyer(user: User, edition: Edition) -> HostedBuyer | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(HostedBuyer).where(HostedBuyer.edition_id == edition.id, HostedBuyer.user_id == user.id)
    )


def answer_invitation(actor: User, edition: Edition, *, accept: bool) -> HostedBuyer:
    hosted = hosted_buyer(actor, edition)
    ensure(hosted is not None)
    if programme_of(edition).is_final and hosted.status != HostedBuyer.Status.ACCEPTED:
        raise PlanConflict(_("The programme's plan is published; it is too late to join."))
    hosted.status = HostedBuyer.Status.ACCEPTED if accept else HostedBuyer.Status.DECLINED
    hosted.answered_at = utcnow()
    db.session.flush()
    return hosted


def hosted_buyers_query(edition: Edition, status: str | None = None):
    query = (
        select(HostedBuyer)
        .where(HostedBuyer.edition_id == edition.id)
        .options(selectinload(HostedBuyer.user))
        .order_by(HostedBuyer.invited_at, HostedBuyer.id)
    )
    if status:
        query = query.where(HostedBuyer.status == status)
    return query


def edition_exhibitors(edition: Edition) -> list[ExhibitorCompany]:
    """Approved companies whose published booth is placed in the edition, by name."""
    # A booth may be placed in several of the edition's pavilions: IN, not a join, lists it once
    # (and PostgreSQL cannot DISTINCT rows holding JSON).
    placed = (
        select(Booth.company_id)
        .join(BoothPlacement, BoothPlacement.booth_id == Booth.id)
        .where(BoothPlacement.edition_id == edition.id, Booth.status == Booth.Status.PUBLISHED)
    )
    return list(
        db.session.scalars(
            select(ExhibitorCompany)
            .where(ExhibitorCompany.id.in_(placed), ExhibitorCompany.status == ExhibitorCompany.Status.APPROVED)
            .order_by(ExhibitorCompany.name, ExhibitorCompany.id)
        )
    )


def programmes_of_booth(booth: Booth) -> list[tuple[Edition, HostedProgramme]]:
    """The editions the booth is placed in that run a hosted-buyer programme (for the team's links)."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(Edition, HostedProgramme)
            .join(HostedProgramme, HostedProgramme.edition_id == Edition.id)
            .where(Edition.id.in_(select(BoothPlacement.edition_id).where(BoothPlacement.booth_id == booth.id)))
            .order_by(Edition.starts_on.desc())
        )
    ]


def is_edition_exhibitor(company: ExhibitorCompany, edition: Edition) -> bool:
    return any(c.id == company.id for c in edition_exhibitors(edition))


def accepted_buyers(edition: Edition) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(HostedBuyer, HostedBuyer.user_id == User.id)
            .where(
                HostedBuyer.edition_id == edition.id,
                HostedBuyer.status == HostedBuyer.Status.ACCEPTED,
                User.is_disabled.is_(False),
            )
            .order_by(User.name, User.id)
        )
    )


# --- choices --------------------------------------------------------------------------------------


def choices_of(
    edition: Edition, side: str, *, buyer_id: int | None = None, company_id: int | None = None
) -> dict[int, str]:
    """One side's marks on one person's pairs: given a buyer, by company id; given a company, by buyer id."""
    query = select(HostedChoice).where(HostedChoice.edition_id == edition.id, HostedChoice.side == side)
    if buyer_id is not None:
        query = query.where(HostedChoice.buyer_id == buyer_id)
    if company_id is not None:
        query = query.where(HostedChoice.company_id == company_id)
    key = "company_id" if buyer_id is not None else "buyer_id"
    return {getattr(row, key): row.choice for row in db.session.scalars(query)}


def _open_for_choices(edition: Edition) -> None:
    if programme_of(edition).is_final:
        raise PlanConflict(_("The plan is published; choices can no longer change."))


def _store_choices(edition: Edition, side: str, pairs: Mapping[tuple[int, int], str | None]) -> None:
    now = utcnow()
    existing = {
        (row.buyer_id, row.company_id): row
        for row in db.session.scalars(
            select(HostedChoice).where(
                HostedChoice.edition_id == edition.id,
                HostedChoice.side == side,
                or_(
                    *[(HostedChoice.buyer_id == b) & (HostedChoice.company_id == c) for b, c in pairs]
                    or [HostedChoice.id.is_(None)]
                ),
            )
        )
    }
    for (buyer_id, company_id), choice in pairs.items():
        row = existing.get((buyer_id, company_id))
        if choice is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                HostedChoice(
                    edition_id=edition.id,
                    buyer_id=buyer_id,
                    company_id=company_id,
                    side=side,
                    choice=Choice(choice),
                    updated_at=now,
                )
            )
        elif row.choice != choice:
            row.choice, row.updated_at = Choice(choice), now
    db.session.flush()


def set_buyer_choices(actor: User, edition: Edition, choices: Mapping[int, str | None]) -> None:
    """An accepted hosted buyer marks exhibitors (company id -> must/would/no, None to clear)."""
    hosted = hosted_buyer(actor, edition)
    ensure(hosted is not None and hosted.status == HostedBuyer.Status.ACCEPTED)
    _open_for_choices(edition)
    allowed = {company.id for company in edition_exhibitors(edition)}
    if set(choices) - allowed:
        raise ProgrammeError(_("Mark only exhibitors of this edition."))
    _store_choices(edition, "buyer", {(actor.id, company_id): choice for company_id, choice in choices.items()})


def set_team_choices(
    actor: User, edition: Edition, company: ExhibitorCompany, choices: Mapping[int, str | None]
) -> None:
    """A team marks accepted hosted buyers (buyer id -> must/would/no, None to clear)."""
    ensure(is_company_member(actor, company))
    _open_for_choices(edition)
    if not is_edition_exhibitor(company, edition):
        raise ProgrammeError(_("Your booth is not placed in this edition."))
    allowed = {user.id for user in accepted_buyers(edition)}
    if set(choices) - allowed:
        raise ProgrammeError(_("Mark only the edition's hosted buyers."))
    _store_choices(edition, "team", {(buyer_id, company.id): choice for buyer_id, choice in choices.items()})


# --- the plan -------------------------------------------------------------------------------------


def request_plan(actor: User, edition: Edition) -> HostedProgramme:
    """Ask the worker for a new plan (meetings organizers moved stay where they are)."""
    ensure(can_manage_edition(actor, edition))
    programme = _stored_programme(edition)
    if programme.is_final:
        raise PlanConflict(_("The plan is published already."))
    grid = grid_of(edition)
    if not grid.starts:
        raise ProgrammeError(_("The meeting hours hold no slot; widen them first."))
    if not grid.tables:
        raise ProgrammeError(_("The edition has no meeting tables yet; add them to the meeting rules first."))
    programme.status = Status.PLANNING
    programme.plan_version += 1
    db.session.flush()
    enqueue_after_commit(BUILD_PLAN_TASK, edition.id, programme.plan_version)
    audit(actor, AuditAction.HOSTED_PLAN_REQUESTED, edition)
    return programme


@dataclass(frozen=True)
class Planning:
    """The scheduler's problem for an edition, and what turns its answer back into rows."""

    problem: scheduler.Problem
    grid: Grid
    fixed_tables: Mapping[tuple[int, int], int]


def planning_problem(edition: Edition) -> Planning:
    """The edition's choices, free times, meetings already held and tables as the scheduler's
    problem (slots and tables by number)."""
    grid = grid_of(edition)
    buyers = set(
        db.session.scalars(
            select(HostedBuyer.user_id)
            .join(User, User.id == HostedBuyer.user_id)
            .where(
                HostedBuyer.edition_id == edition.id,
                HostedBuyer.status == HostedBuyer.Status.ACCEPTED,
                User.is_disabled.is_(False),
            )
        )
    )
    companies = {company.id for company in edition_exhibitors(edition)}
    buyer_choices: dict[tuple[int, int], str] = {}
    team_choices: dict[tuple[int, int], str] = {}
    for row in db.session.scalars(select(HostedChoice).where(HostedChoice.edition_id == edition.id)):
        if row.buyer_id not in buyers or row.company_id not in companies:
            continue
        (buyer_choices if row.side == "buyer" else team_choices)[row.buyer_id, row.company_id] = str(row.choice)
    pairs = scheduler.candidate_pairs(buyer_choices, team_choices)
    members = team_members_of({pair.exhibitor for pair in pairs})
    people = {pair.buyer for pair in pairs} | {member for ids in members.values() for member in ids}
    presence = presence_of(edition, grid, people)
    everything = frozenset(range(len(grid.starts)))
    buyer_slots = {
        buyer: sorted(presence.people[buyer])
        for buyer in {pair.buyer for pair in pairs}
        if presence.people[buyer] != everything
    }
    exhibitor_slots = {}
    for company_id in {pair.exhibitor for pair in pairs}:
        free = team_free(presence, members.get(company_id, ()))
        if free != everything:
            exhibitor_slots[company_id] = sorted(free)
    index_of, number_of = grid.index_of(), grid.number_of()
    fixed: dict[tuple[int, int], int] = {}
    fixed_tables: dict[tuple[int, int], int] = {}
    taken: set[tuple[int, int]] = set()
    for moved in db.session.scalars(
        select(PlannedMeeting)
        .where(PlannedMeeting.edition_id == edition.id, PlannedMeeting.adjusted.is_(True))
        .order_by(PlannedMeeting.id)
    ):
        slot, table = index_of.get(moved.starts_at), number_of.get(moved.table_id)
        key = (moved.buyer_id, moved.company_id)
        # Kept where the organizer put it while that slot and table are still free for it; else
        # the scheduler places the pair again.
        if (
            slot is None
            or table is None
            or slot not in presence.people.get(moved.buyer_id, frozenset())
            or slot not in team_free(presence, members.get(moved.company_id, ()))
            or table in presence.busy_tables.get(slot, frozenset())
            or (slot, table) in taken
        ):
            continue
        fixed[key], fixed_tables[key] = slot, table
        taken.add((slot, table))
    problem = scheduler.Problem(
        slot_count=len(grid.starts),
        tables=len(grid.tables),
        pairs=pairs,
        buyer_slots=buyer_slots,
        exhibitor_slots=exhibitor_slots,
        fixed=fixed,
        busy_tables=presence.busy_tables,
    )
    return Planning(problem, grid, fixed_tables)


def build_plan(edition_id: int, version: int, *, time_limit: float = PLAN_TIME_LIMIT) -> str:
    """The worker's part: solve and store the plan. Does nothing for a superseded request."""
    programme = db.session.get(HostedProgramme, edition_id)
    if programme is None or programme.plan_version != version or programme.status != Status.PLANNING:
        return "skipped"
    edition = db.session.get(Edition, edition_id)
    planning = planning_problem(edition)
    problem, grid = planning.problem, planning.grid
    plan = scheduler.solve(problem, time_limit=time_limit, fixed_tables=planning.fixed_tables)
    db.session.execute(delete(PlannedMeeting).where(PlannedMeeting.edition_id == edition_id))
    rows = [
        {
            "edition_id": edition_id,
            "buyer_id": pair.buyer,
            "company_id": pair.exhibitor,
            "starts_at": grid.starts[slot],
            "ends_at": grid.starts[slot] + grid.step,
            "table_id": grid.tables[plan.tables[pair] - 1].id,
            "tier": pair.tier,
            "adjusted": (pair.buyer, pair.exhibitor) in problem.fixed,
            "meeting_id": None,
            "problem": None,
        }
        for pair, slot in plan.slots.items()
    ]
    if rows:
        db.session.execute(PlannedMeeting.__table__.insert(), rows)
    claimed = db.session.execute(
        update(HostedProgramme)
        .where(
            HostedProgramme.edition_id == edition_id,
            HostedProgramme.plan_version == version,
            HostedProgramme.status == Status.PLANNING,
        )
        .values(
            status=Status.PLANNED,
            planned_at=utcnow(),
            mutual_must_pairs=sum(1 for pair in problem.pairs if pair.mutual_must),
            mutual_must_placed=plan.placed_in_tier(0),
            plan_seconds=round(plan.seconds, 2),
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return "skipped"
    return "planned"


def plan_query(
    edition: Edition,
    *,
    buyer_id: int | None = None,
    company_id: int | None = None,
    table_id: int | None = None,
    starts_at: datetime | None = None,
    unbooked: bool = False,
):
    query = (
        select(PlannedMeeting)
        .where(PlannedMeeting.edition_id == edition.id)
        .options(
            selectinload(PlannedMeeting.buyer),
            selectinload(PlannedMeeting.company),
            selectinload(PlannedMeeting.table),
            selectinload(PlannedMeeting.meeting),
        )
        .order_by(PlannedMeeting.starts_at, PlannedMeeting.table_id)
    )
    if buyer_id is not None:
        query = query.where(PlannedMeeting.buyer_id == buyer_id)
    if company_id is not None:
        query = query.where(PlannedMeeting.company_id == company_id)
    if table_id is not None:
        query = query.where(PlannedMeeting.table_id == table_id)
    if starts_at is not None:
        query = query.where(PlannedMeeting.starts_at == starts_at)
    if unbooked:
        query = query.where(PlannedMeeting.problem.is_not(None))
    return query


def planned_count(edition: Edition) -> int:
    return db.session.scalar(select(func.count(PlannedMeeting.id)).where(PlannedMeeting.edition_id == edition.id))


def unbooked_count(edition: Edition) -> int:
    return db.session.scalar(
        select(func.count(PlannedMeeting.id)).where(
            PlannedMeeting.edition_id == edition.id, PlannedMeeting.problem.is_not(None)
        )
    )


def _editable(actor: User, edition: Edition, meeting: PlannedMeeting) -> HostedProgramme:
    """A plan ready for review can change; once published, only a meeting that could not be booked."""
    ensure(can_manage_edition(actor, edition))
    programme = programme_of(edition)
    if programme.status == Status.PLANNED:
        return programme
    if programme.status == Status.PUBLISHED and meeting.meeting_id is None:
        return programme
    if programme.status == Status.PUBLISHED:
        raise PlanConflict(
            _("This meeting is booked: the buyer and the exhibitor change it themselves, from the meeting's page.")
        )
    raise PlanConflict(_("Only a plan ready for review can be changed."))


def _why_not_free(edition: Edition, grid: Grid, meeting: PlannedMeeting, slot: int, table_number: int) -> str | None:
    """Why the meeting cannot take this slot and table, given people's free times and meetings."""
    members = team_members_of([meeting.company_id]).get(meeting.company_id, [])
    presence = presence_of(edition, grid, [meeting.buyer_id, *members])
    if presence.has_meeting(meeting.buyer_id, slot):
        return _("%(name)s has another meeting then.", name=meeting.buyer.name)
    if slot not in presence.people.get(meeting.buyer_id, frozenset()):
        return _("%(name)s is not free then.", name=meeting.buyer.name)
    if slot not in team_free(presence, members):
        return _("Nobody from %(name)s is free then.", name=meeting.company.name)
    if table_number in presence.busy_tables.get(slot, frozenset()):
        return _("%(table)s is taken then.", table=grid.tables[table_number - 1].name)
    return None


def move_planned_meeting(
    actor: User, edition: Edition, meeting: PlannedMeeting, starts_at: datetime, table_id: int
) -> PlannedMeeting:
    """Move a meeting to another slot or table, refusing any clash (the unique keys refuse a racing
    one). A published plan's meeting that could not be booked is booked where it is moved to."""
    programme = _editable(actor, edition, meeting)
    grid = grid_of(edition)
    slot = grid.index_of().get(starts_at)
    if slot is None:
        raise ProgrammeError(_("Choose one of the programme's slots."), "slot")
    table_number = grid.number_of().get(table_id)
    if table_number is None:
        raise ProgrammeError(_("Choose one of the edition's meeting tables."), "table")
    table = grid.tables[table_number - 1]
    busy = _why_not_free(edition, grid, meeting, slot, table_number)
    if busy:
        raise PlanConflict(busy, "slot")
    clashes = list(
        db.session.scalars(
            select(PlannedMeeting)
            .where(
                PlannedMeeting.edition_id == edition.id,
                PlannedMeeting.id != meeting.id,
                PlannedMeeting.starts_at == starts_at,
                or_(
                    PlannedMeeting.buyer_id == meeting.buyer_id,
                    PlannedMeeting.company_id == meeting.company_id,
                    PlannedMeeting.table_id == table_id,
                ),
            )
            .options(selectinload(PlannedMeeting.buyer), selectinload(PlannedMeeting.company))
        )
    )
    for clash in clashes:
        if clash.buyer_id == meeting.buyer_id:
            raise PlanConflict(
                _("%(name)s already meets %(other)s then.", name=meeting.buyer.name, other=clash.company.name), "slot"
            )
        if clash.company_id == meeting.company_id:
            raise PlanConflict(
                _("%(name)s already meets %(other)s then.", name=meeting.company.name, other=clash.buyer.name), "slot"
            )
        raise PlanConflict(_("%(table)s is taken then.", table=table.name), "table")
    before = {
        "starts_at": meeting.starts_at.isoformat(),
        "table": meeting.table.name if meeting.table else None,
        "problem": str(meeting.problem) if meeting.problem else None,
    }
    meeting.starts_at = starts_at
    meeting.ends_at = starts_at + grid.step
    meeting.table_id = table_id
    meeting.table = table
    meeting.adjusted = True
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise PlanConflict(_("Someone changed the plan meanwhile; that slot is no longer free.")) from None
    after = {"starts_at": starts_at.isoformat(), "table": table.name, "meeting": meeting.id}
    if programme.status == Status.PUBLISHED:
        problem = _book(actor, edition, grid, meeting, presence_of(edition, grid, _people_of([meeting])))
        if problem is not None:
            raise PlanConflict(problem.label, "slot")
        after["booked"] = meeting.meeting_id
        if meeting.tier == 0:
            programme.mutual_must_placed += 1
    audit(actor, AuditAction.PLANNED_MEETING_MOVED, edition, before=before, after=after)
    return meeting


def remove_planned_meeting(actor: User, edition: Edition, meeting: PlannedMeeting) -> None:
    programme = _editable(actor, edition, meeting)
    db.session.delete(meeting)
    if meeting.tier == 0 and programme.status == Status.PLANNED:
        programme.mutual_must_placed = max(programme.mutual_must_placed - 1, 0)
    db.session.flush()
    audit(
        actor,
        AuditAction.PLANNED_MEETING_REMOVED,
        edition,
        before={"buyer": meeting.buyer_id, "company": meeting.company_id, "starts_at": meeting.starts_at.isoformat()},
    )


def publish_plan(actor: User, edition: Edition) -> int:
    """Publish once: the worker books each planned meeting (``book_plan``), then tells everyone."""
    ensure(can_manage_edition(actor, edition))
    claimed = db.session.execute(
        update(HostedProgramme)
        .where(HostedProgramme.edition_id == edition.id, HostedProgramme.status == Status.PLANNED)
        .values(status=Status.PUBLISHING, published_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise PlanConflict(_("Only a plan ready for review can be published."))
    db.session.expire_all()
    count = planned_count(edition)
    enqueue_after_commit(BOOK_PLAN_TASK, edition.id)
    audit(
        actor,
        AuditAction.HOSTED_PLAN_PUBLISHED,
        edition,
        before={"status": str(Status.PLANNED)},
        after={"status": str(Status.PUBLISHING), "planned_meetings": count},
    )
    return count


def _people_of(planned: Iterable[PlannedMeeting]) -> set[int]:
    planned = list(planned)
    members = team_members_of({meeting.company_id for meeting in planned})
    return {meeting.buyer_id for meeting in planned} | {user for ids in members.values() for user in ids}


def _book(actor: User, edition: Edition, grid: Grid, planned: PlannedMeeting, presence: Presence) -> Problem | None:
    """Book one planned meeting through the meetings service: the buyer and every member of the team
    free then (as many as the table seats), at its table. Returns why it could not be, if not."""
    if planned.table_id is None or planned.table is None:
        return _mark(planned, Problem.NO_TABLE)
    slot = grid.index_of().get(planned.starts_at)
    if slot is None:
        return _mark(planned, Problem.OFF_GRID)
    if presence.has_meeting(planned.buyer_id, slot):
        return _mark(planned, Problem.BUYER_BUSY)
    if slot not in presence.people.get(planned.buyer_id, frozenset()):
        return _mark(planned, Problem.BUYER_AWAY)
    members = team_members_of([planned.company_id]).get(planned.company_id, [])
    free = [member for member in members if slot in presence.people.get(member, frozenset())]
    if not free:
        return _mark(planned, Problem.TEAM_BUSY)
    number = grid.number_of()[planned.table_id]
    if number in presence.busy_tables.get(slot, frozenset()):
        return _mark(planned, Problem.TABLE_BUSY)
    attendees = tuple(free[: max(planned.table.capacity - 1, 1)])
    try:
        with db.session.begin_nested():
            booked = meetings.book_scheduled_meeting(
                actor,
                edition=edition,
                buyer=planned.buyer,
                company=planned.company,
                proposal=meetings.Proposal(Mode.VENUE, planned.starts_at),
                arrangement=meetings.Arrangement(attendees, Place.TABLE, planned.table_id),
            )
    except meetings.SlotTaken:
        # Someone booked the slot after we looked (a meeting accepted meanwhile): say whose.
        return _mark(planned, _taken_now(edition, grid, planned, slot))
    except meetings.MeetingError:
        return _mark(planned, Problem.REFUSED)
    planned.meeting_id, planned.meeting, planned.problem = booked.id, booked, None
    return None


def _taken_now(edition: Edition, grid: Grid, planned: PlannedMeeting, slot: int) -> Problem:
    members = team_members_of([planned.company_id]).get(planned.company_id, [])
    presence = presence_of(edition, grid, [planned.buyer_id, *members])
    if slot not in presence.people.get(planned.buyer_id, frozenset()):
        return Problem.BUYER_BUSY
    if slot not in team_free(presence, members):
        return Problem.TEAM_BUSY
    if grid.number_of()[planned.table_id] in presence.busy_tables.get(slot, frozenset()):
        return Problem.TABLE_BUSY
    return Problem.REFUSED


def _mark(planned: PlannedMeeting, problem: Problem) -> Problem:
    planned.problem = problem
    return problem


def book_plan(edition_id: int) -> str:
    """The worker's part of publishing: book every planned meeting not booked yet, note why for
    those that cannot be, then published (a conditional UPDATE) and everyone is told.
    Idempotent: a plan no longer publishing is left alone; booked meetings are not booked again."""
    programme = db.session.get(HostedProgramme, edition_id)
    if programme is None or programme.status != Status.PUBLISHING:
        return "skipped"
    edition = db.session.get(Edition, edition_id)
    actor = db.session.get(User, programme.published_by_id) if programme.published_by_id else None
    if actor is None or actor.is_disabled or not can_manage_edition(actor, edition):
        # Whoever published may no longer do so: the plan goes back to review, nothing is booked.
        programme.status = Status.PLANNED
        return "refused"
    grid = grid_of(edition)
    waiting = list(
        db.session.scalars(
            plan_query(edition).where(PlannedMeeting.meeting_id.is_(None), PlannedMeeting.problem.is_(None))
        )
    )
    presence = presence_of(edition, grid, _people_of(waiting))
    for planned in waiting:
        _book(actor, edition, grid, planned, presence)
    db.session.flush()
    claimed = db.session.execute(
        update(HostedProgramme)
        .where(HostedProgramme.edition_id == edition_id, HostedProgramme.status == Status.PUBLISHING)
        # From now on the share reported is of mutual "must meet" pairs with a booked meeting.
        .values(status=Status.PUBLISHED, published_at=utcnow(), mutual_must_placed=_mutual_must_booked(edition_id))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return "skipped"
    enqueue_after_commit(NOTIFY_PUBLISHED_TASK, edition_id)
    return "published"


def _mutual_must_booked(edition_id: int):
    return (
        select(func.count(PlannedMeeting.id))
        .where(
            PlannedMeeting.edition_id == edition_id,
            PlannedMeeting.tier == 0,
            PlannedMeeting.meeting_id.is_not(None),
        )
        .scalar_subquery()
    )


def notify_published(edition_id: int) -> int:
    """Tell each buyer and each team member attending how many programme meetings they have;
    idempotent by each notice's key."""
    programme = db.session.get(HostedProgramme, edition_id)
    if programme is None or programme.status != Status.PUBLISHED:
        return 0
    edition = db.session.get(Edition, edition_id)
    booked = (
        select(Meeting.id)
        .join(PlannedMeeting, PlannedMeeting.meeting_id == Meeting.id)
        .where(
            PlannedMeeting.edition_id == edition_id,
            Meeting.origin == Origin.SCHEDULED,
            Meeting.status == MeetingStatus.ACCEPTED,
        )
    )
    people: dict[int, int] = defaultdict(int)
    for (buyer_id,) in db.session.execute(select(Meeting.buyer_id).where(Meeting.id.in_(booked))):
        people[buyer_id] += 1
    for (user_id,) in db.session.execute(select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id.in_(booked))):
        people[user_id] += 1
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(list(people) or [0])))}
    link = f"/editions/{edition.slug}/hosted-buyers/my-meetings"
    sent = 0
    for user_id, count in sorted(people.items()):
        user = users.get(user_id)
        if user is None or user.is_disabled:
            continue
        notify(
            user,
            "matchmaking.schedule_published",
            dedupe_key=f"hosted-plan:{edition_id}:{user_id}",
            title=lambda count=count: _(
                "Your hosted-buyer meetings at %(edition)s: %(count)s", edition=edition.name, count=count
            ),
            body=lambda: _("The organizers have published the meeting plan. See when and at which table."),
            link=link,
        )
        sent += 1
    return sent
