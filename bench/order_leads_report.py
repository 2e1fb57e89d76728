"""A 100,000-lead order-lead report (XLSX and CSV) compiled end to end by the worker task: how long, how big, is it right.

The data is seeded with Core bulk inserts (not timed) into a disposable database; the timed part
is exactly what a worker does for a queued report: ``worker.tasks.compile_lead_report`` (claim,
count, stream the rows in keyset chunks with a commit after each, write the CSV and the streamed
XLSX, the summary sheet, sync and rename, mark done, queue the e-mail). The output is then opened with openpyxl
and checked against the database: a wrong count fails the benchmark, a slow run never does.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.database import DEFAULT_DATABASE_URL, bench_database_url, rebuild_schema
from bench.registration_race import build_app
from bench.results import machine, write
from expo import uploads
from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.leads import reports
from expo.leads.models import InquiryItem, LeadReport, TradeInquiry

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "order_leads_report.json"
ROWS, ROUNDS, BUYERS, PRODUCTS = 100_000, 1, 5_000, 60
TARGET_SECONDS = 10.0
PERIOD = (date(2027, 1, 1), date(2027, 12, 31))
COUNTRIES = ("TH", "VN", "ID", "MY", "PH", "SG", "MM", "KH", "LA", "BN", "CN", "IN", "AE")
UNITS = ("pieces", "boxes", "cartons", "sets", "tonnes")
INCOTERMS = ("EXW", "FOB", "CIF", "CFR", "DAP", "DDP", None)
STATUSES = ("new", "contacted", "quoted", "won", "lost")
BATCH = 10_000


def seed(rows: int, *, buyers: int = BUYERS, products: int = PRODUCTS, rng_seed: int = 18) -> int:
    """One exhibitor's booth with ``rows`` inquiries from ``buyers`` buyers over a year; returns the booth id."""
    rng = random.Random(rng_seed)
    session = db.session
    owner = User(email="owner@bench.example", password_hash="x", name="Bench Owner")
    company = ExhibitorCompany(
        slug="bench-exhibitor", name="Nanning Mask Machinery Co.", country="CN", status="approved"
    )
    session.add_all([owner, company])
    session.flush()
    session.add(CompanyMember(company_id=company.id, user_id=owner.id, role="owner"))
    booth = Booth(company_id=company.id, slug="bench-exhibitor", country="CN", status="published")
    session.add(booth)
    session.flush()
    booth_id, owner_id = booth.id, owner.id
    session.execute(
        insert(Product),
        [
            {
                "booth_id": booth_id,
                "slug": f"product-{n}",
                "name": f"Product {n} surgical mask machine",
                "order_unit": UNITS[n % len(UNITS)],
                "position": n,
                "specifications": [],
                "search_text": "",
            }
            for n in range(products)
        ],
    )
    session.execute(
        insert(User),
        [
            {
                "email": f"buyer{n}@bench.example",
                "password_hash": "x",
                "name": f"Buyer {n}",
                "organisation": f"Trading Company {n} Ltd.",
                "country": COUNTRIES[n % len(COUNTRIES)],
                "session_token": f"s{n}",
                "calendar_token": f"c{n}",
            }
            for n in range(buyers)
        ],
    )
    product_rows = session.execute(select(Product.id, Product.name).where(Product.booth_id == booth_id)).all()
    buyer_ids = session.scalars(select(User.id).where(User.email.like("buyer%"))).all()
    session.commit()
    year = (PERIOD[1] - PERIOD[0]).days * 86400
    start = datetime.combine(PERIOD[0], datetime.min.time(), UTC)
    # Ids are given here (the tables are new), so each batch is one multi-row INSERT without RETURNING.
    for first in range(0, rows, BATCH):
        inquiries, count = [], min(BATCH, rows - first)
        for offset in range(count):
            created = start + timedelta(seconds=rng.randrange(year))
            answered = rng.random() < 0.8
            quantity = rng.choice((None, 50, 100, 200, 500, 1000)) if rng.random() < 0.9 else None
            inquiries.append(
                {
                    "id": first + offset + 1,
                    "booth_id": booth_id,
                    "buyer_id": rng.choice(buyer_ids),
                    "kind": "order_request" if rng.random() < 0.3 else "inquiry",
                    "status": rng.choice(STATUSES),
                    "quantity": quantity,
                    "unit": rng.choice(UNITS) if quantity else "",
                    "target_price": Decimal(rng.randrange(100, 100_000)) / 100 if rng.random() < 0.6 else None,
                    "currency": "USD",
                    "incoterm": rng.choice(INCOTERMS),
                    "destination_country": rng.choice(COUNTRIES),
                    "destination_port": rng.choice(("", "Laem Chabang", "Port Klang")),
                    "delivery_date": (created + timedelta(days=60)).date() if rng.random() < 0.5 else None,
                    "buyer_organisation": f"Trading Company {rng.randrange(buyers)} Ltd.",
                    "buyer_country": rng.choice(COUNTRIES),
                    "assignee_id": owner_id if rng.random() < 0.5 else None,
                    "first_response_at": created + timedelta(minutes=rng.randrange(5, 4000)) if answered else None,
                    "buyer_activity_at": created,
                    "last_activity_at": created,
                    "status_changed_at": created,
                    "created_at": created,
                }
            )
        session.execute(insert(TradeInquiry.__table__), inquiries)
        items = []
        for inquiry_id in (inquiry["id"] for inquiry in inquiries):
            for product_id, name in rng.sample(product_rows, rng.choice((1, 1, 2))):
                items.append({"inquiry_id": inquiry_id, "product_id": product_id, "product_name": name})
        session.execute(insert(InquiryItem.__table__), items)
        session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('trade_inquiries', 'id'), :last)"), {"last": rows})
        session.commit()
    return booth_id


