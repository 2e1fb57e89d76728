"""Check-in at the door: scanning tickets, the edition's check-in staff, and attendance counts.

Services flush and never commit; the view commits once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ARRAY, any_, case, func, insert, literal, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from expo.accounts.models import EditionRole, User
from expo.accounts.services import find_user_by_email
from expo.audit.models import AuditAction
from expo.audit.services import record, record_each
from expo.badges import services as badges
from expo.badges.codes import code_digest, is_badge_payload
from expo.badges.models import Badge
from expo.checkin.models import CheckinScan
from expo.content_languages import DEFAULT_SOURCE_LANGUAGE
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.i18n import datetime_in_zone, is_known_timezone, local_datetime
from expo.lib.rules import RuleBroken
from expo.permissions import can_check_in, can_manage_edition, ensure
from expo.registrations import tickets
from expo.registrations.models import Registration
from expo.registrations.tickets import CheckInResult, TicketError
from expo.webhooks import announce as webhooks
from expo.webhooks import events as webhook_events


class CheckinError(RuleBroken):
    """A rule said no; the message is safe to show to organizers and check-in staff."""


class NoSuchAccount(CheckinError):
    pass


class TooManyScans(CheckinError):
    status = 413


class TicketRefused(CheckinError):
    """The ticket cannot be checked in here; ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


# --- scanning tickets ------------------------------------------------------------------------------


def check_in_ticket(actor: User, edition: Edition, payload: str, now: datetime | None = None) -> CheckInResult:
    """Check a scanned ticket in at ``edition``'s door, once.

    Raises TicketRefused with 400 for a code that is not a genuine Expo ticket, 404 for a ticket
    nobody holds here (unknown, or for another edition: as for any other tenant's object), and
    409 for a registration that exists but is not confirmed.
    """
    ensure(can_check_in(actor, edition))
    try:
        code = tickets.ticket_code_from_payload(payload)
    except TicketError as exc:
        raise TicketRefused(str(exc), 400) from None
    registration = db.session.scalar(
        select(Registration)
        .where(Registration.ticket_code == code)
        .options(
            selectinload(Registration.session).selectinload(ProgrammeSession.forum),
            selectinload(Registration.forum),
            selectinload(Registration.user),
        )
    )
    if registration is None:
        raise TicketRefused(_("No registration has this ticket."), 404)
    forum = registration.forum if registration.forum_id is not None else registration.session.forum
    # Checked before tickets.check_in, which would refuse staff of this edition with NotAllowed
    # (they may not check in for the other edition) instead of telling them what is wrong.
    if forum.edition_id != edition.id:
        raise TicketRefused(_("This ticket is for another edition."), 404)
    try:
        return tickets.check_in(actor, payload, edition_id=edition.id, now=now)
    except TicketError as exc:
        raise TicketRefused(str(exc), 409) from None


# --- offline check-in: the list of valid codes, and scans synced later ----------------------------

# A batch the sync endpoint takes at once; the app sends larger queues in several.
MAX_SYNC_BATCH = 500
# How far ahead of the server a device's clock may be before its scan times are not believed.
CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class OfflineCode:
    """One code a check-in device may accept without asking: the SHA-256 of the scanned text, whose
    it is and what it is for. The device never holds the key that makes codes."""

    digest: str
    kind: str  # "ticket" (a session or course registration) or "badge" (a venue badge)
    name: str
    organisation: str
    title: str  # the session or course; for a badge, its role
    when: str  # the session's (or the course's first session's) start at the venue, formatted
    checked_in_at: datetime | None
    holder_id: int  # not sent to the device: counts the people whose names left the site

    def as_json(self) -> dict:
        return {
            "digest": self.digest,
            "kind": self.kind,
            "name": self.name,
            "organisation": self.organisation,
            "title": self.title,
            "when": self.when,
            "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
        }


