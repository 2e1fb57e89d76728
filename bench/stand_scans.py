"""A device syncing its queue of stand scans: 5,000 badge scans sent in batches of 500 to
``expo.leads.stand_scans.record_stand_scans``, each batch in its own request context and transaction
as the sync endpoint runs it, on PostgreSQL; then the whole queue sent again (a sync whose answer
was lost). It fails (status 1) unless every scan is stored exactly once and the second sending
changes nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask

from bench.database import rebuild_schema
from bench.results import machine, write

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/expo_bench_standscans"
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "stand_scans.json"


def _app(database_url: str, instance: Path) -> Flask:
    from bench.database import ensure_postgres_database
    from expo import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": ensure_postgres_database(database_url),
            "SECRET_KEY": "s" * 40,
            "TASKS_RECORD_ONLY": True,
            "REDIS_URL": None,
        },
        instance_path=str(instance),
    )


def _world(app: Flask, visitors: int) -> dict:
    """An edition, a booth placed in it with two products, its staff member, and ``visitors``
    people with a badge each (written in bulk: the scans are what is measured)."""
    from sqlalchemy import insert, select

    from expo.accounts.models import User
    from expo.badges.codes import badge_payload
    from expo.badges.models import Badge
    from expo.booths.models import Booth, BoothPlacement
    from expo.catalog.models import Product
    from expo.editions.models import Edition, Pavilion
    from expo.exhibitors.models import CompanyMember, ExhibitorCompany
    from expo.extensions import db

    with app.app_context():
        server = rebuild_schema()
        today = date.today()
        edition = Edition(slug="bench", name="Bench edition", starts_on=today, ends_on=today + timedelta(days=3))
        pavilion = Pavilion(edition=edition, slug="hall", name="Hall")
        staff = User(email="staff@bench.example", password_hash="x", name="Staff")
        company = ExhibitorCompany(slug="bench", name="Bench Co", status=ExhibitorCompany.Status.APPROVED)
        company.members.append(CompanyMember(user=staff, role=CompanyMember.STAFF))
        booth = Booth(company=company, slug="bench", status=Booth.Status.PUBLISHED)
        products = [Product(booth=booth, slug=f"p{n}", name=f"Product {n}") for n in range(2)]
        db.session.add_all([edition, pavilion, staff, company, booth, *products])
        db.session.flush()
        db.session.add(BoothPlacement(booth_id=booth.id, edition_id=edition.id, pavilion_id=pavilion.id))
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"visitor{n}@bench.example",
                    "password_hash": "x",
                    "name": f"Visitor {n}",
                    "organisation": f"Org {n % 300}",
                    "country": ("TH", "VN", "MY", "ID", "PH")[n % 5],
                    "share_contact_on_badge_scan": n % 2 == 0,
                }
                for n in range(visitors)
            ],
        )
        ids = db.session.scalars(select(User.id).where(User.email.like("visitor%")).order_by(User.id)).all()
        db.session.execute(
            insert(Badge),
            [
                {"edition_id": edition.id, "user_id": user_id, "role": Badge.Role.DELEGATE, "name": "V", "serial": 1}
                for user_id in ids
            ],
        )
        db.session.commit()
        return {
            "server": server,
            "booth_id": booth.id,
            "staff_id": staff.id,
            "product_ids": tuple(product.id for product in products),
            "payloads": [badge_payload(edition.id, user_id, 1) for user_id in ids],
        }


def _queue(world: dict, scans: int) -> list:
    from expo.leads.stand_scans import StandScanInput

    started = datetime.now(UTC) - timedelta(hours=3)
    payloads = world["payloads"]
    return [
        StandScanInput(
            scan_id=str(uuid.uuid4()),
            payload=payloads[n % len(payloads)],
            scanned_at=started + timedelta(seconds=n),
            rating=1 + n % 5,
            notes="Asked for a quotation" if n % 3 == 0 else "",
            tags=("distributor",) if n % 2 else (),
            product_ids=world["product_ids"][: 1 + n % 2],
        )
        for n in range(scans)
    ]


def _sync(app: Flask, world: dict, queue: list, batch: int) -> dict:
    """Send the queue as a device does, one transaction per batch; time each and count its statements."""
    from sqlalchemy import event

    from expo.accounts.models import User
    from expo.booths.models import Booth
    from expo.extensions import db
    from expo.leads.stand_scans import record_stand_scans

    statements: list[int] = []

    def count(*_args) -> None:
        statements[-1] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    timings, results = [], {}
    try:
        wall = time.perf_counter()
        for start in range(0, len(queue), batch):
            statements.append(0)
            began = time.perf_counter()
            with app.test_request_context("/sync", method="POST"):
                actor = db.session.get(User, world["staff_id"])
                booth = db.session.get(Booth, world["booth_id"])
                for outcome in record_stand_scans(actor, booth, queue[start : start + batch]):
                    results[outcome.result] = results.get(outcome.result, 0) + 1
                db.session.commit()
            timings.append(time.perf_counter() - began)
        wall = time.perf_counter() - wall
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {
        "wall_s": round(wall, 3),
        "batches": len(timings),
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "max_ms": round(max(timings) * 1000, 1),
        "statements_per_batch": max(statements),
        "results": results,
    }


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench stand_scans", description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--scans", type=int, default=5000)
    parser.add_argument("--visitors", type=int, default=3000, help="distinct badges; the rest are second scans")
    parser.add_argument("--batch", type=int, default=500)
    options = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as instance:
        app = _app(options.database_url, Path(instance))
        world = _world(app, options.visitors)
        queue = _queue(world, options.scans)
        first = _sync(app, world, queue, options.batch)
        again = _sync(app, world, queue, options.batch)
        from sqlalchemy import func, select

        from expo.extensions import db
        from expo.leads.models import StandScan

        with app.app_context():
            stored = db.session.scalar(select(func.count(StandScan.id)))
            recorded = db.session.scalar(
                select(func.count(StandScan.id)).where(StandScan.outcome == StandScan.Outcome.RECORDED)
            )
    correct = (
        stored == recorded == options.scans
        and first["results"] == {"recorded": options.scans}
        and again["results"] == {"already_recorded": options.scans}
    )
    report = {
        "benchmark": "stand_scans",
        "machine": machine(load_before),
        "database": world["server"],
        "scans": options.scans,
        "visitors": options.visitors,
        "batch": options.batch,
        "first_sync": first,
        "second_sync": again,
        "stored": stored,
        "correct": correct,
    }
    write(RESULTS_PATH, report)
    print(f"{'sync':<8} {'wall s':>7} {'batches':>8} {'p50 ms':>8} {'max ms':>8} {'stmts/batch':>12}  results")
    for name, run in (("first", first), ("again", again)):
        print(
            f"{name:<8} {run['wall_s']:>7} {run['batches']:>8} {run['p50_ms']:>8} {run['max_ms']:>8} "
            f"{run['statements_per_batch']:>12}  {run['results']}"
        )
    print(f"stored {stored} scans ({recorded} recorded): {'exactly once' if correct else 'WRONG'}")
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
