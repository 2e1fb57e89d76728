"""The streamed XLSX writer: what openpyxl reads back, and a package every part of which is valid XML."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

from expo import spreadsheets
from expo.spreadsheets import MAX_CELL_CHARS, StreamingWorkbook

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
HEADER = ["Reference", "Received", "Buyer", "Quantity", "Price", "Delivery", "Paid", "Note"]


def build(write) -> bytes:
    buffer = io.BytesIO()
    with StreamingWorkbook(buffer) as book:
        write(book)
    return buffer.getvalue()


def rows_of(data: bytes, sheet: str, read_only: bool = False) -> list[list]:
    workbook = load_workbook(io.BytesIO(data), read_only=read_only)
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


def sheet_xml(data: bytes, number: int) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def report_like(book):
    summary = book.add_sheet("Summary", widths=[30, 20])
    leads = book.add_sheet("Leads", header=HEADER, widths=[10, 19, 24, None, 12, 12, 6, 30])
    leads.append([1, datetime(2027, 3, 10, 12, 30, 15), "Somchai Co.", 200, 12.5, date(2027, 5, 1), True, None])
    leads.append([2, datetime(2027, 3, 11, 8, 0), "李娜", None, Decimal("99.95"), None, False, ""])
    leads.append([3, datetime(2027, 3, 12, 23, 59, 59, 500000), "บริษัท ไทยเทรด จำกัด", 5, None, None, None, None])
    summary.append(["Order-lead report"], bold=True)
    summary.append(["Leads", 3])
    summary.append([])
    summary.append(["Compiled at (UTC)", datetime(2027, 4, 1, 9, 15)])


def test_values_come_back_with_their_types():
    data = build(report_like)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Summary", "Leads"]  # the order declared, not the order written
    header, *lines = rows_of(data, "Leads")
    assert header == HEADER
    assert lines[0] == [
        1,
        datetime(2027, 3, 10, 12, 30, 15),
        "Somchai Co.",
        200,
        12.5,
        datetime(2027, 5, 1),
        True,
        None,
    ]
    assert lines[1] == [2, datetime(2027, 3, 11, 8, 0), "李娜", None, 99.95, None, False, None]
    assert lines[2][1] == datetime(2027, 3, 12, 23, 59, 59, 500000)
    assert lines[2][2] == "บริษัท ไทยเทรด จำกัด"
    assert [type(value) for value in lines[0][:5]] == [int, datetime, str, int, float]
    sheet = workbook["Leads"]
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert sheet["F2"].is_date and sheet["F2"].number_format == "yyyy-mm-dd"
    assert sheet["G2"].data_type == "b"
    assert rows_of(data, "Summary") == [
        ["Order-lead report", None],
        ["Leads", 3],
        [None, None],
        ["Compiled at (UTC)", datetime(2027, 4, 1, 9, 15)],
    ]


def test_the_header_is_bold_and_frozen_and_columns_have_their_widths():
    workbook = load_workbook(io.BytesIO(build(report_like)))
    leads, summary = workbook["Leads"], workbook["Summary"]
    assert all(cell.font.b for cell in leads[1]) and not any(cell.font.b for cell in leads[2])
    assert leads.freeze_panes == "A2" and summary.freeze_panes is None
    assert leads.column_dimensions["A"].width == 10 and leads.column_dimensions["C"].width == 24
    assert leads.column_dimensions["H"].width == 30
    assert summary["A1"].font.b and not summary["A2"].font.b


def test_every_row_is_as_wide_as_the_header_for_readers_without_a_dimension():
    lines = rows_of(build(report_like), "Leads", read_only=True)
    assert {len(line) for line in lines} == {len(HEADER)}


def test_the_package_declares_every_part_and_every_part_is_well_formed_xml():
    archive = zipfile.ZipFile(io.BytesIO(build(report_like)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names[0] == "[Content_Types].xml" and len(names) == len(set(names))
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    defaults = {node.get("Extension") for node in types.findall("ct:Default", NS)}
    overrides = {node.get("PartName").lstrip("/"): node.get("ContentType") for node in types.findall("ct:Override", NS)}
    for name in names:
        ElementTree.fromstring(archive.read(name))  # raises on anything malformed
        if name != "[Content_Types].xml":
            assert name in overrides or name.rsplit(".", 1)[1] in defaults, name
    assert set(overrides) == {
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    }
    assert overrides["xl/worksheets/sheet1.xml"].endswith("spreadsheetml.worksheet+xml")
    # Every relationship points at a part that is there.
    for rels, base in (("_rels/.rels", ""), ("xl/_rels/workbook.xml.rels", "xl/")):
        for relation in ElementTree.fromstring(archive.read(rels)).findall("rel:Relationship", NS):
            assert base + relation.get("Target") in names
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    assert [sheet.get("name") for sheet in workbook.iter(f"{{{NS['m']}}}sheet")] == ["Summary", "Leads"]


def test_text_is_never_a_formula_and_markup_and_forbidden_characters_are_safe():
    texts = [
        '=HYPERLINK("http://x","y")',
        "+1-2",
        "@SUM(A1)",
        "-3",
        "a < b & c > d",
        "\"quoted\" 'too'",
        "bell\x07 and nul\x00 and escape\x1b",
        "tab\there\nnewline",
        "_x0041_ stays as typed",
        "\ufffe\uffff",
        "lone \ud800 surrogate",
    ]

    def write(book):
        sheet = book.add_sheet('Q&A "text" <sheet>')
        for text in texts:
            sheet.append([text])

    data = build(write)
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        ElementTree.fromstring(archive.read(name))
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ['Q&A "text" <sheet>']
    cells = [row[0] for row in workbook.active.iter_rows()]
    assert all(cell.data_type == "s" for cell in cells[:-2])
    assert [cell.value for cell in cells] == [
        '=HYPERLINK("http://x","y")',
        "+1-2",
        "@SUM(A1)",
        "-3",
        "a < b & c > d",
        "\"quoted\" 'too'",
        "bell and nul and escape",
        "tab\there\nnewline",
        "_x005F_x0041_ stays as typed",
        None,
        "lone  surrogate",
    ]
    # Excel reads _xHHHH_ as an escaped character: the underscore of a typed one is escaped itself.
    assert "<t>_x005F_x0041_ stays as typed</t>" in sheet_xml(data, 1)
    assert "<f>" not in sheet_xml(data, 1)


def test_spaces_at_either_end_are_preserved():
    data = build(lambda book: book.add_sheet("S").append(["  indented", "trailing ", "\tboth\n", "in  between"]))
    assert rows_of(data, "S") == [["  indented", "trailing ", "\tboth\n", "in  between"]]
    xml = sheet_xml(data, 1)
    assert xml.count('xml:space="preserve"') == 3


def test_long_text_is_cut_at_excels_limit_counted_as_excel_counts():
    long_ascii = "x" * (MAX_CELL_CHARS + 100)
    long_emoji = "😀" * MAX_CELL_CHARS  # two UTF-16 units each
    long_escaped = "&" * (MAX_CELL_CHARS + 5)
    data = build(lambda book: book.add_sheet("S").append([long_ascii, long_emoji, long_escaped, "x" * MAX_CELL_CHARS]))
    [[ascii_text, emoji_text, escaped_text, exact]] = rows_of(data, "S")
    assert ascii_text == "x" * MAX_CELL_CHARS and exact == "x" * MAX_CELL_CHARS
    assert emoji_text == "😀" * (MAX_CELL_CHARS // 2)
    assert escaped_text == "&" * MAX_CELL_CHARS


def test_numbers_that_excel_cannot_hold_and_dates_before_1900_are_written_as_text():
    values = [
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        date(1899, 12, 31),
        datetime(1850, 1, 1, 12, 0),
        10**20,
        Decimal("1E+3"),
        -0.5,
        1e-7,
    ]
    [[*as_read]] = rows_of(build(lambda book: book.add_sheet("S").append(values)), "S")
    assert as_read == ["nan", "inf", "NaN", "1899-12-31", "1850-01-01T12:00:00", 1e20, 1000, -0.5, 1e-7]


def test_serial_numbers_are_openpyxls_including_the_1900_leap_year_bug():
    for value in (
        datetime(2027, 3, 10, 12, 30, 15, 123456),
        datetime(1900, 2, 28, 6),
        datetime(1900, 3, 1),
        datetime(1900, 1, 1),
        date(1900, 2, 28),
        date(1900, 3, 1),
        date(2027, 12, 31),
    ):
        assert spreadsheets.excel_serial(value) == to_excel(value), value


def test_many_rows_stream_through_and_an_unwritten_sheet_is_empty():
    def write(book):
        sheet = book.add_sheet("Many", header=["n", "text"])
        book.add_sheet("Nothing")
        for number in range(20_000):
            sheet.append([number, f"row {number} " + "é" * (number % 7)])

    data = build(write)
    lines = rows_of(data, "Many", read_only=True)
    assert len(lines) == 20_001 and lines[-1] == [19_999, "row 19999 " + "é" * (19_999 % 7)]
    assert rows_of(data, "Nothing") == []


def test_subclasses_are_written_as_their_base_type():
    from enum import IntEnum, StrEnum

    class Size(IntEnum):
        BIG = 3

    class Colour(StrEnum):
        RED = "red"

    assert rows_of(build(lambda book: book.add_sheet("S").append([Size.BIG, Colour.RED])), "S") == [[3, "red"]]


def test_what_a_spreadsheet_cannot_hold_is_refused():
    book = StreamingWorkbook(io.BytesIO())
    sheet = book.add_sheet("S")
    with pytest.raises(TypeError, match="time zones"):
        sheet.append([datetime(2027, 1, 1, tzinfo=UTC)])
    with pytest.raises(TypeError, match="cannot write a dict"):
        sheet.append([{"a": 1}])
    for title in ("", "x" * 32, "a/b", "what?", "'quoted'", "s"):
        with pytest.raises(ValueError):
            book.add_sheet(title)
    book.abandon()


def test_sheets_are_written_one_after_another():
    book = StreamingWorkbook(io.BytesIO())
    first, second = book.add_sheet("First"), book.add_sheet("Second")
    first.append([1])
    with pytest.raises(ValueError, match="declare every sheet"):
        book.add_sheet("Third")
    second.append([2])
    with pytest.raises(ValueError, match="finished"):
        first.append([3])
    book.close()


def test_an_error_inside_the_block_closes_the_file_and_is_the_error_raised(tmp_path):
    path = tmp_path / "broken.xlsx.part"
    with pytest.raises(RuntimeError, match="disk on fire"):
        with StreamingWorkbook(path) as book:
            sheet = book.add_sheet("S", header=["a"])
            sheet.append([1])
            raise RuntimeError("disk on fire")
    assert path.exists()  # closed, unfinished: the caller deletes it
    assert not re.search(r"</worksheet>", zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode())


def test_the_same_cells_as_xlsxwriter_writes(tmp_path):
    """expo's writer stands in for XlsxWriter for speed (bench/README.md, order_leads_report): a report
    written by both (bench/xlsx_library.py puts XlsxWriter behind the same interface) reads back alike."""
    from bench.xlsx_library import XlsxWriterWorkbook

    texts = [
        "=SUM(A1:A2)",
        "+66 2 123 4567",
        "-5",
        "@home",
        " padded ",
        "a & b < c > d",
        "line\nbreak",
        "尊敬的参展商",
        "x" * 5000,
        "1e5",
        "TRUE",
        "https://example.com/a?b=c",
    ]

    def report_with_texts(book):
        summary = book.add_sheet("Summary", widths=[30, 20])
        leads = book.add_sheet("Leads", header=HEADER, widths=[10, 19, 24, None, 12, 12, 6, 30])
        for number, text in enumerate(texts, 1):
            leads.append(
                [
                    number,
                    datetime(2027, 3, number, 9, 30),
                    text,
                    number * 100,
                    number / 4,
                    date(2027, 5, number),
                    number % 2 == 0,
                    None if number % 3 else "",
                ]
            )
        summary.append(["Order-lead report"], bold=True)
        summary.append(["Leads", len(texts)])
        summary.append([])
        summary.append(["Compiled at (UTC)", datetime(2027, 4, 1, 9, 15)])

    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    with StreamingWorkbook(ours) as book:
        report_with_texts(book)
    library = XlsxWriterWorkbook(theirs)
    report_with_texts(library)
    library.close()

    books = [load_workbook(path) for path in (ours, theirs)]
    assert books[0].sheetnames == books[1].sheetnames == ["Summary", "Leads"]
    assert books[0]["Leads"].max_row == len(texts) + 1 and books[0]["Leads"]["C1"].value == "Buyer"
    widths = {
        letter: dimension.width
        for letter, dimension in books[1]["Leads"].column_dimensions.items()
        if dimension.customWidth
    }
    assert {"A", "C", "H"} <= set(widths), widths  # equal neighbours (E, F) are read as one range
    for title in books[0].sheetnames:
        mine, reference = books[0][title], books[1][title]
        assert mine.freeze_panes == reference.freeze_panes, title
        assert [list(row) for row in mine.iter_rows(values_only=True)] == [
            list(row) for row in reference.iter_rows(values_only=True)
        ], title
        for row_mine, row_reference in zip(mine.iter_rows(), reference.iter_rows()):
            for cell, expected in zip(row_mine, row_reference):
                assert cell.is_date == expected.is_date, cell.coordinate
                assert bool(cell.font.b) == bool(expected.font.b), cell.coordinate
                if cell.is_date:
                    assert cell.number_format == expected.number_format, cell.coordinate
                assert cell.data_type == expected.data_type, cell.coordinate  # text stays text: never a formula
        for letter, dimension in reference.column_dimensions.items():
            if dimension.customWidth:
                assert mine.column_dimensions[letter].width == pytest.approx(dimension.width, abs=0.75), letter
