"""Badge pages: the organizers' badges and prints, the help desk, and a person's own badge on the phone."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from expo.accounts.forms import ConfirmActionForm
from expo.accounts.models import User
from expo.badges import prints, services
from expo.badges.forms import CorrectBadgeForm, DeskPrintForm, PrintForm, ReprintForm
from expo.badges.models import Badge, BadgePrint
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.editions.routes import load_edition, load_in_edition, scope_to_edition
from expo.extensions import db
from expo.lib import jobs
from expo.lib.pagination import requested_page
from expo.lib.rules import show_as_message, show_on_form
from expo.permissions import can_manage_edition, require
from expo.transactions import writes_database

bp = Blueprint("badges", __name__, url_prefix="/editions/<slug>/organize/badges")
mine = Blueprint("my_badges", __name__)

PRINTS_PER_PAGE = 20


# --- every organizer view: signed in (else log in), the edition exists (404), its organizer (403) ----


scope_to_edition(bp)


@bp.before_request
def _load_and_authorise():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    g.edition = load_edition(g.edition_slug)
    require(can_manage_edition(current_user, g.edition))
    return None


def _edition() -> Edition:
    return g.edition


def _language() -> str:
    return str(get_locale() or "en")


def _pdf(content: bytes, filename: str) -> Response:
    """Shown in the browser, ready to print; never kept by a browser or proxy (names and codes)."""
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _badge(badge_id: int) -> Badge:
    return load_in_edition(Badge, badge_id)


def _print_job(print_id: int) -> BadgePrint:
    return load_in_edition(BadgePrint, print_id)


# --- the overview and bulk prints ------------------------------------------------------------------


def _print_form(**kwargs) -> PrintForm:
    return PrintForm(edition=_edition(), days=services.edition_days(_edition()), **kwargs)


def _render_index(form: PrintForm, status: int = 200):
    pagination = db.paginate(
        prints.prints_query(_edition()).options(joinedload(BadgePrint.requested_by), joinedload(BadgePrint.pavilion)),
        page=requested_page(),
        per_page=PRINTS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "badges/index.html",
        edition=_edition(),
        form=form,
        overview=services.overview(_edition()),
        pagination=pagination,
        describe=prints.describe_print,
        direct_limit=prints.DIRECT_LIMIT,
    ), status


@bp.route("")
def index():
    return _render_index(_print_form())


@bp.route("/prepare", methods=["POST"])
def prepare():
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    prints.prepare_badges(current_user, _edition())
    db.session.commit()
    flash(_("The badges are being prepared. Their numbers below update in a minute or so."), "info")
    return redirect(url_for("badges.index"))


@bp.route("/print", methods=["POST"])
def print_badges():
    form = _print_form()
    if not form.validate_on_submit():
        return _render_index(form, 400)
    try:
        outcome = prints.request_print(current_user, _edition(), form.selection(), form.layout.data, _language())
    except services.BadgeError as exc:
        show_on_form(form, exc)
        return _render_index(form, exc.status)
    db.session.commit()
    if isinstance(outcome, prints.Direct):
        return _pdf(outcome.content, f"badges-{_edition().slug}.pdf")
    flash(
        ngettext(
            "%(num)d badge is being made into a PDF. You can leave this page and come back.",
            "%(num)d badges are being made into a PDF. You can leave this page and come back.",
            outcome.badges_total,
        ),
        "info",
    )
    return redirect(url_for("badges.show_print", print_id=outcome.id))


@bp.route("/prints/<int:print_id>")
def show_print(print_id: int):
    job = _print_job(print_id)
    return render_template(
        "badges/print.html",
        edition=_edition(),
        job=job,
        description=prints.describe_print(job),
        progress=prints.progress(job),
        can_retry=jobs.is_stuck(job),
    )


@bp.route("/prints/<int:print_id>/progress")
def print_progress(print_id: int):
    return jsonify(prints.progress(_print_job(print_id)))


@bp.route("/prints/<int:print_id>/badges.pdf")
@writes_database  # its audit entry
def download_print(print_id: int):
    job = _print_job(print_id)
    path = prints.stored_file(job)
    if path is None:
        abort(404)
    prints.record_download(current_user, job)
    db.session.commit()
    response = send_file(path, mimetype="application/pdf", download_name=prints.filename(job), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/prints/<int:print_id>/retry", methods=["POST"])
def retry_print(print_id: int):
    job = _print_job(print_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    try:
        prints.make_again(current_user, job)
    except services.BadgeError as exc:
        show_as_message(exc, "info")
    else:
        db.session.commit()
    return redirect(url_for("badges.show_print", print_id=print_id))


# --- the help desk ---------------------------------------------------------------------------------


def _render_desk(*, status: int = 200, correcting: Badge | None = None, correct_form: CorrectBadgeForm | None = None):
    words = (request.args.get("q") or "").strip()[:200]
    people = services.search_people(_edition(), words) if words else []
    return render_template(
        "badges/desk.html",
        edition=_edition(),
        words=words,
        too_short=bool(words) and not services.long_enough(words),
        people=people,
        print_form=DeskPrintForm(formdata=None),
        correcting=correcting,
        correct_form=correct_form,
    ), status


@bp.route("/desk")
def desk():
    return _render_desk()


def _back_to_desk():
    return redirect(url_for("badges.desk", q=request.form.get("q") or None))


@bp.route("/desk/people/<int:user_id>/print", methods=["POST"])
def desk_print(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = DeskPrintForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        content, badge = prints.print_one(current_user, _edition(), user, form.layout.data, _language())
    except services.BadgeError as exc:
        show_as_message(exc)
        return _back_to_desk()
    db.session.commit()
    return _pdf(content, f"badge-{_edition().slug}-{badge.id}-{badge.serial}.pdf")


@bp.route("/desk/badges/<int:badge_id>/reprint", methods=["POST"])
def desk_reprint(badge_id: int):
    badge = _badge(badge_id)
    form = ReprintForm()
    if not form.validate_on_submit() or form.seen_serial() is None:
        abort(400)
    try:
        services.reprint_badge(current_user, badge, form.seen_serial())
    except services.BadgeError as exc:
        show_as_message(exc)
    else:
        db.session.commit()
        flash(
            _(
                "%(name)s’s badge is reissued as number %(serial)s: print it now. The earlier badge no longer opens any door.",
                name=badge.name,
                serial=badge.serial,
            ),
            "success",
        )
    return _back_to_desk()


@bp.route("/desk/badges/<int:badge_id>/revoke", methods=["POST"])
def desk_revoke(badge_id: int):
    badge = _badge(badge_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    services.revoke_badge(current_user, badge)
    db.session.commit()
    flash(_("%(name)s’s badge is revoked: it opens no door until it is reprinted.", name=badge.name), "success")
    return _back_to_desk()


@bp.route("/desk/badges/<int:badge_id>/correct", methods=["GET", "POST"])
def desk_correct(badge_id: int):
    badge = _badge(badge_id)
    form = CorrectBadgeForm(obj=badge)
    if form.validate_on_submit():
        try:
            services.correct_badge(current_user, badge, name=form.name.data, company=form.company.data or "")
        except services.BadgeError as exc:
            show_on_form(form, exc)
            return _render_desk(status=exc.status, correcting=badge, correct_form=form)
        db.session.commit()
        flash(_("The badge now reads “%(name)s”. Print it again to carry the correction.", name=badge.name), "success")
        return redirect(url_for("badges.desk", q=badge.name))
    return _render_desk(status=400 if request.method == "POST" else 200, correcting=badge, correct_form=form)


# --- a person's own badge --------------------------------------------------------------------------


@mine.route("/my/badges")
@login_required
@writes_database  # issues the badges the person is entitled to and has not been given yet
def my_badges():
    badges = services.badges_of(current_user)
    db.session.commit()
    if len(badges) == 1:
        return redirect(url_for("my_badges.show_badge", slug=badges[0].edition.slug))
    return render_template("badges/mine.html", badges=badges)


@mine.route("/my/badges/<slug>")
@login_required
@writes_database
def show_badge(slug: str):
    edition = load_edition(slug)
    badge = services.badge_for(edition, current_user)
    db.session.commit()
    if badge is None:
        abort(404)
    badge = db.session.scalar(select(Badge).where(Badge.id == badge.id).options(selectinload(Badge.edition)))
    return render_template(
        "badges/badge.html",
        badge=badge,
        edition=edition,
        qr=services.qr_svg_data_uri(badge),
        last_day=services.last_valid_day(edition),
        expired=utcnow() >= services.valid_until(edition),
    )
