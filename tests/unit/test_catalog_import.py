"""Importing a catalogue from CSV and XLSX files: good rows are saved, bad rows say why, bad files save nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog import importer
from expo.catalog.importer import ImportRefused, RowResult
from expo.catalog.models import Product, ProductCategory
from expo.extensions import db
from expo.i18n import LANGUAGES
from expo.permissions import NotAllowed

HEADER = [
    "name",
    "category",
    "description",
    "min_order",
    "unit",
    "price_min",
    "price_max",
    "currency",
    "hs_code",
    "availability",
    "specifications",
]
GOOD = [
    "KN95 respirator",
    "masks-respirators",
    "Five layers",
    "200",
    "boxes",
    "2.50",
    "3.10",
    "usd",
    "6307.90",
    "in stock",
    "Material: Melt-blown; Filtration: 95%",
]
BAD = ["Nitrile gloves", "no-such-category", "", "-5", "box", "4", "3", "XYZ", "12", "sold out", "Size"]
THIRD = ["Isolation gown", "Protective equipment", "", "", "piece", "", "", "", "", "made_to_order", ""]


def csv_bytes(rows, *, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, sheet_title="Products") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture()
def team(factory):
    owner, staff = factory.user(), factory.user()
    company = factory.company(owner=owner, staff=[staff], name="Guangxi Protective Gear")
    booth = factory.booth(company)
    factory.categories()
    return owner, staff, booth


def run_import(team, content: bytes, **options) -> importer.ImportReport:
    _owner, staff, booth = team
    report = importer.import_products(
        db.session.get(User, staff.id), db.session.get(Booth, booth.id), content, **options
    )
    db.session.commit()
    return report


def products(booth) -> list[Product]:
    return list(
        db.session.scalars(select(Product).where(Product.booth_id == booth.id).order_by(Product.position, Product.id))
    )


def refused_file(team, content: bytes, **options) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        run_import(team, content, **options)
    db.session.rollback()
    assert products(team[2]) == []
    return caught.value


def category_id(slug: str) -> int:
    return db.session.scalar(select(ProductCategory.id).where(ProductCategory.slug == slug))


@pytest.mark.parametrize("make_file", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_good_rows_are_saved_and_bad_rows_say_why_cell_by_cell(app_ctx, team, make_file):
    report = run_import(team, make_file([HEADER, GOOD, BAD, THIRD]))
    assert [(row.number, row.outcome) for row in report.rows] == [(2, "created"), (3, "refused"), (4, "created")]
    assert set(report.rows[1].problems) == {
        "category",
        "min_order",
        "currency",
        "hs_code",
        "availability",
        "specifications",
        "price_max",
    }
    assert "not a category" in report.rows[1].problems["category"]
    assert report.rows[1].problems["price_max"] == "The highest price is below the lowest."

    respirator, gown = products(team[2])
    assert (respirator.name, respirator.slug) == ("KN95 respirator", "kn95-respirator")
    assert respirator.category_id == category_id("masks-respirators")
    assert (respirator.min_order_quantity, respirator.order_unit) == (200, "box")
    assert (respirator.price_min, respirator.price_max) == (Decimal("2.50"), Decimal("3.10"))
    assert respirator.currency == "USD"
    assert respirator.hs_code == "630790" and respirator.availability == "in_stock"
    assert respirator.specifications == [["Material", "Melt-blown"], ["Filtration", "95%"]]
    assert respirator.description_html == "<p>Five layers</p>\n"
    # Stored normalised for the index (punctuation becomes a space), as search normalises the query.
    assert "Melt blown" in respirator.search_text and "Guangxi Protective Gear" in respirator.search_text
    # A category may be named in English (or by its path) instead of its short name.
    assert gown.category_id == category_id("protective-equipment") and gown.availability == "made_to_order"
    assert respirator.position < gown.position


def test_a_row_naming_an_existing_product_updates_it_and_missing_columns_keep_their_values(app_ctx, team, factory):
    booth = team[2]
    kept = factory.product(
        booth,
        name="Surgical mask",
        slug="surgical-mask",
        hs_code="630790",
        price_min=1,
        price_max=2,
        specifications=[["Layers", "3"]],
    )
    same = factory.product(booth, name="Gown", slug="gown", availability="in_stock", price_max=5)
    report = run_import(
        team,
        csv_bytes(
            [
                ["Name", "Availability", "Price max"],
                ["SURGICAL  mask", "out of stock", "2.5"],
                ["Gown", "in_stock", ""],
                ["Face shield", "pre-order", ""],
            ]
        ),
    )
    assert [row.outcome for row in report.rows] == ["updated", "updated", "created"]
    db.session.expire_all()
    mask = db.session.get(Product, kept.id)
    assert mask.availability == "out_of_stock" and mask.price_max == Decimal("2.50")
    assert mask.hs_code == "630790" and mask.specifications == [["Layers", "3"]]  # columns not in the file
    assert mask.name == "SURGICAL mask" and mask.slug == "surgical-mask"
    gown = db.session.get(Product, same.id)
    assert gown.price_max is None  # an empty cell clears the value
    assert [product.name for product in products(booth)] == ["SURGICAL mask", "Gown", "Face shield"]

    again = run_import(team, csv_bytes([["name", "availability"], ["Face shield", "pre_order"]]))
    assert [row.outcome for row in again.rows] == ["unchanged"]


def test_a_product_named_twice_in_one_file_is_refused_the_second_time(app_ctx, team):
    report = run_import(team, csv_bytes([["name", "price_min"], ["Gown", "1"], ["gown", "2"]]))
    assert [row.outcome for row in report.rows] == ["created", "refused"]
    assert report.rows[1].problems == {"name": "Row 2 already has this product; each product appears once in a file."}
    assert [product.price_min for product in products(team[2])] == [Decimal("1.00")]


def test_csv_files_from_excel_in_any_encoding_and_separator(app_ctx, team):
    rows = [HEADER[:2] + ["unit"], ["口罩 KN95", "口罩与呼吸器", "ctns"]]
    # UTF-8 with a byte-order mark, separated by semicolons (Excel where the comma is the decimal mark).
    run_import(team, b"\xef\xbb\xbf" + csv_bytes(rows, delimiter=";"))
    # Plain "CSV" saved by Chinese Windows: GBK.
    run_import(
        team,
        csv_bytes([["name", "unit"], ["防护服", "件"], ["医用帽", "顶"]], encoding="gbk"),
        legacy_encoding="gb18030",
    )
    # Western Windows: Windows-1252; and Excel's "Unicode text" (UTF-16, tabs).
    run_import(team, csv_bytes([["name"], ["Crème solaire"]], encoding="cp1252"), legacy_encoding="cp1252")
    run_import(team, csv_bytes([["name"], ["Thai jasmine rice ข้าวหอมมะลิ"]], encoding="utf-16", delimiter="\t"))
    saved = products(team[2])
    assert [product.name for product in saved] == [
        "口罩 KN95",
        "防护服",
        "医用帽",
        "Crème solaire",
        "Thai jasmine rice ข้าวหอมมะลิ",
    ]
    # The category named in Chinese, a unit by its abbreviation, one by its Chinese name ("件" is a piece),
    # and one of the team's own ("顶", as typed).
    assert saved[0].category_id == category_id("masks-respirators") and saved[0].order_unit == "carton"
    assert saved[0].slug == "口罩-kn95"
    assert saved[1].order_unit == "piece" and saved[2].order_unit == "顶"


def test_hs_codes_typed_as_numbers_in_a_spreadsheet(app_ctx, team):
    report = run_import(
        team,
        xlsx_bytes(
            [["name", "hs_code", "min_order", "price_min"], ["Gloves", 401519, 200.0, 2.5], ["Shrimp", 30617, 10, 7]]
        ),
    )
    assert report.rows[0].outcome == "created"
    assert "starting with 0" in report.rows[1].problems["hs_code"]
    [gloves] = products(team[2])
    assert (gloves.hs_code, gloves.min_order_quantity, gloves.price_min) == ("401519", 200, Decimal("2.50"))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n  \r\n", "The file is empty."),
        (csv_bytes([HEADER]), "no products below it"),
        (csv_bytes([["title", "price"], ["Gown", "1"]]), "Unknown column: title, price."),
        (csv_bytes([["category", "price_min"], ["masks-respirators", "1"]]), "the column name is missing"),
        (csv_bytes([["name", "Name"], ["Gown", "Gown"]]), "The column name appears more than once."),
        (csv_bytes([["name"], ["Gown", "stray note"]]), "column without a name (column 2)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX file"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x01\x02", "not a CSV or XLSX file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Excel workbook (.xls)"),
    ],
    ids=["empty", "blank", "header-only", "unknown-columns", "no-name", "repeated", "stray-cell", "png", "pdf", "xls"],
)
def test_a_file_that_cannot_be_imported_saves_nothing(app_ctx, team, content, message):
    assert message in str(refused_file(team, content))


def test_other_zip_files_and_damaged_workbooks_are_refused(app_ctx, team):
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert "not a CSV or XLSX file" in str(refused_file(team, document.getvalue()))
    damaged = xlsx_bytes([["name"], ["Gown"]])[:-200]
    assert "cannot be read" in str(refused_file(team, damaged))


def test_a_file_with_more_than_5000_products_is_refused_whole(app_ctx, team):
    refusal = refused_file(team, csv_bytes([["name"]] + [[f"Product {number}"] for number in range(5001)]))
    assert refusal.status == 413 and "more than 5,000 products" in str(refusal)


def test_only_the_team_imports(app_ctx, team, factory):
    organizer = factory.organizer()
    with pytest.raises(NotAllowed):
        importer.import_products(
            db.session.get(User, organizer.id), db.session.get(Booth, team[2].id), csv_bytes([["name"], ["Gown"]])
        )


def test_the_import_takes_the_same_number_of_queries_for_50_rows_as_for_2000(app_ctx, team, factory):
    """Bulk work: one read of the booth's products, one of the categories, batched writes."""
    for number in range(30):
        factory.product(team[2], name=f"Existing {number}", slug=f"existing-{number}")

    def statements_for(count: int, offset: int, category: str) -> int:
        rows = [HEADER] + [
            [
                f"Item {offset + number}",
                "masks-respirators",
                "**Soft**",
                "100",
                "box",
                "1",
                "2",
                "USD",
                "401519",
                "in_stock",
                "Colour: Blue",
            ]
            for number in range(count)
        ]
        rows += [[f"Existing {number}", category, "", "", "", "", "", "", "", "", ""] for number in range(10)]
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            report = run_import(team, csv_bytes(rows))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert report.count("created") == count
        # Inserts are sent in batches; the batch count is not the row count.
        return sum(1 for statement in seen if not statement.startswith("INSERT INTO products"))

    assert statements_for(50, 0, "diagnostics") == statements_for(2000, 1000, "pharmaceuticals")
    assert db.session.scalar(select(func.count(Product.id))) == 30 + 2050


