"""The hosted-buyer programme: invitations, both sides' choices, the plan the worker builds, the
organizers' adjustments and publishing.

How the programme moves (``HostedProgramme.Status``):

- draft: organizers invite hosted buyers (``invite_hosted_buyers``), who accept or decline
  (``answer_invitation``); accepted buyers mark exhibitors and teams mark accepted buyers
  must / would / no (``set_choices``), each saying which days they are away;
- ``request_plan``: planning; the worker's ``build_plan`` (a version number makes an older request
  a no-op) replaces the plan, keeping meetings organizers moved, and comes back planned;
- planned: organizers move (``move_planned_meeting``) or remove (``remove_planned_meeting``)
  meetings, with the same rules the scheduler keeps, and may plan again;
- ``publish_plan``: published, once (a conditional UPDATE); every planned meeting is handed to the
  meetings calendar (``expo.matchmaking.publishing``) and the worker tells everyone their meetings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
from expo.i18n import is_known_timezone
from expo.lib.rules import RuleBroken
from expo.matchmaking import publishing, scheduler
from expo.matchmaking.models import Choice, HostedBuyer, HostedChoice, HostedProgramme, HostedTeam, PlannedMeeting
from expo.notifications.notify import notify
from expo.permissions import can_manage_edition, ensure, is_company_member

BUILD_PLAN_TASK = "matchmaking.build_plan"
NOTIFY_PUBLISHED_TASK = "matchmaking.notify_published"
MAX_INVITATIONS_AT_ONCE = 500
PLAN_TIME_LIMIT = 45.0

Status = HostedProgramme.Status


def audit(actor: User, action: AuditAction, edition: Edition, **changes) -> None:
    record(
        actor, action, Subject(AuditObject.HOSTED_PROGRAMME, edition.id, edition.name), edition_id=edition.id, **changes
    )


class ProgrammeError(RuleBroken):
    """A programme rule said no; the message is safe to show."""


class PlanConflict(ProgrammeError):
    status = 409


# --- the programme and its grid -------------------------------------------------------------------


def programme_of(edition: Edition) -> HostedProgramme:
    """The edition's programme; its defaults (not stored) until organizers save settings."""
    programme = db.session.get(HostedProgramme, edition.id)
    if programme is None:
        programme = HostedProgramme(
            edition_id=edition.id,
            slot_minutes=20,
            day_starts=time(9, 0),
            day_ends=time(17, 0),
            tables=20,
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


def edition_days(edition: Edition) -> list[date]:
    return [edition.starts_on + timedelta(days=n) for n in range((edition.ends_on - edition.starts_on).days + 1)]


def slot_grid(edition: Edition, programme: HostedProgramme) -> list[datetime]:
    """Every slot's start in UTC: each edition day, from the opening to the close of meeting hours in
    the venue's zone."""
    zone = ZoneInfo(edition.timezone if is_known_timezone(edition.timezone) else "UTC")
    step = timedelta(minutes=programme.slot_minutes)
    grid = []
    for day in edition_days(edition):
        start = datetime.combine(day, programme.day_starts, zone).astimezone(UTC)
        closes = datetime.combine(day, programme.day_ends, zone).astimezone(UTC)
        while start + step <= closes:
            grid.append(start)
            start += step
    return grid


def venue_day(edition: Edition, moment: datetime) -> date:
    zone = ZoneInfo(edition.timezone if is_known_timezone(edition.timezone) else "UTC")
    return moment.astimezone(zone).date()


def save_settings(
    actor: User, edition: Edition, *, slot_minutes: int, day_starts: time, day_ends: time, tables: int
) -> HostedProgramme:
    ensure(can_manage_edition(actor, edition))
    programme = _stored_programme(edition)
    if programme.status == Status.PUBLISHED:
        raise PlanConflict(_("The plan is published; its meeting hours can no longer change."))
    if day_ends <= day_starts:
        raise ProgrammeError(_("Meetings must end after they start."), "day_ends")
    before = {"slot_minutes": programme.slot_minutes, "tables": programme.tables}
    programme.slot_minutes, programme.day_starts, programme.day_ends = slot_minutes, day_starts, day_ends
    programme.tables = tables
    db.session.flush()
    audit(
        actor,
        AuditAction.HOSTED_PROGRAMME_SETTINGS,
        edition,
        before=before,
        after={"slot_minutes": slot_minutes, "tables": tables},
    )
    return programme


# --- invitations ----------------------------------------------------------------------------------


def invite_hosted_buyers(
    actor: User, edition: Edition, emails: Sequence[str]
) -> tuple[list[User], list[str], list[str]]:
    """Invite existing accounts by e-mail address. Returns (invited now, invited before, addresses
    without an account); nobody is invited twice."""
    ensure(can_manage_edition(actor, edition))
    programme = _stored_programme(edition)
    if programme.status == Status.PUBLISHED:
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
    if programme_of(edition).status == Status.PUBLISHED and hosted.status != HostedBuyer.Status.ACCEPTED:
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


def _check_days(edition: Edition, away_days: Sequence[str]) -> list[str]:
    days = {day.isoformat() for day in edition_days(edition)}
    if any(day not in days for day in away_days):
        raise ProgrammeError(_("Choose days of the edition."), "away_days")
    if len(set(away_days)) == len(days):
        raise ProgrammeError(_("Leave at least one day you can meet."), "away_days")
    return sorted(set(away_days))


def _open_for_choices(edition: Edition) -> None:
    if programme_of(edition).status == Status.PUBLISHED:
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


def set_buyer_choices(
    actor: User, edition: Edition, choices: Mapping[int, str | None], away_days: Sequence[str]
) -> None:
    """An accepted hosted buyer marks exhibitors (company id -> must/would/no, None to clear)."""
    hosted = hosted_buyer(actor, edition)
    ensure(hosted is not None and hosted.status == HostedBuyer.Status.ACCEPTED)
    _open_for_choices(edition)
    allowed = {company.id for company in edition_exhibitors(edition)}
    if set(choices) - allowed:
        raise ProgrammeError(_("Mark only exhibitors of this edition."))
    hosted.away_days = _check_days(edition, away_days)
    _store_choices(edition, "buyer", {(actor.id, company_id): choice for company_id, choice in choices.items()})


def team_presence(edition: Edition, company: ExhibitorCompany) -> HostedTeam | None:
    return db.session.get(HostedTeam, (edition.id, company.id))


def set_team_choices(
    actor: User,
    edition: Edition,
    company: ExhibitorCompany,
    choices: Mapping[int, str | None],
    away_days: Sequence[str],
) -> None:
    """A team marks accepted hosted buyers (buyer id -> must/would/no, None to clear)."""
    ensure(is_company_member(actor, company))
    _open_for_choices(edition)
    if not is_edition_exhibitor(company, edition):
        raise ProgrammeError(_("Your booth is not placed in this edition."))
    allowed = {user.id for user in accepted_buyers(edition)}
    if set(choices) - allowed:
        raise ProgrammeError(_("Mark only the edition's hosted buyers."))
    presence = team_presence(edition, company) or HostedTeam(edition_id=edition.id, company_id=company.id)
    presence.away_days = _check_days(edition, away_days)
    db.session.add(presence)
    _store_choices(edition, "team", {(buyer_id, company.id): choice for buyer_id, choice in choices.items()})


# --- the plan -------------------------------------------------------------------------------------


def request_plan(actor: User, edition: Edition) -> HostedProgramme:
    """Ask the worker for a new plan (meetings organizers moved stay where they are)."""
    ensure(can_manage_edition(actor, edition))
    programme = _stored_programme(edition)
    if programme.status == Status.PUBLISHED:
        raise PlanConflict(_("The plan is published already."))
    if not slot_grid(edition, programme):
        raise ProgrammeError(_("The meeting hours hold no slot; widen them first."))
    programme.status = Status.PLANNING
    programme.plan_version += 1
    db.session.flush()
    enqueue_after_commit(BUILD_PLAN_TASK, edition.id, programme.plan_version)
    audit(actor, AuditAction.HOSTED_PLAN_REQUESTED, edition)
    return programme


def planning_problem(edition: Edition, programme: HostedProgramme) -> tuple[scheduler.Problem, list[datetime]]:
    """The edition's choices, availability and grid as the scheduler's problem (slots by index)."""
    grid = slot_grid(edition, programme)
    days = [venue_day(edition, start) for start in grid]
    buyers = {
        hosted.user_id: hosted
        for hosted in db.session.scalars(
            select(HostedBuyer)
            .join(User, User.id == HostedBuyer.user_id)
            .where(
                HostedBuyer.edition_id == edition.id,
                HostedBuyer.status == HostedBuyer.Status.ACCEPTED,
                User.is_disabled.is_(False),
            )
        )
    }
    companies = {company.id for company in edition_exhibitors(edition)}
    teams = {
        row.company_id: row for row in db.session.scalars(select(HostedTeam).where(HostedTeam.edition_id == edition.id))
    }
    buyer_choices: dict[tuple[int, int], str] = {}
    team_choices: dict[tuple[int, int], str] = {}
    for row in db.session.scalars(select(HostedChoice).where(HostedChoice.edition_id == edition.id)):
        if row.buyer_id not in buyers or row.company_id not in companies:
            continue
        (buyer_choices if row.side == "buyer" else team_choices)[row.buyer_id, row.company_id] = str(row.choice)

    def available(away: Sequence[str]) -> list[int]:
        away_set = set(away)
        return [index for index, day in enumerate(days) if day.isoformat() not in away_set]

    buyer_slots = {buyer_id: available(hosted.away_days) for buyer_id, hosted in buyers.items() if hosted.away_days}
    team_slots = {company_id: available(team.away_days) for company_id, team in teams.items() if team.away_days}
    index_of = {start: index for index, start in enumerate(grid)}
    fixed = {
        (m.buyer_id, m.company_id): index_of[m.starts_at]
        for m in db.session.scalars(
            select(PlannedMeeting).where(PlannedMeeting.edition_id == edition.id, PlannedMeeting.adjusted.is_(True))
        )
        if m.starts_at in index_of
    }
    problem = scheduler.Problem(
        slot_count=len(grid),
        tables=programme.tables,
        pairs=scheduler.candidate_pairs(buyer_choices, team_choices),
        buyer_slots=buyer_slots,
        exhibitor_slots=team_slots,
        fixed=fixed,
    )
    return problem, grid


def build_plan(edition_id: int, version: int, *, time_limit: float = PLAN_TIME_LIMIT) -> str:
    """The worker's part: solve and store the plan. Does nothing for a superseded request."""
    programme = db.session.get(HostedProgramme, edition_id)
    if programme is None or programme.plan_version != version or programme.status != Status.PLANNING:
        return "skipped"
    edition = db.session.get(Edition, edition_id)
    problem, grid = planning_problem(edition, programme)
    kept_tables = {
        (m.buyer_id, m.company_id): m.table_number
        for m in db.session.scalars(
            select(PlannedMeeting).where(PlannedMeeting.edition_id == edition_id, PlannedMeeting.adjusted.is_(True))
        )
    }
    plan = scheduler.solve(problem, time_limit=time_limit, fixed_tables=kept_tables)
    step = timedelta(minutes=programme.slot_minutes)
    db.session.execute(delete(PlannedMeeting).where(PlannedMeeting.edition_id == edition_id))
    rows = [
        {
            "edition_id": edition_id,
            "buyer_id": pair.buyer,
            "company_id": pair.exhibitor,
            "starts_at": grid[slot],
            "ends_at": grid[slot] + step,
            "table_number": plan.tables[pair],
            "tier": pair.tier,
            "adjusted": (pair.buyer, pair.exhibitor) in problem.fixed,
            "meeting_ref": "",
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
    table: int | None = None,
    starts_at: datetime | None = None,
):
    query = (
        select(PlannedMeeting)
        .where(PlannedMeeting.edition_id == edition.id)
        .options(selectinload(PlannedMeeting.buyer), selectinload(PlannedMeeting.company))
        .order_by(PlannedMeeting.starts_at, PlannedMeeting.table_number)
    )
    if buyer_id is not None:
        query = query.where(PlannedMeeting.buyer_id == buyer_id)
    if company_id is not None:
        query = query.where(PlannedMeeting.company_id == company_id)
    if table is not None:
        query = query.where(PlannedMeeting.table_number == table)
    if starts_at is not None:
        query = query.where(PlannedMeeting.starts_at == starts_at)
    return query


def planned_count(edition: Edition) -> int:
    return db.session.scalar(select(func.count(PlannedMeeting.id)).where(PlannedMeeting.edition_id == edition.id))


def _editable_plan(actor: User, edition: Edition) -> HostedProgramme:
    ensure(can_manage_edition(actor, edition))
    programme = programme_of(edition)
    if programme.status != Status.PLANNED:
        raise PlanConflict(_("Only a plan ready for review can be changed."))
    return programme


def _away(edition: Edition, meeting: PlannedMeeting, starts_at: datetime) -> str | None:
    day = venue_day(edition, starts_at).isoformat()
    hosted = hosted_buyer(meeting.buyer, edition)
    if hosted is not None and day in (hosted.away_days or []):
        return _("%(name)s is not at the venue that day.", name=meeting.buyer.name)
    team = db.session.get(HostedTeam, (edition.id, meeting.company_id))
    if team is not None and day in (team.away_days or []):
        return _("%(name)s is not at the venue that day.", name=meeting.company.name)
    return None


def move_planned_meeting(
    actor: User, edition: Edition, meeting: PlannedMeeting, starts_at: datetime, table_number: int
) -> PlannedMeeting:
    """Move a meeting to another slot or table, refusing any clash (the unique keys refuse a racing one)."""
    programme = _editable_plan(actor, edition)
    if starts_at not in set(slot_grid(edition, programme)):
        raise ProgrammeError(_("Choose one of the programme's slots."), "slot")
    if not 1 <= table_number <= programme.tables:
        raise ProgrammeError(_("Choose a table from 1 to %(count)s.", count=programme.tables), "table")
    away = _away(edition, meeting, starts_at)
    if away:
        raise PlanConflict(away, "slot")
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
                    PlannedMeeting.table_number == table_number,
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
        raise PlanConflict(_("Table %(table)s is taken then.", table=table_number), "table")
    before = {"starts_at": meeting.starts_at.isoformat(), "table": meeting.table_number}
    meeting.starts_at = starts_at
    meeting.ends_at = starts_at + timedelta(minutes=programme.slot_minutes)
    meeting.table_number = table_number
    meeting.adjusted = True
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise PlanConflict(_("Someone changed the plan meanwhile; that slot is no longer free.")) from None
    audit(
        actor,
        AuditAction.PLANNED_MEETING_MOVED,
        edition,
        before=before,
        after={"starts_at": starts_at.isoformat(), "table": table_number, "meeting": meeting.id},
    )
    return meeting


def remove_planned_meeting(actor: User, edition: Edition, meeting: PlannedMeeting) -> None:
    programme = _editable_plan(actor, edition)
    db.session.delete(meeting)
    if meeting.tier == 0:
        programme.mutual_must_placed = max(programme.mutual_must_placed - 1, 0)
    db.session.flush()
    audit(
        actor,
        AuditAction.PLANNED_MEETING_REMOVED,
        edition,
        before={"buyer": meeting.buyer_id, "company": meeting.company_id},
    )


def publish_plan(actor: User, edition: Edition) -> int:
    """Publish once: hand each planned meeting to the meetings calendar; notices follow after commit."""
    ensure(can_manage_edition(actor, edition))
    claimed = db.session.execute(
        update(HostedProgramme)
        .where(HostedProgramme.edition_id == edition.id, HostedProgramme.status == Status.PLANNED)
        .values(status=Status.PUBLISHED, published_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise PlanConflict(_("Only a plan ready for review can be published."))
    db.session.expire_all()
    meetings = list(db.session.scalars(plan_query(edition)))
    for meeting in meetings:
        meeting.meeting_ref = publishing.create_scheduled_meeting(actor, edition, meeting)
    db.session.flush()
    enqueue_after_commit(NOTIFY_PUBLISHED_TASK, edition.id)
    audit(actor, AuditAction.HOSTED_PLAN_PUBLISHED, edition, after={"meetings": len(meetings)})
    return len(meetings)


def notify_published(edition_id: int) -> int:
    """Tell every buyer and every team member in the published plan how many meetings they have;
    idempotent by each notice's key."""
    programme = db.session.get(HostedProgramme, edition_id)
    if programme is None or programme.status != Status.PUBLISHED:
        return 0
    edition = db.session.get(Edition, edition_id)
    per_buyer: dict[int, int] = defaultdict(int)
    per_company: dict[int, int] = defaultdict(int)
    for buyer_id, company_id in db.session.execute(
        select(PlannedMeeting.buyer_id, PlannedMeeting.company_id).where(PlannedMeeting.edition_id == edition_id)
    ):
        per_buyer[buyer_id] += 1
        per_company[company_id] += 1
    people: dict[int, int] = dict(per_buyer)
    from expo.exhibitors.models import CompanyMember

    for user_id, company_id in db.session.execute(
        select(CompanyMember.user_id, CompanyMember.company_id).where(
            CompanyMember.company_id.in_(list(per_company) or [0])
        )
    ):
        people[user_id] = people.get(user_id, 0) + per_company[company_id]
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


def my_planned_meetings(user: User, edition: Edition) -> list[PlannedMeeting]:
    """A buyer's meetings, or those of the teams the user is in, once the plan is published."""
    from expo.exhibitors.models import CompanyMember

    if programme_of(edition).status != Status.PUBLISHED:
        return []
    companies = select(CompanyMember.company_id).where(CompanyMember.user_id == user.id)
    return list(
        db.session.scalars(
            plan_query(edition).where(or_(PlannedMeeting.buyer_id == user.id, PlannedMeeting.company_id.in_(companies)))
        )
    )