def offline_codes(actor: User, edition: Edition) -> list[OfflineCode]:
    """Every code that would be let in at ``edition``'s door now, for the check-in app to check
    scans against with no network: tickets of confirmed registrations for its sessions and courses,
    and the venue badges that open its doors (``badges.valid_codes``).

    Three queries whatever the number of codes; the digests need the signing key, so they are made
    here, one HMAC each. The list carries the holders' names off the site, so it is recorded as an
    export (who, when, how many people) in the caller's transaction."""
    ensure(can_check_in(actor, edition))
    zone = edition.timezone if is_known_timezone(edition.timezone) else "UTC"
    first_sessions = dict(
        db.session.execute(
            select(ProgrammeSession.forum_id, func.min(ProgrammeSession.starts_at))
            .join(Forum, ProgrammeSession.forum_id == Forum.id)
            .where(Forum.edition_id == edition.id, Forum.enrols_whole_course.is_(True))
            .group_by(ProgrammeSession.forum_id)
        ).all()
    )
    course = aliased(Forum)
    session_forum = aliased(Forum)
    rows = db.session.execute(
        select(
            Registration.ticket_code,
            Registration.checked_in_at,
            Registration.forum_id,
            Registration.user_id,
            User.name,
            User.organisation,
            ProgrammeSession.title,
            ProgrammeSession.starts_at,
            course.title,
        )
        .join(User, Registration.user_id == User.id)
        .outerjoin(ProgrammeSession, Registration.session_id == ProgrammeSession.id)
        .outerjoin(session_forum, ProgrammeSession.forum_id == session_forum.id)
        .outerjoin(course, Registration.forum_id == course.id)
        .where(
            Registration.status == Registration.Status.CONFIRMED,
            or_(session_forum.edition_id == edition.id, course.edition_id == edition.id),
        )
        .order_by(Registration.id)
    ).all()
    codes = []
    for (
        ticket_code,
        checked_in_at,
        forum_id,
        holder_id,
        name,
        organisation,
        session_title,
        starts_at,
        course_title,
    ) in rows:
        if forum_id is not None:
            title, starts_at = course_title, first_sessions.get(forum_id)
        else:
            title = session_title
        codes.append(
            OfflineCode(
                digest=code_digest(tickets.payload_for_code(ticket_code)),
                kind="ticket",
                name=name,
                organisation=organisation or "",
                title=title,
                when=datetime_in_zone(starts_at, zone, "short") if starts_at else "",
                checked_in_at=checked_in_at,
                holder_id=holder_id,
            )
        )
    codes.extend(
        OfflineCode(
            digest=badge.digest,
            kind="badge",
            name=badge.name,
            organisation=badge.company,
            title=badge.role_label,
            when="",
            checked_in_at=None,
            holder_id=badge.user_id,
        )
        for badge in badges.valid_codes(edition)
    )
    record_codes_loaded(actor, edition, edition, {code.holder_id for code in codes})
    return codes


def record_codes_loaded(actor: User, subject, edition: Edition, holder_ids: set[int]) -> None:
    """An offline app loaded ``edition``'s codes with their holders' names onto a device: an export
    of personal data (who, when, how many people), in the caller's transaction, for the edition's
    organizers to see. ``subject`` is what the device works for (the edition's door, a booth)."""
    record(
        actor,
        AuditAction.OFFLINE_CODES_LOADED,
        subject,
        edition_id=edition.id,
        after={"format": "json", "people": len(holder_ids)},
    )


@dataclass(frozen=True)
class QueuedScan:
    """A scan as the device queued it: its own id (a UUID), the text it read, and when (device clock)."""

    scan_id: str
    code: str
    scanned_at: datetime


@dataclass(frozen=True)
class SyncedScan:
    """The answer to one synced scan; a scan sent again gets the answer it had the first time."""

    scan_id: str
    outcome: str  # CheckinScan.Outcome
    message: str
    registration: Registration | None = None
    checked_in_at: datetime | None = None
    badge: Badge | None = None

    def as_json(self) -> dict:
        registration, badge = self.registration, self.badge
        if registration is not None:
            name, organisation = registration.user.name, registration.user.organisation or None
            title = tickets.target_title(registration)
        elif badge is not None:
            name, organisation, title = badge.name, badge.company or None, Badge.Role(badge.role).label
        else:
            name = organisation = title = None
        return {
            "id": self.scan_id,
            "status": str(self.outcome),
            "message": self.message,
            "name": name,
            "organisation": organisation,
            "title": title,
            "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
        }


