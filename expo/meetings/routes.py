"""Meeting pages: a person's availability and meetings, the request form on a booth, one meeting
and its answers, the team's meeting inbox, and the organizers' rules, tables and statistics."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo import exports
from expo.accounts.forms import ConfirmActionForm
from expo.accounts.models import User
from expo.booths.models import Booth
from expo.booths.routes import load_booth
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.editions.routes import load_edition
from expo.extensions import db, limiter
from expo.leads.routes.shared import load_team_booth
from expo.leads.services import inquiry_product_choices
from expo.lib.pagination import requested_page
from expo.lib.ranges import query_id
from expo.lib.rules import show_as_message, show_on_form
from expo.meetings import services, slots, statistics
from expo.meetings.calendar import meeting_calendar
from expo.meetings.forms import (
    AvailabilityForm,
    BuyerAcceptForm,
    CancelForm,
    ChooseBuyerForm,
    CounterForm,
    DeclineForm,
    InviteForm,
    OutcomeForm,
    RequestForm,
    RescheduleForm,
    SettingsForm,
    TableForm,
    TeamAcceptForm,
    TeamSettingsForm,
    slot_choices,
    unique_ids,
)
from expo.meetings.models import Availability, Meeting, MeetingTable, Mode, Origin, Outcome, Place, Side
from expo.permissions import (
    NotAllowed,
    can_handle_meetings,
    can_manage_edition,
    can_request_meeting,
    can_view_meeting,
    require,
)

bp = Blueprint("meetings", __name__)

MEETINGS_PER_PAGE = 25
REQUEST_LIMIT = "30 per hour"


@bp.app_template_filter("meeting_mode")
def _meeting_mode(value: str) -> str:
    return Mode(value).label


@bp.app_template_filter("meeting_outcome")
def _meeting_outcome(value: str) -> str:
    return Outcome(value).label


@bp.app_template_filter("meeting_place")
def _meeting_place(meeting: Meeting) -> str:
    from expo.meetings.calendar import where

    return where(meeting)


@bp.app_template_filter("meeting_booth")
def _meeting_booth(company) -> Booth | None:
    return services.booth_of(company)


@bp.app_context_processor
def _meeting_helpers():
    """For the agenda page and the booth page: each looks its data up only when a template calls it."""
    return {
        "upcoming_meetings": _upcoming_meetings,
        "can_request_meeting": can_request_meeting,
        "can_handle_meetings": can_handle_meetings,
    }


def _upcoming_meetings() -> list:
    """Once a request: the agenda page asks whether there are any, then lists them."""
    if "expo_upcoming_meetings" not in g:
        g.expo_upcoming_meetings = services.agenda_meetings(current_user, since=utcnow())
    return g.expo_upcoming_meetings


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


# --- loaders -------------------------------------------------------------------------------------


def load_meeting(meeting_id: int) -> Meeting:
    """A meeting the viewer takes part in (or organizes the edition of); anyone else's is a 404."""
    meeting = services.find_meeting(meeting_id)
    if meeting is None or not can_view_meeting(current_user, meeting):
        abort(404)
    return meeting


def _zone() -> str:
    return current_user.timezone or "UTC"


# --- availability --------------------------------------------------------------------------------


@bp.route("/my/availability", methods=["GET", "POST"])
@login_required
def my_availability():
    editions = services.meeting_editions()
    form = AvailabilityForm(editions=editions)
    status = 200
    if form.validate_on_submit():
        try:
            services.add_availability(current_user, form.window())
        except services.MeetingError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_("Added to your availability."), "success")
            return redirect(url_for("meetings.my_availability"))
    elif form.is_submitted():
        status = 400
    hours = {edition.id: slots.settings_for(edition) for edition in editions}
    return render_template(
        "meetings/availability.html",
        form=form,
        windows=services.availability_of(current_user),
        editions=editions,
        hours=hours,
    ), status


@bp.route("/my/availability/<int:window_id>/delete", methods=["POST"])
@login_required
def delete_availability(window_id: int):
    window = db.session.get(Availability, window_id)
    if window is None or window.user_id != current_user.id:
        abort(404)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    services.remove_availability(current_user, window)
    db.session.commit()
    flash(_("Removed from your availability."), "info")
    return redirect(url_for("meetings.my_availability"))


# --- a buyer's meetings and requests ----------------------------------------------------------------


