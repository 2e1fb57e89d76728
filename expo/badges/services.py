"""Badges: who gets one, issuing them, checking a scanned badge, and what an offline device needs.

Services flush and never commit; the view (or the task) commits once.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import segno
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from expo.accounts.models import EditionRole, User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.badges.codes import BadgeClaim, code_digest, read_badge_payload
from expo.badges.models import Badge
from expo.booths.models import Booth, BoothPlacement
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession, Speaker, session_speakers
from expo.i18n import LocalMoment
from expo.lib.rules import RuleBroken
from expo.matchmaking.models import HostedBuyer
from expo.permissions import can_manage_edition, ensure
from expo.registrations.models import Registration

Role = Badge.Role


class BadgeError(RuleBroken):
    """A rule of issuing, reprinting or correcting badges said no; safe to show to organizers."""


class BadgeChanged(BadgeError):
    """Someone else changed the badge since the page was shown (two help-desk clicks)."""

    status = 409


class BadgeRefused(RuleBroken):
    """A genuine-looking badge is not valid here; ``status`` is the HTTP answer (404 or 409)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


# --- how long a badge is valid ---------------------------------------------------------------------


def valid_until(edition: Edition) -> datetime:
    """Badges open doors until a day after the edition's last day has ended, at the venue: the
    day after lets exhibitors take their stands down."""
    zone = ZoneInfo(edition.timezone)
    return datetime.combine(edition.ends_on + timedelta(days=2), time(), zone)


def last_valid_day(edition: Edition) -> date:
    """The venue's last day a badge opens doors on (``valid_until`` is the midnight ending it)."""
    return edition.ends_on + timedelta(days=1)


def valid_from(edition: Edition) -> datetime:
    """From the start of the day before the first one, at the venue: the build-up day. Codes are
    not refused before it (people pick badges up early); offline devices show it."""
    zone = ZoneInfo(edition.timezone)
    return datetime.combine(edition.starts_on - timedelta(days=1), time(), zone)


def edition_days(edition: Edition) -> list[date]:
    return [edition.starts_on + timedelta(days=n) for n in range((edition.ends_on - edition.starts_on).days + 1)]


def qr_svg_data_uri(badge: Badge) -> str:
    """The badge's code as an image for the phone; segno's own SVG writer (see registrations.tickets)."""
    return segno.make(badge.payload, error="m").svg_data_uri(scale=6, border=2, dark="#000000")


# --- checking a scanned badge ----------------------------------------------------------------------


def verify_badge(edition: Edition, payload: str, now: datetime | None = None) -> Badge:
    """The badge a scanned code stands for, if it opens ``edition``'s doors now.

    Raises ``BadgeCodeError`` (400) for a code that is not a genuine Expo badge, and ``BadgeRefused``
    with 404 when no badge of this edition carries it (another edition's badge gets the same answer
    as an unknown one), 409 when the badge was revoked, replaced by a reprint, or has expired.
    """
    now = now or utcnow()
    claim = read_badge_payload(payload)  # BadgeCodeError: status 400
    badge = None
    if claim.edition_id == edition.id:
        badge = db.session.scalar(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id == claim.user_id))
    return check_claim(edition, claim, badge, now)


def check_claim(edition: Edition, claim: BadgeClaim, badge: Badge | None, now: datetime) -> Badge:
    """``verify_badge``'s rules for a code already read and the badge of ``edition`` it names (None:
    there is none), for callers that load many badges in one query (a batch of stand scans)."""
    named = badge is not None and (claim.edition_id, claim.user_id) == (edition.id, badge.user_id)
    if not named or claim.serial > badge.serial:
        raise BadgeRefused(_("No badge of this edition has this code."), 404)
    if badge.revoked_at is not None:
        raise BadgeRefused(
            _("This badge was revoked on %(moment)s.", moment=LocalMoment(badge.revoked_at, edition.timezone)), 409
        )
    if claim.serial < badge.serial:
        replaced = badge.reprinted_at or badge.issued_at
        raise BadgeRefused(
            _(
                "This badge was replaced by a reprint on %(moment)s: ask for the new one.",
                moment=LocalMoment(replaced, edition.timezone),
            ),
            409,
        )
    if now >= valid_until(edition):
        raise BadgeRefused(_("This badge has expired: the edition is over."), 409)
    return badge


