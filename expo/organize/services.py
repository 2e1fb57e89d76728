"""Organizers' changes to an edition's programme: forums, sessions, speakers, questions, overview."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import IO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from expo import uploads
from expo.accounts.models import User
from expo.accounts.services import find_user_by_email
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.lib.ordering import moved
from expo.lib.rules import RuleBroken
from expo.permissions import can_manage_edition, ensure
from expo.registrations import services as registrations
from expo.registrations.models import Registration

MAX_QUESTIONS_PER_FORUM = 10
MAX_CHOICES = 50


class OrganizeError(RuleBroken):
    """A programme rule said no; the message is safe to show, ``field`` names the form field at fault."""


# --- time: organizers type the venue's local time --------------------------------------------


def local_to_utc(value: datetime | None, zone: str) -> datetime | None:
    """A wall-clock time typed in the edition's zone, as an aware UTC datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(UTC)


def utc_to_local(value: datetime | None, zone: str) -> datetime | None:
    """The naive wall-clock time in ``zone``, as a date-time input shows it."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _check_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise OrganizeError(_("Registration must close after it opens."), "registration_closes_at")


def _check_capacity(capacity: int | None) -> None:
    if capacity is not None and capacity < 0:
        raise OrganizeError(_("The capacity cannot be negative."), "capacity")


def _change_capacity(actor: User, target: ProgrammeSession | Forum, capacity: int | None) -> list[Registration]:
    if target.capacity == capacity:
        return []
    try:
        return registrations.change_capacity(actor, target, capacity)
    except registrations.CapacityTooLow as exc:
        raise OrganizeError(str(exc), "capacity") from None


def _has_active_registrations(*conditions) -> bool:
    return (
        db.session.scalar(
            select(Registration.id).where(or_(*conditions), Registration.status.in_(Registration.ACTIVE)).limit(1)
        )
        is not None
    )


# --- forums --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForumData:
    title: str
    slug: str
    kind: str = Forum.MAIN
    parent_id: int | None = None
    description: str = ""
    position: int = 0
    registration_mode: str = Forum.OPEN
    enrols_whole_course: bool = False
    # Only for forums that take enrolments for the whole course:
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None


def _check_forum(edition: Edition, data: ForumData, editing: Forum | None) -> None:
    if data.kind not in Forum.KINDS:
        raise OrganizeError(_("Unknown kind of forum."), "kind")
    if data.registration_mode not in (Forum.OPEN, Forum.APPROVAL):
        raise OrganizeError(_("Unknown way of registering."), "registration_mode")
    if data.kind == Forum.SUB:
        if data.parent_id is None:
            raise OrganizeError(_("Choose the main forum this sub-forum belongs to."), "parent_id")
        parent = db.session.get(Forum, data.parent_id)
        if parent is None or parent.edition_id != edition.id or parent.kind != Forum.MAIN:
            raise OrganizeError(_("The parent must be a main forum of this edition."), "parent_id")
    elif data.parent_id is not None:
        raise OrganizeError(_("Only sub-forums belong to a main forum."), "parent_id")
    if data.enrols_whole_course and data.kind != Forum.TRAINING:
        raise OrganizeError(_("Only training courses take enrolments for the whole course."), "enrols_whole_course")
    _check_capacity(data.capacity)
    _check_window(data.registration_opens_at, data.registration_closes_at)
    clash = db.session.scalar(select(Forum.id).where(Forum.edition_id == edition.id, Forum.slug == data.slug))
    if clash is not None and (editing is None or clash != editing.id):
        raise OrganizeError(
            _("Another forum of this edition already uses the web address “%(slug)s”.", slug=data.slug), "slug"
        )
    if editing is None:
        return
    if (
        editing.kind == Forum.MAIN
        and data.kind != Forum.MAIN
        and db.session.scalar(select(Forum.id).where(Forum.parent_id == editing.id).limit(1)) is not None
    ):
        raise OrganizeError(_("This forum has sub-forums, so it must stay a main forum."), "kind")
    if data.enrols_whole_course != editing.enrols_whole_course and _has_active_registrations(
        Registration.forum_id == editing.id,
        Registration.session_id.in_(select(ProgrammeSession.id).where(ProgrammeSession.forum_id == editing.id)),
    ):
        raise OrganizeError(
            _("People have already registered, so the way they register cannot change now."), "enrols_whole_course"
        )


def _apply_forum(forum: Forum, data: ForumData) -> None:
    forum.title = data.title
    forum.slug = data.slug
    forum.kind = data.kind
    forum.parent_id = data.parent_id
    forum.description = data.description
    forum.position = data.position
    forum.registration_mode = data.registration_mode
    forum.enrols_whole_course = data.enrols_whole_course
    if data.enrols_whole_course:
        forum.registration_opens_at = data.registration_opens_at
        forum.registration_closes_at = data.registration_closes_at
    else:
        forum.registration_opens_at = forum.registration_closes_at = None


def _flush_unique_slug(data: ForumData) -> None:
    """The unique constraint has the last word when two organizers race for one address."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise OrganizeError(
            _("Another forum of this edition already uses the web address “%(slug)s”.", slug=data.slug), "slug"
        ) from None


