"""1:1 meetings between buyers and exhibitor teams (scopes meetings:*): the meetings a person or a
team has, the free slots of the other side, requesting and inviting, and every answer (accept with
who attends, decline with a reason, another time, move, cancel, how it went). Personal tokens, and
team tokens for their team's meetings; the same services and rules as the meeting pages: quotas,
paused teams and double bookings are 409 problems."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import abort
from flask_babel import gettext as _

from expo.accounts.models import User
from expo.api import presenters
from expo.api.core import (
    ApiBlueprint,
    ApiProblem,
    actor,
    current_token,
    moment_page,
    offset_page,
    within_person_cap,
)
from expo.api.leads import team_booth
from expo.api.models import ApiToken
from expo.api.schemas import (
    AcceptBody,
    CounterBody,
    FreeSlotPage,
    InvitationBody,
    MeetingPage,
    MeetingRequestBody,
    MeetingsArgs,
    MeetingSchema,
    MeetingSlotsArgs,
    OutcomeBody,
    ReasonBody,
    RescheduleBody,
)
from expo.booths.models import Booth
from expo.booths.services import find_booth
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.meetings import services
from expo.meetings.models import Meeting, Mode, Outcome, Place, Side
from expo.meetings.routes import REQUEST_LIMIT
from expo.meetings.slots import FreeSlot
from expo.permissions import can_handle_meetings, can_request_meeting, can_view_booth, can_view_meeting, require

bp = ApiBlueprint("api_meetings", __name__, description="Meetings between buyers and exhibitor teams.")

# The services name the pages' fields; the API's bodies name them so.
FIELDS = {
    "attendees": "arrangement.attendee_ids",
    "place": "arrangement.place",
    "video_url": "arrangement.video_url",
    "products": "product_ids",
}


@contextmanager
def meeting_fields() -> Iterator[None]:
    try:
        yield
    except services.MeetingError as exc:
        exc.field = FIELDS.get(exc.field, exc.field)
        raise


# --- loading -------------------------------------------------------------------------------------


def _as_buyer() -> User:
    """Asking an exhibitor as a buyer is a person's own doing: a team token acts for its team only."""
    if current_token().kind != ApiToken.Kind.PERSONAL:
        raise ApiProblem(
            403,
            _("A team token acts for its team: ask as a buyer with a personal token."),
            kind="not-allowed",
        )
    return actor()


def _booth_to_ask(slug: str) -> tuple[Booth, Edition]:
    """A published booth the token's person may ask for a meeting, and the edition it would be in."""
    buyer = _as_buyer()
    booth = find_booth(slug)
    if booth is None or not can_view_booth(buyer, booth):
        abort(404, _("There is no published booth with this slug."))
    require(can_request_meeting(buyer, booth))
    return booth, _open_edition(booth)


def _open_edition(booth: Booth) -> Edition:
    edition = services.meeting_edition(booth)
    if edition is None:
        raise ApiProblem(409, _("No edition is open for meetings at the moment."), kind="rule-broken")
    return edition


def _team(slug: str) -> Booth:
    return team_booth(slug, lambda user, booth: can_handle_meetings(user, booth.company))


def _meeting(meeting_id: int) -> Meeting:
    """A meeting the token's person takes part in (or organizes the edition of), within a team
    token's own team; anyone else's is not acknowledged (404), as on the meeting page."""
    meeting = services.find_meeting(meeting_id)
    token = current_token()
    if (
        meeting is None
        or not can_view_meeting(actor(), meeting)
        or (token.kind == ApiToken.Kind.TEAM and meeting.company_id != token.company_id)
    ):
        abort(404, _("There is no meeting with this id for this token."))
    return meeting


def _shown(meetings: list[Meeting]) -> list[dict]:
    booths = services.booths_of(meeting.company_id for meeting in meetings)
    return [presenters.meeting(meeting, actor(), booths.get(meeting.company_id)) for meeting in meetings]


def _one(meeting_id: int) -> dict:
    return _shown([_meeting(meeting_id)])[0]


def _meeting_page(query, args: dict) -> dict:
    if args.get("status"):
        query = query.where(Meeting.status == args["status"])
    rows, cursor = moment_page(query, Meeting.starts_at, Meeting.id, args, scalars=True)
    return {"items": _shown(rows), "next_cursor": cursor}


