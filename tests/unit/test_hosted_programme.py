"""The hosted-buyer programme on the edition's meetings grid, on small fixed cases: the plan follows the
meeting rules (slot length, hours), the number of tables and the tables already taken, people's free
times (or the organizers' default when they set none) and the meetings they already have; publishing
books every planned meeting through the meetings service, and reports the one whose slot was taken
meanwhile instead of double-booking anyone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from expo.accounts.models import User
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.matchmaking import hosted
from expo.matchmaking.models import Choice, HostedBuyer, HostedChoice, HostedProgramme, PlannedMeeting
from expo.meetings import services as meetings
from expo.meetings.models import (
    Availability,
    Meeting,
    MeetingHold,
    MeetingSettings,
    MeetingStatus,
    MeetingTable,
    Mode,
    Origin,
    Place,
)
from tests.dates import EDITION_STARTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = EDITION_STARTS  # a one-day edition


def venue(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), SHANGHAI).astimezone(UTC)


class Programme:
    """One edition day, 09:00–11:00 at the venue in 30-minute slots (four slots), ``tables`` tables;
    buyers and teams (one owner each) who all mark each other "must meet" as told."""

    def __init__(self, factory, *, buyers=1, teams=1, tables=1, slot_minutes=30, starts=time(9), ends=time(11)):
        self.edition = factory.edition(starts_on=DAY, ends_on=DAY, timezone="Asia/Shanghai")
        self.organizer = factory.organizer(edition=self.edition, name="Organizer")
        pavilion = factory.pavilion(self.edition)
        self.buyers = [factory.user(name=f"Buyer {n}") for n in range(buyers)]
        self.owners, self.companies = [], []
        for n in range(teams):
            owner = factory.user(name=f"Owner {n}")
            company = factory.company(owner=owner, name=f"Team {n}")
            factory.placement(factory.booth(company), pavilion, stand=f"A-{n}")
            self.owners.append(owner)
            self.companies.append(company)
        db.session.add(
            MeetingSettings(
                edition_id=self.edition.id,
                slot_minutes=slot_minutes,
                day_starts=starts,
                day_ends=ends,
                max_pending_per_buyer=10,
                max_pending_per_team=30,
            )
        )
        self.tables = [MeetingTable(edition_id=self.edition.id, name=f"T{n + 1}", capacity=4) for n in range(tables)]
        db.session.add_all(self.tables)
        db.session.add(HostedProgramme(edition_id=self.edition.id, status=HostedProgramme.Status.DRAFT))
        for buyer in self.buyers:
            db.session.add(
                HostedBuyer(edition_id=self.edition.id, user_id=buyer.id, status=HostedBuyer.Status.ACCEPTED)
            )
        db.session.commit()

    def must(self, buyer, company) -> None:
        for side in ("buyer", "team"):
            db.session.add(
                HostedChoice(
                    edition_id=self.edition.id, buyer_id=buyer.id, company_id=company.id, side=side, choice=Choice.MUST
                )
            )
        db.session.commit()

    def free(self, user, start: datetime, end: datetime) -> None:
        db.session.add(
            Availability(user_id=user.id, mode=Mode.VENUE, edition_id=self.edition.id, starts_at=start, ends_at=end)
        )
        db.session.commit()

    def outside_meeting(self, factory, buyer, start: datetime, *, table: MeetingTable | None = None) -> Meeting:
        """An ordinary meeting of ``buyer`` with an exhibitor outside the programme, at its stand or
        at ``table``, accepted (the meetings service books it, holds and all)."""
        owner = factory.user(name="Outside owner")
        company = factory.company(owner=owner, name="Outside team")
        factory.placement(factory.booth(company), factory.pavilion(self.edition), stand="Z-1")
        db.session.commit()  # end this session's read, which began before the factory's rows
        meeting = meetings.book_scheduled_meeting(
            db.session.get(User, self.organizer.id),
            edition=db.session.get(Edition, self.edition.id),
            buyer=db.session.get(User, buyer.id),
            company=db.session.get(ExhibitorCompany, company.id),
            proposal=meetings.Proposal(Mode.VENUE, start),
            arrangement=meetings.Arrangement(
                (owner.id,), Place.TABLE if table else Place.STAND, table.id if table else None
            ),
        )
        db.session.commit()
        return meeting

    def plan(self) -> dict[tuple[int, int], PlannedMeeting]:
        edition = db.session.get(Edition, self.edition.id)
        hosted.request_plan(db.session.get(User, self.organizer.id), edition)
        db.session.commit()
        programme = db.session.get(HostedProgramme, edition.id)
        assert hosted.build_plan(edition.id, programme.plan_version, time_limit=5) == "planned"
        db.session.commit()
        return {
            (m.buyer_id, m.company_id): m
            for m in db.session.scalars(select(PlannedMeeting).where(PlannedMeeting.edition_id == edition.id))
        }

    def publish(self) -> str:
        edition = db.session.get(Edition, self.edition.id)
        hosted.publish_plan(db.session.get(User, self.organizer.id), edition)
        db.session.commit()
        outcome = hosted.book_plan(edition.id)
        db.session.commit()
        return outcome


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


def test_the_plan_uses_the_editions_slot_length_and_meeting_hours(factory, ctx):
    world = Programme(factory, buyers=2, teams=1, slot_minutes=30, starts=time(9), ends=time(10))
    for buyer in world.buyers:
        world.must(buyer, world.companies[0])
    plan = world.plan()
    # 09:00–10:00 in 30-minute slots holds two slots: the team meets each buyer in one of them.
    assert sorted(m.starts_at for m in plan.values()) == [venue(9), venue(9, 30)]
    assert all(m.ends_at - m.starts_at == timedelta(minutes=30) for m in plan.values())
    assert {m.table_id for m in plan.values()} == {world.tables[0].id}


def test_a_slot_seats_as_many_meetings_as_there_are_tables_free(factory, ctx):
    world = Programme(factory, buyers=3, teams=3, tables=2, slot_minutes=30, starts=time(9), ends=time(9, 30))
    for buyer, company in zip(world.buyers, world.companies, strict=True):
        world.must(buyer, company)
    plan = world.plan()
    assert len(plan) == 2  # one slot, two tables
    assert sorted(m.table.name for m in plan.values()) == ["T1", "T2"]


def test_a_table_an_ordinary_meeting_holds_is_not_planned_over(factory, ctx):
    world = Programme(factory, buyers=2, teams=2, tables=1, slot_minutes=30, starts=time(9), ends=time(10))
    world.must(world.buyers[0], world.companies[0])
    world.must(world.buyers[1], world.companies[1])
    # An ordinary meeting of other people holds the only table at 09:00.
    world.outside_meeting(factory, factory.user(name="Walk-in buyer"), venue(9), table=world.tables[0])
    plan = world.plan()
    assert [m.starts_at for m in plan.values()] == [venue(9, 30)]  # only 09:30 has the table free


def test_people_are_planned_in_their_free_times_or_all_meeting_hours_when_they_set_none(factory, ctx):
    world = Programme(factory, buyers=2, teams=1, tables=2, slot_minutes=30, starts=time(9), ends=time(11))
    team = world.companies[0]
    picky, anytime = world.buyers
    world.must(picky, team)
    world.must(anytime, team)
    world.free(picky, venue(10, 30), venue(11))  # the last slot only
    planning = hosted.planning_problem(db.session.get(Edition, world.edition.id))
    assert planning.problem.buyer_slots == {picky.id: [3]}
    assert planning.problem.exhibitor_slots == {}  # the owner set no free times: every slot
    plan = world.plan()
    assert plan[picky.id, team.id].starts_at == venue(10, 30)
    assert plan[anytime.id, team.id].starts_at == venue(9)


def test_a_team_meets_when_any_member_is_free_and_a_meeting_someone_has_blocks_the_slot(factory, ctx):
    world = Programme(factory, buyers=1, teams=1, tables=1, slot_minutes=30, starts=time(9), ends=time(11))
    buyer, team, owner = world.buyers[0], world.companies[0], world.owners[0]
    world.must(buyer, team)
    world.free(owner, venue(9), venue(10))
    # The buyer already has a meeting at 09:00 with an exhibitor outside the programme.
    world.outside_meeting(factory, buyer, venue(9))
    planning = hosted.planning_problem(db.session.get(Edition, world.edition.id))
    assert planning.problem.buyer_slots == {buyer.id: [1, 2, 3]}
    assert planning.problem.exhibitor_slots == {team.id: [0, 1]}
    assert world.plan()[buyer.id, team.id].starts_at == venue(9, 30)


def test_publishing_books_each_planned_meeting_through_the_meetings_service(factory, ctx, monkeypatch):
    world = Programme(factory, buyers=2, teams=1, tables=1, slot_minutes=30, starts=time(9), ends=time(10))
    for buyer in world.buyers:
        world.must(buyer, world.companies[0])
    plan = world.plan()
    booked = []
    real = meetings.book_scheduled_meeting

    def spy(*args, **kwargs):
        booked.append(kwargs["proposal"].starts_at)
        return real(*args, **kwargs)

    monkeypatch.setattr(meetings, "book_scheduled_meeting", spy)
    assert world.publish() == "published"
    assert sorted(booked) == sorted(m.starts_at for m in plan.values())
    rows = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert [(m.origin, m.status, m.place, m.table_id) for m in rows] == [
        (Origin.SCHEDULED, MeetingStatus.ACCEPTED, Place.TABLE, world.tables[0].id)
    ] * 2
    assert [a.user_id for m in rows for a in m.attendees] == [world.owners[0].id] * 2
    # Holds for the buyer, the owner and the table: 30 minutes are six 5-minute stretches.
    assert db.session.scalar(select(func.count(MeetingHold.id))) == 2 * 3 * 6
    for planned in db.session.scalars(select(PlannedMeeting)):
        assert planned.meeting_id is not None and planned.problem is None
    assert db.session.get(HostedProgramme, world.edition.id).status == HostedProgramme.Status.PUBLISHED
    assert hosted.book_plan(world.edition.id) == "skipped"  # once


def test_a_slot_taken_meanwhile_is_reported_and_the_rest_is_published(factory, ctx):
    world = Programme(factory, buyers=2, teams=1, tables=1, slot_minutes=30, starts=time(9), ends=time(10))
    first, second = world.buyers
    team = world.companies[0]
    world.must(first, team)
    world.must(second, team)
    plan = world.plan()
    clash = plan[first.id, team.id]
    # After planning, the first buyer accepted another exhibitor's meeting in that very slot.
    other = world.outside_meeting(factory, first, clash.starts_at)
    assert world.publish() == "published"
    clash = db.session.get(PlannedMeeting, clash.id)
    assert clash.meeting_id is None and clash.problem == PlannedMeeting.Problem.BUYER_BUSY
    assert clash.problem.label == "The buyer has another meeting then."
    kept = db.session.get(PlannedMeeting, plan[second.id, team.id].id)
    assert kept.meeting is not None and kept.meeting.status == MeetingStatus.ACCEPTED
    # Nobody is in two meetings at once.
    first_meetings = db.session.scalars(select(Meeting).where(Meeting.buyer_id == first.id)).all()
    assert [m.company_id for m in first_meetings] == [other.company_id]
    assert hosted.unbooked_count(db.session.get(Edition, world.edition.id)) == 1
    # The only other slot is the team's booked meeting with the second buyer: moving there is refused.
    organizer = db.session.get(User, world.organizer.id)
    edition = db.session.get(Edition, world.edition.id)
    with pytest.raises(hosted.PlanConflict, match="Nobody from Team 0 is free then"):
        hosted.move_planned_meeting(organizer, edition, clash, kept.starts_at, world.tables[0].id)


def test_a_meeting_that_could_not_be_booked_is_booked_where_it_is_moved(factory, ctx):
    world = Programme(factory, buyers=1, teams=1, tables=1, slot_minutes=30, starts=time(9), ends=time(10))
    buyer, team = world.buyers[0], world.companies[0]
    world.must(buyer, team)
    planned = world.plan()[buyer.id, team.id]
    world.outside_meeting(factory, buyer, planned.starts_at)
    world.publish()
    planned = db.session.get(PlannedMeeting, planned.id)
    assert planned.problem == PlannedMeeting.Problem.BUYER_BUSY
    organizer, edition = db.session.get(User, world.organizer.id), db.session.get(Edition, world.edition.id)
    with pytest.raises(hosted.PlanConflict, match="Buyer 0 has another meeting then"):
        hosted.move_planned_meeting(organizer, edition, planned, planned.starts_at, world.tables[0].id)
    db.session.rollback()
    other_slot = next(start for start in (venue(9), venue(9, 30)) if start != planned.starts_at)
    planned = db.session.get(PlannedMeeting, planned.id)
    hosted.move_planned_meeting(organizer, edition, planned, other_slot, world.tables[0].id)
    db.session.commit()
    planned = db.session.get(PlannedMeeting, planned.id)
    assert planned.problem is None and planned.meeting.starts_at == other_slot
    assert planned.meeting.status == MeetingStatus.ACCEPTED and planned.meeting.origin == Origin.SCHEDULED
    # A booked meeting is the two sides' now: the plan no longer moves it.
    with pytest.raises(hosted.PlanConflict, match="change it themselves"):
        hosted.move_planned_meeting(organizer, edition, planned, planned.starts_at, world.tables[0].id)


def test_building_the_plan_needs_tables(factory, ctx):
    world = Programme(factory, buyers=1, teams=1, tables=0)
    with pytest.raises(hosted.ProgrammeError, match="no meeting tables"):
        hosted.request_plan(db.session.get(User, world.organizer.id), db.session.get(Edition, world.edition.id))


def test_whoever_can_no_longer_organize_publishes_nothing(factory, ctx):
    world = Programme(factory, buyers=1, teams=1, tables=1)
    world.must(world.buyers[0], world.companies[0])
    world.plan()
    edition = db.session.get(Edition, world.edition.id)
    hosted.publish_plan(db.session.get(User, world.organizer.id), edition)
    db.session.commit()
    db.session.get(User, world.organizer.id).is_disabled = True
    db.session.commit()
    assert hosted.book_plan(edition.id) == "refused"
    db.session.commit()
    assert db.session.get(HostedProgramme, edition.id).status == HostedProgramme.Status.PLANNED
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