def create_forum(actor: User, edition: Edition, data: ForumData) -> Forum:
    ensure(can_manage_edition(actor, edition))
    _check_forum(edition, data, None)
    forum = Forum(
        edition_id=edition.id,
        seats_taken=0,
        waitlist_seq=0,
        capacity=data.capacity if data.enrols_whole_course else None,
    )
    _apply_forum(forum, data)
    db.session.add(forum)
    _flush_unique_slug(data)
    return forum


def update_forum(actor: User, forum: Forum, data: ForumData) -> list[Registration]:
    """Returns the registrations promoted from the waiting list by a higher capacity."""
    ensure(can_manage_edition(actor, forum.edition))
    _check_forum(forum.edition, data, forum)
    # Capacity first: change_capacity expires the forum, which would drop unflushed changes.
    promoted = _change_capacity(actor, forum, data.capacity if data.enrols_whole_course else None)
    _apply_forum(forum, data)
    _flush_unique_slug(data)
    return promoted


def main_forums(edition: Edition) -> list[Forum]:
    return list(
        db.session.scalars(
            select(Forum)
            .where(Forum.edition_id == edition.id, Forum.kind == Forum.MAIN)
            .order_by(Forum.position, Forum.title)
        )
    )


# --- sessions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionData:
    title: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    abstract: str = ""
    room: str = ""
    stream_url: str = ""
    language: str = ""
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    tags: str = ""
    speaker_ids: tuple[int, ...] = field(default_factory=tuple)


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def normalise_tags(text: str) -> str:
    """'AI,  trade ,,ai' -> 'AI, trade': trimmed, no blanks, no repeats (ignoring case).

    Chinese commas and the enumeration comma (，、) separate tags too, as people type them.
    """
    seen: dict[str, str] = {}
    for tag in re.split(r"[,，、]", text):
        tag = tag.strip()
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return ", ".join(seen.values())


def _speakers_for(edition: Edition, speaker_ids: tuple[int, ...]) -> list[Speaker]:
    if not speaker_ids:
        return []
    speakers = list(
        db.session.scalars(select(Speaker).where(Speaker.id.in_(speaker_ids), Speaker.edition_id == edition.id))
    )
    if len(speakers) != len(set(speaker_ids)):
        raise OrganizeError(_("Choose speakers of this edition."), "speakers")
    return speakers


def _check_session(data: SessionData) -> None:
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        raise ValueError("session times must be aware datetimes")
    if data.ends_at <= data.starts_at:
        raise OrganizeError(_("The session must end after it starts."), "ends_at")
    if data.stream_url and not is_web_address(data.stream_url):
        raise OrganizeError(_("Enter a web address starting with http:// or https://."), "stream_url")
    if len(data.tags) > 300:
        raise OrganizeError(_("Use fewer tags (300 characters at most)."), "tags")
    _check_capacity(data.capacity)
    _check_window(data.registration_opens_at, data.registration_closes_at)


def _apply_session(session: ProgrammeSession, data: SessionData, speakers: list[Speaker]) -> None:
    session.title = data.title
    session.abstract = data.abstract
    session.starts_at = data.starts_at
    session.ends_at = data.ends_at
    session.room = data.room
    session.stream_url = data.stream_url
    session.language = data.language
    session.registration_opens_at = data.registration_opens_at
    session.registration_closes_at = data.registration_closes_at
    session.tags = data.tags
    session.speakers = speakers


def create_session(actor: User, forum: Forum, data: SessionData) -> ProgrammeSession:
    ensure(can_manage_edition(actor, forum.edition))
    data = _with_normal_tags(data)
    _check_session(data)
    speakers = _speakers_for(forum.edition, data.speaker_ids)
    session = ProgrammeSession(forum_id=forum.id, capacity=data.capacity, seats_taken=0, waitlist_seq=0)
    _apply_session(session, data, speakers)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(actor: User, session: ProgrammeSession, data: SessionData) -> list[Registration]:
    """Returns the registrations promoted from the waiting list by a higher capacity."""
    edition = session.forum.edition
    ensure(can_manage_edition(actor, edition))
    data = _with_normal_tags(data)
    _check_session(data)
    speakers = _speakers_for(edition, data.speaker_ids)
    # Capacity first: change_capacity expires the session, which would drop unflushed changes.
    promoted = _change_capacity(actor, session, data.capacity)
    _apply_session(session, data, speakers)
    db.session.flush()
    return promoted