def test_the_templates_have_every_column_and_the_categories(app_ctx, team):
    # Then the language of the row and the texts in every other shipped language.
    full_header = (
        HEADER
        + ["source_language"]
        + [
            f"{field}_{language}"
            for language in LANGUAGES
            if language != "en"
            for field in ("name", "description", "specifications")
        ]
    )
    assert importer.template_csv().decode("utf-8-sig").strip() == ",".join(full_header)
    from expo.catalog.services import category_tree

    workbook = load_workbook(io.BytesIO(importer.template_xlsx(category_tree())))
    assert [cell.value for cell in workbook["Products"][1]] == full_header
    notes = dict(workbook["Columns"].iter_rows(min_row=2, values_only=True))
    assert "简体中文 (zh)" in notes["name_zh"] and "en, zh" in notes["source_language"]
    slugs = [row[0] for row in workbook["Categories"].iter_rows(min_row=2, values_only=True)]
    assert "masks-respirators" in slugs and "medical-supplies" in slugs
    # A template filled in and uploaded as it is has no products: nothing to import, and it says so.
    assert "no products below it" in str(refused_file(team, importer.template_xlsx(category_tree())))


def test_report_outcomes_are_named_for_the_page():
    assert RowResult(number=2, name="x", outcome="refused").saved is False


