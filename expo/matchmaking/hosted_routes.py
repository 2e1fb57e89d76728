"""The hosted-buyer programme's pages: the invitation and choices for hosted buyers, choices for teams,
and the organizers' programme and plan."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from expo.booths.routes import load_booth_for_team
from expo.editions.models import Edition
from expo.editions.routes import load_edition
from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.lib.ranges import query_id
from expo.lib.rules import show_as_message, show_on_form
from expo.matchmaking import hosted
from expo.matchmaking.forms import InviteHostedBuyersForm, MovePlannedMeetingForm
from expo.matchmaking.grid import free_times_of, grid_of
from expo.matchmaking.models import Choice, HostedBuyer, PlannedMeeting
from expo.meetings.models import MeetingTable
from expo.permissions import can_manage_edition, require

bp = Blueprint("hosted_buyers", __name__)

PLAN_VIEWS = ("slot", "buyer", "exhibitor", "table")
PLAN_PER_PAGE = 200
CHOICE_VALUES = {choice.value for choice in Choice}


def _choices_from_form(prefix: str, allowed_ids) -> dict[int, str | None]:
    """``<prefix>-<id>`` fields: must / would / no, or empty to clear; anything else is a 400."""
    choices: dict[int, str | None] = {}
    for key, value in request.form.items():
        if not key.startswith(prefix):
            continue
        suffix = key[len(prefix) :]
        if not suffix.isdigit() or int(suffix) not in allowed_ids:
            abort(400, _("That choice names someone outside the programme."))
        if value and value not in CHOICE_VALUES:
            abort(400, _("Choose must meet, would meet or no."))
        choices[int(suffix)] = value or None
    return choices


# --- hosted buyers ----------------------------------------------------------------------------------


def _load_invited(slug: str) -> tuple[Edition, HostedBuyer]:
    edition = load_edition(slug)
    invitation = hosted.hosted_buyer(current_user, edition)
    if invitation is None:
        abort(404)
    return edition, invitation


@bp.route("/editions/<slug>/hosted-buyers/invitation", methods=["GET", "POST"])
@login_required
def answer_invitation(slug: str):
    edition, invitation = _load_invited(slug)
    if request.method == "POST":
        answer = request.form.get("answer")
        if answer not in ("accept", "decline"):
            abort(400, _("Accept or decline the invitation."))
        try:
            hosted.answer_invitation(current_user, edition, accept=answer == "accept")
        except hosted.ProgrammeError as exc:
            show_as_message(exc)
            return redirect(url_for("hosted_buyers.answer_invitation", slug=slug))
        db.session.commit()
        if answer == "accept":
            flash(_("Welcome to the hosted-buyer programme. Now choose the exhibitors you want to meet."), "success")
            return redirect(url_for("hosted_buyers.buyer_choices", slug=slug))
        flash(_("You declined the invitation."), "info")
        return redirect(url_for("editions.show_edition", slug=slug))
    return render_template(
        "matchmaking/invitation.html", edition=edition, invitation=invitation, programme=hosted.programme_of(edition)
    )


@bp.route("/editions/<slug>/hosted-buyers/choices", methods=["GET", "POST"])
@login_required
def buyer_choices(slug: str):
    edition, invitation = _load_invited(slug)
    if invitation.status != HostedBuyer.Status.ACCEPTED:
        return redirect(url_for("hosted_buyers.answer_invitation", slug=slug))
    exhibitors = hosted.edition_exhibitors(edition)
    status = 200
    if request.method == "POST":
        choices = _choices_from_form("company-", {company.id for company in exhibitors})
        try:
            hosted.set_buyer_choices(current_user, edition, choices)
        except hosted.ProgrammeError as exc:
            show_as_message(exc, "danger")
            status = exc.status
        else:
            db.session.commit()
            flash(_("Your choices are saved."), "success")
            return redirect(url_for("hosted_buyers.buyer_choices", slug=slug))
    current = hosted.choices_of(edition, "buyer", buyer_id=current_user.id)
    return render_template(
        "matchmaking/buyer_choices.html",
        edition=edition,
        invitation=invitation,
        exhibitors=exhibitors,
        current=current,
        free_times=free_times_of([current_user.id], edition).get(current_user.id, []),
        rules=grid_of(edition).settings,
        programme=hosted.programme_of(edition),
    ), status


@bp.route("/editions/<slug>/hosted-buyers/teams/<booth_slug>", methods=["GET", "POST"])
@login_required
def team_choices(slug: str, booth_slug: str):
    edition = load_edition(slug)
    booth = load_booth_for_team(booth_slug)
    if not hosted.is_edition_exhibitor(booth.company, edition):
        abort(404)
    buyers = hosted.accepted_buyers(edition)
    status = 200
    if request.method == "POST":
        choices = _choices_from_form("buyer-", {user.id for user in buyers})
        try:
            hosted.set_team_choices(current_user, edition, booth.company, choices)
        except hosted.ProgrammeError as exc:
            show_as_message(exc, "danger")
            status = exc.status
        else:
            db.session.commit()
            flash(_("Your choices are saved."), "success")
            return redirect(url_for("hosted_buyers.team_choices", slug=slug, booth_slug=booth_slug))
    current = hosted.choices_of(edition, "team", company_id=booth.company_id)
    wanted_by = hosted.choices_of(edition, "buyer", company_id=booth.company_id)
    members = [member.user for member in booth.company.members if not member.user.is_disabled]
    return render_template(
        "matchmaking/team_choices.html",
        edition=edition,
        booth=booth,
        buyers=buyers,
        current=current,
        wanted_by=wanted_by,
        members=members,
        free_times=free_times_of([user.id for user in members], edition),
        rules=grid_of(edition).settings,
        programme=hosted.programme_of(edition),
    ), status


@bp.route("/editions/<slug>/hosted-buyers/my-meetings")
@login_required
def my_meetings(slug: str):
    """The programme's meetings are ordinary meetings: this is the meetings list, narrowed to them."""
    edition = load_edition(slug)
    if not hosted.programme_of(edition).is_final:
        flash(_("The organizers have not published the meeting plan yet. You will be told when they do."), "info")
    return redirect(url_for("meetings.my_meetings", programme=edition.slug))