def normal_scan_id(value: object) -> str | None:
    """A scan id as stored (a UUID's lower-case hex with hyphens), or None for anything else."""
    if not isinstance(value, str) or len(value) > 36:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def believable_scan_time(edition: Edition, scanned_at: datetime, now: datetime) -> datetime:
    """The device's time of a scan, unless its clock is plainly wrong: ahead of the server by more
    than a few minutes, or before the edition existed (a phone that lost its date). Such a scan
    counts as made when the server received it: it is still recorded, never lost."""
    earliest = edition.created_at
    if scanned_at > now + CLOCK_TOLERANCE or (earliest is not None and scanned_at < earliest):
        return now
    return min(scanned_at, now)


def _checked_in_message(registration: Registration) -> str:
    user = registration.user
    title = tickets.target_title(registration)
    if user.organisation:
        return _(
            "Checked in: %(name)s, %(organisation)s, %(title)s",
            name=user.name,
            organisation=user.organisation,
            title=title,
        )
    return _("Checked in: %(name)s, %(title)s", name=user.name, title=title)


def _duplicate_message(registration: Registration, checked_in_by: str | None) -> str:
    when = local_datetime(registration.checked_in_at)
    if checked_in_by:
        return _(
            "Duplicate: %(name)s was already checked in at %(time)s by %(staff)s.",
            name=registration.user.name,
            time=when,
            staff=checked_in_by,
        )
    return _("Duplicate: %(name)s was already checked in at %(time)s.", name=registration.user.name, time=when)