# --- what an offline device loads ------------------------------------------------------------------


@dataclass(frozen=True)
class ValidCode:
    """One valid badge as an offline device holds it: the digest of its code (never the code or the
    key), what to show when it is scanned, and until when it is valid."""

    digest: str
    badge_id: int
    user_id: int
    serial: int
    name: str
    company: str
    country: str | None
    role: str
    role_label: str
    valid_from: datetime
    valid_until: datetime

    def as_json(self) -> dict:
        return {
            "digest": self.digest,
            "badge_id": self.badge_id,
            "user_id": self.user_id,
            "serial": self.serial,
            "name": self.name,
            "company": self.company,
            "country": self.country,
            "role": self.role,
            "role_label": self.role_label,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
        }


def valid_codes(edition: Edition, now: datetime | None = None) -> list[ValidCode]:
    """Every badge of ``edition`` that opens its doors (not revoked; only the current serial), in
    one query; empty once the edition has expired. Labels are in the current language."""
    now = now or utcnow()
    until = valid_until(edition)
    if now >= until:
        return []
    starts = valid_from(edition)
    badges = db.session.scalars(
        select(Badge).where(Badge.edition_id == edition.id, Badge.revoked_at.is_(None)).order_by(Badge.id)
    )
    return [
        ValidCode(
            digest=code_digest(badge.payload),
            badge_id=badge.id,
            user_id=badge.user_id,
            serial=badge.serial,
            name=badge.name,
            company=badge.company,
            country=badge.country,
            role=badge.role.value,
            role_label=badge.role.label,
            valid_from=starts,
            valid_until=until,
        )
        for badge in badges
    ]


# --- who gets a badge ------------------------------------------------------------------------------


@dataclass
class Entitlement:
    """Why one person gets a badge for an edition: every role they hold there, and what to print
    as their company (their exhibitor's name, or the organisation they speak for)."""

    user_id: int
    roles: set[Badge.Role] = field(default_factory=set)
    company: str = ""

    @property
    def role(self) -> Badge.Role:
        """The role printed on the badge: the first in the order of ``Badge.Role``."""
        return min(self.roles, key=lambda role: role.precedence)

    def add(self, role: Badge.Role, company: str = "") -> None:
        self.roles.add(role)
        # An exhibitor's company beats the organisation a speaker speaks for, which beats the profile's.
        if company and (not self.company or role == Role.EXHIBITOR):
            self.company = company


def _edition_forum_ids(edition: Edition):
    return select(Forum.id).where(Forum.edition_id == edition.id)


def _edition_session_ids(edition: Edition):
    return select(ProgrammeSession.id).where(ProgrammeSession.forum_id.in_(_edition_forum_ids(edition)))


def _exhibitor_staff(edition: Edition, pavilion_id: int | None = None):
    """(user id, company name) of every member of a company whose published booth is placed in the edition."""
    query = (
        select(CompanyMember.user_id, ExhibitorCompany.name)
        .join(ExhibitorCompany, ExhibitorCompany.id == CompanyMember.company_id)
        .join(Booth, Booth.company_id == ExhibitorCompany.id)
        .join(BoothPlacement, BoothPlacement.booth_id == Booth.id)
        .where(BoothPlacement.edition_id == edition.id, Booth.status == Booth.Status.PUBLISHED)
        .order_by(CompanyMember.user_id, ExhibitorCompany.id)
    )
    if pavilion_id is not None:
        query = query.where(BoothPlacement.pavilion_id == pavilion_id)
    return query


