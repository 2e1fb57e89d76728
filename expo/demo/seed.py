"""Demo data modelled on the 18th China-ASEAN Expo (Nanning, 10–13 September): its "1+6" health forums and
its online exhibition (exhibitors from China and the ten ASEAN countries, their booths, products and stands)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from expo import uploads
from expo.accounts.models import EditionRole, User
from expo.accounts.services import hash_password
from expo.booths.models import Booth, BoothPlacement
from expo.booths.services import open_booth
from expo.catalog.category_tree import seed_categories
from expo.catalog.models import Product, ProductCategory, ProductImage
from expo.catalog.values import UNIT_ALIASES
from expo.db_types import utcnow
from expo.demo.activity import load_demo_activity
from expo.demo.exhibitors import EXHIBITORS, NANNING_MASK_MACHINERY, UNPUBLISHED_EXHIBITORS, DemoExhibitor
from expo.demo.images import PRODUCT_SIZE, THUMBNAIL_SIDE, booth_banner, company_logo, product_picture
from expo.demo.meetings import load_demo_meetings
from expo.demo.translations import translate_demo
from expo.editions.models import Edition, Pavilion
from expo.editions.services import slugify
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.exhibitors.services import LOGO_FOLDER, company_slug
from expo.extensions import db
from expo.forums.models import Forum
from expo.i18n import PRIORITY_COUNTRIES as PRIORITY
from expo.lib.text import render_markdown


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    name: str
    organisation: str
    country: str


# Listed in the README and printed by `flask expo seed-demo`; never use these outside a demo.
DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin@example.com", "demo-admin-2026", "Ada Admin", "Expo Secretariat", "CN"),
    DemoAccount("organizer", "organizer@example.com", "demo-organizer-2026", "Li Wei", "CAEXPO Secretariat", "CN"),
    DemoAccount(
        "exhibitor owner",
        "exhibitor@example.com",
        "demo-exhibitor-2026",
        "Chen Yuehe",
        "Nanning Mask Machinery Co.",
        "CN",
    ),
    DemoAccount(
        "exhibitor staff", "staff@example.com", "demo-staff-2026", "Nguyen Thi Lan", "Nanning Mask Machinery Co.", "VN"
    ),
    DemoAccount(
        "attendee (buyer)", "buyer@example.com", "demo-buyer-2026", "Somchai Prasert", "Bangkok Medical Trading", "TH"
    ),
    DemoAccount("check-in staff", "checkin@example.com", "demo-checkin-2026", "Wang Fang", "CAEXPO Secretariat", "CN"),
)

THEMED_PAVILIONS = (
    (
        "public-health",
        "Public Health and Pandemic Prevention",
        "Pandemic prevention materials and health enterprises: negative pressure ambulances, nucleic acid "
        "detection vehicles, protective clothing, goggles and masks.",
    ),
    (
        "big-health",
        "Big Health Industry",
        "Medical devices, diagnostics, pharmaceuticals and the business opportunities of the big health industry.",
    ),
    (
        "traditional-medicine",
        "Traditional Medicine and Health Tourism",
        "Traditional medicine from China and ASEAN, and the health tourism built around it.",
    ),
    (
        "food-agriculture",
        "Food and Agriculture",
        "From coffee and durian to tropical fruit and spices: the flavours that travel the Silk Road.",
    ),
    (
        "materials-industry",
        "Materials and Industry",
        "Paper, steel and the other hard and soft currencies of regional trade.",
    ),
)

COUNTRY_PAVILIONS = (
    ("CN", "China"),
    ("BN", "Brunei"),
    ("KH", "Cambodia"),
    ("ID", "Indonesia"),
    ("LA", "Laos"),
    ("MY", "Malaysia"),
    ("MM", "Myanmar"),
    ("PH", "the Philippines"),
    ("SG", "Singapore"),
    ("TH", "Thailand"),
    ("VN", "Vietnam"),
)

HEALTH_FORUM = (
    "health-cooperation-forum",
    "Health Silk Road Construction and the 3rd China-ASEAN Health Cooperation Forum",
    "The main forum of the “1+6” health programme: regional and international cooperation mechanisms for "
    "pandemic prevention and control.",
)

HEALTH_SUB_FORUMS = (
    (
        "disease-prevention",
        "China-ASEAN Disease Prevention and Control Cooperation Forum",
        "Pandemic surveillance, prevention and control strategy and technology, and information sharing.",
    ),
    ("dentistry", "China-ASEAN Forum on Dentistry", ""),
    ("traditional-medicine", "China-ASEAN Traditional Medicine Forum", ""),
    ("hospital-management", "China-ASEAN Hospital Management Cooperation Forum", ""),
    ("health-emergency", "China-ASEAN Health Emergency Cooperation Forum", ""),
    ("food-safety", "China-ASEAN Food Safety, Nutrition and Health Cooperation Forum", ""),
)

OTHER_FORUMS = (
    (
        "aids-training",
        Forum.TRAINING,
        "Lancang-Mekong Cross-Border Joint Prevention and Control of Infectious Diseases: AIDS Programme Training Course",
        "Held in the Guangxi Sino-Vietnam border area as part of the China-ASEAN Healthy Silk Road training project.",
    ),
    (
        "medical-innovation",
        Forum.PROMOTION,
        "International Medical Innovation Cooperation Forum and Special Promotion Conference",
        "",
    ),
    ("drug-cooperation", Forum.MAIN, "China-ASEAN Drug Cooperation Development Summit Forum", ""),
    ("traditional-medicine-tourism", Forum.MAIN, "International Forum on Traditional Medicine and Health Tourism", ""),
)


# The last delegates queue for the full dentistry session.
DELEGATES_ON_WAITLIST = ("delegate238@example.com", "delegate239@example.com", "delegate240@example.com")


def demo_edition_dates(today: date) -> tuple[date, date]:
    """10–13 September of this year, or of next year once this year's have passed."""
    year = today.year if today <= date(today.year, 9, 13) else today.year + 1
    return date(year, 9, 10), date(year, 9, 13)


