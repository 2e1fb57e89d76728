"""The exhibition hall's pavilions for visitors, the organizers' pavilion editor, and placing
booths in pavilions (stand numbers, moving, removing)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from expo.booths.models import Booth, BoothPlacement
from expo.editions.models import Edition, Pavilion
from expo.editions.routes import load_edition, load_in_edition, scope_to_edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.lib.ranges import query_id
from expo.lib.rules import show_on_form
from expo.page_cache import cached_page
from expo.pavilions import services
from expo.pavilions.forms import PavilionForm, PlaceBoothForm, PlacementForm
from expo.pavilions.services import PavilionError
from expo.permissions import can_manage_edition, can_place_booths, require

bp = Blueprint("pavilions", __name__, url_prefix="/editions/<slug>/pavilions")

# Every other view of this blueprint is the organizers': a view added later is closed until listed here.
PUBLIC_VIEWS = frozenset({"pavilions.list_pavilions", "pavilions.show_pavilion"})
# Organizer views that place booths: asked of can_place_booths rather than can_manage_edition.
PLACEMENT_VIEWS = frozenset(
    {
        "pavilions.manage_pavilion_booths",
        "pavilions.find_booth_to_place",
        "pavilions.place_booth",
        "pavilions.edit_placement",
        "pavilions.remove_placement",
    }
)

BOOTHS_PER_PAGE = 24
PLACEMENTS_PER_PAGE = 50
CANDIDATES_PER_PAGE = 20

# --- every view: the edition exists and may be seen (404); organizer views: signed in, its organizer (403)


scope_to_edition(bp)


@bp.before_request
def _load_and_authorise():
    organizers_only = request.endpoint not in PUBLIC_VIEWS
    if organizers_only and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    g.edition = load_edition(g.edition_slug)  # drafts stay secret: 404 before 403
    if request.endpoint in PLACEMENT_VIEWS:
        require(can_place_booths(current_user, g.edition))
    elif organizers_only:
        require(can_manage_edition(current_user, g.edition))
    return None


def _edition() -> Edition:
    return g.edition


def _pavilion(pavilion_id: int) -> Pavilion:
    return load_in_edition(Pavilion, pavilion_id)


def _placement(placement_id: int) -> BoothPlacement:
    placement = db.session.scalar(
        select(BoothPlacement)
        .where(BoothPlacement.id == placement_id)
        .options(joinedload(BoothPlacement.booth).joinedload(Booth.company), joinedload(BoothPlacement.pavilion))
    )
    if placement is None or placement.edition_id != _edition().id:
        abort(404)
    return placement


def _booth_to_place(booth_id: int) -> Booth:
    """Only approved companies' booths are candidates; any other id is not there to place (404)."""
    booth = db.session.scalar(select(Booth).where(Booth.id == booth_id).options(joinedload(Booth.company)))
    if booth is None or booth.company.status != ExhibitorCompany.Status.APPROVED:
        abort(404)
    return booth


# --- visitors ------------------------------------------------------------------------------------


@bp.route("/")
def list_pavilions():
    edition = _edition()
    ordered = services.hall_order(edition.pavilions)
    return render_template(
        "pavilions/hall.html",
        edition=edition,
        themed=[pavilion for pavilion in ordered if pavilion.kind == Pavilion.THEMED],
        country=[pavilion for pavilion in ordered if pavilion.kind == Pavilion.COUNTRY],
        booth_counts=services.booth_counts(edition, published_only=True),
        can_manage=can_manage_edition(current_user, edition),
    )


@bp.route("/<pavilion_slug>")
@cached_page
def show_pavilion(pavilion_slug: str):
    edition = _edition()
    pavilion = next((item for item in edition.pavilions if item.slug == pavilion_slug), None)
    if pavilion is None:
        abort(404)
    placements = db.paginate(
        services.published_placements_query(pavilion), page=requested_page(), per_page=BOOTHS_PER_PAGE, error_out=False
    )
    return render_template(
        "pavilions/pavilion.html",
        edition=edition,
        pavilion=pavilion,
        placements=placements,
        live_booth_ids=services.live_booth_ids((placement.booth_id for placement in placements.items), date.today()),
        can_manage=can_manage_edition(current_user, edition),
    )


# --- organizers ----------------------------------------------------------------------------------


