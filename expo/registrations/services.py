"""Registering for sessions and courses without ever overbooking; waiting lists and promotion.

Capacity is taken with one conditional UPDATE (``seats_taken < capacity``) whose row lock
serialises everyone registering for, or cancelling from, the same session on PostgreSQL; on
SQLite every transaction starts with BEGIN IMMEDIATE, which serialises writers outright. The
same lock makes promotion from the waiting list happen once per freed seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from expo.accounts.models import User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.db_types import utcnow
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession
from expo.lib.rules import RuleBroken
from expo.permissions import can_manage_edition, ensure
from expo.registrations.models import Registration, new_ticket_code
from expo.webhooks import announce as webhooks
from expo.webhooks import events as webhook_events

Target = ProgrammeSession | Forum

TICKET_TASK = "registrations.send_ticket"
PROMOTED_TASK = "registrations.notify_promoted"


class RegistrationError(RuleBroken):
    """A registration rule said no; the message is safe to show. ``status`` is the HTTP answer."""

    status = 409


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    pass


class NotRegistrable(RegistrationError):
    pass


class InvalidAnswers(RegistrationError):
    status = 400

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some answers are missing or not valid."))
        self.errors = errors


class CapacityTooLow(RegistrationError):
    pass


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    clashes: list[ProgrammeSession]


def forum_of(target: Target) -> Forum:
    return target.forum if isinstance(target, ProgrammeSession) else target


def _target_filter(target: Target):
    if isinstance(target, ProgrammeSession):
        return Registration.session_id == target.id
    return Registration.forum_id == target.id


def take_seat(target: Target) -> bool:
    """Take one seat if one is free, atomically. True if taken."""
    model = type(target)
    result = db.session.execute(
        update(model)
        .where(model.id == target.id, or_(model.capacity.is_(None), model.seats_taken < model.capacity))
        .values(seats_taken=model.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(target, ["seats_taken"])
    return result.rowcount == 1


def release_seat(target: Target) -> None:
    model = type(target)
    db.session.execute(
        update(model)
        .where(model.id == target.id, model.seats_taken > 0)
        .values(seats_taken=model.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(target, ["seats_taken"])


def next_waitlist_number(target: Target) -> int:
    model = type(target)
    number = db.session.execute(
        update(model)
        .where(model.id == target.id)
        .values(waitlist_seq=model.waitlist_seq + 1)
        .returning(model.waitlist_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(target, ["waitlist_seq"])
    return number


def validate_answers(forum: Forum, answers: dict[str, object]) -> dict[str, object]:
    """Keep only answers to this forum's questions, checked against their kind and choices."""
    clean: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in forum.questions:
        key = str(question.id)
        value = answers.get(key)
        if question.kind == ForumQuestion.CHECKBOX:
            value = bool(value)
            if question.required and not value:
                errors[key] = _("Tick this box to register.")
        elif question.kind == ForumQuestion.CHOICE:
            value = (value or "").strip() if isinstance(value, str) else ""
            if value and value not in question.choices:
                errors[key] = _("Choose one of the options.")
            elif question.required and not value:
                errors[key] = _("Choose one of the options.")
        else:
            value = (value or "").strip() if isinstance(value, str) else ""
            if len(value) > 2000:
                errors[key] = _("Keep the answer under 2,000 characters.")
            elif question.required and not value:
                errors[key] = _("This question needs an answer.")
        clean[key] = value
    if errors:
        raise InvalidAnswers(errors)
    return clean


def active_registration(user: User, target: Target) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.user_id == user.id, _target_filter(target), Registration.status.in_(Registration.ACTIVE)
        )
    )


def registration_covering(user: User, session: ProgrammeSession) -> Registration | None:
    """The user's active registration for this session, or their enrolment in its course."""
    return db.session.scalar(
        select(Registration)
        .where(
            Registration.user_id == user.id,
            Registration.status.in_(Registration.ACTIVE),
            or_(Registration.session_id == session.id, Registration.forum_id == session.forum_id),
        )
        .limit(1)
    )


def agenda_sessions(user: User) -> tuple[list[ProgrammeSession], set[int]]:
    """Sessions on the user's agenda (registered, waiting or enrolled) and those whose stream they may see."""
    registrations = [r for r in registrations_of(user) if r.is_active]
    sessions: dict[int, ProgrammeSession] = {}
    streams: set[int] = set()
    for registration in registrations:
        covered = [registration.session] if registration.session_id else registration.forum.sessions
        for session in covered:
            sessions[session.id] = session
            if registration.status == Registration.Status.CONFIRMED:
                streams.add(session.id)
    return sorted(sessions.values(), key=lambda s: s.starts_at), streams


