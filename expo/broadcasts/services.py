"""Composing a broadcast, who receives it, and the worker's batched fan-out with its report.

Fan-out: ``send_broadcast`` stores the broadcast; after commit ``prepare_broadcast`` lists the
recipients once (numbered into batches of BATCH_SIZE) and publishes one ``send_batch`` per batch.
A batch stores every person's in-app notice and e-mail through ``notify_many`` (dedupe key
``broadcast:<id>:<user>``), then sends its e-mails over one SMTP session. Each step can run
twice — a redelivered task, a swept one — and nobody receives anything twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import Integer, and_, exists, func, literal, literal_column, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from expo.accounts.models import User
from expo.background import enqueue_after_commit
from expo.booths.models import Booth, BoothPlacement
from expo.broadcasts.models import Broadcast, BroadcastRecipient
from expo.db_types import utcnow
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.lib.rules import RuleBroken
from expo.lib.urls import external_url
from expo.notifications import delivery
from expo.notifications.models import OutboxMessage
from expo.notifications.notify import Notice, RenderedEmail, notify_many
from expo.permissions import can_send_broadcasts, ensure
from expo.registrations.models import Registration

PREPARE_TASK = "broadcasts.prepare"
SEND_BATCH_TASK = "broadcasts.send_batch"
BATCH_SIZE = 500
KIND = "broadcast"
STALLED_AFTER = timedelta(minutes=10)
# Where the recipient's name goes in a message rendered once per language; replaced per person.
NAME_PLACEHOLDER = "\u27e6recipient-name\u27e7"


class BroadcastError(RuleBroken):
    """The broadcast cannot go out as composed; the message is safe to show."""


@dataclass(frozen=True)
class Draft:
    """A broadcast as the organizer composed it."""

    audience: str
    subject: str
    body: str
    registrants: str = Broadcast.CONFIRMED
    send_email: bool = True
    send_in_app: bool = True
    session_id: int | None = None
    forum_id: int | None = None
    pavilion_id: int | None = None


Target = ProgrammeSession | Forum | Pavilion | Edition


# --- the audience --------------------------------------------------------------------------------


def _target_of(edition: Edition, draft: Draft) -> Target:
    """The session, forum or pavilion the audience names, refused unless it belongs to ``edition``."""
    if draft.audience not in Broadcast.AUDIENCES:
        raise BroadcastError(_("Choose who receives the broadcast."), "audience")
    if draft.audience == Broadcast.SESSION:
        session = db.session.get(ProgrammeSession, draft.session_id) if draft.session_id else None
        if session is None or session.forum.edition_id != edition.id:
            raise BroadcastError(_("Choose a session of this edition."), "session_id")
        return session
    if draft.audience == Broadcast.FORUM:
        forum = db.session.get(Forum, draft.forum_id) if draft.forum_id else None
        if forum is None or forum.edition_id != edition.id:
            raise BroadcastError(_("Choose a forum of this edition."), "forum_id")
        return forum
    if draft.audience == Broadcast.PAVILION_EXHIBITORS:
        pavilion = db.session.get(Pavilion, draft.pavilion_id) if draft.pavilion_id else None
        if pavilion is None or pavilion.edition_id != edition.id:
            raise BroadcastError(_("Choose a pavilion of this edition."), "pavilion_id")
        return pavilion
    return edition


def target_of(broadcast: Broadcast) -> Target:
    if broadcast.session_id is not None:
        return db.session.get(ProgrammeSession, broadcast.session_id)
    if broadcast.forum_id is not None:
        return db.session.get(Forum, broadcast.forum_id)
    if broadcast.pavilion_id is not None:
        return db.session.get(Pavilion, broadcast.pavilion_id)
    return db.session.get(Edition, broadcast.edition_id)


def _registered_for(audience: str, target_id: int, statuses: tuple[str, ...]):
    """User ids with a registration in ``statuses`` for the session, the forum (its course or
    one of its sessions), or the edition (any session or course of it)."""
    if audience == Broadcast.SESSION:
        where = Registration.session_id == target_id
    elif audience == Broadcast.FORUM:
        where = or_(
            Registration.forum_id == target_id,
            Registration.session_id.in_(select(ProgrammeSession.id).where(ProgrammeSession.forum_id == target_id)),
        )
    else:
        forums = select(Forum.id).where(Forum.edition_id == target_id)
        where = or_(
            Registration.forum_id.in_(forums),
            Registration.session_id.in_(select(ProgrammeSession.id).where(ProgrammeSession.forum_id.in_(forums))),
        )
    return select(Registration.user_id).where(where, Registration.status.in_(statuses))


def _exhibitors_in(placement_filter):
    """Team members (owners and staff) of approved companies whose booth is placed as filtered."""
    return (
        select(CompanyMember.user_id)
        .join(ExhibitorCompany, ExhibitorCompany.id == CompanyMember.company_id)
        .join(Booth, Booth.company_id == ExhibitorCompany.id)
        .join(BoothPlacement, BoothPlacement.booth_id == Booth.id)
        .where(placement_filter, ExhibitorCompany.status == ExhibitorCompany.Status.APPROVED)
    )


def audience_query(audience: str, *, edition_id: int, target_id: int, registrants: str):
    """The ids of the people an audience reaches now, each once, without disabled accounts."""
    statuses = (Registration.Status.CONFIRMED,) if registrants == Broadcast.CONFIRMED else tuple(Registration.ACTIVE)
    if audience == Broadcast.PAVILION_EXHIBITORS:
        people = _exhibitors_in(BoothPlacement.pavilion_id == target_id)
    elif audience == Broadcast.EDITION_EXHIBITORS:
        people = _exhibitors_in(BoothPlacement.edition_id == edition_id)
    else:
        people = _registered_for(audience, target_id, statuses)
    return select(User.id).where(User.id.in_(people), User.is_disabled.is_(False))


def _audience_of(broadcast: Broadcast):
    target_id = broadcast.session_id or broadcast.forum_id or broadcast.pavilion_id or broadcast.edition_id
    return audience_query(
        broadcast.audience, edition_id=broadcast.edition_id, target_id=target_id, registrants=broadcast.registrants
    )


def _check(draft: Draft) -> tuple[str, str]:
    subject = " ".join(draft.subject.splitlines()).strip()  # a line break would end the header
    if not subject or not draft.body.strip():
        raise BroadcastError(_("Write a subject and a message."))
    if draft.registrants not in (Broadcast.CONFIRMED, Broadcast.ALL_ACTIVE):
        raise BroadcastError(_("Choose which registrations count."), "registrants")
    if not (draft.send_email or draft.send_in_app):
        raise BroadcastError(_("Choose at least one way to send it: e-mail, in the app, or both."), "send_email")
    return subject, draft.body


def count_recipients(actor: User, edition: Edition, draft: Draft) -> int:
    """How many people the composed broadcast would reach now: the preview before sending."""
    ensure(can_send_broadcasts(actor, edition))
    target = _target_of(edition, draft)
    query = audience_query(draft.audience, edition_id=edition.id, target_id=target.id, registrants=draft.registrants)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def send_broadcast(actor: User, edition: Edition, draft: Draft) -> Broadcast:
    """Record the broadcast; the worker lists its recipients and sends it once this commits."""
    ensure(can_send_broadcasts(actor, edition))
    target = _target_of(edition, draft)
    subject, body = _check(draft)
    broadcast = Broadcast(
        edition_id=edition.id,
        author_id=actor.id,
        audience=draft.audience,
        session_id=target.id if draft.audience == Broadcast.SESSION else None,
        forum_id=target.id if draft.audience == Broadcast.FORUM else None,
        pavilion_id=target.id if draft.audience == Broadcast.PAVILION_EXHIBITORS else None,
        registrants=draft.registrants,
        subject=subject,
        body=body,
        send_email=draft.send_email,
        send_in_app=draft.send_in_app,
        status=Broadcast.Status.QUEUED,
    )
    db.session.add(broadcast)
    db.session.flush()
    enqueue_after_commit(PREPARE_TASK, broadcast.id)
    return broadcast


# --- the worker's side ----------------------------------------------------------------------------


def _insert(model):
    return (postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(model)


def _unprepared_batches(broadcast_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(BroadcastRecipient.batch_number)
            .distinct()
            .where(BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.prepared_at.is_(None))
            .order_by(BroadcastRecipient.batch_number)
        )
    )


def prepare_broadcast(broadcast_id: int) -> int:
    """List the recipients once, in batches, and publish one task per batch; returns the batches.

    Run again (a redelivered task, the sweep), it lists nobody twice and re-publishes only the
    batches not yet stored.
    """
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.status == Broadcast.Status.DONE:
        return 0
    if broadcast.status == Broadcast.Status.QUEUED:
        people = _audience_of(broadcast).subquery()
        numbered = select(
            literal(broadcast.id, Integer),
            people.c.id,
            # Integer division on both databases: people 0..499 are batch 0, and so on.
            (func.row_number().over(order_by=people.c.id) - literal_column("1"))
            .self_group()
            .op("/")(literal_column(str(int(BATCH_SIZE)))),
        ).where(true())  # SQLite needs a WHERE to read "INSERT ... SELECT ... ON CONFLICT" right
        db.session.execute(
            _insert(BroadcastRecipient)
            .from_select(["broadcast_id", "user_id", "batch_number"], numbered)
            .on_conflict_do_nothing()
        )
        total = db.session.scalar(select(func.count()).where(BroadcastRecipient.broadcast_id == broadcast.id)) or 0
        db.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast.id, Broadcast.status == Broadcast.Status.QUEUED)
            .values(
                status=Broadcast.Status.SENDING if total else Broadcast.Status.DONE,
                recipients_total=total,
                batches_total=math.ceil(total / BATCH_SIZE),
                completed_at=None if total else utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
    batches = _unprepared_batches(broadcast.id)
    for batch_number in batches:
        enqueue_after_commit(SEND_BATCH_TASK, broadcast.id, batch_number)
    db.session.expire(broadcast)
    return len(batches)


def _audience_line(broadcast: Broadcast, target: Target, edition: Edition) -> str:
    """Why the person receives it, in the e-mail's footer (called inside the recipient's locale)."""
    if broadcast.audience in (Broadcast.SESSION, Broadcast.FORUM):
        return _(
            "The organizers of %(title)s (%(edition)s) sent this message to its participants.",
            title=target.title,
            edition=edition.name,
        )
    if broadcast.audience == Broadcast.EDITION_ATTENDEES:
        return _(
            "The organizers of %(edition)s sent this message to everyone registered for its programme.",
            edition=edition.name,
        )
    if broadcast.audience == Broadcast.PAVILION_EXHIBITORS:
        return _(
            "The organizers of %(edition)s sent this message to the exhibitors of %(pavilion)s.",
            edition=edition.name,
            pavilion=target.name,
        )
    return _("The organizers of %(edition)s sent this message to its exhibitors.", edition=edition.name)


class _Renderer:
    """Renders the e-mail once per language with a placeholder for the name, then personalises it
    by substitution: a batch of 500 costs a handful of template renders, not 500."""

    def __init__(self, broadcast: Broadcast):
        self.broadcast = broadcast
        self.target = target_of(broadcast)
        self.edition = db.session.get(Edition, broadcast.edition_id)
        self.settings_url = external_url("notifications.edit_preferences")
        self._by_language: dict[str, RenderedEmail] = {}

    def _render(self, language: str) -> RenderedEmail:
        if language not in self._by_language:
            placeholder = type("Recipient", (), {"name": NAME_PLACEHOLDER})()
            with force_locale(language):
                context = {
                    "user": placeholder,
                    "broadcast": self.broadcast,
                    "settings_url": self.settings_url,
                    "audience_line": _audience_line(self.broadcast, self.target, self.edition),
                }
                subject = self.broadcast.subject
                self._by_language[language] = RenderedEmail(
                    subject=subject,
                    body_text=render_template("email/broadcast.txt", **context),
                    body_html=render_template("email/broadcast.html", subject=subject, **context),
                )
        return self._by_language[language]

    def email_for(self, name: str, language: str) -> RenderedEmail:
        rendered = self._render(language or "en")
        return RenderedEmail(
            subject=rendered.subject,
            body_text=rendered.body_text.replace(NAME_PLACEHOLDER, name),
            body_html=rendered.body_html.replace(NAME_PLACEHOLDER, str(escape(name))),
        )


@dataclass
class BatchOutcome:
    stored: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    # Messages another worker holds right now; the task comes back for them after their lease.
    held_elsewhere: int = 0


def _batch_people(broadcast_id: int, batch_number: int):
    return select(BroadcastRecipient.user_id).where(
        BroadcastRecipient.broadcast_id == broadcast_id, BroadcastRecipient.batch_number == batch_number
    )


def store_batch(broadcast: Broadcast, batch_number: int) -> int:
    """Store the in-app notices and e-mails of one batch's recipients not yet served; commits.

    The recipients are claimed with a conditional UPDATE first: a copy of this batch running at
    the same moment waits on those rows, then finds nobody left to serve.
    """
    now = utcnow()
    claimed = list(
        db.session.scalars(
            update(BroadcastRecipient)
            .where(
                BroadcastRecipient.broadcast_id == broadcast.id,
                BroadcastRecipient.batch_number == batch_number,
                BroadcastRecipient.prepared_at.is_(None),
            )
            .values(prepared_at=now)
            .returning(BroadcastRecipient.user_id)
            .execution_options(synchronize_session=False)
        )
    )
    if claimed:
        renderer = _Renderer(broadcast)
        people = db.session.execute(
            select(User.id, User.email, User.name, User.language).where(User.id.in_(claimed)).order_by(User.id)
        ).all()
        notices = [
            Notice(
                user_id=person.id,
                address=person.email,
                dedupe_key=broadcast.dedupe_key(person.id),
                title=broadcast.subject,
                body=broadcast.body,
                email=renderer.email_for(person.name, person.language) if broadcast.send_email else None,
            )
            for person in people
        ]
        stored = notify_many(
            KIND, notices, batch=broadcast.batch_key, in_app=broadcast.send_in_app, email=broadcast.send_email
        )
        db.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast.id)
            .values(
                in_app_count=Broadcast.in_app_count + stored.in_app, email_count=Broadcast.email_count + stored.emails
            )
            .execution_options(synchronize_session=False)
        )
    unserved = exists().where(BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.prepared_at.is_(None))
    db.session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.status == Broadcast.Status.SENDING, ~unserved)
        .values(status=Broadcast.Status.DONE, completed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return len(claimed)


def send_batch(broadcast_id: int, batch_number: int) -> BatchOutcome:
    """Store one batch, then send its e-mails that are waiting (or were abandoned by a dead worker)."""
    outcome = BatchOutcome()
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.status == Broadcast.Status.QUEUED:
        return outcome
    outcome.stored = store_batch(broadcast, batch_number)
    if not broadcast.send_email:
        return outcome
    in_batch = and_(
        OutboxMessage.batch == broadcast.batch_key, OutboxMessage.user_id.in_(_batch_people(broadcast_id, batch_number))
    )
    delivery.reclaim_abandoned(
        list(
            db.session.scalars(
                select(OutboxMessage.id).where(in_batch, OutboxMessage.status == OutboxMessage.Status.SENDING)
            )
        )
    )
    db.session.commit()
    waiting = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                in_batch, OutboxMessage.status == OutboxMessage.Status.PENDING, OutboxMessage.next_attempt_at.is_(None)
            )
            .order_by(OutboxMessage.id)
        )
    )
    db.session.commit()  # no transaction stays open while SMTP talks
    run = delivery.deliver_messages(waiting)
    outcome.sent, outcome.failed, outcome.retrying = run.sent, run.failed, run.retrying
    outcome.held_elsewhere = (
        db.session.scalar(select(func.count()).where(in_batch, OutboxMessage.status == OutboxMessage.Status.SENDING))
        or 0
    )
    db.session.commit()
    return outcome


def requeue_stalled_broadcasts(now: datetime | None = None) -> int:
    """Publish again the work of broadcasts that are not done a while after they were sent: their
    task was lost (the broker was down at commit time) or its worker died. Running twice is harmless."""
    stalled_before = (now or utcnow()) - STALLED_AFTER
    stalled = db.session.execute(
        select(Broadcast.id, Broadcast.status)
        .where(Broadcast.status != Broadcast.Status.DONE, Broadcast.created_at < stalled_before)
        .order_by(Broadcast.id)
        .limit(100)
    ).all()
    for broadcast_id, status in stalled:
        if status == Broadcast.Status.QUEUED:
            enqueue_after_commit(PREPARE_TASK, broadcast_id)
        else:
            for batch_number in _unprepared_batches(broadcast_id):
                enqueue_after_commit(SEND_BATCH_TASK, broadcast_id, batch_number)
    return len(stalled)


# --- following it and the report ------------------------------------------------------------------


@dataclass
class Progress:
    status: str
    recipients: int = 0
    in_app: int = 0
    emails: int = 0
    queued: int = 0  # e-mails waiting, being sent or waiting for a retry
    sent: int = 0  # accepted by the mail server, or handed over without an answer
    unconfirmed: int = 0  # handed over when a worker stopped: never sent again, answer unknown
    failed: int = 0

    @property
    def finished(self) -> bool:
        return self.status == Broadcast.Status.DONE and self.queued == 0

    @property
    def opted_out(self) -> int:
        """People the broadcast reached who chose not to get organizers' e-mails (once all are stored)."""
        return max(self.recipients - self.emails, 0) if self.status == Broadcast.Status.DONE else 0

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "finished": self.finished,
            "recipients": self.recipients,
            "in_app": self.in_app,
            "emails": self.emails,
            "queued": self.queued,
            "sent": self.sent,
            "unconfirmed": self.unconfirmed,
            "failed": self.failed,
        }