def expected_counts(report: LeadReport) -> dict[str, Any]:
    """What the files must hold, counted by the database itself."""
    scope = reports._scope(report)
    by_status = dict(
        db.session.execute(select(TradeInquiry.status, func.count()).where(*scope).group_by(TradeInquiry.status)).all()
    )
    quantities = dict(
        db.session.execute(
            select(TradeInquiry.unit, func.sum(TradeInquiry.quantity))
            .where(*scope, TradeInquiry.quantity.is_not(None))
            .group_by(TradeInquiry.unit)
        ).all()
    )
    return {
        "rows": sum(by_status.values()),
        "by_status": by_status,
        "quantities": {unit: int(total) for unit, total in quantities.items()},
    }


def check_output(report: LeadReport, expected: dict[str, Any]) -> dict[str, Any]:
    from openpyxl import load_workbook

    root = uploads.storage_root()
    workbook = load_workbook(root / report.xlsx_path, read_only=True)
    detail_rows = sum(1 for _ in workbook["Leads"].iter_rows(values_only=True)) - 1
    summary = [list(row) for row in workbook["Summary"].iter_rows(values_only=True)]
    leads_total = next(row[1] for row in summary if row and row[0] == "Leads")
    start = next(i for i, row in enumerate(summary) if row and row[0] == "By status") + 2
    status_total = sum(row[1] for row in summary[start : start + 5])
    start = next(i for i, row in enumerate(summary) if row and row[0] == "Quantities requested") + 2
    quantities = {}
    for row in summary[start:]:
        if not row or row[0] is None:
            break
        quantities[row[0]] = row[2]
    with open(root / report.csv_path, encoding="utf-8-sig") as handle:
        csv_rows = sum(1 for _ in handle) - 1
    correct = (
        detail_rows == leads_total == status_total == csv_rows == expected["rows"] == report.rows_total
        and quantities == expected["quantities"]
    )
    return {
        "detail_rows": detail_rows,
        "csv_rows": csv_rows,
        "summary_leads": leads_total,
        "summary_status_total": status_total,
        "quantities_match": quantities == expected["quantities"],
        "correct": correct,
    }


