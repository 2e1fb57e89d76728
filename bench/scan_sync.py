"""One check-in device syncs 5,000 queued scans on PostgreSQL: how long, and exactly once.

The queue is what a door's phone holds after a morning without network: mostly first check-ins,
some tickets another door checked in first (duplicates), and the scans of a batch whose answer was
lost and that the app therefore sends again (re-sends). It is sent as the app sends it: batches of
500 (``expo.checkin.services.MAX_SYNC_BATCH``), one after another, as JSON POSTs to
``/editions/<slug>/checkin/sync`` through the Flask test client, signed in as check-in staff, with
the page's CSRF token. Then the whole queue is sent once more (every answer lost) and must change
nothing. The answers and the database are counted; a wrong count exits 1, a slow run does not.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select, text, update

from bench.database import DEFAULT_DATABASE_URL, bench_database_url, rebuild_schema
from bench.registration_race import build_app
from bench.results import machine, write
from expo.extensions import db

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "scan_sync.json"
SCANS = 5000
DUPLICATES = 250  # tickets another door checked in before this device synced
RESENDS = 250  # scans of a batch synced before whose answer was lost
ROUNDS = 3
SESSIONS = 10
TARGET_SECONDS = 10.0
PASSWORD = "bench-door-staff-password"


def arrange(app: Flask, scans: int, duplicates: int, resends: int, seed: int) -> dict[str, Any]:
    """An edition made months ago, its sessions, one confirmed registration per scanned ticket, and
    a check-in staff member; ``duplicates`` tickets already checked in at the online door."""
    from expo.accounts.models import EditionRole, User
    from expo.accounts.services import hash_password
    from expo.editions.models import Edition
    from expo.forums.models import Forum, ProgrammeSession
    from expo.registrations import tickets
    from expo.registrations.models import Registration, new_ticket_code

    tag = uuid.uuid4().hex[:8]
    people = scans  # one ticket per scan in the queue
    with app.test_request_context():
        edition = Edition(
            slug=f"scan-sync-{tag}",
            name=f"Scan sync {tag}",
            starts_on=date(2027, 9, 10),
            ends_on=date(2027, 9, 13),
            timezone="Asia/Shanghai",
            status=Edition.Status.PUBLISHED,
            created_at=datetime.now(UTC) - timedelta(days=120),
        )
        forum = Forum(edition=edition, slug=f"forum-{tag}", title="Bench forum", kind="main")
        db.session.add_all([edition, forum])
        db.session.flush()
        starts = datetime(2027, 9, 11, 1, 0, tzinfo=UTC)
        session_ids = []
        for number in range(SESSIONS):
            session = ProgrammeSession(
                forum_id=forum.id,
                title=f"Session {number + 1}",
                starts_at=starts + timedelta(hours=number),
                ends_at=starts + timedelta(hours=number, minutes=50),
            )
            db.session.add(session)
            db.session.flush()
            session_ids.append(session.id)
        staff = User(
            email=f"door-{tag}@bench.example",
            password_hash=hash_password(PASSWORD),
            name="Door staff",
            email_confirmed_at=datetime.now(UTC),
        )
        other_door = User(email=f"other-door-{tag}@bench.example", password_hash="!", name="Other door")
        db.session.add_all([staff, other_door])
        db.session.flush()
        db.session.add(EditionRole(user_id=staff.id, edition_id=edition.id, kind=EditionRole.CHECKIN))
        user_ids = list(
            db.session.scalars(
                insert(User).returning(User.id, sort_by_parameter_order=True),
                [
                    {"email": f"visitor-{tag}-{i}@bench.example", "password_hash": "!", "name": f"Visitor {i}"}
                    for i in range(people)
                ],
            )
        )
        codes = [new_ticket_code() for _ in range(people)]
        registration_ids = list(
            db.session.scalars(
                insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
                [
                    {
                        "user_id": user_id,
                        "session_id": session_ids[i % SESSIONS],
                        "status": Registration.Status.CONFIRMED,
                        "ticket_code": code,
                        "answers": {},
                    }
                    for i, (user_id, code) in enumerate(zip(user_ids, codes, strict=True))
                ],
            )
        )
        # Another door checked these in online before this device came back.
        earlier = registration_ids[:duplicates]
        db.session.execute(
            update(Registration)
            .where(Registration.id.in_(earlier))
            .values(checked_in_at=datetime.now(UTC) - timedelta(hours=2), checked_in_by_id=other_door.id)
        )
        payloads = [tickets.payload_for_code(code) for code in codes]
        db.session.commit()
        arranged = {"slug": edition.slug, "edition_id": edition.id, "email": staff.email, "ids": registration_ids}
    # The queue: each ticket scanned once, at its own time this morning, shuffled as doors are.
    rng = random.Random(seed)
    morning = datetime.now(UTC) - timedelta(hours=3)
    queue = [
        {"id": str(uuid.uuid4()), "code": payload, "scanned_at": (morning + timedelta(seconds=i)).isoformat()}
        for i, payload in enumerate(payloads)
    ]
    lost_answer = rng.sample(queue[duplicates:], resends)  # first check-ins whose answer was lost
    rng.shuffle(queue)
    arranged["queue"] = queue
    arranged["lost_answer"] = lost_answer
    arranged["scanned_at"] = {item["code"]: item["scanned_at"] for item in queue}
    return arranged


def signed_in_client(app: Flask, email: str, slug: str):
    """A check-in phone: signed in, holding the check-in page's CSRF token."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = client.get(f"/editions/{slug}/checkin/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    return client, token


