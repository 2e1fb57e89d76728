"""Big tabular XLSX sheets streamed to disk as SpreadsheetML: 1 µs a cell with deflate, where openpyxl's write-only mode takes 7.

What it writes: sheets of rows of text (inline strings, so never a formula), numbers, booleans, dates
and datetimes (serial numbers with a date format), optionally a bold, frozen header row and column
widths; nothing else (no formulas, merged cells or shared strings). Sheets are written one after
another, each row straight into its deflated zip entry, so memory stays flat whatever the rows.
Small workbooks with more features (the catalogue import template, registrant lists) stay on openpyxl.

Measured on the 100,000-lead order-lead report's detail sheet (1.6 million cells, 2 vCPU): openpyxl's
write-only mode 7 µs a cell (a cell object and an lxml element each: 10 to 12 s), XlsxWriter's
constant_memory mode 10 µs (20 s of CPU for the whole report; bench/README.md, measured again on
6 Dec 2026); here 0.5 µs to build the XML and as much again to deflate it at zlib's default level
(level 4 would save 0.4 s for a file 8 % bigger). tests/unit/test_spreadsheets.py compares the
cells with XlsxWriter's.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from os import PathLike
from typing import IO

# Excel refuses (and openpyxl raises on) a cell of more than 32,767 characters, counted in UTF-16.
MAX_CELL_CHARS = 32767
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
_EPOCH = datetime(1899, 12, 30)
_FIRST_DAY = datetime(1900, 1, 1)
_NO_LEAP_BUG = datetime(1900, 3, 1)  # Excel counts 29 February 1900, which was not: serials after it are plain
_BUFFER_CHARS = 1 << 18  # XML gathered before each write to the zip entry
_CACHED_TEXTS = 50_000  # distinct texts a sheet remembers the XML of

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Anything a string needs beyond being copied: XML's three specials, what XML 1.0 forbids (C0
# controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF), a carriage return (a parser would
# read it as a newline) and text Excel would read as its own _xHHHH_ escape.
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_INVALID_TITLE = re.compile(r"[\[\]:*?/\\]")
_SPACES = " \t\n\r"  # at either end of a text, kept only with xml:space="preserve"

# Cell formats, the xf indexes of styles.xml: plain (0), datetime (2), date (4); each plus one is bold.
_DATETIME, _DATE = 2, 4
_BOLD = 1
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/>\
<family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _attribute(text: str) -> str:
    return (
        _FORBIDDEN.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def cell_text(text: str) -> str:
    """A string as a cell's inline text: truncated to Excel's limit, forbidden characters removed,
    escaped for XML and for Excel's own _xHHHH_ escapes."""
    if len(text) > MAX_CELL_CHARS // 2:
        text = text.encode("utf-16-le")[: MAX_CELL_CHARS * 2].decode("utf-16-le", errors="ignore")
    if _SPECIAL.search(text) is None:
        return text
    text = _FORBIDDEN.sub("", text)
    text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def excel_serial(value: datetime | date) -> float | int:
    """Days since Excel's epoch (1899-12-30), with its 1900 leap-year bug, as openpyxl counts them."""
    if not isinstance(value, datetime):
        days = (value - _EPOCH.date()).days
        return days - 1 if 0 < days <= 60 else days
    delta = value - _EPOCH
    days = delta.days - 1 if 0 < delta.days <= 60 else delta.days
    return days + (delta.seconds + delta.microseconds / 1e6) / 86400


