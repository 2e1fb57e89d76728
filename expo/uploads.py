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
PDF_MAX_BYTES = 20 * 1024 * 1024
# A video is kept as uploaded (there is no transcoder), so only what browsers play natively is taken.
VIDEO_MAX_BYTES = 25 * 1024 * 1024
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf",
                 ".mp4": "video/mp4", ".webm": "video/webm"}
# ISO base media brands of MP4 files browsers play; QuickTime ("qt  ") and 3GPP are other formats.
MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9", b"mp41", b"mp42",
                        b"avc1", b"M4V ", b"M4VP", b"dash", b"mmp4", b"MSNV", b"f4v "})
_CHUNK = 1024 * 1024


class UploadRejected(Exception):
    """The file is not what the field accepts; the message is safe to show."""

    status = 400


class UploadTooLarge(UploadRejected):
    status = 413


def describe_size(size_bytes: int) -> str:
    """'25.0 MB', '49 KB': how limits are named in messages."""
    if size_bytes >= 1024 * 1024:
        return f"{size_bytes / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size_bytes / 1024))} KB"


def _too_large(max_bytes: int) -> UploadTooLarge:
    return UploadTooLarge(_("The file is larger than %(size)s. Choose a smaller one.", size=describe_size(max_bytes)))


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise UploadRejected(_("The file is empty."))
    return data


def store_image(stream: IO[bytes], folder: str, *, max_bytes: int | None = None,
                max_side: int = IMAGE_MAX_SIDE, min_width: int = 0, min_aspect_ratio: float = 0) -> str:
    """Validate an image by decoding it, re-encode it without metadata (EXIF, GPS) and store it.

    ``min_width`` and ``min_aspect_ratio`` (width / height) refuse images too small or too narrow
    for where they are shown, such as a booth's wide banner.

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
    width, height = image.size
    if width < min_width:
        raise UploadRejected(_("The image is %(width)s pixels wide; it needs at least %(minimum)s.",
                               width=width, minimum=min_width))
    if min_aspect_ratio and width < height * min_aspect_ratio:
        raise UploadRejected(_("The image is %(width)s × %(height)s pixels; it needs to be at least %(ratio)s times "
                               "as wide as it is tall.", width=width, height=height, ratio=f"{min_aspect_ratio:g}"))
    image.thumbnail((max_side, max_side))
    return _store_encoded(image, folder)


def _store_encoded(image: Image.Image, folder: str) -> str:
    """Re-encode without metadata: PNG when there is transparency to keep, JPEG otherwise."""
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


def make_thumbnail(relative_path: str, max_side: int) -> str:
    """A smaller copy of a stored image, at most ``max_side`` pixels on its longer side, beside it.

    The copy is re-encoded without metadata under a new random name (the original is left as it
    is) and its path relative to STORAGE_PATH is returned. Raises FileNotFoundError when the
    original is gone and UploadRejected when it is not an image.
    """
    source = _storage_root() / relative_path
    try:
        with Image.open(source) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except FileNotFoundError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise UploadRejected(_("This is not a JPEG, PNG or WebP image.")) from None
    image.thumbnail((max_side, max_side))
    return _store_encoded(image, str(Path(relative_path).parent))


# --- brochures (PDF) -----------------------------------------------------------------------------


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF that any reader can open; refuses anything else with a reason."""
    from pypdf import PdfReader

    not_pdf = _("This is not a PDF file.")
    if not data.startswith(b"%PDF-"):
        raise UploadRejected(not_pdf)
    # A PDF ends with %%EOF; without it the file was cut short (pypdf would quietly recover a part).
    if b"%%EOF" not in data[-1024:]:
        raise UploadRejected(_("This PDF is incomplete: it may have been cut off while it was saved or uploaded. "
                               "Export it again and upload the new copy."))
    damaged = _("This PDF is damaged and cannot be opened. Export it again and upload the new copy.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(_("This PDF is protected by a password or encryption, so visitors could not open "
                                   "it. Save a copy without protection and upload that."))
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - reading every page proves the page tree holds together
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001 - a malformed file makes pypdf raise many kinds of error
        raise UploadRejected(damaged) from None
    if pages == 0:
        raise UploadRejected(_("This PDF has no pages."))
    return pages


def store_pdf(stream: IO[bytes], folder: str, *, max_bytes: int | None = None) -> tuple[str, int]:
    """Validate a PDF by parsing it with pypdf and store it unchanged.

    Returns the path relative to STORAGE_PATH and the page count. Password-protected, truncated
    and damaged files are refused.
    """
    data = _read_limited(stream, max_bytes or PDF_MAX_BYTES)
    pages = pdf_page_count(data)
    relative = f"{folder}/{secrets.token_hex(16)}.pdf"
    _write_atomically(_storage_root() / relative, data)
    return relative, pages


