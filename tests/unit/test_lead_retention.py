"""Each edition's retention period: once it is over, the personal data of its stand scans (and the
stored booth reports that may name them) is removed, statistics survive, organizers see what was
done in the audit trail, and a second run does nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from expo.audit.models import AuditAction, AuditEntry
from expo.booths.models import Booth
from expo.editions.models import Edition, add_months
from expo.extensions import db
from expo.leads import retention, scoring
from expo.leads.models import LeadReport, StandScan
from tests.conftest import log_in


@pytest.fixture()
def world(app, factory):
    # Ends on 13 September 2027 at the venue (Asia/Shanghai); personal data kept 30 days after.
    edition = factory.edition(lead_retention_amount=30, lead_retention_unit="days")
    later = factory.edition(slug="next", name="Next edition", starts_on=date(2028, 9, 10), ends_on=date(2028, 9, 13))
    owner, staff = factory.user(name="Owner"), factory.user(name="Staff Scanner")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Masks")
    booth = factory.booth(company)
    mask = factory.product(booth, name="KN95 respirator")
    factory.placement(booth, factory.pavilion(edition))
    factory.placement(booth, factory.pavilion(later))
    somchai = factory.user(name="Somchai", organisation="Bangkok Mart", country="TH", share_contact_on_badge_scan=True)
    siti = factory.user(name="Siti", organisation="Maju Bhd", country="MY")
    at = datetime(2027, 9, 11, 3, 0, tzinfo=UTC)
    for visitor, rating in ((somchai, 5), (siti, 3), (somchai, 4)):
        factory.stand_scan(
            booth,
            visitor,
            edition,
            scanned_at=at,
            rating=rating,
            notes=f"About {visitor.name}",
            tags=["hot"],
            scanned_by_id=staff.id,
            products=[mask],
        )
    factory.stand_scan(
        booth,
        owner,
        edition,
        visitor_id=None,
        outcome="refused",
        refusal="own_team",
        scanned_at=at,
        scanned_by_id=staff.id,
    )
    next_year = factory.stand_scan(booth, siti, later, scanned_at=datetime(2028, 9, 11, 3, 0, tzinfo=UTC), notes="Keep")
    storage = app.config["STORAGE_PATH"] / "reports"
    storage.mkdir(parents=True, exist_ok=True)
    reports = {}
    for name, period in (
        ("september", (date(2027, 9, 1), date(2027, 9, 30))),
        ("march", (date(2027, 3, 1), date(2027, 3, 31))),
    ):
        for extension in ("csv", "xlsx"):
            (storage / f"{name}.{extension}").write_bytes(b"names")
        with app.app_context():
            report = LeadReport(
                scope=LeadReport.BOOTH,
                booth_id=booth.id,
                period_from=period[0],
                period_to=period[1],
                status=LeadReport.Status.DONE,
                csv_path=f"reports/{name}.csv",
                xlsx_path=f"reports/{name}.xlsx",
                rows_total=3,
                created_at=datetime(2027, 9, 20, tzinfo=UTC),
            )
            db.session.add(report)
            db.session.commit()
            reports[name] = report.id
    return dict(
        edition=edition,
        booth=booth,
        owner=owner,
        somchai=somchai,
        siti=siti,
        next_year=next_year,
        reports=reports,
        storage=storage,
    )


def run(app, now):
    """The beat task's loop, at ``now``: one commit per edition."""
    with app.test_request_context():
        removals = []
        for removal in retention.apply_due_retention(now):
            db.session.commit()
            removals.append(removal)
        return removals


def retention_entries(app):
    with app.app_context():
        return db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.LEAD_DATA_REMOVED).order_by(AuditEntry.id)
        ).all()


def test_the_period_counts_days_or_calendar_months_after_the_last_day():
    edition = Edition(ends_on=date(2027, 9, 13), lead_retention_amount=30, lead_retention_unit="days")
    assert edition.lead_data_removed_on == date(2027, 10, 13)
    edition.lead_retention_unit, edition.lead_retention_amount = "months", 12
    assert edition.lead_data_removed_on == date(2028, 9, 13)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    edition.lead_retention_amount = None
    assert edition.lead_data_removed_on is None


def test_nothing_is_removed_before_the_period_is_over(app, world):
    # 12 October at 23:59 in Nanning is still within the 30 days.
    assert run(app, datetime(2027, 10, 12, 15, 59, tzinfo=UTC)) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(StandScan.id)).where(StandScan.visitor_id.is_not(None))) == 4
    assert retention_entries(app) == []


