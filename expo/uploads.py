"""Uploaded files: checked by their content, re-encoded, stored under random names, served safely."""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path
from typing import IO

from flask import abort, current_app, send_from_directory
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_SIDE = 2000
# Refuse decompression bombs before Pillow allocates them (about 40 megapixels).
Image.MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


class UploadRejected(Exception):
    """The file is not what the field accepts; the message is safe to show."""

    status = 400


class UploadTooLarge(UploadRejected):
    status = 413


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadTooLarge(_("The file is larger than %(size)s. Choose a smaller one.",
                               size=f"{max_bytes / (1024 * 1024):.1f} MB"))
    if not data:
        raise UploadRejected(_("The file is empty."))
    return data


def store_image(stream: IO[bytes], folder: str, *, max_bytes: int | None = None,
                max_side: int = IMAGE_MAX_SIDE) -> str:
    """Validate an image by decoding it, re-encode it without metadata (EXIF, GPS) and store it.

    Returns the path relative to STORAGE_PATH. The name is random: it reveals nothing and
    cannot collide with or overwrite another upload.
    """
    data = _read_limited(stream, max_bytes or IMAGE_MAX_BYTES)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # a truncated or corrupt file fails here
        image = Image.open(io.BytesIO(data))
        image_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise UploadRejected(_("This is not a JPEG, PNG or WebP image.")) from None
    if image_format not in ACCEPTED_IMAGE_FORMATS:
        raise UploadRejected(_("This is not a JPEG, PNG or WebP image."))
    image = ImageOps.exif_transpose(image)  # keep the intended orientation once EXIF is gone
    image.thumbnail((max_side, max_side))
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    output = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(output, format="PNG", optimize=True)
        extension = ".png"
    else:
        image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
        extension = ".jpg"
    relative = f"{folder}/{secrets.token_hex(16)}{extension}"
    _write_atomically(_storage_root() / relative, output.getvalue())
    return relative


def _storage_root() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def _write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".part")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def delete_stored(relative: str | None) -> None:
    if relative:
        (_storage_root() / relative).unlink(missing_ok=True)


def delete_after_commit(relative: str) -> None:
    """Remove a replaced file only once the change is committed; a rollback keeps it."""
    from expo.extensions import db

    pending = db.session.info.setdefault("expo.files_to_delete", [])
    pending.append((_storage_root(), relative))


def _delete_committed(session) -> None:
    for root, relative in session.info.pop("expo.files_to_delete", []):
        (root / relative).unlink(missing_ok=True)


def _keep_on_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("expo.files_to_delete", None)


def _register_session_events() -> None:
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event

    event.listen(Session, "after_commit", _delete_committed)
    event.listen(Session, "after_soft_rollback", _keep_on_rollback)


_register_session_events()


def stored_file_response(relative: str | None):
    """Serve a stored file with its real content type; send_from_directory refuses path tricks."""
    if not relative:
        abort(404)
    content_type = CONTENT_TYPES.get(Path(relative).suffix)
    if content_type is None:
        abort(404)
    response = send_from_directory(_storage_root(), relative, mimetype=content_type, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
