"""Registering, cancelling, the personal agenda, tickets and the agenda feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from expo.accounts.forms import ConfirmActionForm
from expo.accounts.models import User, new_session_token
from expo.accounts.services import set_badge_scan_consent
from expo.editions.routes import load_edition
from expo.extensions import db
from expo.forums.calendar import AGENDA_REFRESH, build_calendar
from expo.forums.routes import load_forum, load_session
from expo.lib.rules import show_as_message, show_on_form
from expo.lib.urls import external_url
from expo.meetings.calendar import meeting_events
from expo.meetings.services import agenda_meetings
from expo.page_cache import cached_personal_page
from expo.registrations import services, tickets
from expo.registrations.forms import registration_form_for
from expo.registrations.models import Registration

bp = Blueprint("registrations", __name__)


def _register(edition, target, forum, back_url: str):
    """The shared register/enrol view: questions form, clash warning, outcome message."""
    form = registration_form_for(forum)
    if request.method == "GET" and services.active_registration(current_user, target) is not None:
        flash(_("You are already registered (or on the waiting list)."), "info")
        return redirect(back_url)
    if not form.is_submitted():
        form.share_contact_on_badge_scan.data = current_user.share_contact_on_badge_scan
    status = 200
    if form.validate_on_submit():
        try:
            result = services.register(current_user, target, form.answers())
            set_badge_scan_consent(current_user, form.share_contact_on_badge_scan.data)
        except services.RegistrationError as exc:
            # Closed, already registered, answers missing: say why, keep nothing half-done.
            show_on_form(form, exc)
            if isinstance(exc, services.InvalidAnswers):
                form.attach_errors(exc.errors)
            status = exc.status
        else:
            db.session.commit()
            _flash_outcome(result)
            return redirect(url_for("registrations.my_agenda"))
    elif form.is_submitted():
        status = 400
    # Only the form page warns before registering; a successful registration flashes the service's list.
    clashes = services.clashing_sessions(current_user, target) if target is not forum else []
    return render_template(
        "registrations/register.html",
        edition=edition,
        target=target,
        forum=forum,
        form=form,
        clashes=clashes,
        back_url=back_url,
    ), status


def _flash_outcome(result: services.RegistrationResult) -> None:
    registration = result.registration
    if registration.status == Registration.Status.CONFIRMED:
        flash(_("You are registered. Your ticket is on its way by e-mail and on your agenda."), "success")
    elif registration.status == Registration.Status.WAITLISTED:
        flash(
            _(
                "It is full: you are number %(position)s on the waiting list. We will e-mail you if a seat frees up.",
                position=services.waitlist_position(registration),
            ),
            "warning",
        )
    else:
        flash(_("Your registration is waiting for the organizers' approval."), "info")
    for clash in result.clashes:
        flash(
            _("Note: this overlaps with “%(title)s”, which you are also registered for.", title=clash.title), "warning"
        )


@bp.route("/editions/<slug>/sessions/<int:session_id>/register", methods=["GET", "POST"])
@login_required
def register_for_session(slug: str, session_id: int):
    edition = load_edition(slug)
    session = load_session(edition, session_id)
    back = url_for("forums.show_session", slug=slug, session_id=session.id)
    return _register(edition, session, session.forum, back)


@bp.route("/editions/<slug>/forums/<forum_slug>/enrol", methods=["GET", "POST"])
@login_required
def enrol_in_course(slug: str, forum_slug: str):
    edition = load_edition(slug)
    forum = load_forum(edition, forum_slug)
    if not forum.enrols_whole_course:
        abort(404)
    back = url_for("forums.show_forum", slug=slug, forum_slug=forum.slug)
    return _register(edition, forum, forum, back)


def load_own_registration(registration_id: int) -> Registration:
    """Another person's registration is a 404, not a 403: its existence is nobody's business."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    return registration


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@login_required
def cancel_registration(registration_id: int):
    registration = load_own_registration(registration_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    was_waiting = registration.status == Registration.Status.WAITLISTED
    try:
        services.cancel(current_user, registration)
    except services.RegistrationError as exc:
        show_as_message(exc)
    else:
        db.session.commit()
        flash(_("You have left the waiting list.") if was_waiting else _("Your registration is cancelled."), "info")
    return redirect(url_for("registrations.my_agenda"))


@bp.route("/my/agenda")
@cached_personal_page
@login_required
def my_agenda():
    mine = services.registrations_of(current_user)
    active = [r for r in mine if r.is_active]
    ended = [r for r in mine if not r.is_active]
    positions = services.waitlist_positions(active)
    return render_template("registrations/agenda.html", active=active, ended=ended, positions=positions)


@bp.route("/my/tickets/<int:registration_id>")
@login_required
def show_ticket(registration_id: int):
    registration = load_own_registration(registration_id)
    if registration.status != Registration.Status.CONFIRMED:
        flash(_("Only confirmed registrations have a ticket."), "info")
        return redirect(url_for("registrations.my_agenda"))
    return render_template(
        "registrations/ticket.html",
        registration=registration,
        qr=tickets.qr_svg_data_uri(registration),
        payload=tickets.ticket_payload(registration),
    )


@bp.route("/my/calendar", methods=["GET", "POST"])
@login_required
def my_calendar():
    form = ConfirmActionForm()
    if form.validate_on_submit():
        # A new token revokes the old address in every calendar program that subscribed to it.
        current_user.calendar_token = new_session_token()
        db.session.commit()
        flash(_("Your agenda feed has a new address; the old one no longer works."), "success")
        return redirect(url_for("registrations.my_calendar"))
    feed_url = external_url("registrations.agenda_feed", token=current_user.calendar_token)
    return render_template("registrations/calendar.html", feed_url=feed_url, form=form)


@bp.route("/calendar/<token>.ics")
def agenda_feed(token: str):
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or user.is_disabled:
        abort(404)
    sessions, streams = services.agenda_sessions(user)
    meetings = meeting_events(agenda_meetings(user), user)
    content = build_calendar(
        _("Expo agenda of %(name)s", name=user.name),
        sessions,
        show_stream_for=streams,
        other_events=meetings,
        refresh=AGENDA_REFRESH,
    )
    return Response(content, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})
