"""Booths for visitors; the team's editor and the organizers' review build on the same loader."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from expo import uploads
from expo.booths import services
from expo.booths.models import Booth
from expo.catalog.services import booth_products_query
from expo.extensions import db
from expo.permissions import can_edit_booth, can_view_booth

bp = Blueprint("booths", __name__, url_prefix="/booths")

PRODUCTS_PER_PAGE = 24


def load_booth(slug: str) -> Booth:
    """The booth at ``slug`` if the viewer may see it; a draft is not acknowledged to exist (404)."""
    booth = services.find_booth(slug)
    if booth is None or not can_view_booth(current_user, booth):
        abort(404)
    return booth


@bp.route("/<slug>")
def show_booth(slug: str):
    booth = load_booth(slug)
    products = db.paginate(booth_products_query(booth.id), page=request.args.get("page", 1, type=int) or 1,
                           per_page=PRODUCTS_PER_PAGE, error_out=False)
    return render_template("booths/booth.html", booth=booth, company=booth.company, products=products,
                           can_edit=can_edit_booth(current_user, booth))


@bp.route("/<slug>/banner")
def booth_banner(slug: str):
    return uploads.stored_file_response(load_booth(slug).banner_path)