# --- organizers ---------------------------------------------------------------------------------------


def _load_organized(slug: str) -> Edition:
    edition = load_edition(slug)
    require(can_manage_edition(current_user, edition))
    g.edition = edition
    return edition


def _programme_page(edition: Edition, *, invite_form=None, status: int = 200):
    invitations = list(db.session.scalars(hosted.hosted_buyers_query(edition)))
    return render_template(
        "matchmaking/programme.html",
        edition=edition,
        programme=hosted.programme_of(edition),
        invite_form=invite_form or InviteHostedBuyersForm(formdata=None),
        invitations=invitations,
        grid=grid_of(edition),
        exhibitors=len(hosted.edition_exhibitors(edition)),
    ), status


@bp.route("/editions/<slug>/organize/hosted-buyers")
@login_required
def programme(slug: str):
    return _programme_page(_load_organized(slug))


@bp.route("/editions/<slug>/organize/hosted-buyers/invite", methods=["POST"])
@login_required
def invite(slug: str):
    edition = _load_organized(slug)
    form = InviteHostedBuyersForm()
    if not form.validate_on_submit():
        return _programme_page(edition, invite_form=form, status=400)
    try:
        invited, before, unknown = hosted.invite_hosted_buyers(current_user, edition, form.addresses())
    except hosted.ProgrammeError as exc:
        show_on_form(form, exc)
        return _programme_page(edition, invite_form=form, status=exc.status)
    db.session.commit()
    flash(_("Invited: %(count)s.", count=len(invited)), "success")
    if before:
        flash(_("Invited before: %(emails)s", emails=", ".join(before)), "info")
    if unknown:
        flash(
            _("No account with these addresses, so nobody was invited: %(emails)s", emails=", ".join(unknown)),
            "warning",
        )
    return redirect(url_for("hosted_buyers.programme", slug=slug))


