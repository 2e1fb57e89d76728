"""Check-in at the door: scanning tickets, the edition's check-in staff, and attendance counts.

Services flush and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from expo.accounts.models import EditionRole, User
from expo.accounts.services import find_user_by_email
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.content_languages import DEFAULT_SOURCE_LANGUAGE
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.lib.rules import RuleBroken
from expo.permissions import can_check_in, can_manage_edition, ensure
from expo.registrations import tickets
from expo.registrations.models import Registration
from expo.registrations.tickets import CheckInResult, TicketError


class CheckinError(RuleBroken):
    """A rule said no; the message is safe to show to organizers and check-in staff."""


class NoSuchAccount(CheckinError):
    pass


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