def load_demo_data(today: date | None = None) -> Edition:
    """Idempotent: running it twice leaves one copy of everything. A database seeded before the
    online exhibition existed gets its exhibitors, booths and products on the next run, and one seeded
    before the demo activity (expo.demo.activity) its month of visits, inquiries, reports and tickets."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == "18th-caexpo"))
    if edition is None:
        edition = _load_demo_edition(today)
    _load_demo_exhibition(edition)
    translate_demo(edition)
    load_demo_activity(edition)
    load_demo_meetings(edition)
    return edition


def _load_demo_edition(today: date | None) -> Edition:
    starts_on, ends_on = demo_edition_dates(today or date.today())
    edition = Edition(
        slug="18th-caexpo",
        name="18th China-ASEAN Expo",
        tagline="Cooperation against COVID-19 and a new platform for post-pandemic recovery",
        starts_on=starts_on,
        ends_on=ends_on,
        venue="Nanning International Convention and Exhibition Center",
        city="Nanning",
        country="CN",
        timezone="Asia/Shanghai",
        status=Edition.Status.PUBLISHED,
        description=(
            "The public pandemic prevention and health exhibition areas return, displaying the achievements "
            "of pandemic prevention and control and the business opportunities of the big health industry. "
            "Online, the exhibition never ends: booths stay open and take inquiries all year."
        ),
    )
    db.session.add(edition)
    for position, (slug, name, description) in enumerate(THEMED_PAVILIONS):
        edition.pavilions.append(
            Pavilion(slug=slug, name=name, description=description, kind=Pavilion.THEMED, position=position)
        )
    for offset, (code, country) in enumerate(COUNTRY_PAVILIONS):
        edition.pavilions.append(
            Pavilion(
                slug=f"country-{code.lower()}",
                name=f"Pavilion of {country}",
                kind=Pavilion.COUNTRY,
                country=code,
                position=len(THEMED_PAVILIONS) + offset,
            )
        )
    slug, title, description = HEALTH_FORUM
    main = Forum(slug=slug, title=title, description=description, kind=Forum.MAIN, position=0)
    edition.forums.append(main)
    for position, (slug, title, description) in enumerate(HEALTH_SUB_FORUMS, start=1):
        edition.forums.append(
            Forum(slug=slug, title=title, description=description, kind=Forum.SUB, parent=main, position=position)
        )
    for position, (slug, kind, title, description) in enumerate(OTHER_FORUMS, start=len(HEALTH_SUB_FORUMS) + 1):
        edition.forums.append(Forum(slug=slug, title=title, description=description, kind=kind, position=position))

    users = {}
    for account in DEMO_ACCOUNTS:
        user = User(
            email=account.email,
            password_hash=hash_password(account.password),
            name=account.name,
            organisation=account.organisation,
            country=account.country,
            timezone="Asia/Shanghai" if account.country == "CN" else "Asia/Bangkok",
            email_confirmed_at=utcnow(),
            is_admin=account.role == "admin",
        )
        db.session.add(user)
        users[account.role] = user
    db.session.add(EditionRole(user=users["organizer"], edition=None, kind=EditionRole.ORGANIZER))
    company = ExhibitorCompany(
        slug="nanning-mask-machinery",
        name="Nanning Mask Machinery Co.",
        country="CN",
        sector="Protective equipment",
        status=ExhibitorCompany.Status.APPROVED,
        description="Mask-making machines; single orders of one or two hundred units.",
    )
    company.members.append(CompanyMember(user=users["exhibitor owner"], role=CompanyMember.OWNER))
    company.members.append(CompanyMember(user=users["exhibitor staff"], role=CompanyMember.STAFF))
    db.session.add(company)
    db.session.flush()
    _load_demo_programme(edition, main, users)
    return edition


# (forum slug, day offset from the first day, start hh:mm, hours, title, room, capacity, seats already taken,
#  language, tags, speaker keys)
DEMO_SESSIONS = (
    (
        "health-cooperation-forum",
        0,
        "09:30",
        2.5,
        "Opening plenary: building a Health Silk Road together",
        "Hall A",
        300,
        212,
        "English, Chinese",
        "public health, cooperation",
        ["li", "sari"],
    ),
    (
        "disease-prevention",
        1,
        "09:00",
        2,
        "Pandemic surveillance and information sharing across borders",
        "Room 201",
        30,
        28,
        "English",
        "surveillance, infectious diseases",
        ["nguyen"],
    ),
    (
        "disease-prevention",
        1,
        "14:00",
        2,
        "Prevention and control technology: from nucleic acid testing to vaccines",
        "Room 201",
        40,
        17,
        "English",
        "diagnostics, vaccines",
        ["nguyen", "li"],
    ),
    (
        "dentistry",
        1,
        "09:00",
        1.5,
        "Dental care in the normalised prevention and control of COVID-19",
        "Room 202",
        12,
        12,
        "English",
        "dentistry",
        ["tan"],
    ),
    (
        "traditional-medicine",
        1,
        "10:30",
        2,
        "Traditional medicine in the prevention of infectious diseases",
        "Room 203",
        60,
        24,
        "Chinese",
        "traditional medicine",
        ["zhou"],
    ),
    (
        "hospital-management",
        1,
        "14:00",
        2,
        "Hospital management under pandemic pressure",
        "Room 202",
        50,
        31,
        "English",
        "hospitals",
        ["sari"],
    ),
    (
        "health-emergency",
        2,
        "09:00",
        2,
        "Joint health emergency response and medical supply chains",
        "Room 201",
        50,
        47,
        "English",
        "emergency, supply chains",
        ["somchai"],
    ),
    (
        "food-safety",
        2,
        "14:00",
        2,
        "Food safety, nutrition and health: durian, coffee and the cold chain",
        "Room 203",
        80,
        26,
        "English",
        "food safety, agriculture",
        ["tan"],
    ),
    (
        "aids-training",
        2,
        "09:00",
        3,
        "Cross-border joint prevention: AIDS programme, module 1",
        "Training room, Pingxiang",
        None,
        0,
        "Chinese, Vietnamese",
        "training, infectious diseases",
        ["nguyen"],
    ),
    (
        "aids-training",
        3,
        "09:00",
        3,
        "Cross-border joint prevention: AIDS programme, module 2",
        "Training room, Pingxiang",
        None,
        0,
        "Chinese, Vietnamese",
        "training, infectious diseases",
        ["zhou"],
    ),
    (
        "medical-innovation",
        2,
        "10:00",
        2,
        "International medical innovation: special promotion conference",
        "Hall B",
        150,
        63,
        "English",
        "medical devices, innovation",
        ["li"],
    ),
    (
        "drug-cooperation",
        3,
        "09:30",
        2.5,
        "China-ASEAN drug cooperation development summit",
        "Hall A",
        200,
        88,
        "English, Chinese",
        "pharmaceuticals",
        ["sari", "zhou"],
    ),
    (
        "traditional-medicine-tourism",
        3,
        "14:00",
        2,
        "Traditional medicine and health tourism",
        "Hall B",
        120,
        35,
        "English",
        "traditional medicine, tourism",
        ["somchai"],
    ),
)

DEMO_SPEAKERS = {
    "li": ("Dr Li Ming", "Director of International Cooperation", "Guangxi Health Commission", "CN"),
    "sari": ("Dr Sari Wulandari", "Senior Adviser, Health Security", "Jakarta Institute of Public Health", "ID"),
    "nguyen": ("Dr Nguyen Van An", "Head of Epidemiology", "Hanoi Centre for Disease Control", "VN"),
    "tan": ("Prof Tan Wei Ling", "Dean of Dentistry", "Singapore Dental Academy", "SG"),
    "zhou": (
        "Prof Zhou Hong",
        "Professor of Traditional Chinese Medicine",
        "Guangxi University of Chinese Medicine",
        "CN",
    ),
    "somchai": ("Dr Somchai Rattanakorn", "Director of Emergency Medicine", "Bangkok General Hospital", "TH"),
}


def _load_demo_programme(edition: Edition, main_forum: Forum, users: dict[str, User]) -> None:
    """Sessions with speakers, some nearly full, a full one with a waiting list, a course with enrolments."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from expo.forums.models import ProgrammeSession, Speaker

    zone = ZoneInfo(edition.timezone)
    forums = {forum.slug: forum for forum in edition.forums}
    speakers = {}
    for key, (name, title, organisation, country) in DEMO_SPEAKERS.items():
        speakers[key] = Speaker(
            edition_id=edition.id,
            name=name,
            title=title,
            organisation=organisation,
            country=country,
            biography=f"{name} is {title.lower()} at {organisation}.",
        )
        db.session.add(speakers[key])
    course = forums["aids-training"]
    course.enrols_whole_course = True
    course.capacity = 25
    forums["dentistry"].registration_mode = Forum.OPEN
    forums["medical-innovation"].registration_mode = Forum.APPROVAL

    # Delegates who fill seats; they cannot log in (their password hash matches no password).
    unusable = hash_password(secrets.token_urlsafe(32))
    delegates = [
        User(
            email=f"delegate{n:03d}@example.com",
            password_hash=unusable,
            name=f"Delegate {n:03d}",
            organisation="Demo delegation",
            country=PRIORITY[n % len(PRIORITY)],
            email_confirmed_at=utcnow(),
        )
        for n in range(1, 241)
    ]
    db.session.add_all(delegates)
    db.session.flush()

    for forum_slug, day, start, hours, title, room, capacity, taken, language, tags, speaker_keys in DEMO_SESSIONS:
        hour, minute = map(int, start.split(":"))
        starts_at = datetime.combine(edition.starts_on + timedelta(days=day), datetime.min.time(), zone).replace(
            hour=hour, minute=minute
        )
        session = ProgrammeSession(
            forum=forums[forum_slug],
            title=title,
            room=room,
            capacity=capacity,
            language=language,
            tags=tags,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            abstract=f"{title}. A session of the {forums[forum_slug].title}.",
            stream_url="https://stream.example.com/caexpo/" + forum_slug,
        )
        session.speakers = [speakers[key] for key in speaker_keys]
        db.session.add(session)
        db.session.flush()
        if not forums[forum_slug].enrols_whole_course:
            _fill(session, delegates[:taken], seats_taken=taken, extra_waiting=3 if taken == capacity else 0)
    _fill(course, delegates[:23], seats_taken=23, extra_waiting=0)


