"""Demo activity: the month before today as the product would have lived it, so that analytics, the lead
inbox and ranking, reports, the check-in desk, the buyer's agenda and the bell are not empty on first start.

Written through the real services wherever they exist (sending inquiries, replies, quotations, the
report compiler, registrations, check-in, favourites, the drain's event writer), so the rows are
the ones the product itself writes. Services stamp what they do with the real time; `_History` moves
each step back to when it happened in the story. Deterministic: one seeded random generator.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from expo.accounts.models import User
from expo.accounts.services import hash_password
from expo.background import forget_pending
from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.checkin import services as checkin
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.engagement.analytics import booth_zone
from expo.engagement.models import EngagementEvent
from expo.engagement.services import add_favourite, store_events, visitor_hash
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.forums.models import ProgrammeSession
from expo.leads import reports
from expo.leads import services as leads
from expo.leads.models import InquiryMessage, InquiryNote, InquiryReadMark, Quotation, TradeInquiry
from expo.notifications.models import Notification, OutboxMessage
from expo.notifications.services import DELIVER_EMAIL_TASK
from expo.registrations import services as registrations
from expo.registrations.models import Registration
from expo.registrations.tickets import ticket_payload

SEED = 20260910
DAYS = 30
DEMO_BOOTH = "nanning-mask-machinery"
CHECKIN_EMAIL = "checkin@example.com"

# Generated buyers who write to the demo exhibitor. Like the delegates, they cannot log in.
# (name, organisation, country, time zone, shares their contact details with booths they visit)
BUYERS = (
    ("Maria Santos", "Manila Health Supplies Inc.", "PH", "Asia/Manila", True),
    ("Budi Hartono", "Surabaya Medika", "ID", "Asia/Jakarta", False),
    ("Tran Minh Duc", "Saigon Medical Equipment JSC", "VN", "Asia/Ho_Chi_Minh", True),
    ("Siti Aminah", "Klang Valley Healthcare Sdn Bhd", "MY", "Asia/Kuala_Lumpur", False),
    ("Sokha Chan", "Phnom Penh Pharma Distribution", "KH", "Asia/Phnom_Penh", True),
    ("Aung Kyaw", "Yangon Protective Gear Co.", "MM", "Asia/Yangon", False),
    ("Lim Wei Jie", "Lion City Med Supply Pte Ltd", "SG", "Asia/Singapore", True),
    ("Khamla Vongsa", "Vientiane Medical Trading", "LA", "Asia/Vientiane", False),
    ("Nurul Huda", "Brunei Care Supplies", "BN", "Asia/Brunei", True),
)

# The sessions the demo buyer holds seats for (all after the one the browser journey registers for),
# and the full session whose waiting list he joins.
BUYER_SESSIONS = (
    "Food safety, nutrition and health: durian, coffee and the cold chain",
    "China-ASEAN drug cooperation development summit",
    "Traditional medicine and health tourism",
)
BUYER_WAITLIST_SESSION = "Dental care in the normalised prevention and control of COVID-19"
CHECKED_IN_SESSION = "Opening plenary: building a Health Silk Road together"
CHECKED_IN_DELEGATES = 14

# How busy each weekday is, Monday first: trade buyers browse booths in office hours.
WEEKDAY_RHYTHM = (1.0, 1.1, 1.05, 0.95, 0.85, 0.45, 0.35)


def buyer_email(name: str) -> str:
    return "buyer." + ".".join(name.lower().split()) + "@example.com"


def load_demo_activity(edition: Edition, now: datetime | None = None) -> bool:
    """Loaded once: the check-in staff account's role on the edition marks it as done. False if it was."""
    organizer = db.session.scalar(select(User).where(User.email == "organizer@example.com"))
    booth = db.session.scalar(select(Booth).where(Booth.slug == DEMO_BOOTH))
    if organizer is None or booth is None or not booth.is_published:
        return False
    staff_user = _checkin_account()
    if any(role.user_id == staff_user.id for role in checkin.checkin_staff(edition)):
        return False
    history = _History(now or utcnow())
    rng = random.Random(SEED)
    company = db.session.get(ExhibitorCompany, booth.company_id)
    owner = next(member.user for member in company.members if member.role == member.OWNER)
    staff = next(member.user for member in company.members if member.role != member.OWNER)
    demo_buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
    buyers = _buyers()

    _inquiries(history, rng, booth, owner, staff, demo_buyer, buyers)
    _visits(history, rng, booth, [demo_buyer, *buyers])
    _favourites(history, rng, booth, demo_buyer, buyers)
    _reports(booth, owner, organizer, edition, history)
    _check_in_desk(edition, organizer, staff_user)
    _buyer_agenda(edition, demo_buyer)
    history.settle()
    return True