@bp.route("/my/meetings")
@login_required
def my_meetings():
    """A person's meetings; ``?programme=<edition>`` narrows them to that edition's hosted-buyer
    programme (the meetings its organizers scheduled), which links here."""
    programme = None
    narrow = None
    if request.args.get("programme"):
        programme = load_edition(request.args["programme"])
        narrow = services.MeetingFilter(edition_id=programme.id, origin=Origin.SCHEDULED)
    pagination = db.paginate(
        services.buyer_meetings_query(current_user, narrow),
        page=requested_page(),
        per_page=MEETINGS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "meetings/my_meetings.html",
        pagination=pagination,
        attending=services.agenda_meetings(current_user, since=utcnow(), narrow=narrow),
        programme=programme,
    )


@bp.route("/booths/<slug>/meetings/request", methods=["GET", "POST"])
@limiter.limit(REQUEST_LIMIT, key_func=_user_key, methods=["POST"])
@login_required
def request_meeting(slug: str):
    booth = load_booth(slug)
    require(can_request_meeting(current_user, booth))
    company = booth.company
    edition = services.meeting_edition(booth)
    if edition is None:
        flash(_("No edition is open for meetings at the moment."), "info")
        return redirect(url_for("booths.show_booth", slug=booth.slug))
    paused = services.team_settings(company).requests_paused
    free = [] if paused else services.offered_slots(Side.TEAM, buyer=current_user, company=company, edition=edition)
    form = RequestForm(slots=slot_choices(free, _zone()), products=inquiry_product_choices(booth))
    status = 200
    if request.method == "GET":
        chosen = query_id("product")
        form.products.data = [chosen] if chosen in dict(form.products.choices) else []
    elif paused:
        status = 409  # the page says so; nothing is sent
    elif form.validate_on_submit():
        data = services.RequestData(form.proposal(), form.message.data or "", tuple(form.products.data or ()))
        try:
            meeting = services.request_meeting(
                current_user, side=Side.BUYER, buyer=current_user, company=company, edition=edition, data=data
            )
        except services.MeetingError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(
                _("Your meeting request is with %(company)s. You will hear when they answer.", company=company.name),
                "success",
            )
            return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id))
    else:
        status = 400
    return render_template(
        "meetings/request.html",
        booth=booth,
        company=company,
        edition=edition,
        form=form,
        paused=paused,
        has_slots=bool(free),
        settings=slots.settings_for(edition),
    ), status


# --- one meeting ---------------------------------------------------------------------------------


def _team_context(meeting: Meeting):
    return (
        services.team_members(meeting.company),
        services.tables_of(meeting.edition),
        services.stand_of(meeting.company, meeting.edition) is not None,
    )


def _fill_team(form, meeting: Meeting, *, fresh: bool) -> None:
    form.fill_team_choices(*_team_context(meeting))
    if fresh:
        form.attendees.data = [a.user_id for a in meeting.attendees] or [current_user.id]
        if meeting.place == Place.TABLE:
            form.place.data = f"table:{meeting.table_id}"
        elif meeting.place == Place.STAND:
            form.place.data = "stand"
        if meeting.place == Place.VIDEO:
            form.video_url.data = meeting.video_url


def _forms_for(meeting: Meeting, side: Side | None, given: dict) -> dict:
    """The forms the viewer may use now; ``given`` holds a submitted one to show with its errors."""
    forms: dict = {}
    if side is None:
        return forms
    now = utcnow()
    fresh = {"revision": meeting.revision}
    needs_slots = False
    if meeting.is_open and meeting.awaiting == side:
        forms["accept"] = given.get("accept") or (
            TeamAcceptForm(formdata=None, data=fresh)
            if side == Side.TEAM
            else BuyerAcceptForm(formdata=None, data=fresh)
        )
        forms["decline"] = given.get("decline") or DeclineForm(formdata=None, data=fresh)
        forms["counter"] = given.get("counter") or CounterForm(formdata=None, data=fresh)
        needs_slots = True
    elif meeting.is_open:
        forms["cancel"] = given.get("cancel") or CancelForm(formdata=None, data=fresh)
    elif meeting.is_accepted and meeting.starts_at > now:
        forms["cancel"] = given.get("cancel") or CancelForm(formdata=None, data=fresh)
        forms["reschedule"] = given.get("reschedule") or RescheduleForm(formdata=None, data=fresh)
        needs_slots = True
    elif meeting.is_accepted:
        outcome, note = (
            (meeting.buyer_outcome, meeting.buyer_note)
            if side == Side.BUYER
            else (meeting.team_outcome, meeting.team_note)
        )
        forms["outcome"] = given.get("outcome") or OutcomeForm(formdata=None, data={"outcome": outcome, "note": note})
    if needs_slots:
        free = services.offered_slots(side.other, buyer=meeting.buyer, company=meeting.company, edition=meeting.edition)
        choices = slot_choices(free, _zone())
        for name in ("counter", "reschedule"):
            if name in forms:
                forms[name].slot.choices = choices
    if side == Side.TEAM:
        for name in ("accept", "counter", "reschedule"):
            if name in forms:
                _fill_team(forms[name], meeting, fresh=name not in given)
    for name, form in forms.items():
        if name not in given:
            unique_ids(form, name)
    return forms


