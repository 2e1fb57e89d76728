"""Compiled order-lead reports: requested on a page, compiled by the worker into CSV and XLSX.

The compile streams inquiries, then the badge scans made at the booths' stands (each a lead row of
kind "Stand scan"), from the database in keyset-ordered chunks (plain rows, never ORM objects), writes each chunk to the CSV and to the streamed XLSX (expo.spreadsheets) at once, and hands
control back to the task after every chunk so it can commit the progress: no transaction stays
open for the whole compile. The summary sheet is counted from the same rows as the detail sheet,
so its numbers always add up to it.

A stand scan names its visitor (name, e-mail) in a booth's report only when the visitor is named to
the booth (expo.leads.scoring.named_clause: most often, they agreed to share their contact details on
a badge scan); otherwise the row carries their organisation and country, as recorded with the scan.
Organizers' reports name nobody, and never carry the team's notes and tags.
"""

from __future__ import annotations

import csv
import logging
import os
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from flask_babel import force_locale, get_locale, pgettext
from flask_babel import gettext as _
from sqlalchemy import and_, func, literal, select, tuple_
from sqlalchemy.orm import aliased

from expo import exports, permissions
from expo.accounts.models import User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.background import enqueue_after_commit
from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product
from expo.db_types import utcnow
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import ExhibitorCompany
from expo.exports import csv_safe_row
from expo.extensions import db
from expo.i18n import is_known_timezone
from expo.leads import notify
from expo.leads.models import InquiryItem, LeadReport, StandScan, TradeInquiry, stand_scan_products
from expo.leads.scoring import named_clause
from expo.leads.services import LeadError
from expo.lib import jobs
from expo.lib.ranges import FIRST_DAY, LAST_DAY, in_calendar
from expo.spreadsheets import StreamingWorkbook
from expo.uploads import storage_root
from expo.webhooks import announce as webhooks

log = logging.getLogger(__name__)

COMPILE_TASK = "leads.compile_lead_report"
CHUNK_ROWS = 5000
SUMMARY_WIDTHS = (30, 24, 16, 10)
MAX_PERIOD_DAYS = 3 * 366
FOLDER = "reports"
# What a compile starts again from: no rows written.
PROGRESS_RESET = {"rows_done": 0}


class ReportError(LeadError):
    pass


# --- requesting ----------------------------------------------------------------------------------


def period_of_edition(edition: Edition) -> tuple[date, date, str]:
    """An edition's report covers its days, in the venue's time zone."""
    return edition.starts_on, edition.ends_on, edition.timezone