def _add_counts(progress: Progress, status: str, count: int) -> None:
    if status == OutboxMessage.Status.SENT:
        progress.sent += count
    elif status == OutboxMessage.Status.HANDED_OVER:
        progress.sent += count
        progress.unconfirmed += count
    elif status == OutboxMessage.Status.FAILED:
        progress.failed += count
    else:
        progress.queued += count


def progress_of(broadcasts: list[Broadcast]) -> dict[int, Progress]:
    """Each broadcast's progress, in one query for all of them."""
    by_key = {}
    result = {}
    for broadcast in broadcasts:
        result[broadcast.id] = Progress(
            status=broadcast.status,
            recipients=broadcast.recipients_total,
            in_app=broadcast.in_app_count,
            emails=broadcast.email_count,
        )
        by_key[broadcast.batch_key] = result[broadcast.id]
    if by_key:
        rows = db.session.execute(
            select(OutboxMessage.batch, OutboxMessage.status, func.count())
            .where(OutboxMessage.batch.in_(list(by_key)))
            .group_by(OutboxMessage.batch, OutboxMessage.status)
        ).all()
        for batch, status, count in rows:
            _add_counts(by_key[batch], status, count)
    return result


def progress(broadcast: Broadcast) -> Progress:
    return progress_of([broadcast])[broadcast.id]


def broadcasts_query(edition: Edition, *, session: ProgrammeSession | None = None, forum: Forum | None = None):
    query = select(Broadcast).where(Broadcast.edition_id == edition.id).options(selectinload(Broadcast.author))
    if session is not None:
        query = query.where(Broadcast.session_id == session.id)
    if forum is not None:
        query = query.where(Broadcast.forum_id == forum.id)
    return query.order_by(Broadcast.created_at.desc(), Broadcast.id.desc())


def failures_query(broadcast: Broadcast):
    """The e-mails that failed for good, with whom they were for and the server's reason."""
    return (
        select(OutboxMessage)
        .options(selectinload(OutboxMessage.user))
        .where(OutboxMessage.batch == broadcast.batch_key, OutboxMessage.status == OutboxMessage.Status.FAILED)
        .order_by(OutboxMessage.id)
    )


def unconfirmed_query(broadcast: Broadcast):
    return (
        select(OutboxMessage)
        .options(selectinload(OutboxMessage.user))
        .where(OutboxMessage.batch == broadcast.batch_key, OutboxMessage.status == OutboxMessage.Status.HANDED_OVER)
        .order_by(OutboxMessage.id)
    )