def _checkin_account() -> User:
    from expo.demo.seed import DEMO_ACCOUNTS  # the account list lives with the other demo accounts

    user = db.session.scalar(select(User).where(User.email == CHECKIN_EMAIL))
    if user is None:  # a database seeded before the check-in account existed
        account = next(account for account in DEMO_ACCOUNTS if account.email == CHECKIN_EMAIL)
        user = User(
            email=account.email,
            password_hash=hash_password(account.password),
            name=account.name,
            organisation=account.organisation,
            country=account.country,
            timezone="Asia/Shanghai",
            email_confirmed_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    return user


def _buyers() -> list[User]:
    unusable = db.session.scalar(select(User.password_hash).where(User.email == "delegate001@example.com"))
    buyers = []
    for name, organisation, country, zone, shares in BUYERS:
        user = db.session.scalar(select(User).where(User.email == buyer_email(name)))
        if user is None:
            user = User(
                email=buyer_email(name),
                password_hash=unusable or hash_password(uuid.uuid4().hex),
                name=name,
                organisation=organisation,
                country=country,
                timezone=zone,
                job_title="Purchasing manager",
                share_contact_with_booths=shares,
                email_confirmed_at=utcnow() - timedelta(days=60),
            )
            db.session.add(user)
        buyers.append(user)
    db.session.flush()
    return buyers


class _History:
    """Moves what a service just wrote back to the moment the story says it happened.

    Everything stamped at or after ``started`` (the real time the load began) was written by the
    step that just ran; it takes the step's time. Steps of one inquiry run in order, so its own
    earlier steps are already in the past and stay as they were.
    """

    INQUIRY_TIMES = (
        "created_at",
        "buyer_activity_at",
        "team_activity_at",
        "last_activity_at",
        "status_changed_at",
        "first_response_at",
    )
    STAMPED = (
        (InquiryMessage, "created_at"),
        (InquiryNote, "created_at"),
        (Quotation, "created_at"),
        (Quotation, "decided_at"),
        (InquiryReadMark, "read_at"),
        (Notification, "created_at"),
        (EngagementEvent, "occurred_at"),
    )

    def __init__(self, now: datetime):
        self.now = now
        self.started = utcnow()

    def ago(self, days: float, hours: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours)

    def at(self, moment: datetime, inquiry: TradeInquiry | None = None) -> None:
        if inquiry is not None:
            for name in self.INQUIRY_TIMES:
                value = getattr(inquiry, name)
                if value is not None and value >= self.started:
                    setattr(inquiry, name, moment)
        db.session.flush()
        for model, name in self.STAMPED:
            column = getattr(model, name)
            db.session.execute(
                update(model)
                .where(column >= self.started)
                .values({name: moment})
                .execution_options(synchronize_session=False)
            )
        db.session.expire_all()

    def settle(self) -> None:
        """The past sends no mail: e-mails the story's steps queued are dropped, and their delivery is
        never published. Notifications more than two days old have been read; newer ones wait in the bell."""
        dropped = set(
            db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.kind.like("leads.%"), OutboxMessage.created_at >= self.started
                )
            )
        )
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(dropped)))
        forget_pending(DELIVER_EMAIL_TASK, dropped)
        cutoff = self.now - timedelta(days=2)
        for notification in db.session.scalars(
            select(Notification).where(Notification.created_at < cutoff, Notification.read_at.is_(None))
        ):
            notification.read_at = notification.created_at + timedelta(hours=3)
        db.session.flush()


# --- inquiries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One move in an inquiry's story, ``hours`` after the inquiry was sent."""

    hours: float
    action: str  # buyer, team, staff, note, assign, quote, accept, decline, status
    text: str = ""
    price: str = ""
    status: str = ""


