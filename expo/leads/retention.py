"""Each edition's retention period for its leads' personal data, and removing that data once it is over.

Organizers set the period on the edition (``Edition.lead_retention_amount`` days or months after its
last day; none set: nothing is removed). A beat task (``leads.apply_lead_retention``, daily) runs
``apply_due_retention``; for each edition whose period is over, in the venue's calendar:

Removed
- from each stand scan of the edition (stand_scans.edition_id): the visitor (visitor_id), the team's
  notes and tags about them, and who scanned (scanned_by_id). The scan stays a row, with its booth,
  edition, time, rating, products discussed and the visitor's organisation and country as recorded
  with the scan: the statistics (scans per booth and per country, ratings, products) still add up.
  Refused scans keep no visitor in the first place; their scanner is removed too.
- the files of the booths' own order-lead reports that may list those scans by name: reports of the
  edition's booths, compiled (done) before the removal, whose period meets the days of the scans.
  The report is marked failed with the reason; compiled again, it no longer names anyone.

Kept, and why
- inquiries and order requests, their messages, quotations and the team's notes on them: the buyer
  wrote them, and both the buyer and the team still read them in their threads. They belong to the
  buyer's account, not to an edition (a booth is open all year), and go when the account is deleted.
- meetings: each is on both sides' agendas (expo.meetings), not a lead of an edition.
- the online engagement log: not tied to an edition, and pseudonymous (a keyed hash per visitor).
- organizers' expo-wide reports: they name nobody.

Each run that removes something leaves one audit entry per edition, visible to its organizers, with
the counts. Running it again removes nothing and records nothing: every statement is guarded by
``personal_data_removed_at IS NULL`` (or the report's status), so two beats at once do the work once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.booths.models import BoothPlacement
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.leads.models import LeadReport, StandScan
from expo.uploads import delete_after_commit


@dataclass(frozen=True)
class Removal:
    """What one edition's removal did."""

    edition_id: int
    stand_scans: int
    visitors: int
    reports: int

    @property
    def did_anything(self) -> bool:
        return bool(self.stand_scans or self.reports)


def retention_text(edition: Edition) -> str:
    """ "12 months after the edition ends", in the reader's language; "" without a period."""
    if not edition.lead_retention_amount:
        return ""
    return f"{edition.lead_retention_amount} {Edition.RetentionUnit(edition.lead_retention_unit).label}"


def is_due(edition: Edition, now: datetime) -> bool:
    removed_on = edition.lead_data_removed_on
    return removed_on is not None and now.astimezone(ZoneInfo(edition.timezone)).date() >= removed_on


def _due_editions(now: datetime) -> list[Edition]:
    """Editions with a period set that is over; few rows (one per year), so the date sum is done here."""
    editions = db.session.scalars(
        select(Edition).where(Edition.lead_retention_amount.is_not(None)).order_by(Edition.id)
    ).all()
    return [edition for edition in editions if is_due(edition, now)]


def _stale_report_files(edition: Edition, first: date, last: date, now: datetime) -> list[LeadReport]:
    booths = select(BoothPlacement.booth_id).where(BoothPlacement.edition_id == edition.id)
    # A report's period is in its own time zone: a day either side covers every zone.
    return list(
        db.session.scalars(
            select(LeadReport)
            .where(
                LeadReport.scope == LeadReport.BOOTH,
                LeadReport.booth_id.in_(booths),
                LeadReport.status == LeadReport.Status.DONE,
                LeadReport.created_at < now,
                LeadReport.period_from <= last + timedelta(days=1),
                LeadReport.period_to >= first - timedelta(days=1),
            )
            .order_by(LeadReport.id)
        )
    )


def remove_edition_lead_data(edition: Edition, now: datetime | None = None) -> Removal:
    """Remove the personal data of ``edition``'s leads (see the module's docstring), whatever its
    period says: the caller decided it is due. Flushes; the task commits. Idempotent."""
    now = now or utcnow()
    pending = (StandScan.edition_id == edition.id, StandScan.personal_data_removed_at.is_(None))
    first, last, visitors = db.session.execute(
        select(
            func.min(StandScan.scanned_at),
            func.max(StandScan.scanned_at),
            func.count(func.distinct(StandScan.visitor_id)),
        ).where(*pending)
    ).one()
    removed = db.session.execute(
        update(StandScan)
        .where(*pending)
        .values(visitor_id=None, scanned_by_id=None, notes="", tags=[], personal_data_removed_at=now)
        .returning(StandScan.id)
        .execution_options(synchronize_session=False)
    ).all()
    # Another run that removed them first leaves this one nothing to do, and nothing to record.
    reports = _stale_report_files(edition, first.date(), last.date(), now) if removed else []
    for report in reports:
        for path in (report.csv_path, report.xlsx_path):
            if path:
                delete_after_commit(path)
        report.csv_path = report.xlsx_path = None
        report.csv_size = report.xlsx_size = 0
        report.status = LeadReport.Status.FAILED
        report.error = _(
            "The files were removed because the retention period for the personal data of %(edition)s's leads "
            "is over. Compile the report again: it will no longer name the visitors scanned at the stand.",
            edition=edition.name,
        )
    result = Removal(
        edition_id=edition.id, stand_scans=len(removed), visitors=visitors if removed else 0, reports=len(reports)
    )
    if result.did_anything:
        record(
            None,
            AuditAction.LEAD_DATA_REMOVED,
            edition,
            edition_id=edition.id,
            after={
                "retention": f"{edition.lead_retention_amount} {edition.lead_retention_unit}",
                "stand_scans": result.stand_scans,
                "visitors": result.visitors,
                "lead_report_files": result.reports,
            },
        )
    db.session.flush()
    return result


def apply_due_retention(now: datetime | None = None) -> Iterator[Removal]:
    """Remove the personal data of every edition whose period is over, yielding after each edition
    so that the task commits it before the next."""
    now = now or utcnow()
    for edition_id in [edition.id for edition in _due_editions(now)]:
        yield remove_edition_lead_data(db.session.get(Edition, edition_id), now)
