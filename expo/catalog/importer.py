"""Bulk import of a booth's products from a CSV or XLSX file, and the blank templates to fill in.

The file is read whole and checked first: something that is not a CSV or XLSX file (by its content,
not its name), an empty file, unknown or missing columns, or too many rows refuse the file and
nothing is saved. Then every row is checked on its own: good rows are saved, bad rows are refused
with a reason for each cell at fault, and the report says which was which.

A row updates the booth's product with the same name (ignoring case and spacing) or, failing
that, the one whose address the name gives; otherwise it creates a product at the end of the
catalogue. A row sets every column the file has (an empty cell clears an optional value);
columns the file leaves out keep their current values. Images are not imported.

Everything is done in bulk: one query for the booth's products, one for the categories, one
flush for every change, so a few thousand rows take seconds, not minutes.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import NamedTuple

from babel.numbers import format_decimal
from defusedxml import DefusedXmlException
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog import values
from expo.catalog.models import Product, ProductCategory
from expo.catalog.services import (
    MAX_NAME_LENGTH,
    ProductData,
    apply_product_data,
    flush_catalogue,
    lock_booth,
    next_position,
    product_problems,
    unique_slug,
)
from expo.content_languages import DEFAULT_SOURCE_LANGUAGE, content_languages, language_name
from expo.exhibitors.services import company_slug
from expo.extensions import db
from expo.i18n import LANGUAGES
from expo.lib.rules import RuleBroken
from expo.lib.text import MAX_MARKDOWN_LENGTH, render_markdown
from expo.permissions import can_edit_booth, ensure
from expo.uploads import describe_size

MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
# An XLSX file is a ZIP archive: what it unpacks to is bounded too (a small file can hold gigabytes).
# The sizes are the archive's own: Python's zipfile never unpacks a part past the size it declares.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Spreadsheet XML packs some 5 to 30 times; a part packed much tighter is a zip bomb (a sheet of
# one repeated character), refused before any XML is parsed.
MAX_PACKING_RATIO = 100
PACKING_RATIO_FROM_BYTES = 5 * 1024 * 1024
# Spreadsheets often carry thousands of formatted but empty rows below the data; reading stops
# (and refuses the file) only past this many rows in all.
MAX_SCANNED_ROWS = 100_000
SHEET_NAME = "Products"

# The columns, in the templates' order. The names are the same in every language, so a file
# filled in by a Chinese team imports for a Thai colleague.
COLUMNS = (
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
)
REQUIRED_COLUMNS = ("name",)
# The language the plain columns (name, description, specifications) are written in; English when
# the column or the cell is empty. A product already in the catalogue keeps its language.
SOURCE_LANGUAGE_COLUMN = "source_language"
# The same texts in other languages: one column per field and language, "name_zh", "description_vi".
TRANSLATED_COLUMNS = ("name", "description", "specifications")
LANGUAGE_COLUMN = re.compile(r"^(name|description|specifications)_([a-z]{2,3}(?:_[a-z0-9]+)?)$")
COLUMN_ALIASES = {
    "product": "name",
    "product_name": "name",
    "min_order_quantity": "min_order",
    "moq": "min_order",
    "minimum_order": "min_order",
    "order_unit": "unit",
    "min_price": "price_min",
    "max_price": "price_max",
    "hs": "hs_code",
    "hscode": "hs_code",
    "specs": "specifications",
}
# Which ProductData field each column fills, so the rules' reasons land on the right cell.
FIELD_COLUMNS = {
    "name": "name",
    "category_id": "category",
    "description": "description",
    "specifications": "specifications",
    "min_order_quantity": "min_order",
    "order_unit": "unit",
    "price_min": "price_min",
    "price_max": "price_max",
    "currency": "currency",
    "hs_code": "hs_code",
    "availability": "availability",
}

COLUMN_HELP = {
    "name": _l("Required. The product's name; a row whose name matches a product of your booth updates it."),
    "category": _l("The category's short name (for example masks-respirators) or its name as listed below."),
    "description": _l("Plain text or Markdown."),
    "min_order": _l("A whole number, for example 200."),
    "unit": _l(
        "piece, pair, set, dozen, box, carton, pack, bag, bottle, roll, pallet, kg, tonne, litre, metre, "
        "square metre, 20-foot container, 40-foot container, or a unit of your own."
    ),
    "price_min": _l("Lowest indicative price per unit, for example 2.50."),
    "price_max": _l("Highest indicative price per unit, at least the lowest."),
    "currency": _l("ISO 4217 code such as USD, CNY, THB or VND; USD when empty."),
    "hs_code": _l("6 to 10 digits; dots and spaces are fine (4015.19)."),
    "availability": _l("in_stock, made_to_order, pre_order or out_of_stock; in stock when empty."),
    "specifications": _l("Name: value pairs separated by semicolons, for example “Material: Nitrile; Size: S, M, L”."),
    SOURCE_LANGUAGE_COLUMN: _l(
        "The language of the name, description and specifications columns, as a code: "
        "%(codes)s. English (en) when empty. A product already in your catalogue keeps "
        "its language (change it on the product's translations page)."
    ),
}
LANGUAGE_COLUMN_HELP = {
    "name": _l("The name in %(language)s."),
    "description": _l("The description in %(language)s: plain text or Markdown."),
    "specifications": _l("The specifications in %(language)s, written like the specifications column."),
}


def load_workbook(*args, **kwargs):
    """openpyxl's, imported when a workbook is first read: openpyxl (with numpy) is 30 MB that a web
    process serving pages never needs."""
    from openpyxl import load_workbook as load

    return load(*args, **kwargs)


def template_columns() -> tuple[str, ...]:
    """Every column a file may have, in the templates' order: the product's own columns, its language,
    then the name, description and specifications in each other shipped language."""
    others = [code for code in content_languages() if code != DEFAULT_SOURCE_LANGUAGE]
    return (
        *COLUMNS,
        SOURCE_LANGUAGE_COLUMN,
        *(f"{field_name}_{code}" for code in others for field_name in TRANSLATED_COLUMNS),
    )


def column_help(column: str) -> str:
    """What to write in ``column``, in the viewer's language."""
    if column == SOURCE_LANGUAGE_COLUMN:
        return str(COLUMN_HELP[column]) % {"codes": ", ".join(content_languages())}
    match = LANGUAGE_COLUMN.match(column)
    if match:
        field_name, code = match.groups()
        return str(LANGUAGE_COLUMN_HELP[field_name]) % {"language": f"{language_name(code)} ({code})"}
    return str(COLUMN_HELP[column])


