"""Files that are two things at once (a picture that is also a page or an archive, a PDF that is also
a page) reach nobody as the second thing: pictures are decoded and written anew, other files go out
with their real type, as downloads, never sniffed."""

from __future__ import annotations

import io

import pytest

from expo import uploads
from tests.sample_files import pdf_bytes, png_bytes

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def zip_with(name: str, content: bytes) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("tail", [SCRIPT, zip_with("payload.html", SCRIPT)], ids=["html", "zip"])
def test_a_picture_with_a_page_or_an_archive_appended_is_stored_as_a_plain_picture(app_ctx, tail):
    image = uploads.read_image(io.BytesIO(png_bytes() + tail))
    assert b"<script" not in image.content and b"PK\x03\x04" not in image.content
    assert image.content[:3] in (b"\xff\xd8\xff", b"\x89PN")  # a JPEG or PNG written by us


def test_a_page_named_like_a_picture_is_refused(app_ctx):
    with pytest.raises(uploads.UploadRejected):
        uploads.read_image(io.BytesIO(SCRIPT))


def test_a_pdf_that_is_also_a_page_is_served_as_a_pdf_download_never_sniffed(app):
    polyglot = pdf_bytes() + SCRIPT
    with app.test_request_context():
        pdf = uploads.read_pdf(io.BytesIO(polyglot))  # a valid PDF: accepted, and stored unchanged
        relative, _pages = uploads.store_pdf(pdf, "brochures")
        response = uploads.stored_file_response(relative, download_name="brochure.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