@bp.route("/editions/<slug>/organize/hosted-buyers/plan", methods=["GET", "POST"])
@login_required
def plan(slug: str):
    edition = _load_organized(slug)
    if request.method == "POST":
        try:
            hosted.request_plan(current_user, edition)
        except hosted.ProgrammeError as exc:
            show_as_message(exc, "danger")
        else:
            db.session.commit()
            flash(_("The plan is being built; this page shows it when it is ready."), "info")
        return redirect(url_for("hosted_buyers.plan", slug=slug))
    programme = hosted.programme_of(edition)
    view = request.args.get("view", "slot")
    if view not in PLAN_VIEWS:
        abort(404)
    grid = grid_of(edition)
    unbooked = request.args.get("unbooked") == "1"
    query = hosted.plan_query(
        edition,
        buyer_id=query_id("buyer"),
        company_id=query_id("company"),
        table_id=query_id("table"),
        unbooked=unbooked,
    )
    slot_arg = request.args.get("slot")
    if slot_arg:
        try:
            query = query.where(PlannedMeeting.starts_at == datetime.fromisoformat(slot_arg))
        except ValueError:
            abort(404)
    order = {
        "slot": (PlannedMeeting.starts_at, MeetingTable.name),
        "buyer": (PlannedMeeting.buyer_id, PlannedMeeting.starts_at),
        "exhibitor": (PlannedMeeting.company_id, PlannedMeeting.starts_at),
        "table": (MeetingTable.name, PlannedMeeting.starts_at),
    }[view]
    page = requested_page()
    rows = list(
        db.session.scalars(
            query.outerjoin(MeetingTable, MeetingTable.id == PlannedMeeting.table_id)
            .order_by(None)
            .order_by(*order, PlannedMeeting.id)
            .limit(PLAN_PER_PAGE + 1)
            .offset((page - 1) * PLAN_PER_PAGE)
        )
    )
    meetings, has_next = rows[:PLAN_PER_PAGE], len(rows) > PLAN_PER_PAGE
    return render_template(
        "matchmaking/plan.html",
        edition=edition,
        programme=programme,
        meetings=meetings,
        view=view,
        grid=grid,
        page=page,
        has_next=has_next,
        total=hosted.planned_count(edition),
        unbooked_total=hosted.unbooked_count(edition) if programme.status == programme.Status.PUBLISHED else 0,
        filtered=bool(
            request.args.get("buyer")
            or request.args.get("company")
            or request.args.get("table")
            or slot_arg
            or unbooked
        ),
    )


def _load_planned(edition: Edition, meeting_id: int) -> PlannedMeeting:
    meeting = db.session.scalar(
        select(PlannedMeeting).where(PlannedMeeting.id == meeting_id, PlannedMeeting.edition_id == edition.id)
    )
    if meeting is None:
        abort(404)
    return meeting


@bp.route("/editions/<slug>/organize/hosted-buyers/plan/<int:meeting_id>/move", methods=["POST"])
@login_required
def move_meeting(slug: str, meeting_id: int):
    edition = _load_organized(slug)
    meeting = _load_planned(edition, meeting_id)
    form = MovePlannedMeetingForm()
    grid = grid_of(edition)
    form.slot.choices = [(start.isoformat(), start.isoformat()) for start in grid.starts]
    form.table.choices = [(table.id, table.name) for table in grid.tables]
    if not form.validate_on_submit():
        flash(_("Choose a slot and a table."), "danger")
        return redirect(url_for("hosted_buyers.plan", slug=slug)), 303
    try:
        hosted.move_planned_meeting(
            current_user, edition, meeting, datetime.fromisoformat(form.slot.data), form.table.data
        )
    except hosted.ProgrammeError as exc:
        show_as_message(exc, "danger")
        return redirect(url_for("hosted_buyers.plan", slug=slug, buyer=meeting.buyer_id)), 303
    db.session.commit()
    flash(_("Meeting moved and booked.") if meeting.meeting_id else _("Meeting moved."), "success")
    return redirect(url_for("hosted_buyers.plan", slug=slug, buyer=meeting.buyer_id))


@bp.route("/editions/<slug>/organize/hosted-buyers/plan/<int:meeting_id>/remove", methods=["POST"])
@login_required
def remove_meeting(slug: str, meeting_id: int):
    edition = _load_organized(slug)
    meeting = _load_planned(edition, meeting_id)
    try:
        hosted.remove_planned_meeting(current_user, edition, meeting)
    except hosted.ProgrammeError as exc:
        show_as_message(exc, "danger")
        return redirect(url_for("hosted_buyers.plan", slug=slug)), 303
    db.session.commit()
    flash(_("Meeting removed from the plan."), "success")
    return redirect(url_for("hosted_buyers.plan", slug=slug))


@bp.route("/editions/<slug>/organize/hosted-buyers/publish", methods=["POST"])
@login_required
def publish(slug: str):
    edition = _load_organized(slug)
    try:
        count = hosted.publish_plan(current_user, edition)
    except hosted.ProgrammeError as exc:
        show_as_message(exc, "danger")
        return redirect(url_for("hosted_buyers.plan", slug=slug)), 303
    db.session.commit()
    flash(
        ngettext(
            "The plan is being published: %(num)s meeting is being booked in everyone's agenda.",
            "The plan is being published: %(num)s meetings are being booked in everyone's agenda.",
            count,
        ),
        "success",
    )
    return redirect(url_for("hosted_buyers.plan", slug=slug))
