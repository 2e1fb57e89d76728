"""Registrant lists as CSV and Excel files, with one column per custom question."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession
from expo.i18n import country_name
from expo.organize.services import utc_to_local
from expo.permissions import can_manage_edition, ensure
from expo.registrations.models import Registration
from expo.registrations.services import forum_of, registrants_query

Target = ProgrammeSession | Forum

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def answer_text(question: ForumQuestion, answers: dict | None) -> str:
    value = (answers or {}).get(str(question.id))
    if question.kind == ForumQuestion.CHECKBOX:
        if value is None:
            return ""
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def export_filename(target: Target, extension: str) -> str:
    if isinstance(target, ProgrammeSession):
        return f"registrants-{target.id}.{extension}"
    return f"registrants-forum-{target.id}.{extension}"


def _header(questions: list[ForumQuestion], zone: str) -> list[str]:
    return [
        _("Full name"), _("Organisation"), _("Country or region"), _("E-mail address"), _("Status"),
        _("Waiting-list number"),
        _("Registered at (%(zone)s)", zone=zone), _("Checked in at (%(zone)s)", zone=zone),
    ] + [question.label for question in questions]


def _rows(target: Target, questions: list[ForumQuestion], zone: str) -> Iterator[list]:
    """One list per registrant: plain values (str, int, naive local datetime or None)."""
    registrations = db.session.scalars(registrants_query(target).execution_options(yield_per=500))
    for registration in registrations:
        user = registration.user
        yield [
            user.name, user.organisation, country_name(user.country), user.email,
            Registration.Status(registration.status).label,
            registration.waitlist_number if registration.status == Registration.Status.WAITLISTED else None,
            utc_to_local(registration.created_at, zone), utc_to_local(registration.checked_in_at, zone),
        ] + [answer_text(question, registration.answers) for question in questions]


def _table(target: Target) -> tuple[list[str], Iterator[list]]:
    zone = forum_of(target).edition.timezone
    questions = list(forum_of(target).questions)
    return _header(questions, zone), _rows(target, questions, zone)


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


def registrants_csv(target: Target) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads Chinese and Thai names correctly."""
    header, rows = _table(target)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def registrants_xlsx(target: Target) -> bytes:
    header, rows = _table(target)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Registrants")[:31])

    def cell(value):
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"  # openpyxl would store "=..." as a formula
        elif isinstance(value, datetime):
            item.number_format = "yyyy-mm-dd hh:mm"
        return item

    sheet.append([cell(value) for value in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_registrants(actor, target: Target, fmt: str) -> bytes:
    """The registrant list as a CSV or XLSX file; personal data leaving the site, so the audit
    trail records who took which list."""
    edition = forum_of(target).edition
    ensure(can_manage_edition(actor, edition))
    content = registrants_csv(target) if fmt == "csv" else registrants_xlsx(target)
    record(actor, AuditAction.REGISTRANTS_EXPORTED, target, edition_id=edition.id, after={"format": fmt})
    return content
