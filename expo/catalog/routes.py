"""Product pages for visitors, and the product images they show."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from expo import uploads
from expo.booths.routes import load_booth
from expo.catalog import services
from expo.catalog.models import Product, ProductImage
from expo.extensions import db
from expo.permissions import can_edit_booth, can_view_booth

bp = Blueprint("catalog", __name__)


@bp.route("/booths/<slug>/products/<product_slug>")
def show_product(slug: str, product_slug: str):
    booth = load_booth(slug)
    product = services.find_product(booth.id, product_slug)
    if product is None:
        abort(404)
    return render_template("catalog/product.html", booth=booth, company=booth.company, product=product,
                           can_edit=can_edit_booth(current_user, booth))


@bp.route("/product-images/<int:image_id>")
@bp.route("/product-images/<int:image_id>/thumbnail", defaults={"thumbnail": True}, endpoint="product_thumbnail")
def product_image(image_id: int, thumbnail: bool = False):
    image = db.session.get(ProductImage, image_id)
    if image is None:
        abort(404)
    product = db.session.get(Product, image.product_id)
    if not can_view_booth(current_user, product.booth):
        abort(404)
    # Until the worker has made the thumbnail, the full image stands in for it.
    return uploads.stored_file_response(image.thumbnail_path if thumbnail and image.thumbnail_path else image.path)