# --- one column per language ----------------------------------------------------------------------


LANGUAGE_HEADER = [
    "name",
    "description",
    "specifications",
    "source_language",
    "name_zh",
    "description_zh",
    "specifications_vi",
    "name_en",
]


@pytest.mark.parametrize("make_file", [csv_bytes, xlsx_bytes])
def test_language_columns_fill_the_translations(app_ctx, team, make_file):
    rows = [
        LANGUAGE_HEADER,
        ["KN95 respirator", "Five *layers*", "Layers: 5", "", "KN95 口罩", "五**层**", "Số lớp: 5", ""],
        ["ถุงมือไนไตรล์", "ไม่มีแป้ง", "", "th", "丁腈手套", "", "", "Nitrile gloves"],
        ["Face shield", "", "", "", "", "", "", ""],
    ]
    report = run_import(team, make_file(rows))
    assert [row.outcome for row in report.rows] == ["created", "created", "created"], report.rows
    mask, gloves, shield = (
        db.session.scalar(select(Product).where(Product.name == name))
        for name in ("KN95 respirator", "ถุงมือไนไตรล์", "Face shield")
    )
    assert mask.source_language == "en"
    assert mask.translations["zh"]["name"] == "KN95 口罩"
    assert mask.translations["zh"]["description_html"].strip() == "<p>五<strong>层</strong></p>"
    assert mask.translations["vi"] == {"specifications": [["Số lớp", "5"]]}
    assert gloves.source_language == "th" and gloves.translations == {
        "zh": {"name": "丁腈手套"},
        "en": {"name": "Nitrile gloves"},
    }
    assert gloves.text_in("name", "vi").text == "ถุงมือไนไตรล์"
    assert shield.translations == {}

    # Imported again with the Chinese name cleared: that text goes, the rest stays.
    rows[1][4] = ""
    report = run_import(team, make_file(rows))
    assert [row.outcome for row in report.rows] == ["updated", "unchanged", "unchanged"]
    db.session.refresh(mask)
    assert "name" not in mask.translations["zh"] and mask.translations["zh"]["description"] == "五**层**"