def _render_meeting(meeting: Meeting, status: int = 200, **given):
    side = services.side_of(current_user, meeting)
    forms = _forms_for(meeting, side, given)
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        side=side,
        forms=forms,
        where=_where(meeting),
        Side=Side,
        Outcome=Outcome,
    ), status


def _where(meeting: Meeting) -> str:
    from expo.meetings.calendar import where

    return where(meeting)


@bp.route("/meetings/<int:meeting_id>")
@login_required
def show_meeting(meeting_id: int):
    return _render_meeting(load_meeting(meeting_id))


def _act(meeting_id: int, name: str, form_class, action):
    """The shared shape of every answer: load, check the form, call the service, commit or explain."""
    meeting = load_meeting(meeting_id)
    side = services.side_of(current_user, meeting)
    require(side is not None)  # organizers look, the two sides act
    form = unique_ids(form_class(), name)
    if side == Side.TEAM and hasattr(form, "fill_team_choices"):
        form.fill_team_choices(*_team_context(meeting))
    if hasattr(form, "slot"):
        form.slot.choices = slot_choices(
            services.offered_slots(side.other, buyer=meeting.buyer, company=meeting.company, edition=meeting.edition),
            _zone(),
        )
    if not form.validate_on_submit():
        return _render_meeting(meeting, 400, **{name: form})
    try:
        message = action(meeting, side, form)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except services.MeetingError as error:
        show_on_form(form, error)
        meeting = load_meeting(meeting_id)
        if isinstance(error, services.MeetingConflict) and not isinstance(error, services.SlotTaken):
            flash(str(error), "warning")
            return _render_meeting(meeting, error.status)
        return _render_meeting(meeting, error.status, **{name: form})
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("meetings.show_meeting", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/accept", methods=["POST"])
@login_required
def accept_meeting(meeting_id: int):
    def action(meeting, side, form):
        arrangement = form.arrangement() if side == Side.TEAM else None
        services.accept(current_user, meeting, form.seen_revision(), arrangement=arrangement)
        return _("The meeting is confirmed. It is on both agendas.")

    form_class = TeamAcceptForm if _viewer_side(meeting_id) == Side.TEAM else BuyerAcceptForm
    return _act(meeting_id, "accept", form_class, action)


def _viewer_side(meeting_id: int) -> Side | None:
    meeting = services.find_meeting(meeting_id)
    return services.side_of(current_user, meeting) if meeting is not None else None


@bp.route("/meetings/<int:meeting_id>/decline", methods=["POST"])
@login_required
def decline_meeting(meeting_id: int):
    def action(meeting, side, form):
        services.decline(current_user, meeting, form.seen_revision(), form.reason.data)
        return _("The meeting is declined; the other side has been told why.")

    return _act(meeting_id, "decline", DeclineForm, action)


@bp.route("/meetings/<int:meeting_id>/counter", methods=["POST"])
@login_required
def counter_meeting(meeting_id: int):
    def action(meeting, side, form):
        services.counter(
            current_user,
            meeting,
            form.seen_revision(),
            form.proposal(),
            reason=form.reason.data or "",
            arrangement=form.arrangement() if side == Side.TEAM else None,
        )
        return _("Your proposal is sent. The other side accepts or declines it.")

    return _act(meeting_id, "counter", CounterForm, action)


@bp.route("/meetings/<int:meeting_id>/reschedule", methods=["POST"])
@login_required
def reschedule_meeting(meeting_id: int):
    def action(meeting, side, form):
        services.reschedule(
            current_user,
            meeting,
            form.seen_revision(),
            form.proposal(),
            reason=form.reason.data,
            arrangement=form.arrangement() if side == Side.TEAM else None,
        )
        return _("The new time is proposed. Until the other side accepts it, the meeting is not confirmed.")

    return _act(meeting_id, "reschedule", RescheduleForm, action)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel_meeting(meeting_id: int):
    def action(meeting, side, form):
        services.cancel(current_user, meeting, form.seen_revision(), form.reason.data)
        return _("The meeting is cancelled; the other side has been told.")

    return _act(meeting_id, "cancel", CancelForm, action)


@bp.route("/meetings/<int:meeting_id>/outcome", methods=["POST"])
@login_required
def record_outcome(meeting_id: int):
    def action(meeting, side, form):
        services.record_outcome(current_user, meeting, Outcome(form.outcome.data), form.note.data or "")
        return _("Saved.")

    return _act(meeting_id, "outcome", OutcomeForm, action)


@bp.route("/meetings/<int:meeting_id>/meeting.ics")
@login_required
def meeting_ics(meeting_id: int):
    meeting = load_meeting(meeting_id)
    if not meeting.is_accepted:
        abort(404)
    content = meeting_calendar([meeting], current_user)
    return Response(
        content,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


# --- the team's inbox ----------------------------------------------------------------------------


@bp.route("/booths/<slug>/meetings")
@login_required
def team_inbox(slug: str):
    booth = load_team_booth(slug)
    company = booth.company
    tab = request.args.get("tab", "awaiting_you")
    if tab not in services.TEAM_TABS:
        tab = "awaiting_you"
    pagination = db.paginate(
        services.team_meetings_query(company, tab), page=requested_page(), per_page=MEETINGS_PER_PAGE, error_out=False
    )
    settings = services.team_settings(company)
    form = TeamSettingsForm(formdata=None, obj=settings)
    return render_template(
        "meetings/team_inbox.html",
        booth=booth,
        company=company,
        tab=tab,
        pagination=pagination,
        counts=services.team_tab_counts(company),
        settings_form=form,
        settings=settings,
    )


@bp.route("/booths/<slug>/meetings/settings", methods=["POST"])
@login_required
def team_settings(slug: str):
    booth = load_team_booth(slug)
    form = TeamSettingsForm()
    if form.validate_on_submit():
        try:
            services.set_team_settings(
                current_user,
                booth.company,
                requests_paused=form.requests_paused.data,
                video_url=form.video_url.data or "",
            )
        except services.MeetingError as exc:
            show_as_message(exc)
        else:
            db.session.commit()
            flash(
                _("Meeting requests are paused: buyers cannot ask for new meetings.")
                if form.requests_paused.data
                else _("Your meeting settings are saved."),
                "success",
            )
    else:
        flash(_("Enter the video link as a full https:// address."), "warning")
    return redirect(url_for("meetings.team_inbox", slug=booth.slug))


@bp.route("/booths/<slug>/meetings/invite", methods=["GET", "POST"])
@limiter.limit(REQUEST_LIMIT, key_func=_user_key, methods=["POST"])
@login_required
def invite_buyer(slug: str):
    booth = load_team_booth(slug)
    company = booth.company
    edition = services.meeting_edition(booth)
    if edition is None:
        flash(_("No edition is open for meetings at the moment."), "info")
        return redirect(url_for("meetings.team_inbox", slug=booth.slug))
    buyers = services.known_buyers(company)
    chooser = ChooseBuyerForm(request.args)
    chooser.buyer.choices = [
        (user.id, f"{user.name} · {user.organisation}" if user.organisation else user.name) for user in buyers
    ]
    buyer_id = query_id("buyer")
    buyer = db.session.get(User, buyer_id) if buyer_id else None
    if buyer is not None and not services.can_invite_buyer(company, buyer):
        abort(404)
    if buyer is None:
        return render_template(
            "meetings/invite.html",
            booth=booth,
            company=company,
            edition=edition,
            chooser=chooser,
            buyer=None,
            form=None,
            has_slots=False,
        )
    free = services.offered_slots(Side.BUYER, buyer=buyer, company=company, edition=edition)
    form = InviteForm(slots=slot_choices(free, _zone()), products=inquiry_product_choices(booth))
    members, tables, has_stand = (
        services.team_members(company),
        services.tables_of(edition),
        services.stand_of(company, edition) is not None,
    )
    form.fill_team_choices(members, tables, has_stand)
    status = 200
    if request.method == "GET":
        form.attendees.data = [current_user.id]
    elif form.validate_on_submit():
        data = services.RequestData(
            form.proposal(), form.message.data or "", tuple(form.products.data or ()), form.arrangement()
        )
        try:
            meeting = services.request_meeting(
                current_user, side=Side.TEAM, buyer=buyer, company=company, edition=edition, data=data
            )
        except (services.MeetingError, NotAllowed) as exc:
            show_on_form(form, exc if isinstance(exc, services.MeetingError) else services.MeetingError(str(exc)))
            status = getattr(exc, "status", 403)
        else:
            db.session.commit()
            flash(_("Your invitation is with %(buyer)s.", buyer=buyer.name), "success")
            return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id))
    else:
        status = 400
    chooser.buyer.data = buyer.id
    return render_template(
        "meetings/invite.html",
        booth=booth,
        company=company,
        edition=edition,
        chooser=chooser,
        buyer=buyer,
        form=form,
        has_slots=bool(free),
    ), status