def sync_scans(actor: User, edition: Edition, scans: list[QueuedScan], now: datetime | None = None) -> list[SyncedScan]:
    """Record scans a check-in device queued, each exactly once, and answer every one in order.

    - A scan id received before returns the outcome it had then and changes nothing.
    - A genuine, confirmed ticket of this edition is checked in by the same once-only UPDATE as at
      the online door (``tickets.check_in``): the first scan to reach the server wins, at the time
      the device scanned it; any later scan of it, from any device, is a duplicate that names when
      and by whom it was checked in.
    - A venue badge is let in every time it is valid at the moment it was scanned
      (``badges.verify_badge``): people come and go over the days of the fair.
    - Anything else is refused with the reason the online door gives.

    One audit entry per first check-in, as online. A batch of tickets takes the same dozen
    statements whatever its size (badges: one query each). Writes, never commits; a scan id racing
    in from two requests at once fails the second on the unique scan id (IntegrityError: the caller
    rolls back and sends the batch again, which then finds it).
    """
    ensure(can_check_in(actor, edition))
    if len(scans) > MAX_SYNC_BATCH:
        raise TooManyScans(_("Send at most %(count)d scans at once.", count=MAX_SYNC_BATCH))
    now = now or utcnow()
    ids = [scan.scan_id for scan in scans]
    known = {
        row.scan_id: row
        for row in db.session.scalars(
            select(CheckinScan)
            .where(_one_of(CheckinScan.scan_id, ids))
            .options(selectinload(CheckinScan.registration).options(*_ANSWER_LOADS), selectinload(CheckinScan.badge))
        )
    }
    # Read every code once; a forged or foreign one is answered without touching the database.
    codes: dict[str, str | TicketError] = {}
    for scan in scans:
        if scan.scan_id in known or scan.code in codes or is_badge_payload(scan.code):
            continue
        try:
            codes[scan.code] = tickets.ticket_code_from_payload(scan.code)
        except TicketError as exc:
            codes[scan.code] = exc
    ticket_codes = {code for code in codes.values() if isinstance(code, str)}
    registrations = (
        {
            registration.ticket_code: registration
            for registration in db.session.scalars(
                select(Registration).where(_one_of(Registration.ticket_code, ticket_codes)).options(*_ANSWER_LOADS)
            )
        }
        if ticket_codes
        else {}
    )

    replay_names = _staff_names({row.registration.checked_in_by_id for row in known.values() if row.registration})
    answers: dict[str, SyncedScan | None] = {}
    new_rows: list[dict] = []
    # Tickets to check in, first scan of each in batch order: (scan, registration, time).
    candidates: dict[int, tuple[QueuedScan, Registration, datetime]] = {}
    ticket_scans: list[tuple[QueuedScan, Registration]] = []
    for scan in scans:
        if scan.scan_id in answers:
            continue  # the same scan twice in one batch: one answer
        row = known.get(scan.scan_id)
        if row is not None:
            answers[scan.scan_id] = _replayed(row, edition, replay_names)
            continue
        at = believable_scan_time(edition, scan.scanned_at, now)
        if is_badge_payload(scan.code):
            answers[scan.scan_id], badge_row = _badge_scan(actor, edition, scan, at, now)
            new_rows.append(badge_row)
            continue
        code = codes[scan.code]
        registration = registrations.get(code) if isinstance(code, str) else None
        reason = _refusal_reason(code, registration, edition)
        if reason is not None:
            answers[scan.scan_id] = SyncedScan(scan.scan_id, CheckinScan.Outcome.REFUSED, reason)
            new_rows.append(_scan_row(actor, edition, scan, at, now, CheckinScan.Outcome.REFUSED, reason=reason))
            continue
        candidates.setdefault(registration.id, (scan, registration, at))
        ticket_scans.append((scan, registration))
        answers[scan.scan_id] = None  # decided below, with every ticket of the batch at once

    # The once-only UPDATE of the online door, for the whole batch in one statement: a ticket not
    # checked in yet takes the time its first scan here was made; the others are left as they are.
    won = _check_in_once({rid: at for rid, (_scan, _registration, at) in candidates.items()}, actor)
    first_check_ins = [candidates[rid][1] for rid in candidates if rid in won]
    for registration in first_check_ins:
        # What the UPDATE wrote, without reading it back.
        set_committed_value(registration, "checked_in_at", candidates[registration.id][2])
        set_committed_value(registration, "checked_in_by_id", actor.id)
    # Who won the others: before this batch, perhaps another device's sync that committed after
    # this batch's registrations were read: read those once more.
    _reload_check_ins([registration for rid, (_s, registration, _a) in candidates.items() if rid not in won])
    names = _staff_names({registration.checked_in_by_id for _scan, registration in ticket_scans})
    for scan, registration in ticket_scans:
        first = registration.id in won and candidates[registration.id][0] is scan
        at = believable_scan_time(edition, scan.scanned_at, now)
        if first:
            outcome = CheckinScan.Outcome.CHECKED_IN
            message = _checked_in_message(registration)
        else:
            outcome = CheckinScan.Outcome.DUPLICATE
            message = _duplicate_message(registration, names.get(registration.checked_in_by_id))
        answers[scan.scan_id] = SyncedScan(scan.scan_id, outcome, message, registration, registration.checked_in_at)
        new_rows.append(_scan_row(actor, edition, scan, at, now, outcome, registration_id=registration.id))

    if new_rows:
        _insert_scans(new_rows)
    record_each(
        actor,
        AuditAction.TICKET_CHECKED_IN,
        [
            (registration, {"checked_in_at": None}, {"checked_in_at": registration.checked_in_at})
            for registration in first_check_ins
        ],
        edition_id=edition.id,
    )
    if first_check_ins:
        webhooks.registrations_changed(webhook_events.CHECKED_IN, first_check_ins, edition_id=edition.id)
    return [answers[scan_id] for scan_id in dict.fromkeys(ids)]


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _one_of(column, values):
    """``column IN (...)``; on PostgreSQL ``= ANY(array)``: one parameter for the whole batch, so the
    driver does not parse a statement with hundreds of placeholders for every batch."""
    values = list(values)
    if _on_postgresql():
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)


_SCAN_COLUMNS = (
    "scan_id",
    "edition_id",
    "scanned_by_id",
    "registration_id",
    "badge_id",
    "scanned_at",
    "received_at",
    "outcome",
    "reason",
)
_INSERT_SCANS = text(
    "INSERT INTO checkin_scans (" + ", ".join(_SCAN_COLUMNS) + ") SELECT * FROM unnest("
    "CAST(:scan_id AS varchar[]), CAST(:edition_id AS integer[]), CAST(:scanned_by_id AS integer[]),"
    " CAST(:registration_id AS integer[]), CAST(:badge_id AS integer[]), CAST(:scanned_at AS timestamptz[]),"
    " CAST(:received_at AS timestamptz[]), CAST(:outcome AS varchar[]), CAST(:reason AS varchar[]))"
)


