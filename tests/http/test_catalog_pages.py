"""The catalogue over HTTP: who may reach which page, the team's product editor, pictures, imports,
and the product page visitors see."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from expo.booths.models import Booth
from expo.catalog.models import Product, ProductImage
from expo.extensions import db
from tests.conftest import count_queries, log_in, permission_failures, run_recorded_tasks

ROLES = ("anonymous", "attendee", "other_staff", "edition_organizer", "organizer", "own_staff", "owner")
TEAM = {"own_staff", "owner"}


def expect(team: int, *, anonymous: int = 302, organizer: int = 403, others: int = 404) -> dict[str, int]:
    """Team pages: log in first (302); outsiders are not told the back office exists (404); organizers,
    who review booths, are told no (403)."""
    return {
        "anonymous": anonymous,
        "attendee": others,
        "other_staff": others,
        "edition_organizer": others,
        "organizer": organizer,
        "own_staff": team,
        "owner": team,
    }


PUBLIC = dict.fromkeys(ROLES, 200)
PREVIEW = {**dict.fromkeys(ROLES, 404), "organizer": 200, "own_staff": 200, "owner": 200}

# Every catalogue route; destructive ones come last, as each role's requests run in this order.
MATRIX = {
    ("GET", "/booths/{booth}/products/{product}"): PUBLIC,
    ("GET", "/product-images/{image}"): PUBLIC,
    ("GET", "/product-images/{image}/thumbnail"): PUBLIC,
    ("GET", "/booths/{draft}/products/{draft_product}"): PREVIEW,
    ("GET", "/product-images/{draft_image}"): PREVIEW,
    ("GET", "/booths/{booth}/catalogue"): expect(200),
    ("GET", "/booths/{booth}/catalogue/new"): expect(200),
    ("GET", "/booths/{booth}/catalogue/{product_id}/edit"): expect(200),
    ("GET", "/booths/{booth}/catalogue/{product_id}/images"): expect(200),
    ("GET", "/booths/{booth}/catalogue/{product_id}/delete"): expect(200),
    ("GET", "/booths/{booth}/catalogue/import"): expect(200),
    ("GET", "/booths/{booth}/catalogue/import/template.csv"): expect(200),
    ("GET", "/booths/{booth}/catalogue/import/template.xlsx"): expect(200),
    ("GET", "/booths/{booth}/catalogue/{other_product_id}/edit"): expect(404),  # another booth's product
    ("GET", "/booths/{draft}/catalogue"): expect(200),  # the team builds its catalogue before publishing
    ("GET", "/booths/{booth}/catalogue/{product_id}/images/{image}/move"): expect(
        405, anonymous=405, organizer=405, others=405
    ),
    ("POST", "/booths/{booth}/catalogue/new"): expect(400),  # no name
    ("POST", "/booths/{booth}/catalogue/import"): expect(400),  # no file
    ("POST", "/booths/{booth}/catalogue/{product_id}/images"): expect(400),  # no pictures
    ("POST", "/booths/{booth}/catalogue/{product_id}/move"): expect(302),
    ("POST", "/booths/{booth}/catalogue/{product_id}/images/{image}/move"): expect(302),
    ("POST", "/booths/{booth}/catalogue/{product_id}/images/{image}/alt-text"): expect(302),
    ("POST", "/booths/{booth}/catalogue/{product_id}/images/{image}/delete"): expect(302),
    ("POST", "/booths/{booth}/catalogue/{product_id}/delete"): expect(302),
}


@pytest.fixture()
def world(factory):
    owner, own_staff, other_staff = factory.user(name="Owner"), factory.user(name="Staff"), factory.user()
    company = factory.company(owner=owner, staff=[own_staff], name="Guangxi Protective Gear")
    booth = factory.booth(company)
    product = factory.product(booth, name="Gown", slug="gown")
    image = factory.product_image(product)
    factory.product_image(product)
    other_company = factory.company(owner=factory.user(), staff=[other_staff])
    other_booth = factory.booth(other_company)
    other_product = factory.product(other_booth)
    draft_company = factory.company(owner=owner, staff=[own_staff])
    draft = factory.booth(draft_company, status=Booth.Status.DRAFT)
    draft_product = factory.product(draft, slug="secret")
    draft_image = factory.product_image(draft_product)
    edition = factory.edition()
    users = {
        "attendee": factory.user(),
        "other_staff": other_staff,
        "own_staff": own_staff,
        "owner": owner,
        "edition_organizer": factory.organizer(edition=edition),
        "organizer": factory.organizer(),
    }
    values = {
        "booth": booth.slug,
        "product": product.slug,
        "product_id": product.id,
        "image": image.id,
        "draft": draft.slug,
        "draft_product": draft_product.slug,
        "draft_image": draft_image.id,
        "other_product_id": other_product.id,
    }
    return users, values, booth, product


@pytest.mark.parametrize("role", ROLES)
def test_catalogue_permission_matrix(app, world, role):
    users, values, _booth, _product = world
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    failures = permission_failures(
        client,
        [(method, template.format(**values), expected[role], {}) for (method, template), expected in MATRIX.items()],
        anonymous=role == "anonymous",
    )
    assert not failures, "\n".join(failures)


# --- the team's product editor --------------------------------------------------------------------


@pytest.fixture()
def team(app, factory):
    owner, staff = factory.user(), factory.user()
    company = factory.company(owner=owner, staff=[staff], name="Guangxi Protective Gear", country="VN")
    booth = factory.booth(company)
    categories = factory.categories()
    client = app.test_client()
    log_in(client, staff)
    return client, booth, categories


FORM = {
    "name": "KN95 respirator",
    "category": "",
    "description": "Five **layers**.",
    "specifications": "Material: Melt-blown\nFiltration: ≥ 95 %",
    "min_order_quantity": "1,000",
    "order_unit": "box",
    "order_unit_other": "",
    "price_min": "2.50",
    "price_max": "3.10",
    "currency": "CNY",
    "hs_code": "6307.90",
    "availability": "made_to_order",
}


def product_named(app, name: str) -> Product:
    with app.app_context():
        product = db.session.scalar(select(Product).where(Product.name == name))
        db.session.expunge(product)
        return product


def test_the_team_adds_a_product_and_visitors_see_every_detail(app, team):
    client, booth, categories = team
    page = client.get(f"/booths/{booth.slug}/catalogue/new").get_data(as_text=True)
    assert '<optgroup label="Medical supplies">' in page and ">Masks and respirators</option>" in page
    assert '<option value="CNY">CNY · Chinese Yuan</option>' in page and ">other…</option>" in page
    response = client.post(
        f"/booths/{booth.slug}/catalogue/new", data={**FORM, "category": str(categories["masks-respirators"])}
    )
    product = product_named(app, "KN95 respirator")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/booths/{booth.slug}/catalogue/{product.id}/images"
    assert product.slug == "kn95-respirator" and product.hs_code == "630790" and product.min_order_quantity == 1000

    visitor = app.test_client()
    page = visitor.get(f"/booths/{booth.slug}/products/kn95-respirator").get_data(as_text=True)
    crumbs = re.search(r'<ol class="breadcrumb.*?</ol>', page, re.S).group(0)
    assert re.findall(r">\s*([^<>]+?)\s*</(?:a|li)>", crumbs) == [
        "Guangxi Protective Gear",
        "Medical supplies",
        "Masks and respirators",
        "KN95 respirator",
    ]
    assert "CN¥2.50 – CN¥3.10 / box" in page and "1,000 boxes" in page and "630790" in page
    assert "Made to order" in page and "text-bg-info" in page
    assert '<th scope="row" class="fw-normal text-muted">Filtration</th><td>≥ 95 %</td>' in page
    assert "Five <strong>layers</strong>." in page and "Vietnam" in page
    assert f'href="/booths/{booth.slug}"' in page
    assert "Edit product" not in page and "No pictures yet" in page
    assert "Edit product" in client.get(f"/booths/{booth.slug}/products/kn95-respirator").get_data(as_text=True)


def test_every_mistake_is_shown_at_once_and_nothing_typed_is_lost(app, team):
    client, booth, _categories = team
    response = client.post(
        f"/booths/{booth.slug}/catalogue/new",
        data={
            **FORM,
            "price_min": "5",
            "price_max": "4.999",
            "hs_code": "12",
            "min_order_quantity": "0",
            "specifications": "Material",
            "order_unit": "other",
            "order_unit_other": "",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for reason in (
        "Use at most two decimals.",
        "An HS code has 6 to 10 digits",
        "The minimum order is at least 1.",
        "needs a name, a colon and a value",
        "Name the unit, or choose one from the list.",
    ):
        assert reason in page
    assert 'value="KN95 respirator"' in page and 'value="4.999"' in page
    response = client.post(f"/booths/{booth.slug}/catalogue/new", data={**FORM, "price_min": "5", "price_max": "4"})
    assert response.status_code == 400 and "The highest price is below the lowest." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Product.id))) == 0


def test_editing_shows_the_saved_values_and_keeps_the_address(app, team, factory):
    client, booth, _categories = team
    product = factory.product(
        booth,
        name="Drum of sanitiser",
        slug="drum-of-sanitiser",
        order_unit="drum",
        specifications=[["Volume", "200 l"], ["Alcohol", "75 %"]],
        price_min=10,
    )
    page = client.get(f"/booths/{booth.slug}/catalogue/{product.id}/edit").get_data(as_text=True)
    assert "Volume: 200 l\nAlcohol: 75 %</textarea>" in page
    assert '<option selected value="other">' in page and 'value="drum"' in page and 'value="10.00"' in page
    assert f"/booths/{booth.slug}/products/drum-of-sanitiser" in page
    response = client.post(
        f"/booths/{booth.slug}/catalogue/{product.id}/edit",
        data={
            **FORM,
            "name": "Hand sanitiser, 200 l drum",
            "order_unit": "other",
            "order_unit_other": "drum",
            "specifications": "Alcohol: 75 %",
        },
    )
    assert response.status_code == 302
    saved = product_named(app, "Hand sanitiser, 200 l drum")
    assert saved.slug == "drum-of-sanitiser" and saved.order_unit == "drum"
    assert saved.specifications == [["Alcohol", "75 %"]]
    assert "Minimum order: 1,000 drum" in app.test_client().get(f"/booths/{booth.slug}").get_data(as_text=True)


def test_the_list_is_paginated_ordered_and_its_queries_do_not_grow(app, team, factory):
    client, booth, _categories = team
    first, second = factory.product(booth, name="First"), factory.product(booth, name="Second")
    factory.product_image(first)
    path = f"/booths/{booth.slug}/catalogue"
    few = count_queries(app, client, path)
    for number in range(60):
        factory.product_image(factory.product(booth, name=f"Item {number}"))
    assert count_queries(app, client, path) == few
    page = client.get(path).get_data(as_text=True)
    assert "62 products." in page and "Page 1 of 2" in page
    assert page.index(">First</a>") < page.index(">Second</a>")

    response = client.post(f"/booths/{booth.slug}/catalogue/{second.id}/move", data={"direction": "up", "page": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"?page=1#product-{second.id}")
    page = client.get(path).get_data(as_text=True)
    assert page.index(">Second</a>") < page.index(">First</a>")
    assert client.get(f"{path}?page=2").status_code == 200


def test_deleting_asks_first_then_removes_the_product(app, team, factory):
    client, booth, _categories = team
    product = factory.product(booth, name="Gown")
    factory.product_image(product)
    page = client.get(f"/booths/{booth.slug}/catalogue/{product.id}/delete").get_data(as_text=True)
    assert "its 1 pictures" not in page and "its picture will be removed" in page and "cannot be undone" in page
    response = client.post(f"/booths/{booth.slug}/catalogue/{product.id}/delete")
    assert response.status_code == 302
    assert "“Gown” and its pictures are deleted." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/booths/{booth.slug}/products/{product.slug}").status_code == 404


# --- pictures -------------------------------------------------------------------------------------


def jpeg(size=(1200, 900), colour=(200, 30, 30)) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {2: (22.0, 49.0, 0.0)}  # where the photo was taken
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, booth, product, *files, alt_text=""):
    return client.post(
        f"/booths/{booth.slug}/catalogue/{product.id}/images",
        content_type="multipart/form-data",
        data={"images": [(io.BytesIO(content), name) for content, name in files], "alt_text": alt_text},
    )


def test_pictures_are_uploaded_and_the_gallery_works_without_javascript(app, team, factory):
    client, booth, _categories = team
    product = factory.product(booth, name="Gown", slug="gown")
    response = upload(
        client, booth, product, (jpeg(), "front.jpg"), (jpeg(colour=(0, 0, 200)), "back.jpg"), alt_text="Blue gown"
    )
    assert response.status_code == 302
    assert "2 pictures added." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        first, second = db.session.scalars(select(ProductImage).order_by(ProductImage.position)).all()
    visitor = app.test_client()
    served = visitor.get(f"/product-images/{first.id}")
    assert served.mimetype == "image/jpeg" and not Image.open(io.BytesIO(served.data)).getexif()
    # Before the worker runs, the thumbnail address serves the full picture.
    assert Image.open(io.BytesIO(visitor.get(f"/product-images/{first.id}/thumbnail").data)).size == (1200, 900)
    run_recorded_tasks(app)
    assert Image.open(io.BytesIO(visitor.get(f"/product-images/{first.id}/thumbnail").data)).size == (480, 360)

    page = visitor.get(f"/booths/{booth.slug}/products/gown").get_data(as_text=True)
    assert f'src="/product-images/{first.id}" alt="Blue gown"' in page
    assert f'href="/booths/{booth.slug}/products/gown?image={second.id}#gallery"' in page
    chosen = visitor.get(f"/booths/{booth.slug}/products/gown?image={second.id}").get_data(as_text=True)
    assert f'src="/product-images/{second.id}" alt="Blue gown"' in chosen

    client.post(f"/booths/{booth.slug}/catalogue/{product.id}/images/{second.id}/move", data={"direction": "up"})
    client.post(
        f"/booths/{booth.slug}/catalogue/{product.id}/images/{second.id}/alt-text",
        data={f"image-{second.id}-alt_text": "Back of the gown"},
    )
    page = visitor.get(f"/booths/{booth.slug}/products/gown").get_data(as_text=True)
    assert f'src="/product-images/{second.id}" alt="Back of the gown"' in page


def test_a_ninth_picture_and_a_fake_one_are_refused_with_a_reason(app, team, factory):
    client, booth, _categories = team
    product = factory.product(booth)
    response = upload(client, booth, product, (b"MZ\x90\x00 not a picture", "photo.jpg"))
    assert response.status_code == 400
    assert "“photo.jpg”: This is not a JPEG, PNG or WebP image." in response.get_data(as_text=True)
    for _ in range(7):
        factory.product_image(product)
    response = upload(client, booth, product, (jpeg(), "a.jpg"), (jpeg(), "b.jpg"))
    assert response.status_code == 409
    assert "This one has 7, so you can add 1 more; you chose 2." in response.get_data(as_text=True)
    assert upload(client, booth, product, (jpeg(), "a.jpg")).status_code == 302
    page = client.get(f"/booths/{booth.slug}/catalogue/{product.id}/images").get_data(as_text=True)
    assert "8 of 8 pictures" in page and "the most it can have" in page


# --- importing ------------------------------------------------------------------------------------


def csv_file(rows) -> bytes:
    return ("\n".join(",".join(row) for row in rows) + "\n").encode("utf-8")


def import_file(client, booth, content: bytes, filename: str):
    return client.post(
        f"/booths/{booth.slug}/catalogue/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(content), filename), "legacy_encoding": "cp1252"},
    )


def test_an_import_reports_row_by_row_and_saves_the_good_rows(app, team):
    client, booth, _categories = team
    rows = [["name", "category", "price_min", "price_max", "availability"]]
    rows += [[f"Product {number}", "diagnostics", "1", "2", "in_stock"] for number in range(1, 14)]
    rows[4] = ["Bad price", "diagnostics", "3", "2", "in_stock"]
    rows[9] = ["Bad category", "toys", "1", "2", "in_stock"]
    rows[12] = ["", "diagnostics", "1", "2", "in_stock"]
    response = import_file(client, booth, csv_file(rows), "catalogue.csv")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "10 rows saved, 3 refused: rows 5, 10, 13." in " ".join(page.split())
    assert "The highest price is below the lowest." in page and "“toys” is not a category of the site." in page
    assert "Enter the product&#39;s name." in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Product.id))) == 10
    assert f'href="/booths/{booth.slug}/products/product-1"' in page


def test_an_xlsx_import_and_its_template(app, team):
    client, booth, _categories = team
    template = client.get(f"/booths/{booth.slug}/catalogue/import/template.xlsx")
    assert template.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="products-template.xlsx"' in template.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(template.data))
    sheet = workbook["Products"]
    sheet.append(
        [
            "Jasmine rice",
            "rice-grains",
            "",
            10,
            "tonne",
            800,
            950,
            "THB",
            "1006.30",
            "in_stock",
            "Grain: long; Crop: 2026",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = import_file(client, booth, buffer.getvalue(), "rice.xlsx")
    assert response.status_code == 200 and "1 row saved." in " ".join(response.get_data(as_text=True).split())
    page = app.test_client().get(f"/booths/{booth.slug}/products/jasmine-rice").get_data(as_text=True)
    assert "THB800.00 – THB950.00 / tonne" in page and "10 tonnes" in page and "100630" in page
    csv_template = client.get(f"/booths/{booth.slug}/catalogue/import/template.csv")
    assert csv_template.mimetype == "text/csv" and csv_template.data.startswith(b"\xef\xbb\xbfname,category,")


def test_a_file_that_is_not_a_spreadsheet_is_refused_whatever_its_name(app, team):
    client, booth, _categories = team
    picture = io.BytesIO()
    Image.new("RGB", (4, 4)).save(picture, format="PNG")
    response = import_file(client, booth, picture.getvalue(), "products.csv")
    assert response.status_code == 400
    assert "This file is not a CSV or XLSX file." in response.get_data(as_text=True)
    response = import_file(client, booth, csv_file([["name"]] + [[f"P{n}"] for n in range(5001)]), "big.csv")
    assert response.status_code == 413 and "more than 5,000 products" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Product.id))) == 0


def test_the_import_page_explains_the_columns_and_the_encoding(app, team):
    client, booth, _categories = team
    page = client.get(f"/booths/{booth.slug}/catalogue/import").get_data(as_text=True)
    assert "<code>specifications</code>" in page and "<code>masks-respirators</code>" in page
    assert "Encoding of a CSV file that is not UTF-8" in page
    assert '<option selected value="cp1252">' in page  # English page: Windows-1252 unless chosen otherwise


# --- the product page ---------------------------------------------------------------------------


def test_the_product_page_takes_the_same_queries_whatever_it_shows(app, client, factory):
    owner = factory.user()
    booth = factory.booth(factory.company(owner=owner))
    categories = factory.categories()
    product = factory.product(booth, name="Gown", slug="gown", category_id=categories["protective-equipment"])
    factory.product_image(product)
    factory.product_image(factory.product(booth, name="Other", category_id=categories["diagnostics"]))
    path = f"/booths/{booth.slug}/products/gown"
    few = count_queries(app, client, path)
    for _ in range(7):
        factory.product_image(product)
    for number in range(6):
        other = factory.product(booth, name=f"Other {number}", category_id=categories["diagnostics"])
        factory.product_image(other)
        factory.product_image(other)
    assert count_queries(app, client, path) == few
    page = client.get(path).get_data(as_text=True)
    assert page.count('class="card expo-card h-100"') == 4  # a few more of the booth's products
    log_in(client, owner)
    signed_in_few = count_queries(app, client, path)
    factory.product_image(factory.product(booth, name="One more"))
    assert count_queries(app, client, path) == signed_in_few
