"""Product pages for visitors and their images; the booth team's catalogue: products, pictures and imports."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from expo import structured_data, uploads
from expo.booths.models import Booth
from expo.booths.routes import load_booth
from expo.catalog import display, images, importer, services
from expo.catalog.forms import AltTextForm, ImageUploadForm, ImportForm, ProductForm
from expo.catalog.models import Product, ProductImage
from expo.engagement import services as engagement
from expo.engagement.models import EngagementEvent
from expo.engagement.services import saved_ids
from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.lib.ranges import query_id
from expo.lib.rules import RuleBroken
from expo.page_cache import cached_page
from expo.permissions import can_edit_booth, can_review_booths, can_view_booth
from expo.structured_data import script_json
from expo.transactions import end_read_transaction

bp = Blueprint("catalog", __name__)

# Every other view is the booth team's: a view added later is closed until listed here.
PUBLIC_VIEWS = frozenset({"catalog.show_product", "catalog.product_image", "catalog.product_thumbnail"})
PRODUCTS_PER_PAGE = 50
# ProductData's names for the fields whose form field is named otherwise.
FORM_FIELDS = {"category_id": "category"}

# category_label, price_range and minimum_order are registered by the app factory; these are the rest.
bp.add_app_template_filter(display.price_per_unit, "price_per_unit")
bp.add_app_template_filter(display.order_quantity, "order_quantity")
bp.add_app_template_filter(display.availability_label, "availability_label")
bp.add_app_template_global(display.category_trail, "category_trail")


# --- visitors ----------------------------------------------------------------------------------------


@bp.route("/booths/<slug>/products/<product_slug>")
@cached_page
def show_product(slug: str, product_slug: str):
    booth = load_booth(slug)
    product = services.find_product(booth.id, product_slug)
    if product is None:
        abort(404)
    # The gallery works without JavaScript: each small picture links to the page showing it large.
    chosen = query_id("image")
    if chosen is None:  # looking through the gallery is still the same view of the product
        engagement.record(EngagementEvent.PRODUCT_VIEW, booth, product=product)
    main_image = next((image for image in product.images if image.id == chosen), None) or (
        product.images[0] if product.images else None
    )
    return render_template(
        "catalog/product.html",
        booth=booth,
        company=booth.company,
        product=product,
        main_image=main_image,
        others=services.other_products(product),
        structured_data=script_json(structured_data.product(product, booth)),
        can_edit=can_edit_booth(current_user, booth),
        saved=saved_ids(current_user, products=[product]),
    )


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


# --- the team: signed in (302), a booth they may see (404), on its team (404, or 403 for reviewers) ----


@bp.url_value_preprocessor
def _take_booth_slug(endpoint: str | None, view_args: dict | None) -> None:
    if endpoint not in PUBLIC_VIEWS and view_args is not None:
        g.booth_slug = view_args.pop("slug")


@bp.url_defaults
def _add_booth_slug(endpoint: str, values: dict) -> None:
    # Links between the team's pages (pagination included) need not repeat the booth.
    if endpoint not in PUBLIC_VIEWS and "slug" not in values and "booth" in g:
        values["slug"] = g.booth.slug


@bp.before_request
def _team_only():
    if request.endpoint in PUBLIC_VIEWS:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    booth = load_booth(g.booth_slug)
    if not can_edit_booth(current_user, booth):
        # Organizers who review booths know this one exists: they are told no. Anyone else is not told
        # that the booth has a back office at all.
        abort(403 if can_review_booths(current_user) else 404)
    g.booth = booth
    return None


def _booth() -> Booth:
    return g.booth


def _product(product_id: int) -> Product:
    product = services.product_with_images(_booth(), product_id)
    if product is None:
        abort(404)
    return product


def _image(product: Product, image_id: int) -> ProductImage:
    image = next((image for image in product.images if image.id == image_id), None)
    if image is None:
        abort(404)
    return image


def _show_problems(form, error: RuleBroken) -> None:
    """Undo the refused change and put every reason next to its field."""
    db.session.rollback()
    problems = getattr(error, "problems", None) or {error.field: str(error)}
    for field_name, message in problems.items():
        target = getattr(form, FORM_FIELDS.get(field_name, field_name), None) if field_name else None
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)


@bp.route("/booths/<slug>/catalogue")
def manage_products():
    booth = _booth()
    products = db.paginate(
        services.booth_products_query(booth.id), page=requested_page(), per_page=PRODUCTS_PER_PAGE, error_out=False
    )
    return render_template("catalog/manage.html", booth=booth, company=booth.company, products=products)


def _product_form_page(form: ProductForm, product: Product | None, status: int = 200):
    return render_template(
        "catalog/form.html", booth=_booth(), company=_booth().company, form=form, product=product
    ), status


@bp.route("/booths/<slug>/catalogue/new", methods=["GET", "POST"])
def create_product():
    booth = _booth()
    form = ProductForm(categories=services.category_tree())
    if form.validate_on_submit():
        try:
            product = services.create_product(current_user, booth, form.product_data())
        except services.CatalogError as exc:
            _show_problems(form, exc)
            return _product_form_page(form, None, exc.status)
        slug, name, product_id = booth.slug, product.name, product.id
        db.session.commit()
        flash(_("“%(name)s” is in your catalogue. Add its pictures now, or later from the list.", name=name), "success")
        return redirect(url_for("catalog.product_images", slug=slug, product_id=product_id))
    return _product_form_page(form, None, 400 if form.is_submitted() else 200)


@bp.route("/booths/<slug>/catalogue/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = _product(product_id)
    form = ProductForm(data=ProductForm.data_of(product), categories=services.category_tree())
    if form.validate_on_submit():
        try:
            services.update_product(current_user, product, form.product_data())
        except services.CatalogError as exc:
            _show_problems(form, exc)
            return _product_form_page(form, _product(product_id), exc.status)
        name = product.name
        db.session.commit()
        flash(_("“%(name)s” is saved.", name=name), "success")
        return redirect(url_for("catalog.manage_products", slug=_booth().slug, _anchor=f"product-{product_id}"))
    return _product_form_page(form, product, 400 if form.is_submitted() else 200)


@bp.route("/booths/<slug>/catalogue/<int:product_id>/move", methods=["POST"])
def move_product(product_id: int):
    product = _product(product_id)
    services.move_product(current_user, product, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(
        url_for("catalog.manage_products", slug=_booth().slug, page=requested_page(), _anchor=f"product-{product_id}")
    )


@bp.route("/booths/<slug>/catalogue/<int:product_id>/delete", methods=["GET", "POST"])
def delete_product(product_id: int):
    """GET asks for confirmation; POST deletes the product and its pictures."""
    product = _product(product_id)
    if request.method == "GET":
        return render_template("catalog/delete.html", booth=_booth(), product=product)
    name = product.name
    services.delete_product(current_user, product)
    db.session.commit()
    flash(_("“%(name)s” and its pictures are deleted.", name=name), "success")
    return redirect(url_for("catalog.manage_products", slug=_booth().slug))


# --- pictures ---------------------------------------------------------------------------------------


def _images_page(
    product: Product,
    upload_form: ImageUploadForm | None = None,
    status: int = 200,
    alt_form: tuple[int, AltTextForm] | None = None,
):
    alt_forms = {
        image.id: AltTextForm(formdata=None, prefix=f"image-{image.id}", alt_text=image.alt_text)
        for image in product.images
    }
    if alt_form is not None:
        alt_forms[alt_form[0]] = alt_form[1]
    return render_template(
        "catalog/images.html",
        booth=_booth(),
        product=product,
        upload_form=upload_form or ImageUploadForm(formdata=None),
        alt_forms=alt_forms,
        max_images=images.MAX_IMAGES_PER_PRODUCT,
    ), status


def _back_to_images(product_id: int, image_id: int | None = None):
    return redirect(
        url_for(
            "catalog.product_images",
            slug=_booth().slug,
            product_id=product_id,
            _anchor=f"image-{image_id}" if image_id else None,
        )
    )


@bp.route("/booths/<slug>/catalogue/<int:product_id>/images")
def product_images(product_id: int):
    return _images_page(_product(product_id))


@bp.route("/booths/<slug>/catalogue/<int:product_id>/images", methods=["POST"])
def upload_images(product_id: int):
    product = _product(product_id)
    form = ImageUploadForm()
    if not form.validate_on_submit():
        return _images_page(product, form, 400)
    try:
        files = images.prepare_product_images(form.uploads())  # decoded before the change
        added = images.add_product_images(current_user, product, files, form.alt_text.data or "")
    except services.CatalogError as exc:
        _show_problems(form, exc)
        return _images_page(_product(product_id), form, exc.status)
    db.session.commit()
    flash(ngettext("%(num)s picture added.", "%(num)s pictures added.", len(added)), "success")
    return _back_to_images(product_id)


@bp.route("/booths/<slug>/catalogue/<int:product_id>/images/<int:image_id>/move", methods=["POST"])
def move_image(product_id: int, image_id: int):
    product = _product(product_id)
    images.move_product_image(
        current_user, _image(product, image_id), -1 if request.form.get("direction") == "up" else 1
    )
    db.session.commit()
    return _back_to_images(product_id, image_id)


@bp.route("/booths/<slug>/catalogue/<int:product_id>/images/<int:image_id>/alt-text", methods=["POST"])
def update_alt_text(product_id: int, image_id: int):
    product = _product(product_id)
    image = _image(product, image_id)
    form = AltTextForm(prefix=f"image-{image_id}")
    if not form.validate_on_submit():
        return _images_page(product, status=400, alt_form=(image_id, form))
    try:
        images.update_alt_text(current_user, image, form.alt_text.data or "")
    except services.CatalogError as exc:
        _show_problems(form, exc)
        return _images_page(_product(product_id), status=exc.status, alt_form=(image_id, form))
    db.session.commit()
    flash(_("The picture's description is saved."), "success")
    return _back_to_images(product_id, image_id)


@bp.route("/booths/<slug>/catalogue/<int:product_id>/images/<int:image_id>/delete", methods=["POST"])
def delete_image(product_id: int, image_id: int):
    product = _product(product_id)
    images.delete_product_image(current_user, _image(product, image_id))
    db.session.commit()
    flash(_("The picture is deleted."), "success")
    return _back_to_images(product_id)


# --- importing from a file --------------------------------------------------------------------------


def _import_page(form: ImportForm, report: importer.ImportReport | None = None, status: int = 200):
    return render_template(
        "catalog/import.html",
        booth=_booth(),
        company=_booth().company,
        form=form,
        report=report,
        columns=importer.template_columns(),
        column_help=importer.column_help,
        required_columns=importer.REQUIRED_COLUMNS,
        categories=services.category_tree(),
        max_rows=importer.MAX_ROWS,
    ), status


@bp.route("/booths/<slug>/catalogue/import", methods=["GET", "POST"])
def import_products():
    booth = _booth()
    form = ImportForm(legacy_encoding=importer.default_legacy_encoding(str(get_locale() or "en")))
    if not form.validate_on_submit():
        return _import_page(form, status=400 if form.is_submitted() else 200)
    content = form.file.data.stream.read(importer.MAX_FILE_BYTES + 1)
    end_read_transaction()  # reading a large workbook must not hold SQLite's write lock
    try:
        table = importer.read_table(content, form.legacy_encoding.data)
        report = importer.import_products(current_user, booth, table)
    except (importer.ImportRefused, services.CatalogError) as exc:
        _show_problems(form, exc)
        return _import_page(form, status=exc.status)
    db.session.commit()
    return _import_page(ImportForm(formdata=None, legacy_encoding=form.legacy_encoding.data), report)


@bp.route("/booths/<slug>/catalogue/import/template.<any(csv, xlsx):fmt>")
def import_template(fmt: str):
    if fmt == "csv":
        content, mimetype = importer.template_csv(), "text/csv; charset=utf-8"
    else:
        content = importer.template_xlsx(services.category_tree())
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="products-template.{fmt}"'}
    )