def clashing_sessions(user: User, session: ProgrammeSession) -> list[ProgrammeSession]:
    """The user's other sessions (registered or waiting, or via a course) that overlap ``session``."""
    return [other for other in _sessions_held_around(user, session) if other.id != session.id]


def _sessions_held_around(user: User, session: ProgrammeSession) -> list[ProgrammeSession]:
    """In one query: ``session`` itself if the user holds it, and the user's sessions (registered,
    waiting, or via a course) overlapping it. Registering asks both questions at once."""
    return list(
        db.session.scalars(
            _held_around_statement(),
            {
                "user_id": user.id,
                "session_id": session.id,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
            },
        )
    )


@cache
def _held_around_statement() -> Select:
    # Built once: on the registration hot path, composing the expression costs more than running it.
    user_id = bindparam("user_id")
    active = Registration.status.in_(Registration.ACTIVE)
    enrolled_forums = select(Registration.forum_id).where(
        Registration.user_id == user_id, Registration.forum_id.is_not(None), active
    )
    registered_sessions = select(Registration.session_id).where(
        Registration.user_id == user_id, Registration.session_id.is_not(None), active
    )
    return (
        select(ProgrammeSession)
        .where(
            or_(
                ProgrammeSession.id == bindparam("session_id"),
                and_(
                    ProgrammeSession.starts_at < bindparam("ends_at", type_=ProgrammeSession.ends_at.type),
                    ProgrammeSession.ends_at > bindparam("starts_at", type_=ProgrammeSession.starts_at.type),
                ),
            ),
            or_(ProgrammeSession.id.in_(registered_sessions), ProgrammeSession.forum_id.in_(enrolled_forums)),
        )
        .order_by(ProgrammeSession.starts_at)
    )


def register(
    actor: User, target: Target, answers: dict[str, object] | None = None, now: datetime | None = None
) -> RegistrationResult:
    """Register ``actor``: confirmed while seats last, then on the waiting list; pending in approval mode."""
    now = now or utcnow()
    forum = forum_of(target)
    if isinstance(target, ProgrammeSession) and forum.enrols_whole_course:
        raise NotRegistrable(_("This session belongs to a training course: enrol in the whole course instead."))
    if isinstance(target, Forum) and not target.enrols_whole_course:
        raise NotRegistrable(_("Register for this forum's sessions one by one."))
    state = target.registration_state(now)
    if state == "not_yet":
        raise RegistrationClosed(_("Registration has not opened yet."))
    if state == "closed":
        raise RegistrationClosed(_("Registration is closed."))
    clean_answers = validate_answers(forum, answers or {})
    already = _("You are already registered (or on the waiting list).")
    # Reads first: from the seat's lock on, everyone registering for this session waits for our commit.
    if isinstance(target, ProgrammeSession):
        held = _sessions_held_around(actor, target)
        if any(session.id == target.id for session in held):
            raise AlreadyRegistered(already)
        clashes = [session for session in held if session.id != target.id]
    else:
        if active_registration(actor, target) is not None:
            raise AlreadyRegistered(already)
        clashes = []
    if _claims_in_one_statement(target, forum):
        try:
            registration = _claim_seat_or_waitlist_place(actor, target, clean_answers, now)
        except IntegrityError:
            # The same person in two tabs: the statement failed whole, seat included. Its transaction
            # is aborted; the view rolls back, as it does after every refusal.
            raise AlreadyRegistered(already) from None
    else:
        registration = Registration(
            user_id=actor.id,
            session_id=target.id if isinstance(target, ProgrammeSession) else None,
            forum_id=target.id if isinstance(target, Forum) else None,
            answers=clean_answers,
        )
        try:
            # The seat and the row stand or fall together: a duplicate rolls the seat back too.
            with db.session.begin_nested():
                _place(registration, target, awaiting_approval=forum.needs_approval, now=now)
                db.session.add(registration)
        except IntegrityError:
            raise AlreadyRegistered(already) from None
    _announce(registration)
    return RegistrationResult(registration, clashes)


def _claims_in_one_statement(target: Target, forum: Forum) -> bool:
    """PostgreSQL takes the seat (or the next waiting-list number) and inserts the registration in one
    statement, so the session's row lock is held for that round trip and the commit, not five. SQLite
    serialises whole transactions anyway (BEGIN IMMEDIATE) and keeps the step-by-step path, as does
    approval mode."""
    return db.session.get_bind().dialect.name == "postgresql" and not forum.needs_approval


def _claim_seat_or_waitlist_place(
    actor: User, target: Target, answers: dict[str, object], now: datetime
) -> Registration:
    registration = db.session.scalars(
        _claim_statement(type(target)),
        {
            "target_id": target.id,
            "user_id": actor.id,
            "answers": answers,
            "ticket_code": new_ticket_code(),
            "now": now,
        },
    ).one()
    db.session.expire(target, ["seats_taken", "waitlist_seq"])
    return registration