def _fill(target, delegates: list[User], *, seats_taken: int, extra_waiting: int) -> None:
    """Write demo registrations directly, keeping the seat counters consistent with them."""
    from expo.forums.models import ProgrammeSession
    from expo.registrations.models import Registration

    key = "session_id" if isinstance(target, ProgrammeSession) else "forum_id"
    now = utcnow()
    for delegate in delegates:
        db.session.add(
            Registration(
                user_id=delegate.id, status=Registration.Status.CONFIRMED, confirmed_at=now, **{key: target.id}
            )
        )
    waiting = DELEGATES_ON_WAITLIST[:extra_waiting]
    for number, email in enumerate(waiting, start=1):
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.add(
            Registration(
                user_id=user.id, status=Registration.Status.WAITLISTED, waitlist_number=number, **{key: target.id}
            )
        )
    target.seats_taken = seats_taken
    target.waitlist_seq = len(waiting)


# --- the online exhibition: exhibitors' companies, booths, products, pictures and stands -------------------


def _load_demo_exhibition(edition: Edition) -> None:
    """About thirty published booths across the demo edition's pavilions, a few waiting for review.

    Loaded once: the first demo exhibitor's company marks it as done. Pictures are drawn here
    (expo.demo.images) and stored through expo.uploads like any upload, thumbnails included.
    """
    if (
        db.session.scalar(select(ExhibitorCompany.id).where(ExhibitorCompany.slug == company_slug(EXHIBITORS[0].name)))
        is not None
    ):
        return
    seed_categories(db.session.connection())
    categories = dict(db.session.execute(select(ProductCategory.slug, ProductCategory.id)).all())
    pavilions = {pavilion.slug: pavilion for pavilion in edition.pavilions}
    taken_stands = set(db.session.scalars(select(BoothPlacement.stand).where(BoothPlacement.edition_id == edition.id)))
    reviewer = db.session.scalar(select(User).where(User.email == "organizer@example.com"))
    # Owners who cannot log in, like the delegates: share their hash (it matches no password; hashing is slow).
    unusable = db.session.scalar(
        select(User.password_hash).where(User.email == "delegate001@example.com")
    ) or hash_password(secrets.token_urlsafe(32))
    now = utcnow()

    demo_company = db.session.scalar(select(ExhibitorCompany).where(ExhibitorCompany.slug == "nanning-mask-machinery"))
    companies = []
    if demo_company is not None:
        if demo_company.logo_path is None:
            demo_company.logo_path = _demo_logo(demo_company.name)
        companies.append((demo_company, NANNING_MASK_MACHINERY))
    for days_ago, exhibitor in enumerate((*EXHIBITORS, *UNPUBLISHED_EXHIBITORS), start=1):
        companies.append((_demo_company(exhibitor, unusable, reviewer, now - timedelta(days=40 + days_ago)), exhibitor))
    for company, exhibitor in companies:
        booth = open_booth(company)
        if booth.description or booth.placements:
            continue  # an older demo database whose team has already built this booth: keep their work
        _fill_demo_booth(booth, exhibitor, reviewer, now)
        _add_demo_products(booth, exhibitor, categories)
        pavilion = pavilions.get(exhibitor.pavilion)
        if pavilion is not None:
            stand = exhibitor.stand if exhibitor.stand not in taken_stands else ""
            taken_stands.add(stand)  # (an older database may have given the stand to another booth)
            db.session.add(
                BoothPlacement(booth_id=booth.id, edition_id=edition.id, pavilion_id=pavilion.id, stand=stand)
            )
    db.session.flush()


