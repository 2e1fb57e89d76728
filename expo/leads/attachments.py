"""Files buyers and teams attach to inquiry messages: a PDF or an image, proven by its content.

Images go through expo.uploads.store_image (decoded, re-encoded without metadata). A PDF must
start like one and parse with pypdf; it is stored as sent, under a random name, and only ever
served as a download to the buyer and the booth's team.
"""

from __future__ import annotations

import io
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import abort, current_app, send_from_directory
from flask_babel import gettext as _

from expo import uploads

log = logging.getLogger(__name__)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # when the config does not say (INQUIRY_ATTACHMENT_MAX_BYTES)
FOLDER = "inquiries"
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")


@dataclass(frozen=True)
class StoredAttachment:
    path: str  # relative to STORAGE_PATH
    name: str  # what the sender called it, for the download
    size: int


def _limit() -> int:
    return current_app.config.get("INQUIRY_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES)


def _too_large(limit: int) -> uploads.UploadTooLarge:
    return uploads.UploadTooLarge(_("The attachment is larger than %(size)s. Send a smaller PDF or image.",
                                    size=f"{limit / (1024 * 1024):.0f} MB"))


def _read(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise uploads.UploadRejected(_("The attachment is empty."))
    return data


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    refused = uploads.UploadRejected(_("This is not a PDF, JPEG, PNG or WebP file."))
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise refused
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise uploads.UploadRejected(_("The PDF is password-protected. Send it without a password."))
        if len(reader.pages) == 0:
            raise refused
    except uploads.UploadRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise refused from None


def display_name(filename: str, extension: str) -> str:
    """The sender's file name, without folders or control characters, with the stored file's extension."""
    name = Path(filename.replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    stem = Path(name).stem.strip(" .")[:150] or "attachment"
    return f"{stem}{extension}"


def store_attachment(stream: IO[bytes], filename: str) -> StoredAttachment:
    """Validate by content and store; raises expo.uploads.UploadRejected (413 when too large)."""
    limit = _limit()
    data = _read(stream, limit)
    if data.startswith(IMAGE_SIGNATURES):
        # Re-encoding may grow a small image a little, never past the limit that matters to the sender.
        path = uploads.store_image(io.BytesIO(data), FOLDER, max_bytes=limit)
    else:
        _check_pdf(data)
        path = f"{FOLDER}/{secrets.token_hex(16)}.pdf"
        uploads._write_atomically(uploads._storage_root() / path, data)
    size = (uploads._storage_root() / path).stat().st_size
    return StoredAttachment(path=path, name=display_name(filename, Path(path).suffix), size=size)


def attachment_response(path: str | None, name: str):
    """A download with its real content type; never rendered inline by the browser."""
    content_type = CONTENT_TYPES.get(Path(path or "").suffix)
    if not path or content_type is None:
        abort(404)
    response = send_from_directory(uploads._storage_root(), path, mimetype=content_type, as_attachment=True,
                                   download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
