"""A person's own registrations and agenda; registering and cancelling (scopes registrations:*).
The same services as the pages, with the token's person as the actor."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo.api import presenters
from expo.api.core import ApiBlueprint, actor, found_or_404, keyset_page, offset_page, requested_language
from expo.api.schemas import (
    AgendaPage,
    ListArgs,
    PrivateListArgs,
    RegisterBody,
    RegisteredSchema,
    RegistrationPage,
    RegistrationSchema,
)
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.permissions import can_view_edition
from expo.registrations import services
from expo.registrations.models import Registration

bp = ApiBlueprint("api_people", __name__, description="A person's registrations and agenda (personal tokens).")


def _loaded_registrations():
    return (
        selectinload(Registration.session).selectinload(ProgrammeSession.forum).selectinload(Forum.edition),
        selectinload(Registration.forum).selectinload(Forum.edition),
        selectinload(Registration.forum).selectinload(Forum.sessions),
    )


@bp.route("/me/registrations")
@bp.authenticated("registrations:read")
@bp.arguments(PrivateListArgs, location="query")
@bp.response(200, RegistrationPage)
def list_registrations(args):
    """Every registration of the token's person, newest first, cancelled ones included."""
    query = select(Registration).where(Registration.user_id == actor().id).options(*_loaded_registrations())
    rows, cursor = keyset_page(query, [Registration.id], args.get("cursor"), args["limit"], descending=True)
    positions = services.waitlist_positions([row for row in rows if row.is_active])
    return {"items": [presenters.registration(row, positions.get(row.id)) for row in rows], "next_cursor": cursor}


@bp.route("/me/agenda")
@bp.authenticated("registrations:read")
@bp.arguments(ListArgs, location="query")
@bp.response(200, AgendaPage)
def agenda(args):
    """The sessions on the person's agenda in time order (as their agenda page and feed list them);
    the stream address only where the registration is confirmed."""
    sessions, streams = services.agenda_sessions(actor())
    offset, cursor = offset_page(len(sessions), args.get("cursor"), args["limit"])
    language = requested_language(args.get("lang"))
    items = []
    for session in sessions[offset : offset + args["limit"]]:
        item = presenters.session(session, language)
        item["stream_url"] = session.stream_url if session.id in streams and session.stream_url else None
        items.append(item)
    return {"items": items, "next_cursor": cursor}


def _registrable_session(session_id: int) -> ProgrammeSession:
    session = db.session.scalar(
        select(ProgrammeSession)
        .where(ProgrammeSession.id == session_id)
        .options(selectinload(ProgrammeSession.forum).selectinload(Forum.edition))
    )
    if session is None or not can_view_edition(actor(), session.forum.edition):
        abort(404, _("There is no session with this id."))
    return session


def _registered(result: services.RegistrationResult):
    db.session.commit()
    registration = db.session.scalar(
        select(Registration).where(Registration.id == result.registration.id).options(*_loaded_registrations())
    )
    position = (
        services.waitlist_position(registration) if registration.status == Registration.Status.WAITLISTED else None
    )
    return {
        "registration": presenters.registration(registration, position),
        "clashes": [{"id": clash.id, "name": clash.title} for clash in result.clashes],
    }, 201


@bp.route("/sessions/<int:session_id>/registrations", methods=["POST"])
@bp.authenticated("registrations:write")
@bp.arguments(RegisterBody)
@bp.response(201, RegisteredSchema)
def register_for_session(body, session_id: int):
    """Register the token's person: confirmed while seats last, then on the waiting list (or
    awaiting approval where the forum approves registrations). 409 when already registered, 400
    when registration is closed or an answer is missing."""
    session = _registrable_session(session_id)
    return _registered(services.register(actor(), session, body["answers"]))


@bp.route("/forums/<int:forum_id>/enrolments", methods=["POST"])
@bp.authenticated("registrations:write")
@bp.arguments(RegisterBody)
@bp.response(201, RegisteredSchema)
def enrol_in_course(body, forum_id: int):
    """Enrol in a whole training course."""
    forum = db.session.scalar(select(Forum).where(Forum.id == forum_id).options(selectinload(Forum.edition)))
    if forum is None or not can_view_edition(actor(), forum.edition) or not forum.enrols_whole_course:
        abort(404, _("There is no training course with this id."))
    return _registered(services.register(actor(), forum, body["answers"]))


@bp.route("/me/registrations/<int:registration_id>/cancel", methods=["POST"])
@bp.authenticated("registrations:write")
@bp.response(200, RegistrationSchema)
def cancel_registration(registration_id: int):
    """Cancel a registration or leave the waiting list; a freed seat goes to the first in line."""
    registration = found_or_404(
        db.session.get(Registration, registration_id),
        _("You have no registration with this id."),
        user_id=actor().id,  # another person's is nobody's business
    )
    services.cancel(actor(), registration)
    db.session.commit()
    registration = db.session.scalar(
        select(Registration).where(Registration.id == registration_id).options(*_loaded_registrations())
    )
    return presenters.registration(registration)