def _demo_logo(name: str) -> str:
    return uploads.store_image(company_logo(name), LOGO_FOLDER)


def _demo_company(
    exhibitor: DemoExhibitor, unusable_hash: str, reviewer: User | None, applied_at: datetime
) -> ExhibitorCompany:
    slug = company_slug(exhibitor.name)
    owner = User(
        email=f"owner.{slug}@example.com",
        password_hash=unusable_hash,
        name=exhibitor.owner,
        organisation=exhibitor.name,
        country=exhibitor.country,
        timezone=exhibitor.timezone,
        email_confirmed_at=applied_at,
    )
    company = ExhibitorCompany(
        slug=slug,
        name=exhibitor.name,
        country=exhibitor.country,
        sector=exhibitor.sector,
        website=exhibitor.website,
        description=exhibitor.about,
        status=ExhibitorCompany.Status.APPROVED,
        submitted_at=applied_at,
        reviewed_at=applied_at + timedelta(days=2),
        reviewed_by=reviewer,
        logo_path=_demo_logo(exhibitor.name),
    )
    company.members.append(CompanyMember(user=owner, role=CompanyMember.OWNER))
    db.session.add(company)
    return company


def _fill_demo_booth(booth: Booth, exhibitor: DemoExhibitor, reviewer: User | None, now: datetime) -> None:
    booth.tagline = exhibitor.tagline
    booth.description = exhibitor.booth
    booth.description_html = render_markdown(exhibitor.booth)
    booth.banner_path = uploads.store_image(booth_banner(exhibitor.name, exhibitor.tagline), "banners")
    booth.contact_email = exhibitor.contacts.get("email", "")
    booth.contact_phone = exhibitor.contacts.get("phone", "")
    booth.whatsapp = exhibitor.contacts.get("whatsapp", "")
    booth.wechat = exhibitor.contacts.get("wechat", "")
    booth.line_id = exhibitor.contacts.get("line_id", "")
    booth.timezone = exhibitor.timezone
    booth.opening_hours = exhibitor.opening_hours
    booth.status = exhibitor.status
    if exhibitor.status in (Booth.Status.SUBMITTED, Booth.Status.PUBLISHED):
        booth.submitted_at = now - timedelta(days=3)
    if exhibitor.status == Booth.Status.PUBLISHED:
        booth.published_at, booth.reviewed_by = now - timedelta(days=1), reviewer


