"""Demo meetings: the organizers' meeting rules and tables for the demo edition, the demo team's and
buyer's free times, and a few meetings in each state (requested, accepted, held), so a visitor sees
the feature at work on first start.

Written through expo.meetings.services (each step at its moment of the story, ``now=``), so the rows
are the ones the product writes; the notices those steps queue are dropped: the past mails nothing.
Loaded once: the organizers' rules for the demo edition mark it as done.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from expo.accounts.models import User
from expo.background import forget_pending
from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.meetings import services, slots
from expo.meetings.models import MeetingSettings, Mode, Outcome, Place, Side
from expo.meetings.services import Arrangement, Proposal, RequestData, SettingsData, WindowData

DEMO_BOOTH = "nanning-mask-machinery"
TABLES = [(f"A{number}", 4) for number in range(1, 9)] + [("B1", 8), ("B2", 8)]


def load_demo_meetings(edition: Edition, now: datetime | None = None) -> bool:
    """False when already loaded, or when the demo exhibitor or buyer is missing."""
    if db.session.get(MeetingSettings, edition.id) is not None:
        return False
    booth = db.session.scalar(select(Booth).where(Booth.slug == DEMO_BOOTH))
    organizer = db.session.scalar(select(User).where(User.email == "organizer@example.com"))
    buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
    if booth is None or organizer is None or buyer is None:
        return False
    now = now or utcnow()
    company = db.session.get(ExhibitorCompany, booth.company_id)
    owner = next(member.user for member in company.members if member.role == member.OWNER)
    staff = next(member.user for member in company.members if member.role != member.OWNER)
    maria = db.session.scalar(select(User).where(User.email == "buyer.maria.santos@example.com"))
    tran = db.session.scalar(select(User).where(User.email == "buyer.tran.minh.duc@example.com"))
    products = list(
        db.session.scalars(
            select(Product).where(Product.booth_id == booth.id).order_by(Product.position, Product.id).limit(3)
        )
    )

    services.save_settings(organizer, edition, SettingsData(20, time(9, 0), time(17, 0), 10, 30))
    for name, seats in TABLES:
        services.add_table(organizer, edition, f"Business matching {name}", seats)
    table = services.tables_of(edition)[0]
    past = now - timedelta(days=12)
    _free_times(edition, [owner, staff, buyer] + [person for person in (maria, tran) if person], past, now)

    day_one, day_two = edition.starts_on, edition.starts_on + timedelta(days=1)
    zone = slots.zone_of(edition.timezone)
    ids = []

    def request(
        person: User,
        day,
        at: time,
        message: str,
        chosen: list[Product],
        moment: datetime,
        mode: Mode = Mode.VENUE,
        starts_at: datetime | None = None,
    ):
        meeting = services.request_meeting(
            person,
            side=Side.BUYER,
            buyer=person,
            company=company,
            edition=edition,
            data=RequestData(
                Proposal(mode, starts_at or slots.at(day, at, zone)), message, tuple(product.id for product in chosen)
            ),
            now=moment,
        )
        ids.append(meeting.id)
        return meeting

    # Held: an online meeting last week with the demo buyer, both sides marked it held.
    online_start = _online_slot(edition, past + timedelta(days=5))
    held = request(
        buyer,
        None,
        None,
        "We need 200,000 KN95 pieces a month for Thai hospitals: can your line keep "
        "up? A video call first, then we visit your stand.",
        products[:2],
        past,
        Mode.ONLINE,
        online_start,
    )
    services.accept(owner, held, held.revision, arrangement=Arrangement((owner.id, staff.id)), now=past)
    after = online_start + timedelta(minutes=25)
    services.record_outcome(owner, held, Outcome.HELD, "Quote 0.045 USD a piece FOB Qinzhou; samples sent.", now=after)
    services.record_outcome(
        buyer, held, Outcome.HELD, "Good line, certificates fine. Ask for CIF Laem Chabang.", now=after
    )
    # Accepted: the demo buyer at the team's stand on the first morning (or a table, without a stand).
    accepted = request(
        buyer,
        day_one,
        time(10, 20),
        "Follow-up at your stand: the new ear-loop welding unit.",
        products[1:3],
        now - timedelta(days=2),
    )
    place = (
        Arrangement((staff.id,), Place.STAND)
        if services.stand_of(company, edition)
        else Arrangement((staff.id,), Place.TABLE, table.id)
    )
    services.accept(staff, accepted, accepted.revision, arrangement=place, now=now - timedelta(days=1))
    # Accepted at a matching table, with another buyer; and a request still waiting for the team.
    if maria is not None:
        at_table = request(
            maria,
            day_one,
            time(14, 0),
            "Distributor for the Philippines: terms and MOQ.",
            products[:1],
            now - timedelta(days=3),
        )
        services.accept(
            owner,
            at_table,
            at_table.revision,
            arrangement=Arrangement((owner.id,), Place.TABLE, table.id),
            now=now - timedelta(days=2),
        )
    if tran is not None:
        request(
            tran,
            day_two,
            time(11, 0),
            "Can we see the mask machine running? Vietnamese-speaking staff welcome.",
            products[:1],
            now - timedelta(hours=20),
        )
    db.session.flush()
    forget_pending(services.MEETING_TASK, set(ids))  # the past mails nothing
    return True


def _online_slot(edition: Edition, around: datetime) -> datetime:
    """10:00 venue time on the day of ``around``: on the online grid of a 20-minute slot length."""
    zone = slots.zone_of(edition.timezone)
    return slots.at(around.astimezone(zone).date(), time(10, 0), zone)


def _free_times(edition: Edition, people: list[User], past: datetime, now: datetime) -> None:
    """Each person: the venue mornings and afternoons of every edition day, and online hours on the day
    of the held meeting and on the coming weekdays, typed in their own zone."""
    zone = slots.zone_of(edition.timezone)
    online_day = (past + timedelta(days=5)).astimezone(zone).date()
    for person in people:
        own = slots.zone_of(person.timezone)
        windows = []
        for day in slots.edition_days(edition):
            windows += [
                (Mode.VENUE, slots.at(day, time(9, 0), zone), slots.at(day, time(12, 0), zone)),
                (Mode.VENUE, slots.at(day, time(14, 0), zone), slots.at(day, time(17, 0), zone)),
            ]
        windows.append((Mode.ONLINE, slots.at(online_day, time(9, 0), zone), slots.at(online_day, time(12, 0), zone)))
        today = now.astimezone(zone).date()
        for offset in range(1, 15):
            day = today + timedelta(days=offset)
            if day.weekday() < 5:
                windows.append((Mode.ONLINE, slots.at(day, time(9, 0), zone), slots.at(day, time(11, 0), zone)))
        for mode, starts_at, ends_at in windows:
            local_start, local_end = starts_at.astimezone(own), ends_at.astimezone(own)
            if local_end.date() != local_start.date():
                continue  # a window across the person's midnight: the form takes one day at a time
            services.add_availability(
                person,
                WindowData(
                    mode,
                    local_start.date(),
                    local_start.time(),
                    local_end.time(),
                    edition.id if mode == Mode.VENUE else None,
                ),
                now=past,
            )