def _check_period(period_from: date, period_to: date) -> None:
    if not (in_calendar(period_from) and in_calendar(period_to)):
        # The worker adds a day and converts time zones: far years overflow there, after the page said yes.
        raise ReportError(
            _("Choose a date between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()),
            "date_from",
        )
    if period_to < period_from:
        raise ReportError(_("The period ends before it starts."), "date_to")
    if (period_to - period_from).days > MAX_PERIOD_DAYS:
        raise ReportError(_("Choose a period of at most three years."), "date_from")


def request_booth_report(actor: User, booth: Booth, *, period_from: date, period_to: date, timezone: str) -> LeadReport:
    permissions.ensure(permissions.can_handle_inquiries(actor, booth))
    _check_period(period_from, period_to)
    return _queue(
        LeadReport(
            scope=LeadReport.BOOTH,
            booth_id=booth.id,
            period_from=period_from,
            period_to=period_to,
            timezone=_zone_name(timezone),
            requested_by_id=actor.id,
        )
    )


def request_expo_report(
    actor: User,
    *,
    edition: Edition | None,
    pavilion: Pavilion | None,
    period_from: date,
    period_to: date,
    timezone: str,
) -> LeadReport:
    permissions.ensure(permissions.can_request_expo_lead_report(actor, edition))
    if pavilion is not None and (edition is None or pavilion.edition_id != edition.id):
        raise ReportError(_("Choose a pavilion of the chosen edition."), "pavilion")
    _check_period(period_from, period_to)
    return _queue(
        LeadReport(
            scope=LeadReport.EXPO,
            edition_id=edition.id if edition else None,
            pavilion_id=pavilion.id if pavilion else None,
            period_from=period_from,
            period_to=period_to,
            timezone=_zone_name(timezone),
            requested_by_id=actor.id,
        )
    )


def _zone_name(timezone: str) -> str:
    return timezone if is_known_timezone(timezone) else "UTC"


def _queue(report: LeadReport) -> LeadReport:
    report.status = LeadReport.Status.QUEUED
    db.session.add(report)
    db.session.flush()
    enqueue_after_commit(COMPILE_TASK, report.id)
    return report


def compile_again(actor: User, report: LeadReport) -> None:
    """A failed (or stalled) report is queued again; a done one stays as it is."""
    _ensure_may_see(actor, report)
    if not jobs.is_stuck(report):
        raise ReportError(_("This report is not stuck: it is %(status)s.", status=report_status_label(report)))
    jobs.queue_again(report, reset=PROGRESS_RESET)
    enqueue_after_commit(COMPILE_TASK, report.id)


def _ensure_may_see(actor: User, report: LeadReport) -> None:
    permissions.ensure(may_see(actor, report))


def may_see(user: User, report: LeadReport) -> bool:
    if report.scope == LeadReport.BOOTH:
        return permissions.can_handle_inquiries(user, report.booth)
    return permissions.can_request_expo_lead_report(user, report.edition)


def booth_reports_query(booth: Booth):
    return select(LeadReport).where(LeadReport.booth_id == booth.id).order_by(LeadReport.id.desc())


def expo_reports_query(user: User):
    """Organizer reports this organizer may open: every one for organizers of every edition."""
    query = select(LeadReport).where(LeadReport.scope == LeadReport.EXPO).order_by(LeadReport.id.desc())
    editions = permissions.organized_edition_ids(user)
    if editions is not None:
        query = query.where(LeadReport.edition_id.in_(editions))
    return query


def requeue_stalled_reports(now: datetime | None = None) -> int:
    """Publish again what lost its worker or never reached one; the compile's claim makes it safe."""
    ids = jobs.stalled_ids(LeadReport, now)
    for report_id in ids:
        enqueue_after_commit(COMPILE_TASK, report_id)
    return len(ids)


def report_status_label(report: LeadReport) -> str:
    return LeadReport.Status(report.status).label


def progress(report: LeadReport) -> dict:
    """What the report page polls for."""
    return {
        **jobs.progress(report, _("%(done)s of %(total)s leads", done=report.rows_done, total=report.rows_total)),
        "rows_done": report.rows_done,
        "rows_total": report.rows_total,
    }


# --- compiling -----------------------------------------------------------------------------------


def claim(report_id: int, now: datetime | None = None) -> bool:
    """Take the report for compiling: queued, failed or stalled ones only; a done one is left alone."""
    return jobs.claim(LeadReport, report_id, now, reset=PROGRESS_RESET)


def _bounds(report: LeadReport) -> tuple[datetime, datetime]:
    zone = ZoneInfo(_zone_name(report.timezone))
    start = datetime.combine(report.period_from, time.min, zone)
    end = datetime.combine(report.period_to + timedelta(days=1), time.min, zone)
    return start, end


def _scope(report: LeadReport, when=TradeInquiry.created_at, booth_id=TradeInquiry.booth_id) -> list:
    """The rows of the report's period and booths: inquiries by default, or stand scans."""
    start, end = _bounds(report)
    conditions = [when >= start, when < end]
    if report.scope == LeadReport.BOOTH:
        conditions.append(booth_id == report.booth_id)
    elif report.edition_id is not None:
        placed = select(BoothPlacement.booth_id).where(BoothPlacement.edition_id == report.edition_id)
        if report.pavilion_id is not None:
            placed = placed.where(BoothPlacement.pavilion_id == report.pavilion_id)
        conditions.append(booth_id.in_(placed))
    return conditions


def _scan_scope(report: LeadReport) -> list:
    """The recorded stand scans of the report's period (by the device's clock) and booths."""
    return [
        StandScan.outcome == StandScan.Outcome.RECORDED,
        *_scope(report, StandScan.scanned_at, StandScan.booth_id),
    ]


@dataclass
class Summary:
    """Running totals over the detail rows: the summary sheet."""

    leads: int = 0
    stand_scans: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_country: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # leads, orders, won
    by_product: Counter = field(default_factory=Counter)
    quantities: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # inquiries, total
    by_pavilion: Counter = field(default_factory=Counter)
    by_exhibitor_country: Counter = field(default_factory=Counter)
    # The buyers the rows name (by e-mail address): how many people's data the report holds.
    buyers: set = field(default_factory=set)


class Compiler:
    """One report's compile: ``steps()`` yields after every committed-sized piece of work."""

    def __init__(self, report: LeadReport):
        self.report = report
        self.expo = report.scope == LeadReport.EXPO
        # Read once: between chunks the session is committed and the report expired, and touching it
        # while writing rows would open a transaction (on SQLite, take the write lock) again.
        self.edition_id = report.edition_id
        self.scope = _scope(report)
        self.scan_scope = _scan_scope(report)
        self.zone = ZoneInfo(_zone_name(report.timezone))
        self.summary = Summary()
        # A plain dict: Babel's resolves every lookup through its locale data (two per row).
        self.territories = dict(Locale.parse(str(get_locale() or "en")).territories)
        self.status_labels = {status: status.label for status in TradeInquiry.Status}
        self.kind_labels = {kind: kind.label for kind in TradeInquiry.Kind}
        self.unknown = _("Unknown")
        self.stand_scan_label = _("Stand scan")
        # Built now, while the report's booth is loaded: the chunks run after commits that expire it.
        self.scan_query = self._scan_select(report.booth)

    # The detail sheet's columns and their widths in characters (at least the title's).
    # Organizers see companies and countries, not buyers' personal details.
    def columns(self) -> list[tuple[str, int]]:
        columns = [(_("Reference"), 10), (_("Received (%(zone)s)", zone=self.zone.key), 19)]
        if self.expo:
            columns += [(_("Exhibitor"), 28), (_("Exhibitor country"), 16)]
            if self.edition_id:
                columns.append((_("Pavilion"), 20))
        columns += [(_("Kind"), 14), (_("Status"), 11)]
        if not self.expo:
            columns += [(_("Buyer"), 20), (_("E-mail address"), 28)]
        columns += [
            (_("Organisation"), 28),
            (_("Buyer country"), 14),
            (_("Products"), 36),
            (_("Quantity"), 9),
            (_("Unit"), 9),
            (_("Target price"), 12),
            (_("Currency"), 9),
            (_("Incoterm"), 9),
            (_("Destination"), 24),
            (_("Delivery date"), 12),
        ]
        if not self.expo:
            columns.append((_("Assignee"), 20))
        columns.append((_("First response (hours)"), 12))
        # Stand scans: the team's rating; a booth's own report also its tags, notes and who scanned.
        columns.append((_("Rating"), 8))
        if not self.expo:
            columns += [(pgettext("stand scan", "Tags"), 24), (_("Notes"), 40), (_("Scanned by"), 20)]
        return [(title, max(width, len(title) + 2)) for title, width in columns]

    def _scan_columns_blank(self) -> list:
        """An inquiry row's empty stand-scan cells."""
        return [None] if self.expo else [None, None, None, None]

    def _select(self):
        buyer = aliased(User)
        assignee = aliased(User)
        columns = [
            TradeInquiry.id,
            TradeInquiry.created_at,
            TradeInquiry.kind,
            TradeInquiry.status,
            buyer.name,
            buyer.email,
            TradeInquiry.buyer_organisation,
            TradeInquiry.buyer_country,
            TradeInquiry.quantity,
            TradeInquiry.unit,
            TradeInquiry.target_price,
            TradeInquiry.currency,
            TradeInquiry.incoterm,
            TradeInquiry.destination_country,
            TradeInquiry.destination_port,
            TradeInquiry.delivery_date,
            assignee.name,
            TradeInquiry.first_response_at,
        ]
        query = (
            select(*columns)
            .join(buyer, buyer.id == TradeInquiry.buyer_id)
            .outerjoin(assignee, assignee.id == TradeInquiry.assignee_id)
        )
        if self.expo:
            query = self._with_exhibitor(query, TradeInquiry.booth_id)
        return query.where(*self.scope)

    def _with_exhibitor(self, query, booth_id):
        """An organizers' row names the booth's exhibitor and country, and in an edition's report the
        pavilion the booth is placed in (the columns after the row's own, read as ``expo_columns``)."""
        query = (
            query.add_columns(ExhibitorCompany.name, Booth.country)
            .join(Booth, Booth.id == booth_id)
            .join(ExhibitorCompany, ExhibitorCompany.id == Booth.company_id)
        )
        if not self.edition_id:
            return query
        return (
            query.add_columns(Pavilion.name)
            .outerjoin(
                BoothPlacement,
                and_(BoothPlacement.booth_id == booth_id, BoothPlacement.edition_id == self.edition_id),
            )
            .outerjoin(Pavilion, Pavilion.id == BoothPlacement.pavilion_id)
        )

    def _country(self, code: str | None) -> str:
        return self.territories.get(code, code) if code else ""

    def _exhibitor_values(self, expo_columns) -> list:
        """An expo-wide row's exhibitor, its country and (in an edition's report) its pavilion,
        counted in the summary as they are written."""
        company_name, booth_country, *pavilion = expo_columns
        self.summary.by_exhibitor_country[booth_country or ""] += 1
        values = [company_name, self._country(booth_country)]
        if self.edition_id:
            self.summary.by_pavilion[pavilion[0] or ""] += 1
            values.append(pavilion[0] or "")
        return values

    def _row(self, row, products: list[str]) -> list:
        (
            inquiry_id,
            created_at,
            kind,
            status,
            buyer_name,
            buyer_email,
            organisation,
            buyer_country,
            quantity,
            unit,
            target_price,
            currency,
            incoterm,
            destination_country,
            port,
            delivery_date,
            assignee_name,
            first_response_at,
            *expo_columns,
        ) = row
        summary = self.summary
        summary.leads += 1
        summary.buyers.add(buyer_email)
        summary.by_kind[kind] += 1
        summary.by_status[status] += 1
        country = summary.by_country[buyer_country or ""]
        country[0] += 1
        country[1] += kind == TradeInquiry.Kind.ORDER_REQUEST
        country[2] += status == TradeInquiry.Status.WON
        for name in products:
            summary.by_product[name] += 1
        if quantity:
            totals = summary.quantities[unit or ""]
            totals[0] += 1
            totals[1] += quantity
        values = [inquiry_id, created_at.astimezone(self.zone).replace(tzinfo=None)]
        if self.expo:
            values += self._exhibitor_values(expo_columns)
        values += [self.kind_labels[kind], self.status_labels[status]]
        if not self.expo:
            values += [buyer_name, buyer_email]
        destination = ", ".join(part for part in (port, self._country(destination_country)) if part)
        values += [
            organisation,
            self._country(buyer_country),
            "; ".join(products),
            quantity,
            unit or None,
            float(target_price) if target_price is not None else None,
            currency if target_price is not None else None,
            incoterm,
            destination,
            delivery_date,
        ]
        if not self.expo:
            values.append(assignee_name)
        values.append(round((first_response_at - created_at).total_seconds() / 3600, 1) if first_response_at else None)
        return values + self._scan_columns_blank()

    # --- stand scans

    def _scan_select(self, booth: Booth | None):
        scanner = aliased(User)
        named = named_clause(booth, StandScan.visitor_id) if booth is not None else literal(False)
        query = (
            select(
                StandScan.id,
                StandScan.scanned_at,
                User.name,
                User.email,
                named.label("named"),
                StandScan.visitor_organisation,
                StandScan.visitor_country,
                StandScan.rating,
                StandScan.tags,
                StandScan.notes,
                scanner.name,
            )
            .outerjoin(User, User.id == StandScan.visitor_id)
            .outerjoin(scanner, scanner.id == StandScan.scanned_by_id)
        )
        if self.expo:
            query = self._with_exhibitor(query, StandScan.booth_id)
        return query.where(*self.scan_scope)

    def _scan_row(self, row, products: list[str]) -> list:
        (
            scan_id,
            scanned_at,
            visitor_name,
            visitor_email,
            named,
            organisation,
            country,
            rating,
            tags,
            notes,
            scanner_name,
            *expo_columns,
        ) = row
        summary = self.summary
        summary.leads += 1
        summary.stand_scans += 1
        if visitor_email is not None:  # a visitor the retention period removed is nobody's data
            summary.buyers.add(visitor_email)
        summary.by_country[country or ""][0] += 1
        for name in products:
            summary.by_product[name] += 1
        values = [f"S{scan_id}", scanned_at.astimezone(self.zone).replace(tzinfo=None)]
        if self.expo:
            values += self._exhibitor_values(expo_columns)
        values += [self.stand_scan_label, None]
        if not self.expo:
            values += [visitor_name if named else None, visitor_email if named else None]
        values += [organisation, self._country(country), "; ".join(products)]
        values += [None] * 7  # quantity, unit, target price, currency, incoterm, destination, delivery date
        if not self.expo:
            values.append(None)  # assignee
        values += [None, rating]  # first response; the rating
        if not self.expo:
            values += [", ".join(tags or []) or None, notes or None, scanner_name]
        return values

    def _scan_chunks(self) -> Iterator[list]:
        """Stand-scan rows, CHUNK_ROWS at a time, by (scanned_at, id): ranges of ix_stand_scans_booth_scanned."""
        products = (
            select(stand_scan_products.c.stand_scan_id, Product.name)
            .join(Product, Product.id == stand_scan_products.c.product_id)
            .join(StandScan, StandScan.id == stand_scan_products.c.stand_scan_id)
            .where(*self.scan_scope)
            .order_by(Product.position, Product.id)
        )
        return self._keyset_chunks(self.scan_query, StandScan.scanned_at, StandScan.id, products, self._scan_row)

    def chunks(self) -> Iterator[list]:
        """Detail rows, CHUNK_ROWS at a time, in the order received: each chunk is two short queries.

        The keyset is (created_at, id), the order of the indexes the scope filters on, so each chunk
        is a range of ix_trade_inquiries_booth_created (or _created): ordered by id instead, a planner
        without statistics (a table just loaded) re-read the whole period for every chunk.
        """
        products = (
            select(InquiryItem.inquiry_id, InquiryItem.product_name)
            .join(TradeInquiry, TradeInquiry.id == InquiryItem.inquiry_id)
            .where(*self.scope)
            .order_by(InquiryItem.id)
        )
        yield from self._keyset_chunks(self._select(), TradeInquiry.created_at, TradeInquiry.id, products, self._row)
        yield from self._scan_chunks()

    def _keyset_chunks(self, query, when, row_id, products, to_row) -> Iterator[list]:
        """The rows of ``query`` (its first columns the row's id, then ``when``) CHUNK_ROWS at a time by
        (when, id), each made into a detail row with the names ``products`` (row id, name) lists for it."""
        key = tuple_(when, row_id)
        base = query.order_by(when, row_id).limit(CHUNK_ROWS)
        after: tuple | None = None
        while True:
            seen = [key > after] if after else []
            rows = db.session.execute(base.where(*seen)).all()
            if not rows:
                return
            last = (rows[-1][1], rows[-1][0])
            names: dict[int, list[str]] = defaultdict(list)
            for named_row_id, name in db.session.execute(products.where(*seen, key <= last)):
                names[named_row_id].append(name)
            after = last
            yield [to_row(row, names.get(row[0], [])) for row in rows]

    def count(self) -> int:
        inquiries = db.session.scalar(select(func.count()).select_from(TradeInquiry).where(*self.scope))
        scans = db.session.scalar(select(func.count()).select_from(StandScan).where(*self.scan_scope))
        return inquiries + scans

    # --- the files

    def summary_rows(self) -> Iterator[list]:
        summary, report = self.summary, self.report
        yield [_("Order-lead report")]
        yield [_("Scope"), scope_label(report)]
        yield [_("Period"), f"{report.period_from.isoformat()} – {report.period_to.isoformat()} ({self.zone.key})"]
        yield [_("Compiled at (UTC)"), utcnow().replace(tzinfo=None, microsecond=0)]
        yield [_("Leads"), summary.leads]
        for kind in tuple(TradeInquiry.Kind):
            yield [self.kind_labels[kind], summary.by_kind[kind]]
        yield [self.stand_scan_label, summary.stand_scans]
        yield []
        yield [_("By status")]
        yield [_("Status"), _("Leads")]
        for status in tuple(TradeInquiry.Status):
            yield [self.status_labels[status], summary.by_status[status]]
        yield []
        yield [_("By buyer country")]
        yield [_("Country"), _("Leads"), _("Order requests"), _("Won")]
        for code, (leads, orders, won) in sorted(summary.by_country.items(), key=lambda item: (-item[1][0], item[0])):
            yield [self._country(code) or self.unknown, leads, orders, won]
        yield []
        yield [_("By product")]
        yield [_("Product"), _("Leads")]
        for name, leads in sorted(summary.by_product.items(), key=lambda item: (-item[1], item[0])):
            yield [name, leads]
        yield []
        yield [_("Quantities requested")]
        yield [_("Unit"), _("Leads with a quantity"), _("Total quantity")]
        for unit, (leads, total) in sorted(summary.quantities.items()):
            yield [unit or self.unknown, leads, total]
        if self.expo:
            yield []
            yield [_("By exhibitor country")]
            yield [_("Country"), _("Leads")]
            for code, leads in sorted(summary.by_exhibitor_country.items(), key=lambda item: (-item[1], item[0])):
                yield [self._country(code) or self.unknown, leads]
            if self.edition_id:
                yield []
                yield [_("By pavilion")]
                yield [_("Pavilion"), _("Leads")]
                for name, leads in sorted(summary.by_pavilion.items(), key=lambda item: (-item[1], item[0])):
                    yield [name or _("Not placed"), leads]


def scope_label(report: LeadReport) -> str:
    if report.scope == LeadReport.BOOTH:
        return report.booth.company.name
    if report.pavilion is not None:
        return _("Booths in %(pavilion)s, %(edition)s", pavilion=report.pavilion.name, edition=report.edition.name)
    if report.edition is not None:
        return _("Booths placed in %(edition)s", edition=report.edition.name)
    return _("Every booth")


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def filename(report: LeadReport, extension: str) -> str:
    return f"order-leads-{report.id}-{report.period_from.isoformat()}-{report.period_to.isoformat()}.{extension}"


def compile_steps(report_id: int) -> Iterator[str]:
    """Compile a claimed report, yielding after each step so the task commits it: after each chunk is
    read (so no transaction stays open while the files are written) and after its progress is recorded.

    Runs in the requester's language. Files are written beside their final names and renamed when
    complete, so a crash never leaves a half file behind a "done" report.
    """
    report = db.session.get(LeadReport, report_id)
    language = report.requested_by.language if report.requested_by else "en"
    with force_locale(language):
        compiler = Compiler(report)
        report.rows_total = compiler.count()
        report.heartbeat_at = utcnow()
        db.session.flush()
        yield "counted"
        folder = storage_root() / FOLDER / str(report.id)
        folder.mkdir(parents=True, exist_ok=True)
        token = secrets.token_hex(8)
        csv_path, xlsx_path = folder / f"{token}.csv", folder / f"{token}.xlsx"
        csv_part, xlsx_part = csv_path.with_suffix(".csv.part"), xlsx_path.with_suffix(".xlsx.part")
        columns = compiler.columns()
        header = [title for title, _width in columns]
        # Text in an XLSX cell is an inline string, never a formula; the CSV neutralises it (csv_safe_row).
        workbook = StreamingWorkbook(xlsx_part)
        summary_sheet = workbook.add_sheet(_("Summary")[:31], widths=SUMMARY_WIDTHS)
        detail_sheet = workbook.add_sheet(_("Leads")[:31], header=header, widths=[width for _title, width in columns])
        done = 0
        try:
            with open(csv_part, "w", newline="", encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                for rows in compiler.chunks():
                    yield "read"  # the task commits: the read's transaction ends before the (slow) writing
                    for values in rows:
                        writer.writerow(csv_safe_row(values))
                        detail_sheet.append(values)
                    done += len(rows)
                    report.rows_done = done
                    report.rows_total = max(report.rows_total, done)
                    report.heartbeat_at = utcnow()
                    db.session.flush()
                    yield "chunk"
            for values in compiler.summary_rows():
                summary_sheet.append(values, bold=len(values) == 1)  # the report's and each section's title
            workbook.close()
        except BaseException:
            # Close the half-written workbook and leave no partial report behind.
            workbook.abandon()
            csv_part.unlink(missing_ok=True)
            xlsx_part.unlink(missing_ok=True)
            raise
        # On disk before they take their names, and the names before the report is marked done, so that
        # not even the machine's crash leaves an empty file behind a "done" report (25 ms at 100,000 leads).
        _sync(csv_part)
        _sync(xlsx_part)
        os.replace(csv_part, csv_path)
        os.replace(xlsx_part, xlsx_path)
        _sync(folder)
        root = storage_root()
        for old in (report.csv_path, report.xlsx_path):
            if old:
                (root / old).unlink(missing_ok=True)
        now = utcnow()
        report.csv_path = str(csv_path.relative_to(root))
        report.xlsx_path = str(xlsx_path.relative_to(root))
        report.csv_size = csv_path.stat().st_size
        report.xlsx_size = xlsx_path.stat().st_size
        report.rows_total = done
        report.people_total = len(compiler.summary.buyers)
        report.status = LeadReport.Status.DONE
        report.finished_at = now
        report.heartbeat_at = now
        db.session.flush()
        notify.report_finished(report)
        webhooks.lead_report_ready(report)
        yield "done"


def record_failure(report_id: int, error: BaseException) -> None:
    """The requester sees (and is told) that it failed, and can compile it again from the page."""
    report = jobs.record_failure(
        LeadReport,
        report_id,
        _(
            "The report could not be compiled. Compile it again; if it fails again, tell the "
            "organizers (reference %(id)s).",
            id=report_id,
        ),
    )
    if report is None:
        return
    log.exception("lead report %s failed", report_id, exc_info=error)
    notify.report_finished(report)


def record_download(actor: User, report: LeadReport, fmt: str) -> None:
    """A report holds buyers' contact details (a team's) or their companies (the organizers'): the audit
    trail records who took which one away, and how many people it names."""
    _ensure_may_see(actor, report)
    record(
        actor,
        AuditAction.LEAD_REPORT_DOWNLOADED,
        report,
        edition_id=report.edition_id,
        after={"format": fmt, "rows": report.rows_total, "people": report.people_total},
    )


def stored_path(report: LeadReport, fmt: str) -> str | None:
    return {"csv": report.csv_path, "xlsx": report.xlsx_path}.get(fmt)


def file_response(report: LeadReport, fmt: str):
    """The compiled file, streamed from storage (the caller checked it is done and recorded the download)."""
    return exports.send_stored(storage_root(), stored_path(report, fmt), fmt, filename(report, fmt))
