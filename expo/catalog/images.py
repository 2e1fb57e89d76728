"""Product pictures: uploading (a few per product, in order, with alt text), deleting, and the
thumbnails the worker makes after the upload is committed.

Services take an explicit actor, flush and never commit; the view (or task) commits once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import IO

from flask_babel import gettext as _
from PIL import Image
from sqlalchemy import func, select, update

from expo import uploads
from expo.accounts.models import User
from expo.background import enqueue_after_commit
from expo.catalog.models import Product, ProductImage
from expo.catalog.services import CatalogError
from expo.extensions import db
from expo.lib.ordering import moved
from expo.permissions import can_edit_booth, ensure
from expo.transactions import end_read_transaction

log = logging.getLogger(__name__)

MAX_IMAGES_PER_PRODUCT = 8
MAX_ALT_TEXT_LENGTH = 200
THUMBNAIL_MAX_SIDE = 480
IMAGE_FOLDER = "products"
THUMBNAIL_TASK = "catalog.make_thumbnails"


class ImageRefused(CatalogError):
    """An uploaded picture is not accepted; ``status`` follows the upload's problem (400, 413)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message, "images")
        self.status = status


class TooManyImages(CatalogError):
    status = 409

    def __init__(self, message: str):
        super().__init__(message, "images")


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: IO[bytes] | uploads.PreparedImage  # prepared by prepare_product_images in a request


def _lock_product(product: Product) -> None:
    """Two uploads at once must not both pass the cap: a row lock on PostgreSQL (SQLite's writers queue)."""
    db.session.execute(select(Product.id).where(Product.id == product.id).with_for_update())


def _image_size(relative: str) -> tuple[int, int]:
    with Image.open(uploads.storage_root() / relative) as stored:
        return stored.size


def _refused(upload: Upload, exc: uploads.UploadRejected) -> ImageRefused:
    return ImageRefused(_("“%(file)s”: %(reason)s", file=upload.filename, reason=str(exc)), exc.status)


def prepare_product_images(files: list[Upload]) -> list[Upload]:
    """Decode and re-encode the pictures before the change that adds them (expo.uploads.prepare_image
    ends the request's transaction, so a large picture never holds the database's write lock).

    A file that is not an image within the limits is refused with its name; more files than any
    product can hold are refused before any is decoded.
    """
    if len(files) > MAX_IMAGES_PER_PRODUCT:
        raise TooManyImages(
            _(
                "A product has at most %(max)s pictures; you chose %(chosen)s.",
                max=MAX_IMAGES_PER_PRODUCT,
                chosen=len(files),
            )
        )
    prepared = []
    for upload in files:
        try:
            prepared.append(Upload(upload.filename, uploads.prepare_image(upload.stream)))
        except uploads.UploadRejected as exc:
            raise _refused(upload, exc) from None
    return prepared


def add_product_images(actor: User, product: Product, files: list[Upload], alt_text: str = "") -> list[ProductImage]:
    """Add pictures after the product's existing ones; all of them or, if one is refused, none.

    Each file is validated by decoding it and stored re-encoded without metadata (expo.uploads);
    in a request prepare_product_images has done that before. The worker makes the thumbnails
    once the upload is committed.
    """
    ensure(can_edit_booth(actor, product.booth))
    if not files:
        raise ImageRefused(_("Choose one or more pictures to upload."))
    alt_text = " ".join(alt_text.split())
    if len(alt_text) > MAX_ALT_TEXT_LENGTH:
        raise CatalogError(_("The description has at most %(max)s characters.", max=MAX_ALT_TEXT_LENGTH), "alt_text")
    _lock_product(product)
    count, last = db.session.execute(
        select(func.count(ProductImage.id), func.max(ProductImage.position)).where(
            ProductImage.product_id == product.id
        )
    ).one()
    room = MAX_IMAGES_PER_PRODUCT - count
    if len(files) > room:
        if room <= 0:
            message = _(
                "This product already has %(max)s pictures, the most it can have. Delete one to add another.",
                max=MAX_IMAGES_PER_PRODUCT,
            )
        else:
            message = _(
                "A product has at most %(max)s pictures. This one has %(count)s, so you can add %(room)s "
                "more; you chose %(chosen)s.",
                max=MAX_IMAGES_PER_PRODUCT,
                count=count,
                room=room,
                chosen=len(files),
            )
        raise TooManyImages(message)
    stored: list[str] = []
    try:
        for upload in files:
            try:
                stored.append(uploads.store_image(upload.stream, IMAGE_FOLDER))
            except uploads.UploadRejected as exc:
                raise _refused(upload, exc) from None
    except ImageRefused:
        for relative in stored:
            uploads.delete_stored(relative)
        raise
    position = (last or 0) + 1
    images = []
    for offset, (upload, relative) in enumerate(zip(files, stored)):
        prepared = upload.stream if isinstance(upload.stream, uploads.PreparedImage) else None
        width, height = (prepared.width, prepared.height) if prepared else _image_size(relative)
        image = ProductImage(
            product_id=product.id,
            path=relative,
            width=width,
            height=height,
            alt_text=alt_text,
            position=position + offset,
        )
        db.session.add(image)
        images.append(image)
    db.session.flush()
    for image in images:
        enqueue_after_commit(THUMBNAIL_TASK, image.id)
    db.session.expire(product, ["images"])
    return images