def entitlements(edition: Edition, user_ids: Collection[int] | None = None) -> dict[int, Entitlement]:
    """Everyone who gets a badge for ``edition`` (or those of ``user_ids`` who do), in six queries:

    - its organizers (and organizers of every edition) and its check-in staff;
    - speakers of its programme whose speaker entry is linked to their account (a speaker without
      an account has nobody to give the badge to: the organizers link one on the speaker's page);
    - hosted buyers who accepted the invitation;
    - every member of an exhibitor team whose published booth is placed in the edition;
    - everyone with a confirmed registration for one of its sessions or training courses.

    Disabled accounts get none.
    """
    found: dict[int, Entitlement] = {}

    def rows(query):
        if user_ids is not None:
            column = query.selected_columns[0]
            query = query.where(column.in_(list(user_ids)))
        return db.session.execute(query)

    def add(user_id: int, role: Badge.Role, company: str = "") -> None:
        found.setdefault(user_id, Entitlement(user_id)).add(role, company)

    for user_id, kind in rows(
        select(EditionRole.user_id, EditionRole.kind).where(
            or_(
                (EditionRole.kind == EditionRole.ORGANIZER)
                & (or_(EditionRole.edition_id == edition.id, EditionRole.edition_id.is_(None))),
                (EditionRole.kind == EditionRole.CHECKIN) & (EditionRole.edition_id == edition.id),
            )
        )
    ):
        add(user_id, Role.ORGANIZER if kind == EditionRole.ORGANIZER else Role.STAFF)
    for user_id, organisation in rows(
        select(Speaker.user_id, Speaker.organisation).where(
            Speaker.edition_id == edition.id, Speaker.user_id.is_not(None)
        )
    ):
        add(user_id, Role.SPEAKER, organisation)
    for (user_id,) in rows(
        select(HostedBuyer.user_id).where(
            HostedBuyer.edition_id == edition.id, HostedBuyer.status == HostedBuyer.Status.ACCEPTED
        )
    ):
        add(user_id, Role.HOSTED_BUYER)
    for user_id, company in rows(_exhibitor_staff(edition)):
        add(user_id, Role.EXHIBITOR, company)
    for (user_id,) in rows(
        select(Registration.user_id)
        .where(
            Registration.status == Registration.Status.CONFIRMED,
            or_(
                Registration.session_id.in_(_edition_session_ids(edition)),
                Registration.forum_id.in_(_edition_forum_ids(edition)),
            ),
        )
        .distinct()
    ):
        add(user_id, Role.DELEGATE)
    if found:
        disabled = set(db.session.scalars(select(User.id).where(User.id.in_(list(found)), User.is_disabled.is_(True))))
        for user_id in disabled:
            del found[user_id]
    return found


# --- issuing ---------------------------------------------------------------------------------------


def _insert(model):
    return (postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(model)


@dataclass(frozen=True)
class Issued:
    created: int
    updated: int


def _issue(edition: Edition, found: dict[int, Entitlement]) -> Issued:
    """Create the missing badges of ``found`` (one INSERT ... ON CONFLICT DO NOTHING, so two runs at
    once create each badge once), and give a badge not printed yet its current role."""
    if not found:
        return Issued(0, 0)
    ids = list(found)
    existing = {
        badge.user_id: badge
        for badge in db.session.scalars(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id.in_(ids)))
    }
    people = {
        user.id: user
        for user in db.session.scalars(select(User).where(User.id.in_([i for i in ids if i not in existing])))
    }
    now = utcnow()
    rows = [
        {
            "edition_id": edition.id,
            "user_id": user_id,
            "role": found[user_id].role.value,
            "name": user.name[:120],
            "company": (found[user_id].company or user.organisation)[:200],
            "country": user.country,
            "serial": 1,
            "issued_at": now,
        }
        for user_id, user in people.items()
    ]
    created = 0
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        inserted = db.session.execute(
            _insert(Badge).on_conflict_do_nothing(index_elements=["edition_id", "user_id"]).returning(Badge.id), chunk
        )
        created += len(inserted.all())
    updated = 0
    for user_id, badge in existing.items():
        role = found[user_id].role
        # What is printed is what is stored: a printed badge keeps its role until it is reprinted.
        if badge.printed_at is None and badge.revoked_at is None and badge.role != role:
            badge.role = role
            updated += 1
    db.session.flush()
    return Issued(created, updated)