def _insert_scans(rows: list[dict]) -> None:
    """The batch's scans in one INSERT; a scan id that arrived meanwhile from a retry fails it on the
    unique scan id. On PostgreSQL the columns travel as arrays (a few parameters, not thousands)."""
    if _on_postgresql():
        db.session.execute(_INSERT_SCANS, {column: [row[column] for row in rows] for column in _SCAN_COLUMNS})
    else:
        db.session.execute(insert(CheckinScan.__table__), rows)


# PostgreSQL: every ticket of a batch in one statement, its times as an array beside its ids (a
# CASE of 500 branches would cost more to compile than to run, and no two batches share it).
_CHECK_IN_ALL_ONCE = text(
    "UPDATE registrations AS r SET checked_in_at = v.at, checked_in_by_id = :by"
    " FROM unnest(CAST(:ids AS integer[]), CAST(:ats AS timestamptz[])) AS v(id, at)"
    " WHERE r.id = v.id AND r.checked_in_at IS NULL RETURNING r.id"
)
_CHECK_IN_ONCE = (
    update(Registration)
    .where(Registration.id == db.bindparam("registration_id"), Registration.checked_in_at.is_(None))
    .values(checked_in_at=db.bindparam("at"), checked_in_by_id=db.bindparam("by"))
)


def _check_in_once(times: dict[int, datetime], actor: User) -> set[int]:
    """The online door's once-only UPDATE for many tickets: each one not checked in yet is checked
    in by ``actor`` at its own time; returns the ids it checked in (the others were in already)."""
    if not times:
        return set()
    if _on_postgresql():
        ids = list(times)
        return set(db.session.scalars(_CHECK_IN_ALL_ONCE, {"by": actor.id, "ids": ids, "ats": [times[i] for i in ids]}))
    # SQLite runs in the process: one cached statement a ticket costs microseconds.
    return {
        registration_id
        for registration_id, at in times.items()
        if db.session.execute(
            _CHECK_IN_ONCE,
            {"registration_id": registration_id, "at": at, "by": actor.id},
            execution_options={"synchronize_session": False},
        ).rowcount
        == 1
    }


def _scan_row(
    actor: User,
    edition: Edition,
    scan: QueuedScan,
    at: datetime,
    now: datetime,
    outcome: str,
    *,
    registration_id: int | None = None,
    badge_id: int | None = None,
    reason: str = "",
) -> dict:
    return {
        "scan_id": scan.scan_id,
        "edition_id": edition.id,
        "scanned_by_id": actor.id,
        "registration_id": registration_id,
        "badge_id": badge_id,
        "scanned_at": at,
        "received_at": now,
        "outcome": outcome,
        "reason": reason[:300],
    }


# Everything an answer names: the attendee, the session or course, and its edition.
_ANSWER_LOADS = (
    selectinload(Registration.user),
    selectinload(Registration.session).selectinload(ProgrammeSession.forum),
    selectinload(Registration.forum),
)


def _reload_check_ins(registrations: list[Registration]) -> None:
    if not registrations:
        return
    by_id = {registration.id: registration for registration in registrations}
    for registration_id, checked_in_at, checked_in_by_id in db.session.execute(
        select(Registration.id, Registration.checked_in_at, Registration.checked_in_by_id).where(
            Registration.id.in_(by_id)
        )
    ):
        set_committed_value(by_id[registration_id], "checked_in_at", checked_in_at)
        set_committed_value(by_id[registration_id], "checked_in_by_id", checked_in_by_id)