def send(client, token: str, slug: str, scans: list[dict], batch: int) -> tuple[list[dict], list[float]]:
    """The app's sync: batches one after another; every answer kept, in order."""
    answers, seconds = [], []
    for start in range(0, len(scans), batch):
        began = time.perf_counter()
        response = client.post(
            f"/editions/{slug}/checkin/sync",
            json={"scans": scans[start : start + batch]},
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        )
        seconds.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"sync answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
        answers.extend(response.get_json()["results"])
    return answers, seconds


def database_counts(app: Flask, arranged: dict[str, Any]) -> dict[str, int]:
    from expo.audit.models import AuditAction, AuditEntry
    from expo.checkin.models import CheckinScan
    from expo.registrations.models import Registration

    with app.app_context():
        ids = arranged["ids"]
        return {
            "checked_in": db.session.scalar(
                select(func.count()).where(Registration.id.in_(ids), Registration.checked_in_at.is_not(None))
            ),
            "scans_stored": db.session.scalar(
                select(func.count()).select_from(CheckinScan).where(CheckinScan.edition_id == arranged["edition_id"])
            ),
            "audit_entries": db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.edition_id == arranged["edition_id"],
                    AuditEntry.action == AuditAction.TICKET_CHECKED_IN.value,
                )
            ),
        }