def _with_normal_tags(data: SessionData) -> SessionData:
    return replace(data, tags=normalise_tags(data.tags))


def delete_session(actor: User, session: ProgrammeSession) -> None:
    ensure(can_manage_edition(actor, session.forum.edition))
    if _has_active_registrations(Registration.session_id == session.id):
        raise OrganizeError(
            _(
                "People are registered for this session (or waiting for a seat). Cancel their "
                "registrations before deleting it."
            )
        )
    db.session.delete(session)
    db.session.flush()


# --- speakers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerData:
    name: str
    title: str = ""
    organisation: str = ""
    country: str | None = None
    biography: str = ""
    # Links the speaker to their account, which their venue badge is issued to; "" unlinks it.
    account_email: str = ""


def _apply_speaker(speaker: Speaker, data: SpeakerData) -> None:
    for name in ("name", "title", "organisation", "country", "biography"):
        setattr(speaker, name, getattr(data, name))
    speaker.user_id = _speaker_account(data.account_email)


def _speaker_account(email: str) -> int | None:
    if not email:
        return None
    user = find_user_by_email(email)
    if user is None or not user.email_confirmed or user.is_disabled:
        raise OrganizeError(
            _("No confirmed account uses this e-mail address. Ask them to sign up and confirm their address first."),
            "account_email",
        )
    return user.id


def create_speaker(actor: User, edition: Edition, data: SpeakerData, *, photo: IO[bytes] | None = None) -> Speaker:
    ensure(can_manage_edition(actor, edition))
    speaker = Speaker(edition_id=edition.id)
    _apply_speaker(speaker, data)  # an unknown account is refused before the photo is stored
    if photo is not None:
        speaker.photo_path = uploads.store_image(photo, f"speakers/{edition.id}")
    db.session.add(speaker)
    db.session.flush()
    return speaker


def update_speaker(
    actor: User,
    speaker: Speaker,
    edition: Edition,
    data: SpeakerData,
    *,
    photo: IO[bytes] | None = None,
    remove_photo: bool = False,
) -> Speaker:
    """Change a speaker; a new photo replaces the old one, whose file is removed after the commit."""
    ensure(speaker.edition_id == edition.id and can_manage_edition(actor, edition))
    _speaker_account(data.account_email)  # refused before a new photo is stored
    replaced = None
    if photo is not None:
        # Validate and store first: a rejected upload leaves the speaker exactly as it was.
        new_path = uploads.store_image(photo, f"speakers/{edition.id}")
        replaced, speaker.photo_path = speaker.photo_path, new_path
    elif remove_photo:
        replaced, speaker.photo_path = speaker.photo_path, None
    _apply_speaker(speaker, data)
    db.session.flush()
    if replaced:
        uploads.delete_after_commit(replaced)
    return speaker


def speakers_query(edition: Edition):
    return select(Speaker).where(Speaker.edition_id == edition.id).order_by(Speaker.name, Speaker.id)


# --- custom questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionData:
    label: str
    kind: str = ForumQuestion.TEXT
    choices: tuple[str, ...] = ()
    required: bool = False


def parse_choices(text: str) -> tuple[str, ...]:
    """One option per line; blank lines and repeats dropped, order kept."""
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def _check_question(data: QuestionData) -> QuestionData:
    if data.kind not in (ForumQuestion.TEXT, ForumQuestion.CHOICE, ForumQuestion.CHECKBOX):
        raise OrganizeError(_("Unknown kind of question."), "kind")
    if data.kind != ForumQuestion.CHOICE:
        return QuestionData(label=data.label, kind=data.kind, choices=(), required=data.required)
    if len(data.choices) < 2:
        raise OrganizeError(_("Give at least two options, one per line."), "choices")
    if len(data.choices) > MAX_CHOICES or any(len(choice) > 200 for choice in data.choices):
        raise OrganizeError(
            _("Give at most %(count)s options of up to 200 characters each.", count=MAX_CHOICES), "choices"
        )
    return data


def _apply_question(question: ForumQuestion, data: QuestionData) -> None:
    question.label = data.label
    question.kind = data.kind
    question.choices = list(data.choices)
    question.required = data.required