@pytest.mark.parametrize("make_file", [csv_bytes, xlsx_bytes])
def test_unknown_languages_and_clashes_are_row_errors(app_ctx, team, make_file):
    factory_rows = [
        ["name", "source_language", "name_xx", "name_en", "description_fr"],
        ["Mask", "", "Maske", "", ""],  # a language the site does not ship
        ["Gloves", "klingon", "", "", ""],
        ["Gown", "", "", "Gown again", ""],  # English is the row's own language
        ["Shield", "", "", "", ""],
        ["Cap", "", "", "", "Bonnet"],
    ]
    report = run_import(team, make_file(factory_rows))
    outcome = {row.name: (row.outcome, row.problems) for row in report.rows}
    assert outcome["Mask"][0] == "refused" and "“xx” is not a language of the site" in outcome["Mask"][1]["name_xx"]
    assert "en, zh" in outcome["Mask"][1]["name_xx"]
    assert "source_language" in outcome["Gloves"][1]
    assert "name_en" in outcome["Gown"][1]
    assert "description_fr" in outcome["Cap"][1]
    assert outcome["Shield"][0] == "created"
    assert db.session.scalar(select(func.count(Product.id))) == 1


def test_an_existing_product_keeps_its_language(app_ctx, team):
    report = run_import(team, csv_bytes([["name", "source_language"], ["Mask", "en"]]))
    assert report.rows[0].outcome == "created"
    report = run_import(team, csv_bytes([["name", "source_language"], ["Mask", "vi"]]))
    assert report.rows[0].outcome == "refused" and "translations page" in report.rows[0].problems["source_language"]