@dataclass(frozen=True)
class Story:
    buyer: int  # index into BUYERS, or -1 for the demo buyer
    days_ago: float
    kind: str
    products: tuple[int, ...]  # positions in the demo booth's catalogue
    message: str
    steps: tuple[Step, ...] = ()
    quantity: int | None = None
    unit: str = ""
    incoterm: str | None = None
    port: str = ""


ORDER, INQUIRY = TradeInquiry.Kind.ORDER_REQUEST, TradeInquiry.Kind.INQUIRY

STORIES = (
    # won: the buyer accepted the second quotation after the first was replaced
    Story(
        4,
        27,
        ORDER,
        (4,),
        "We need ultrasonic welding horns for our two flat-mask lines. Please quote CIF Sihanoukville.",
        (
            Step(3.5, "assign"),
            Step(4, "staff", "Thank you, Ms Chan. Which machine model are the horns for?"),
            Step(20, "buyer", "Model NM-F200, bought in 2021."),
            Step(26, "quote", "Horns for the NM-F200, tuned at our workshop.", price="235.00"),
            Step(50, "buyer", "Can you do better on 200 pieces?"),
            Step(54, "quote", "Our best price for 200 pieces.", price="212.00"),
            Step(70, "accept"),
            Step(71, "note", "Deposit received; ship with the September container."),
        ),
        quantity=200,
        unit="pcs",
        incoterm="CIF",
        port="Sihanoukville",
    ),
    # lost: the buyer declined, the team closed it
    Story(
        5,
        24,
        ORDER,
        (5,),
        "Price for aluminium nose wire, 3 mm, 150 kg, FOB Nanning?",
        (
            Step(6, "team", "Dear Mr Kyaw, thank you. We can ship from stock next week."),
            Step(7, "quote", price="5.90"),
            Step(40, "decline"),
            Step(44, "buyer", "Thank you, a local supplier was cheaper."),
            Step(46, "note", "Lost on price: the local wire is 5.10 per kg."),
            Step(47, "status", status="lost"),
        ),
        quantity=150,
        unit="kg",
        incoterm="FOB",
        port="Nanning",
    ),
    # won by hand: closed outside the platform after a video call
    Story(
        7,
        21,
        INQUIRY,
        (0,),
        "Could we see the fully automatic flat line running, by video?",
        (
            Step(2, "team", "Of course: shall we call on Thursday at 10:00 Vientiane time?"),
            Step(5, "buyer", "Thursday works."),
            Step(6, "assign"),
            Step(80, "note", "Video call done; contract signed by e-mail for one line."),
            Step(81, "status", status="won"),
        ),
    ),
    # quoted, with a quotation replaced by a newer one that is still open
    Story(
        3,
        18,
        ORDER,
        (2,),
        "We are opening a second factory in Shah Alam and need 100 ear-loop welding machines.",
        (
            Step(1.5, "team", "Good news, Ms Aminah. Do you need them with the 220 V option?"),
            Step(9, "buyer", "Yes, 220 V, 50 Hz."),
            Step(10, "quote", price="4200.00"),
            Step(60, "buyer", "Could you include operator training?"),
            Step(64, "quote", "Training by video for two operators included.", price="4150.00"),
        ),
        quantity=100,
        unit="set",
        incoterm="CIF",
        port="Port Klang",
    ),
    # quoted, and the quotation withdrawn when the team closed the inquiry
    Story(
        8,
        16,
        ORDER,
        (6,),
        "Spare parts kits for one year, 120 sets, DAP Bandar Seri Begawan.",
        (
            Step(5, "team", "Thank you, Ms Huda; we will check the freight to Brunei."),
            Step(30, "quote", price="1850.00"),
            Step(200, "note", "No answer for a week after two reminders."),
            Step(201, "status", status="lost"),
        ),
        quantity=120,
        unit="set",
        incoterm="DAP",
        port="Bandar Seri Begawan",
    ),
    # contacted: the conversation goes on
    Story(
        2,
        12,
        INQUIRY,
        (1, 3),
        "What output per minute do your KN95 line and mask blank machine reach?",
        (
            Step(2, "assign"),
            Step(3, "staff", "The KN95 line makes 60 to 70 masks a minute; the blank machine 100."),
            Step(27, "buyer", "And the power consumption of each?"),
            Step(29, "staff", "About 12 kW for the line and 8 kW for the blank machine; the data sheets follow."),
        ),
    ),
    # the demo buyer: an order request with a quotation awaiting his answer
    Story(
        -1,
        2.5,
        ORDER,
        (4,),
        "Please quote 200 ultrasonic welding horns, FOB, for our customer in Bangkok.",
        (
            Step(1, "team", "Dear Mr Prasert, thank you for your request. Delivery in three weeks is possible."),
            Step(22, "buyer", "Three weeks is fine; please send the quotation."),
            Step(23, "assign"),
            Step(24, "quote", "Packed in export cartons, 20 pieces each.", price="218.00"),
        ),
        quantity=200,
        unit="pcs",
        incoterm="FOB",
        port="Laem Chabang",
    ),
    # won after a first quotation was declined and a better one accepted
    Story(
        6,
        8,
        ORDER,
        (5,),
        "200 kg of nose wire for our mask line in Singapore, CIF.",
        (
            Step(4, "team", "Thank you, Mr Lim. We can ship within ten days."),
            Step(5, "quote", price="6.20"),
            Step(30, "decline"),
            Step(31, "buyer", "Too high for us; our target is 5.60."),
            Step(34, "quote", "Our best price for 200 kg.", price="5.70"),
            Step(48, "accept"),
        ),
        quantity=200,
        unit="kg",
        incoterm="CIF",
        port="Singapore",
    ),
    # contacted by phone, then a message
    Story(
        0,
        5,
        INQUIRY,
        (7,),
        "Do you offer the commissioning and operator training in Tagalog or English?",
        (
            Step(4, "note", "Phoned Ms Santos: English is fine, she wants a date in October."),
            Step(4.5, "status", status="contacted"),
            Step(5, "team", "As we said on the phone: English training, dates in October to follow."),
        ),
    ),
    # lost without an answer: a duplicate
    Story(
        1,
        4,
        INQUIRY,
        (0,),
        "Please send your catalogue.",
        (
            Step(20, "note", "Duplicate of the inquiry Mr Hartono sent to our e-mail; answered there."),
            Step(20.5, "status", status="lost"),
        ),
    ),
    # new: waiting for the team
    Story(
        1,
        1.2,
        ORDER,
        (2, 6),
        "We would like 150 ear-loop welding machines with their spare parts kits.",
        quantity=150,
        unit="set",
        incoterm="FOB",
        port="Tanjung Perak",
    ),
    Story(
        0,
        0.3,
        ORDER,
        (4,),
        "Please quote 100 welding horns for the NM-F200 line, CIF Manila.",
        quantity=100,
        unit="pcs",
        incoterm="CIF",
        port="Manila",
    ),
    Story(7, 0.1, INQUIRY, (3,), "Is the mask blank making machine in stock?"),
)


