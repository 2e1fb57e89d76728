"""The exhibition hall's pavilions for visitors, and the organizers' pavilion editor."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from expo.editions.models import Edition, Pavilion
from expo.editions.routes import load_edition, scope_to_edition
from expo.extensions import db
from expo.pavilions import services
from expo.pavilions.forms import PavilionForm
from expo.pavilions.services import PavilionError
from expo.permissions import can_manage_edition, require
from expo.rules import show_on_form

bp = Blueprint("pavilions", __name__, url_prefix="/editions/<slug>/pavilions")

# Every other view of this blueprint is the organizers': a view added later is closed until listed here.
PUBLIC_VIEWS = frozenset({"pavilions.list_pavilions", "pavilions.show_pavilion"})


# --- every view: the edition exists and may be seen (404); organizer views: signed in, its organizer (403)


scope_to_edition(bp)


@bp.before_request
def _load_and_authorise():
    organizers_only = request.endpoint not in PUBLIC_VIEWS
    if organizers_only and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    g.edition = load_edition(g.edition_slug)  # drafts stay secret: 404 before 403
    if organizers_only:
        require(can_manage_edition(current_user, g.edition))
    return None


def _edition() -> Edition:
    return g.edition


def _pavilion(pavilion_id: int) -> Pavilion:
    pavilion = db.session.get(Pavilion, pavilion_id)
    if pavilion is None or pavilion.edition_id != _edition().id:
        abort(404)
    return pavilion



# --- visitors ------------------------------------------------------------------------------------


@bp.route("/")
def list_pavilions():
    edition = _edition()
    ordered = services.hall_order(edition.pavilions)
    return render_template(
        "pavilions/hall.html", edition=edition,
        themed=[pavilion for pavilion in ordered if pavilion.kind == Pavilion.THEMED],
        country=[pavilion for pavilion in ordered if pavilion.kind == Pavilion.COUNTRY],
        can_manage=can_manage_edition(current_user, edition),
    )


@bp.route("/<pavilion_slug>")
def show_pavilion(pavilion_slug: str):
    edition = _edition()
    pavilion = next((item for item in edition.pavilions if item.slug == pavilion_slug), None)
    if pavilion is None:
        abort(404)
    return render_template("pavilions/pavilion.html", edition=edition, pavilion=pavilion,
                           can_manage=can_manage_edition(current_user, edition))


# --- organizers ----------------------------------------------------------------------------------


@bp.route("/manage")
def manage_pavilions():
    edition = _edition()
    ordered = services.hall_order(edition.pavilions)
    return render_template(
        "pavilions/manage.html", edition=edition,
        groups=[(Pavilion.THEMED, [p for p in ordered if p.kind == Pavilion.THEMED]),
                (Pavilion.COUNTRY, [p for p in ordered if p.kind == Pavilion.COUNTRY])],
    )


@bp.route("/manage/new", methods=["GET", "POST"])
def create_pavilion():
    form = PavilionForm()
    if form.validate_on_submit():
        try:
            pavilion = services.create_pavilion(current_user, _edition(), form.pavilion_data())
        except PavilionError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Pavilion “%(name)s” created.", name=pavilion.name), "success")
            return redirect(url_for("pavilions.manage_pavilions", _anchor=f"pavilion-{pavilion.id}"))
    return render_template("pavilions/form.html", edition=_edition(), form=form, pavilion=None)


@bp.route("/manage/<int:pavilion_id>/edit", methods=["GET", "POST"])
def edit_pavilion(pavilion_id: int):
    pavilion = _pavilion(pavilion_id)
    form = PavilionForm(obj=pavilion)
    if form.validate_on_submit():
        try:
            services.update_pavilion(current_user, pavilion, form.pavilion_data())
        except PavilionError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Pavilion “%(name)s” saved.", name=pavilion.name), "success")
            return redirect(url_for("pavilions.manage_pavilions", _anchor=f"pavilion-{pavilion.id}"))
    return render_template("pavilions/form.html", edition=_edition(), form=form, pavilion=pavilion)


@bp.route("/manage/<int:pavilion_id>/move", methods=["POST"])
def move_pavilion(pavilion_id: int):
    pavilion = _pavilion(pavilion_id)
    services.move_pavilion(current_user, pavilion, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("pavilions.manage_pavilions", _anchor=f"pavilion-{pavilion_id}"))


@bp.route("/manage/<int:pavilion_id>/delete", methods=["GET", "POST"])
def delete_pavilion(pavilion_id: int):
    """GET asks for confirmation; POST deletes, unless something placed in the pavilion depends on it."""
    pavilion = _pavilion(pavilion_id)
    if request.method == "GET":
        return render_template("pavilions/delete.html", edition=_edition(), pavilion=pavilion)
    name = pavilion.name
    try:
        services.delete_pavilion(current_user, pavilion)
    except PavilionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("pavilions.manage_pavilions", _anchor=f"pavilion-{pavilion_id}"))
    db.session.commit()
    flash(_("Pavilion “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("pavilions.manage_pavilions"))
