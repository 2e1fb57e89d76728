"""Meetings: availability in each person's zone, requests and answers, quotas, places, the guard
against double booking, outcomes feeding the lead score, statistics, notices and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from expo.accounts.models import User
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.meetings import notify as meeting_notify
from expo.meetings import services, slots
from expo.meetings.models import Meeting, MeetingHold, MeetingStatus, MeetingTable, Mode, Outcome, Place, Side
from expo.meetings.services import Arrangement, Proposal, RequestData, WindowData
from tests.conftest import outbox_messages, run_recorded_tasks
from tests.dates import EDITION_ENDS, EDITION_STARTS, EDITION_YEAR, full_day, local_day, short_day

NOW = datetime(EDITION_YEAR, 9, 1, 0, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def venue(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the edition (10–13 September next year), venue time (Asia/Shanghai), in UTC."""
    return datetime(EDITION_YEAR, 9, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


class World:
    def __init__(self, app, factory):
        self.app = app
        # 10–13 September next year, Asia/Shanghai, published.
        self.edition = factory.edition(starts_on=EDITION_STARTS, ends_on=EDITION_ENDS)
        self.organizer = factory.organizer(edition=self.edition, name="Li Wei")
        self.owner = factory.user(name="Chen Yuehe", timezone="Asia/Shanghai")
        self.staff = factory.user(name="Nguyen Thi Lan", timezone="Asia/Ho_Chi_Minh")
        self.buyer = factory.user(name="Keoni Kahale", timezone="Pacific/Honolulu", country="US")
        self.other_buyer = factory.user(name="Maria Santos", timezone="Asia/Manila", country="PH")
        self.company = factory.company(owner=self.owner, staff=[self.staff], name="Nanning Masks")
        self.booth = factory.booth(self.company)
        self.product = factory.product(self.booth, name="KN95 respirator")
        self.pavilion = factory.pavilion(self.edition, name="Public Health")
        factory.placement(self.booth, self.pavilion, stand="A-12")

    def get(self, model, row):
        return db.session.get(model, row.id)

    def free(self, user, day=11, start=time(9, 0), end=time(12, 0), mode=Mode.VENUE):
        """``user`` is free on ``day`` between two times of *their own* zone... unless told the venue's."""
        zone = ZoneInfo(user.timezone)
        local_start = venue(day, start.hour, start.minute).astimezone(zone)
        local_end = venue(day, end.hour, end.minute).astimezone(zone)
        services.add_availability(
            self.get(User, user),
            WindowData(
                mode,
                local_start.date(),
                local_start.time(),
                local_end.time(),
                self.edition.id if mode == Mode.VENUE else None,
            ),
            now=NOW,
        )

    def request(self, buyer=None, starts_at=None, mode=Mode.VENUE, **data):
        buyer = self.get(User, buyer or self.buyer)
        return services.request_meeting(
            buyer,
            side=Side.BUYER,
            buyer=buyer,
            company=self.get(ExhibitorCompany, self.company),
            edition=self.get(Edition, self.edition),
            data=RequestData(Proposal(mode, starts_at or venue(11, 10, 20)), **data),
            now=NOW,
        )


@pytest.fixture()
def world(app, factory):
    return World(app, factory)


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


def test_a_buyer_requests_a_slot_of_the_team_and_the_team_accepts_at_a_table(world, ctx, recorded_tasks):
    world.free(world.owner)
    organizer = world.get(User, world.organizer)
    table = services.add_table(organizer, world.get(Edition, world.edition), "T1", 4)
    meeting = world.request(message="Prices for 200,000 pieces?", product_ids=(world.product.id,))
    assert (meeting.status, meeting.awaiting, meeting.origin) == ("requested", "team", "requested")
    assert [p.product_name for p in meeting.products] == ["KN95 respirator"]
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=20)

    owner = world.get(User, world.owner)
    services.accept(
        owner, meeting, meeting.revision, arrangement=Arrangement((owner.id,), Place.TABLE, table.id), now=NOW
    )
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == MeetingStatus.ACCEPTED and meeting.table.name == "T1"
    holds = db.session.query(MeetingHold).filter_by(meeting_id=meeting.id).all()
    # 20 minutes = four 5-minute stretches, for the buyer, the owner and the table.
    assert len(holds) == 12
    assert [args[1] for name, args in recorded_tasks if name == services.MEETING_TASK] == ["requested", "accepted"]


