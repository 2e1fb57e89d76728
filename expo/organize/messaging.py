"""Organizers' messages to the audience of a session or a forum, and their delivery reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from expo.accounts.models import User
from expo.background import enqueue_after_commit
from expo.db_types import utcnow
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.notifications.models import OutboxMessage
from expo.notifications.services import queue_email
from expo.permissions import can_manage_edition, ensure
from expo.registrations.models import AudienceMessage, Registration
from expo.registrations.services import forum_of

FAN_OUT_TASK = "registrations.fan_out_audience_message"
CONFIRMED_ONLY, ALL_ACTIVE = "confirmed", "all_active"
AUDIENCES = (CONFIRMED_ONLY, ALL_ACTIVE)

Target = ProgrammeSession | Forum


class MessagingError(Exception):
    """The message cannot be sent as asked; the text is safe to show."""


def batch_name(message: AudienceMessage) -> str:
    return f"audience:{message.id}"


def send_audience_message(actor: User, target: Target, *, subject: str, body: str,
                          audience: str = CONFIRMED_ONLY) -> AudienceMessage:
    """Record the message; the worker fans it out once the transaction has committed."""
    ensure(can_manage_edition(actor, forum_of(target).edition))
    if audience not in AUDIENCES:
        raise MessagingError(_("Choose who receives the message."))
    if not subject.strip() or not body.strip():
        raise MessagingError(_("Write a subject and a message."))
    message = AudienceMessage(
        author_id=actor.id,
        session_id=target.id if isinstance(target, ProgrammeSession) else None,
        forum_id=target.id if isinstance(target, Forum) else None,
        audience=audience,
        subject=" ".join(subject.splitlines()).strip(),  # a line break would end the header
        body=body,
        status=AudienceMessage.QUEUED,
    )
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit(FAN_OUT_TASK, message.id)
    return message


def _recipient_filter(message: AudienceMessage):
    """A forum's audience: its course enrolments, or everyone registered for one of its sessions."""
    if message.session_id is not None:
        return Registration.session_id == message.session_id
    return or_(
        Registration.forum_id == message.forum_id,
        Registration.session_id.in_(
            select(ProgrammeSession.id).where(ProgrammeSession.forum_id == message.forum_id)
        ),
    )


def recipients(message: AudienceMessage) -> list[User]:
    statuses = [Registration.CONFIRMED] if message.audience == CONFIRMED_ONLY else list(Registration.ACTIVE)
    registered = select(Registration.user_id).where(_recipient_filter(message), Registration.status.in_(statuses))
    return list(db.session.scalars(
        select(User).where(User.id.in_(registered), User.is_disabled.is_(False)).order_by(User.id)
    ))


def fan_out_audience_message(message_id: int) -> int:
    """Queue one e-mail per recipient. Safe to run twice: done messages are skipped, and each
    e-mail's dedupe key means a re-run after a crash queues only what is missing."""
    message = db.session.get(AudienceMessage, message_id)
    if message is None or message.status == AudienceMessage.DONE:
        return 0
    db.session.execute(
        update(AudienceMessage)
        .where(AudienceMessage.id == message.id, AudienceMessage.status != AudienceMessage.DONE)
        .values(status=AudienceMessage.SENDING)
        .execution_options(synchronize_session=False)
    )
    target = db.session.get(ProgrammeSession, message.session_id) if message.session_id is not None \
        else db.session.get(Forum, message.forum_id)
    if target is None:
        return 0
    forum = forum_of(target)
    people = recipients(message)
    for user in people:
        queue_email(
            recipient=user.email,
            kind="registrations.audience_message",
            template="audience_message",
            dedupe_key=f"audience:{message.id}:{user.id}",
            batch=batch_name(message),
            context={"user": user, "message": message, "title": target.title, "forum": forum,
                     "edition": forum.edition},
            language=user.language,
            user_id=user.id,
        )
    db.session.execute(
        update(AudienceMessage).where(AudienceMessage.id == message.id)
        .values(status=AudienceMessage.DONE, recipients_total=len(people), completed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(message)
    return len(people)


def requeue_stalled_audience_messages(now: datetime | None = None) -> int:
    """Publish the fan-out again for messages still queued after a while: their task was lost
    (the broker was down at commit time). Running the fan-out twice is harmless."""
    stalled_before = (now or utcnow()) - timedelta(minutes=10)
    ids = db.session.scalars(
        select(AudienceMessage.id)
        .where(AudienceMessage.status != AudienceMessage.DONE, AudienceMessage.created_at < stalled_before)
        .order_by(AudienceMessage.id)
        .limit(100)
    ).all()
    for message_id in ids:
        enqueue_after_commit(FAN_OUT_TASK, message_id)
    return len(ids)


@dataclass
class DeliveryReport:
    sent: int = 0
    pending: int = 0
    failed: int = 0


def audience_messages(target: Target, limit: int = 50) -> list[tuple[AudienceMessage, DeliveryReport]]:
    """The latest messages to this audience with their delivery counts, in two queries."""
    column = AudienceMessage.session_id if isinstance(target, ProgrammeSession) else AudienceMessage.forum_id
    messages = list(db.session.scalars(
        select(AudienceMessage).where(column == target.id).options(selectinload(AudienceMessage.author))
        .order_by(AudienceMessage.created_at.desc(), AudienceMessage.id.desc()).limit(limit)
    ))
    reports = {batch_name(message): DeliveryReport() for message in messages}
    if reports:
        rows = db.session.execute(
            select(OutboxMessage.batch, OutboxMessage.status, func.count(OutboxMessage.id))
            .where(OutboxMessage.batch.in_(list(reports)))
            .group_by(OutboxMessage.batch, OutboxMessage.status)
        ).all()
        for batch, status, count in rows:
            report = reports[batch]
            if status == OutboxMessage.SENT:
                report.sent += count
            elif status == OutboxMessage.FAILED:
                report.failed += count
            else:  # pending, or being handed to the mail server right now
                report.pending += count
    return [(message, reports[batch_name(message)]) for message in messages]