@cache
def _claim_statement(model: type[ProgrammeSession] | type[Forum]):
    """Lock the session's (or course's) row, take a seat if one is free or else the next waiting-list
    number, and insert the registration: one statement, built once."""
    locked = (
        select(model.id, or_(model.capacity.is_(None), model.seats_taken < model.capacity).label("has_seat"))
        .where(model.id == bindparam("target_id"))
        .with_for_update()
        .cte("locked")
    )
    # Counts from the row as locked: FOR UPDATE re-reads it after waiting for the previous holder.
    counted = (
        update(model)
        .where(model.id == locked.c.id)
        .values(
            seats_taken=model.seats_taken + case((locked.c.has_seat, 1), else_=0),
            waitlist_seq=model.waitlist_seq + case((locked.c.has_seat, 0), else_=1),
        )
        .returning(locked.c.id, locked.c.has_seat, model.waitlist_seq)
        .cte("counted")
    )
    now = bindparam("now", type_=Registration.created_at.type)
    row = select(
        bindparam("user_id"),
        counted.c.id,
        case((counted.c.has_seat, Registration.Status.CONFIRMED), else_=Registration.Status.WAITLISTED),
        case((counted.c.has_seat, None), else_=counted.c.waitlist_seq),
        bindparam("answers", type_=Registration.answers.type),
        bindparam("ticket_code"),
        now,
        case((counted.c.has_seat, now), else_=None),
    )
    target_column = "session_id" if model is ProgrammeSession else "forum_id"
    columns = [
        "user_id",
        target_column,
        "status",
        "waitlist_number",
        "answers",
        "ticket_code",
        "created_at",
        "confirmed_at",
    ]
    # "orm": the parameters fill the bind parameters above; they are not rows of a bulk INSERT.
    return insert(Registration).from_select(columns, row).returning(Registration).execution_options(dml_strategy="orm")


def _place(registration: Registration, target: Target, *, awaiting_approval: bool, now: datetime) -> None:
    if awaiting_approval:
        registration.status = Registration.Status.PENDING
    elif take_seat(target):
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
    else:
        number = next_waitlist_number(target)  # first: its UPDATE autoflushes the registration
        registration.status = Registration.Status.WAITLISTED
        registration.waitlist_number = number


def _announce(registration: Registration) -> None:
    from expo.background import enqueue_after_commit

    db.session.flush()
    if registration.status == Registration.Status.CONFIRMED:
        enqueue_after_commit(TICKET_TASK, registration.id)
        webhooks.registration_changed(webhook_events.REGISTRATION_CONFIRMED, registration)


def lock_target(target: Target) -> None:
    """Serialise everyone changing this session's (or course's) seats until the transaction ends.

    A row lock on PostgreSQL; SQLite transactions already hold the database's write lock.
    """
    model = type(target)
    db.session.execute(select(model.id).where(model.id == target.id).with_for_update())


def cancel(actor: User, registration: Registration, now: datetime | None = None) -> list[Registration]:
    """Cancel a registration or leave the waiting list; a freed seat goes to the first in line.

    Returns the registrations promoted as a result.
    """
    target = registration.target
    ensure(registration.user_id == actor.id or can_manage_edition(actor, forum_of(target).edition))
    now = now or utcnow()
    lock_target(target)
    # Read the status only under the lock: a concurrent cancellation may have just promoted us.
    db.session.refresh(registration)
    if not registration.is_active:
        raise RegistrationError(_("This registration is already cancelled."))
    previous = registration.status
    was_confirmed = previous == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    webhooks.registration_changed(webhook_events.REGISTRATION_CANCELLED, registration)
    if registration.user_id != actor.id:
        record(
            actor,
            AuditAction.REGISTRATION_CANCELLED,
            registration,
            edition_id=forum_of(target).edition_id,
            before={"status": previous},
            after={"status": Registration.Status.CANCELLED},
        )
    if not was_confirmed:
        return []
    release_seat(target)
    return promote_from_waitlist(target, now)


