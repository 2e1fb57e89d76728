"""Demo data modelled on the 18th China-ASEAN Expo (Nanning, 10–13 September) and its "1+6" health forums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from expo.accounts.models import EditionRole, User
from expo.accounts.services import hash_password
from expo.db_types import utcnow
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Forum


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
    DemoAccount("exhibitor owner", "exhibitor@example.com", "demo-exhibitor-2026", "Chen Yuehe",
                "Nanning Mask Machinery Co.", "CN"),
    DemoAccount("exhibitor staff", "staff@example.com", "demo-staff-2026", "Nguyen Thi Lan",
                "Nanning Mask Machinery Co.", "VN"),
    DemoAccount("attendee (buyer)", "buyer@example.com", "demo-buyer-2026", "Somchai Prasert",
                "Bangkok Medical Trading", "TH"),
)

THEMED_PAVILIONS = (
    ("public-health", "Public Health and Pandemic Prevention",
     "Pandemic prevention materials and health enterprises: negative pressure ambulances, nucleic acid "
     "detection vehicles, protective clothing, goggles and masks."),
    ("big-health", "Big Health Industry",
     "Medical devices, diagnostics, pharmaceuticals and the business opportunities of the big health industry."),
    ("traditional-medicine", "Traditional Medicine and Health Tourism",
     "Traditional medicine from China and ASEAN, and the health tourism built around it."),
    ("food-agriculture", "Food and Agriculture",
     "From coffee and durian to tropical fruit and spices: the flavours that travel the Silk Road."),
    ("materials-industry", "Materials and Industry",
     "Paper, steel and the other hard and soft currencies of regional trade."),
)

COUNTRY_PAVILIONS = (
    ("CN", "China"), ("BN", "Brunei"), ("KH", "Cambodia"), ("ID", "Indonesia"), ("LA", "Laos"),
    ("MY", "Malaysia"), ("MM", "Myanmar"), ("PH", "the Philippines"), ("SG", "Singapore"),
    ("TH", "Thailand"), ("VN", "Vietnam"),
)

HEALTH_FORUM = (
    "health-cooperation-forum",
    "Health Silk Road Construction and the 3rd China-ASEAN Health Cooperation Forum",
    "The main forum of the “1+6” health programme: regional and international cooperation mechanisms for "
    "pandemic prevention and control.",
)

HEALTH_SUB_FORUMS = (
    ("disease-prevention", "China-ASEAN Disease Prevention and Control Cooperation Forum",
     "Pandemic surveillance, prevention and control strategy and technology, and information sharing."),
    ("dentistry", "China-ASEAN Forum on Dentistry", ""),
    ("traditional-medicine", "China-ASEAN Traditional Medicine Forum", ""),
    ("hospital-management", "China-ASEAN Hospital Management Cooperation Forum", ""),
    ("health-emergency", "China-ASEAN Health Emergency Cooperation Forum", ""),
    ("food-safety", "China-ASEAN Food Safety, Nutrition and Health Cooperation Forum", ""),
)

OTHER_FORUMS = (
    ("aids-training", Forum.TRAINING,
     "Lancang-Mekong Cross-Border Joint Prevention and Control of Infectious Diseases: AIDS Programme Training Course",
     "Held in the Guangxi Sino-Vietnam border area as part of the China-ASEAN Healthy Silk Road training project."),
    ("medical-innovation", Forum.PROMOTION,
     "International Medical Innovation Cooperation Forum and Special Promotion Conference", ""),
    ("drug-cooperation", Forum.MAIN, "China-ASEAN Drug Cooperation Development Summit Forum", ""),
    ("traditional-medicine-tourism", Forum.MAIN,
     "International Forum on Traditional Medicine and Health Tourism", ""),
)


def demo_edition_dates(today: date) -> tuple[date, date]:
    """10–13 September of this year, or of next year once this year's have passed."""
    year = today.year if today <= date(today.year, 9, 13) else today.year + 1
    return date(year, 9, 10), date(year, 9, 13)


def load_demo_data(today: date | None = None) -> Edition:
    """Idempotent: running it twice leaves one copy of everything."""
    existing = db.session.scalar(select(Edition).where(Edition.slug == "18th-caexpo"))
    if existing is not None:
        return existing
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
        status=Edition.PUBLISHED,
        description=(
            "The public pandemic prevention and health exhibition areas return, displaying the achievements "
            "of pandemic prevention and control and the business opportunities of the big health industry. "
            "Online, the exhibition never ends: booths stay open and take inquiries all year."
        ),
    )
    db.session.add(edition)
    for position, (slug, name, description) in enumerate(THEMED_PAVILIONS):
        edition.pavilions.append(Pavilion(slug=slug, name=name, description=description,
                                          kind=Pavilion.THEMED, position=position))
    for offset, (code, country) in enumerate(COUNTRY_PAVILIONS):
        edition.pavilions.append(Pavilion(slug=f"country-{code.lower()}", name=f"Pavilion of {country}",
                                          kind=Pavilion.COUNTRY, country=code,
                                          position=len(THEMED_PAVILIONS) + offset))
    slug, title, description = HEALTH_FORUM
    main = Forum(slug=slug, title=title, description=description, kind=Forum.MAIN, position=0)
    edition.forums.append(main)
    for position, (slug, title, description) in enumerate(HEALTH_SUB_FORUMS, start=1):
        edition.forums.append(Forum(slug=slug, title=title, description=description, kind=Forum.SUB,
                                    parent=main, position=position))
    for position, (slug, kind, title, description) in enumerate(OTHER_FORUMS, start=len(HEALTH_SUB_FORUMS) + 1):
        edition.forums.append(Forum(slug=slug, title=title, description=description, kind=kind,
                                    position=position))

    users = {}
    for account in DEMO_ACCOUNTS:
        user = User(email=account.email, password_hash=hash_password(account.password), name=account.name,
                    organisation=account.organisation, country=account.country,
                    timezone="Asia/Shanghai" if account.country == "CN" else "Asia/Bangkok",
                    email_confirmed_at=utcnow(), is_admin=account.role == "admin")
        db.session.add(user)
        users[account.role] = user
    db.session.add(EditionRole(user=users["organizer"], edition=None, kind=EditionRole.ORGANIZER))
    company = ExhibitorCompany(slug="nanning-mask-machinery", name="Nanning Mask Machinery Co.", country="CN",
                               sector="Protective equipment", status=ExhibitorCompany.APPROVED,
                               description="Mask-making machines; single orders of one or two hundred units.")
    company.members.append(CompanyMember(user=users["exhibitor owner"], role=CompanyMember.OWNER))
    company.members.append(CompanyMember(user=users["exhibitor staff"], role=CompanyMember.STAFF))
    db.session.add(company)
    db.session.flush()
    return edition
