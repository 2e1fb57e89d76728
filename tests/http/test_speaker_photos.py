"""Speaker photos: checked by content, stripped of metadata, re-encoded, served with the right type."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from expo.extensions import db
from expo.forums.models import Speaker
from tests.conftest import log_in


def jpeg_with_gps_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (15, 94, 110))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    exif[0x8825] = {2: (22.0, 49.0, 0.0)}  # GPS latitude of somewhere in Nanning
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture()
def organizer_client(app, factory):
    edition = factory.edition(slug="18th")
    client = app.test_client()
    log_in(client, factory.organizer(edition=edition))
    return client, edition


def add_speaker(client, photo: bytes, filename: str):
    return client.post(
        "/editions/18th/organize/speakers/new",
        content_type="multipart/form-data",
        data={
            "name": "Dr Li Ming",
            "title": "",
            "organisation": "Guangxi Health Commission",
            "country": "CN",
            "biography": "",
            "photo": (io.BytesIO(photo), filename),
        },
    )


def test_photo_is_stored_without_metadata_and_served_as_an_image(app, client, organizer_client):
    organizer, _edition = organizer_client
    assert add_speaker(organizer, jpeg_with_gps_exif(), "me.jpg").status_code == 302
    with app.app_context():
        speaker = db.session.query(Speaker).one()
        assert speaker.photo_path.startswith("speakers/") and "me" not in speaker.photo_path
    response = client.get(f"/editions/18th/speakers/{speaker.id}/photo")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    stored = Image.open(io.BytesIO(response.data))
    assert stored.format == "JPEG" and not stored.getexif()
    assert "/photo" in client.get(f"/editions/18th/speakers/{speaker.id}").get_data(as_text=True)


def test_a_file_that_only_pretends_to_be_an_image_is_refused(app, organizer_client):
    organizer, _edition = organizer_client
    response = add_speaker(organizer, b"<?php system($_GET['c']); ?>", "photo.png")
    assert response.status_code == 400
    assert "This is not a JPEG, PNG or WebP image." in response.get_data(as_text=True)
    assert 'value="Guangxi Health Commission"' in response.get_data(as_text=True)  # nothing typed is lost
    with app.app_context():
        assert db.session.query(Speaker).count() == 0


def test_truncated_image_is_refused(organizer_client):
    organizer, _edition = organizer_client
    assert add_speaker(organizer, jpeg_with_gps_exif()[:200], "cut.jpg").status_code == 400


def test_too_large_photo_is_413_with_the_limit(organizer_client, monkeypatch):
    from expo import uploads

    monkeypatch.setattr(uploads, "IMAGE_MAX_BYTES", 1000)
    organizer, _edition = organizer_client
    response = add_speaker(organizer, jpeg_with_gps_exif() + b"\0" * 2000, "big.jpg")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)


def test_transparent_png_stays_png(app, client, organizer_client):
    organizer, _edition = organizer_client
    buffer = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 0, 0, 0)).save(buffer, format="PNG")
    add_speaker(organizer, buffer.getvalue(), "logo.png")
    with app.app_context():
        speaker = db.session.query(Speaker).one()
    assert client.get(f"/editions/18th/speakers/{speaker.id}/photo").mimetype == "image/png"


def test_replacing_and_removing_a_photo_deletes_the_old_file(app, organizer_client):
    organizer, _edition = organizer_client
    add_speaker(organizer, jpeg_with_gps_exif(), "one.jpg")
    with app.app_context():
        speaker = db.session.query(Speaker).one()
    storage = app.config["STORAGE_PATH"]
    first = storage / speaker.photo_path
    assert first.exists()
    data = {"name": "Dr Li Ming", "title": "", "organisation": "", "country": "", "biography": ""}
    organizer.post(
        f"/editions/18th/organize/speakers/{speaker.id}/edit",
        content_type="multipart/form-data",
        data={**data, "photo": (io.BytesIO(jpeg_with_gps_exif()), "two.jpg")},
    )
    with app.app_context():
        second = storage / db.session.get(Speaker, speaker.id).photo_path
    assert second.exists() and not first.exists()
    organizer.post(f"/editions/18th/organize/speakers/{speaker.id}/edit", data={**data, "remove_photo": "y"})
    with app.app_context():
        assert db.session.get(Speaker, speaker.id).photo_path is None
    assert not second.exists()


def test_photo_of_a_speaker_without_one_or_of_another_edition_is_404(client, factory, organizer_client):
    _organizer, edition = organizer_client
    speaker = factory.speaker(edition)
    factory.edition(slug="other")
    assert client.get(f"/editions/18th/speakers/{speaker.id}/photo").status_code == 404
    assert client.get(f"/editions/other/speakers/{speaker.id}/photo").status_code == 404