def times_kept(app: Flask, arranged: dict[str, Any]) -> int:
    """First check-ins whose recorded time is not the time the device scanned them."""
    from expo.registrations import tickets
    from expo.registrations.models import Registration

    wrong = 0
    with app.test_request_context():
        rows = db.session.execute(
            select(Registration.ticket_code, Registration.checked_in_at).where(
                Registration.id.in_(arranged["ids"][len(arranged["ids"]) // 2 :])  # the later half: none pre-checked
            )
        )
        for code, checked_in_at in rows:
            scanned_at = datetime.fromisoformat(arranged["scanned_at"][tickets.payload_for_code(code)])
            if checked_in_at != scanned_at:
                wrong += 1
    return wrong


def backend_cpu_seconds(pid: int | None) -> float | None:
    """CPU the PostgreSQL backend serving this benchmark has used (it runs on this machine): with
    the client's CPU, what the sync costs whatever else keeps the machine busy."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pid(app: Flask) -> int | None:
    """The server process behind the one pooled connection (None on SQLite)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return None
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
        return pid


def run_round(app: Flask, scans: int, duplicates: int, resends: int, batch: int, seed: int) -> dict[str, Any]:
    arranged = arrange(app, scans, duplicates, resends, seed)
    client, token = signed_in_client(app, arranged["email"], arranged["slug"])
    # The batch whose answer was lost: it reached the server, the phone never heard, so its scans
    # are still in the queue and go again with the rest.
    first_answers, _ = send(client, token, arranged["slug"], arranged["lost_answer"], batch)
    queue = arranged["queue"]

    pid = backend_pid(app)
    server_before = backend_cpu_seconds(pid)
    cpu_before = time.process_time()
    began = time.perf_counter()
    answers, batch_seconds = send(client, token, arranged["slug"], queue, batch)
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu_before
    server_after = backend_cpu_seconds(pid)
    server_cpu = server_after - server_before if server_before is not None and server_after is not None else None
    after_sync = database_counts(app, arranged)

    began = time.perf_counter()
    again, _ = send(client, token, arranged["slug"], queue, batch)  # every answer lost: all sent again
    resend_wall = time.perf_counter() - began
    after_resend = database_counts(app, arranged)

    outcomes = Counter(answer["status"] for answer in answers)
    expected = {
        "answers": {"checked_in": scans - duplicates, "duplicate": duplicates},
        "database": {"checked_in": scans, "scans_stored": scans, "audit_entries": scans - duplicates},
    }
    problems = []
    if dict(outcomes) != expected["answers"]:
        problems.append(f"answers {dict(outcomes)}, expected {expected['answers']}")
    if after_sync != expected["database"]:
        problems.append(f"database {after_sync}, expected {expected['database']}")
    if after_resend != after_sync:
        problems.append(f"sending everything again changed the database: {after_resend}")
    if [a["id"] for a in answers] != [s["id"] for s in queue]:
        problems.append("answers are not in the order of the scans")
    if again != answers:
        problems.append("sending everything again did not give the same answers")
    first_by_id = {answer["id"]: answer for answer in first_answers}
    if any(answer != first_by_id[answer["id"]] for answer in answers if answer["id"] in first_by_id):
        problems.append("a re-sent scan did not get its first answer")
    moved = times_kept(app, arranged)
    if moved:
        problems.append(f"{moved} check-ins are not recorded at the time they were scanned")
    return {
        "scans": len(queue),
        "batches": len(batch_seconds),
        "wall_seconds": round(wall, 3),
        "client_cpu_seconds": round(cpu, 3),
        "server_cpu_seconds": round(server_cpu, 3) if server_cpu is not None else None,
        "scans_per_second": round(len(queue) / wall),
        "batch_ms_median": round(statistics.median(batch_seconds) * 1000),
        "batch_ms_max": round(max(batch_seconds) * 1000),
        "resend_all_seconds": round(resend_wall, 3),
        "answers": dict(outcomes),
        "database": after_sync,
        "correct": not problems,
        "problems": problems,
    }


def run(
    database_url: str | None = None,
    *,
    scans: int = SCANS,
    duplicates: int = DUPLICATES,
    resends: int = RESENDS,
    rounds: int = ROUNDS,
    results_path: Path | None = RESULTS_PATH,
) -> dict[str, Any]:
    from expo.checkin.services import MAX_SYNC_BATCH

    url = bench_database_url(database_url)
    before_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="expo-bench-") as instance:
        # One connection, as one phone's requests come one after another: its backend is measured.
        app = build_app(url, connections=1, instance_path=instance)
        with app.app_context():
            server = rebuild_schema()
        results = [run_round(app, scans, duplicates, resends, MAX_SYNC_BATCH, seed=number) for number in range(rounds)]
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    median_wall = round(statistics.median(r["wall_seconds"] for r in results), 3)
    report = {
        "benchmark": "scan_sync",
        **machine(before_load),
        "database": server,
        "scans": scans,
        "duplicates": duplicates,
        "resends": resends,
        "batch": MAX_SYNC_BATCH,
        "target_seconds": TARGET_SECONDS,
        "median_wall_seconds": median_wall,
        "met_target": median_wall <= TARGET_SECONDS,
        "correct": all(r["correct"] for r in results),
        "rounds": results,
    }
    write(results_path, report)
    return report


def format_table(report: dict[str, Any]) -> str:
    lines = [
        f"scan_sync: {report['scans']} scans ({report['duplicates']} duplicates, {report['resends']} re-sends) "
        f"in batches of {report['batch']}, {report['database']}, load average {report['load_average']}",
        "| round | wall s | client CPU s | server CPU s | scans/s | batch ms p50 | batch ms max | re-send all s "
        "| checked in | duplicate | correct |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for number, r in enumerate(report["rounds"], 1):
        lines.append(
            f"| {number} | {r['wall_seconds']:.2f} | {r['client_cpu_seconds']:.2f} | {r['server_cpu_seconds']} "
            f"| {r['scans_per_second']} "
            f"| {r['batch_ms_median']} | {r['batch_ms_max']} | {r['resend_all_seconds']:.2f} "
            f"| {r['answers'].get('checked_in', 0)} | {r['answers'].get('duplicate', 0)} | {r['correct']} |"
        )
    lines.append(
        f"median wall {report['median_wall_seconds']:.2f} s (target at most {report['target_seconds']:.0f} s: "
        f"{'met' if report['met_target'] else 'NOT met'}); exactly once: {report['correct']}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scan_sync", description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=SCANS)
    parser.add_argument("--duplicates", type=int, default=DUPLICATES)
    parser.add_argument("--resends", type=int, default=RESENDS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--database-url",
        help=f"default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL} (emptied and rebuilt: never one you care about)",
    )
    args = parser.parse_args(argv)
    report = run(
        args.database_url, scans=args.scans, duplicates=args.duplicates, resends=args.resends, rounds=args.rounds
    )
    print(format_table(report))
    print(f"written to {RESULTS_PATH}")
    for number, r in enumerate(report["rounds"], 1):
        for problem in r["problems"]:
            print(f"round {number}: {problem}", file=sys.stderr)
    # Counted wrong (a scan lost or counted twice) fails; slow is reported, never failed.
    return 0 if report["correct"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