def _renumber(images: list[ProductImage]) -> None:
    for position, image in enumerate(images, 1):
        if image.position != position:
            image.position = position


def move_product_image(actor: User, image: ProductImage, offset: int) -> None:
    """Move a picture earlier (-1) or later (+1); the first one is the product's main picture."""
    product = image.product
    ensure(can_edit_booth(actor, product.booth))
    _renumber(moved(product.images, image, offset))
    db.session.flush()


def update_alt_text(actor: User, image: ProductImage, alt_text: str) -> None:
    ensure(can_edit_booth(actor, image.product.booth))
    alt_text = " ".join(alt_text.split())
    if len(alt_text) > MAX_ALT_TEXT_LENGTH:
        raise CatalogError(_("The description has at most %(max)s characters.", max=MAX_ALT_TEXT_LENGTH), "alt_text")
    image.alt_text = alt_text
    db.session.flush()


def delete_product_image(actor: User, image: ProductImage) -> None:
    """The row goes now; its files once the deletion is committed (a rollback keeps them)."""
    product = image.product
    ensure(can_edit_booth(actor, product.booth))
    # Locked and read afresh: a thumbnail the worker committed a moment ago is deleted too, and a
    # worker that comes later finds the row gone and removes its own file.
    thumbnail_path = db.session.scalar(
        select(ProductImage.thumbnail_path).where(ProductImage.id == image.id).with_for_update()
    )
    path = image.path
    product.images.remove(image)
    db.session.flush()
    _renumber(list(product.images))
    db.session.flush()
    uploads.delete_after_commit(path)
    if thumbnail_path:
        uploads.delete_after_commit(thumbnail_path)


# --- thumbnails (the worker) ------------------------------------------------------------------------


def make_product_thumbnail(image_id: int) -> str | None:
    """The worker's half of an upload: make the image's thumbnail unless it is gone or has one.

    Idempotent: the path is written with a conditional UPDATE, so a task delivered twice (or two
    workers at once) leaves one thumbnail, and the loser removes the file it made.
    """
    image = db.session.get(ProductImage, image_id)
    if image is None or image.thumbnail_path:
        return None
    path = image.path
    # Decoding and resizing take a while: not while holding SQLite's write lock (a task's transaction).
    end_read_transaction()
    try:
        relative = uploads.make_thumbnail(path, THUMBNAIL_MAX_SIDE)
    except (FileNotFoundError, uploads.UploadRejected):
        # The upload's file is missing or unreadable: retrying cannot help, and pages keep the full image.
        log.warning("no thumbnail for product image %s: cannot read %s", image_id, path, exc_info=True)
        return None
    claimed = db.session.execute(
        update(ProductImage)
        .where(ProductImage.id == image_id, ProductImage.thumbnail_path.is_(None))
        .values(thumbnail_path=relative)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        uploads.delete_stored(relative)
        return None
    db.session.expire(image)
    return relative
