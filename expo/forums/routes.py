"""The public programme: agenda by day and forum, session, forum and speaker pages, calendars."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo import uploads
from expo.editions.routes import load_edition
from expo.extensions import db
from expo.forums import programme
from expo.forums.calendar import build_calendar
from expo.forums.models import Forum, ProgrammeSession, Speaker
from expo.page_cache import cached_page
from expo.permissions import can_manage_edition
from expo.registrations import services as registrations

bp = Blueprint("forums", __name__, url_prefix="/editions/<slug>")


def load_forum(edition, forum_slug: str) -> Forum:
    forum = db.session.scalar(
        select(Forum)
        .where(Forum.edition_id == edition.id, Forum.slug == forum_slug)
        .options(
            selectinload(Forum.sessions).selectinload(ProgrammeSession.speakers),
            selectinload(Forum.sub_forums),
            selectinload(Forum.questions),
        )
    )
    if forum is None:
        abort(404)
    return forum


def load_session(edition, session_id: int) -> ProgrammeSession:
    session = db.session.scalar(
        select(ProgrammeSession)
        .join(Forum)
        .where(ProgrammeSession.id == session_id, Forum.edition_id == edition.id)
        .options(selectinload(ProgrammeSession.speakers), selectinload(ProgrammeSession.forum))
    )
    if session is None:
        abort(404)
    return session


def _calendar_response(content: bytes, filename: str) -> Response:
    return Response(
        content, mimetype="text/calendar", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.route("/programme")
@cached_page
def show_programme(slug: str):
    edition = load_edition(slug)
    filters = programme.ProgrammeFilters.from_args(request.args)
    sessions = programme.sessions_matching(edition, filters)
    return render_template(
        "forums/programme.html",
        edition=edition,
        filters=filters,
        days=programme.group_by_day(sessions, edition.timezone),
        forums=programme.forum_tree(edition),
        all_days=programme.programme_days(edition),
        tags=programme.all_tags(edition),
        session_languages=programme.all_languages(edition),
    )


@bp.route("/forums/<forum_slug>")
def show_forum(slug: str, forum_slug: str):
    edition = load_edition(slug)
    forum = load_forum(edition, forum_slug)
    enrolment = None
    if forum.enrols_whole_course and current_user.is_authenticated:
        enrolment = registrations.active_registration(current_user, forum)
    return render_template(
        "forums/forum.html",
        edition=edition,
        forum=forum,
        enrolment=enrolment,
        can_manage=can_manage_edition(current_user, edition),
        today=date.today(),
    )


@bp.route("/forums/<forum_slug>.ics")
def forum_calendar(slug: str, forum_slug: str):
    edition = load_edition(slug)
    forum = load_forum(edition, forum_slug)
    return _calendar_response(build_calendar(forum.title, forum.sessions), f"{forum.slug}.ics")


@bp.route("/sessions/<int:session_id>")
def show_session(slug: str, session_id: int):
    edition = load_edition(slug)
    session = load_session(edition, session_id)
    registration = position = None
    clashes: list[ProgrammeSession] = []
    if current_user.is_authenticated:
        registration = registrations.registration_covering(current_user, session)
        position = registrations.waitlist_position(registration) if registration else None
        if registration is None:
            clashes = registrations.clashing_sessions(current_user, session)
    return render_template(
        "forums/session.html",
        edition=edition,
        session=session,
        registration=registration,
        position=position,
        clashes=clashes,
        state=session.registration_state(programme.now()),
        show_stream=registration is not None and registration.status == registration.Status.CONFIRMED,
        can_manage=can_manage_edition(current_user, edition),
    )


@bp.route("/sessions/<int:session_id>.ics")
def session_calendar(slug: str, session_id: int):
    edition = load_edition(slug)
    session = load_session(edition, session_id)
    return _calendar_response(build_calendar(session.title, [session]), f"session-{session.id}.ics")


@bp.route("/speakers/<int:speaker_id>/photo")
def speaker_photo(slug: str, speaker_id: int):
    edition = load_edition(slug)
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None or speaker.edition_id != edition.id:
        abort(404)
    return uploads.stored_file_response(speaker.photo_path)


@bp.route("/speakers/<int:speaker_id>")
def show_speaker(slug: str, speaker_id: int):
    edition = load_edition(slug)
    speaker = db.session.scalar(
        select(Speaker)
        .where(Speaker.id == speaker_id, Speaker.edition_id == edition.id)
        .options(selectinload(Speaker.sessions).selectinload(ProgrammeSession.forum))
    )
    if speaker is None:
        abort(404)
    return render_template("forums/speaker.html", edition=edition, speaker=speaker)
