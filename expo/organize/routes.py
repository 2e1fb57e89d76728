"""Organizer tools for the forum programme: forums, sessions, speakers, questions, registrants."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from expo import exports, uploads
from expo.broadcasts import services as broadcasts
from expo.broadcasts.forms import AudienceMessageForm
from expo.broadcasts.models import Broadcast
from expo.editions.models import Edition
from expo.editions.routes import load_edition, load_in_edition, scope_to_edition
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.lib.pagination import requested_page
from expo.lib.ranges import query_id
from expo.lib.rules import show_as_message, show_on_form
from expo.organize import registrant_lists, services
from expo.organize.forms import ForumForm, QuestionForm, SessionForm, SpeakerForm
from expo.organize.services import OrganizeError
from expo.permissions import can_manage_edition, require
from expo.registrations import services as registrations
from expo.registrations.models import Registration
from expo.transactions import writes_database

bp = Blueprint("organize", __name__, url_prefix="/editions/<slug>/organize")

REGISTRANTS_PER_PAGE = 50
SPEAKERS_PER_PAGE = 50
TARGET_KINDS = "any(sessions, forums)"


# --- every view: signed in (else log in), the edition exists (404), its organizer (403) ----------


scope_to_edition(bp)


@bp.before_request
def _load_and_authorise():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    g.edition = load_edition(g.edition_slug)  # drafts stay secret: 404 before 403
    require(can_manage_edition(current_user, g.edition))
    return None


def _edition() -> Edition:
    return g.edition


def _forum(forum_id: int) -> Forum:
    return load_in_edition(Forum, forum_id, lambda forum: forum.edition_id)


def _session(session_id: int) -> ProgrammeSession:
    return load_in_edition(ProgrammeSession, session_id, lambda session: session.forum.edition_id)


def _speaker(speaker_id: int) -> Speaker:
    return load_in_edition(Speaker, speaker_id, lambda speaker: speaker.edition_id)


def _question(question_id: int) -> ForumQuestion:
    return load_in_edition(ForumQuestion, question_id, lambda question: question.forum.edition_id)


def _target(kind: str, target_id: int, *, registrable: bool = True) -> ProgrammeSession | Forum:
    """A session, or a forum; forums take registrations only when they enrol the whole course."""
    if kind == "sessions":
        return _session(target_id)
    forum = _forum(target_id)
    if registrable and not forum.enrols_whole_course:
        abort(404)
    return forum


def _target_kind(target: ProgrammeSession | Forum) -> str:
    return "sessions" if isinstance(target, ProgrammeSession) else "forums"


def _registration(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registrations.forum_of(registration.target).edition_id != _edition().id:
        abort(404)
    return registration


def _flash_promoted(promoted: list[Registration]) -> None:
    if promoted:
        flash(
            ngettext(
                "%(num)s person moved from the waiting list to a seat.",
                "%(num)s people moved from the waiting list to a seat.",
                len(promoted),
            ),
            "info",
        )


# --- the programme -------------------------------------------------------------------------------


@bp.route("/")
def index():
    rows = services.programme_overview(_edition())
    return render_template("organize/programme.html", edition=_edition(), rows=rows)


@bp.route("/forums/new", methods=["GET", "POST"])
def create_forum():
    edition = _edition()
    form = ForumForm(edition=edition, main_forums=services.main_forums(edition))
    if not form.is_submitted() and query_id("parent"):
        form.kind.data = Forum.SUB
        form.parent_id.data = str(query_id("parent"))
    if form.validate_on_submit():
        try:
            forum = services.create_forum(current_user, edition, form.forum_data())
        except OrganizeError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Forum “%(title)s” created.", title=forum.title), "success")
            return redirect(url_for("organize.index", _anchor=f"forum-{forum.id}"))
    return render_template("organize/forum_form.html", edition=edition, form=form, forum=None)


@bp.route("/forums/<int:forum_id>/edit", methods=["GET", "POST"])
def edit_forum(forum_id: int):
    edition = _edition()
    forum = _forum(forum_id)
    parents = [main for main in services.main_forums(edition) if main.id != forum.id]
    form = ForumForm(obj=forum, edition=edition, main_forums=parents)
    if form.validate_on_submit():
        try:
            promoted = services.update_forum(current_user, forum, form.forum_data())
        except OrganizeError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Forum “%(title)s” saved.", title=forum.title), "success")
            _flash_promoted(promoted)
            return redirect(url_for("organize.index", _anchor=f"forum-{forum.id}"))
    return render_template("organize/forum_form.html", edition=edition, form=form, forum=forum)


# --- sessions ------------------------------------------------------------------------------------


def _edition_speakers() -> list[Speaker]:
    return list(db.session.scalars(services.speakers_query(_edition())))


@bp.route("/forums/<int:forum_id>/sessions/new", methods=["GET", "POST"])
def create_session(forum_id: int):
    edition = _edition()
    forum = _forum(forum_id)
    form = SessionForm(edition=edition, speakers=_edition_speakers())
    if form.validate_on_submit():
        try:
            session = services.create_session(current_user, forum, form.session_data())
        except OrganizeError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Session “%(title)s” created.", title=session.title), "success")
            return redirect(url_for("organize.index", _anchor=f"forum-{forum.id}"))
    return render_template("organize/session_form.html", edition=edition, form=form, forum=forum, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    edition = _edition()
    session = _session(session_id)
    form = SessionForm(obj=session, edition=edition, speakers=_edition_speakers())
    if not form.is_submitted():
        form.load(session)
    if form.validate_on_submit():
        try:
            promoted = services.update_session(current_user, session, form.session_data())
        except OrganizeError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Session “%(title)s” saved.", title=session.title), "success")
            _flash_promoted(promoted)
            return redirect(url_for("organize.index", _anchor=f"session-{session.id}"))
    return render_template(
        "organize/session_form.html", edition=edition, form=form, forum=session.forum, session=session
    )


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
def delete_session(session_id: int):
    session = _session(session_id)
    title, forum_id = session.title, session.forum_id
    try:
        services.delete_session(current_user, session)
    except OrganizeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("organize.index", _anchor=f"session-{session_id}"))
    db.session.commit()
    flash(_("Session “%(title)s” deleted.", title=title), "success")
    return redirect(url_for("organize.index", _anchor=f"forum-{forum_id}"))


# --- speakers ------------------------------------------------------------------------------------


@bp.route("/speakers")
def list_speakers():
    pagination = db.paginate(
        services.speakers_query(_edition()), page=requested_page(), per_page=SPEAKERS_PER_PAGE, error_out=False
    )
    return render_template("organize/speakers.html", edition=_edition(), pagination=pagination)


@bp.route("/speakers/new", methods=["GET", "POST"])
def create_speaker():
    form = SpeakerForm()
    status = 200
    if form.validate_on_submit():
        try:
            speaker = services.create_speaker(current_user, _edition(), form.speaker_data(), photo=_photo(form))
        except uploads.UploadRejected as exc:
            db.session.rollback()
            form.photo.errors = [str(exc)]
            status = exc.status
        except OrganizeError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_("Speaker “%(name)s” added.", name=speaker.name), "success")
            return redirect(url_for("organize.list_speakers"))
    return render_template("organize/speaker_form.html", edition=_edition(), form=form, speaker=None), status


@bp.route("/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
def edit_speaker(speaker_id: int):
    speaker = _speaker(speaker_id)
    form = SpeakerForm(obj=speaker)
    if request.method == "GET" and speaker.user is not None:
        form.account_email.data = speaker.user.email
    status = 200
    if form.validate_on_submit():
        try:
            services.update_speaker(
                current_user,
                speaker,
                _edition(),
                form.speaker_data(),
                photo=_photo(form),
                remove_photo=form.remove_photo.data,
            )
        except uploads.UploadRejected as exc:
            db.session.rollback()
            form.photo.errors = [str(exc)]
            status = exc.status
        except OrganizeError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_("Speaker “%(name)s” saved.", name=speaker.name), "success")
            return redirect(url_for("organize.list_speakers"))
    return render_template("organize/speaker_form.html", edition=_edition(), form=form, speaker=speaker), status


def _photo(form: SpeakerForm) -> uploads.PreparedImage | None:
    """The uploaded photo, decoded and re-encoded before the change (no transaction open while
    decoding), or None when the field was left empty."""
    upload = form.photo.data
    return uploads.prepare_image(upload.stream) if upload and getattr(upload, "filename", "") else None


# --- custom questions ----------------------------------------------------------------------------


@bp.route("/forums/<int:forum_id>/questions")
def list_questions(forum_id: int):
    forum = _forum(forum_id)
    return render_template(
        "organize/questions.html", edition=_edition(), forum=forum, max_questions=services.MAX_QUESTIONS_PER_FORUM
    )


@bp.route("/forums/<int:forum_id>/questions/new", methods=["GET", "POST"])
def create_question(forum_id: int):
    forum = _forum(forum_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.create_question(current_user, forum, form.question_data())
        except OrganizeError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Question added."), "success")
            return redirect(url_for("organize.list_questions", forum_id=forum.id))
    return render_template("organize/question_form.html", edition=_edition(), form=form, forum=forum, question=None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: int):
    question = _question(question_id)
    form = QuestionForm(obj=question)
    if not form.is_submitted():
        form.load(question)
    if form.validate_on_submit():
        try:
            services.update_question(current_user, question, form.question_data())
        except OrganizeError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(url_for("organize.list_questions", forum_id=question.forum_id))
    return render_template(
        "organize/question_form.html", edition=_edition(), form=form, forum=question.forum, question=question
    )


@bp.route("/questions/<int:question_id>/delete", methods=["POST"])
def delete_question(question_id: int):
    question = _question(question_id)
    forum_id = question.forum_id
    services.delete_question(current_user, question)
    db.session.commit()
    flash(_("Question deleted. Answers already given are kept with the registrations."), "success")
    return redirect(url_for("organize.list_questions", forum_id=forum_id))


@bp.route("/questions/<int:question_id>/move", methods=["POST"])
def move_question(question_id: int):
    question = _question(question_id)
    forum_id = question.forum_id
    services.move_question(current_user, question, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("organize.list_questions", forum_id=forum_id))


# --- registrants ---------------------------------------------------------------------------------


@bp.route(f"/<{TARGET_KINDS}:kind>/<int:target_id>/registrants")
def list_registrants(kind: str, target_id: int):
    target = _target(kind, target_id)
    pagination = db.paginate(
        registrations.registrants_query(target), page=requested_page(), per_page=REGISTRANTS_PER_PAGE, error_out=False
    )
    forum = registrations.forum_of(target)
    return render_template(
        "organize/registrants.html",
        edition=_edition(),
        target=target,
        kind=kind,
        forum=forum,
        questions=list(forum.questions),
        pagination=pagination,
        counts=registrations.counts_by_status(target),
        checked_in=registrations.checked_in_count(target),
        answer_text=registrant_lists.answer_text,
    )


@bp.route(f"/<{TARGET_KINDS}:kind>/<int:target_id>/registrants.<any(csv, xlsx):fmt>")
@writes_database  # its audit entry
def export_registrants(kind: str, target_id: int, fmt: str):
    target = _target(kind, target_id)
    content = registrant_lists.export_registrants(current_user, target, fmt)
    db.session.commit()
    return exports.download(content, fmt, registrant_lists.export_filename(target, fmt))


def _back_to_registrants(registration: Registration):
    target = registration.target
    return redirect(
        url_for(
            "organize.list_registrants",
            kind=_target_kind(target),
            target_id=target.id,
            page=requested_page(default=0) or None,
        )
    )


@bp.route("/registrations/<int:registration_id>/decide", methods=["POST"])
def decide_registration(registration_id: int):
    registration = _registration(registration_id)
    accept = request.form.get("decision") == "accept"
    name = registration.user.name
    try:
        registrations.decide(current_user, registration, accept=accept)
    except registrations.RegistrationError as exc:
        show_as_message(exc, "error")
        return _back_to_registrants(registration)
    db.session.commit()
    if not accept:
        flash(_("%(name)s’s registration was declined.", name=name), "success")
    elif registration.status == Registration.Status.CONFIRMED:
        flash(_("%(name)s is confirmed.", name=name), "success")
    else:
        flash(_("%(name)s was accepted and put on the waiting list: the session is full.", name=name), "info")
    return _back_to_registrants(registration)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
def cancel_registration(registration_id: int):
    registration = _registration(registration_id)
    name = registration.user.name
    try:
        promoted = registrations.cancel(current_user, registration)
    except registrations.RegistrationError as exc:
        show_as_message(exc, "error")
        return _back_to_registrants(registration)
    db.session.commit()
    flash(_("%(name)s’s registration was cancelled.", name=name), "success")
    _flash_promoted(promoted)
    return _back_to_registrants(registration)


# --- messages to the audience --------------------------------------------------------------------


@bp.route(f"/<{TARGET_KINDS}:kind>/<int:target_id>/messages", methods=["GET", "POST"])
def message_audience(kind: str, target_id: int):
    """A broadcast to one session's or forum's participants, with the ones sent before."""
    target = _target(kind, target_id, registrable=False)
    form = AudienceMessageForm()
    is_session = isinstance(target, ProgrammeSession)
    if form.validate_on_submit():
        draft = broadcasts.Draft(
            audience=Broadcast.SESSION if is_session else Broadcast.FORUM,
            subject=form.subject.data,
            body=form.body.data,
            registrants=form.audience.data,
            session_id=target.id if is_session else None,
            forum_id=None if is_session else target.id,
            **form.channel_flags(),
        )
        try:
            broadcast = broadcasts.send_broadcast(current_user, _edition(), draft)
        except broadcasts.BroadcastError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Your message is being sent. Follow its delivery here."), "success")
            return redirect(url_for("broadcasts.show_broadcast", broadcast_id=broadcast.id))
    query = broadcasts.broadcasts_query(
        _edition(), session=target if is_session else None, forum=None if is_session else target
    )
    pagination = db.paginate(query, page=requested_page(), per_page=REGISTRANTS_PER_PAGE, error_out=False)
    return render_template(
        "organize/messages.html",
        edition=_edition(),
        target=target,
        kind=kind,
        forum=registrations.forum_of(target),
        form=form,
        pagination=pagination,
        progress=broadcasts.progress_of(list(pagination.items)),
    )
