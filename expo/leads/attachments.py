"""Files buyers and teams attach to inquiry messages: a PDF or an image, proven by its content.

The checks are the platform's own (expo.uploads): images are decoded and re-encoded without
metadata (store_image); a PDF must open with pypdf, and truncated, encrypted or damaged ones are
refused (store_pdf). What is particular to attachments is the size limit and saying "attachment";
the files are stored under random names and only ever served as downloads to the buyer and the
booth's team.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import abort, current_app, send_from_directory
from flask_babel import gettext as _

from expo import uploads

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # when the config does not say (INQUIRY_ATTACHMENT_MAX_BYTES)
FOLDER = "inquiries"
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
PDF_SIGNATURE = b"%PDF-"


@dataclass(frozen=True)
class StoredAttachment:
    path: str  # relative to STORAGE_PATH
    name: str  # what the sender called it, for the download
    size: int


def _limit() -> int:
    return current_app.config.get("INQUIRY_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES)


def _read(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise uploads.UploadTooLarge(
            _("The attachment is larger than %(size)s. Send a smaller PDF or image.", size=uploads.describe_size(limit))
        )
    if not data:
        raise uploads.UploadRejected(_("The attachment is empty."))
    return data


def display_name(filename: str, extension: str) -> str:
    """The sender's file name, without folders or control characters, with the stored file's extension."""
    name = Path(filename.replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    stem = Path(name).stem.strip(" .")[:150] or "attachment"
    return f"{stem}{extension}"


def store_attachment(stream: IO[bytes], filename: str) -> StoredAttachment:
    """Validate by content and store; raises expo.uploads.UploadRejected (413 when too large).

    Called before the message is saved: the image is decoded (or the PDF parsed) with the request's
    transaction ended, so a large one never holds SQLite's write lock.
    """
    limit = _limit()
    data = _read(stream, limit)
    if data.startswith(IMAGE_SIGNATURES):
        # Re-encoding may grow a small image a little, never past the limit that matters to the sender.
        path = uploads.store_image(uploads.prepare_image(io.BytesIO(data), max_bytes=limit), FOLDER)
    elif data.startswith(PDF_SIGNATURE):
        path, _pages = uploads.store_pdf(uploads.prepare_pdf(io.BytesIO(data), max_bytes=limit), FOLDER)
    else:
        raise uploads.UploadRejected(_("This is not a PDF, JPEG, PNG or WebP file."))
    return StoredAttachment(path=path, name=display_name(filename, Path(path).suffix), size=uploads.stored_size(path))


def attachment_response(path: str | None, name: str):
    """A download with its real content type; never rendered inline by the browser."""
    content_type = uploads.CONTENT_TYPES.get(Path(path or "").suffix)
    if not path or content_type is None:
        abort(404)
    response = send_from_directory(
        uploads.storage_root(), path, mimetype=content_type, as_attachment=True, download_name=name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
