"""Uploaded files: checked by their content, re-encoded, stored under random names, served safely."""

from __future__ import annotations

import io
import os
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import abort, current_app, has_app_context, send_from_directory
from flask_babel import gettext as _
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from expo.transactions import end_read_transaction

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_SIDE = 2000
# Decompression bombs (a 249 KB PNG can declare 8000 x 8000 pixels, 256 MB once decoded) are
# refused from the image's header, before anything is decoded, above this many pixels (all frames
# together); IMAGE_MAX_PIXELS in the environment changes it. Pillow's own guard (a warning above
# MAX_IMAGE_PIXELS, an error only above twice that) is kept at the same number as a backstop for
# images read from storage.
IMAGE_MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
# Text chunks (tEXt, zTXt, iTXt) are dropped on re-encoding; Pillow would keep up to 64 MB of them
# in memory while reading (1 MB each once decompressed). Four are plenty for any real image.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * PngImagePlugin.MAX_TEXT_CHUNK
ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
PDF_MAX_BYTES = 20 * 1024 * 1024
# A video is kept as uploaded (there is no transcoder), so only what browsers play natively is taken.
VIDEO_MAX_BYTES = 25 * 1024 * 1024
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
# ISO base media brands of MP4 files browsers play; QuickTime ("qt  ") and 3GPP are other formats.
MP4_BRANDS = frozenset(
    {
        b"isom",
        b"iso2",
        b"iso3",
        b"iso4",
        b"iso5",
        b"iso6",
        b"iso8",
        b"iso9",
        b"mp41",
        b"mp42",
        b"avc1",
        b"M4V ",
        b"M4VP",
        b"dash",
        b"mmp4",
        b"MSNV",
        b"f4v ",
    }
)
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


# --- slow work outside the transaction ---------------------------------------------------------


# --- images --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedImage:
    """An uploaded image, checked and re-encoded without metadata, ready to be stored.

    Made by prepare_image before the change that uses it begins; storing it is only a write.
    """

    content: bytes
    extension: str  # ".jpg" or ".png"
    width: int
    height: int


def init_app(app) -> None:
    """Pillow's own decompression-bomb guard at the app's limit too (images read from storage)."""
    Image.MAX_IMAGE_PIXELS = app.config.get("IMAGE_MAX_PIXELS", IMAGE_MAX_PIXELS)


def image_max_pixels() -> int:
    if has_app_context():
        return current_app.config.get("IMAGE_MAX_PIXELS", IMAGE_MAX_PIXELS)
    return IMAGE_MAX_PIXELS


def _megapixels(pixels: int) -> str:
    """'400', '64', '12.5', '0.01': millions of pixels as a person would write them."""
    millions = pixels / 1_000_000
    return f"{millions:.0f}" if millions >= 100 else f"{millions:.3g}"


def _check_pixels(image: Image.Image) -> None:
    """Refuse an image with more pixels than the limit, from its header alone (nothing decoded yet)."""
    limit = image_max_pixels()
    width, height = image.size
    frames = max(1, getattr(image, "n_frames", 1))
    if width * height > limit:
        raise UploadTooLarge(
            _(
                "The image is %(width)s × %(height)s pixels (%(megapixels)s million); at most "
                "%(limit)s million pixels are accepted. Make it smaller and upload it again.",
                width=width,
                height=height,
                megapixels=_megapixels(width * height),
                limit=_megapixels(limit),
            )
        )
    if width * height * frames > limit:
        raise UploadTooLarge(
            _(
                "The image is an animation of %(frames)s frames of %(width)s × %(height)s pixels "
                "(%(megapixels)s million pixels in all); at most %(limit)s million are accepted. "
                "Upload a still image.",
                frames=frames,
                width=width,
                height=height,
                megapixels=_megapixels(width * height * frames),
                limit=_megapixels(limit),
            )
        )


def _header(fp: IO[bytes]) -> Image.Image:
    """The image opened lazily (its header read, nothing decoded) by the plugin of an accepted format.

    Not through Image.open, whose own bomb check raises above twice MAX_IMAGE_PIXELS without saying
    the size; _check_pixels then refuses with the real numbers. UnidentifiedImageError otherwise.
    """
    Image.init()
    prefix = fp.read(16)
    for image_format in sorted(ACCEPTED_IMAGE_FORMATS):
        factory, accept = Image.OPEN[image_format]
        if accept is None or accept(prefix):
            fp.seek(0)
            try:
                return factory(fp, "")
            except (SyntaxError, IndexError, TypeError, struct.error):
                break
    raise UnidentifiedImageError("not a JPEG, PNG or WebP image")


