"""Uploads: PDFs proven by parsing, videos by their signature, thumbnails re-encoded without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from expo import uploads
from tests.sample_files import (
    encrypted_pdf_bytes,
    jpeg_with_exif,
    mp4_bytes,
    pdf_bytes,
    png_bytes,
    truncated_pdf_bytes,
    webm_bytes,
)


def stored(app, relative: str) -> bytes:
    return (app.config["STORAGE_PATH"] / relative).read_bytes()


def files_in(app, folder: str) -> set[str]:
    """What the folder holds now (the storage folder lives as long as the test session)."""
    return {path.name for path in (app.config["STORAGE_PATH"] / folder).glob("*")}


def test_a_pdf_is_stored_unchanged_under_a_random_name_with_its_page_count(app, app_ctx):
    data = pdf_bytes(3)
    path, pages = uploads.store_pdf(io.BytesIO(data), "brochures")
    assert pages == 3 and path.startswith("brochures/") and path.endswith(".pdf")
    assert stored(app, path) == data
    again, _pages = uploads.store_pdf(io.BytesIO(data), "brochures")
    assert again != path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just some text, named brochure.pdf", "This is not a PDF file."),
        (truncated_pdf_bytes(), "This PDF is incomplete"),
        (encrypted_pdf_bytes(), "protected by a password"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "damaged"),
        (b"", "The file is empty."),
    ],
)
def test_files_that_are_not_openable_pdfs_are_refused_with_a_reason(app, app_ctx, content, message):
    before = files_in(app, "brochures")
    with pytest.raises(uploads.UploadRejected) as refused:
        uploads.store_pdf(io.BytesIO(content), "brochures")
    assert message in str(refused.value) and refused.value.status == 400
    assert files_in(app, "brochures") == before


def test_a_pdf_over_the_limit_is_refused_as_too_large(app_ctx):
    with pytest.raises(uploads.UploadTooLarge) as refused:
        uploads.store_pdf(io.BytesIO(pdf_bytes()), "brochures", max_bytes=100)
    assert refused.value.status == 413 and "larger than" in str(refused.value)


@pytest.mark.parametrize(
    ("content", "extension"),
    [
        (mp4_bytes(), ".mp4"),
        (mp4_bytes(major_brand=b"mp42", compatible=(b"mp42", b"isom")), ".mp4"),
        # An unusual major brand is fine when a compatible brand says browsers can play it.
        (mp4_bytes(major_brand=b"XAVC", compatible=(b"XAVC", b"mp42")), ".mp4"),
        (webm_bytes(), ".webm"),
    ],
)
def test_mp4_and_webm_videos_are_recognised_by_their_content(app, app_ctx, content, extension):
    path = uploads.store_video(io.BytesIO(content), "videos")
    assert path.startswith("videos/") and path.endswith(extension)
    assert stored(app, path) == content


@pytest.mark.parametrize(
    "content",
    [
        png_bytes(),  # a picture named clip.mp4
        mp4_bytes(major_brand=b"qt  ", compatible=(b"qt  ",)),  # QuickTime .mov: not what browsers play
        webm_bytes(doc_type=b"matroska"),  # Matroska .mkv shares WebM's container but not its support
        b"ftyp" * 100,
        b"\x1a\x45\xdf\xa3\xff\xff",
    ],
)
def test_anything_else_is_not_a_video(app, app_ctx, content):
    before = files_in(app, "videos")
    with pytest.raises(uploads.UploadRejected) as refused:
        uploads.store_video(io.BytesIO(content), "videos")
    assert "This is not an MP4 or WebM video." in str(refused.value)
    assert files_in(app, "videos") == before


def test_a_video_over_the_limit_leaves_no_file_behind(app, app_ctx):
    before = files_in(app, "videos")
    with pytest.raises(uploads.UploadTooLarge):
        uploads.store_video(io.BytesIO(mp4_bytes(size=3 * 1024 * 1024)), "videos", max_bytes=2 * 1024 * 1024)
    assert files_in(app, "videos") == before


def test_a_wide_image_rule_names_what_is_wrong(app_ctx):
    with pytest.raises(uploads.UploadRejected) as narrow:
        uploads.store_image(io.BytesIO(png_bytes((1000, 800))), "banners", min_width=960, min_aspect_ratio=2)
    assert "at least 2 times as wide as it is tall" in str(narrow.value)
    with pytest.raises(uploads.UploadRejected) as small:
        uploads.store_image(io.BytesIO(png_bytes((600, 100))), "banners", min_width=960, min_aspect_ratio=2)
    assert "600 pixels wide; it needs at least 960" in str(small.value)


def test_make_thumbnail_writes_a_small_copy_without_metadata_beside_the_original(app, app_ctx):
    # The original keeps its size; only the copy is made small.
    original = uploads.store_image(io.BytesIO(jpeg_with_exif((1200, 800))), "products")
    before = stored(app, original)
    thumbnail = uploads.make_thumbnail(original, 300)
    assert thumbnail != original and thumbnail.startswith("products/") and thumbnail.endswith(".jpg")
    with Image.open(app.config["STORAGE_PATH"] / thumbnail) as image:
        assert image.size == (300, 200) and image.format == "JPEG" and not image.getexif()
    assert stored(app, original) == before


def test_make_thumbnail_keeps_transparency_and_never_enlarges(app, app_ctx):
    original = uploads.store_image(io.BytesIO(png_bytes((120, 60), mode="RGBA")), "products")
    thumbnail = uploads.make_thumbnail(original, 300)
    with Image.open(app.config["STORAGE_PATH"] / thumbnail) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and image.size == (120, 60)


def test_make_thumbnail_of_a_missing_or_broken_file_says_so(app, app_ctx):
    with pytest.raises(FileNotFoundError):
        uploads.make_thumbnail("products/gone.jpg", 300)
    broken = app.config["STORAGE_PATH"] / "products" / "broken.jpg"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(b"not an image")
    with pytest.raises(uploads.UploadRejected):
        uploads.make_thumbnail("products/broken.jpg", 300)


def test_a_file_stored_in_a_transaction_that_rolls_back_is_removed(app, app_ctx):
    from sqlalchemy import text

    from expo.extensions import db

    db.session.execute(text("SELECT 1"))  # as in a request, the change runs in a transaction
    kept = uploads.store_pdf(io.BytesIO(pdf_bytes()), "brochures")[0]
    uploads.discard_on_rollback(kept)
    db.session.commit()
    db.session.execute(text("SELECT 1"))
    discarded = uploads.store_pdf(io.BytesIO(pdf_bytes()), "brochures")[0]
    uploads.discard_on_rollback(discarded)
    db.session.rollback()
    root = app.config["STORAGE_PATH"]
    assert (root / kept).exists() and not (root / discarded).exists()