def promote_from_waitlist(target: Target, now: datetime | None = None) -> list[Registration]:
    """Give free seats to the first in line, each exactly once; they are told by e-mail."""
    from expo.background import enqueue_after_commit

    now = now or utcnow()
    promoted: list[Registration] = []
    while True:
        first_in_line = db.session.scalar(
            select(Registration)
            .where(_target_filter(target), Registration.status == Registration.Status.WAITLISTED)
            .order_by(Registration.waitlist_number)
            .limit(1)
            .execution_options(populate_existing=True)
        )
        if first_in_line is None or not take_seat(target):
            break
        first_in_line.status = Registration.Status.CONFIRMED
        first_in_line.confirmed_at = now
        db.session.flush()
        enqueue_after_commit(PROMOTED_TASK, first_in_line.id)
        webhooks.registration_changed(webhook_events.REGISTRATION_PROMOTED, first_in_line)
        promoted.append(first_in_line)
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line."""
    return waitlist_positions([registration]).get(registration.id)


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    """Each waiting registration's place in its line (1 = next to be promoted), in one query
    however many registrations and lines: a person's agenda may wait in several."""
    waiting = [r for r in registrations if r.status == Registration.Status.WAITLISTED]
    if not waiting:
        return {}
    same_line = (Registration.session_id, Registration.forum_id)
    place = func.rank().over(partition_by=same_line, order_by=Registration.waitlist_number)
    ranked = (
        select(Registration.id, place.label("place"))
        .where(
            Registration.status == Registration.Status.WAITLISTED,
            or_(
                Registration.session_id.in_([r.session_id for r in waiting if r.session_id is not None]),
                Registration.forum_id.in_([r.forum_id for r in waiting if r.forum_id is not None]),
            ),
        )
        .subquery()
    )
    wanted = [r.id for r in waiting]
    rows = db.session.execute(select(ranked.c.id, ranked.c.place).where(ranked.c.id.in_(wanted))).all()
    return {registration_id: place for registration_id, place in rows}


def change_capacity(actor: User, target: Target, capacity: int | None) -> list[Registration]:
    """Organizers change capacity; raising it promotes from the waiting list at once."""
    ensure(can_manage_edition(actor, forum_of(target).edition))
    previous = target.capacity
    model = type(target)
    statement = update(model).where(model.id == target.id)
    if capacity is not None:
        statement = statement.where(model.seats_taken <= capacity)
    changed = db.session.execute(
        statement.values(capacity=capacity).execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(target)
    if not changed:
        raise CapacityTooLow(
            _("%(count)s people already hold seats: the capacity cannot be lower than that.", count=target.seats_taken)
        )
    if previous != capacity:
        record(
            actor,
            AuditAction.CAPACITY_CHANGED,
            target,
            edition_id=forum_of(target).edition_id,
            before={"capacity": previous},
            after={"capacity": capacity},
        )
    return promote_from_waitlist(target)


def decide(actor: User, registration: Registration, *, accept: bool, now: datetime | None = None) -> Registration:
    """Approval mode: an organizer accepts (a seat, or the waiting list when full) or declines."""
    ensure(can_manage_edition(actor, forum_of(registration.target).edition))
    lock_target(registration.target)
    db.session.refresh(registration)  # two organizers clicking at once decide once
    if registration.status != Registration.Status.PENDING:
        raise RegistrationError(_("This registration has already been decided."))
    now = now or utcnow()
    if accept:
        _place(registration, registration.target, awaiting_approval=False, now=now)
        _announce(registration)
    else:
        registration.status = Registration.Status.DECLINED
        registration.cancelled_at = now
    db.session.flush()
    return registration


def registrations_of(user: User) -> list[Registration]:
    """A person's registrations in the order their sessions happen (a course by its first session)."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.user_id == user.id)
        .options(
            # A registration's session, forum and edition are one row each: joined, not three more statements.
            joinedload(Registration.session).joinedload(ProgrammeSession.forum).joinedload(Forum.edition),
            joinedload(Registration.forum).joinedload(Forum.edition),
            joinedload(Registration.forum).selectinload(Forum.sessions),
        )
    )
    return sorted(registrations, key=_when_it_happens)


def _when_it_happens(registration: Registration) -> tuple[bool, datetime | None, int]:
    if registration.session is not None:
        starts = registration.session.starts_at
    else:
        starts = min((session.starts_at for session in registration.forum.sessions), default=None)
    # A course with no sessions yet goes last; ids keep the order stable.
    return starts is None, starts, registration.id


def registrants_query(target: Target) -> Select:
    return (
        select(Registration)
        .where(_target_filter(target))
        .options(selectinload(Registration.user))
        .order_by(
            # confirmed first, then the waiting list in order, then the rest
            Registration.status != Registration.Status.CONFIRMED,
            Registration.status != Registration.Status.WAITLISTED,
            Registration.waitlist_number,
            Registration.created_at,
        )
    )


def counts_by_status(target: Target) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(_target_filter(target))
        .group_by(Registration.status)
    ).all()
    return {status: count for status, count in rows}


def checked_in_count(target: Target) -> int:
    return (
        db.session.scalar(
            select(func.count(Registration.id)).where(_target_filter(target), Registration.checked_in_at.is_not(None))
        )
        or 0
    )
