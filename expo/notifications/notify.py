"""Telling a person something: in the app and by e-mail, in their language, as they chose.

Every feature that notifies a user goes through ``notify`` (one person) or ``notify_many`` (a
broadcast batch). Both respect the recipient's preferences, add the in-app row and queue the
e-mail in the caller's transaction, and are idempotent by the event's dedupe key. Mail to an
address without an account (invitations) and security mail (confirmation, password reset) use
``queue_email`` directly: nobody can turn those off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from expo.accounts.models import User
from expo.db_types import utcnow
from expo.extensions import db
from expo.notifications import preferences
from expo.notifications.categories import category_of
from expo.notifications.messages import CannotKeep, to_data
from expo.notifications.models import Notification, OutboxMessage
from expo.notifications.services import Attachment, queue_email


@dataclass(frozen=True)
class Outcome:
    """What ``notify`` left behind; None where the person turned the channel off (or no e-mail exists)."""

    notification: Notification | None
    email: OutboxMessage | None


def _text(value: Any) -> str:
    # Lazy strings (flask_babel.lazy_gettext) and callables are evaluated here, inside the
    # recipient's locale, so dates and words come out in their language.
    if callable(value) and not isinstance(value, LazyString):
        value = value()
    return str(value) if value is not None else ""


def _message(title: Any, body: Any) -> dict[str, Any] | None:
    """The title and body as data rendered when read (expo.notifications.messages); None when either
    is a callable or another thing that can only be written out now."""
    try:
        return {"title": to_data(title), "body": to_data(body)}
    except CannotKeep:
        return None


def notify(
    user: User,
    kind: str,
    *,
    title: Any,
    dedupe_key: str,
    body: Any = "",
    link: str = "",
    email_template: str | None = None,
    context: dict[str, Any] | None = None,
    attachments: list[Attachment] | None = None,
) -> Outcome:
    """Notify one person of one event, in the app and (with ``email_template``) by e-mail.

    ``title`` and ``body`` are plain text, or lazy strings and the values of
    expo.notifications.messages: those are stored as message keys and parameters and written in the
    reader's language each time the notice is read. (A callable is still accepted: it is written
    once, in the recipient's language of the moment.) The e-mail is rendered now, in the
    recipient's language: it is sent straight away.
    Calling it again with the same ``dedupe_key`` changes nothing and returns what exists.
    """
    choice = preferences.choices_for([user.id], category_of(kind))[user.id]
    notification = None
    if choice.in_app:
        with force_locale(user.language or "en"):
            values = {"title": _text(title)[:300], "body": _text(body)}
        notification = _add_notification(
            user.id, kind, link=link, dedupe_key=dedupe_key, message=_message(title, body), **values
        )
    email = None
    if choice.email and email_template is not None:
        email = queue_email(
            recipient=user.email,
            kind=kind,
            template=email_template,
            dedupe_key=dedupe_key,
            context=context or {},
            language=user.language or "en",
            user_id=user.id,
            attachments=attachments,
        )
    return Outcome(notification, email)


def _add_notification(
    user_id: int, kind: str, *, title: str, body: str, link: str, dedupe_key: str, message: dict[str, Any] | None = None
) -> Notification:
    existing = db.session.scalar(select(Notification).filter_by(dedupe_key=dedupe_key))
    if existing is not None:
        return existing
    notification = Notification(
        user_id=user_id,
        kind=kind,
        category=category_of(kind),
        title=title,
        body=body,
        message=message,
        link=link,
        dedupe_key=dedupe_key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        # Another transaction recorded the same event first.
        return db.session.scalars(select(Notification).filter_by(dedupe_key=dedupe_key)).one()
    return notification


# --- many people at once -----------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class Notice:
    """One person's copy of a broadcast: what the app shows and, if chosen, the e-mail."""

    user_id: int
    address: str
    dedupe_key: str
    title: str
    body: str
    link: str = ""
    email: RenderedEmail | None = None
    attachments: tuple[dict[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Stored:
    in_app: int
    emails: int


def _insert(model):
    return (postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(model)


def notify_many(kind: str, notices: Sequence[Notice], *, batch: str, in_app: bool = True, email: bool = True) -> Stored:
    """Store a batch of notices in two statements, each person's preferences applied.

    ``in_app``/``email`` are the sender's channels. Rows whose dedupe key exists already are
    left alone (INSERT ... ON CONFLICT DO NOTHING), so a batch that runs twice stores nothing
    twice. E-mails are not published for delivery: the caller sends them (one connection per batch).
    """
    category = category_of(kind)
    choices = preferences.choices_for((notice.user_id for notice in notices), category)
    now = utcnow()
    notification_rows = [
        {
            "user_id": notice.user_id,
            "kind": kind,
            "category": category,
            "title": notice.title[:300],
            "body": notice.body,
            "link": notice.link,
            "dedupe_key": notice.dedupe_key,
            "created_at": now,
        }
        for notice in notices
        if in_app and choices[notice.user_id].in_app
    ]
    email_rows = [
        {
            "dedupe_key": notice.dedupe_key,
            "kind": kind,
            "batch": batch,
            "recipient": notice.address,
            "user_id": notice.user_id,
            "subject": notice.email.subject,
            "body_text": notice.email.body_text,
            "body_html": notice.email.body_html,
            "attachments": list(notice.attachments),
            "status": OutboxMessage.Status.PENDING,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for notice in notices
        if email and notice.email is not None and choices[notice.user_id].email
    ]
    if notification_rows:
        db.session.execute(
            _insert(Notification).on_conflict_do_nothing(index_elements=["dedupe_key"]), notification_rows
        )
    if email_rows:
        db.session.execute(_insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"]), email_rows)
    return Stored(in_app=len(notification_rows), emails=len(email_rows))
