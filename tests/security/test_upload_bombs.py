"""Hostile uploads: decompression bombs refused from their header on every upload form, slow decoding
never inside a transaction (on SQLite that is the database's write lock), and catalogue workbooks
carrying XML entity or zip bombs refused with a reason."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from expo import uploads
from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog import importer
from expo.catalog.models import Product, ProductImage
from expo.config import ConfigError, load_config
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Speaker
from expo.leads.models import InquiryMessage, TradeInquiry
from expo.transactions import PendingChanges
from tests.conftest import log_in, run_recorded_tasks
from tests.sample_files import animated_png, banner_bytes, bomb_png, pdf_bytes, png_bytes, png_with_text_chunks

BOMB_REASON = "8000 × 8000 pixels (64 million); at most 40 million pixels are accepted"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """The issue's bomb: 8000 × 8000 grey pixels of zeros, 64 MB once decoded, some 60 KB sent."""
    return bomb_png(8000, 8000)


@pytest.fixture()
def no_decoding(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(uploads, "_decode", refuse)


# --- the checks themselves -------------------------------------------------------------------------


def test_the_bomb_builder_makes_a_real_png():
    with Image.open(io.BytesIO(bomb_png(640, 480))) as image:
        image.load()
        assert (image.size, image.mode, image.getextrema()) == ((640, 480), "L", (0, 0))


def test_a_bomb_is_refused_from_its_header_with_its_real_size_before_any_decoding(app_ctx, no_decoding):
    data = bomb_png(20000, 20000)
    assert len(data) < 400_000
    with pytest.raises(uploads.UploadTooLarge) as refused:
        uploads.read_image(io.BytesIO(data))
    assert str(refused.value) == (
        "The image is 20000 × 20000 pixels (400 million); at most 40 million pixels are "
        "accepted. Make it smaller and upload it again."
    )
    assert refused.value.status == 413


def test_the_limit_is_the_configured_one_and_pillow_guards_with_the_same(app, app_ctx, monkeypatch):
    assert app.config["IMAGE_MAX_PIXELS"] == 40_000_000 == Image.MAX_IMAGE_PIXELS
    monkeypatch.setitem(app.config, "IMAGE_MAX_PIXELS", 100 * 100)
    assert uploads.read_image(io.BytesIO(png_bytes((100, 100)))).width == 100
    with pytest.raises(uploads.UploadTooLarge, match=r"101 × 100 pixels \(0\.0101 million\); at most 0\.01 million"):
        uploads.read_image(io.BytesIO(png_bytes((101, 100))))


def test_the_limit_is_read_from_the_environment(tmp_path):
    assert load_config(tmp_path, {"IMAGE_MAX_PIXELS": "12000000"})["IMAGE_MAX_PIXELS"] == 12_000_000
    assert load_config(tmp_path, {})["IMAGE_MAX_PIXELS"] == 40_000_000
    with pytest.raises(ConfigError, match="IMAGE_MAX_PIXELS"):
        load_config(tmp_path, {"IMAGE_MAX_PIXELS": "0"})


def test_an_animation_counts_the_pixels_of_every_frame(app, app_ctx, monkeypatch, no_decoding):
    monkeypatch.setitem(app.config, "IMAGE_MAX_PIXELS", 10_000)
    with pytest.raises(uploads.UploadTooLarge) as refused:
        uploads.read_image(io.BytesIO(animated_png(3, (60, 60))))
    assert "an animation of 3 frames of 60 × 60 pixels" in str(refused.value)


def test_an_animation_within_the_limit_is_kept_as_its_first_frame(app_ctx):
    prepared = uploads.read_image(io.BytesIO(animated_png(3, (60, 60))))
    with Image.open(io.BytesIO(prepared.content)) as stored:
        assert (stored.size, getattr(stored, "n_frames", 1)) == ((60, 60), 1)


def test_png_text_chunks_past_a_few_megabytes_are_refused(app_ctx):
    data = png_with_text_chunks(6)  # 6 MB of text from some 6 KB
    assert len(data) < 20_000
    with pytest.raises(uploads.UploadRejected) as refused:
        uploads.read_image(io.BytesIO(data))
    assert refused.value.status == 400
    assert "text" in str(refused.value)
    # A few ordinary chunks are fine and are not kept.
    prepared = uploads.read_image(io.BytesIO(png_with_text_chunks(2, 1000)))
    with Image.open(io.BytesIO(prepared.content)) as stored:
        assert not getattr(stored, "text", {})


def test_a_stored_bomb_gets_no_thumbnail(app, app_ctx, no_decoding):
    target = app.config["STORAGE_PATH"] / "products" / "bomb.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bomb_png(20000, 20000))
    try:
        with pytest.raises(uploads.UploadTooLarge):
            uploads.make_thumbnail("products/bomb.png", 480)
    finally:
        target.unlink()


# --- every upload form ------------------------------------------------------------------------------


@pytest.fixture()
def booth_team(app, factory):
    owner = factory.user(name="Chen Yuehe")
    company = factory.company(owner=owner, name="Nanning Mask Machinery", slug="nanning-masks")
    booth = factory.booth(company)
    product = factory.product(booth, name="Mask machine", order_unit="sets", min_order_quantity=1)
    client = app.test_client()
    log_in(client, owner)
    return client, booth, product


def _inquiry(app, factory, booth_team, image: bytes):
    _team, booth, product = booth_team
    client = app.test_client()
    log_in(client, factory.user(name="Siti Rahma", country="ID"))
    data = {
        "kind": "order_request",
        "products": [str(product.id)],
        "quantity": "200",
        "unit": "sets",
        "target_price": "1500.00",
        "currency": "USD",
        "incoterm": "CIF",
        "destination_country": "ID",
        "destination_port": "Tanjung Priok",
        "delivery_date": (date.today() + timedelta(days=60)).isoformat(),
        "message": "We need 200 sets before the rainy season.",
        "buyer_organisation": "PT Sehat",
        "buyer_country": "ID",
        "attachment": (io.BytesIO(image), "drawing.png"),
    }
    response = client.post(f"/booths/{booth.slug}/inquire", data=data, content_type="multipart/form-data")
    return (
        response,
        "We need 200 sets before the rainy season.",
        lambda: db.session.scalar(select(func.count(TradeInquiry.id))),
    )


def _reply(app, factory, booth_team, image: bytes):
    _team, booth, _product = booth_team
    buyer = factory.user(name="Siti Rahma")
    inquiry = factory.inquiry(booth, buyer)
    client = app.test_client()
    log_in(client, buyer)
    response = client.post(
        f"/inquiries/{inquiry.id}/messages",
        content_type="multipart/form-data",
        data={"body": "Here is the drawing of our carton.", "attachment": (io.BytesIO(image), "carton.png")},
    )
    return (
        response,
        "Here is the drawing of our carton.",
        lambda: db.session.scalar(
            select(func.count(InquiryMessage.id)).where(InquiryMessage.attachment_path.is_not(None))
        ),
    )


def _application(app, factory, booth_team, image: bytes):
    client = app.test_client()
    log_in(client, factory.user())
    response = client.post(
        "/exhibitors/apply",
        content_type="multipart/form-data",
        data={
            "name": "Guangxi Protective Gear",
            "country": "CN",
            "sector": "Medical equipment",
            "website": "",
            "description": "Gloves and gowns for hospitals.",
            "logo": (io.BytesIO(image), "logo.png"),
        },
    )
    return (
        response,
        "Gloves and gowns for hospitals.",
        lambda: db.session.scalar(
            select(func.count(ExhibitorCompany.id)).where(ExhibitorCompany.name == "Guangxi Protective Gear")
        ),
    )


def _booth_logo(app, factory, booth_team, image: bytes):
    client, booth, _product = booth_team
    response = client.post(
        f"/booths/{booth.slug}/edit/images",
        content_type="multipart/form-data",
        data={"logo": (io.BytesIO(image), "logo.png")},
    )
    return (
        response,
        "",
        lambda: db.session.scalar(
            select(func.count(ExhibitorCompany.id)).where(ExhibitorCompany.logo_path.is_not(None))
        ),
    )


def _booth_banner(app, factory, booth_team, image: bytes):
    client, booth, _product = booth_team
    response = client.post(
        f"/booths/{booth.slug}/edit/images",
        content_type="multipart/form-data",
        data={"banner": (io.BytesIO(image), "banner.png")},
    )
    return response, "", lambda: db.session.scalar(select(func.count(Booth.id)).where(Booth.banner_path.is_not(None)))


def _speaker(app, factory, booth_team, image: bytes):
    edition = factory.edition(slug="18th")
    client = app.test_client()
    log_in(client, factory.organizer(edition=edition))
    response = client.post(
        "/editions/18th/organize/speakers/new",
        content_type="multipart/form-data",
        data={
            "name": "Dr Li Ming",
            "title": "",
            "organisation": "Guangxi Health Commission",
            "country": "CN",
            "biography": "Thirty years of public health.",
            "photo": (io.BytesIO(image), "me.png"),
        },
    )
    return response, "Guangxi Health Commission", lambda: db.session.scalar(select(func.count(Speaker.id)))


def _product_pictures(app, factory, booth_team, image: bytes):
    client, booth, product = booth_team
    response = client.post(
        f"/booths/{booth.slug}/catalogue/{product.id}/images",
        content_type="multipart/form-data",
        data={
            "images": [(io.BytesIO(image), "side.png"), (io.BytesIO(png_bytes((80, 60))), "front.png")],
            "alt_text": "The machine from the side",
        },
    )
    return response, "The machine from the side", lambda: db.session.scalar(select(func.count(ProductImage.id)))


IMAGE_FORMS = {
    "inquiry": _inquiry,
    "reply": _reply,
    "application logo": _application,
    "booth logo": _booth_logo,
    "booth banner": _booth_banner,
    "speaker photo": _speaker,
    "product pictures": _product_pictures,
}


@pytest.mark.parametrize("form", IMAGE_FORMS)
def test_every_image_form_refuses_a_bomb_with_its_real_size_and_keeps_what_was_typed(
    app, factory, booth_team, bomb, form, no_decoding
):
    response, typed, saved = IMAGE_FORMS[form](app, factory, booth_team, bomb)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert BOMB_REASON in page
    assert typed in page
    with app.app_context():
        assert saved() == 0


# --- no decoding inside a transaction -------------------------------------------------------------


@pytest.fixture()
def decoding_seen(app, monkeypatch):
    """Every decode, PDF parse and workbook read, and what the database looked like as it ran: is a
    transaction open on the request's session, and (SQLite) can another connection take the write lock?"""
    seen: list[dict] = []
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])

    def state() -> dict:
        found = {"in_transaction": db.session().in_transaction()}
        if url.get_backend_name() == "sqlite":
            other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                found["write_lock_free"] = True
            except sqlite3.OperationalError:
                found["write_lock_free"] = False
            finally:
                other.close()
        return found

    def watched(original):
        def run(*args, **kwargs):
            seen.append(state())
            return original(*args, **kwargs)

        return run

    monkeypatch.setattr(uploads, "_decode", watched(uploads._decode))
    monkeypatch.setattr(uploads, "pdf_page_count", watched(uploads.pdf_page_count))
    monkeypatch.setattr(importer, "read_rows", watched(importer.read_rows))
    return seen