def run_round(app, booth_id: int, xlsx: str = "own") -> dict[str, Any]:
    import worker.tasks as tasks

    if xlsx == "library":  # the kept way, measured against expo.spreadsheets (bench/xlsx_library.py)
        from bench.xlsx_library import XlsxWriterWorkbook

        reports.StreamingWorkbook = XlsxWriterWorkbook

    with app.test_request_context():
        owner = db.session.scalar(select(User).where(User.email == "owner@bench.example"))
        booth = db.session.get(Booth, booth_id)
        report = reports.request_booth_report(
            owner, booth, period_from=PERIOD[0], period_to=PERIOD[1], timezone="Asia/Shanghai"
        )
        db.session.commit()
        report_id = report.id
        db.session.remove()
    app.extensions["expo.recorded_tasks"].clear()
    with app.app_context():
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = tasks.compile_lead_report.run(report_id)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.session.remove()
        report = db.session.get(LeadReport, report_id)
        checked = check_output(report, expected_counts(report)) if outcome == "done" else {"correct": False}
        result = {
            "outcome": outcome,
            "wall_seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3),
            "rows": report.rows_total,
            "rows_per_second": round(report.rows_total / wall) if wall else 0,
            "xlsx_bytes": report.xlsx_size,
            "csv_bytes": report.csv_size,
            **checked,
        }
        db.session.remove()
    return result


def run(
    database_url: str | None = None,
    *,
    rows: int = ROWS,
    rounds: int = ROUNDS,
    xlsx: str = "own",
    results_path: Path | None = RESULTS_PATH,
) -> dict[str, Any]:
    url = bench_database_url(database_url)
    before_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="expo-bench-") as instance:
        app = build_app(url, connections=2, instance_path=instance)
        with app.app_context():
            server = rebuild_schema()
            seeded = time.perf_counter()
            booth_id = seed(rows)
            seed_seconds = time.perf_counter() - seeded
            db.session.remove()
        writer = reports.StreamingWorkbook
        try:
            results = [run_round(app, booth_id, xlsx) for _ in range(rounds)]
        finally:
            reports.StreamingWorkbook = writer
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    median_wall = round(statistics.median(r["wall_seconds"] for r in results), 3)
    report = {
        "benchmark": "order_leads_report",
        **machine(before_load),
        "database": server,
        "rows": rows,
        "xlsx_writer": xlsx,
        "seed_seconds": round(seed_seconds, 1),
        "target_seconds": TARGET_SECONDS,
        "median_wall_seconds": median_wall,
        "met_target": median_wall <= TARGET_SECONDS,
        "correct": all(r["correct"] for r in results),
        "rounds": results,
    }
    write(results_path, report)
    return report


def format_table(report: dict[str, Any]) -> str:
    header = ("round", "wall s", "CPU s", "rows", "rows/s", "XLSX MB", "CSV MB", "correct")
    lines = [header]
    for number, r in enumerate(report["rounds"], 1):
        lines.append(
            (
                str(number),
                f"{r['wall_seconds']:.2f}",
                f"{r['cpu_seconds']:.2f}",
                str(r["rows"]),
                str(r["rows_per_second"]),
                f"{r['xlsx_bytes'] / 1e6:.1f}",
                f"{r['csv_bytes'] / 1e6:.1f}",
                "yes" if r["correct"] else "NO",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths)) for line in lines]
    table.insert(1, "  ".join("-" * width for width in widths))
    verdict = "met" if report["met_target"] else "MISSED"
    title = (
        f"order_leads_report: {report['rows']} leads, XLSX by the {report['xlsx_writer']} writer, "
        f"{report['database']}, {report['cpus']} CPUs "
        f"(seeded in {report['seed_seconds']} s)"
    )
    footer = (
        f"median wall {report['median_wall_seconds']:.2f} s; target <= {report['target_seconds']:.0f} s "
        f"{verdict}; load average {report['load_average'][0]:.1f} before, {report['load_average'][1]:.1f} after"
    )
    return "\n".join([title, *table, footer])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench order_leads_report", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--database-url",
        help=f"default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}; sqlite:///path.sqlite runs it on SQLite",
    )
    parser.add_argument(
        "--xlsx",
        choices=("own", "library"),
        default="own",
        help="write the XLSX with expo.spreadsheets (own) or XlsxWriter (bench/xlsx_library.py)",
    )
    args = parser.parse_args(argv)
    report = run(args.database_url, rows=args.rows, rounds=args.rounds, xlsx=args.xlsx)
    print(format_table(report))
    print(f"written to {RESULTS_PATH}")
    # Wrong counts fail; a slow compile is reported, never failed.
    return 0 if report["correct"] else 1