def _staff_names(user_ids: set[int | None]) -> dict[int, str]:
    user_ids.discard(None)
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def _replayed(row: CheckinScan, edition: Edition, names: dict[int, str]) -> SyncedScan:
    """A scan received before: its first outcome, told as it stands now (names, times)."""
    registration = row.registration
    if row.edition_id != edition.id:
        # A device switched editions with this scan still queued: it stays with its own edition.
        return SyncedScan(row.scan_id, CheckinScan.Outcome.REFUSED, _("This ticket is for another edition."))
    if row.badge is not None and row.outcome == CheckinScan.Outcome.CHECKED_IN:
        return SyncedScan(
            row.scan_id, row.outcome, _badge_message(row.badge), checked_in_at=row.scanned_at, badge=row.badge
        )
    if row.outcome == CheckinScan.Outcome.REFUSED or registration is None:
        return SyncedScan(row.scan_id, CheckinScan.Outcome.REFUSED, row.reason or _("No registration has this ticket."))
    if row.outcome == CheckinScan.Outcome.CHECKED_IN:
        return SyncedScan(
            row.scan_id, row.outcome, _checked_in_message(registration), registration, registration.checked_in_at
        )
    return SyncedScan(
        row.scan_id,
        row.outcome,
        _duplicate_message(registration, names.get(registration.checked_in_by_id)),
        registration,
        registration.checked_in_at,
    )


def _badge_scan(
    actor: User, edition: Edition, scan: QueuedScan, at: datetime, now: datetime
) -> tuple[SyncedScan, dict]:
    """A badge at the door: valid when it was scanned, or refused with the badge's reason."""
    try:
        badge = badges.verify_badge(edition, scan.code, now=at)
    except RuleBroken as exc:
        outcome, reason = CheckinScan.Outcome.REFUSED, str(exc)
        return SyncedScan(scan.scan_id, outcome, reason), _scan_row(
            actor, edition, scan, at, now, outcome, reason=reason
        )
    outcome = CheckinScan.Outcome.CHECKED_IN
    answer = SyncedScan(scan.scan_id, outcome, _badge_message(badge), checked_in_at=at, badge=badge)
    return answer, _scan_row(actor, edition, scan, at, now, outcome, badge_id=badge.id)


def _badge_message(badge: Badge) -> str:
    return _("Badge valid: %(name)s, %(role)s", name=badge.name, role=Badge.Role(badge.role).label)


def _refusal_reason(code: str | TicketError, registration: Registration | None, edition: Edition) -> str | None:
    """Why the online door would refuse this code (its own words), or None to check it in."""
    if isinstance(code, TicketError):
        return str(code)
    if registration is None:
        return _("No registration has this ticket.")
    forum = registration.forum if registration.forum_id is not None else registration.session.forum
    if forum.edition_id != edition.id:
        return _("This ticket is for another edition.")
    if registration.status != Registration.Status.CONFIRMED:
        return tickets.NOT_CONFIRMED_MESSAGES.get(registration.status, tickets.NOT_CONFIRMED_MESSAGES["cancelled"])()
    return None


# --- check-in staff --------------------------------------------------------------------------------


def checkin_staff(edition: Edition) -> list[EditionRole]:
    return list(
        db.session.scalars(
            select(EditionRole)
            .join(User, EditionRole.user_id == User.id)
            .where(EditionRole.edition_id == edition.id, EditionRole.kind == EditionRole.CHECKIN)
            .options(selectinload(EditionRole.user))
            .order_by(func.lower(User.name), User.id)
        )
    )


def _checkin_role(user: User, edition: Edition) -> EditionRole | None:
    return db.session.scalar(
        select(EditionRole).where(
            EditionRole.user_id == user.id,
            EditionRole.edition_id == edition.id,
            EditionRole.kind == EditionRole.CHECKIN,
        )
    )


def add_checkin_staff(actor: User, edition: Edition, email: str) -> EditionRole:
    """Let the confirmed account with ``email`` check tickets in at ``edition``, and nothing else.

    Adding someone twice returns their existing role.
    """
    ensure(can_manage_edition(actor, edition))
    user = find_user_by_email(email)
    if user is None or not user.email_confirmed or user.is_disabled:
        raise NoSuchAccount(
            _("No confirmed account uses this e-mail address. Ask them to sign up and confirm their address first."),
            field="email",
        )
    role = _checkin_role(user, edition)
    if role is not None:
        return role
    role = EditionRole(user_id=user.id, edition_id=edition.id, kind=EditionRole.CHECKIN)
    try:
        # The unique constraint on (user, edition, kind) settles two organizers adding the same person.
        with db.session.begin_nested():
            db.session.add(role)
    except IntegrityError:
        return _checkin_role(user, edition)
    db.session.expire(user, ["roles"])
    record(
        actor,
        AuditAction.CHECKIN_STAFF_ADDED,
        user,
        edition_id=edition.id,
        before=None,
        after={"role": EditionRole.CHECKIN, "edition_id": edition.id, "edition": edition.name},
    )
    return role