def _inquiries(
    history: _History, rng: random.Random, booth: Booth, owner: User, staff: User, demo_buyer: User, buyers: list[User]
) -> None:
    products = list(
        db.session.scalars(select(Product).where(Product.booth_id == booth.id).order_by(Product.position, Product.id))
    )
    today = leads.booth_today(booth, history.now)
    for story in STORIES:
        buyer = demo_buyer if story.buyer < 0 else buyers[story.buyer]
        sent_at = history.ago(story.days_ago, rng.uniform(0.2, 1.5)).replace(microsecond=0)
        data = leads.InquiryData(
            kind=story.kind,
            product_ids=tuple(products[n].id for n in story.products),
            message=story.message,
            quantity=story.quantity,
            unit=story.unit,
            incoterm=story.incoterm,
            destination_country=buyer.country,
            destination_port=story.port,
            delivery_date=today + timedelta(days=45) if story.kind == ORDER else None,
            buyer_organisation=buyer.organisation,
            buyer_country=buyer.country,
        )
        inquiry = leads.send_inquiry(buyer, booth, data)
        history.at(sent_at, inquiry)
        for step in story.steps:
            # Steps are at least half an hour apart: a few minutes either way keep their order.
            moment = sent_at + timedelta(hours=step.hours, minutes=rng.uniform(0, 20), seconds=rng.randint(0, 59))
            inquiry = db.session.get(TradeInquiry, inquiry.id)
            _act(step, inquiry, owner, staff, buyer, story, moment)
            history.at(moment, inquiry)
        # The team has opened what the buyer did more than a day ago; newer news is still unread.
        inquiry = db.session.get(TradeInquiry, inquiry.id)
        if inquiry.buyer_activity_at < history.ago(1):
            for member in {owner, inquiry.assignee or owner}:
                leads.mark_read(member, inquiry)
            history.at(inquiry.buyer_activity_at + timedelta(hours=rng.uniform(1, 6)))