# --- organizers ----------------------------------------------------------------------------------


def _organized_edition(slug: str) -> Edition:
    edition = load_edition(slug)
    require(can_manage_edition(current_user, edition))
    g.edition = edition  # the organizer area's tabs build their links from it
    return edition


def _render_organize(edition: Edition, settings_form=None, table_form=None, status: int = 200):
    settings = slots.settings_for(edition)
    settings_form = settings_form or SettingsForm(formdata=None, obj=settings)
    return render_template(
        "meetings/organize.html",
        edition=edition,
        settings_form=settings_form,
        table_form=table_form or TableForm(formdata=None),
        tables=services.tables_of(edition),
        by_pavilion=services.statistics_by_pavilion(edition),
        by_country=services.statistics_by_country(edition),
    ), status


@bp.route("/editions/<slug>/organize/meetings", methods=["GET", "POST"])
@login_required
def organize_meetings(slug: str):
    edition = _organized_edition(slug)
    if request.method == "GET":
        return _render_organize(edition)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _render_organize(edition, settings_form=form, status=400)
    try:
        services.save_settings(current_user, edition, form.settings_data())
    except services.MeetingError as exc:
        show_on_form(form, exc)
        return _render_organize(edition, settings_form=form, status=exc.status)
    db.session.commit()
    flash(_("The meeting rules are saved."), "success")
    return redirect(url_for("meetings.organize_meetings", slug=edition.slug))