def _pdf_attachment(app, factory, booth_team, _image):
    _team, booth, _product = booth_team
    buyer = factory.user()
    inquiry = factory.inquiry(booth, buyer)
    client = app.test_client()
    log_in(client, buyer)
    response = client.post(
        f"/inquiries/{inquiry.id}/messages",
        content_type="multipart/form-data",
        data={"body": "Our specification.", "attachment": (io.BytesIO(pdf_bytes()), "spec.pdf")},
    )
    return response, "", None


def _brochure(app, factory, booth_team, _image):
    client, booth, _product = booth_team
    response = client.post(
        f"/booths/{booth.slug}/edit/brochures",
        content_type="multipart/form-data",
        data={"title": "Catalogue 2027", "document": (io.BytesIO(pdf_bytes()), "catalogue.pdf")},
    )
    return response, "", None


def _catalogue_import(app, factory, booth_team, _image):
    client, booth, _product = booth_team
    response = client.post(
        f"/booths/{booth.slug}/catalogue/import",
        content_type="multipart/form-data",
        data={
            "file": (io.BytesIO(xlsx_bytes([["name"], ["Face shield"]])), "products.xlsx"),
            "legacy_encoding": "cp1252",
        },
    )
    return response, "", None


SLOW_WORK = {
    **IMAGE_FORMS,
    "pdf attachment": _pdf_attachment,
    "brochure": _brochure,
    "catalogue import": _catalogue_import,
}