def _asked(side: Side, buyer: User, booth: Booth, edition: Edition, body: dict) -> dict:
    """A request (a buyer's) or an invitation (the team's), under the pages' cap per person."""
    within_person_cap(REQUEST_LIMIT, "meeting-requests")
    data = services.RequestData(
        _proposal(body["slot"]),
        body["message"],
        tuple(dict.fromkeys(body["product_ids"])),
        _arrangement(body) if side == Side.TEAM else None,
    )
    with meeting_fields():
        meeting = services.request_meeting(
            actor(), side=side, buyer=buyer, company=booth.company, edition=edition, data=data
        )
    db.session.commit()
    return _one(meeting.id)


def _slots(found: list[FreeSlot], args: dict) -> dict:
    if args.get("mode"):
        found = [slot for slot in found if slot.mode == args["mode"]]
    offset, cursor = offset_page(len(found), args.get("cursor"), args["limit"])
    return {
        "items": [presenters.free_slot(slot) for slot in found[offset : offset + args["limit"]]],
        "next_cursor": cursor,
    }


def _proposal(slot: dict) -> services.Proposal:
    return services.Proposal(Mode(slot["mode"]), slot["starts_at"])


def _arrangement(body: dict) -> services.Arrangement | None:
    """The team's arrangement as sent (who attends: the token's person unless named)."""
    given = body.get("arrangement")
    if given is None:
        return None
    return services.Arrangement(
        attendee_ids=tuple(given.get("attendee_ids") or (actor().id,)),
        place=Place(given["place"]) if given.get("place") else None,
        table_id=given.get("table_id"),
        video_url=given.get("video_url", ""),
    )


# --- lists and free slots ------------------------------------------------------------------------------


@bp.route("/me/meetings")
@bp.authenticated("meetings:read")
@bp.arguments(MeetingsArgs, location="query")
@bp.response(200, MeetingPage)
def list_my_meetings(args):
    """The meetings the token's person takes part in, as the buyer or attending for a team (a team
    token: its team's only), latest first; `your_side` says which."""
    query = services.person_meetings_query(actor())
    token = current_token()
    if token.kind == ApiToken.Kind.TEAM:
        query = query.where(Meeting.company_id == token.company_id)
    return _meeting_page(query, args)


@bp.route("/booths/<slug>/meetings")
@bp.authenticated("meetings:read")
@bp.arguments(MeetingsArgs, location="query")
@bp.response(200, MeetingPage)
def list_team_meetings(args, slug: str):
    """Every meeting of the booth's team, latest first, whoever of it attends."""
    return _meeting_page(services.company_meetings_query(_team(slug).company), args)


@bp.route("/booths/<slug>/meeting-slots")
@bp.authenticated("meetings:read")
@bp.arguments(MeetingSlotsArgs, location="query")
@bp.response(200, FreeSlotPage)
def team_free_slots(args, slug: str):
    """When the booth's team is free to meet the token's person (at the venue of the edition the
    booth stands in, and online), earliest first: the slots a request may name."""
    booth, edition = _booth_to_ask(slug)
    company = booth.company
    if services.team_settings(company).requests_paused:
        raise services.RequestsPaused(
            _("%(company)s is not taking meeting requests at the moment.", company=company.name)
        )
    return _slots(services.offered_slots(Side.TEAM, buyer=actor(), company=company, edition=edition), args)


@bp.route("/booths/<slug>/buyers/<int:buyer_id>/meeting-slots")
@bp.authenticated("meetings:read")
@bp.arguments(MeetingSlotsArgs, location="query")
@bp.response(200, FreeSlotPage)
def buyer_free_slots(args, slug: str, buyer_id: int):
    """When a buyer the team may invite (who wrote to the booth, met it, or shared their details) is
    free: the slots an invitation may name."""
    booth = _team(slug)
    buyer = _invitable(booth.company, buyer_id)
    edition = _open_edition(booth)
    return _slots(services.offered_slots(Side.BUYER, buyer=buyer, company=booth.company, edition=edition), args)


def _invitable(company: ExhibitorCompany, buyer_id: int) -> User:
    buyer = db.session.get(User, buyer_id)
    if buyer is None or not services.can_invite_buyer(company, buyer):
        abort(404, _("There is no buyer with this id whom this team may invite."))
    return buyer


# --- asking ---------------------------------------------------------------------------------------


