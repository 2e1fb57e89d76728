"""Buyers racing to accept meetings on PostgreSQL: nobody is ever booked twice.

The arrangement and the race driver are the benchmark's (bench.meeting_race, bench.registration_race):
threads with an app context each, released together by a barrier. First the module proves it can see
a double booking: with the holds' guard switched off, the naive read ("has anyone an accepted meeting
then?") lets several acceptances of one slot through. Then the guarded service must not, whether
buyers race for one staff member's slots or one buyer accepts several teams' invitations for the
same slot at once.

Only PostgreSQL is needed: the app is built on its own database (``<EXPO_TEST_INTEGRATION_DB>_meeting_race``)
with tasks recorded, so the integration suite's Redis, worker and SMTP fixtures are switched off here.
PostgreSQL unreachable: the module fails, it never skips.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text

from bench.database import ensure_postgres_database
from bench.meeting_race import FIRST_SLOT, SLOT_MINUTES, accept_work, meetings_race, tally
from bench.registration_race import add_people, connection_budget, race
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.meetings.models import Meeting, MeetingAttendee, MeetingStatus, Mode, Origin, Place, Side
from tests.integration.test_registration_concurrency import _require_postgres
from tests.standalone_app import standalone_app

pytestmark = pytest.mark.integration

DATABASE_URL = (
    "postgresql://postgres@127.0.0.1:5432/"
    + os.environ.get("EXPO_TEST_INTEGRATION_DB", "expo_integration")
    + "_meeting_race"
)
RACERS, SLOTS = 200, 10
NAIVE_ATTEMPTS = 3


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Replaces the root fixture, which would build the shared session app; this module cleans its own."""
    yield


@pytest.fixture(autouse=True)
def _integration_isolation() -> Iterator[None]:
    """Replaces the integration conftest's, which starts Redis, a Celery worker and SMTP: not needed here."""
    yield


@pytest.fixture(scope="module")
def race_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    _require_postgres()
    url = ensure_postgres_database(DATABASE_URL)
    connections = connection_budget(url, RACERS)
    app = standalone_app(
        url,
        tmp_path_factory.mktemp("meeting-race-instance"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": connections, "max_overflow": 0, "pool_timeout": 120},
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture()
def clean(race_app: Flask) -> Iterator[Flask]:
    race_app.extensions["expo.recorded_tasks"].clear()
    race_app.config["MEETING_HOLD_GUARD"] = True
    yield race_app
    race_app.config["MEETING_HOLD_GUARD"] = True
    with race_app.app_context():
        db.session.remove()
        names = ", ".join(table.name for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()


def test_without_the_guard_the_same_crowd_double_books(clean: Flask) -> None:
    """The proof that the next tests can fail: without the holds, read-then-accept books a slot twice."""
    clean.config["MEETING_HOLD_GUARD"] = False
    double_booked = []
    for _ in range(NAIVE_ATTEMPTS):
        result, arranged = meetings_race(clean, RACERS, SLOTS)
        with clean.app_context():
            double_booked.append(tally(arranged).double_booked)
        if double_booked[-1]:
            break
    assert max(double_booked) > 0, (
        f"the naive path never double-booked in {len(double_booked)} races: this test could not catch it"
    )


def test_racing_acceptances_book_each_slot_once(clean: Flask) -> None:
    result, arranged = meetings_race(clean, RACERS, SLOTS)

    assert Counter(type(error).__name__ for error in result.errors) == {"SlotTaken": RACERS - SLOTS}
    assert all("is no longer free at" in str(error) for error in result.errors)
    assert result.values == ["accepted"] * SLOTS
    with clean.app_context():
        counts = tally(arranged)
    assert len(counts.accepted_per_slot) == SLOTS and set(counts.accepted_per_slot.values()) == {1}
    assert counts.holds == SLOTS * SLOT_MINUTES // 5
    notices = [args for name, args in clean.extensions["expo.recorded_tasks"] if name == "meetings.notify"]
    assert len(notices) == SLOTS  # only the winners' acceptances are announced


def test_one_buyer_accepting_many_invitations_for_one_slot_at_once_gets_one(clean: Flask) -> None:
    teams = 20
    with clean.app_context():
        tag = secrets.token_hex(4)
        edition = Edition(
            slug=f"tabs-{tag}",
            name="Tabs",
            starts_on=FIRST_SLOT.date() - timedelta(days=1),
            ends_on=FIRST_SLOT.date() + timedelta(days=2),
            timezone="Asia/Shanghai",
            status=Edition.Status.PUBLISHED,
        )
        db.session.add(edition)
        db.session.flush()
        buyer_id, *staff_ids = add_people(teams + 1)
        meeting_ids = []
        for index, staff_id in enumerate(staff_ids):
            company = ExhibitorCompany(
                slug=f"tabs-{tag}-{index}", name=f"Team {index}", status=ExhibitorCompany.Status.APPROVED
            )
            db.session.add(company)
            db.session.flush()
            db.session.add(CompanyMember(company_id=company.id, user_id=staff_id, role=CompanyMember.OWNER))
            meeting = Meeting(
                edition_id=edition.id,
                buyer_id=buyer_id,
                company_id=company.id,
                origin=Origin.REQUESTED,
                requested_by=Side.TEAM,
                requester_id=staff_id,
                status=MeetingStatus.REQUESTED,
                awaiting=Side.BUYER,
                mode=Mode.ONLINE,
                starts_at=FIRST_SLOT,
                ends_at=FIRST_SLOT.replace(minute=SLOT_MINUTES),
                place=Place.VIDEO,
                video_url="https://meet.example.com/x",
            )
            meeting.attendees = [MeetingAttendee(user_id=staff_id)]
            db.session.add(meeting)
            db.session.flush()
            meeting_ids.append(meeting.id)
        db.session.commit()

    from bench.meeting_race import Arranged

    arranged = Arranged(staff_ids[0], [buyer_id] * teams, meeting_ids)
    result = race(clean, teams, accept_work(arranged))

    assert result.values == ["accepted"]
    assert Counter(type(error).__name__ for error in result.errors) == {"SlotTaken": teams - 1}
    with clean.app_context():
        accepted = db.session.scalars(
            select(Meeting.id).where(Meeting.buyer_id == buyer_id, Meeting.status == MeetingStatus.ACCEPTED)
        ).all()
    assert len(accepted) == 1