@pytest.mark.parametrize("form", SLOW_WORK)
def test_uploads_are_decoded_with_no_transaction_open(app, factory, booth_team, form, decoding_seen):
    image = banner_bytes() if form == "booth banner" else png_bytes((120, 90))
    response, _typed, _saved = SLOW_WORK[form](app, factory, booth_team, image)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    assert decoding_seen, "nothing was decoded"
    for state in decoding_seen:
        assert state["in_transaction"] is False
        assert state.get("write_lock_free", True) is True


def test_thumbnails_are_made_with_no_transaction_open(app, booth_team, recorded_tasks, decoding_seen):
    client, booth, product = booth_team
    response = client.post(
        f"/booths/{booth.slug}/catalogue/{product.id}/images",
        content_type="multipart/form-data",
        data={"images": [(io.BytesIO(png_bytes((900, 600))), "front.png")], "alt_text": ""},
    )
    assert response.status_code == 302
    decoding_seen.clear()
    assert run_recorded_tasks(app) >= 1
    assert decoding_seen and all(
        state.get("write_lock_free", True) and not state["in_transaction"] for state in decoding_seen
    )
    with app.app_context():
        assert db.session.scalar(select(ProductImage.thumbnail_path)) is not None


def test_changing_something_before_preparing_an_upload_is_refused(app_ctx, factory):
    user = factory.user()
    db.session.get(User, user.id).name = "Changed"
    with pytest.raises(PendingChanges, match="only a read-only transaction may be ended"):
        uploads.prepare_image(io.BytesIO(png_bytes()))
    db.session.rollback()