def _text_tail(text: str) -> str:
    """A text cell after its reference and style (a blank cell if nothing writable is left)."""
    escaped = cell_text(text)
    if not escaped:
        return "/>"
    ends = escaped[0] + escaped[-1]
    space = (
        ' xml:space="preserve"'
        if (ends[0] in _SPACES or ends[1] in _SPACES or escaped.startswith("&#13;") or escaped.endswith("&#13;"))
        else ""
    )
    return f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _cell(reference: str, value, bold: int) -> str:
    """Any cell the row loop does not write itself."""
    style = f' s="{bold}"' if bold else ""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{reference}"{style}><v>{int(value)}</v></c>'
    if isinstance(value, float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:  # Excel has no NaN or infinity: the text says what it was
            return f'<c r="{reference}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
        number = repr(float(value)) if isinstance(value, float) else str(value)
        return f'<c r="{reference}"{style}><v>{number}</v></c>'
    if isinstance(value, date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            raise TypeError("Excel has no time zones: give the local time without tzinfo")
        if value < (_FIRST_DAY if isinstance(value, datetime) else _FIRST_DAY.date()):
            # Before 1900 Excel has no dates: the ISO text, then.
            return f'<c r="{reference}"{style} t="inlineStr"><is><t>{value.isoformat()}</t></is></c>'
        number_format = _DATETIME if isinstance(value, datetime) else _DATE
        return f'<c r="{reference}" s="{number_format + bold}"><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, str):
        return f'<c r="{reference}"{style}{_text_tail(str(value))}'
    raise TypeError(f"cannot write a {type(value).__name__} to a spreadsheet cell")


class Sheet:
    """One worksheet: declare it on the workbook, then append its rows (after its header, if any)."""

    def __init__(
        self,
        book: StreamingWorkbook,
        number: int,
        title: str,
        header: Sequence | None,
        widths: Sequence[float | None] | None,
    ):
        self.book, self.number, self.title = book, number, title
        self.header, self.widths = header, widths
        self.rows = 0
        self.width = len(header) if header else 0
        self._letters = [column_letter(index) for index in range(1, max(self.width, 64) + 1)]
        self._entry: IO[bytes] | None = None
        self._buffer: list[str] = []
        self._buffered = 0
        self._texts: dict[str, str] = {}  # a text's cell after its reference: labels, names and units repeat
        self.finished = False

    @property
    def part(self) -> str:
        return f"xl/worksheets/sheet{self.number}.xml"

    def append(self, values: Sequence, *, bold: bool = False) -> None:
        """One row; None and "" are empty cells. Text is never a formula."""
        if self._entry is None:
            self.book._start(self)
        elif self.finished:
            raise ValueError(f"sheet {self.title!r} is finished: write each sheet in one go")
        self._write_row(values, _BOLD if bold else 0)

    def _write_row(self, values: Sequence, bold: int) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows in sheet {self.title!r}")
        number = str(self.rows)
        letters = self._letters
        if len(values) > len(letters):
            if len(values) > MAX_COLUMNS:
                raise ValueError(f"more than {MAX_COLUMNS} columns")
            letters.extend(column_letter(index) for index in range(len(letters) + 1, len(values) + 1))
        style = ' s="1"' if bold else ""
        parts = [f'<row r="{number}">']
        add = parts.append
        texts = self._texts
        # The common types inline (this loop is the writer's whole cost); the rest in _cell.
        for letter, value in zip(letters, values):
            kind = type(value)
            if kind is str:
                if value:
                    tail = texts.get(value)
                    if tail is None:
                        tail = _text_tail(value)
                        if len(texts) < _CACHED_TEXTS:
                            texts[value] = tail
                    add(f'<c r="{letter}{number}"{style}{tail}')
            elif value is None:
                continue
            elif kind is int:
                add(f'<c r="{letter}{number}"{style}><v>{value}</v></c>')
            elif kind is float and value - value == 0:  # finite
                add(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
            elif kind is datetime and value.tzinfo is None and value >= _NO_LEAP_BUG:
                delta = value - _EPOCH  # excel_serial's sum, where Excel's calendar is right
                serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
                add(f'<c r="{letter}{number}" s="{_DATETIME + bold}"><v>{serial!r}</v></c>')
            else:
                add(_cell(f"{letter}{number}", value, bold))
        width = self.width
        if width and len(values) <= width and (len(values) < width or values[-1] is None or values[-1] == ""):
            # A blank cell in the header's last column: readers that size rows by their last cell
            # (openpyxl's read-only mode, without a dimension) see every row as wide as the header.
            add(f'<c r="{letters[width - 1]}{number}"/>')
        add("</row>")
        row = "".join(parts)
        self._buffer.append(row)
        self._buffered += len(row)
        if self._buffered >= _BUFFER_CHARS:
            self._flush()

    def _open(self, entry: IO[bytes]) -> None:
        self._entry = entry
        views = ""
        if self.header is not None:
            views = (
                '<sheetViews><sheetView workbookViewId="0"{selected}><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
                'sqref="A2"/></sheetView></sheetViews>'
            )
        elif self.number == 1:
            views = '<sheetViews><sheetView workbookViewId="0"{selected}/></sheetViews>'
        views = views.format(selected=' tabSelected="1"' if self.number == 1 else "")
        columns = ""
        if self.widths:
            columns = (
                "<cols>"
                + "".join(
                    f'<col min="{index}" max="{index}" width="{float(width):g}" customWidth="1"/>'
                    for index, width in enumerate(self.widths, 1)
                    if width
                )
                + "</cols>"
            )
            if columns == "<cols></cols>":
                columns = ""
        self._buffer.append(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">{views}'
            f'<sheetFormatPr defaultRowHeight="15"/>{columns}<sheetData>'
        )
        if self.header is not None:
            self._write_row(self.header, _BOLD)

    def _flush(self) -> None:
        if self._buffer:
            self._entry.write("".join(self._buffer).encode("utf-8"))
            self._buffer.clear()
            self._buffered = 0

    def _finish(self) -> None:
        if self._entry is None or self.finished:
            return
        self._buffer.append("</sheetData></worksheet>")
        self._flush()
        self._entry.close()
        self.finished = True


class StreamingWorkbook:
    """An XLSX file written as it goes: declare every sheet first, then fill them one after another.

        with StreamingWorkbook(path) as book:
            summary = book.add_sheet("Summary")
            detail = book.add_sheet("Leads", header=["Reference", ...], widths=[12, ...])
            for row in rows:
                detail.append(row)
            summary.append(["Leads", 4])     # finishes the detail sheet: it cannot be appended to again

    On an error inside the block the file is closed as it stands, unfinished: write it beside its
    final name and rename it when the block ends without one.
    """

    def __init__(self, file: str | PathLike | IO[bytes], *, compresslevel: int = 6):
        self._zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.sheets: list[Sheet] = []
        self._current: Sheet | None = None
        self._started = False
        self._closed = False

    def add_sheet(
        self, title: str, *, header: Sequence | None = None, widths: Sequence[float | None] | None = None
    ) -> Sheet:
        """A new sheet (a tab, in the order added). ``header`` is written first, bold, and stays in view."""
        if self._started:
            raise ValueError("declare every sheet before writing rows")
        if not title or len(title) > 31 or _INVALID_TITLE.search(title) or title.startswith("'") or title.endswith("'"):
            raise ValueError(f"{title!r} cannot name a sheet: 1 to 31 characters, none of []:*?/\\")
        if any(sheet.title.casefold() == title.casefold() for sheet in self.sheets):
            raise ValueError(f"there is already a sheet called {title!r}")
        sheet = Sheet(self, len(self.sheets) + 1, title, header, widths)
        self.sheets.append(sheet)
        return sheet

    def _start(self, sheet: Sheet) -> None:
        if self._closed:
            raise ValueError("this workbook is closed")
        if sheet.finished:
            raise ValueError(f"sheet {sheet.title!r} is finished: write each sheet in one go")
        if not self._started:
            self._started = True
            self._write_package_parts()
        if self._current is not None:
            self._current._finish()
        self._current = sheet
        sheet._open(self._zip.open(sheet.part, "w"))

    def _write_package_parts(self) -> None:
        if not self.sheets:
            raise ValueError("a workbook needs at least one sheet")
        overrides = "".join(
            f'<Override PartName="/{sheet.part}" ContentType="{_CT}.worksheet+xml"/>' for sheet in self.sheets
        )
        self._write(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{overrides}</Types>',
        )
        self._write(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{_attribute(sheet.title)}" sheetId="{sheet.number}" r:id="rId{sheet.number}"/>'
            for sheet in self.sheets
        )
        self._write(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{sheet.number}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{sheet.number}.xml"/>'
            for sheet in self.sheets
        )
        self._write(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG_REL}">{relations}<Relationship Id="rId{len(self.sheets) + 1}" '
            f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        )
        self._zip.writestr("xl/styles.xml", _STYLES)

    def _write(self, name: str, xml: str) -> None:
        self._zip.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)

    def close(self) -> None:
        """Finish every sheet (one never written is left empty) and the zip file."""
        if self._closed:
            return
        if not self._started:
            self._started = True
            self._write_package_parts()
        for sheet in self.sheets:
            if not sheet.finished:
                if sheet._entry is None:
                    self._start(sheet)
                sheet._finish()
        self._closed = True
        self._zip.close()

    def abandon(self) -> None:
        """Close the file as it stands, after an error: not a workbook, to be deleted."""
        if self._closed:
            return
        self._closed = True
        # Errors closing a broken file are dropped: the error that broke it is the one to report.
        try:
            if self._current is not None and not self._current.finished:
                self._current._entry.close()
        except (OSError, ValueError, zipfile.error):
            pass
        try:
            self._zip.close()
        except (OSError, ValueError, zipfile.error):
            pass

    def __enter__(self) -> StreamingWorkbook:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()
