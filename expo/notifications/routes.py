"""A person's notifications (the bell, the list, marking read) and their notification settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.lib.urls import safe_next_path
from expo.notifications import inbox, preferences
from expo.notifications.categories import CATEGORIES
from expo.notifications.forms import PreferencesForm
from expo.notifications.models import Notification
from expo.permissions import NotAllowed
from expo.transactions import writes_database

bp = Blueprint("notifications", __name__)

PER_PAGE = 30


@bp.app_context_processor
def _bell():
    """The navigation's bell; a callable, so only pages that show it run its one indexed query."""

    def unread_notifications() -> int:
        return inbox.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications, "bell_limit": inbox.BELL_LIMIT}


def _own(notification_id: int) -> Notification:
    try:
        return inbox.own_notification(current_user, notification_id)
    except NotAllowed:
        abort(404)  # another person's notification is as good as missing


@bp.route("/notifications/")
@login_required
def list_notifications():
    unread_only = request.args.get("show") == "unread"
    pagination = db.paginate(
        inbox.notifications_query(current_user, unread_only=unread_only),
        page=requested_page(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("notifications/list.html", pagination=pagination, unread_only=unread_only)


@bp.route("/notifications/<int:notification_id>")
@login_required
@writes_database
def show_notification(notification_id: int):
    notification = _own(notification_id)
    inbox.mark_read(current_user, notification)
    db.session.commit()
    return render_template("notifications/show.html", notification=notification)


@bp.route("/notifications/<int:notification_id>/open")
@login_required
@writes_database
def open_notification(notification_id: int):
    """Follow a notification's link, marking it read on the way."""
    notification = _own(notification_id)
    inbox.mark_read(current_user, notification)
    db.session.commit()
    target = safe_next_path(notification.link)
    return redirect(target or url_for("notifications.show_notification", notification_id=notification.id))


def _back():
    return redirect(safe_next_path(request.form.get("next")) or url_for("notifications.list_notifications"))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    inbox.mark_read(current_user, _own(notification_id))
    db.session.commit()
    return _back()


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    count = inbox.mark_all_read(current_user)
    db.session.commit()
    if count:
        flash(_("All notifications are marked read."), "success")
    return _back()


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def edit_preferences():
    form = PreferencesForm()
    if form.validate_on_submit():
        preferences.save_choices(current_user, form.choices())
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.edit_preferences"))
    if not form.is_submitted():
        form.load(preferences.choices_of(current_user))
    return render_template("notifications/preferences.html", form=form, categories=CATEGORIES)