def _act(
    step: Step, inquiry: TradeInquiry, owner: User, staff: User, buyer: User, story: Story, moment: datetime
) -> None:
    if step.action in ("note", "assign", "status"):
        leads.mark_read(owner, inquiry)  # the owner has the inquiry open to do it
    if step.action == "buyer":
        leads.post_message(buyer, inquiry, step.text, as_team=False)
    elif step.action in ("team", "staff"):
        leads.post_message(owner if step.action == "team" else staff, inquiry, step.text, as_team=True)
    elif step.action == "note":
        leads.add_note(owner, inquiry, step.text)
    elif step.action == "assign":
        leads.assign(owner, inquiry, staff.id)
    elif step.action == "status":
        leads.change_status(owner, inquiry, step.status)
    elif step.action == "quote":
        leads.send_quotation(
            owner,
            inquiry,
            leads.QuotationData(
                unit_price=Decimal(step.price),
                currency="USD",
                quantity=story.quantity or 1,
                unit=story.unit or "set",
                incoterm=story.incoterm or "FOB",
                lead_time_days=21,
                valid_until=leads.booth_today(inquiry.booth, moment) + timedelta(days=30),
                note=step.text,
            ),
        )
    elif step.action in ("accept", "decline"):
        quotation = db.session.scalar(
            select(Quotation).where(Quotation.inquiry_id == inquiry.id, Quotation.status == Quotation.Status.OPEN)
        )
        leads.decide_quotation(buyer, inquiry, quotation, accept=step.action == "accept")
    else:
        raise ValueError(f"unknown demo step {step.action!r}")


# --- a month of visits ----------------------------------------------------------------------------


def _visits(history: _History, rng: random.Random, demo_booth: Booth, buyers: list[User]) -> None:
    """Booth visits and product views for every published booth over the last DAYS days of its own
    calendar, written by the drain's writer as if the worker had stored them."""
    booths = list(db.session.scalars(select(Booth).where(Booth.status == Booth.Status.PUBLISHED).order_by(Booth.id)))
    catalogue: dict[int, list[int]] = {}
    for booth_id, product_id in db.session.execute(
        select(Product.booth_id, Product.id).order_by(Product.booth_id, Product.position, Product.id)
    ):
        catalogue.setdefault(booth_id, []).append(product_id)
    anonymous = [visitor_hash(f"cookie:demo-visitor-{n}") for n in range(900)]
    signed_in = [(user.id, visitor_hash(f"user:{user.id}")) for user in buyers]
    events = []
    for booth in booths:
        busy = 26 if booth.id == demo_booth.id else rng.uniform(3, 11)
        products = catalogue.get(booth.id, [])
        zone = ZoneInfo(booth_zone(booth))
        today = history.now.astimezone(zone).date()
        for n in range(DAYS):
            day = today - timedelta(days=DAYS - 1 - n)
            # A slow rise over the month, the week's rhythm, and the day's own luck.
            expected = busy * WEEKDAY_RHYTHM[day.weekday()] * (0.8 + 0.4 * n / DAYS) * rng.uniform(0.75, 1.25)
            for _visit in range(max(1, round(expected))):
                moment = _office_moment(rng, day, zone)
                if moment >= history.now:
                    moment = history.now - timedelta(minutes=rng.randint(1, 600))
                user_id, visitor = (
                    rng.choice(signed_in)
                    if booth.id == demo_booth.id and rng.random() < 0.18
                    else (None, rng.choice(anonymous))
                )
                events.append(_event(EngagementEvent.BOOTH_VISIT, booth.id, None, user_id, visitor, moment))
                for _view in range(rng.choice((0, 0, 1, 1, 2, 3)) if products else 0):
                    # The first products of a catalogue are looked at most.
                    product = products[min(int(rng.expovariate(0.6)), len(products) - 1)]
                    moment += timedelta(seconds=rng.randint(20, 240))
                    events.append(
                        _event(
                            EngagementEvent.PRODUCT_VIEW, booth.id, product, user_id, visitor, min(moment, history.now)
                        )
                    )
    for start in range(0, len(events), 2000):
        store_events(events[start : start + 2000])