# Encodings Excel on Windows saves "CSV" in, by the language of the installation. A file that is
# not valid UTF-8 is read in the one the team chooses.
LEGACY_ENCODINGS = {
    "gb18030": _l("Chinese, simplified (GB18030 / GBK)"),
    "big5": _l("Chinese, traditional (Big5)"),
    "cp874": _l("Thai (Windows-874)"),
    "cp1258": _l("Vietnamese (Windows-1258)"),
    "cp1252": _l("English, Malay, Indonesian, Filipino (Windows-1252)"),
}


def _number(value: int) -> str:
    return format_decimal(value, locale=str(get_locale() or "en"))


# The code page Excel on Windows uses for "CSV" in each interface language; cp1252 for the others.
_LEGACY_ENCODING_OF_LANGUAGE = {"zh": "gb18030", "th": "cp874", "vi": "cp1258"}


def default_legacy_encoding(locale: str) -> str:
    return _LEGACY_ENCODING_OF_LANGUAGE.get(locale.split("_")[0].split("-")[0], "cp1252")


class ImportRefused(RuleBroken):
    """The file as a whole cannot be imported; nothing was saved."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message, "file")
        self.status = status


@dataclass
class RowResult:
    """One data row of the file: its number as the spreadsheet shows it, and what became of it."""

    CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"

    number: int
    name: str
    outcome: str = ""
    # column -> reason, and column -> the cell as the file has it, for a refused row
    problems: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    # The saved product's address, kept here because committing expires the product itself.
    slug: str = ""

    @property
    def saved(self) -> bool:
        return self.outcome != self.REFUSED


@dataclass
class ImportReport:
    rows: list[RowResult]
    columns: list[str]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def saved(self) -> list[RowResult]:
        return [row for row in self.rows if row.saved]

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if not row.saved]


# --- reading the file -----------------------------------------------------------------------------


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _declares_xml_entities(error: BaseException | None) -> bool:
    """Whether defusedxml (which openpyxl parses with when it is installed) refused a DTD or entities."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _unreadable_xlsx(error: Exception) -> ImportRefused:
    if _declares_xml_entities(error):
        # Entity declarations expand a few bytes into gigabytes ("billion laughs"); no spreadsheet
        # program writes them, so the file is refused whatever they say.
        return ImportRefused(
            _(
                "This XLSX file declares XML entities, which spreadsheet programs never write, so it "
                "is refused. Open it in your spreadsheet program and save it again, or save it as "
                "CSV."
            )
        )
    return ImportRefused(
        _(
            "This XLSX file cannot be read; it may be damaged. Open it in your spreadsheet "
            "program and save it again, or save it as CSV."
        )
    )


