"""A person's in-app notifications: the bell's count, the list, and marking them read."""

from __future__ import annotations

from sqlalchemy import func, select, update

from expo.accounts.models import User
from expo.db_types import utcnow
from expo.extensions import db
from expo.notifications.models import Notification
from expo.permissions import NotAllowed

# The bell shows "99+" past this: counting further would cost a scan for a number nobody reads.
BELL_LIMIT = 99


def unread_count(user: User, limit: int = BELL_LIMIT + 1) -> int:
    """Unread notifications, counted up to ``limit`` on the partial index of unread rows."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .limit(limit)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread)) or 0


def notifications_query(user: User, *, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def own_notification(actor: User, notification_id: int) -> Notification:
    """The actor's notification; another person's is as good as missing."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != actor.id:
        raise NotAllowed("not your notification")
    return notification


def mark_read(actor: User, notification: Notification) -> None:
    if notification.user_id != actor.id:
        raise NotAllowed("not your notification")
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(actor: User) -> int:
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