def issue_badges(actor: User | None, edition: Edition) -> Issued:
    """Create every missing badge of ``edition`` (idempotent): what "Prepare badges" runs, in the
    worker, and what every bulk print runs first. ``actor`` None: the worker acting for nobody."""
    if actor is not None:
        ensure(can_manage_edition(actor, edition))
    issued = _issue(edition, entitlements(edition))
    if issued.created or issued.updated:
        record(
            actor,
            AuditAction.BADGES_ISSUED,
            edition,
            edition_id=edition.id,
            after={"created": issued.created, "role_changed": issued.updated},
        )
    return issued


def badge_for(edition: Edition, user: User) -> Badge | None:
    """``user``'s badge for ``edition``, issued now if they are entitled to one and have none yet
    (the person opening their badge page, the help desk printing it); None if they get none."""
    badge = db.session.scalar(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id == user.id))
    if badge is not None:
        return badge
    found = entitlements(edition, [user.id])
    if not found:
        return None
    _issue(edition, found)
    return db.session.scalar(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id == user.id))


def badges_of(user: User, now: datetime | None = None) -> list[Badge]:
    """The person's badges for editions that are published and not over, issuing the ones they are
    entitled to; soonest edition first."""
    now = now or utcnow()
    editions = [
        edition
        for edition in db.session.scalars(
            select(Edition).where(Edition.status == Edition.Status.PUBLISHED).order_by(Edition.starts_on)
        )
        if now < valid_until(edition)
    ]
    badges = [badge_for(edition, user) for edition in editions]
    return [badge for badge in badges if badge is not None]


# --- the help desk ---------------------------------------------------------------------------------


def reprint_badge(actor: User, badge: Badge, seen_serial: int) -> Badge:
    """A new printing of a lost (or revoked) badge: the serial goes up, so the code of every earlier
    printing stops working at once; a revoked badge is valid again. ``seen_serial`` is the serial
    the help desk was shown: two clicks reprint once, the second is told."""
    ensure(can_manage_edition(actor, badge.edition))
    now = utcnow()
    was_revoked = badge.revoked_at is not None
    found = entitlements(badge.edition, [badge.user_id]).get(badge.user_id)
    changed = db.session.execute(
        update(Badge)
        .where(Badge.id == badge.id, Badge.serial == seen_serial)
        .values(
            serial=Badge.serial + 1,
            reprinted_at=now,
            revoked_at=None,
            revoked_by_id=None,
            printed_at=None,
            **({"role": found.role.value} if found else {}),
        )
    ).rowcount
    db.session.refresh(badge)
    if not changed:
        raise BadgeChanged(
            _("This badge was already reprinted (it is now number %(serial)s): print that one.", serial=badge.serial)
        )
    record(
        actor,
        AuditAction.BADGE_REPRINTED,
        badge,
        edition_id=badge.edition_id,
        before={"serial": seen_serial, **({"revoked": True} if was_revoked else {})},
        after={"serial": badge.serial},
    )
    return badge


def revoke_badge(actor: User, badge: Badge) -> Badge:
    """The badge opens no door from now on, until it is reprinted. Revoking it twice changes nothing."""
    ensure(can_manage_edition(actor, badge.edition))
    if badge.revoked_at is not None:
        return badge
    badge.revoked_at = utcnow()
    badge.revoked_by_id = actor.id
    db.session.flush()
    record(actor, AuditAction.BADGE_REVOKED, badge, edition_id=badge.edition_id, after={"serial": badge.serial})
    return badge


