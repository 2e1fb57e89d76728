"""Tables as CSV and Excel files: the one place every download of a list is written and sent.

CSV is UTF-8 with a byte-order mark, so Excel reads Chinese, Thai and Vietnamese names right, and
every cell a spreadsheet would run as a formula is neutralised (CSV injection). XLSX goes through
the streaming writer (``expo.spreadsheets``), whose text cells are inline strings, never formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import Response, send_from_directory

from expo.spreadsheets import StreamingWorkbook

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_safe(value) -> str:
    """The cell as text, neutralised if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_safe_row(values) -> list:
    """csv_safe for every cell of a row, quicker (a big report's CSV has millions of cells): what
    cannot start a formula passes as it is, and the csv module writes it as csv_safe would."""
    cells = []
    add = cells.append
    for value in values:
        kind = type(value)
        if kind is str:
            add("'" + value if value.startswith(FORMULA_STARTS) else value)
        elif value is None:
            add("")
        elif (kind is int or kind is float) and value >= 0:
            add(value)
        elif kind is datetime and value.tzinfo is None and value.year >= 1000:
            add(value.isoformat(" ", "minutes"))  # strftime's "%Y-%m-%d %H:%M", a fifth of the time
        else:
            add(csv_safe(value))
    return cells


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_safe_row(header))
    for row in rows:
        writer.writerow(csv_safe_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    sheet_title: str, header: Sequence, rows: Iterable[Sequence], widths: Sequence[int] | None = None
) -> bytes:
    """One sheet with a bold, frozen header row; naive datetimes become Excel dates."""
    output = io.BytesIO()
    with StreamingWorkbook(output) as book:
        sheet = book.add_sheet(sheet_title[:31], header=header, widths=widths)
        for row in rows:
            sheet.append(row)
    return output.getvalue()


def table_file(
    fmt: str, sheet_title: str, header: Sequence, rows: Iterable[Sequence], widths: Sequence[int] | None = None
) -> bytes:
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt == "xlsx":
        return xlsx_bytes(sheet_title, header, rows, widths)
    raise ValueError(f"unknown export format {fmt!r}")


def tables_file(fmt: str, tables: Sequence[tuple[str, Sequence, Iterable[Sequence]]]) -> bytes:
    """Several (title, header, rows) tables: one sheet each in XLSX; one after another in CSV, each
    under its title and apart by an empty line."""
    if fmt == "xlsx":
        output = io.BytesIO()
        with StreamingWorkbook(output) as book:
            sheets = [(book.add_sheet(title[:31], header=header), rows) for title, header, rows in tables]
            for sheet, rows in sheets:
                for row in rows:
                    sheet.append(row)
        return output.getvalue()
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, (title, header, rows) in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow(csv_safe_row([title]))
        writer.writerow(csv_safe_row(header))
        for row in rows:
            writer.writerow(csv_safe_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def download(content: bytes, fmt: str, filename: str) -> Response:
    """The file as an attachment that no browser or proxy keeps: exports hold personal or business data."""
    return Response(
        content,
        mimetype=MIMETYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def send_stored(folder, path: str, fmt: str, filename: str) -> Response:
    """A file written earlier (a compiled report) streamed from storage, as ``download`` sends one."""
    response = send_from_directory(
        folder, path, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=filename, max_age=0
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
