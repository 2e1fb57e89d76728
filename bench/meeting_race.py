"""200 buyers accept meeting slots of one exhibitor's staff member at the same instant: ten slots,
twenty acceptances racing for each. How long until it settles, and is anyone booked twice.

The exhibitor's team invited 200 buyers, twenty to each of its staff member's ten 20-minute
slots; every buyer presses "Accept" at once (``race`` from bench.registration_race: one thread per
request, each in its own application context and session, released together by a barrier, each
committing once). Exactly one acceptance per slot may win; the others get SlotTaken ("… is no
longer free at 10:20; pick another slot"). The concurrency tests use the same arrangement.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select

from bench.database import DEFAULT_DATABASE_URL, bench_database_url, rebuild_schema
from bench.registration_race import (
    Race,
    add_people,
    build_app,
    connection_budget,
    percentile,
    race,
    warm_pool,
)
from bench.results import machine, write
from expo.accounts.models import User
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.meetings import services
from expo.meetings.models import Meeting, MeetingAttendee, MeetingHold, MeetingStatus, Mode, Origin, Place, Side

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "meeting_race.json"
BUYERS, SLOTS, ROUNDS = 200, 10, 3
SLOT_MINUTES = 20
# 09:00 at a venue in UTC+8 on 11 September next year: always ahead, so every slot can still be accepted.
FIRST_SLOT = datetime(date.today().year + 1, 9, 11, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Arranged:
    staff_id: int
    buyer_ids: list[int]
    meeting_ids: list[int]


def arrange(buyers: int = BUYERS, slot_count: int = SLOTS) -> Arranged:
    """An edition, a team of one staff member, ``buyers`` buyers and one open invitation each, to one
    of the staff member's ``slot_count`` slots in turn; committed."""
    tag = secrets.token_hex(4)
    edition = Edition(
        slug=f"meet-{tag}",
        name=f"Meet {tag}",
        starts_on=FIRST_SLOT.date() - timedelta(days=1),
        ends_on=FIRST_SLOT.date() + timedelta(days=2),
        timezone="Asia/Shanghai",
        status=Edition.Status.PUBLISHED,
    )
    company = ExhibitorCompany(slug=f"meet-{tag}", name=f"Team {tag}", status=ExhibitorCompany.Status.APPROVED)
    db.session.add_all([edition, company])
    db.session.flush()
    staff_id, *buyer_ids = add_people(buyers + 1)
    db.session.add(CompanyMember(company_id=company.id, user_id=staff_id, role=CompanyMember.OWNER))
    rows = []
    for index, buyer_id in enumerate(buyer_ids):
        starts_at = FIRST_SLOT + timedelta(minutes=SLOT_MINUTES * (index % slot_count))
        rows.append(
            {
                "edition_id": edition.id,
                "buyer_id": buyer_id,
                "company_id": company.id,
                "origin": Origin.REQUESTED,
                "requested_by": Side.TEAM,
                "requester_id": staff_id,
                "status": MeetingStatus.REQUESTED,
                "awaiting": Side.BUYER,
                "revision": 1,
                "mode": Mode.ONLINE,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=SLOT_MINUTES),
                "place": Place.VIDEO,
                "video_url": "https://meet.example.com/team",
                "message": "",
                "reason": "",
                "buyer_note": "",
                "team_note": "",
            }
        )
    meeting_ids = list(db.session.scalars(insert(Meeting).returning(Meeting.id, sort_by_parameter_order=True), rows))
    db.session.execute(
        insert(MeetingAttendee), [{"meeting_id": meeting_id, "user_id": staff_id} for meeting_id in meeting_ids]
    )
    db.session.commit()
    return Arranged(staff_id, buyer_ids, meeting_ids)


def accept_work(arranged: Arranged) -> Callable[[int], str]:
    """Racer i is buyer i pressing "Accept" on their invitation, as the view does."""

    def work(index: int) -> str:
        buyer = db.session.get(User, arranged.buyer_ids[index])  # Flask-Login's user loader
        meeting = services.find_meeting(arranged.meeting_ids[index])  # the view's loader
        services.accept(buyer, meeting, meeting.revision)
        return "accepted"

    return work


@dataclass
class Tally:
    accepted_per_slot: Counter[datetime]
    holds: int
    statuses: Counter[str]

    @property
    def double_booked(self) -> int:
        """Slots the staff member holds more than one accepted meeting at."""
        return sum(1 for count in self.accepted_per_slot.values() if count > 1)


def tally(arranged: Arranged) -> Tally:
    """What the database holds now (read in a fresh session)."""
    db.session.remove()
    accepted = db.session.scalars(
        select(Meeting.starts_at).where(Meeting.id.in_(arranged.meeting_ids), Meeting.status == MeetingStatus.ACCEPTED)
    ).all()
    statuses = dict(
        db.session.execute(
            select(Meeting.status, func.count(Meeting.id))
            .where(Meeting.id.in_(arranged.meeting_ids))
            .group_by(Meeting.status)
        ).all()
    )
    holds = db.session.scalar(select(func.count(MeetingHold.id)).where(MeetingHold.person_id == arranged.staff_id))
    db.session.remove()
    return Tally(Counter(accepted), holds or 0, Counter(statuses))