# --- videos --------------------------------------------------------------------------------------


def _ebml_number(data: bytes, position: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length number at ``position``: its value and the position after it."""
    first = data[position]
    if first == 0:
        raise ValueError("invalid EBML number")
    length = 9 - first.bit_length()
    if position + length > len(data):
        raise ValueError("EBML number past the end")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[position + 1:position + length]:
        value = (value << 8) | byte
    return value, position + length


def _is_webm(head: bytes) -> bool:
    """An EBML header whose DocType is "webm" (Matroska files, also EBML, say "matroska")."""
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return False
    try:
        size, position = _ebml_number(head, 4, keep_marker=False)
        end = min(position + size, len(head))
        while position < end:
            element, position = _ebml_number(head, position, keep_marker=True)
            size, position = _ebml_number(head, position, keep_marker=False)
            if element == 0x4282:  # DocType
                return head[position:position + size].rstrip(b"\0") == b"webm"
            position += size
    except (ValueError, IndexError):
        return False
    return False


def _is_mp4(head: bytes) -> bool:
    """An ISO base media file that opens with an 'ftyp' box naming a brand browsers play."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[0:4], "big")
    if box_size < 16 or box_size > len(head):
        return False
    brands = [head[8:12]] + [head[offset:offset + 4] for offset in range(16, box_size - 3, 4)]
    return any(brand in MP4_BRANDS for brand in brands)


def video_extension(head: bytes) -> str | None:
    """'.mp4' or '.webm' for the first bytes of a video file browsers play, None for anything else."""
    if _is_mp4(head):
        return ".mp4"
    if _is_webm(head):
        return ".webm"
    return None


def store_video(stream: IO[bytes], folder: str, *, max_bytes: int = VIDEO_MAX_BYTES) -> str:
    """Check an MP4 or WebM video by its signature and store it unchanged, copied in chunks.

    Returns the path relative to STORAGE_PATH; the extension follows the content, not the name.
    """
    head = stream.read(4096)
    if not head:
        raise UploadRejected(_("The file is empty."))
    extension = video_extension(head)
    if extension is None:
        raise UploadRejected(_("This is not an MP4 or WebM video. Export the video as MP4 (H.264) or WebM and "
                               "upload that, or paste a link to it on a video site."))
    relative = f"{folder}/{secrets.token_hex(16)}{extension}"
    target = _storage_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".part")
    written = 0
    try:
        with temporary.open("wb") as output:
            chunk = head
            while chunk:
                written += len(chunk)
                if written > max_bytes:
                    raise _too_large(max_bytes)
                output.write(chunk)
                chunk = stream.read(_CHUNK)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return relative


def _storage_root() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def _write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".part")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def stored_size(relative: str) -> int:
    return (_storage_root() / relative).stat().st_size


def delete_stored(relative: str | None) -> None:
    if relative:
        (_storage_root() / relative).unlink(missing_ok=True)


def delete_after_commit(relative: str) -> None:
    """Remove a replaced file only once the change is committed; a rollback keeps it."""
    from expo.extensions import db

    pending = db.session.info.setdefault("expo.files_to_delete", [])
    pending.append((_storage_root(), relative))


def discard_on_rollback(relative: str) -> None:
    """Remove a file just stored if the change that names it is rolled back, so none is orphaned."""
    from expo.extensions import db

    pending = db.session.info.setdefault("expo.files_written", [])
    pending.append((_storage_root(), relative))


def _delete_committed(session) -> None:
    session.info.pop("expo.files_written", None)
    for root, relative in session.info.pop("expo.files_to_delete", []):
        (root / relative).unlink(missing_ok=True)


def _keep_on_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("expo.files_to_delete", None)
        for root, relative in session.info.pop("expo.files_written", []):
            (root / relative).unlink(missing_ok=True)


def _register_session_events() -> None:
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event

    event.listen(Session, "after_commit", _delete_committed)
    event.listen(Session, "after_soft_rollback", _keep_on_rollback)


_register_session_events()


def stored_file_response(relative: str | None, *, download_name: str | None = None, private: bool = False):
    """Serve a stored file with its real content type; send_from_directory refuses path tricks.

    Range requests are answered (206), so a video can seek. ``download_name`` makes it an
    attachment saved under that name; ``private`` keeps shared caches (proxies, CDNs) from
    keeping a copy that another visitor could be served after access is withdrawn.
    """
    if not relative:
        abort(404)
    content_type = CONTENT_TYPES.get(Path(relative).suffix)
    if content_type is None:
        abort(404)
    response = send_from_directory(_storage_root(), relative, mimetype=content_type, max_age=86400,
                                   as_attachment=download_name is not None, download_name=download_name)
    if private:
        response.cache_control.public = False
        response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
