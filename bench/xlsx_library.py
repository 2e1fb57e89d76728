"""expo.spreadsheets.StreamingWorkbook's interface on XlsxWriter, for the report benchmark to measure the kept way.

XlsxWriter done as well as it goes for a big report: ``constant_memory`` mode (each row goes to
disk as it is written; memory stays flat), no guessing of what a string is (never a formula,
number or URL), the formats made once, and each value written by its type's own method rather
than ``write()``'s dispatch. ``bench order_leads_report --xlsx library`` compiles the report
with it; tests/unit/test_spreadsheets.py holds the two writers to the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from os import PathLike

import xlsxwriter

_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "use_zip64": True,
}


class XlsxWriterSheet:
    def __init__(
        self, book: XlsxWriterWorkbook, title: str, header: Sequence | None, widths: Sequence[float | None] | None
    ):
        self.book = book
        self.worksheet = book.workbook.add_worksheet(title)
        self.rows = 0
        for index, width in enumerate(widths or ()):
            if width:
                self.worksheet.set_column(index, index, width)
        if header is not None:
            self.worksheet.freeze_panes(1, 0)
            self.append(header, bold=True)

    def append(self, values: Sequence, *, bold: bool = False) -> None:
        sheet, row, formats = self.worksheet, self.rows, self.book.formats[bold]
        write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
        for column, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    write_string(row, column, value, formats["text"])
            elif value is None:
                continue
            elif kind is int or kind is float or kind is Decimal:
                write_number(row, column, value, formats["text"])
            elif kind is datetime:
                write_datetime(row, column, value, formats["datetime"])
            elif kind is date:
                write_datetime(row, column, value, formats["date"])
            elif kind is bool:
                sheet.write_boolean(row, column, value, formats["text"])
            else:
                write_string(row, column, str(value), formats["text"])
        self.rows += 1


class XlsxWriterWorkbook:
    def __init__(self, file: str | PathLike):
        self.workbook = xlsxwriter.Workbook(str(file), _OPTIONS)
        add = self.workbook.add_format
        self.formats = {
            bold: {
                "text": add({"bold": True}) if bold else None,
                "datetime": add({"num_format": "yyyy-mm-dd h:mm:ss", "bold": bold}),
                "date": add({"num_format": "yyyy-mm-dd", "bold": bold}),
            }
            for bold in (False, True)
        }

    def add_sheet(
        self, title: str, *, header: Sequence | None = None, widths: Sequence[float | None] | None = None
    ) -> XlsxWriterSheet:
        return XlsxWriterSheet(self, title, header, widths)

    def close(self) -> None:
        self.workbook.close()

    def abandon(self) -> None:
        try:
            self.workbook.close()
        except Exception:  # noqa: BLE001 - the error that broke the report is the one to report
            pass