def _questions_of(forum: Forum) -> list[ForumQuestion]:
    return list(
        db.session.scalars(
            select(ForumQuestion)
            .where(ForumQuestion.forum_id == forum.id)
            .order_by(ForumQuestion.position, ForumQuestion.id)
        )
    )


def create_question(actor: User, forum: Forum, data: QuestionData) -> ForumQuestion:
    ensure(can_manage_edition(actor, forum.edition))
    data = _check_question(data)
    existing = _questions_of(forum)
    if len(existing) >= MAX_QUESTIONS_PER_FORUM:
        raise OrganizeError(_("A forum can ask at most %(count)s questions.", count=MAX_QUESTIONS_PER_FORUM))
    question = ForumQuestion(forum_id=forum.id, position=max((q.position for q in existing), default=-1) + 1)
    _apply_question(question, data)
    db.session.add(question)
    db.session.flush()
    db.session.expire(forum, ["questions"])
    return question


def update_question(actor: User, question: ForumQuestion, data: QuestionData) -> ForumQuestion:
    ensure(can_manage_edition(actor, question.forum.edition))
    _apply_question(question, _check_question(data))
    db.session.flush()
    return question


def delete_question(actor: User, question: ForumQuestion) -> None:
    """Answers already given stay in the registrations; they are just no longer shown."""
    forum = question.forum
    ensure(can_manage_edition(actor, forum.edition))
    db.session.delete(question)
    db.session.flush()
    db.session.expire(forum, ["questions"])


def move_question(actor: User, question: ForumQuestion, offset: int) -> None:
    """Move a question up (-1) or down (+1) the form; positions are renumbered 0, 1, 2, ..."""
    forum = question.forum
    ensure(can_manage_edition(actor, forum.edition))
    for position, item in enumerate(moved(_questions_of(forum), question, offset)):
        item.position = position
    db.session.flush()
    db.session.expire(forum, ["questions"])


# --- the programme overview ----------------------------------------------------------------------


@dataclass
class Counts:
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0


@dataclass
class SessionRow:
    session: ProgrammeSession
    counts: Counts


@dataclass
class ForumRow:
    forum: Forum
    counts: Counts
    sessions: list[SessionRow]
    sub_forums: list[ForumRow] = field(default_factory=list)
    question_count: int = 0


def programme_overview(edition: Edition) -> list[ForumRow]:
    """Every forum of the edition (sub-forums nested under their main forum) with its sessions and
    registration counts, in a constant number of queries whatever the size of the programme."""
    forums = list(
        db.session.scalars(
            select(Forum)
            .where(Forum.edition_id == edition.id)
            .options(selectinload(Forum.sessions))
            .order_by(Forum.position, Forum.title, Forum.id)
        )
    )
    forum_ids = [forum.id for forum in forums]
    session_counts: dict[int, Counts] = defaultdict(Counts)
    forum_counts: dict[int, Counts] = defaultdict(Counts)
    question_counts: dict[int, int] = {}
    if forum_ids:
        session_ids = select(ProgrammeSession.id).where(ProgrammeSession.forum_id.in_(forum_ids))
        rows = db.session.execute(
            select(Registration.session_id, Registration.forum_id, Registration.status, func.count(Registration.id))
            .where(
                or_(Registration.session_id.in_(session_ids), Registration.forum_id.in_(forum_ids)),
                Registration.status.in_(Registration.ACTIVE),
            )
            .group_by(Registration.session_id, Registration.forum_id, Registration.status)
        ).all()
        for session_id, forum_id, status, count in rows:
            counts = session_counts[session_id] if session_id is not None else forum_counts[forum_id]
            setattr(counts, status, count)
        question_counts = dict(
            db.session.execute(
                select(ForumQuestion.forum_id, func.count(ForumQuestion.id))
                .where(ForumQuestion.forum_id.in_(forum_ids))
                .group_by(ForumQuestion.forum_id)
            ).all()
        )

    rows_by_id = {
        forum.id: ForumRow(
            forum=forum,
            counts=forum_counts[forum.id],
            sessions=[SessionRow(session, session_counts[session.id]) for session in forum.sessions],
            question_count=question_counts.get(forum.id, 0),
        )
        for forum in forums
    }
    top_level: list[ForumRow] = []
    for forum in forums:
        parent = rows_by_id.get(forum.parent_id) if forum.parent_id is not None else None
        if parent is not None:
            parent.sub_forums.append(rows_by_id[forum.id])
        else:
            top_level.append(rows_by_id[forum.id])
    return top_level