def _decode(source: bytes | Path) -> Image.Image:
    """The image's pixels: the slow, memory-hungry step, taken only once the header passed."""
    image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    image.load()
    return image


def read_image(
    stream: IO[bytes],
    *,
    max_bytes: int | None = None,
    max_side: int = IMAGE_MAX_SIDE,
    min_width: int = 0,
    min_aspect_ratio: float = 0,
) -> PreparedImage:
    """Validate an image by decoding it and re-encode it without metadata (EXIF, GPS).

    The size in pixels is read from the header first and a decompression bomb is refused with its
    real size before any decoding. ``min_width`` and ``min_aspect_ratio`` (width / height) refuse
    images too small or too narrow for where they are shown, such as a booth's wide banner.
    In a request, use prepare_image, which first ends the request's transaction.
    """
    data = _read_limited(stream, max_bytes or IMAGE_MAX_BYTES)
    try:
        with _header(io.BytesIO(data)) as probe:  # reads the header, decodes nothing
            _check_pixels(probe)
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # a truncated or corrupt file fails here
        image = _decode(data)
    except UploadRejected:
        raise
    except ValueError as exc:
        if "MAX_TEXT" in str(exc):  # PngImagePlugin's limits on text chunks (MAX_TEXT_CHUNK, MAX_TEXT_MEMORY)
            raise UploadRejected(
                _(
                    "This image carries more embedded text (metadata) than an image may. Save it "
                    "again without metadata and upload it."
                )
            ) from None
        raise UploadRejected(_("This is not a JPEG, PNG or WebP image.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, EOFError):
        raise UploadRejected(_("This is not a JPEG, PNG or WebP image.")) from None
    image = ImageOps.exif_transpose(image)  # keep the intended orientation once EXIF is gone
    width, height = image.size
    if width < min_width:
        raise UploadRejected(
            _("The image is %(width)s pixels wide; it needs at least %(minimum)s.", width=width, minimum=min_width)
        )
    if min_aspect_ratio and width < height * min_aspect_ratio:
        raise UploadRejected(
            _(
                "The image is %(width)s × %(height)s pixels; it needs to be at least %(ratio)s times "
                "as wide as it is tall.",
                width=width,
                height=height,
                ratio=f"{min_aspect_ratio:g}",
            )
        )
    image.thumbnail((max_side, max_side))
    return _encoded(image)


def prepare_image(stream: IO[bytes], **checks) -> PreparedImage:
    """read_image for a request: the request's transaction is ended first, so the decoding never
    holds SQLite's write lock. Call it before the change that stores the image."""
    end_read_transaction()
    return read_image(stream, **checks)


def store_image(image: PreparedImage | IO[bytes], folder: str, **checks) -> str:
    """Store a prepared image (or read one from a stream first, outside requests: demo data, commands).

    Returns the path relative to STORAGE_PATH. The name is random: it reveals nothing and
    cannot collide with or overwrite another upload.
    """
    if not isinstance(image, PreparedImage):
        image = read_image(image, **checks)
    relative = f"{folder}/{secrets.token_hex(16)}{image.extension}"
    _write_atomically(storage_root() / relative, image.content)
    return relative


def _encoded(image: Image.Image) -> PreparedImage:
    """Re-encode without metadata: PNG when there is transparency to keep, JPEG otherwise."""
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    output = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(output, format="PNG", optimize=True)
        extension = ".png"
    else:
        image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
        extension = ".jpg"
    return PreparedImage(output.getvalue(), extension, *image.size)


def make_thumbnail(relative_path: str, max_side: int) -> str:
    """A smaller copy of a stored image, at most ``max_side`` pixels on its longer side, beside it.

    The copy is re-encoded without metadata under a new random name (the original is left as it
    is) and its path relative to STORAGE_PATH is returned. Raises FileNotFoundError when the
    original is gone and UploadRejected when it is not an image.
    """
    source = storage_root() / relative_path
    try:
        with source.open("rb") as stored, _header(stored) as opened:
            _check_pixels(opened)
        with _decode(source) as decoded:
            image = ImageOps.exif_transpose(decoded)
    except FileNotFoundError:
        raise
    except UploadRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise UploadRejected(_("This is not a JPEG, PNG or WebP image.")) from None
    image.thumbnail((max_side, max_side))
    return store_image(_encoded(image), str(Path(relative_path).parent))


# --- brochures (PDF) -----------------------------------------------------------------------------


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF that any reader can open; refuses anything else with a reason."""
    from pypdf import PdfReader

    not_pdf = _("This is not a PDF file.")
    if not data.startswith(b"%PDF-"):
        raise UploadRejected(not_pdf)
    # A PDF ends with %%EOF; without it the file was cut short (pypdf would quietly recover a part).
    if b"%%EOF" not in data[-1024:]:
        raise UploadRejected(
            _(
                "This PDF is incomplete: it may have been cut off while it was saved or uploaded. "
                "Export it again and upload the new copy."
            )
        )
    damaged = _("This PDF is damaged and cannot be opened. Export it again and upload the new copy.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(
                _(
                    "This PDF is protected by a password or encryption, so visitors could not open "
                    "it. Save a copy without protection and upload that."
                )
            )
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


@dataclass(frozen=True)
class PreparedPdf:
    """An uploaded PDF that opened with pypdf, ready to be stored unchanged."""

    content: bytes
    pages: int


def read_pdf(stream: IO[bytes], *, max_bytes: int | None = None) -> PreparedPdf:
    """Validate a PDF by parsing it with pypdf; password-protected, truncated and damaged files are refused."""
    data = _read_limited(stream, max_bytes or PDF_MAX_BYTES)
    return PreparedPdf(data, pdf_page_count(data))


def prepare_pdf(stream: IO[bytes], *, max_bytes: int | None = None) -> PreparedPdf:
    """read_pdf for a request: parsing a long PDF is slow work, done with no transaction open."""
    end_read_transaction()
    return read_pdf(stream, max_bytes=max_bytes)


def store_pdf(pdf: PreparedPdf | IO[bytes], folder: str, *, max_bytes: int | None = None) -> tuple[str, int]:
    """Store a prepared PDF unchanged (or read one from a stream first, outside requests).

    Returns the path relative to STORAGE_PATH and the page count.
    """
    if not isinstance(pdf, PreparedPdf):
        pdf = read_pdf(pdf, max_bytes=max_bytes)
    relative = f"{folder}/{secrets.token_hex(16)}.pdf"
    _write_atomically(storage_root() / relative, pdf.content)
    return relative, pdf.pages


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
    for byte in data[position + 1 : position + length]:
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
                return head[position : position + size].rstrip(b"\0") == b"webm"
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
    brands = [head[8:12]] + [head[offset : offset + 4] for offset in range(16, box_size - 3, 4)]
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
        raise UploadRejected(
            _(
                "This is not an MP4 or WebM video. Export the video as MP4 (H.264) or WebM and "
                "upload that, or paste a link to it on a video site."
            )
        )
    relative = f"{folder}/{secrets.token_hex(16)}{extension}"
    target = storage_root() / relative
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


def storage_root() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def _write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".part")
    temporary.write_bytes(content)
    os.replace(temporary, target)


def stored_size(relative: str) -> int:
    return (storage_root() / relative).stat().st_size


def delete_stored(relative: str | None) -> None:
    if relative:
        (storage_root() / relative).unlink(missing_ok=True)


def delete_after_commit(relative: str) -> None:
    """Remove a replaced file only once the change is committed; a rollback keeps it."""
    from expo.extensions import db

    pending = db.session.info.setdefault("expo.files_to_delete", [])
    pending.append((storage_root(), relative))


def discard_on_rollback(relative: str) -> None:
    """Remove a file just stored if the change that names it is rolled back, so none is orphaned."""
    from expo.extensions import db

    pending = db.session.info.setdefault("expo.files_written", [])
    pending.append((storage_root(), relative))


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
    response = send_from_directory(
        storage_root(),
        relative,
        mimetype=content_type,
        max_age=86400,
        as_attachment=download_name is not None,
        download_name=download_name,
    )
    if private:
        response.cache_control.public = False
        response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