def test_a_request_must_use_a_slot_the_team_is_free_at(world, ctx):
    world.free(world.owner, start=time(9, 0), end=time(10, 0))
    with pytest.raises(services.SlotTaken, match="not available then"):
        world.request(starts_at=venue(11, 10, 20))
    with pytest.raises(services.MeetingError, match="Choose one of the slots offered"):
        world.request(starts_at=venue(11, 9, 10))  # off the 20-minute grid
    with pytest.raises(services.MeetingError, match="slots offered"):
        world.request(starts_at=venue(11, 18, 0))  # after the meeting hours


def test_offered_slots_are_the_grid_inside_availability_less_bookings(world, ctx):
    world.free(world.owner, start=time(9, 0), end=time(10, 0))
    edition = world.get(Edition, world.edition)
    free = slots.free_slots([world.owner.id], edition, Mode.VENUE, now=NOW)
    assert [slot.starts_at for slot in free] == [venue(11, 9), venue(11, 9, 20), venue(11, 9, 40)]


def test_a_person_is_never_double_booked_and_is_told_who_is_busy(world, ctx):
    world.free(world.owner)
    first = world.request()
    second = world.request(buyer=world.other_buyer)
    owner = world.get(User, world.owner)
    services.accept(owner, first, first.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
    db.session.commit()
    second = db.session.get(Meeting, second.id)
    with pytest.raises(services.SlotTaken) as refused:
        services.accept(owner, second, second.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
    assert str(refused.value) == "Chen Yuehe is no longer free at 2:20\u202fAM; pick another slot."
    assert refused.value.status == 409
    db.session.rollback()
    # The slot is no longer offered either.
    free = slots.free_slots([world.owner.id], world.get(Edition, world.edition), Mode.VENUE, now=NOW)
    assert venue(11, 10, 20) not in [slot.starts_at for slot in free]


def test_without_the_guard_a_second_acceptance_is_still_refused_by_the_read(app, world, ctx):
    """One at a time the read (who already has an accepted meeting then) refuses; only a race gets past
    it (see the concurrency tests), which is what the holds are for."""
    app.config["MEETING_HOLD_GUARD"] = False
    try:
        world.free(world.owner)
        first, second = world.request(), world.request(buyer=world.other_buyer)
        owner = world.get(User, world.owner)
        services.accept(owner, first, first.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
        with pytest.raises(services.SlotTaken):
            services.accept(owner, second, second.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
    finally:
        app.config["MEETING_HOLD_GUARD"] = True


def test_a_table_too_small_or_taken_is_refused(world, ctx):
    world.free(world.owner)
    world.free(world.staff)
    table = MeetingTable(edition_id=world.edition.id, name="T2", capacity=2)
    db.session.add(table)
    db.session.flush()
    meeting = world.request()
    db.session.commit()
    owner, staff = world.get(User, world.owner), world.get(User, world.staff)
    with pytest.raises(services.MeetingError, match="T2 seats 2 people"):
        services.accept(
            owner,
            meeting,
            meeting.revision,
            arrangement=Arrangement((owner.id, staff.id), Place.TABLE, table.id),
            now=NOW,
        )
    db.session.rollback()
    first, owner = db.session.get(Meeting, meeting.id), world.get(User, world.owner)
    services.accept(owner, first, first.revision, arrangement=Arrangement((owner.id,), Place.TABLE, table.id), now=NOW)
    db.session.commit()
    other = world.request(buyer=world.other_buyer)
    staff = world.get(User, world.staff)
    with pytest.raises(services.SlotTaken, match="T2 is no longer free"):
        services.accept(
            staff, other, other.revision, arrangement=Arrangement((staff.id,), Place.TABLE, table.id), now=NOW
        )


def test_counter_proposal_comes_from_the_requesters_availability_and_is_accepted(world, ctx):
    world.free(world.owner)
    world.free(world.buyer, start=time(14, 0), end=time(15, 0))
    meeting = world.request()
    db.session.commit()
    owner = world.get(User, world.owner)
    with pytest.raises(services.SlotTaken):  # the buyer is not free at 09:00
        services.counter(owner, meeting, meeting.revision, Proposal(Mode.VENUE, venue(11, 9, 0)), now=NOW)
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting.id)
    owner = world.get(User, world.owner)
    services.counter(
        owner,
        meeting,
        meeting.revision,
        Proposal(Mode.VENUE, venue(11, 14, 20)),
        reason="Morning is full",
        arrangement=Arrangement((owner.id,), Place.STAND),
        now=NOW,
    )
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.status, meeting.awaiting, meeting.starts_at) == ("countered", "buyer", venue(11, 14, 20))
    buyer = world.get(User, world.buyer)
    with pytest.raises(services.MeetingConflict, match="changed meanwhile"):
        services.accept(buyer, meeting, meeting.revision - 1, now=NOW)  # a page from before the counter
    services.accept(buyer, meeting, meeting.revision, now=NOW)
    db.session.commit()
    assert db.session.get(Meeting, meeting.id).status == "accepted"


def test_only_the_awaited_side_answers_and_a_decline_has_a_reason(world, ctx):
    world.free(world.owner)
    meeting = world.request()
    buyer = world.get(User, world.buyer)
    with pytest.raises(services.MeetingConflict, match="other side's turn"):
        services.accept(buyer, meeting, meeting.revision, now=NOW)
    owner = world.get(User, world.owner)
    with pytest.raises(services.MeetingError, match="Give a reason"):
        services.decline(owner, meeting, meeting.revision, "  ", now=NOW)
    services.decline(owner, meeting, meeting.revision, "We do not sell to the US yet.", now=NOW)
    assert db.session.get(Meeting, meeting.id).status == "declined"
    stranger = User(id=-1, email="x@example.com", name="x")
    with pytest.raises(services.NotAllowed):
        services.cancel(stranger, meeting, meeting.revision, "no")


def test_cancel_and_reschedule_give_the_slot_back(world, ctx, recorded_tasks):
    world.free(world.owner)
    world.free(world.buyer, start=time(9, 0), end=time(17, 0))
    meeting = world.request()
    owner = world.get(User, world.owner)
    services.accept(owner, meeting, meeting.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    buyer = world.get(User, world.buyer)
    services.reschedule(
        buyer, meeting, meeting.revision, Proposal(Mode.VENUE, venue(11, 11, 0)), reason="My flight lands late", now=NOW
    )
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.status, meeting.awaiting, meeting.reason) == ("countered", "team", "My flight lands late")
    assert db.session.query(MeetingHold).count() == 0
    owner = world.get(User, world.owner)
    services.accept(owner, meeting, meeting.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    services.cancel(world.get(User, world.owner), meeting, meeting.revision, "Our stand is closed that day", now=NOW)
    db.session.commit()
    assert db.session.get(Meeting, meeting.id).status == "cancelled"
    assert db.session.query(MeetingHold).count() == 0
    events = [args[1] for name, args in recorded_tasks if name == services.MEETING_TASK]
    assert events == ["requested", "accepted", "rescheduled", "accepted", "cancelled"]


def test_pending_requests_are_limited_per_buyer_and_teams_can_pause(world, ctx):
    organizer = world.get(User, world.organizer)
    services.save_settings(
        organizer, world.get(Edition, world.edition), services.SettingsData(20, time(9), time(17), 2, 30)
    )
    world.free(world.owner)
    world.request(starts_at=venue(11, 9, 0))
    world.request(starts_at=venue(11, 9, 20))
    db.session.commit()
    with pytest.raises(services.QuotaReached, match="2 meeting requests waiting"):
        world.request(starts_at=venue(11, 9, 40))
    db.session.rollback()
    services.set_team_settings(
        world.get(User, world.staff), world.get(ExhibitorCompany, world.company), requests_paused=True, video_url=""
    )
    with pytest.raises(services.RequestsPaused, match="not taking meeting requests"):
        world.request(buyer=world.other_buyer)


def test_a_buyer_in_honolulu_and_a_team_in_nanning_see_one_meeting_on_different_dates(world, ctx):
    # The buyer says "free on Friday 10 September, 4 to 5 pm" in Honolulu (UTC-10): that is Saturday
    # 11 September, 10 to 11 am at the venue (UTC+8), across the date line.
    buyer = world.get(User, world.buyer)
    services.add_availability(
        buyer, WindowData(Mode.VENUE, EDITION_STARTS, time(16, 0), time(17, 0), world.edition.id), now=NOW
    )
    edition = world.get(Edition, world.edition)
    offered = slots.free_slots([buyer.id], edition, Mode.VENUE, now=NOW)
    assert [slot.starts_at for slot in offered] == [venue(11, 10, 0), venue(11, 10, 20), venue(11, 10, 40)]
    world.free(world.owner)
    meeting = world.request()  # 10:20 at the venue
    from expo.i18n import datetime_in_zone

    # As each side's pages write it: Friday afternoon in Honolulu, Saturday morning at the venue.
    honolulu, nanning = local_day(meeting.starts_at, "Pacific/Honolulu"), local_day(meeting.starts_at, "Asia/Shanghai")
    assert (honolulu.day, nanning.day) == (10, 11)
    assert datetime_in_zone(meeting.starts_at, "Pacific/Honolulu", named=False).startswith(
        f"{short_day(honolulu)}, 4:20"
    )
    assert datetime_in_zone(meeting.starts_at, "Asia/Shanghai", named=False).startswith(f"{short_day(nanning)}, 10:20")


def test_venue_availability_outside_the_meeting_hours_is_refused(world, ctx):
    buyer = world.get(User, world.buyer)
    with pytest.raises(services.MeetingError, match="outside the meeting hours"):
        # 9 am in Honolulu is 3 am at the venue.
        services.add_availability(
            buyer, WindowData(Mode.VENUE, date(EDITION_YEAR, 9, 11), time(9, 0), time(10, 0), world.edition.id), now=NOW
        )
    with pytest.raises(services.MeetingError, match="end must be after"):
        services.add_availability(
            buyer, WindowData(Mode.ONLINE, date(EDITION_YEAR, 10, 1), time(10, 0), time(9, 0)), now=NOW
        )


def test_online_meetings_all_year_get_the_teams_room_or_a_new_one(world, ctx):
    online_day = datetime(EDITION_YEAR, 11, 3, 2, 0, tzinfo=UTC)  # long after the edition
    owner = world.get(User, world.owner)
    services.add_availability(owner, WindowData(Mode.ONLINE, online_day.date(), time(10, 0), time(12, 0)), now=NOW)
    meeting = world.request(starts_at=online_day, mode=Mode.ONLINE)
    db.session.commit()
    owner = world.get(User, world.owner)
    with pytest.raises(services.MeetingError, match="https://"):
        services.accept(
            owner,
            meeting,
            meeting.revision,
            arrangement=Arrangement((owner.id,), video_url="http://example.com/room"),
            now=NOW,
        )
    db.session.rollback()
    meeting, owner = db.session.get(Meeting, meeting.id), world.get(User, world.owner)
    services.accept(owner, meeting, meeting.revision, arrangement=Arrangement((owner.id,)), now=NOW)
    assert meeting.place == Place.VIDEO and meeting.video_url.startswith("https://meet.jit.si/expo-")


def test_a_held_meeting_feeds_the_lead_and_the_statistics(world, ctx):
    from expo.booths.models import Booth
    from expo.leads import scoring

    world.free(world.owner)
    meeting = world.request(product_ids=(world.product.id,))
    owner = world.get(User, world.owner)
    services.accept(owner, meeting, meeting.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
    world.request(buyer=world.other_buyer, starts_at=venue(11, 11, 0))
    with pytest.raises(services.MeetingConflict, match="once the meeting has begun"):
        services.record_outcome(owner, meeting, Outcome.HELD, now=NOW)
    after = venue(11, 11, 0)
    services.record_outcome(owner, meeting, Outcome.HELD, "Samples by DHL", now=after)
    services.record_outcome(world.get(User, world.buyer), meeting, Outcome.HELD, now=after)
    db.session.commit()
    booth = db.session.get(Booth, world.booth.id)
    leads = db.session.execute(scoring.leads_query(booth, now=after)).all()
    assert [(row[0].name, row[1]) for row in leads] == [("Keoni Kahale", 40)]
    edition = world.get(Edition, world.edition)
    [(pavilion, requested, accepted, held)] = services.statistics_by_pavilion(edition)
    assert (pavilion.name, requested, accepted, held) == ("Public Health", 2, 1, 1)
    assert services.statistics_by_country(edition) == [("PH", 1, 0, 0), ("US", 1, 1, 1)]


def test_a_scheduled_meeting_goes_through_the_same_guard(world, factory, ctx):
    organizer = world.get(User, world.organizer)
    world.free(world.owner)
    first = world.request()
    owner = world.get(User, world.owner)
    services.accept(owner, first, first.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
    with pytest.raises(services.SlotTaken):
        services.book_scheduled_meeting(
            organizer,
            edition=world.get(Edition, world.edition),
            buyer=world.get(User, world.other_buyer),
            company=world.get(ExhibitorCompany, world.company),
            proposal=Proposal(Mode.VENUE, venue(11, 10, 20)),
            arrangement=Arrangement((owner.id,), Place.STAND),
            now=NOW,
        )


def test_the_slot_length_cannot_change_under_arranged_meetings(world, ctx):
    organizer = world.get(User, world.organizer)
    edition = world.get(Edition, world.edition)
    with pytest.raises(services.MeetingError, match="multiple of five"):
        services.save_settings(organizer, edition, services.SettingsData(20, time(9, 2), time(17), 5, 5))
    world.free(world.owner)
    world.request()
    with pytest.raises(services.MeetingError, match="20-minute slots"):
        services.save_settings(organizer, edition, services.SettingsData(30, time(9), time(17), 5, 5))


def test_notices_reach_the_other_side_in_their_language_with_the_calendar(app, world, recorded_tasks):
    with app.test_request_context():
        world.free(world.owner)
        meeting_id = world.request(message="Let us talk").id
        db.session.commit()
    run_recorded_tasks(app)
    messages = outbox_messages(app)
    assert len(messages) == 2  # the owner and the staff member: the whole team hears of a request
    assert all("Subject: Meeting request from Keoni Kahale" in message for message in messages)
    with app.test_request_context():
        meeting = db.session.get(Meeting, meeting_id)
        owner = world.get(User, world.owner)
        services.accept(owner, meeting, meeting.revision, arrangement=Arrangement((owner.id,), Place.STAND), now=NOW)
        db.session.commit()
    run_recorded_tasks(app)
    accepted = outbox_messages(app)[2]
    assert "Subject: Meeting confirmed with Nanning Masks" in accepted
    assert "Content-Type: text/calendar" in accepted and "SUMMARY:Meeting with Nanning Masks" in accepted
    assert "LOCATION:Stand A-12 of Nanning Masks" in accepted
    # The buyer's own date: the day before the venue's, in Honolulu.
    assert f"When: {full_day(EDITION_STARTS)}, 4:20\u202fPM (Pacific/Honolulu)" in accepted
    with app.app_context():
        assert meeting_notify.tell(meeting_id, "accepted", "team", 2) == 1
        db.session.commit()
    assert len(outbox_messages(app)) == 3  # told once


def test_each_reminder_is_claimed_once(app, world, recorded_tasks):
    with app.test_request_context():
        world.free(world.owner)
        world.free(world.staff)
        meeting = world.request()
        owner = world.get(User, world.owner)
        services.accept(
            owner, meeting, meeting.revision, arrangement=Arrangement((owner.id, world.staff.id), Place.STAND), now=NOW
        )
        db.session.commit()
        recorded_tasks.clear()
        soon = meeting.starts_at - timedelta(minutes=50)
        assert sorted(meeting_notify.claim_due_reminders(soon)) == sorted(
            [(meeting.id, world.buyer.id), (meeting.id, world.owner.id), (meeting.id, world.staff.id)]
        )
        db.session.commit()
        assert meeting_notify.claim_due_reminders(soon + timedelta(minutes=1)) == []
        assert meeting_notify.claim_due_reminders(meeting.starts_at - timedelta(hours=3)) == []
        db.session.commit()
    assert len(recorded_tasks) == 3
    run_recorded_tasks(app)
    reminders = [m for m in outbox_messages(app) if "starts within the hour" in m]
    assert len(reminders) == 3