def correct_badge(actor: User, badge: Badge, *, name: str, company: str) -> Badge:
    """Fix a typo in the printed name or company. The code does not carry them, so the badge
    already printed keeps working; print it again to carry the correction."""
    ensure(can_manage_edition(actor, badge.edition))
    name, company = " ".join(name.split()), " ".join(company.split())
    if not name:
        raise BadgeError(_("Enter the name to print."), "name")
    before = {"name": badge.name, "company": badge.company}
    after = {"name": name[:120], "company": company[:200]}
    if before == after:
        return badge
    badge.name, badge.company = after["name"], after["company"]
    db.session.flush()
    record(
        actor,
        AuditAction.BADGE_CORRECTED,
        badge,
        edition_id=badge.edition_id,
        before={key: value for key, value in before.items() if value != after[key]},
        after={key: value for key, value in after.items() if value != before[key]},
    )
    return badge


@dataclass(frozen=True)
class DeskPerson:
    """One person the help desk found: their badge, or the role they would get, or neither."""

    user: User
    badge: Badge | None
    role: Badge.Role | None


HELP_DESK_RESULTS = 20
_HAN = re.compile(r"[\u3400-\u9fff]")


def long_enough(words: str) -> bool:
    """Two letters at least, or one Chinese character (a surname is one)."""
    words = words.strip()
    return len(words) >= 2 or bool(_HAN.search(words))


def search_people(edition: Edition, words: str) -> list[DeskPerson]:
    """People whose name or e-mail address contains ``words``, or whose badge prints a name that
    does: those with a badge or entitled to one first, at most HELP_DESK_RESULTS. Three queries."""
    words = " ".join(words.split()).lower()
    if not long_enough(words):
        return []
    matching_badges = select(Badge.user_id).where(
        Badge.edition_id == edition.id, func.lower(Badge.name).contains(words, autoescape=True)
    )
    users = list(
        db.session.scalars(
            select(User)
            .where(
                or_(
                    func.lower(User.name).contains(words, autoescape=True),
                    func.lower(User.email).contains(words, autoescape=True),
                    User.id.in_(matching_badges),
                )
            )
            .order_by(func.lower(User.name), User.id)
            .limit(200)
        )
    )
    if not users:
        return []
    ids = [user.id for user in users]
    badges = {
        badge.user_id: badge
        for badge in db.session.scalars(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id.in_(ids)))
    }
    found = entitlements(edition, ids)
    people = [
        DeskPerson(user, badges.get(user.id), found[user.id].role if user.id in found else None) for user in users
    ]
    people.sort(key=lambda person: person.badge is None and person.role is None)
    return people[:HELP_DESK_RESULTS]


# --- choosing badges to print ----------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which badges a bulk print holds: present on ``day`` (None: any day), exhibitor staff of
    ``pavilion_id``'s booths (None: everyone), of ``role`` (None: every role)."""

    day: date | None = None
    pavilion_id: int | None = None
    role: Badge.Role | None = None