@bp.route("/manage")
def manage_pavilions():
    edition = _edition()
    ordered = services.hall_order(edition.pavilions)
    return render_template(
        "pavilions/manage.html",
        edition=edition,
        groups=[
            (Pavilion.THEMED, [p for p in ordered if p.kind == Pavilion.THEMED]),
            (Pavilion.COUNTRY, [p for p in ordered if p.kind == Pavilion.COUNTRY]),
        ],
        booth_counts=services.booth_counts(edition, published_only=False),
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
        placed = services.booth_counts(_edition(), published_only=False).get(pavilion.id, 0)
        return render_template("pavilions/delete.html", edition=_edition(), pavilion=pavilion, placed=placed)
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


# --- organizers: booths in a pavilion ------------------------------------------------------------


@bp.route("/manage/<int:pavilion_id>/booths")
def manage_pavilion_booths(pavilion_id: int):
    pavilion = _pavilion(pavilion_id)
    placements = db.paginate(
        services.pavilion_placements_query(pavilion),
        page=requested_page(),
        per_page=PLACEMENTS_PER_PAGE,
        error_out=False,
    )
    return render_template("pavilions/booths.html", edition=_edition(), pavilion=pavilion, placements=placements)


@bp.route("/manage/<int:pavilion_id>/booths/add")
def find_booth_to_place(pavilion_id: int):
    """Find a booth by its company's name among approved exhibitors, whatever the booth's status."""
    pavilion = _pavilion(pavilion_id)
    company_name = " ".join(request.args.get("q", "").split())[:200]
    unplaced_only = request.args.get("unplaced") == "1"
    booths = db.paginate(
        services.booths_to_place_query(_edition(), company_name, unplaced_only=unplaced_only),
        page=requested_page(),
        per_page=CANDIDATES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "pavilions/find_booth.html",
        edition=_edition(),
        pavilion=pavilion,
        booths=booths,
        company_name=company_name,
        unplaced_only=unplaced_only,
        places=services.placements_in(_edition(), (booth.id for booth in booths.items)),
    )


@bp.route("/manage/<int:pavilion_id>/booths/add/<int:booth_id>", methods=["GET", "POST"])
def place_booth(pavilion_id: int, booth_id: int):
    pavilion, booth = _pavilion(pavilion_id), _booth_to_place(booth_id)
    form = PlaceBoothForm()
    status = 200
    if form.validate_on_submit():
        try:
            placement = services.place_booth(current_user, _edition(), booth, pavilion, form.stand.data or "")
        except PavilionError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_placed_message(booth.company.name, pavilion.name, placement.stand), "success")
            return redirect(
                url_for(
                    "pavilions.manage_pavilion_booths", pavilion_id=pavilion.id, _anchor=f"placement-{placement.id}"
                )
            )
    elif form.is_submitted():
        status = 400
    return render_template(
        "pavilions/place_booth.html",
        edition=_edition(),
        pavilion=pavilion,
        booth=booth,
        form=form,
        existing=services.placement_in(_edition(), booth),
    ), status


@bp.route("/manage/booths/<int:placement_id>/edit", methods=["GET", "POST"])
def edit_placement(placement_id: int):
    """Move a booth to another pavilion of the edition, or change its stand."""
    placement = _placement(placement_id)
    form = PlacementForm(services.hall_order(_edition().pavilions))
    if not form.is_submitted():
        # "Move here" links from another pavilion's pages preselect that pavilion.
        wanted = query_id("pavilion")
        form.pavilion.data = wanted if any(p.id == wanted for p in _edition().pavilions) else placement.pavilion_id
        form.stand.data = placement.stand
    status = 200
    if form.validate_on_submit():
        pavilion = _pavilion(form.pavilion.data)
        company = placement.booth.company.name
        try:
            services.update_placement(current_user, placement, pavilion, form.stand.data or "")
        except PavilionError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_placed_message(company, pavilion.name, placement.stand), "success")
            return redirect(
                url_for(
                    "pavilions.manage_pavilion_booths", pavilion_id=pavilion.id, _anchor=f"placement-{placement.id}"
                )
            )
    elif form.is_submitted():
        status = 400
    return render_template("pavilions/placement_form.html", edition=_edition(), placement=placement, form=form), status


@bp.route("/manage/booths/<int:placement_id>/remove", methods=["POST"])
def remove_placement(placement_id: int):
    placement = _placement(placement_id)
    company, pavilion = placement.booth.company.name, placement.pavilion
    services.remove_placement(current_user, placement)
    db.session.commit()
    flash(
        _(
            "“%(company)s” no longer stands in “%(pavilion)s”; its booth stays open online.",
            company=company,
            pavilion=pavilion.name,
        ),
        "success",
    )
    return redirect(url_for("pavilions.manage_pavilion_booths", pavilion_id=pavilion.id))


def _placed_message(company: str, pavilion: str, stand: str) -> str:
    if stand:
        return _(
            "“%(company)s” stands in “%(pavilion)s”, stand %(stand)s.", company=company, pavilion=pavilion, stand=stand
        )
    return _("“%(company)s” stands in “%(pavilion)s”, without a stand number yet.", company=company, pavilion=pavilion)