@bp.route("/booths/<slug>/meetings", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(MeetingRequestBody)
@bp.response(201, MeetingSchema)
def request_meeting(body, slug: str):
    """Ask the booth's team for a meeting in one of its free slots, as the booth's request form does:
    the edition's quota of open requests, a paused team and a slot taken meanwhile are 409s."""
    booth, edition = _booth_to_ask(slug)
    return _asked(Side.BUYER, actor(), booth, edition, body)


@bp.route("/booths/<slug>/invitations", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(InvitationBody)
@bp.response(201, MeetingSchema)
def invite_buyer(body, slug: str):
    """Invite a buyer the team knows to a meeting in one of the buyer's free slots, with who of the
    team attends and where (the token's person at the team's stand unless said otherwise)."""
    booth = _team(slug)
    buyer = _invitable(booth.company, body["buyer_id"])
    return _asked(Side.TEAM, buyer, booth, _open_edition(booth), body)


# --- one meeting and its answers -----------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>")
@bp.authenticated("meetings:read")
@bp.response(200, MeetingSchema)
def show_meeting(meeting_id: int):
    return _one(meeting_id)


@bp.route("/meetings/<int:meeting_id>/slots")
@bp.authenticated("meetings:read")
@bp.arguments(MeetingSlotsArgs, location="query")
@bp.response(200, FreeSlotPage)
def other_side_free_slots(args, meeting_id: int):
    """When the other side is free: the slots another time (or a move) may name."""
    meeting = _meeting(meeting_id)
    side = services.side_of(actor(), meeting)
    require(side is not None)  # organizers look, the two sides act
    found = services.offered_slots(side.other, buyer=meeting.buyer, company=meeting.company, edition=meeting.edition)
    return _slots(found, args)


def _answered(meeting_id: int, answer: Callable[[User, Meeting], object]) -> dict:
    """Answer as the token's person (the service says whether it is their side's turn), commit, and
    show the meeting as it stands now."""
    with meeting_fields():
        answer(actor(), _meeting(meeting_id))
    db.session.commit()
    return _one(meeting_id)


def _with_reason(answer, body: dict, meeting_id: int) -> dict:
    return _answered(meeting_id, lambda person, meeting: answer(person, meeting, body["revision"], body["reason"]))


def _another_time(move, body: dict, meeting_id: int) -> dict:
    return _answered(
        meeting_id,
        lambda person, meeting: move(
            person,
            meeting,
            body["revision"],
            _proposal(body["slot"]),
            reason=body["reason"],
            arrangement=_arrangement(body),
        ),
    )


@bp.route("/meetings/<int:meeting_id>/accept", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(AcceptBody)
@bp.response(200, MeetingSchema)
def accept_meeting(body, meeting_id: int):
    """Accept the slot proposed, when it is your side's turn; the team says who attends and where.
    Everyone's time is held at once: a slot someone was booked for meanwhile is a 409."""
    return _answered(
        meeting_id,
        lambda person, meeting: services.accept(person, meeting, body["revision"], arrangement=_arrangement(body)),
    )


@bp.route("/meetings/<int:meeting_id>/decline", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(ReasonBody)
@bp.response(200, MeetingSchema)
def decline_meeting(body, meeting_id: int):
    """Decline a request awaiting your side, with a reason the other side reads."""
    return _with_reason(services.decline, body, meeting_id)


@bp.route("/meetings/<int:meeting_id>/counter", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(CounterBody)
@bp.response(200, MeetingSchema)
def counter_meeting(body, meeting_id: int):
    """Propose another slot (one of the other side's free slots) instead of the one awaiting your answer."""
    return _another_time(services.counter, body, meeting_id)


@bp.route("/meetings/<int:meeting_id>/reschedule", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(RescheduleBody)
@bp.response(200, MeetingSchema)
def reschedule_meeting(body, meeting_id: int):
    """Move an accepted meeting to another slot, with a reason: its time is given back and the other
    side accepts or declines the new one."""
    return _another_time(services.reschedule, body, meeting_id)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(ReasonBody)
@bp.response(200, MeetingSchema)
def cancel_meeting(body, meeting_id: int):
    """Cancel an accepted meeting before it begins, or withdraw your own open request; with a reason."""
    return _with_reason(services.cancel, body, meeting_id)


@bp.route("/meetings/<int:meeting_id>/outcome", methods=["POST"])
@bp.authenticated("meetings:write")
@bp.arguments(OutcomeBody)
@bp.response(200, MeetingSchema)
def record_outcome(body, meeting_id: int):
    """Once an accepted meeting has begun, say for your side whether it was held or missed, with a note."""
    return _answered(
        meeting_id,
        lambda person, meeting: services.record_outcome(person, meeting, Outcome(body["outcome"]), body["note"]),
    )