def _office_moment(rng: random.Random, day: date, zone: ZoneInfo) -> datetime:
    minutes = int(min(max(rng.gauss(14 * 60, 3 * 60), 6 * 60), 23 * 60 + 30))
    return datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59)), zone)


def _event(
    kind: str, booth_id: int, product_id: int | None, user_id: int | None, visitor: str, moment: datetime
) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "kind": kind,
        "booth": booth_id,
        "product": product_id,
        "document": None,
        "user": user_id,
        "visitor": visitor,
        "at": moment.isoformat(),
    }


def _favourites(history: _History, rng: random.Random, demo_booth: Booth, demo_buyer: User, buyers: list[User]) -> None:
    others = list(
        db.session.scalars(
            select(Booth).where(Booth.status == Booth.Status.PUBLISHED, Booth.id != demo_booth.id).order_by(Booth.id)
        )
    )
    demo_products = list(
        db.session.scalars(select(Product).where(Product.booth_id == demo_booth.id).order_by(Product.position))
    )
    saved = [(demo_buyer, demo_booth), (demo_buyer, demo_products[4]), (demo_buyer, demo_products[0])]
    saved += [(demo_buyer, booth) for booth in others[:2]]
    saved += [
        (demo_buyer, product)
        for product in db.session.scalars(
            select(Product).where(Product.booth_id == others[0].id).order_by(Product.position).limit(2)
        )
    ]
    for buyer in buyers:
        saved.append((buyer, demo_booth))
        saved += [(buyer, product) for product in rng.sample(demo_products, 2)]
    for user, target in saved:
        favourite = add_favourite(user, target)
        favourite.created_at = history.ago(rng.uniform(0.5, DAYS - 1))
    db.session.flush()


# --- reports, the check-in desk, the buyer's agenda ------------------------------------------------


def _reports(booth: Booth, owner: User, organizer: User, edition: Edition, history: _History) -> None:
    """The exhibitor's report of the month and the organizers' of the same month, compiled now by the
    worker's own code. A report cannot stay "running": the worker would pick it up and finish it."""
    today = leads.booth_today(booth, history.now)
    booth_report = reports.request_booth_report(
        owner, booth, period_from=today - timedelta(days=DAYS - 1), period_to=today, timezone=booth.timezone
    )
    expo_report = reports.request_expo_report(
        organizer,
        edition=edition,
        pavilion=None,
        period_from=today - timedelta(days=DAYS - 1),
        period_to=today,
        timezone=edition.timezone,
    )
    for report in (booth_report, expo_report):
        reports.claim(report.id)
        for _step in reports.compile_steps(report.id):
            pass
    forget_pending(reports.COMPILE_TASK, {booth_report.id, expo_report.id})  # compiled: nothing left to do


def _check_in_desk(edition: Edition, organizer: User, staff_user: User) -> None:
    """The check-in account scans tickets at the edition's door; a few delegates are already in."""
    checkin.add_checkin_staff(organizer, edition, staff_user.email)
    session = _session(edition, CHECKED_IN_SESSION)
    confirmed = db.session.scalars(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.status == Registration.Status.CONFIRMED)
        .order_by(Registration.id)
        .limit(CHECKED_IN_DELEGATES)
    )
    for registration in confirmed.all():
        checkin.check_in_ticket(staff_user, edition, ticket_payload(registration))


def _buyer_agenda(edition: Edition, buyer: User) -> None:
    for title in BUYER_SESSIONS:
        registrations.register(buyer, _session(edition, title))
    registrations.register(buyer, _session(edition, BUYER_WAITLIST_SESSION))


def _session(edition: Edition, title: str) -> ProgrammeSession:
    from expo.forums.models import Forum

    return db.session.scalars(
        select(ProgrammeSession)
        .join(Forum, Forum.id == ProgrammeSession.forum_id)
        .where(Forum.edition_id == edition.id, ProgrammeSession.title == title)
    ).one()