def meetings_race(
    app: Flask, buyers: int = BUYERS, slot_count: int = SLOTS, *, timeout: float = 120
) -> tuple[Race, Arranged]:
    with app.app_context():
        arranged = arrange(buyers, slot_count)
    return race(app, buyers, accept_work(arranged), timeout=timeout), arranged


def run_round(app: Flask, buyers: int, slot_count: int) -> dict[str, Any]:
    result, arranged = meetings_race(app, buyers, slot_count)
    with app.app_context():
        counts = tally(arranged)
    errors = Counter(type(error).__name__ for error in result.errors)
    latencies = result.latencies
    holds_expected = slot_count * (SLOT_MINUTES // 5)
    return {
        "wall_seconds": round(result.seconds, 4),
        "client_cpu_seconds": round(result.cpu_seconds, 3),
        "latency_ms": {
            name: round(percentile(latencies, q) * 1000, 1) for name, q in (("p50", 0.50), ("p95", 0.95), ("max", 1.0))
        },
        "accepted": sum(counts.accepted_per_slot.values()),
        "slots_booked": len(counts.accepted_per_slot),
        "double_booked_slots": counts.double_booked,
        "refused_slot_taken": errors.get("SlotTaken", 0),
        "other_errors": sum(count for name, count in errors.items() if name != "SlotTaken"),
        "error_examples": sorted(
            {f"{type(e).__name__}: {e}"[:200] for e in result.errors if type(e).__name__ != "SlotTaken"}
        )[:3],
        "staff_holds": counts.holds,
        "correct": (
            counts.double_booked == 0
            and len(counts.accepted_per_slot) == slot_count
            and sum(counts.accepted_per_slot.values()) == slot_count
            and errors.get("SlotTaken", 0) == buyers - slot_count
            and counts.holds == holds_expected
        ),
    }


def run(
    database_url: str | None = None,
    *,
    buyers: int = BUYERS,
    slot_count: int = SLOTS,
    rounds: int = ROUNDS,
    results_path: Path | None = RESULTS_PATH,
) -> dict[str, Any]:
    url = bench_database_url(database_url)
    connections = connection_budget(url, buyers)
    before_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="expo-bench-") as instance:
        app = build_app(url, connections=connections, instance_path=instance)
        with app.app_context():
            server = rebuild_schema()
        warm_pool(app, connections)
        results = [run_round(app, buyers, slot_count) for _ in range(rounds)]
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    report = {
        "benchmark": "meeting_race",
        **machine(before_load),
        "database": server,
        "buyers": buyers,
        "slots": slot_count,
        "connections": connections,
        "median_wall_seconds": round(statistics.median(r["wall_seconds"] for r in results), 4),
        "correct": all(r["correct"] for r in results),
        "rounds": results,
    }
    write(results_path, report)
    return report


def format_table(report: dict[str, Any]) -> str:
    header = (
        "round",
        "wall s",
        "client CPU s",
        "p50 ms",
        "p95 ms",
        "max ms",
        "accepted",
        "double-booked",
        "refused",
        "errors",
        "correct",
    )
    rows = [header]
    for number, r in enumerate(report["rounds"], 1):
        latency = r["latency_ms"]
        rows.append(
            (
                str(number),
                f"{r['wall_seconds']:.3f}",
                f"{r['client_cpu_seconds']:.2f}",
                f"{latency['p50']:.1f}",
                f"{latency['p95']:.1f}",
                f"{latency['max']:.1f}",
                str(r["accepted"]),
                str(r["double_booked_slots"]),
                str(r["refused_slot_taken"]),
                str(r["other_errors"]),
                "yes" if r["correct"] else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    title = (
        f"meeting_race: {report['buyers']} buyers accept {report['slots']} slots of one staff member, "
        f"{report['connections']} connections, {report['database']}, {report['cpus']} CPUs"
    )
    footer = (
        f"median time to settle {report['median_wall_seconds']:.3f} s; load average "
        f"{report['load_average'][0]:.1f} before, {report['load_average'][1]:.1f} after"
    )
    return "\n".join([title, *lines, footer])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench meeting_race", description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=BUYERS)
    parser.add_argument("--slots", type=int, default=SLOTS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--database-url", help=f"default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}")
    args = parser.parse_args(argv)
    report = run(args.database_url, buyers=args.buyers, slot_count=args.slots, rounds=args.rounds)
    print(format_table(report))
    print(f"written to {RESULTS_PATH}")
    for number, r in enumerate(report["rounds"], 1):
        for example in r["error_examples"]:
            print(f"round {number} error: {example}", file=sys.stderr)
    # A double booking or an unexpected error fails; a slow settle is reported.
    return 0 if report["correct"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
