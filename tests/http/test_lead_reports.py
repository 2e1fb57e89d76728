"""Order-lead reports: compiled by the worker into CSV and XLSX, with progress, for the team or the organizers."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from expo import spreadsheets
from expo.db_types import utcnow
from expo.extensions import db
from expo.leads import reports
from expo.leads.models import LeadReport
from expo.notifications.models import Notification
from tests.conftest import first_link, log_in, outbox_messages, run_recorded_tasks

DAY = datetime(2027, 3, 10, 4, 0, tzinfo=UTC)


@pytest.fixture()
def world(factory):
    owner = factory.user(name="Owner", email="owner@booth.example")
    company = factory.company(owner=owner, name="Guangxi Gloves")
    booth = factory.booth(company)
    gloves = factory.product(booth, name="Nitrile gloves")
    masks = factory.product(booth, name="Surgical masks")
    buyers = {code: factory.user(name=f"Buyer {code}", country=code) for code in ("TH", "VN", "ID")}
    rows = [  # (buyer, kind, status, products, quantity, unit, day offset)
        ("TH", "order_request", "won", [gloves], 200, "boxes", 0),
        ("TH", "inquiry", "new", [gloves, masks], 100, "boxes", 1),
        ("VN", "order_request", "quoted", [masks], 5, "cartons", 2),
        ("ID", "inquiry", "lost", [], None, "", 3),
    ]
    for code, kind, status, products, quantity, unit, offset in rows:
        factory.inquiry(
            booth,
            buyers[code],
            kind=kind,
            status=status,
            products=products,
            quantity=quantity,
            unit=unit,
            buyer_country=code,
            buyer_organisation=f"Org {code}",
            created_at=DAY + timedelta(days=offset),
        )
    # Outside the period, and another booth's: neither is in the report.
    factory.inquiry(booth, buyers["TH"], created_at=DAY - timedelta(days=30), buyer_country="TH")
    other = factory.booth(factory.company(owner=factory.user()))
    factory.inquiry(other, buyers["VN"], created_at=DAY, buyer_country="VN")
    return {"owner": owner, "booth": booth, "company": company, "other": other}


def request_report(client, booth, **fields):
    data = {"date_from": "2027-03-01", "date_to": "2027-03-31", **fields}
    return client.post(f"/booths/{booth.slug}/leads/reports", data=data)


def sheet_rows(workbook, name):
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def section(rows, title):
    """The rows of a summary section: after its title and its header, up to the blank row."""
    start = next(index for index, row in enumerate(rows) if row and row[0] == title) + 2
    found = []
    for row in rows[start:]:
        if not row or row[0] is None:
            break
        found.append(row)
    return found


def test_a_team_report_is_compiled_by_the_worker_and_its_summary_matches_the_detail(app, client, world):
    log_in(client, world["owner"])
    response = request_report(client, world["booth"])
    assert response.status_code == 302
    page_url = response.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert "Waiting for a worker" in page and 'http-equiv="refresh"' in page
    assert re.search(r"/static/js/lead-report\.[0-9a-f]{12}\.js", page)
    progress_url = page_url + "/progress"
    assert client.get(progress_url).get_json()["status"] == "queued"

    run_recorded_tasks(app)
    progress = client.get(progress_url).get_json()
    assert progress == {
        "id": progress["id"],
        "status": "done",
        "status_label": "ready",
        "rows_done": 4,
        "rows_total": 4,
        "percent": 100,
        "rows_label": "4 of 4 leads",
        "error": "",
        "finished": True,
    }
    [mail] = [m for m in outbox_messages(app) if "order-lead report is ready" in m]
    assert "To: owner@booth.example" in mail
    assert first_link(mail, "/booths/") == page_url
    with app.app_context():
        [notice] = db.session.scalars(select(Notification).where(Notification.kind == "leads.report_done")).all()
        assert (notice.user_id, notice.title, notice.link) == (
            world["owner"].id,
            "Your order-lead report is ready",
            page_url,
        )
        assert "with 4 leads" in notice.body

    download = client.get(page_url + "/xlsx")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(download.data), read_only=True)
    assert workbook.sheetnames == ["Summary", "Leads"]
    detail = sheet_rows(workbook, "Leads")
    header, lines = detail[0], detail[1:]
    assert len(lines) == 4
    column = {name: index for index, name in enumerate(header)}
    summary = sheet_rows(workbook, "Summary")
    assert ["Leads", 4] in summary
    by_status = {row[0]: row[1] for row in section(summary, "By status")}
    assert by_status == {"New": 1, "Contacted": 0, "Quoted": 1, "Won": 1, "Lost": 1}
    assert sum(by_status.values()) == len(lines)
    by_country = {row[0]: row[1:] for row in section(summary, "By buyer country")}
    assert by_country == {"Thailand": [2, 1, 1], "Vietnam": [1, 1, 0], "Indonesia": [1, 0, 0]}
    assert {name: sum(1 for line in lines if line[column["Buyer country"]] == name) for name in by_country} == {
        name: counts[0] for name, counts in by_country.items()
    }
    assert {row[0]: row[1] for row in section(summary, "By product")} == {"Nitrile gloves": 2, "Surgical masks": 2}
    quantities = {row[0]: row[1:] for row in section(summary, "Quantities requested")}
    assert quantities == {"boxes": [2, 300], "cartons": [1, 5]}
    assert sum(line[column["Quantity"]] or 0 for line in lines if line[column["Unit"]] == "boxes") == 300
    assert isinstance(lines[0][column["Received (UTC)"]], datetime)

    csv_download = client.get(page_url + "/csv")
    assert csv_download.status_code == 200 and csv_download.mimetype == "text/csv"
    records = list(csv.reader(io.StringIO(csv_download.data.decode("utf-8-sig"))))
    assert records[0] == header and len(records) == 5


def test_text_a_spreadsheet_would_run_is_written_as_text(app, client, factory, world):
    buyer = factory.user(name="=cmd|' /C calc'!A0")
    factory.inquiry(world["booth"], buyer, created_at=DAY, buyer_organisation='=HYPERLINK("http://x")')
    log_in(client, world["owner"])
    page_url = request_report(client, world["booth"]).headers["Location"]
    run_recorded_tasks(app)
    workbook = load_workbook(io.BytesIO(client.get(page_url + "/xlsx").data))
    cells = [
        cell for row in workbook["Leads"].iter_rows() for cell in row if cell.value and str(cell.value).startswith("=")
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)
    text = client.get(page_url + "/csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=" not in text


def test_an_edition_sets_the_period_to_its_days(app, client, factory, world):
    edition = factory.edition(starts_on=date(2027, 3, 10), ends_on=date(2027, 3, 11), timezone="Asia/Shanghai")
    log_in(client, world["owner"])
    page_url = request_report(client, world["booth"], edition=str(edition.id), date_from="", date_to="").headers[
        "Location"
    ]
    run_recorded_tasks(app)
    assert client.get(page_url + "/progress").get_json()["rows_total"] == 2  # 10 and 11 March in Nanning


def test_a_period_that_ends_before_it_starts_is_refused(app, client, world):
    log_in(client, world["owner"])
    response = request_report(client, world["booth"], date_from="2027-03-31", date_to="2027-03-01")
    assert response.status_code == 400 and "The period ends before it starts." in response.get_data(as_text=True)
    missing = request_report(client, world["booth"], date_from="", date_to="")
    assert missing.status_code == 400 and "Give both dates, or choose an edition." in missing.get_data(as_text=True)


def test_progress_is_committed_chunk_by_chunk_and_no_transaction_spans_the_writing(app, client, world, monkeypatch):
    monkeypatch.setattr(reports, "CHUNK_ROWS", 1)
    open_while_writing = []
    append = spreadsheets.Sheet.append

    def watched(sheet, values, **options):
        if sheet.title == "Leads":  # a detail row (the header is written with the sheet's start)
            open_while_writing.append(db.session().in_transaction())
        return append(sheet, values, **options)

    monkeypatch.setattr(spreadsheets.Sheet, "append", watched)
    log_in(client, world["owner"])
    page_url = request_report(client, world["booth"]).headers["Location"]
    report_id = int(page_url.rsplit("/", 1)[1])
    seen = []
    with app.app_context():
        assert reports.claim(report_id)
        db.session.commit()
        for step in reports.compile_steps(report_id):
            db.session.commit()
            if step == "read":
                continue
            # Another connection (the page's poll) sees each step as it is committed.
            progress = client.get(page_url + "/progress").get_json()
            seen.append((progress["status"], progress["rows_done"], progress["rows_total"]))
    assert seen == [
        ("running", 0, 4),
        ("running", 1, 4),
        ("running", 2, 4),
        ("running", 3, 4),
        ("running", 4, 4),
        ("done", 4, 4),
    ]
    assert open_while_writing == [False] * 4


def test_rows_come_in_the_order_received_and_chunks_split_equal_times(app, client, factory, world, monkeypatch):
    # Chunks are keyed on (received, reference): two leads received in the same microsecond, split
    # across chunks of one row, are each written once.
    monkeypatch.setattr(reports, "CHUNK_ROWS", 1)
    buyer = factory.user(name="Same time")
    for _ in range(2):
        factory.inquiry(world["booth"], buyer, created_at=DAY + timedelta(days=1))
    log_in(client, world["owner"])
    page_url = request_report(client, world["booth"]).headers["Location"]
    run_recorded_tasks(app)
    header, *lines = sheet_rows(load_workbook(io.BytesIO(client.get(page_url + "/xlsx").data), read_only=True), "Leads")
    received, reference = header.index("Received (UTC)"), header.index("Reference")
    keys = [(line[received], line[reference]) for line in lines]
    assert len(lines) == 6 and len(set(keys)) == 6 and keys == sorted(keys)


def test_the_task_is_idempotent_and_a_crashed_compile_runs_again(app, client, world):
    import worker.tasks as tasks

    log_in(client, world["owner"])
    page_url = request_report(client, world["booth"]).headers["Location"]
    report_id = int(page_url.rsplit("/", 1)[1])
    run_recorded_tasks(app)
    with app.app_context():
        first_path = db.session.get(LeadReport, report_id).xlsx_path
        assert tasks.compile_lead_report.run(report_id) == "skipped"  # a redelivered task for a done report
        assert db.session.get(LeadReport, report_id).xlsx_path == first_path
        # A worker that died mid-compile: "running", heartbeat stopped.
        db.session.execute(
            update(LeadReport)
            .where(LeadReport.id == report_id)
            .values(status="running", heartbeat_at=utcnow() - timedelta(minutes=10))
        )
        db.session.commit()
        assert reports.requeue_stalled_reports() == 1
        db.session.commit()
    assert run_recorded_tasks(app) >= 1
    with app.app_context():
        report = db.session.get(LeadReport, report_id)
        assert report.status == "done" and report.attempts == 2 and report.xlsx_path != first_path
        assert not (app.config["STORAGE_PATH"] / first_path).exists()  # the old files are gone
        # A compile in progress elsewhere (fresh heartbeat) is left to its worker.
        db.session.execute(
            update(LeadReport).where(LeadReport.id == report_id).values(status="running", heartbeat_at=utcnow())
        )
        db.session.commit()
        assert tasks.compile_lead_report.run(report_id) == "skipped"


def test_a_failed_compile_says_so_and_can_be_compiled_again(app, client, world, monkeypatch):
    log_in(client, world["owner"])
    page_url = request_report(client, world["booth"]).headers["Location"]

    def broken(self, row, products):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(reports.Compiler, "_row", broken)
    run_recorded_tasks(app)
    progress = client.get(page_url + "/progress").get_json()
    assert progress["status"] == "failed" and "could not be compiled" in progress["error"]
    assert any("could not be compiled" in m for m in outbox_messages(app))
    with app.app_context():
        [notice] = db.session.scalars(select(Notification).where(Notification.kind == "leads.report_failed")).all()
        assert notice.title == "Your order-lead report could not be compiled" and "Compile it again" in notice.body
    assert client.get(page_url + "/xlsx").status_code == 404
    assert "Compile it again" in client.get(page_url).get_data(as_text=True)
    monkeypatch.undo()
    assert client.post(page_url + "/retry").status_code == 302
    run_recorded_tasks(app)
    assert client.get(page_url + "/progress").get_json()["status"] == "done"


def test_organizers_compile_across_the_expo_by_pavilion_without_buyers_details(app, client, factory, world):
    edition = factory.edition()
    health = factory.pavilion(edition, name="Health pavilion")
    other = factory.pavilion(edition, name="Thailand pavilion")
    factory.placement(world["booth"], health)
    factory.placement(world["other"], other)
    organizer = factory.organizer(edition=edition)
    log_in(client, organizer)
    response = client.post(
        "/organize/lead-reports",
        data={
            "edition": str(edition.id),
            "pavilion": str(health.id),
            "date_from": "2027-03-01",
            "date_to": "2027-03-31",
        },
    )
    assert response.status_code == 302
    page_url = response.headers["Location"]
    run_recorded_tasks(app)
    workbook = load_workbook(io.BytesIO(client.get(page_url + "/xlsx").data), read_only=True)
    header, *lines = sheet_rows(workbook, "Leads")
    assert len(lines) == 4
    assert "E-mail address" not in header and "Buyer" not in header
    assert {line[header.index("Pavilion")] for line in lines} == {"Health pavilion"}
    summary = sheet_rows(workbook, "Summary")
    assert {row[0]: row[1] for row in section(summary, "By pavilion")} == {"Health pavilion": 4}
    assert {row[0]: row[1] for row in section(summary, "By exhibitor country")} == {"China": 4}
    # Every booth of the edition, and a global organizer's report over every booth.
    everywhere = client.post(
        "/organize/lead-reports", data={"edition": str(edition.id), "date_from": "2027-03-01", "date_to": "2027-03-31"}
    )
    run_recorded_tasks(app)
    assert client.get(everywhere.headers["Location"] + "/progress").get_json()["rows_total"] == 5
    refused = client.post("/organize/lead-reports", data={"date_from": "2027-03-01", "date_to": "2027-03-31"})
    assert refused.status_code == 400 and "Choose one of the editions you organize." in refused.get_data(as_text=True)


def test_the_report_list_shows_earlier_reports(app, client, world):
    log_in(client, world["owner"])
    request_report(client, world["booth"])
    run_recorded_tasks(app)
    page = client.get(f"/booths/{world['booth'].slug}/leads/reports").get_data(as_text=True)
    assert "4 leads" in page
    with app.app_context():
        assert db.session.scalars(select(LeadReport)).one().status == "done"