def _present_on(edition: Edition, day: date, user_ids: Collection[int]) -> set[int]:
    """Of ``user_ids``, who is at the venue on ``day``: organizers, staff and exhibitor staff every
    day; hosted buyers unless they said they are away that day; speakers and delegates when a
    session they speak at or hold a confirmed registration for (or a course with a session that
    day) happens that day, at the venue."""
    zone = ZoneInfo(edition.timezone)
    sessions = db.session.execute(
        select(ProgrammeSession.id, ProgrammeSession.forum_id, ProgrammeSession.starts_at).where(
            ProgrammeSession.forum_id.in_(_edition_forum_ids(edition))
        )
    ).all()
    session_ids = [sid for sid, _forum, starts in sessions if starts.astimezone(zone).date() == day]
    forum_ids = sorted({forum for _sid, forum, starts in sessions if starts.astimezone(zone).date() == day})
    present = set(entitlements_every_day(edition))
    present |= {
        user_id
        for user_id, away in db.session.execute(
            select(HostedBuyer.user_id, HostedBuyer.away_days).where(
                HostedBuyer.edition_id == edition.id, HostedBuyer.status == HostedBuyer.Status.ACCEPTED
            )
        )
        if day.isoformat() not in (away or [])
    }
    if session_ids:
        present |= set(
            db.session.scalars(
                select(Speaker.user_id)
                .join(session_speakers, session_speakers.c.speaker_id == Speaker.id)
                .where(session_speakers.c.session_id.in_(session_ids), Speaker.user_id.is_not(None))
            )
        )
    if session_ids or forum_ids:
        present |= set(
            db.session.scalars(
                select(Registration.user_id).where(
                    Registration.status == Registration.Status.CONFIRMED,
                    or_(Registration.session_id.in_(session_ids), Registration.forum_id.in_(forum_ids)),
                )
            )
        )
    return present & set(user_ids)


def entitlements_every_day(edition: Edition) -> set[int]:
    """Who is at the venue every day: the organizers, the check-in staff and the exhibitor staff."""
    roles = db.session.scalars(
        select(EditionRole.user_id).where(
            or_(
                (EditionRole.kind == EditionRole.ORGANIZER)
                & (or_(EditionRole.edition_id == edition.id, EditionRole.edition_id.is_(None))),
                (EditionRole.kind == EditionRole.CHECKIN) & (EditionRole.edition_id == edition.id),
            )
        )
    )
    return set(roles) | {user_id for user_id, _company in db.session.execute(_exhibitor_staff(edition))}


def selected_badges(edition: Edition, selection: Selection) -> list[Badge]:
    """The valid (not revoked) badges a bulk print holds, by printed name."""
    query = (
        select(Badge)
        .where(Badge.edition_id == edition.id, Badge.revoked_at.is_(None))
        .order_by(func.lower(Badge.name), Badge.id)
    )
    if selection.role is not None:
        query = query.where(Badge.role == selection.role)
    if selection.pavilion_id is not None:
        staff = _exhibitor_staff(edition, selection.pavilion_id).with_only_columns(CompanyMember.user_id)
        query = query.where(Badge.user_id.in_(staff))
    badges = list(db.session.scalars(query))
    if selection.day is not None:
        present = _present_on(edition, selection.day, [badge.user_id for badge in badges])
        badges = [badge for badge in badges if badge.user_id in present]
    return badges


def mark_printed(ids: list[int], now: datetime | None = None) -> None:
    """Remember when these badges were last printed (a printed badge keeps its role until reprinted)."""
    now = now or utcnow()
    for start in range(0, len(ids), 500):
        db.session.execute(
            update(Badge)
            .where(Badge.id.in_(ids[start : start + 500]))
            .values(printed_at=now)
            .execution_options(synchronize_session="fetch")
        )


# --- the organizers' overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    by_role: list[tuple[Badge.Role, int]]  # valid badges per role, in the order of the roles
    valid: int
    revoked: int
    printed: int
    missing: int  # people entitled to a badge who have none yet ("Prepare badges" issues them)


def overview(edition: Edition) -> Overview:
    counts = dict(
        db.session.execute(
            select(Badge.role, func.count())
            .where(Badge.edition_id == edition.id, Badge.revoked_at.is_(None))
            .group_by(Badge.role)
        ).all()
    )
    revoked, printed = db.session.execute(
        select(
            func.count(Badge.revoked_at),
            func.count(Badge.printed_at),
        ).where(Badge.edition_id == edition.id)
    ).one()
    issued = set(db.session.scalars(select(Badge.user_id).where(Badge.edition_id == edition.id)))
    missing = len(set(entitlements(edition)) - issued)
    by_role = [(role, int(counts.get(role, 0))) for role in Badge.Role]
    return Overview(by_role, sum(count for _role, count in by_role), int(revoked), int(printed), missing)
