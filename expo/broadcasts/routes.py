"""Organizers' broadcasts: compose with a recipient count, follow the sending, read the report."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo.broadcasts import services
from expo.broadcasts.forms import BroadcastForm
from expo.broadcasts.models import Broadcast
from expo.editions.routes import load_edition, load_in_edition, scope_to_edition
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.lib.pagination import requested_page
from expo.lib.rules import show_on_form
from expo.permissions import can_send_broadcasts, require

bp = Blueprint("broadcasts", __name__, url_prefix="/editions/<slug>/organize/broadcasts")

PER_PAGE = 25
FAILURES_PER_PAGE = 50

scope_to_edition(bp)


@bp.before_request
def _load_and_authorise():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    g.edition = load_edition(g.edition_slug)  # drafts stay secret: 404 before 403
    require(can_send_broadcasts(current_user, g.edition))
    return None


def _broadcast(broadcast_id: int) -> Broadcast:
    return load_in_edition(Broadcast, broadcast_id)


@bp.route("/")
def list_broadcasts():
    pagination = db.paginate(
        services.broadcasts_query(g.edition), page=requested_page(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "broadcasts/list.html",
        edition=g.edition,
        pagination=pagination,
        progress=services.progress_of(list(pagination.items)),
    )


def _compose_form() -> BroadcastForm:
    edition = g.edition
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .join(Forum)
        .where(Forum.edition_id == edition.id)
        .options(selectinload(ProgrammeSession.forum))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    forums = db.session.scalars(
        select(Forum).where(Forum.edition_id == edition.id).order_by(Forum.position, Forum.title)
    )
    return BroadcastForm(forums=list(forums), sessions=list(sessions), pavilions=edition.pavilions)


@bp.route("/new", methods=["GET", "POST"])
def compose_broadcast():
    form = _compose_form()
    recipients = None
    if form.validate_on_submit():
        try:
            if form.send.data:
                broadcast = services.send_broadcast(current_user, g.edition, form.draft())
            else:
                recipients = services.count_recipients(current_user, g.edition, form.draft())
        except services.BroadcastError as exc:
            show_on_form(form, exc)
        else:
            if form.send.data:
                db.session.commit()
                flash(_("Your broadcast is being sent. This page follows its delivery."), "success")
                return redirect(url_for("broadcasts.show_broadcast", broadcast_id=broadcast.id))
    return render_template("broadcasts/compose.html", edition=g.edition, form=form, recipients=recipients)


@bp.route("/<int:broadcast_id>")
def show_broadcast(broadcast_id: int):
    broadcast = _broadcast(broadcast_id)
    failures = db.paginate(
        services.failures_query(broadcast), page=requested_page(), per_page=FAILURES_PER_PAGE, error_out=False
    )
    unconfirmed = db.paginate(
        services.unconfirmed_query(broadcast),
        page=requested_page("unconfirmed_page"),
        per_page=FAILURES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "broadcasts/show.html",
        edition=g.edition,
        broadcast=broadcast,
        target=services.target_of(broadcast),
        progress=services.progress(broadcast),
        failures=failures,
        unconfirmed=unconfirmed,
    )


@bp.route("/<int:broadcast_id>/progress.json")
def broadcast_progress(broadcast_id: int):
    response = jsonify(services.progress(_broadcast(broadcast_id)).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response