def test_after_the_period_personal_data_goes_statistics_stay_and_organizers_see_it(app, client, world, factory):
    [removal] = run(app, datetime(2027, 10, 12, 16, 0, tzinfo=UTC))  # 13 October, 00:00 in Nanning
    assert (removal.stand_scans, removal.visitors, removal.reports) == (4, 2, 1)
    with app.app_context():
        scans = db.session.scalars(
            select(StandScan).where(StandScan.edition_id == world["edition"].id).order_by(StandScan.id)
        ).all()
        assert {(scan.visitor_id, scan.scanned_by_id, scan.notes, tuple(scan.tags)) for scan in scans} == {
            (None, None, "", ())
        }
        assert all(scan.personal_data_removed_at is not None for scan in scans)
        # What statistics need stays: ratings, products, organisations and countries.
        assert [scan.rating for scan in scans] == [5, 3, 4, None]
        assert [scan.visitor_country for scan in scans] == ["TH", "MY", "TH", None]
        assert [len(scan.products) for scan in scans] == [1, 1, 1, 0]
        # Next year's edition keeps its own.
        kept = db.session.get(StandScan, world["next_year"].id)
        assert (kept.visitor_id, kept.notes) == (world["siti"].id, "Keep")
        # The September report named them: its files are gone and it says why; March's is untouched.
        september = db.session.get(LeadReport, world["reports"]["september"])
        march = db.session.get(LeadReport, world["reports"]["march"])
        assert (september.status, september.csv_path, september.xlsx_path) == ("failed", None, None)
        assert "retention period" in september.error
        assert (march.status, march.csv_path) == ("done", "reports/march.csv")
        # The lead made of those scans alone is gone from the ranking; Siti's next-year scan remains.
        booth = db.session.get(Booth, world["booth"].id)
    with app.test_request_context():
        rows = db.session.execute(scoring.leads_query(booth, days=None)).all()
        assert [row.User.name for row in rows] == ["Siti"]
    assert not (world["storage"] / "september.csv").exists() and not (world["storage"] / "september.xlsx").exists()
    assert (world["storage"] / "march.csv").exists()
    [entry] = retention_entries(app)
    assert (entry.actor_id, entry.edition_id, entry.object_type, entry.object_id) == (
        None,
        world["edition"].id,
        "edition",
        world["edition"].id,
    )
    assert entry.after == {"retention": "30 days", "stand_scans": 4, "visitors": 2, "lead_report_files": 1}
    organizer = factory.organizer(edition=world["edition"])
    log_in(client, organizer)
    page = client.get(f"/editions/{world['edition'].slug}/organize/audit").get_data(as_text=True)
    assert "personal data removed after the retention period" in page
    assert "stand_scans" in page


def test_a_second_run_removes_nothing_and_records_nothing(app, world):
    now = datetime(2027, 11, 1, tzinfo=UTC)
    [first] = run(app, now)
    [second] = run(app, datetime(2027, 11, 2, tzinfo=UTC))
    assert first.did_anything and not second.did_anything
    assert (second.stand_scans, second.reports) == (0, 0)
    assert len(retention_entries(app)) == 1


def test_the_beat_task_applies_every_due_edition(app, factory, world):
    import worker.tasks as tasks

    # The task reads the real clock: an edition that ended years ago is due, one without a period never is.
    with app.app_context():
        db.session.get(Edition, world["edition"].id).lead_retention_amount = None
        db.session.commit()
    old = factory.edition(
        slug="old",
        name="Old edition",
        starts_on=date(2020, 9, 1),
        ends_on=date(2020, 9, 4),
        lead_retention_amount=1,
        lead_retention_unit="months",
    )
    factory.placement(world["booth"], factory.pavilion(old))
    factory.stand_scan(world["booth"], world["siti"], old, scanned_at=datetime(2020, 9, 2, tzinfo=UTC), notes="Old")
    with app.app_context():
        assert tasks.apply_lead_retention.run() == 1
        assert tasks.apply_lead_retention.run() == 0
        assert db.session.scalar(select(StandScan.notes).where(StandScan.edition_id == old.id)) == ""
        assert db.session.scalar(select(func.count(StandScan.id)).where(StandScan.notes != "")) == 4