def _add_demo_products(booth: Booth, exhibitor: DemoExhibitor, categories: dict[str, int]) -> None:
    folder = f"products/{booth.id}"
    for position, item in enumerate(exhibitor.products):
        slug = slugify(item.name)
        picture, thumbnail = product_picture(f"{booth.slug}/{slug}", item.name, item.category)
        product = Product(
            booth_id=booth.id,
            slug=slug,
            name=item.name,
            category_id=categories.get(item.category),
            description=item.description,
            description_html=render_markdown(item.description),
            specifications=item.specifications,
            min_order_quantity=item.moq,
            # The data is written in trade shorthand (pcs, ctn, MT); the catalogue knows those units by code.
            order_unit=UNIT_ALIASES.get(item.unit.casefold(), item.unit),
            price_min=item.price_min,
            price_max=item.price_max,
            currency=item.currency,
            hs_code=item.hs_code,
            availability=item.availability,
            position=position,
        )
        product.images.append(
            ProductImage(
                path=uploads.store_image(picture, folder),
                thumbnail_path=uploads.store_image(thumbnail, f"{folder}/thumbnails", max_side=THUMBNAIL_SIDE),
                width=PRODUCT_SIZE[0],
                height=PRODUCT_SIZE[1],
                alt_text=item.name,
            )
        )
        db.session.add(product)