@bp.route("/editions/<slug>/organize/meetings/tables", methods=["POST"])
@login_required
def add_table(slug: str):
    edition = _organized_edition(slug)
    form = TableForm()
    if not form.validate_on_submit():
        return _render_organize(edition, table_form=form, status=400)
    try:
        services.add_table(current_user, edition, form.name.data, form.capacity.data)
    except services.MeetingError as exc:
        show_on_form(form, exc)
        return _render_organize(edition, table_form=form, status=exc.status)
    db.session.commit()
    flash(_("The table is added."), "success")
    return redirect(url_for("meetings.organize_meetings", slug=edition.slug) + "#tables")


@bp.route("/editions/<slug>/organize/meetings/tables/<int:table_id>/delete", methods=["POST"])
@login_required
def delete_table(slug: str, table_id: int):
    edition = _organized_edition(slug)
    table = db.session.get(MeetingTable, table_id)
    if table is None or table.edition_id != edition.id:
        abort(404)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_table(current_user, table)
    except services.MeetingError as exc:
        show_as_message(exc)
    else:
        db.session.commit()
        flash(_("The table is removed."), "info")
    return redirect(url_for("meetings.organize_meetings", slug=edition.slug) + "#tables")


@bp.route("/editions/<slug>/organize/meetings/statistics.<fmt>")
@login_required
def export_statistics(slug: str, fmt: str):
    edition = _organized_edition(slug)
    if fmt not in exports.FORMATS:
        abort(404)
    content = statistics.statistics_file(current_user, edition, fmt)
    return exports.download(content, fmt, f"meetings-{edition.slug}.{fmt}")
