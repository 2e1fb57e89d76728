"""Meeting statistics of an edition as CSV and Excel files: per pavilion, then per buyer's country."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from expo.editions.models import Edition
from expo.i18n import country_name
from expo.meetings import services
from expo.organize.exports import csv_safe
from expo.permissions import can_manage_edition, ensure


def tables(edition: Edition) -> list[tuple[str, list[str], list[list]]]:
    """(sheet title, header, rows) for each breakdown."""
    counts = [_("Requested"), _("Accepted"), _("Held")]
    pavilions = [[pavilion.name if pavilion else _("Not placed in a pavilion"), requested, accepted, held]
                 for pavilion, requested, accepted, held in services.statistics_by_pavilion(edition)]
    countries = [[country_name(country) if country else _("Unknown"), requested, accepted, held]
                 for country, requested, accepted, held in services.statistics_by_country(edition)]
    return [(_("By pavilion"), [_("Pavilion")] + counts, pavilions),
            (_("By buyer country"), [_("Buyer's country or region")] + counts, countries)]


def statistics_csv(edition: Edition) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads Chinese and Thai names; the two tables one after the other."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, (title, header, rows) in enumerate(tables(edition)):
        if number:
            writer.writerow([])
        writer.writerow([csv_safe(title)])
        writer.writerow([csv_safe(cell) for cell in header])
        for row in rows:
            writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def statistics_xlsx(edition: Edition) -> bytes:
    workbook = Workbook(write_only=True)
    for title, header, rows in tables(edition):
        sheet = workbook.create_sheet(title[:31])

        def cell(value, sheet=sheet):
            item = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                item.data_type = "s"  # openpyxl would store "=..." as a formula
            return item

        sheet.append([cell(value) for value in header])
        for row in rows:
            sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def statistics_file(actor, edition: Edition, fmt: str) -> bytes:
    ensure(can_manage_edition(actor, edition))
    return statistics_csv(edition) if fmt == "csv" else statistics_xlsx(edition)