def _rows_of_xlsx(data: bytes) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        raise _unreadable_xlsx(exc) from None
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        # Read-only sheets are parsed row by row: a damaged or hostile part fails here, not above.
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - the XML parser and openpyxl raise many kinds
                raise _unreadable_xlsx(exc) from None
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _decode_csv(data: bytes, legacy_encoding: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")  # Excel's "Unicode text"
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode(legacy_encoding)
            except (UnicodeDecodeError, LookupError):
                raise ImportRefused(
                    _(
                        "This file is neither UTF-8 nor %(encoding)s text. Save it as “CSV UTF-8” "
                        "or as XLSX and upload it again.",
                        encoding=LEGACY_ENCODINGS.get(legacy_encoding, legacy_encoding),
                    )
                ) from None
    if any(ord(char) < 32 and char not in "\t\r\n\f" for char in text[:100_000]):
        raise ImportRefused(
            _("This file is not a CSV or XLSX file. Save your spreadsheet as XLSX or CSV and upload that.")
        )
    return unicodedata.normalize("NFC", text)


def _delimiter(first_line: str) -> str:
    """Excel writes commas, or semicolons where the comma is the decimal mark; "Unicode text" uses tabs."""
    return max((",", ";", "\t"), key=first_line.count)


def _rows_of_csv(data: bytes, legacy_encoding: str) -> Iterator[list[str]]:
    text = _decode_csv(data, legacy_encoding)
    first_line = text.split("\n", 1)[0]
    lines = io.StringIO(text, newline="")
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter = first_line.strip()[4]  # Excel's own hint line
        lines.readline()
        yield []  # the hint line is row 1 in the spreadsheet
    else:
        delimiter = _delimiter(first_line)
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise ImportRefused(_("This CSV file cannot be read: %(reason)s.", reason=str(exc))) from None


def read_rows(data: bytes, legacy_encoding: str = "cp1252") -> Iterator[list[str]]:
    """The file's rows as lists of text, whatever its kind; the kind is told by its content."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        try:
            members = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except zipfile.BadZipFile:
            raise ImportRefused(
                _(
                    "This file looks like an XLSX workbook but cannot be read; it may be damaged or "
                    "cut short. Save it again from your spreadsheet program, or as CSV."
                )
            ) from None
        if "xl/workbook.xml" not in {member.filename for member in members}:
            raise ImportRefused(
                _(
                    "This file is not a CSV or XLSX file. An OpenDocument or other spreadsheet can "
                    "be saved as XLSX or CSV from its program."
                )
            )
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise ImportRefused(
                _(
                    "This workbook holds more data than an import of %(max)s products needs. Keep only "
                    "the Products sheet, or split the file.",
                    max=_number(MAX_ROWS),
                ),
                413,
            )
        for member in members:
            if member.file_size > PACKING_RATIO_FROM_BYTES and member.file_size > MAX_PACKING_RATIO * max(
                member.compress_size, 1
            ):
                raise ImportRefused(
                    _(
                        "This workbook unpacks to far more than a spreadsheet does (%(unpacked)s from "
                        "%(packed)s in %(part)s), so it is refused. Save it again from your spreadsheet "
                        "program, or as CSV.",
                        unpacked=describe_size(member.file_size),
                        packed=describe_size(member.compress_size),
                        part=member.filename,
                    ),
                    413,
                )
        return _rows_of_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _("This is an old Excel workbook (.xls). Save it as XLSX (Excel Workbook) or CSV and upload that.")
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(
            _("This file is not a CSV or XLSX file. Save your spreadsheet as XLSX or CSV and upload that.")
        )
    return _rows_of_csv(data, legacy_encoding)


def _column_key(header: str) -> str:
    key = "_".join(unicodedata.normalize("NFKC", header).casefold().replace("-", " ").split())
    return COLUMN_ALIASES.get(key, key)


class ImportTable(NamedTuple):
    """What read_table found: the columns the header names, and each non-empty data row with its number."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(data: bytes, legacy_encoding: str = "cp1252") -> ImportTable:
    """The columns the header names, and each non-empty data row with its spreadsheet row number.

    Reading a large workbook is the slow part of an import: a request calls this with no
    transaction open (expo.transactions.end_read_transaction) and passes the table to import_products.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            _(
                "The file is larger than %(size)s MB. Split it into smaller files.",
                size=MAX_FILE_BYTES // (1024 * 1024),
            ),
            413,
        )
    rows = read_rows(data, legacy_encoding)
    header: list[str] | None = None
    header_number = 0
    table: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(rows, 1):
        if number > MAX_SCANNED_ROWS:
            raise ImportRefused(
                _(
                    "The file has more than %(max)s rows. Import at most %(products)s products at a time.",
                    max=_number(MAX_SCANNED_ROWS),
                    products=_number(MAX_ROWS),
                ),
                413,
            )
        if not any(cells):
            continue
        if header is None:
            header, header_number = [_column_key(cell) for cell in cells], number
            _check_header(header)
            continue
        if len(table) == MAX_ROWS:
            raise ImportRefused(
                _(
                    "The file has more than %(max)s products. Split it into files of at most %(max)s rows.",
                    max=_number(MAX_ROWS),
                ),
                413,
            )
        row = {}
        for index, cell in enumerate(cells):
            if index < len(header) and header[index]:
                row[header[index]] = cell
            elif cell:
                raise ImportRefused(
                    _(
                        "Row %(row)s has a value in a column without a name (column %(column)s). "
                        "Give the column a name from the template or remove the value.",
                        row=number,
                        column=index + 1,
                    )
                )
        table.append((number, row))
    if header is None:
        raise ImportRefused(_("The file is empty."))
    if not table:
        raise ImportRefused(_("The file has a header row (row %(row)s) but no products below it.", row=header_number))
    return ImportTable([column for column in header if column], table)


def _check_header(header: list[str]) -> None:
    named = [column for column in header if column]
    unknown = [
        column
        for column in named
        if column not in COLUMNS and column != SOURCE_LANGUAGE_COLUMN and not LANGUAGE_COLUMN.match(column)
    ]
    if unknown:
        raise ImportRefused(
            _(
                "Unknown column: %(unknown)s. The columns are: %(columns)s.",
                unknown=", ".join(unknown),
                columns=", ".join(template_columns()),
            )
        )
    repeated = sorted({column for column in named if named.count(column) > 1})
    if repeated:
        raise ImportRefused(_("The column %(columns)s appears more than once.", columns=", ".join(repeated)))
    missing = [column for column in REQUIRED_COLUMNS if column not in named]
    if missing:
        raise ImportRefused(
            _(
                "The first row must name the columns, and the column %(columns)s is missing. Start from the template.",
                columns=", ".join(missing),
            )
        )


# --- values of a row ------------------------------------------------------------------------------


class Vocabulary:
    """The words a file may use for categories, units and availability, in every site language."""

    def __init__(self):
        self.categories: dict[str, int] = {}
        # Held for the whole import: the search-text listener then finds every category (and its parent)
        # in the session's identity map instead of querying once per product.
        self.loaded_categories = list(db.session.scalars(select(ProductCategory)))
        names = {}
        for language in LANGUAGES:
            with force_locale(language):
                names[language] = {category.id: _(category.name) for category in self.loaded_categories}
        for category in self.loaded_categories:
            self.categories.setdefault(self._key(category.slug), category.id)
            self.categories.setdefault(self._key(category.name), category.id)
            for language in LANGUAGES:
                self.categories.setdefault(self._key(names[language][category.id]), category.id)
        self.units = values.unit_lookup(list(LANGUAGES))
        self.availability: dict[str, str] = {}
        for code in tuple(Product.Availability):
            self.availability[self._key(code)] = code
            for language in LANGUAGES:
                with force_locale(language):
                    self.availability.setdefault(self._key(code.label), code)

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("_", " ").replace("-", " ").split())

    def category(self, text: str) -> int | None:
        if not text:
            return None
        # "Medical supplies > Masks and respirators": the last step of a path names the category.
        for separator in ("›", ">", "/"):
            if separator in text:
                text = text.rsplit(separator, 1)[1]
        found = self.categories.get(self._key(text))
        if found is None:
            raise values.InvalidValue(
                _(
                    "“%(category)s” is not a category of the site. Use a short name or a name "
                    "from the list of categories.",
                    category=text.strip(),
                )
            )
        return found

    def availability_of(self, text: str) -> str:
        if not text:
            return Product.Availability.IN_STOCK
        found = self.availability.get(self._key(text))
        if found is None:
            raise values.InvalidValue(_("Use in_stock, made_to_order, pre_order or out_of_stock."))
        return found


def _parse_row(row: dict[str, str], start: ProductData, vocabulary: Vocabulary) -> tuple[ProductData, dict[str, str]]:
    """The row's values over ``start`` (the product it updates, or the defaults), and each cell's problem."""
    problems: dict[str, str] = {}
    changes: dict[str, object] = {}

    def take(column: str, field_name: str, parse) -> None:
        if column not in row:
            return
        try:
            changes[field_name] = parse(row[column])
        except values.InvalidValue as exc:
            problems[column] = str(exc)

    take("name", "name", lambda text: " ".join(text.split()))
    take("category", "category_id", vocabulary.category)
    take("description", "description", lambda text: text)
    take("min_order", "min_order_quantity", values.parse_quantity)
    take("unit", "order_unit", lambda text: values.parse_unit(text, vocabulary.units))
    take("price_min", "price_min", values.parse_price)
    take("price_max", "price_max", values.parse_price)
    take("currency", "currency", values.parse_currency)
    take("hs_code", "hs_code", values.parse_hs_code)
    take("availability", "availability", vocabulary.availability_of)
    take("specifications", "specifications", lambda text: values.parse_specifications(text, item_separator=";"))
    if len(row.get("description", "")) > MAX_MARKDOWN_LENGTH:
        problems["description"] = _("The description has at most %(max)s characters.", max=MAX_MARKDOWN_LENGTH)
    data = replace(start, **changes)
    for field_name, message in product_problems(data).items():
        problems.setdefault(FIELD_COLUMNS[field_name], message)
    return data, problems


def _row_languages(row: dict[str, str], product: Product | None) -> tuple[str, dict[str, dict], dict[str, str]]:
    """The row's source language, the product's translations with the row's language columns applied
    (an empty cell clears that text), and each cell's problem."""
    problems: dict[str, str] = {}
    current = (product.source_language or DEFAULT_SOURCE_LANGUAGE) if product is not None else None
    source = (
        row.get(SOURCE_LANGUAGE_COLUMN, "").strip().casefold().replace("-", "_") or current or DEFAULT_SOURCE_LANGUAGE
    )
    shipped = content_languages()
    if source not in shipped:
        problems[SOURCE_LANGUAGE_COLUMN] = _(
            "“%(code)s” is not a language of the site. Use one of: %(codes)s.", code=source, codes=", ".join(shipped)
        )
        source = current or DEFAULT_SOURCE_LANGUAGE
    elif current is not None and source != current:
        problems[SOURCE_LANGUAGE_COLUMN] = _(
            "This product is written in %(current)s (%(code)s). Leave the cell empty, or change the product's "
            "language on its translations page.",
            current=language_name(current),
            code=current,
        )
    translations = {code: dict(texts) for code, texts in ((product.translations or {}) if product else {}).items()}
    for column, cell in row.items():
        match = LANGUAGE_COLUMN.match(column)
        if not match:
            continue
        field_name, code = match.groups()
        text = cell.strip()
        if code not in shipped:
            if text:
                problems[column] = _(
                    "“%(code)s” is not a language of the site, so %(column)s cannot be imported. "
                    "Name the column after one of: %(codes)s.",
                    code=code,
                    column=column,
                    codes=", ".join(shipped),
                )
            continue
        if code == source:
            if text:
                problems[column] = _(
                    "The row is written in %(language)s: put this text in the %(field)s column.",
                    language=language_name(code),
                    field=field_name,
                )
            continue
        texts = translations.setdefault(code, {})
        if field_name == "name":
            value = " ".join(text.split())
            if len(value) > MAX_NAME_LENGTH:
                problems[column] = _("A name has at most %(max)s characters.", max=MAX_NAME_LENGTH)
            texts["name"] = value
        elif field_name == "description":
            if len(text) > MAX_MARKDOWN_LENGTH:
                problems[column] = _("The description has at most %(max)s characters.", max=MAX_MARKDOWN_LENGTH)
            elif texts.get("description") != text or not texts.get("description_html"):
                texts["description_html"] = render_markdown(text) if text else ""
            texts["description"] = text
        else:
            try:
                pairs = values.parse_specifications(text, item_separator=";")
                values.check_specifications(pairs)
            except values.InvalidValue as exc:
                problems[column] = str(exc)
                pairs = []
            texts["specifications"] = pairs
    kept = {}
    for code, texts in translations.items():
        filled = {key: value for key, value in texts.items() if value}
        if any(filled.get(name) for name in TRANSLATED_COLUMNS):
            kept[code] = filled
    return source, kept, problems


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# --- importing ------------------------------------------------------------------------------------


def import_products(
    actor: User, booth: Booth, data: bytes | ImportTable, *, legacy_encoding: str = "cp1252"
) -> ImportReport:
    """Save the good rows of the file (or of the table read_table made of it) into the booth's
    catalogue and say what became of every row.

    Raises ImportRefused, with nothing saved, when the file as a whole cannot be imported.
    """
    ensure(can_edit_booth(actor, booth))
    columns, table = data if isinstance(data, ImportTable) else read_table(data, legacy_encoding)
    vocabulary = Vocabulary()
    lock_booth(booth)
    existing = list(db.session.scalars(select(Product).where(Product.booth_id == booth.id)))
    by_name = {_name_key(product.name): product for product in existing}
    by_slug = {product.slug: product for product in existing}
    taken = set(by_slug)
    position = next_position(booth)
    first_row_of: dict[int, int] = {}  # product id (or id() of a new one) -> the row that named it
    report = ImportReport(rows=[], columns=columns)
    new_products: list[Product] = []
    for number, row in table:
        name = " ".join(row.get("name", "").split())
        result = RowResult(number=number, name=name)
        report.rows.append(result)
        product = by_name.get(_name_key(name)) or by_slug.get(company_slug(name)) if name else None
        start = ProductData.of(product) if product is not None else ProductData(name=name)
        parsed, problems = _parse_row(row, start, vocabulary)
        source, translations, language_problems = _row_languages(row, product)
        for column, message in language_problems.items():
            problems.setdefault(column, message)
        if product is not None and id(product) in first_row_of and "name" not in problems:
            problems["name"] = _(
                "Row %(row)s already has this product; each product appears once in a file.",
                row=first_row_of[id(product)],
            )
        if problems:
            result.outcome, result.problems = RowResult.REFUSED, problems
            result.cells = {column: row.get(column, "") for column in problems}
            continue
        if product is None:
            product = Product(booth=booth, slug=unique_slug(parsed.name, taken), position=position)
            position += 1
            taken.add(product.slug)
            by_slug[product.slug] = product
            by_name[_name_key(parsed.name)] = product
            new_products.append(product)
            result.outcome = RowResult.CREATED
        else:
            same = ProductData.of(product) == parsed and (product.translations or {}) == translations
            result.outcome = RowResult.UNCHANGED if same else RowResult.UPDATED
        first_row_of[id(product)] = number
        if result.outcome != RowResult.UNCHANGED:
            apply_product_data(product, parsed)
            product.source_language = source
            if (product.translations or {}) != translations:
                product.translations = translations
        result.slug = product.slug
    db.session.add_all(new_products)
    flush_catalogue()
    return report


# --- the templates --------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The header row, in UTF-8 with a byte-order mark so Excel opens Chinese and Thai text correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(template_columns())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(categories: list[ProductCategory]) -> bytes:
    """A workbook with the Products sheet to fill in, the column notes, and the categories to choose from."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    columns = template_columns()
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = {"name": 32, "category": 24, "description": 48, "unit": 12, "specifications": 48}
    widths |= {column: 40 for column in columns if LANGUAGE_COLUMN.match(column)}
    for index, column in enumerate(columns, 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(column, 14)
        if column == "hs_code":
            # As text, so codes of chapters 01-09 keep their leading zero.
            sheet.column_dimensions[letter].number_format = "@"
        if column == "availability":
            choices = DataValidation(
                type="list", formula1='"' + ",".join(tuple(Product.Availability)) + '"', allow_blank=True
            )
            sheet.add_data_validation(choices)
            choices.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    notes = workbook.create_sheet(_("Columns")[:31])
    notes.append([_("Column"), _("What to write")])
    for column in columns:
        notes.append([column, column_help(column)])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 100
    listed = workbook.create_sheet(_("Categories")[:31])
    listed.append([_("Short name"), _("Category")])
    for parent in categories:
        for category in [parent, *parent.children]:
            label = _(category.name) if category is parent else f"{_(parent.name)} › {_(category.name)}"
            listed.append([category.slug, label])
    listed.column_dimensions["A"].width = 26
    listed.column_dimensions["B"].width = 60
    for row in (notes[1], listed[1]):
        for cell in row:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