# --- catalogue workbooks ------------------------------------------------------------------------------


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Products"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY lol{level} "{("&lol" + str(level - 1 or "") + ";") * 10}">' for level in range(1, 10))
    + "]>\n"
)


def rewritten(workbook: bytes, changes: dict) -> bytes:
    """The workbook with some parts' XML changed (part name -> function of the XML); new parts are added."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        names = source.namelist()
        for name in names + [part for part in changes if part not in names]:
            xml = source.read(name).decode() if name in names else ""
            archive.writestr(name, changes[name](xml) if name in changes else xml)
    return output.getvalue()


SHEET, STRINGS, RELATIONS, TYPES = (
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
)


def _laughing_sheet(xml: str) -> str:
    body = xml[xml.index("<worksheet") :]
    return LAUGHS + body.replace("<t>Face shield</t>", "<t>&lol9;</t>", 1)


LAUGHING_STRINGS = {
    SHEET: lambda xml: xml.replace('t="inlineStr"><is><t>Face shield</t></is>', 't="s"><v>0</v>'),
    STRINGS: lambda _xml: (
        LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    ),
    RELATIONS: lambda xml: xml.replace(
        "</Relationships>",
        (
            '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/sharedStrings"/></Relationships>'
        ),
    ),
    TYPES: lambda xml: xml.replace(
        "</Types>",
        (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sharedStrings+xml"/></Types>'
        ),
    ),
}


def import_file(client, booth, content: bytes):
    return client.post(
        f"/booths/{booth.slug}/catalogue/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(content), "products.xlsx"), "legacy_encoding": "cp1252"},
    )


@pytest.mark.parametrize("changes", [{SHEET: _laughing_sheet}, LAUGHING_STRINGS], ids=["sheet", "shared strings"])
def test_a_workbook_with_an_entity_bomb_is_refused_with_a_reason(app, booth_team, changes):
    client, booth, _product = booth_team
    content = rewritten(xlsx_bytes([["name"], ["Face shield"]]), changes)
    response = import_file(client, booth, content)
    assert response.status_code == 400
    assert "declares XML entities" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Product.id))) == 1  # only the booth's own machine


def test_a_sheet_that_breaks_after_its_first_rows_is_refused_with_a_reason(app, booth_team):
    client, booth, _product = booth_team
    good = xlsx_bytes([["name"], ["Face shield"], ["Gown"], ["Gloves"]])
    broken = rewritten(good, {SHEET: lambda xml: xml.replace("<t>Gloves</t>", "<t>Gloves</x>")})
    response = import_file(client, booth, broken)
    assert response.status_code == 400
    assert "This XLSX file cannot be read" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Product.id))) == 1


def test_a_zip_bomb_workbook_is_refused_before_anything_is_parsed(app, booth_team, monkeypatch):
    client, booth, _product = booth_team

    def padded(xml: str) -> str:  # 8 MB of spaces between two rows: packs some 1000 times
        return xml.replace("</row>", "</row>" + " " * 8_000_000, 1)

    content = rewritten(xlsx_bytes([["name"], ["Face shield"]]), {SHEET: padded})
    assert len(content) < 50_000

    def refuse(*_args, **_kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(importer, "load_workbook", refuse)
    response = import_file(client, booth, content)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "This workbook unpacks to far more than a spreadsheet does (7.6 MB from" in page
    assert "xl/worksheets/sheet1.xml" in page