def remove_checkin_staff(actor: User, role: EditionRole) -> None:
    ensure(role.kind == EditionRole.CHECKIN and role.edition is not None and can_manage_edition(actor, role.edition))
    record(
        actor,
        AuditAction.CHECKIN_STAFF_REMOVED,
        role.user,
        edition_id=role.edition_id,
        before={"role": role.kind, "edition_id": role.edition_id, "edition": role.edition.name},
        after=None,
    )
    db.session.delete(role)
    db.session.flush()


# --- attendance ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    """Checked in and confirmed for one session, or for a whole training course."""

    key: str  # "session-<id>" or "course-<id>": how the page and counts.json name the row
    title: str
    forum_title: str
    starts_at: datetime | None
    room: str
    today: bool
    checked_in: int
    confirmed: int
    # The language the title is shown in (the reader's, else the record's source language, else English).
    title_language: str = DEFAULT_SOURCE_LANGUAGE

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "forum": self.forum_title,
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "room": self.room,
            "today": self.today,
            "checked_in": self.checked_in,
            "confirmed": self.confirmed,
        }


def attendance(
    edition: Edition, now: datetime | None = None, language: str = DEFAULT_SOURCE_LANGUAGE
) -> list[Attendance]:
    """Every session (and course) of ``edition`` in time order, with its counts; three queries. Titles
    and rooms in ``language`` where they are translated into it."""
    venue = ZoneInfo(edition.timezone)
    now = now or utcnow()
    today = now.astimezone(venue).date()
    forums = {forum.id: forum for forum in db.session.scalars(select(Forum).where(Forum.edition_id == edition.id))}
    sessions = list(
        db.session.scalars(
            select(ProgrammeSession)
            .join(Forum)
            .where(Forum.edition_id == edition.id)
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )
    edition_forums = select(Forum.id).where(Forum.edition_id == edition.id)
    edition_sessions = select(ProgrammeSession.id).where(ProgrammeSession.forum_id.in_(edition_forums))
    counts = {
        (session_id, forum_id): (int(checked_in or 0), int(total or 0))
        for session_id, forum_id, checked_in, total in db.session.execute(
            select(
                Registration.session_id,
                Registration.forum_id,
                func.sum(case((Registration.checked_in_at.is_not(None), 1), else_=0)),
                func.count(),
            )
            .where(
                Registration.status == Registration.Status.CONFIRMED,
                or_(Registration.session_id.in_(edition_sessions), Registration.forum_id.in_(edition_forums)),
            )
            .group_by(Registration.session_id, Registration.forum_id)
        )
    }

    rows: list[Attendance] = []
    course_sessions: dict[int, list[ProgrammeSession]] = {}
    for session in sessions:
        forum = forums[session.forum_id]
        if forum.enrols_whole_course:
            # People enrol in the course, not its sessions: one row for the course.
            course_sessions.setdefault(forum.id, []).append(session)
            continue
        checked_in, total = counts.get((session.id, None), (0, 0))
        title = session.text_in("title", language)
        rows.append(
            Attendance(
                f"session-{session.id}",
                title.text,
                forum.text_in("title", language).text,
                session.starts_at,
                session.text_in("room", language).text,
                session.starts_at.astimezone(venue).date() == today,
                checked_in,
                total,
                title.language,
            )
        )
    for forum in forums.values():
        if not forum.enrols_whole_course:
            continue
        its_sessions = course_sessions.get(forum.id, [])
        checked_in, total = counts.get((None, forum.id), (0, 0))
        title = forum.text_in("title", language)
        rows.append(
            Attendance(
                f"course-{forum.id}",
                title.text,
                title.text,
                its_sessions[0].starts_at if its_sessions else None,
                "",
                any(s.starts_at.astimezone(venue).date() == today for s in its_sessions),
                checked_in,
                total,
                title.language,
            )
        )
    # A course without sessions yet goes last.
    rows.sort(key=lambda row: (row.starts_at is None, row.starts_at or now, row.title))
    return rows
